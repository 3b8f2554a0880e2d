import { sql, type RawBuilder } from 'kysely';
import { pathInSubtree } from '../../db/path.js';
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
  EXPECTED_UNIT,
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
 * when no group needs it. The rows are those of aggregateQuery (the oracle `fulian rollup
 * verify` compares them with). The coverage of expected reports (expected, unapproved,
 * missing) is read per expected unit, by index, since it depends on the templates and not on
 * the totals. It is counted group by group (a lateral subquery per group): left to choose,
 * PGlite's planner counted every expected unit of the tree and then matched each with every
 * group of the page (3.2 million comparisons for a page of 100 villages).
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
  const stepped = (condition: RawBuilder<unknown>) => sql`stepped_unit AS MATERIALIZED (
      SELECT id FROM group_unit WHERE ${condition}
    ),
    group_total AS (
      SELECT s.* FROM metric_total_step(ARRAY(SELECT id FROM stepped_unit),
        ARRAY[${spec.metric.code}]::text[], ${spec.periods}::text[], ARRAY[${basis}]::text[]) s
      WHERE EXISTS (SELECT FROM stepped_unit)`;
  if (spec.breakdown !== false)
    return sql`${stepped(sql`true`)}
    )`;
  return sql`${stepped(sql`depth < metric_total_min_depth()`)}
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

/** The expected reports of each group and period, counted per expected unit by index. */
function expectedCoverage(spec: AggregateSpec): {
  ctes: RawBuilder<unknown>;
  columns: RawBuilder<unknown>;
  joins: RawBuilder<unknown>;
} {
  const codes = metricCodes(spec.metric);
  return {
    ctes: sql`${expectedLevelCte(spec, codes)},
    expected_coverage AS (
      SELECT g.id AS group_id, p.period, c.expected, c.unapproved, c.missing
      FROM group_unit g
      CROSS JOIN asked_period p
      CROSS JOIN LATERAL (
        SELECT count(*) AS expected,
          count(*) FILTER (WHERE u.figures > 0 AND NOT u.included) AS unapproved,
          count(*) FILTER (WHERE u.figures = 0) AS missing
        FROM organization e
        CROSS JOIN LATERAL (
          SELECT count(*) AS figures,
            coalesce(bool_or(v.submission_status = ANY(${spec.statuses}::text[])), false) AS included
          FROM metric_value v
          WHERE v.organization_id = e.id AND v.metric_code = ANY(${codes}::text[])
            AND v.period = p.period AND v.submission_id IS NOT NULL
        ) u
        WHERE ${pathInSubtree('e.path', { column: 'g.path' })} AND ${EXPECTED_UNIT}
      ) c
    )`,
    columns: sql`coalesce(cv.expected, 0)::int AS expected,
        coalesce(cv.unapproved, 0)::int AS unapproved, coalesce(cv.missing, 0)::int AS missing`,
    joins: sql`LEFT JOIN expected_coverage cv ON cv.group_id = g.id AND cv.period = p.period`,
  };
}
