import { sql, type Kysely } from 'kysely';
import { storeFunction } from './0011-metric-total-store.js';
import type { MigrationPhase } from './phase.js';

/**
 * metric_total_store deletes only the totals of the bases it recomputes. A status change
 * moves a report into or out of one basis only (an approval adds its figures to APPROVED;
 * they counted under SUBMITTED already), so the writer now recomputes that basis alone,
 * half the rows: the DELETE used to remove both bases' totals of the changed metrics, which
 * was right only while the writer recomputed both.
 */
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(storeFunction('\n          AND t.basis = ANY(counted_bases)', true)).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(storeFunction('', true)).execute(db);
}
