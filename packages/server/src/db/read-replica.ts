import type { PostgresPool, PostgresPoolClient } from 'kysely';
import type { PoolStatus } from './pool-status.js';
import { sqlState } from './postgres-pool.js';
import { handing, sendingScope } from './scoped-postgres.js';
import { DatabaseUnavailableError } from './unavailable.js';

/** A pool as resilientPool (postgres-pool.ts) makes it. */
export type StatusPool = PostgresPool & { status(): PoolStatus };

/** How long reads keep off a replica that could not be reached before trying it again. */
const REPLICA_RETRY_MS = 1_000;

/** How far a replica trails its primary, as /readyz and the logs report it. */
export type ReplicaLag =
  { status: 'up'; lagBytes?: number; lagMs?: number } | { status: 'unavailable' };

// A WAL position as a decimal byte offset: what the consistency token carries, so a client can
// keep the larger of two without knowing PostgreSQL's "16/B374D848" notation. On a server that
// is not a standby (DATABASE_READ_URL naming the primary, or a replica since promoted) the
// replayed position is the server's own current one.
const PRIMARY_POSITION = `SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::text AS position`;
const REPLAYED_POSITION = `SELECT (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()
    ELSE pg_current_wal_lsn() END - '0/0'::pg_lsn)::text AS position,
  coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000, 0)::float8
    AS age_ms`;

// read_only_sql_transaction: a write reached the replica because the primary was out of reach.
const READ_ONLY = '25006';
// serialization_failure, which a standby raises when replaying WAL cancels a read in its way.
const RECOVERY_CONFLICT = '40001';

/**
 * A primary and a streaming replica behind one kysely pool. Each connection goes where the
 * request it serves says (StatementScope.readFrom): a query's reads to the replica, falling
 * back to the primary when the replica cannot be reached or a read of it is lost or cancelled
 * by replay; a mutation's and a subscription's statements to the primary only; statements of a
 * request whose operation is not known yet (authentication) to the primary, or the replica
 * when the primary is out of reach, where a write fails as the primary's unavailability.
 * A statement moves to the other server only outside a transaction.
 * Statements outside any request (admission's bucket, LISTEN, background work) go to the
 * primary.
 */
export class ReadReplica {
  #downUntil = 0;
  /** The replica's replayed position at its last answer; only ever grows. */
  #replayed = -1n;
  #asking: Promise<bigint> | null = null;

  constructor(
    private readonly primary: StatusPool,
    private readonly replica: StatusPool,
  ) {}

  /** The pool kysely uses. */
  readonly pool: PostgresPool = {
    options: {},
    connect: () => this.connect(),
    end: async () => {
      await Promise.all([this.primary.end(), this.replica.end()]);
    },
  };

  /** Whether reads may try the replica (false for a second after it could not be reached). */
  get reachable(): boolean {
    return Date.now() >= this.#downUntil;
  }

