import { sql, type Kysely } from 'kysely';
import type { MigrationPhase } from './phase.js';

// New columns, null for every unit so far: every unit stays open since always, and a server
// of the previous release, which neither reads nor writes them, keeps inserting open units.
export const phase: MigrationPhase = 'expand';

/**
 * A tree that changes with each edition of the division list: a unit opens on `valid_from`
 * (null: since before the first edition loaded) and closes on `valid_to` (exclusive; null:
 * open), and a closed unit may name the unit that took it over. Units are never deleted: their
 * figures, reports and activities stay theirs.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE organization ADD COLUMN valid_from date, ADD COLUMN valid_to date,
      ADD COLUMN successor_id integer REFERENCES organization (id),
      ADD CONSTRAINT organization_validity CHECK (valid_to > valid_from),
      ADD CONSTRAINT organization_successor_closed
        CHECK (successor_id IS NULL OR valid_to IS NOT NULL)`.execute(db);
  // The predecessors of a unit, for a series that maps their figures to it.
  await sql`
    CREATE INDEX organization_successor_idx ON organization (successor_id)
    WHERE successor_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE organization DROP COLUMN successor_id, DROP COLUMN valid_to,
      DROP COLUMN valid_from`.execute(db);
}
