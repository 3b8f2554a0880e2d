import { sql, type Kysely } from 'kysely';
import { OWN_FIGURES_BY_UNIT, stepFunction } from './0007-metric-total.js';
import type { MigrationPhase } from './phase.js';

/**
 * metric_total_step read every figure of each target unit (some 30 metrics' worth, by the
 * unit's index) and only then kept the metrics asked for: at Hunan scale, 600,000 figures for
 * one metric over the villages. It now looks each unit's figures up by unit and metric. The
 * subquery is kept from being pulled up (OFFSET 0): the function is planned without knowing
 * its arguments, and a flattened join let the planner go back to reading by unit alone.
 */
export const OWN_FIGURES_BY_UNIT_AND_METRIC = `
      SELECT t.id AS unit, r.code, v.period, b.basis, r.role,
        v.value, v.qualifier, v.scope, v.aggregatable
      FROM unnest(target) AS t(id)
      CROSS JOIN reads r
      CROSS JOIN LATERAL (
        SELECT v.period, v.value, v.qualifier, v.scope, v.aggregatable, v.submission_status
        FROM metric_value v
        WHERE v.organization_id = t.id AND v.metric_code = r.read_code
          AND v.submission_id IS NOT NULL AND (periods IS NULL OR v.period = ANY(periods))
        OFFSET 0
      ) v
      JOIN unnest(bases) AS b(basis) ON v.submission_status = 'APPROVED'
        OR (b.basis = 'SUBMITTED' AND v.submission_status = 'SUBMITTED')`;

// Replaces a function by one with the same answers.
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(stepFunction(OWN_FIGURES_BY_UNIT_AND_METRIC, true)).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql.raw(stepFunction(OWN_FIGURES_BY_UNIT, true)).execute(db);
}
