import { sql, type RawBuilder } from 'kysely';
import type { MetricDefinitionRow } from '../../db/tables.js';
import {
  DECIMAL_PLACES,
  metricCodes,
  type AggregateRow,
  type AggregateSpec,
  type GroupSelection,
} from './aggregation.spec.js';
import {
  aggregateRows,
  expectedLevelCte,
  ratioValueColumns,
  singleValueColumns,
  treeFunction,
  type RatioPartColumns,
} from './aggregation.statement.js';
import { basisOf } from './aggregation.totals.js';

/**
 * The aggregate of one metric for each selected unit and period from the stored totals, so a
 * roll-up reads O(groups) rows whatever the number of figures below. A group whose total is
 * stored (depth ≥ metric_total_min_depth()) reads its stored row; a province or the root, and
 * every group when the spec asks for the breakdown (spec.breakdown: its own reported figure
 * and its children's aggregate, which are not stored), computes its total (`group_total`) from
 * its own figures and its children's totals with metric_total_step. The step's statement is
 * planned on every call (its unit list is a sub-select, so it is not inlined), which made a
 * ranking of 134 counties cost tens of milliseconds; it is left unexecuted, and so unplanned,
 * when no group needs it, and the provinces' and the root's go through a wrapper that keeps
 * its plan (metric_total_step_kept, migration 0015). The rows are those of aggregateQuery (the oracle `fulian rollup
 * verify` compares them with). The coverage of expected reports (expected, unapproved,
 * missing) is read from the counts kept beside the totals the same way (expectedCoverage).
 */
export function totalsQuery(spec: AggregateSpec, groups: GroupSelection): RawBuilder<AggregateRow> {
  const { metric } = spec;
  // Refuses the metrics that have no roll-up (NONE, LAST), as the figures' statement does.
  treeFunction(metric);
  const units =
    spec.coverage === 'NONE'
      ? null
      : sql`coalesce(s.units[1], 0) AS contributing, coalesce(s.units[2], 0) AS covered,
        coalesce(s.units[3], 0) AS unpaired,
        CASE WHEN s.units[1] > 0 THEN ARRAY[p.period] ELSE '{}'::text[] END AS periods_combined,
        '{}'::text[] AS periods_missing`;
  const values =
    metric.tree_aggregation === 'RATIO'
      ? ratioValueColumns(metric, 's', partStep('numerator'), partStep('denominator'))
      : singleColumns(metric);
  const expected = spec.coverage === 'ALL' ? expectedCoverage(spec) : null;
  return aggregateRows(spec, groups, {
    ctes: sql`${groupTotalCtes(spec)}${expected ? sql`, ${expected.ctes}` : sql``}`,
    columns: { values, units, expected: expected?.columns ?? null },
    joins: sql`LEFT JOIN group_total s ON s.organization_id = g.id AND s.period = p.period
    ${expected?.joins ?? sql``}`,
  });
}

/**
 * `group_total`: each group's total per asked period with the step's columns. The groups that
 * read a stored row are those at a stored depth when the breakdown is not asked for; the
 * others (`stepped_unit`) are computed by metric_total_step, which the gate (EXISTS) keeps
 * from running, and from being planned, when there are none.
 */
function groupTotalCtes(spec: AggregateSpec): RawBuilder<unknown> {
  const basis = basisOf(spec.statuses);
  const stepped = (
    condition: RawBuilder<unknown>,
    step: string,
  ) => sql`stepped_unit AS MATERIALIZED (
      SELECT id FROM group_unit WHERE ${condition}
    ),
    group_total AS (
      SELECT s.* FROM ${sql.raw(step)}(ARRAY(SELECT id FROM stepped_unit),
        ARRAY[${spec.metric.code}]::text[], ${spec.periods}::text[], ARRAY[${basis}]::text[]) s
      WHERE EXISTS (SELECT FROM stepped_unit)`;
  if (spec.breakdown !== false)
    return sql`${stepped(sql`true`, 'metric_total_step')}
    )`;
  // A province or the root: few groups, so the kept generic plan (migration 0015) pays.
  return sql`${stepped(sql`depth < metric_total_min_depth()`, 'metric_total_step_kept')}
      UNION ALL
      SELECT t.organization_id, t.metric_code, t.period, t.basis, t.value, t.figures,
        t.qualifiers, t.numerator, t.numerator_qualifiers, t.denominator,
        t.denominator_qualifiers, t.numerator_uncovered, t.denominator_uncovered,
        t.numerator_unpaired, t.denominator_unpaired, t.units,
        NULL::numeric, NULL::int, NULL::text[], NULL::numeric, NULL::text[], NULL::numeric,
        NULL::text[], NULL::numeric, NULL::text
      FROM group_unit g
      JOIN metric_total t ON t.organization_id = g.id AND t.metric_code = ${spec.metric.code}
        AND t.period = ANY(${spec.periods}::text[]) AND t.basis = ${basis}
      WHERE g.depth >= metric_total_min_depth()
    )`;
}

