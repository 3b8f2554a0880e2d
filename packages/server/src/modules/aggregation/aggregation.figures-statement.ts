import { sql, type RawBuilder } from 'kysely';
import { ancestorPath, pathInSubtree } from '../../db/path.js';
import { QUALIFIERS, type MetricDefinitionRow } from '../../db/tables.js';
import {
  DECIMAL_PLACES,
  metricCodes,
  ratioParts,
  type AggregateRow,
  type AggregateSpec,
  type GroupSelection,
  type MappedSelection,
  type RatioParts,
} from './aggregation.spec.js';
import {
  aggregateRows,
  EXPECTED_UNIT,
  expectedLevelCte,
  inSubtree,
  ratioValueColumns,
  singleValueColumns,
  treeFunction,
  type RatioPartColumns,
} from './aggregation.statement.js';
import { timeResolvedFigureCtes } from './aggregation.time-statement.js';

/**
 * The aggregate of one metric for each selected unit and period computed from the figures, in
 * one statement whatever the number of units: the oracle the maintained totals are verified
 * against (`fulian rollup verify`), and the national root's roll-up, whose total is not kept.
 *
 * - `figure`: each unit's figures of the metric (and a ratio's parts) resolved over time for
 *   each asked period (timeResolvedFigureCtes), with whether they count.
 * - `figure_cover`: each figure with `cover_depth`, the depth of the deepest unit above it
 *   that reported the same metric and period for its whole subtree (scope SUBTREE; see
 *   figureCoverCtes). A figure counts for a group unit only when no unit between it and the
 *   group (the group included) covers it: that is the no-double-counting rule. The group's own
 *   SUBTREE figure therefore stands alone, and `children_*` (the same rule one level down)
 *   shows what the units below add up to.
 * - `counted_figure`: the included figures with, for a ratio's part, its partner's cover depth
 *   (partnerDepth). A part counts only when its partner counts too, so the numerator and the
 *   denominator are summed over the same units: a unit that gave one part only is left out
 *   (and counted as unpaired), never taken as a zero.
 * - `figure_in_group` matches each figure with the groups above it, `group_total` adds them up
 *   per group, metric and period; with `spec.coverage`, the counts of whose figures the
 *   aggregate holds (coverageParts).
 *
 * Figures and expected units find their group by the prefix of their path (a hash join per
 * depth the groups sit at), never by comparing every row with every group's path range.
 * Arithmetic happens in numeric: sums are exact; ratios and averages are rounded to
 * DECIMAL_PLACES.
 */
export function aggregateQuery(
  spec: AggregateSpec,
  groups: GroupSelection | MappedSelection,
): RawBuilder<AggregateRow> {
  const { metric } = spec;
  const codes = metricCodes(metric);
  const combine = treeFunction(metric);
  const parts = ratioParts(metric);
  const partner = partnerDepth(parts);
  const select = parts ? ratioSelect(metric, parts) : singleSelect(metric);
  const roots = groupRoots(groups);
  const coverage = coverageParts(spec, codes, roots.inRoots);
  const selection = {
    codes,
    periods: spec.periods,
    statuses: spec.statuses,
    within: spec.within,
    inRoots: roots.inRoots('v.organization_path'),
  };

  return aggregateRows(spec, roots.groups, {
    ctes: sql`${roots.ctes},
    ${timeResolvedFigureCtes(selection)},
    ${figureCoverCtes},
    counted_figure AS (
      SELECT f.*, ${partner.depth} AS partner_depth
      FROM figure_cover f WHERE f.included ${partner.window}
    ),
    figure_in_group AS (
      SELECT g.group_id, f.organization_id, f.metric_code, f.period, f.value, f.qualifier,
        f.scope, f.aggregatable, f.periods_combined, f.periods_missing,
        f.aggregatable AND f.cover_depth < g.depth AS uncovered,
        f.aggregatable AND f.cover_depth < g.depth
          AND coalesce(f.partner_depth < g.depth, false) AS in_value,
        f.aggregatable AND f.organization_id <> g.id AND f.cover_depth <= g.depth
          AND coalesce(f.partner_depth <= g.depth, false) AS in_children
      FROM counted_figure f
      JOIN root_depth d ON d.depth <= f.depth
      JOIN group_root g ON g.path = ${ancestorPath('f.path', 'd.depth')}
        AND (g.period IS NULL OR g.period = f.period)
    ),
    group_total AS (
      SELECT group_id, metric_code, period,
        ${combine}(value) FILTER (WHERE in_value) AS value,
        ${qualifierSet(sql`in_value`)} AS qualifiers,
        ${combine}(value) FILTER (WHERE in_children) AS children_value,
        ${qualifierSet(sql`in_children`)} AS children_qualifiers,
        count(*) FILTER (WHERE uncovered AND NOT in_value) AS unpaired,
        ${coverage.totalColumns}
        ${reportedColumns(parts !== null)}
      FROM figure_in_group
      GROUP BY group_id, metric_code, period
    )${coverage.ctes}`,
    columns: { values: select.columns, units: coverage.units, expected: coverage.expected },
    joins: sql`${select.joins} ${coverage.joins}`,
  });
}

