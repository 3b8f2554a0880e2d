import { sql, type Kysely } from 'kysely';
import { Migrator } from 'kysely/migration';
import { migrations } from '../db/migrations/index.js';
import type { Database } from '../db/tables.js';

/**
 * The tables a backup holds: every base table in the schema but kysely's own migration
 * tables, which a restore rebuilds by migrating to the backup's schema version.
 */
export async function backupTables(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    SELECT table_name AS name FROM information_schema.tables
    WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'
      AND table_name NOT LIKE 'kysely\\_migration%'
    ORDER BY table_name`.execute(db);
  return rows.map((row) => row.name);
}

/** Rows per table, as the manifest records them. */
export async function countRows(db: Kysely<Database>): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await backupTables(db)) {
    const { rows } = await sql<{ n: number }>`
      SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(db);
    counts[table] = rows[0]!.n;
  }
  return counts;
}

/** The last migration applied: the schema version a backup records. */
export async function schemaVersion(db: Kysely<Database>): Promise<string | null> {
  const { rows } = await sql<{ found: boolean }>`
    SELECT to_regclass('kysely_migration') IS NOT NULL AS found`.execute(db);
  if (!rows[0]?.found) return null;
  const { rows: last } = await sql<{ name: string | null }>`
    SELECT max(name) AS name FROM kysely_migration`.execute(db);
  return last[0]?.name ?? null;
}

/** Whether this build has the migration a backup was taken at (a newer build's it has not). */
export function knowsSchemaVersion(name: string): boolean {
  return name in migrations;
}

/**
 * Migrates to `target` (a migration's name) or to the latest. Given a transaction, it runs
 * inside it, so a restore's schema, rows and later migrations commit or roll back together.
 */
export async function migrateWithin(db: Kysely<Database>, target?: string): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error } = target ? await migrator.migrateTo(target) : await migrator.migrateToLatest();
  if (error) throw error;
}
