import type {
  CompiledQuery,
  Kysely,
  KyselyPlugin,
  OperationNode,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import type { Database } from './tables.js';

/**
 * What the database layer knows of the request a statement is sent for. A request's code
 * sends its SQL through the Kysely `scopedDatabase` gives it (the context's `db`), so each
 * compiled statement names its scope, and the database layer can tell which statements
 * belong to a request without every repository function passing it along (and without
 * AsyncLocalStorage, whose promise hook Node 20 runs for every promise of the process).
 */
export interface StatementScope {
  /** Once aborted, statements still running are cancelled (on PostgreSQL) and none is sent. */
  readonly signal: CancelSignal;
  /**
   * Whether the request only reads (a GraphQL query executing): a statement of it that lost its
   * connection outside a transaction may then be sent once more, on a new connection.
   */
  retryReads: boolean;
  /**
   * Where its statements go when a read replica is configured (read-replica.ts): set once the
   * operation is known, a query's to the replica, a mutation's or a subscription's to the
   * primary; unset before then (authentication reads the primary, or the replica when the
   * primary is out of reach).
   */
  readFrom?: 'replica' | 'primary';
  /** The database time the request's statements took, as the database layer measured it. */
  readonly usage: StatementUsage;
}

/** Statements sent and the milliseconds they took. */
export interface StatementUsage {
  statements: number;
  milliseconds: number;
}

/** What the database layer reads of a signal: an AbortSignal, or a request's Deadline. */
export interface CancelSignal {
  readonly aborted: boolean;
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void;
  removeEventListener(type: 'abort', listener: () => void): void;
}

/**
 * The signal of a GraphQL request's deadline: what an AbortController gives, without one per
 * request (building an AbortSignal was ~1.5% of a lookup's CPU, docs/performance.md), and
 * with listeners only while a statement runs.
 */
export class Deadline implements CancelSignal {
  aborted = false;
  readonly #listeners = new Set<() => void>();

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    for (const listener of [...this.#listeners]) listener();
    this.#listeners.clear();
  }

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) this.#listeners.add(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    this.#listeners.delete(listener);
  }
}

export function createStatementScope(signal: CancelSignal): StatementScope {
  return { signal, retryReads: false, usage: { statements: 0, milliseconds: 0 } };
}

/** The scope of each statement sent through a scoped database, by its compiled query's node. */
const scopes = new WeakMap<OperationNode, StatementScope>();
/** The database each scoped one was made from. */
const roots = new WeakMap<Kysely<Database>, Kysely<Database>>();

/**
 * The database as one request sees it: the same executor, connections and driver (PGlite keeps
 * its one mutex), with every statement tied to `scope`.
 */
export function scopedDatabase(db: Kysely<Database>, scope: StatementScope): Kysely<Database> {
  const scoped = db.withPlugin(new StatementScopePlugin(scope));
  roots.set(scoped, rootDatabase(db));
  return scoped;
}

/**
 * The database a scoped one was made from: work a request starts for the whole process (a
 * background refresh, a shared listener) must neither be cancelled with it nor charged to it.
 */
export function rootDatabase(db: Kysely<Database>): Kysely<Database> {
  return roots.get(db) ?? db;
}

/** The scope a compiled statement was sent in, if any. */
export function statementScopeOf(query: CompiledQuery): StatementScope | undefined {
  return scopes.get(query.query);
}

/** Ties a statement sent for a request's transaction (its begin, its commit) to the request. */
export function tieStatement(query: CompiledQuery, scope: StatementScope): void {
  scopes.set(query.query, scope);
}

/** Adds one statement's duration to the request it ran for, if any. */
export function recordStatement(scope: StatementScope | undefined, durationMs: number): void {
  if (!scope) return;
  scope.usage.statements += 1;
  scope.usage.milliseconds += durationMs;
}

/** A statement refused because its request was already cancelled. */
export class StatementCancelledError extends Error {
  constructor() {
    super('The request was cancelled; no further SQL is sent for it');
  }
}

/** Ties a request's statements to its scope, and refuses them once it is cancelled. */
class StatementScopePlugin implements KyselyPlugin {
  constructor(private readonly scope: StatementScope) {}

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (this.scope.signal.aborted) throw new StatementCancelledError();
    // A node of its own for this execution: a builder kept and run by several requests must
    // not carry the scope of the last one that compiled it.
    const node = Object.freeze({ ...args.node });
    scopes.set(node, this.scope);
    return node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