/** The value columns and joins of a single metric's aggregate: its group total `m`. */
function singleSelect(metric: MetricDefinitionRow): {
  columns: RawBuilder<unknown>;
  joins: RawBuilder<unknown>;
} {
  const rounded = (column: RawBuilder<unknown>) =>
    metric.tree_aggregation === 'AVERAGE'
      ? sql`round(${column}, ${sql.lit(DECIMAL_PLACES)})`
      : column;
  return {
    columns: singleValueColumns('m', rounded(sql`m.value`), rounded(sql`m.children_value`)),
    joins: sql`LEFT JOIN group_total m ON m.group_id = g.id AND m.period = p.period
      AND m.metric_code = ${metric.code}`,
  };
}

/** A ratio's part read from its group total `t`. */
function partTotal(t: string): RatioPartColumns {
  return {
    value: `${t}.value`,
    qualifiers: `${t}.qualifiers`,
    childrenValue: `${t}.children_value`,
    childrenQualifiers: `${t}.children_qualifiers`,
    unpaired: `${t}.unpaired`,
  };
}

/**
 * The value columns and joins of a ratio's aggregate: the quotient of its parts' group totals
 * (`n`, `d`), shown with them; `m`, the ratio's own figures, gives only the stored percentage.
 */
function ratioSelect(
  metric: MetricDefinitionRow,
  parts: RatioParts,
): { columns: RawBuilder<unknown>; joins: RawBuilder<unknown> } {
  return {
    columns: ratioValueColumns(metric, 'm', partTotal('n'), partTotal('d')),
    joins: sql`LEFT JOIN group_total m ON m.group_id = g.id AND m.period = p.period
      AND m.metric_code = ${metric.code}
    LEFT JOIN group_total n ON n.group_id = g.id AND n.period = p.period
      AND n.metric_code = ${parts.numerator}
    LEFT JOIN group_total d ON d.group_id = g.id AND d.period = p.period
      AND d.metric_code = ${parts.denominator}`,
  };
}

/**
 * The coverage counts of each group and period, from the figures matched to groups
 * (`figure_in_group`) and all figures read (`figure_cover`): which units' figures entered the
 * value, which a SUBTREE figure inside the group already includes, and which could not enter;
 * and of the federations the templates holding the metric expect a report from, those with
 * figures waiting for approval and those with none (null when not counted). Parts of the
 * statement: columns of `group_total`, CTEs after it, and the final select's columns and joins.
 *
 * A single metric has at most one submitted figure per unit and period
 * (metric_value_submitted_period_key), so its unit counts are figure counts, taken in
 * `group_total`'s pass (read from `m`); with a ratio's parts, a unit's figures are first
 * combined per unit (`unit_in_group`, then `group_units`, read from `c`).
 */
