import { sql, type Kysely } from 'kysely';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { buildInfo } from '../build-info.js';
import { poolStatus } from '../db/database.js';
import { LATEST_MIGRATION } from '../db/migrate.js';
import type { Database } from '../db/tables.js';

/** Seconds; from a cached lookup to the request deadline's default of 30 s. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const STATEMENT_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30];

/**
 * The server's Prometheus metrics, in a registry of its own (several servers in one process,
 * as in the tests, never mix their counts). Everything a request or a statement records is a
 * counter increment or a histogram observation; what can be read when scraped (the pool, the
 * schema) is read then.
 */
export class Metrics {
  readonly registry = new Registry();

  readonly requests = this.counter(
    'fulian_graphql_requests_total',
    'GraphQL requests over HTTP, by operation name and outcome (OK or the first error code)',
    ['operation', 'code'],
  );

  readonly requestDuration = this.histogram(
    'fulian_graphql_request_duration_seconds',
    'Time from a GraphQL request read to its answer sent, by operation name',
    ['operation'],
    REQUEST_BUCKETS,
  );

  readonly statementDuration = this.histogram(
    'fulian_sql_statement_duration_seconds',
    'SQL statements sent and their durations, by command (select, insert, begin, ...)',
    ['command'],
    STATEMENT_BUCKETS,
  );

  readonly statementErrors = this.counter(
    'fulian_sql_statement_errors_total',
    'SQL statements that failed (refused by the database, cancelled, or connection lost)',
    ['command'],
  );

  readonly rateLimitRefusals = this.counter(
    'fulian_rate_limit_refusals_total',
    'Requests refused RATE_LIMITED, by reason: ALLOWANCE (bucket empty), CONCURRENCY_LIMIT, REMEMBERED (refused again before parsing)',
    ['reason'],
  );

  readonly subscriptionsOpen = new Gauge({
    name: 'fulian_subscriptions_open',
    help: 'GraphQL subscriptions running over WebSocket',
    registers: [this.registry],
  });

  constructor() {
    const { registry } = this;
    collectDefaultMetrics({ register: registry, prefix: 'fulian_' });
    const build = buildInfo();
    new Gauge({
      name: 'fulian_build_info',
      help: 'The running build: package version, git commit, and the latest migration it knows',
      labelNames: ['version', 'commit', 'schema'] as const,
      registers: [registry],
    }).set({ version: build.version, commit: build.commit, schema: LATEST_MIGRATION }, 1);
  }

  private counter<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
  ): Counter<Label> {
    return new Counter({ name, help, labelNames, registers: [this.registry] });
  }

  private histogram<Label extends string>(
    name: string,
    help: string,
    labelNames: readonly Label[],
    buckets: number[],
  ): Histogram<Label> {
    return new Histogram({ name, help, labelNames, buckets, registers: [this.registry] });
  }

  /** Adds what is read from the database when scraped: its schema and its connections. */
  watchDatabase(db: Kysely<Database>): void {
    const { registry } = this;

    new Gauge({
      name: 'fulian_schema_info',
      help: 'The latest migration applied to the database (1), read when scraped; absent when the database does not answer',
      labelNames: ['applied'] as const,
      registers: [registry],
      async collect() {
        this.reset();
        const applied = await latestApplied(db);
        if (applied !== undefined) this.set({ applied }, 1);
      },
    });

    const pool = () => poolStatus(db);
    new Gauge({
      name: 'fulian_db_pool_connections',
      help: 'Database connections by state: busy or idle (PGlite: its one session)',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const status = pool();
        if (!status) return;
        this.set({ state: 'busy' }, status.total - status.idle);
        this.set({ state: 'idle' }, status.idle);
      },
    });
    new Gauge({
      name: 'fulian_db_pool_waiting',
      help: 'Callers waiting for a database connection (PGlite: for its session) now',
      registers: [registry],
      collect() {
        this.set(pool()?.waiting ?? 0);
      },
    });
    new Counter({
      name: 'fulian_db_pool_waits_total',
      help: 'Times a caller found every database connection busy and waited',
      registers: [registry],
      collect() {
        const waits = pool()?.waits ?? 0;
        this.reset();
        this.inc(waits);
      },
    });
    new Counter({
      name: 'fulian_db_pool_wait_seconds_total',
      help: 'Seconds callers spent waiting for a database connection',
      registers: [registry],
      collect() {
        const waitMs = pool()?.waitMs ?? 0;
        this.reset();
        this.inc(waitMs / 1_000);
      },
    });
  }
}

/** The latest migration the database has applied, or undefined if it does not answer. */
async function latestApplied(db: Kysely<Database>): Promise<string | undefined> {
  try {
    const { rows } = await sql<{ name: string | null }>`
      SELECT max(name) AS name FROM kysely_migration`.execute(db);
    return rows[0]?.name ?? 'none';
  } catch {
    return undefined;
  }
}

/**
 * Operation names are the caller's to choose: the first `max` distinct ones get a label of
 * their own, any later one is counted as `other`, so a caller inventing names cannot make the
 * metrics grow without bound.
 */
export class OperationLabels {
  readonly #seen = new Set<string>();

  constructor(private readonly max = 100) {}

  label(name: string): string {
    if (this.#seen.has(name)) return name;
    if (this.#seen.size >= this.max || name.length > 64) return 'other';
    this.#seen.add(name);
    return name;
  }
}

const COMMANDS = new Set([
  'select',
  'insert',
  'update',
  'delete',
  'with',
  'begin',
  'commit',
  'rollback',
  'savepoint',
  'release',
]);

/** A statement's first keyword, lower case, when it is a common one; else `other`. */
export function commandOf(statement: string): string {
  const word = /^\s*\(*\s*([A-Za-z]+)/.exec(statement)?.[1]?.toLowerCase() ?? 'other';
  return COMMANDS.has(word) ? word : 'other';
}
