import { createHash, randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { ApiKeyRow, Database } from '../db/tables.js';
import { CREDENTIAL_CACHE_MS, LookupCache } from './lookup-cache.js';
import { API_KEY_SCOPE_NAMES, API_KEY_SCOPES, type ApiKeyScope } from './viewer.js';

/** Every key starts with this, so a leaked key is recognisable in logs and secret scanners. */
const KEY_PREFIX = 'fk_';
/** How much of a key is kept in clear to tell keys apart: `fk_` and seven key characters. */
const SHOWN_LENGTH = 10;

/** An API key as listed: everything but its hash. */
export type ApiKeySummary = Omit<ApiKeyRow, 'key_hash'>;

/** The identity an API key carries, as a request needs it. */
export interface ApiKeyIdentity {
  id: number;
  name: string;
  scopes: ApiKeyScope[];
}

/** SHA-256 is enough here: keys are 256 random bits, so there is nothing to guess slowly. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function isApiKeyScope(scope: string): scope is ApiKeyScope {
  return (API_KEY_SCOPES as readonly string[]).includes(scope);
}

/**
 * A scope as a person writes it, in either spelling and any case: READ_PUBLIC (the public
 * one), read:public (the stored one), read_public. Null for anything else.
 */
export function parseApiKeyScope(text: string): ApiKeyScope | null {
  const wanted = text.trim().toUpperCase().replace(':', '_');
  return API_KEY_SCOPES.find((scope) => API_KEY_SCOPE_NAMES[scope] === wanted) ?? null;
}

/**
 * Creates a key and returns it in clear, the only time it is ever available: only its hash
 * and its first characters are stored.
 */
export async function createApiKey(
  db: Kysely<Database>,
  name: string,
  scopes: readonly ApiKeyScope[],
): Promise<{ id: number; key: string; prefix: string }> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const prefix = key.slice(0, SHOWN_LENGTH);
  const row = await db
    .insertInto('api_key')
    .values({ name, prefix, key_hash: hashApiKey(key), scopes: [...scopes] })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: row.id, key, prefix };
}

export async function listApiKeys(db: Kysely<Database>): Promise<ApiKeySummary[]> {
  return db
    .selectFrom('api_key')
    .select(['id', 'name', 'prefix', 'scopes', 'created_at', 'last_used_at', 'revoked_at'])
    .orderBy('id')
    .execute();
}

/** Revokes a key; false when no such key exists or it was already revoked. */
export async function revokeApiKey(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db
    .updateTable('api_key')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/**
 * How often a key's `last_used_at` is written, at most, by one process: the column says when a
 * key was last seen to within this, and a busy key costs no write per request.
 */
export const RECORD_USE_EVERY_MS = 60_000;

/**
 * Finds the live key a request presents, through a short cache (CREDENTIAL_CACHE_MS): a key
 * used again within it costs no statement, and a revocation is seen once its entry expires.
 * The lookup that refreshes an entry also records the key's use when the last record this
 * process made is RECORD_USE_EVERY_MS old, in the same statement. Null for an unknown or
 * revoked key, which is never cached, so a key created by any process works at once.
 */
export function createApiKeyLookup(
  now: () => number = Date.now,
): (key: string, db: Kysely<Database>) => Promise<ApiKeyIdentity | null> {
  const cache = new LookupCache<string, ApiKeyIdentity>(CREDENTIAL_CACHE_MS, now);
  const recorded = new Map<string, number>();
  const load = async (hash: string, db: Kysely<Database>) => {
    const at = now();
    const record = at - (recorded.get(hash) ?? -Infinity) >= RECORD_USE_EVERY_MS;
    const row = record
      ? await db
          .updateTable('api_key')
          .set({ last_used_at: sql<Date>`now()` })
          .where('key_hash', '=', hash)
          .where('revoked_at', 'is', null)
          .returning(['id', 'name', 'scopes'])
          .executeTakeFirst()
      : await db
          .selectFrom('api_key')
          .select(['id', 'name', 'scopes'])
          .where('key_hash', '=', hash)
          .where('revoked_at', 'is', null)
          .executeTakeFirst();
    if (!row) return undefined;
    if (record) recorded.set(hash, at);
    return { id: row.id, name: row.name, scopes: row.scopes.filter(isApiKeyScope) };
  };
  // `db` is the request's (statement-scope.ts).
  return async (key, db) => {
    if (!key.startsWith(KEY_PREFIX)) return null;
    const hash = hashApiKey(key);
    return (await cache.get(hash, () => load(hash, db))) ?? null;
  };
}
