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
 * The aggregate of one metric for each selected unit and period from the stored totals: each
 * group's total (`group_step`) is computed from its own figures and its children's totals
 * (metric_total_step), so a roll-up reads O(groups × children) rows, whatever the number of
 * figures below. The rows are those of aggregateQuery (the oracle `fulian rollup verify`
 * compares them with). The coverage of expected reports (expected, unapproved, missing) is
 * read per expected unit, by index, since it depends on the templates and not on the totals.
 * It is counted group by group (a lateral subquery per group): left to choose, PGlite's
 * planner counted every expected unit of the tree and then matched each with every group of
 * the page (3.2 million comparisons for a page of 100 villages).
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
    ctes: sql`group_step AS (
      SELECT * FROM metric_total_step(ARRAY(SELECT id FROM group_unit),
        ARRAY[${metric.code}]::text[], ${spec.periods}::text[],
        ARRAY[${basisOf(spec.statuses)}]::text[])
    )${expected ? sql`, ${expected.ctes}` : sql``}`,
    columns: { values, units, expected: expected?.columns ?? null },
    joins: sql`LEFT JOIN group_step s ON s.organization_id = g.id AND s.period = p.period
    ${expected?.joins ?? sql``}`,
  });
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