/** A single metric's value columns from its step row `s`: an average divides its sum. */
function singleColumns(metric: MetricDefinitionRow): RawBuilder<unknown> {
  const value = (sum: string, figures: string) =>
    metric.tree_aggregation === 'AVERAGE'
      ? sql`round(${sql.ref(sum)} / nullif(${sql.ref(figures)}, 0), ${sql.lit(DECIMAL_PLACES)})`
      : sql.ref(sum);
  return singleValueColumns(
    's',
    value('s.value', 's.figures'),
    value('s.children_value', 's.children_figures'),
  );
}

/** A ratio's part (numerator or denominator) read from the step row `s`. */
function partStep(part: 'numerator' | 'denominator'): RatioPartColumns {
  return {
    value: `s.${part}`,
    qualifiers: `s.${part}_qualifiers`,
    childrenValue: `s.children_${part}`,
    childrenQualifiers: `s.children_${part}_qualifiers`,
    unpaired: `s.${part}_unpaired`,
  };
}

/**
 * The expected reports of each group and period from the maintained counts (migration 0013):
 * the federations of the expected levels in the group's subtree that existed during the
 * period (subtree_federation_count, by level and validity), and of them those that reported
 * and those whose report counts (metric_coverage, by level). As for the totals, a group at a
 * stored depth reads its stored rows; a province or the root is computed from its own figures
 * and its children's rows by metric_coverage_step (through its plan-keeping wrapper), gated so
 * that it is neither run nor planned when no group needs it.
 */
function expectedCoverage(spec: AggregateSpec): {
  ctes: RawBuilder<unknown>;
  columns: RawBuilder<unknown>;
  joins: RawBuilder<unknown>;
} {
  const counted = sql.ref(`c.${basisOf(spec.statuses) === 'APPROVED' ? 'approved' : 'submitted'}`);
  return {
    ctes: sql`${expectedLevelCte(spec, metricCodes(spec.metric))},
    coverage_stepped_unit AS MATERIALIZED (
      SELECT id FROM group_unit WHERE depth < metric_total_min_depth()
    ),
    group_coverage AS (
      SELECT c.organization_id, c.period, c.level, c.reported, c.approved, c.submitted
      FROM metric_coverage_step_kept(ARRAY(SELECT id FROM coverage_stepped_unit),
        ARRAY[${spec.metric.code}]::text[], ${spec.periods}::text[]) c
      WHERE EXISTS (SELECT FROM coverage_stepped_unit)
      UNION ALL
      SELECT c.organization_id, c.period, c.level, c.reported, c.approved, c.submitted
      FROM group_unit g
      JOIN metric_coverage c ON c.organization_id = g.id AND c.metric_code = ${spec.metric.code}
        AND c.period = ANY(${spec.periods}::text[])
      WHERE g.depth >= metric_total_min_depth()
    ),
    reported_coverage AS (
      SELECT c.organization_id AS group_id, c.period, sum(c.reported) AS reported,
        sum(${counted}) AS counted
      FROM group_coverage c
      WHERE c.level IN (SELECT level FROM expected_level)
      GROUP BY c.organization_id, c.period
    ),
    expected_count AS (
      SELECT g.id AS group_id, p.period, sum(f.units) AS expected
      FROM group_unit g
      CROSS JOIN asked_period p
      JOIN subtree_federation_count f ON f.organization_id = g.id
        AND f.level IN (SELECT level FROM expected_level)
        AND f.valid_from <= p.period_end AND f.valid_to > p.period_start
      GROUP BY g.id, p.period
    )`,
    columns: sql`coalesce(ec.expected, 0)::int AS expected,
        (coalesce(rc.reported, 0) - coalesce(rc.counted, 0))::int AS unapproved,
        (coalesce(ec.expected, 0) - coalesce(rc.reported, 0))::int AS missing`,
    joins: sql`LEFT JOIN expected_count ec ON ec.group_id = g.id AND ec.period = p.period
    LEFT JOIN reported_coverage rc ON rc.group_id = g.id AND rc.period = p.period`,
  };
}
