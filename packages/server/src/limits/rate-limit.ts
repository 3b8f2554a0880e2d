import { sql, type Kysely } from 'kysely';
import type { Viewer } from '../auth/viewer.js';
import type { Database } from '../db/tables.js';
import { UnreachableCaseError } from '../unreachable.js';
import type { RateLimit } from './limits.js';

export type Charge =
  | { granted: true; remaining: number }
  | { granted: false; available: number; retryAfterSeconds: number };

/**
 * Whose bucket a request draws from: one per API key, one per staff member, one per address
 * for anonymous callers; the system (CLI, seed) is not limited.
 */
export function bucketKey(viewer: Viewer, clientAddress: string | undefined): string | null {
  switch (viewer.kind) {
    case 'staff':
      return `staff:${viewer.subject}`;
    case 'api-key':
      return `api-key:${viewer.keyId}`;
    case 'anonymous':
      return `anonymous:${clientAddress ?? 'unknown'}`;
    case 'system':
      return null;
    default:
      throw new UnreachableCaseError(viewer);
  }
}

/**
 * Takes `cost` points from a bucket if it holds them, in one atomic statement shared by every
 * server instance: the bucket is refilled for the time since its last update (by the
 * database's clock), then charged, and only if the refilled level covers the cost. A new
 * bucket starts full.
 */
export async function charge(
  db: Kysely<Database>,
  key: string,
  cost: number,
  limit: RateLimit,
): Promise<Charge> {
  const refilled = refilledLevel(limit);
  const result = await sql<{ tokens: number }>`
    INSERT INTO rate_limit_bucket AS b (key, tokens, updated_at)
    VALUES (${key}, ${limit.capacity - cost}::float8, now())
    ON CONFLICT (key) DO UPDATE
      SET tokens = ${refilled} - ${cost}::float8, updated_at = now()
      WHERE ${refilled} >= ${cost}::float8
    RETURNING tokens`.execute(db);
  const granted = result.rows[0];
  if (granted) return { granted: true, remaining: granted.tokens };

  // Refused: read how far the bucket has refilled to say when the cost will be covered.
  const level = await sql<{ available: number }>`
    SELECT ${refilled} AS available FROM rate_limit_bucket b WHERE b.key = ${key}`.execute(db);
  const available = level.rows[0]?.available ?? limit.capacity;
  return {
    granted: false,
    available,
    retryAfterSeconds: Math.max(1, Math.ceil((cost - available) / limit.restorePerSecond)),
  };
}

/**
 * Gives back what a request was charged but did not use (its requested cost less its actual
 * cost) and returns the bucket's level.
 */
export async function refund(
  db: Kysely<Database>,
  key: string,
  points: number,
  limit: RateLimit,
): Promise<number | null> {
  const result = await sql<{ tokens: number }>`
    UPDATE rate_limit_bucket
    SET tokens = least(${limit.capacity}::float8, tokens + ${points}::float8)
    WHERE key = ${key}
    RETURNING tokens`.execute(db);
  return result.rows[0]?.tokens ?? null;
}

function refilledLevel(limit: RateLimit) {
  return sql<number>`least(${limit.capacity}::float8, b.tokens + ${limit.restorePerSecond}::float8 * extract(epoch FROM now() - b.updated_at)::float8)`;
}