function coverageParts(
  spec: AggregateSpec,
  codes: readonly string[],
  inRoots: (column: string) => RawBuilder<unknown>,
): {
  totalColumns: RawBuilder<unknown>;
  ctes: RawBuilder<unknown>;
  units: RawBuilder<unknown> | null;
  expected: RawBuilder<unknown> | null;
  joins: RawBuilder<unknown>;
} {
  if (spec.coverage === 'NONE') {
    return { totalColumns: sql``, ctes: sql``, units: null, expected: null, joins: sql`` };
  }
  const onePerUnit = codes.length === 1;
  // A figure is covered when aggregatable yet not in the value; for one figure per unit, that
  // is the unit's state, and a unit whose figure is not aggregatable could not enter.
  const units = onePerUnit
    ? {
        totalColumns: sql`count(*) FILTER (WHERE in_value) AS units_entered,
          count(*) FILTER (WHERE aggregatable AND NOT in_value) AS units_covered,
          count(*) FILTER (WHERE NOT aggregatable) AS units_unpaired,`,
        ctes: sql``,
        source: 'm',
        join: sql``,
      }
    : {
        totalColumns: sql``,
        ctes: sql`,
          unit_in_group AS (
            SELECT group_id, period, organization_id, bool_or(in_value) AS entered,
              bool_or(aggregatable) AND NOT bool_or(uncovered) AS covered
            FROM figure_in_group GROUP BY group_id, period, organization_id
          ),
          group_units AS (
            SELECT group_id, period,
              count(*) FILTER (WHERE entered) AS units_entered,
              count(*) FILTER (WHERE NOT entered AND covered) AS units_covered,
              count(*) FILTER (WHERE NOT entered AND NOT covered) AS units_unpaired
            FROM unit_in_group GROUP BY group_id, period
          )`,
        source: 'c',
        join: sql`LEFT JOIN group_units c ON c.group_id = g.id AND c.period = p.period`,
      };
  const count = (column: string) => sql`coalesce(${sql.ref(`${units.source}.${column}`)}, 0)::int`;
  const unitColumns = sql`${count('units_entered')} AS contributing,
      ${count('units_covered')} AS covered,
      ${count('units_unpaired')} AS unpaired,
      coalesce(gp.combined, '{}') AS periods_combined,
      coalesce(gp.missing, '{}') AS periods_missing`;
  // The periods the units whose figures entered the value combined, and those some of them
  // left out (one row per unit and metric: the resolved figure's periods).
  const periodCtes = sql`${units.ctes},
    group_period AS (
      SELECT f.group_id, f.period,
        array_agg(DISTINCT c.period ORDER BY c.period) FILTER (WHERE c.combined) AS combined,
        array_agg(DISTINCT c.period ORDER BY c.period) FILTER (WHERE NOT c.combined) AS missing
      FROM figure_in_group f
      CROSS JOIN LATERAL (
        SELECT unnest(f.periods_combined) AS period, true AS combined
        UNION ALL SELECT unnest(f.periods_missing), false
      ) c
      WHERE f.in_value
      GROUP BY f.group_id, f.period
    )`;
  const unitJoins = sql`${units.join}
    LEFT JOIN group_period gp ON gp.group_id = g.id AND gp.period = p.period`;
  if (spec.coverage === 'UNITS') {
    return {
      totalColumns: units.totalColumns,
      ctes: periodCtes,
      units: unitColumns,
      expected: null,
      joins: unitJoins,
    };
  }
  // A unit has one counted figure per metric and period, but also one row per figure whose
  // status does not count (figure in timeResolvedFigureCtes).
  return {
    totalColumns: units.totalColumns,
    ctes: sql`${periodCtes},
    ${expectedLevelCte(spec, codes)},
    unit_reported AS (
      SELECT organization_id, period, bool_or(included) AS has_included
      FROM figure_cover GROUP BY organization_id, period
    ),
    expected_coverage AS (
      SELECT g.group_id, p.period, count(*) AS expected,
        count(*) FILTER (WHERE NOT u.has_included) AS unapproved,
        count(*) FILTER (WHERE u.organization_id IS NULL) AS missing
      FROM organization e
      JOIN root_depth d ON d.depth <= e.depth
      JOIN group_root g ON g.path = ${ancestorPath('e.path', 'd.depth')}
      JOIN asked_period p ON g.period IS NULL OR g.period = p.period
      LEFT JOIN unit_reported u ON u.organization_id = e.id AND u.period = p.period
      WHERE ${EXPECTED_UNIT} ${inSubtree('e.path', spec.within)} ${inRoots('e.path')}
      GROUP BY g.group_id, p.period
    )`,
    units: unitColumns,
    expected: sql`coalesce(cv.expected, 0)::int AS expected,
      coalesce(cv.unapproved, 0)::int AS unapproved,
      coalesce(cv.missing, 0)::int AS missing`,
    joins: sql`${unitJoins}
      LEFT JOIN expected_coverage cv ON cv.group_id = g.id AND cv.period = p.period`,
  };
}

/**
 * `group_root`: the subtrees each group's aggregate reads (group_id, the root's id, path and
 * depth, and the one period it counts for, or null for all); `root_depth` their depths. A
 * group's own subtree is its root for every period; a mapped series adds its predecessors',
 * each for the periods it is mapped for. Figures and expected units are matched to groups
 * through their roots, and the no-double-counting rule compares cover depths with the root's
 * depth: the roots of a period do not overlap, so each figure meets at most one root of a
 * group. `inRoots` keeps a mapped series' reads to its roots' subtrees.
 */
function groupRoots(groups: GroupSelection | MappedSelection): {
  groups: GroupSelection;
  ctes: RawBuilder<unknown>;
  inRoots: (column: string) => RawBuilder<unknown>;
} {
  const own = sql`SELECT id AS group_id, id, path, depth, NULL::text AS period FROM group_unit`;
  const ctes = (mapped: RawBuilder<unknown>) => sql`group_root AS MATERIALIZED (${own}${mapped}),
    root_depth AS MATERIALIZED (SELECT DISTINCT depth FROM group_root)`;
  if (groups.kind !== 'mapped') return { groups, ctes: ctes(sql``), inRoots: () => sql`` };
  const { unit, roots } = groups;
  const paths = [unit.path, ...new Set(roots.map((root) => root.path))];
  return {
    groups: { kind: 'ids', ids: [unit.id] },
    ctes: ctes(sql`
      UNION ALL
      SELECT ${unit.id}::int, o.id, o.path, o.depth, r.period
      FROM unnest(${roots.map((root) => root.id)}::int[], ${roots.map((root) => root.period)}::text[])
        AS r(id, period)
      JOIN organization o ON o.id = r.id`),
    inRoots: (column) =>
      sql`AND (${sql.join(
        paths.map((path) => pathInSubtree(column, { path })),
        sql` OR `,
      )})`,
  };
}

