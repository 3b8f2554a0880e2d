import { sql, type Kysely } from 'kysely';
import { Migrator, type MigrationResult } from 'kysely/migration';
import { migrations } from './migrations/index.js';
import type { MigrationPhase } from './migrations/phase.js';
import type { Database } from './tables.js';

/**
 * Brings the schema to the latest migration; throws with the failing migration's error. A
 * database that a newer release migrated further (a server of the previous release restarts
 * during a rolling upgrade) is left as it is when it holds every migration this build knows:
 * the newer release's migrations keep the previous one working (docs/operations.md), where
 * kysely's migrator would refuse to start. One that lacks some of them is refused.
 */
export async function migrateToLatest(db: Kysely<Database>): Promise<MigrationResult[]> {
  const states = await migrationStatus(db);
  const named = (state: MigrationState['state']) =>
    states.filter((m) => m.state === state).map((m) => m.name);
  const [unknown, pending] = [named('unknown'), named('pending')];
  if (unknown.length > 0) {
    if (pending.length === 0) return [];
    throw new Error(
      `the database holds migrations this build does not know (${unknown.join(', ')}) and lacks ` +
        `some it does (${pending.join(', ')}): migrate it with the newest release`,
    );
  }
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
  /** Whether it expands or contracts the schema; null when this build does not know it. */
  phase: MigrationPhase | null;
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
    phase: migrations[name]?.phase ?? null,
    appliedAt: appliedAt.get(name) ?? null,
  }));
}

/** The latest migration this build knows: the schema version it expects. */
export const LATEST_MIGRATION = Object.keys(migrations).sort().at(-1) ?? 'none';
