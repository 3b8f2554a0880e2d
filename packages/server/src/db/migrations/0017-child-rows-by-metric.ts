import { sql, type Kysely } from 'kysely';
import { CHILD_TOTALS_BY_UNIT, stepFunction } from './0007-metric-total.js';
import { OWN_FIGURES_BY_UNIT_AND_METRIC } from './0009-metric-total-reads.js';
import { CHILD_COVERAGE_BY_UNIT, coverageStepFunction } from './0013-metric-coverage.js';
import type { MigrationPhase } from './phase.js';

/**
 * The steps read their children's stored rows by unit and metric. Planned without their
 * arguments' values (the kept plans of 0015 and the writers' 0016), `metric_code = ANY(codes)`
 * was a filter after reading every row of each child by unit: at national scale the root's
 * coverage by province read 343 cities × ~135 rows to keep ~4 of each (135–280 ms). Each
 * child's rows are now looked up per metric, in a subquery kept from being pulled up (OFFSET
 * 0, as in 0009): joined flat, the planner hashed the codes and went back to reading by unit.
 * The codes are made distinct so that a code asked for twice is still counted once.
 */
function childRows(table: string, filters: string): string {
  return `FROM unnest(target) AS t(id)
    JOIN organization c ON c.parent_id = t.id
    CROSS JOIN (SELECT DISTINCT u.code FROM unnest(codes) AS u(code)) AS k
    CROSS JOIN LATERAL (
      SELECT * FROM ${table} r
      WHERE r.organization_id = c.id AND r.metric_code = k.code
        AND (periods IS NULL OR r.period = ANY(periods))${filters}
      OFFSET 0
    ) AS s`;
}

const CHILD_TOTALS_BY_UNIT_AND_METRIC = childRows('metric_total', ' AND r.basis = ANY(bases)');
const CHILD_COVERAGE_BY_UNIT_AND_METRIC = childRows('metric_coverage', '');

// Replaces two functions by ones with the same answers.
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql
    .raw(stepFunction(OWN_FIGURES_BY_UNIT_AND_METRIC, true, CHILD_TOTALS_BY_UNIT_AND_METRIC))
    .execute(db);
  await sql.raw(coverageStepFunction(CHILD_COVERAGE_BY_UNIT_AND_METRIC, true)).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql
    .raw(stepFunction(OWN_FIGURES_BY_UNIT_AND_METRIC, true, CHILD_TOTALS_BY_UNIT))
    .execute(db);
  await sql.raw(coverageStepFunction(CHILD_COVERAGE_BY_UNIT, true)).execute(db);
}
