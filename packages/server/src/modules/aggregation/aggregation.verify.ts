import { sql, type Kysely } from 'kysely';
import type { Database, MetricDefinitionRow } from '../../db/tables.js';
import { compareDecimal } from '../../lib/decimal.js';
import { findAllDefinitions } from '../metric/metric.repository.js';
import { findByCodes } from '../organization/organization.repository.js';
import { parsePeriod } from '../../period/period.js';
import { aggregateQuery } from './aggregation.figures-statement.js';
import {
  metricCodes,
  type AggregateRow,
  type AggregateSpec,
  type PathRange,
} from './aggregation.spec.js';
import { inSubtree } from './aggregation.statement.js';
import { BASES, BASIS_STATUSES, totalsHold, type Basis } from './aggregation.totals.js';
import { totalsQuery } from './aggregation.totals-statement.js';

/** One value the stored totals give differently from the figures. */
export interface TotalsDifference {
  path: string;
  organizationId: number;
  metric: string;
  period: string;
  basis: Basis;
  column: string;
  figures: unknown;
  totals: unknown;
}

export interface VerifyResult {
  /** Unit × metric × period × basis rows compared. */
  compared: number;
  differences: TotalsDifference[];
}

/** The subtree of the organization with this division code, or null when there is none. */
export async function subtreeOf(db: Kysely<Database>, code: string): Promise<PathRange | null> {
  const [unit] = await findByCodes(db, [code]);
  return unit ? { path: unit.path } : null;
}

/**
 * Recomputes every aggregate the totals answer from the figures, with the set-based statement
 * (aggregateQuery, the oracle), and lists every difference: for each metric with a tree rule,
 * each period with figures, each basis, and each unit inside `within` that holds a total or
 * a figure, and each province inside (whose total reads its cities', so a missing or stale
 * total below shows there). Every coverage count is compared: those the totals keep
 * (contributing, covered, unpaired) and the expected reports (expected, unapproved, missing)
 * the maintained coverage keeps. Periods the totals do not hold (a year of a metric also
 * reported quarterly; see totalsHold) are skipped: reads of them use the oracle.
 */
export async function verifyTotals(
  db: Kysely<Database>,
  options: { within: PathRange | null; period: string | null },
): Promise<VerifyResult> {
  const metrics = (await findAllDefinitions(db)).filter((metric) =>
    ['SUM', 'AVERAGE', 'MAX', 'MIN', 'RATIO'].includes(metric.tree_aggregation),
  );
  const result: VerifyResult = { compared: 0, differences: [] };
  for (const metric of metrics) {
    for (const { period, period_type } of await periodsOf(db, metric, options)) {
      const ids = await unitsToCompare(db, metric, period, options.within);
      for (const basis of BASES) {
        const spec: AggregateSpec = {
          metric,
          periods: [period],
          periodType: period_type,
          reportedPer: metric.reported_per,
          statuses: [...BASIS_STATUSES[basis]],
          within: options.within,
          coverage: 'ALL',
        };
        // A period the totals do not hold is answered from the figures: nothing to compare.
        if (!totalsHold(spec)) continue;
        const groups = { kind: 'ids', ids } as const;
        const [figures, totals] = [
          (await aggregateQuery(spec, groups).execute(db)).rows,
          (await totalsQuery(spec, groups).execute(db)).rows,
        ];
        result.compared += figures.length;
        result.differences.push(...compareRows(metric.code, basis, figures, totals));
      }
    }
  }
  return result;
}

/**
 * The periods with figures of the metric, and those with stored rows of it: a stored row with
 * no figure behind it, in a period no figure has, is a difference too.
 */
