import {
  CompiledQuery,
  PostgresDialect,
  type DatabaseConnection,
  type Driver,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import { statementScopeOf, tieStatement, type StatementScope } from './statement-scope.js';

/**
 * kysely's PostgreSQL dialect with each statement's scope (statement-scope.ts) handed to the
 * pool (postgres-pool.ts, read-replica.ts), which sees only a statement's text and parameters:
 * it connects on a connection's first statement, so the replica is chosen for that statement's
 * request, and a transaction's `begin`, which names no request, is sent with its first
 * statement. `sendingScope()` is the scope of the statement being handed to the pool, read
 * synchronously where the pool is called (kysely calls it without awaiting first).
 */
export class ScopedPostgresDialect extends PostgresDialect {
  override createDriver(): Driver {
    return new ScopedDriver(super.createDriver());
  }
}

let sending: StatementScope | undefined;

/** The scope of the statement (or connection) being handed to the pool right now. */
export function sendingScope(): StatementScope | undefined {
  return sending;
}

/** Calls the pool with `scope` as the scope of what it sends. */
export function handing<T>(scope: StatementScope | undefined, call: () => T): T {
  sending = scope;
  try {
    return call();
  } finally {
    sending = undefined;
  }
}

/**
 * How long a statement waited for its connection (and its transaction's `begin`, logged on its
 * own), which kysely timed as the statement's.
 */
const connectionWaits = new WeakMap<CompiledQuery, number>();

/** The milliseconds `query` spent waiting for its connection before it was sent. */
export function connectionWaitOf(query: CompiledQuery): number {
  return connectionWaits.get(query) ?? 0;
}

class ScopedDriver implements Driver {
  constructor(private readonly driver: Driver) {}

  init(): Promise<void> {
    return this.driver.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new ScopedConnection(this.driver);
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings) {
    (connection as ScopedConnection).begin = settings;
  }

  // Both are sent through the scoped connection, so kysely logs them as it logs statements.
  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const scoped = connection as ScopedConnection;
    await scoped.end(() => this.driver.commitTransaction(scoped));
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    // A rollback that fails destroys its client in the pool (postgres-pool.ts).
    await (connection as ScopedConnection).end(() =>
      connection.executeQuery(CompiledQuery.raw('rollback')),
    );
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const { inner } = connection as ScopedConnection;
    if (inner) await this.driver.releaseConnection(inner);
  }

  destroy(): Promise<void> {
    return this.driver.destroy();
  }
}

/** A connection taken from the pool for its first statement's request. */
class ScopedConnection implements DatabaseConnection {
  inner: DatabaseConnection | undefined;
  /** A transaction begun and not yet sent: it goes with the first statement. */
  begin: TransactionSettings | undefined;
  /** The request whose statements this connection sends (a transaction's end names none). */
  #scope: StatementScope | undefined;

  constructor(private readonly driver: Driver) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const inner = await this.#ready(query);
    // A transaction's own statements (begin, commit) are its request's too.
    if (this.#scope && !statementScopeOf(query)) tieStatement(query, this.#scope);
    return handing(this.#scope, () => inner.executeQuery<R>(query));
  }

  async *streamQuery<R>(query: CompiledQuery, chunkSize: number) {
    const inner = await this.#ready(query);
    yield* inner.streamQuery<R>(query, chunkSize);
  }

  /** Ends the transaction: nothing to send if no statement began it. */
  async end(send: () => Promise<unknown>): Promise<void> {
    if (this.begin) this.begin = undefined;
    else await send();
  }

  async #ready(query: CompiledQuery): Promise<DatabaseConnection> {
    this.#scope = statementScopeOf(query) ?? this.#scope;
    const settings = this.begin;
    if (this.inner && !settings) return this.inner;
    const started = performance.now();
    this.inner ??= await handing(this.#scope, () => this.driver.acquireConnection());
    if (settings) {
      this.begin = undefined;
      await this.driver.beginTransaction(this, settings);
    }
    connectionWaits.set(query, performance.now() - started);
    return this.inner;
  }
}
