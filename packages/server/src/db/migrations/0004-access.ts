import { sql, type Kysely } from 'kysely';
import type { MigrationPhase } from './phase.js';

export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  // Third-party keys: only a SHA-256 of the key is stored; the prefix is the part a person
  // can read back to tell keys apart in `fulian apikey list`.
  await db.schema
    .createTable('api_key')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('name', 'text', (col) => col.notNull().check(sql`length(name) BETWEEN 1 AND 200`))
    .addColumn('prefix', 'text', (col) => col.notNull())
    .addColumn('key_hash', 'text', (col) =>
      col
        .notNull()
        .unique()
        .check(sql`key_hash ~ '^[0-9a-f]{64}$'`),
    )
    .addColumn('scopes', sql`text[]`, (col) =>
      col.notNull().check(sql`cardinality(scopes) > 0 AND scopes <@ ARRAY['read:public']`),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();

  // One token bucket per caller (API key, staff subject, anonymous address), shared by every
  // server instance; a request updates its row in one atomic statement.
  await db.schema
    .createTable('rate_limit_bucket')
    .addColumn('key', 'text', (col) => col.primaryKey())
    .addColumn('tokens', 'double precision', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('rate_limit_bucket').execute();
  await db.schema.dropTable('api_key').execute();
}