async function periodsOf(
  db: Kysely<Database>,
  metric: MetricDefinitionRow,
  options: { within: PathRange | null; period: string | null },
): Promise<{ period: string; period_type: string }[]> {
  const onePeriod = options.period === null ? sql`` : sql`AND period = ${options.period}`;
  const stored = (table: 'metric_total' | 'metric_coverage') => sql`
    SELECT DISTINCT s.period FROM ${sql.table(table)} s
    JOIN organization o ON o.id = s.organization_id
    WHERE s.metric_code = ${metric.code} ${onePeriod} ${inSubtree('o.path', options.within)}`;
  const result = await sql<{ period: string }>`
    SELECT v.period FROM metric_value v
    WHERE v.submission_id IS NOT NULL AND v.metric_code = ANY(${metricCodes(metric)}::text[])
      ${onePeriod} ${inSubtree('v.organization_path', options.within)}
    UNION ${stored('metric_total')} UNION ${stored('metric_coverage')}
    ORDER BY period`.execute(db);
  return result.rows.map(({ period }) => ({ period, period_type: parsePeriod(period).type }));
}

/**
 * The units inside the subtree whose totals are read from their children's (the provinces
 * and below), with a total, a coverage count or a figure, the parents of those with a total
 * or a coverage count (a unit's stored rows are read by its parent's total, so a row with
 * nothing behind it shows there), and the provinces inside, whose totals read their cities'.
 */
async function unitsToCompare(
  db: Kysely<Database>,
  metric: MetricDefinitionRow,
  period: string,
  within: PathRange | null,
): Promise<number[]> {
  const result = await sql<{ id: number }>`
    SELECT u.id FROM organization u
    WHERE u.depth >= metric_total_min_depth() - 1 ${inSubtree('u.path', within)} AND u.id IN (
      SELECT o.id FROM organization o
      WHERE o.depth = metric_total_min_depth() - 1 ${inSubtree('o.path', within)}
      UNION
      SELECT unnest(ARRAY[o.id, o.parent_id]) FROM metric_total t
      JOIN organization o ON o.id = t.organization_id
      WHERE t.metric_code = ${metric.code} AND t.period = ${period} ${inSubtree('o.path', within)}
      UNION
      SELECT unnest(ARRAY[o.id, o.parent_id]) FROM metric_coverage c
      JOIN organization o ON o.id = c.organization_id
      WHERE c.metric_code = ${metric.code} AND c.period = ${period} ${inSubtree('o.path', within)}
      UNION
      SELECT v.organization_id FROM metric_value v
      WHERE v.submission_id IS NOT NULL AND v.metric_code = ANY(${metricCodes(metric)}::text[])
        AND v.period = ${period} ${inSubtree('v.organization_path', within)})`.execute(db);
  return result.rows.map((row) => row.id);
}

const NUMERIC_COLUMNS = new Set<keyof AggregateRow>([
  'value',
  'children_value',
  'reported',
  'numerator',
  'denominator',
  'children_numerator',
  'children_denominator',
]);

function compareRows(
  metric: string,
  basis: Basis,
  figures: AggregateRow[],
  totals: AggregateRow[],
): TotalsDifference[] {
  const differences: TotalsDifference[] = [];
  const key = (row: AggregateRow) => `${row.organization_id} ${row.period}`;
  const unmatched = new Map(totals.map((row) => [key(row), row]));
  const pairs: [AggregateRow | undefined, AggregateRow | undefined][] = figures.map((row) => {
    const actual = unmatched.get(key(row));
    unmatched.delete(key(row));
    return [row, actual];
  });
  // A group the totals answer and the figures do not is compared against nothing.
  for (const row of unmatched.values()) pairs.push([undefined, row]);
  for (const [expected, actual] of pairs) {
    const unit = (expected ?? actual)!;
    for (const column of Object.keys(unit) as (keyof AggregateRow)[]) {
      const want = expected?.[column];
      const got = actual?.[column];
      if (same(column, want, got)) continue;
      differences.push({
        path: unit.path,
        organizationId: unit.organization_id,
        metric,
        period: unit.period,
        basis,
        column,
        figures: want,
        totals: got,
      });
    }
  }
  return differences;
}

function same(column: keyof AggregateRow, a: unknown, b: unknown): boolean {
  if (a === null || b === null || a === undefined || b === undefined) return a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    return JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());
  }
  if (NUMERIC_COLUMNS.has(column)) return compareDecimal(String(a), String(b)) === 0;
  return String(a) === String(b);
}
