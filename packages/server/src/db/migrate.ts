import { sql, type Kysely } from 'kysely';
import { Migrator, type MigrationResult } from 'kysely/migration';
import { migrations } from './migrations/index.js';
import type { Database } from './tables.js';

/** Brings the schema to the latest migration; throws with the failing migration's error. */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResult[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results = [] } = await migrator.migrateToLatest();
  if (error) throw error;
  return results;
}

/** Where one migration stands in a database. */
export interface MigrationState {
  name: string;
  /**
   * `applied`, `pending` (this build has it, the database not yet), or `unknown`: the database
   * has it and this build does not, as when a newer release migrated the database during a
   * rolling upgrade.
   */
  state: 'applied' | 'pending' | 'unknown';
  /** When it was applied (kysely's own record). */
  appliedAt: Date | null;
}

/** Every migration this build knows and every one the database has applied, by name. */
export async function migrationStatus(db: Kysely<Database>): Promise<MigrationState[]> {
  // The table kysely's Migrator keeps; it exists once anything has been migrated.
  const { rows: tables } = await sql<{ found: boolean }>`
    SELECT to_regclass('kysely_migration') IS NOT NULL AS found`.execute(db);
  const { rows: applied } = tables[0]?.found
    ? await sql<{ name: string; timestamp: string }>`
        SELECT name, timestamp FROM kysely_migration`.execute(db)
    : { rows: [] };
  const appliedAt = new Map(applied.map((row) => [row.name, new Date(row.timestamp)]));
  const names = new Set([...Object.keys(migrations), ...appliedAt.keys()]);
  return [...names].sort().map((name) => ({
    name,
    state: !(name in migrations) ? 'unknown' : appliedAt.has(name) ? 'applied' : 'pending',
    appliedAt: appliedAt.get(name) ?? null,
  }));
}

/** The latest migration this build knows: the schema version it expects. */
export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1) ?? 'none';
