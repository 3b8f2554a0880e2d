import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import type { Database } from '../../db/tables.js';
import { UserError, badInput } from '../../errors.js';

/** A claimed key: either new (the caller does the work, then `store`s its answer) or a replay. */
export type Claim<Response> =
  | { kind: 'new'; store: (response: Response) => Promise<void> }
  | { kind: 'replay'; response: Response };

/**
 * Claims a client's idempotency key inside the request's transaction. The key row is
 * inserted first: a concurrent request with the same key blocks on it until this transaction
 * ends, then finds the stored answer (or, if this one rolled back, claims the key itself).
 * A stored key with the same request hash is a replay; with another hash it is CONFLICT.
 */
export async function claimIdempotencyKey<Response>(
  trx: Transaction<Database>,
  actor: string,
  key: string,
  operation: string,
  request: unknown,
): Promise<Claim<Response>> {
  if (key.length === 0 || key.length > 200) {
    throw badInput('idempotencyKey must be 1 to 200 characters', 'input.idempotencyKey');
  }
  const hash = requestHash(operation, request);
  const claimed = await sql<{ key: string }>`
    INSERT INTO idempotency_key (actor, key, operation, request_hash)
    VALUES (${actor}, ${key}, ${operation}, ${hash})
    ON CONFLICT (actor, key) DO NOTHING
    RETURNING key`.execute(trx);
  if (claimed.rows.length === 1) {
    return {
      kind: 'new',
      store: async (response) => {
        await sql`
          UPDATE idempotency_key SET response = ${JSON.stringify(response)}::jsonb
          WHERE actor = ${actor} AND key = ${key}`.execute(trx);
      },
    };
  }
  const existing = await trx
    .selectFrom('idempotency_key')
    .select(['operation', 'request_hash', 'response'])
    .where('actor', '=', actor)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  if (existing.operation !== operation || existing.request_hash !== hash) {
    throw new UserError(
      'CONFLICT',
      'This idempotency key was used for a different request; use a new key for a new request',
      { reason: 'IDEMPOTENCY_KEY_REUSED', field: 'input.idempotencyKey' },
    );
  }
  return { kind: 'replay', response: existing.response as Response };
}

/** A stable hash of a request: object keys sorted, so field order does not matter. */
export function requestHash(operation: string, request: unknown): string {
  return createHash('sha256')
    .update(operation)
    .update('\0')
    .update(stableJson(request))
    .digest('hex');
}

function stableJson(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    // An absent optional field and an explicit null mean the same request.
    .filter(([, item]) => item !== undefined && item !== null)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${stableJson(item)}`).join(',')}}`;
}
