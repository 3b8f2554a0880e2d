import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/tables.js';
import type { RateLimit } from './limits.js';

/** What the shared bucket gave: `taken` points if `granted`, and its level after. */
export interface Take {
  granted: boolean;
  taken: number;
  /** The bucket's level after the take (refilled up to now). */
  level: number;
}

/**
 * Takes points from a caller's bucket, shared by every server instance, in one atomic
 * statement: the bucket is refilled for the time since its last change (by the database's
 * clock); if the refilled level covers `needed`, up to `wanted` (at least `needed`) is taken.
 * Otherwise nothing is, and the level tells how far the bucket has refilled. A bucket the
 * database has never seen is created full, then taken from (a second statement, once).
 */
export async function takeFromBucket(
  db: Kysely<Database>,
  key: string,
  needed: number,
  wanted: number,
  limit: RateLimit,
): Promise<Take> {
  const want = Math.max(needed, wanted);
  // The row is locked as it is read (FOR UPDATE), so the level the take is computed from is
  // the one it is written over, whatever other instances do at the same moment.
  const taken = await sql<Take>`
    WITH current AS (
      SELECT key, least(${limit.capacity}::float8,
               tokens + ${limit.restorePerSecond}::float8
                 * extract(epoch FROM now() - updated_at)::float8) AS level
      FROM rate_limit_bucket WHERE key = ${key}
      FOR UPDATE
    ), take AS (
      SELECT key, level, level >= ${needed}::float8 AS granted,
             CASE WHEN level >= ${needed}::float8 THEN least(level, ${want}::float8) ELSE 0 END
               AS taken
      FROM current
    )
    UPDATE rate_limit_bucket b
    SET tokens = take.level - take.taken, updated_at = now()
    FROM take
    WHERE b.key = take.key
    RETURNING take.granted, take.taken, b.tokens AS level`.execute(db);
  const row = taken.rows[0];
  if (row) return row;

  const granted = limit.capacity >= needed;
  const take = granted ? Math.min(limit.capacity, want) : 0;
  const created = await db
    .insertInto('rate_limit_bucket')
    .values({ key, tokens: limit.capacity - take })
    .onConflict((conflict) => conflict.column('key').doNothing())
    .returning('tokens')
    .executeTakeFirst();
  if (created) return { granted, taken: take, level: created.tokens };
  // Another instance created the bucket between the two statements: take from it as it is.
  return takeFromBucket(db, key, needed, wanted, limit);
}

/** Gives unused points back to a caller's bucket, up to its capacity. */
export async function giveBackToBucket(
  db: Kysely<Database>,
  key: string,
  points: number,
  limit: RateLimit,
): Promise<void> {
  await sql`
    UPDATE rate_limit_bucket
    SET tokens = least(${limit.capacity}::float8,
                   tokens + ${limit.restorePerSecond}::float8
                     * extract(epoch FROM now() - updated_at)::float8 + ${points}::float8),
        updated_at = now()
    WHERE key = ${key}`.execute(db);
}