/**
 * `figure_cover`: the figures of the CTE `figure` (organization_id, path, depth, metric_code,
 * period, scope, aggregatable, included) with `cover_depth`, the depth of the deepest unit
 * strictly above the figure's with an included, aggregatable SUBTREE figure of the same
 * metric and period (-1 when none). Such figures (`subtree_figure`) are few: they are read
 * first, and the units under each (`unit_cover`) come from the path index, so the cost
 * follows the units they cover. The figures are materialized before they meet their cover:
 * joined straight from the index, in its (metric, period, path) order, PostgreSQL 18 (PGlite)
 * merged on the metric and period alone and left the unit to a filter comparing every figure
 * with every covered unit (358 s at Hunan scale).
 */
export const figureCoverCtes = sql`subtree_figure AS MATERIALIZED (
      SELECT path, depth, metric_code, period FROM figure
      WHERE included AND scope = 'SUBTREE' AND aggregatable
    ),
    unit_cover AS MATERIALIZED (
      SELECT u.id AS organization_id, t.metric_code, t.period, max(t.depth) AS depth
      FROM subtree_figure t
      JOIN organization u ON ${pathInSubtree('u.path', { column: 't.path' }, { below: true })}
      GROUP BY u.id, t.metric_code, t.period
    ),
    figure_cover AS MATERIALIZED (
      SELECT f.*, coalesce(c.depth, -1) AS cover_depth
      FROM figure f
      LEFT JOIN unit_cover c ON c.organization_id = f.organization_id
        AND c.metric_code = f.metric_code AND c.period = f.period
    )`;

/**
 * The partner of each figure `f` of `figure_cover`: for a ratio's part, the cover depth of
 * the same unit's figure for the other part, same period and scope; null when there is none,
 * and a part without a partner never counts. A numerator for the unit itself over a
 * denominator for its whole subtree is no ratio, so differing scopes do not pair. A unit holds
 * at most one figure per metric and period, so a window over the unit's figures finds the
 * partner in one sort, without joining the figures with themselves. Without parts, every
 * figure is its own partner.
 */
export function partnerDepth(parts: RatioParts | null): {
  depth: RawBuilder<unknown>;
  window: RawBuilder<unknown>;
} {
  if (parts === null) return { depth: sql`f.cover_depth`, window: sql`` };
  const coverOf = (code: string) =>
    sql`max(f.cover_depth) FILTER (WHERE f.metric_code = ${code} AND f.aggregatable) OVER pair`;
  return {
    depth: sql`CASE f.metric_code
      WHEN ${parts.numerator} THEN ${coverOf(parts.denominator)}
      WHEN ${parts.denominator} THEN ${coverOf(parts.numerator)} END`,
    window: sql`WINDOW pair AS (PARTITION BY f.organization_id, f.period, f.scope)`,
  };
}

/**
 * The group's own figure shown beside its value: a SUBTREE figure, which the value then uses
 * as it is; for a ratio, its stored percentage whatever the scope, which never enters the
 * value (it is recomputed from the parts).
 */
function reportedColumns(ratio: boolean): RawBuilder<unknown> {
  const own = ratio
    ? sql`organization_id = group_id`
    : sql`organization_id = group_id AND scope = 'SUBTREE'`;
  return sql`max(value) FILTER (WHERE ${own}) AS reported,
    max(qualifier) FILTER (WHERE ${own}) AS reported_qualifier`;
}

/**
 * The qualifiers among the rows meeting `condition`, null when none does: as
 * array_agg(DISTINCT qualifier) would give, but with one flag per qualifier, so the grouping
 * can hash instead of sorting every figure.
 */
function qualifierSet(condition: RawBuilder<unknown>): RawBuilder<unknown> {
  const flags = QUALIFIERS.map(
    (qualifier) =>
      sql`CASE WHEN bool_or(qualifier = ${sql.lit(qualifier)}) FILTER (WHERE ${condition}) THEN ${sql.lit(qualifier)} END`,
  );
  return sql`CASE WHEN bool_or(${condition}) THEN array_remove(ARRAY[${sql.join(flags)}]::text[], NULL) END`;
}
