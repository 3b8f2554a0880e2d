import { sql, type Kysely } from 'kysely';
import {
  CHILD_TOTALS_BY_UNIT,
  OWN_FIGURES_BY_UNIT,
  rebuildFunction,
  stepFunction,
} from './0007-metric-total.js';
import type { MigrationPhase } from './phase.js';

/**
 * The rebuild computes the totals with a step of its own that reads each unit's figures and
 * each child's stored rows by unit, as 0007's step did. A write's step looks them up per
 * metric (migrations 0009 and 0017), right for a few metrics of one unit; the rebuild asks
 * for every metric of every unit of a depth, and made one index probe per unit and metric
 * (~150 per village for its ~30 figures) where one scan of the unit's rows gives them all.
 * Both steps are the one rule with different reads: same answers.
 */
export const phase: MigrationPhase = 'expand';

const REBUILD_STEP = 'metric_total_rebuild_step';

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(stepFunction(OWN_FIGURES_BY_UNIT, false, CHILD_TOTALS_BY_UNIT, REBUILD_STEP))
    .execute(db);
  await sql.raw(rebuildFunction(REBUILD_STEP, true)).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(rebuildFunction('metric_total_step', true)).execute(db);
  await sql.raw(`DROP FUNCTION ${REBUILD_STEP}(integer[], text[], text[], text[])`).execute(db);
}
