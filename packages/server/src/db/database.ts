import { Kysely, PGliteDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import { openEmbedded, type EmbeddedSharing } from './embedded.js';
import { registerListen } from './notifications.js';
import type { PoolStatus } from './pool-status.js';
import { postgresListen } from './postgres-listen.js';
import { resilientPool } from './postgres-pool.js';
import { ReadReplica } from './read-replica.js';
import { connectionWaitOf, ScopedPostgresDialect } from './scoped-postgres.js';
import { recordStatement, statementScopeOf, type StatementScope } from './statement-scope.js';
import type { Database } from './tables.js';

export interface DatabaseConfig {
  /** PostgreSQL connection string; absent means embedded PGlite. */
  databaseUrl?: string | undefined;
  /**
   * A streaming replica of databaseUrl's server: queries read from it, everything else goes
   * to the primary (read-replica.ts).
   */
  readUrl?: string | undefined;
  /**
   * PGlite's directory, or 'memory' for a throwaway in-memory database. A directory is locked
   * for this process while open: opening one another process holds throws DataDirInUseError.
   */
  dataDir?: string;
  /** Serves the embedded database to other processes on a Unix socket in its directory. */
  share?: EmbeddedSharing;
  statementTimeoutMs?: number;
  /**
   * Called once per SQL statement sent, when it has answered or failed; tests count statements with it, the benchmark harness also replays the
   * slowest one (its parameters) under EXPLAIN ANALYZE, and the server's metrics and traces
   * observe it (observability/).
   */
  onQuery?: (sql: string, details: StatementDetails) => void;
  /** Called when a pooled connection fails (the process lives on; see postgres-pool.ts). */
  onPoolError?: (error: Error) => void;
}

/** What onQuery is told of a statement besides its text. */
export interface StatementDetails {
  parameters: readonly unknown[];
  durationMs: number;
  /** Whether the statement failed (the database refused it, or its connection was lost). */
  failed: boolean;
  /** The request it was sent for (statement-scope.ts), if any. */
  scope: StatementScope | undefined;
}

const INT8_OID = 20;
const NUMERIC_OID = 1700;
const DATE_OID = 1082;
/** Counts as numbers, decimals as exact strings, dates as 'YYYY-MM-DD', on either database. */
const PARSERS: Record<number, (value: string) => unknown> = {
  [INT8_OID]: Number,
  [NUMERIC_OID]: (value) => value,
  [DATE_OID]: (value) => value,
};

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
  // kysely times each statement from the moment it has a connection; on PostgreSQL a
  // connection is taken for its first statement (scoped-postgres.ts), whose wait is not its own.
  const log = (event: LogEvent) => {
    const scope = statementScopeOf(event.query);
    const durationMs = event.queryDurationMillis - connectionWaitOf(event.query);
    recordStatement(scope, durationMs);
    config.onQuery?.(event.query.sql, {
      parameters: event.query.parameters,
      durationMs,
      failed: event.level === 'error',
      scope,
    });
  };
  let db: Kysely<Database>;
  let status: () => PoolStatus;
  if (config.databaseUrl) {
    const pool = postgresPool(config.databaseUrl, config);
    const replica = config.readUrl
      ? new ReadReplica(pool, postgresPool(config.readUrl, config))
      : undefined;
    db = new Kysely<Database>({
      dialect: new ScopedPostgresDialect({ pool: replica?.pool ?? pool }),
      log,
    });
    registerListen(db, postgresListen(config.databaseUrl, config.onPoolError ?? (() => {})));
    if (replica) replicas.set(db, replica);
    status = pool.status;
  } else {
    const pglite = openEmbedded(config.dataDir ?? 'memory', PARSERS, config.share);
    db = new Kysely<Database>({ dialect: new PGliteDialect({ pglite }), log });
    registerListen(db, pglite.listen);
    status = pglite.status;
  }
  poolStatuses.set(db, status);
  return db;
}

const poolStatuses = new WeakMap<Kysely<Database>, () => PoolStatus>();
const replicas = new WeakMap<Kysely<Database>, ReadReplica>();

/** How busy the connections of a database createDatabase opened are (undefined for others). */
export function poolStatus(db: Kysely<Database>): PoolStatus | undefined {
  return poolStatuses.get(db)?.();
}

/** The read replica of a database createDatabase opened with a readUrl. */
export function readReplicaOf(db: Kysely<Database>): ReadReplica | undefined {
  return replicas.get(db);
}

function postgresPool(connectionString: string, config: DatabaseConfig) {
  const pool = new pg.Pool({
    connectionString,
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
        PARSERS[oid] ?? pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  return resilientPool(pool, config.onPoolError ?? (() => {}));
}
