import {
  Kysely,
  PGliteDialect,
  PostgresDialect,
  type LogEvent,
  type PostgresPool,
  type PostgresPoolClient,
} from 'kysely';
import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import {
  currentStatementSignal,
  StatementCancelledError,
  StatementScopePlugin,
} from './statement-scope.js';
import type { Database } from './tables.js';

export interface DatabaseConfig {
  /** PostgreSQL connection string; absent means embedded PGlite. */
  databaseUrl?: string | undefined;
  /** PGlite's directory, or 'memory' for a throwaway in-memory database. */
  dataDir?: string;
  statementTimeoutMs?: number;
  /**
   * Called once per SQL statement sent; tests count statements with it, and the benchmark
   * harness also replays the slowest one (its parameters) under EXPLAIN ANALYZE.
   */
  onQuery?: (sql: string, details: { parameters: readonly unknown[]; durationMs: number }) => void;
  /** Called when an idle pooled connection fails, so a lost database never crashes the process. */
  onPoolError?: (error: Error) => void;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const DATE_OID = 1082;

/**
 * Opens the database: PostgreSQL through `pg` when a URL is given, embedded PGlite otherwise.
 * Both return the same column types: counts (int8) as numbers, decimals as exact strings,
 * dates as 'YYYY-MM-DD' strings, so no caller can tell the two apart.
 *
 * @example
 * const db = createDatabase({ dataDir: 'memory' });
 * await migrateToLatest(db);
 */
export function createDatabase(config: DatabaseConfig): Kysely<Database> {
  const log = config.onQuery
    ? (event: LogEvent) =>
        config.onQuery?.(event.query.sql, {
          parameters: event.query.parameters,
          durationMs: event.queryDurationMillis,
        })
    : undefined;
  const plugins = [new StatementScopePlugin()];
  if (config.databaseUrl) {
    return new Kysely<Database>({ dialect: postgresDialect(config), log, plugins });
  }
  return new Kysely<Database>({ dialect: pgliteDialect(config.dataDir ?? 'memory'), log, plugins });
}

function postgresDialect(config: DatabaseConfig): PostgresDialect {
  const parsers: Record<number, (value: string) => unknown> = {
    [INT8_OID]: Number,
    [NUMERIC_OID]: (value) => value,
    [DATE_OID]: (value) => value,
  };
  const pool = new pg.Pool({
    connectionString: config.databaseUrl,
    max: 10,
    connectionTimeoutMillis: 5_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: config.statementTimeoutMs ?? 30_000,
    idle_in_transaction_session_timeout: 60_000,
    // JIT compilation costs more than it saves on the roll-ups, the only statements big enough
    // to trigger it: 150-180 ms of a 700 ms ratio roll-up at Hunan scale, ~1 s of a national
    // one, compiled anew on every execution.
    options: '-c jit=off',
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        parsers[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  // Without a listener, an idle client's lost connection is an unhandled 'error' event that
  // kills the process; the pool drops the client and the next query opens a new one.
  pool.on('error', (error) => config.onPoolError?.(error));
  return new PostgresDialect({ pool: cancellable(pool, config.onPoolError) });
}

/**
 * The pool as kysely sees it, with each statement tied to the request it runs for (see
 * statement-scope.ts): when the request's signal aborts, the statement still running on its
 * connection is cancelled with pg_cancel_backend from another connection. PGlite runs in this
 * process, one statement at a time, and has nothing to cancel from outside.
 */
function cancellable(pool: pg.Pool, onError?: (error: Error) => void): PostgresPool {
  const wrapped = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const cancel = (processId: number) => {
    pool.query('SELECT pg_cancel_backend($1)', [processId]).catch((error: Error) => {
      onError?.(error);
    });
  };
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const query = async (text: string, parameters: readonly unknown[]) => {
      const signal = currentStatementSignal();
      // A transaction must still be able to roll back after its request was cancelled.
      if (signal?.aborted && text !== 'rollback') throw new StatementCancelledError();
      const processId = (client as pg.PoolClient & { processID?: number }).processID;
      const onAbort = () => processId !== undefined && cancel(processId);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await client.query(text, [...parameters]);
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    };
    return {
      // Only the (text, parameters) form: kysely passes a cursor only when one is configured.
      query: query as unknown as PostgresPoolClient['query'],
      release: (destroy) => client.release(destroy),
    };
  };
  return {
    options: pool.options,
    async connect() {
      const client = await pool.connect();
      let proxy = wrapped.get(client);
      if (!proxy) {
        proxy = wrap(client);
        wrapped.set(client, proxy);
      }
      return proxy;
    },
    end: () => pool.end(),
  };
}

function pgliteDialect(dataDir: string): PGliteDialect {
  // PGlite creates its own folder but not the ones above it (./.fulian on a fresh clone).
  if (dataDir !== 'memory') mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir === 'memory' ? 'memory://' : dataDir, {
    extensions: { pg_trgm },
    parsers: {
      [INT8_OID]: Number,
      [NUMERIC_OID]: (value: string) => value,
      [DATE_OID]: (value: string) => value,
    },
  });
  return new PGliteDialect({ pglite });
}
