import { sql, type Kysely } from 'kysely';
import type { MigrationPhase } from './phase.js';

/**
 * The kept totals and coverage (metric_total, migration 0007; metric_coverage, 0013) lose
 * their foreign keys to organization and metric_definition. Every row is derived from figures
 * that hold the same references: a row is stored only while a figure of its unit's subtree
 * counts in it, and neither a unit nor a metric with figures can be deleted. The keys guarded
 * nothing more, and each row a write inserted checked both, locking the unit's and the
 * metric's rows: a village's approval or submit inserts its ~35 totals, 70 checks, about a
 * tenth of what the totals add to the write; the rebuild checked every row it stored.
 */
// Only constraints go: a server of the previous release writes the same rows as before.
export const phase: MigrationPhase = 'expand';

const TABLES = ['metric_total', 'metric_coverage'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) {
    await sql
      .raw(
        `ALTER TABLE ${table} DROP CONSTRAINT ${table}_organization_id_fkey,
          DROP CONSTRAINT ${table}_metric_code_fkey`,
      )
      .execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) {
    await sql
      .raw(
        `ALTER TABLE ${table} ADD FOREIGN KEY (organization_id) REFERENCES organization (id),
          ADD FOREIGN KEY (metric_code) REFERENCES metric_definition (code)`,
      )
      .execute(db);
  }
}
