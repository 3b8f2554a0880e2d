import { sql, type Kysely } from 'kysely';
import type { MigrationPhase } from './phase.js';

/**
 * The figure columns state the precision the API accepts (graph/decimal.scalar.ts): at most 20
 * digits before the point and 10 after, numeric(30, 10) in effect. A check rather than a
 * numeric(30, 10) type, which would pad every stored value to ten decimals and change the text
 * a figure reads back as. Sums and ratios over the whole country stay far inside what
 * numeric computes.
 */
const FIGURE_COLUMNS = [
  ['metric_value', 'value'],
  ['work_plan_target', 'value'],
  ['metric_definition', 'factor'],
] as const;

// Narrows what a figure may hold: a server that accepted wider figures fails to write them.
export const phase: MigrationPhase = 'contract';

export async function up(db: Kysely<any>): Promise<void> {
  for (const [table, column] of FIGURE_COLUMNS) {
    await sql`
      ALTER TABLE ${sql.table(table)} ADD CONSTRAINT ${sql.raw(`${table}_${column}_precision`)}
      CHECK (abs(${sql.ref(column)}) < 1e20 AND scale(${sql.ref(column)}) <= 10)`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const [table, column] of FIGURE_COLUMNS) {
    await sql`
      ALTER TABLE ${sql.table(table)}
      DROP CONSTRAINT ${sql.raw(`${table}_${column}_precision`)}`.execute(db);
  }
}