  /**
   * Whether the replica has replayed the primary's WAL up to `position` (a consistency token):
   * answered from its last answer when that suffices, else by asking it, once for every
   * request asking at the same moment. False when it cannot be reached.
   */
  async hasReplayed(position: bigint): Promise<boolean> {
    if (this.#replayed >= position) return true;
    if (!this.reachable) return false;
    this.#asking ??= this.askReplayed().finally(() => (this.#asking = null));
    try {
      return (await this.#asking) >= position;
    } catch {
      return false;
    }
  }

  /** The primary's WAL position now, which a commit that returned lies at or before. */
  async primaryPosition(): Promise<bigint> {
    const [row] = await statement(this.primary, PRIMARY_POSITION);
    return BigInt(row!.position as string);
  }

  /**
   * How far the replica trails the primary, in bytes of WAL and in time; without the figures
   * when the primary cannot be reached to compare with.
   */
  async lag(): Promise<ReplicaLag> {
    const [primary, replica] = await Promise.allSettled([
      this.primaryPosition(),
      statement(this.replica, REPLAYED_POSITION),
    ]);
    if (replica.status === 'rejected') {
      this.markDown(replica.reason);
      return { status: 'unavailable' };
    }
    const [row = {}] = replica.value;
    const replayed = this.noteReplayed(BigInt(row.position as string));
    if (primary.status === 'rejected') return { status: 'up' };
    const lagBytes = primary.value > replayed ? Number(primary.value - replayed) : 0;
    // Time since the last replayed commit means lag only while WAL is waiting to be replayed.
    return { status: 'up', lagBytes, lagMs: lagBytes > 0 ? Math.round(Number(row.age_ms)) : 0 };
  }

  private async askReplayed(): Promise<bigint> {
    try {
      const [row] = await statement(this.replica, REPLAYED_POSITION);
      return this.noteReplayed(BigInt(row!.position as string));
    } catch (error) {
      this.markDown(error);
      throw error;
    }
  }

  private noteReplayed(position: bigint): bigint {
    if (position > this.#replayed) this.#replayed = position;
    return this.#replayed;
  }

  private markDown(error: unknown): void {
    if (error instanceof DatabaseUnavailableError) this.#downUntil = Date.now() + REPLICA_RETRY_MS;
  }

  private async connect(): Promise<PostgresPoolClient> {
    const scope = sendingScope();
    if (!scope || scope.readFrom === 'primary') return this.primary.connect();
    if (scope.readFrom === 'replica' && this.reachable) {
      try {
        return this.fallingBack(await this.replica.connect(), () => this.primary.connect(), true);
      } catch (error) {
        this.markDown(error);
        if (!(error instanceof DatabaseUnavailableError)) throw error;
      }
    }
    // The primary first, and the replica as the last resort even if it failed lately.
    const standIn = async () => readOnly(await this.replica.connect());
    let first: PostgresPoolClient;
    try {
      first = await this.primary.connect();
    } catch (error) {
      if (!(error instanceof DatabaseUnavailableError)) throw error;
      return standIn();
    }
    return this.fallingBack(first, standIn, false);
  }

  /**
   * A connection that, when a statement outside a transaction loses it (its server stopped),
   * sends that statement and the rest once more on `next`: a query's read from the replica
   * goes to the primary (as does one that replay cancelled), and a read from the primary (of
   * a query, or before the operation is known) goes to the replica.
   */
  private fallingBack(
    first: PostgresPoolClient,
    next: () => Promise<PostgresPoolClient>,
    onReplica: boolean,
  ): PostgresPoolClient {
    let client = first;
    let switched = false;
    let inTransaction = false;
    const query = async (text: string, parameters: readonly unknown[]) => {
      const scope = sendingScope();
      if (text === 'begin' || text.startsWith('start transaction')) inTransaction = true;
      try {
        return await client.query(text, parameters as unknown[]);
      } catch (error) {
        const lost = error instanceof DatabaseUnavailableError && error.reason !== 'TIMEOUT';
        const cancelled = onReplica && sqlState(error) === RECOVERY_CONFLICT;
        if (switched || inTransaction || !(lost || cancelled)) throw error;
        if (onReplica) this.markDown(error);
        client.release();
        switched = true;
        client = await next();
        return handing(scope, () => client.query(text, parameters as unknown[]));
      } finally {
        if (text === 'commit' || text === 'rollback') inTransaction = false;
      }
    };
    return {
      query: query as unknown as PostgresPoolClient['query'],
      release: () => client.release(),
    };
  }
}

/** A connection to the replica standing in for the primary: a write is refused as unavailable. */
function readOnly(client: PostgresPoolClient): PostgresPoolClient {
  const query = async (text: string, parameters: readonly unknown[]) => {
    try {
      return await client.query(text, parameters as unknown[]);
    } catch (error) {
      if (sqlState(error) !== READ_ONLY) throw error;
      throw new DatabaseUnavailableError('DATABASE_UNREACHABLE', error);
    }
  };
  return {
    query: query as unknown as PostgresPoolClient['query'],
    release: () => client.release(),
  };
}

async function statement(pool: StatusPool, text: string): Promise<Record<string, unknown>[]> {
  const client = await pool.connect();
  try {
    return (await client.query<Record<string, unknown>>(text, [])).rows;
  } finally {
    client.release();
  }
}
