import { sql, type Kysely, type RawBuilder } from 'kysely';
import { ancestorPath, pathDepth, pathInSubtree } from '../../db/path.js';
import {
  QUALIFIERS,
  type Database,
  type MetricDefinitionRow,
  type MetricScope,
  type OrganizationLevel,
  type Qualifier,
  type SubmissionStatus,
} from '../../db/tables.js';
import { badInput } from '../../errors.js';
import { keyset } from '../../graph/keyset.js';
import {
  countsByKey,
  pagesByKey,
  toPage,
  type Keyed,
  type Page,
  type PageWindow,
} from '../../graph/pagination.js';
import { UnreachableCaseError } from '../../unreachable.js';
import {
  completenessOrder,
  contributionOrder,
  rankingOrder,
  rollupOrder,
} from './aggregation.order.js';

/**
 * Ratios, averages, shares and growth rates are exact numeric quotients rounded half away
 * from zero (PostgreSQL's round) to this many decimal places; sums are never rounded.
 */
export const DECIMAL_PLACES = 4;

/** An organization's subtree, by its root's path; null means the whole tree. */
export interface PathRange {
  path: string;
}

/** What to aggregate: one metric (and for a RATIO its two parts) over some periods. */
export interface AggregateSpec {
  metric: MetricDefinitionRow;
  /** Canonical periods, in the order the answer lists them. */
  periods: string[];
  periodType: string;
  /** The submission statuses whose figures count (APPROVED, and SUBMITTED when asked). */
  statuses: SubmissionStatus[];
  within: PathRange | null;
  /** Which of AggregateRow's coverage columns to count (the others are null). */
  coverage: CoverageCounts;
}

/**
 * The coverage counts an aggregate can give: none; the units whose figures entered the value,
 * were covered by a SUBTREE figure or could not enter (contributing, covered, unpaired); or
 * those and the reports the templates expect (expected, unapproved, missing), which are
 * counted per expected unit.
 */
export type CoverageCounts = 'NONE' | 'UNITS' | 'ALL';

/** Which units get a row: the federations at one level (paged by path), or given ids. */
export type GroupSelection =
  | { kind: 'level'; level: OrganizationLevel; window: PageWindow | null }
  | { kind: 'ids'; ids: number[] };

/**
 * A statement answering an aggregate: `aggregateQuery` from the figures (the oracle) or
 * `totalsQuery` from the maintained totals; both return the same rows.
 */
export type AggregateStatement = (
  spec: AggregateSpec,
  groups: GroupSelection,
) => RawBuilder<AggregateRow>;

/** One unit × period of an aggregate, as SQL computed it. */
export interface AggregateRow {
  organization_id: number;
  path: string;
  period: string;
  value: string | null;
  qualifiers: Qualifier[] | null;
  children_value: string | null;
  children_qualifiers: Qualifier[] | null;
  reported: string | null;
  reported_qualifier: Qualifier | null;
  numerator: string | null;
  numerator_qualifiers: Qualifier[] | null;
  denominator: string | null;
  denominator_qualifiers: Qualifier[] | null;
  children_numerator: string | null;
  children_numerator_qualifiers: Qualifier[] | null;
  children_denominator: string | null;
  children_denominator_qualifiers: Qualifier[] | null;
  /** For a ratio: units whose uncovered numerator (denominator) has no partner to pair with. */
  numerator_unpaired: number;
  denominator_unpaired: number;
  /** The coverage counts: null unless the spec asked for them. */
  contributing: number | null;
  covered: number | null;
  unpaired: number | null;
  expected: number | null;
  unapproved: number | null;
  missing: number | null;
}

/** The metrics whose figures an aggregate reads: the metric itself, and a ratio's parts. */
export function metricCodes(metric: MetricDefinitionRow): string[] {
  return metric.tree_aggregation === 'RATIO'
    ? [metric.code, metric.numerator_code!, metric.denominator_code!]
    : [metric.code];
}

/**
 * The aggregate of one metric for each selected unit and period, in one statement whatever
 * the number of units:
 *
 * - `figure`: every submitted figure of the metric (and a ratio's parts) in the range, with
 *   whether its submission's status counts.
 * - `val`: each figure with `cover_depth`, the depth of the deepest unit above it that reported
 *   the same metric and period for its whole subtree (scope SUBTREE; see coverCtes). A figure
 *   counts for a group unit only when no unit between it and the group (the group included)
 *   covers it: that is the no-double-counting rule. The group's own SUBTREE figure therefore stands alone, and
 *   `children_*` (the same rule one level down) shows what the units below add up to.
 * - `fig`: for a ratio, each part with its partner, the same unit's other part with the same
 *   scope. A part counts only when its partner counts too, so the numerator and the
 *   denominator are summed over the same units: a unit that gave one part only is left out
 *   (and counted as unpaired), never taken as a zero.
 * - with `spec.coverage`, the counts of whose figures the aggregate holds (coverageParts).
 *
 * Figures and expected units find their group by the prefix of their path (a hash join per
 * depth the groups sit at), never by comparing every row with every group's path range.
 * Arithmetic happens in numeric: sums are exact; ratios and averages are rounded to
 * DECIMAL_PLACES.
 */
export function aggregateQuery(
  spec: AggregateSpec,
  groups: GroupSelection,
): RawBuilder<AggregateRow> {
  const { metric } = spec;
  const codes = metricCodes(metric);
  const combine = treeFunction(metric);
  const ratio = metric.tree_aggregation === 'RATIO';
  const factor = metric.factor ?? '1';
  const main = ratio
    ? sql`CASE WHEN d.value > 0 THEN round(n.value * ${factor}::numeric / d.value, ${sql.lit(DECIMAL_PLACES)}) END`
    : metric.tree_aggregation === 'AVERAGE'
      ? sql`round(m.value, ${sql.lit(DECIMAL_PLACES)})`
      : sql`m.value`;
  const children = ratio
    ? sql`CASE WHEN d.children_value > 0 THEN round(n.children_value * ${factor}::numeric / d.children_value, ${sql.lit(DECIMAL_PLACES)}) END`
    : metric.tree_aggregation === 'AVERAGE'
      ? sql`round(m.children_value, ${sql.lit(DECIMAL_PLACES)})`
      : sql`m.children_value`;
  const partner = partnerDepth(ratioParts(metric));
  const coverage = coverageParts(spec, codes);
  const figures = sql`v.submission_id IS NOT NULL AND v.metric_code = ANY(${codes}::text[])
    AND v.period = ANY(${spec.periods}::text[]) ${inSubtree('v.organization_path', spec.within)}`;

  return sql<AggregateRow>`
    WITH ${groupCtes(spec, groups)},
    figure AS MATERIALIZED (
      SELECT v.organization_id, ${FIGURE_PLACE}, v.metric_code, v.period, v.value,
        v.qualifier, v.scope, v.aggregatable,
        v.submission_status = ANY(${spec.statuses}::text[]) AS included
      FROM metric_value v
      WHERE ${figures}
    ),
    ${coverCtes},
    fig AS (
      SELECT f.*, ${partner.depth} AS partner_depth
      FROM val f WHERE f.included ${partner.window}
    ),
    gv AS (
      SELECT g.id AS group_id, f.organization_id, f.metric_code, f.period, f.value, f.qualifier,
        f.scope, f.aggregatable,
        f.aggregatable AND f.cover_depth < g.depth AS uncovered,
        f.aggregatable AND f.cover_depth < g.depth
          AND coalesce(f.partner_depth < g.depth, false) AS in_value,
        f.aggregatable AND f.organization_id <> g.id AND f.cover_depth <= g.depth
          AND coalesce(f.partner_depth <= g.depth, false) AS in_children
      FROM fig f
      JOIN grp_depth d ON d.depth <= f.depth
      JOIN grp g ON g.path = ${ancestorPath('f.path', 'd.depth')}
    ),
    agg AS (
      SELECT group_id, metric_code, period,
        ${combine}(value) FILTER (WHERE in_value) AS value,
        ${qualifierSet(sql`in_value`)} AS qualifiers,
        ${combine}(value) FILTER (WHERE in_children) AS children_value,
        ${qualifierSet(sql`in_children`)} AS children_qualifiers,
        count(*) FILTER (WHERE uncovered AND NOT in_value) AS unpaired,
        ${coverage.agg}
        ${reportedColumns(ratio)}
      FROM gv
      GROUP BY group_id, metric_code, period
    )${coverage.ctes}
    SELECT g.id AS organization_id, g.path, p.period,
      ${main} AS value,
      ${ratio ? sql`NULL::text[]` : sql`m.qualifiers`} AS qualifiers,
      ${children} AS children_value,
      ${ratio ? sql`NULL::text[]` : sql`m.children_qualifiers`} AS children_qualifiers,
      m.reported, m.reported_qualifier,
      ${ratio ? sql`n.value` : sql`NULL::numeric`} AS numerator,
      ${ratio ? sql`n.qualifiers` : sql`NULL::text[]`} AS numerator_qualifiers,
      ${ratio ? sql`d.value` : sql`NULL::numeric`} AS denominator,
      ${ratio ? sql`d.qualifiers` : sql`NULL::text[]`} AS denominator_qualifiers,
      ${ratio ? sql`n.children_value` : sql`NULL::numeric`} AS children_numerator,
      ${ratio ? sql`n.children_qualifiers` : sql`NULL::text[]`} AS children_numerator_qualifiers,
      ${ratio ? sql`d.children_value` : sql`NULL::numeric`} AS children_denominator,
      ${ratio ? sql`d.children_qualifiers` : sql`NULL::text[]`} AS children_denominator_qualifiers,
      coalesce(n.unpaired, 0)::int AS numerator_unpaired,
      coalesce(d.unpaired, 0)::int AS denominator_unpaired,
      ${coverage.columns}
    FROM grp g
    CROSS JOIN periods p
    LEFT JOIN agg m ON m.group_id = g.id AND m.period = p.period AND m.metric_code = ${metric.code}
    LEFT JOIN agg n ON n.group_id = g.id AND n.period = p.period
      AND n.metric_code = ${metric.numerator_code ?? ''}
    LEFT JOIN agg d ON d.group_id = g.id AND d.period = p.period
      AND d.metric_code = ${metric.denominator_code ?? ''}
    ${coverage.joins}
    ORDER BY g.path, p.ord`;
}

/**
 * `grp`: the selected group units (id, path, depth), `grp_depth` their depths, `periods` the
 * spec's periods with their order: the CTEs both statements (figures and totals) start from.
 */
export function groupCtes(spec: AggregateSpec, groups: GroupSelection): RawBuilder<unknown> {
  const page = groups.kind === 'level' && groups.window ? keyset(rollupOrder, groups.window) : null;
  const groupCondition =
    groups.kind === 'ids'
      ? sql`o.id = ANY(${groups.ids}::int[])`
      : sql`o.level = ${groups.level} AND o.kind = 'FEDERATION' ${inSubtree('o.path', spec.within)}
          ${page?.where ?? sql``}`;
  const groupLimit = page ? sql`${page.orderBy} ${page.limit}` : sql``;
  return sql`grp AS MATERIALIZED (
      SELECT o.id, o.path, o.depth
      FROM organization o
      WHERE ${groupCondition}
      ${groupLimit}
    ),
    grp_depth AS MATERIALIZED (SELECT DISTINCT depth FROM grp),
    periods AS (
      SELECT period, ord FROM unnest(${spec.periods}::text[]) WITH ORDINALITY AS p(period, ord)
    )`;
}

/**
 * The coverage counts of each group and period, from the figures matched to groups (`gv`) and
 * all figures read (`val`): which units' figures entered the value, which a SUBTREE figure
 * inside the group already includes, and which could not enter; and of the federations the
 * templates holding the metric expect a report from, those with figures waiting for approval
 * and those with none. Parts of the statement: columns of `agg`, CTEs after it, and the final
 * select's columns and joins.
 *
 * A single metric has at most one submitted figure per unit and period
 * (metric_value_submitted_period_key), so its unit counts are figure counts, taken in `agg`'s
 * pass; with a ratio's parts, a unit's figures are first combined per unit.
 */
function coverageParts(
  spec: AggregateSpec,
  codes: readonly string[],
): {
  agg: RawBuilder<unknown>;
  ctes: RawBuilder<unknown>;
  columns: RawBuilder<unknown>;
  joins: RawBuilder<unknown>;
} {
  if (spec.coverage === 'NONE') {
    return {
      agg: sql``,
      ctes: sql``,
      columns: sql`NULL::int AS contributing, NULL::int AS covered, NULL::int AS unpaired,
        ${NO_EXPECTED_COUNTS}`,
      joins: sql``,
    };
  }
  const onePerUnit = codes.length === 1;
  // A figure is covered when aggregatable yet not in the value; for one figure per unit, that
  // is the unit's state, and a unit whose figure is not aggregatable could not enter.
  const units = onePerUnit
    ? {
        agg: sql`count(*) FILTER (WHERE in_value) AS units_entered,
          count(*) FILTER (WHERE aggregatable AND NOT in_value) AS units_covered,
          count(*) FILTER (WHERE NOT aggregatable) AS units_unpaired,`,
        ctes: sql``,
        source: 'm',
        join: sql``,
      }
    : {
        agg: sql``,
        ctes: sql`,
          unit_use AS (
            SELECT group_id, period, organization_id, bool_or(in_value) AS entered,
              bool_or(aggregatable) AND NOT bool_or(uncovered) AS covered
            FROM gv GROUP BY group_id, period, organization_id
          ),
          contrib AS (
            SELECT group_id, period,
              count(*) FILTER (WHERE entered) AS units_entered,
              count(*) FILTER (WHERE NOT entered AND covered) AS units_covered,
              count(*) FILTER (WHERE NOT entered AND NOT covered) AS units_unpaired
            FROM unit_use GROUP BY group_id, period
          )`,
        source: 'c',
        join: sql`LEFT JOIN contrib c ON c.group_id = g.id AND c.period = p.period`,
      };
  const unitState = onePerUnit
    ? sql`SELECT organization_id, period, included AS has_included FROM val`
    : sql`SELECT organization_id, period, bool_or(included) AS has_included
      FROM val GROUP BY organization_id, period`;
  const count = (column: string) => sql`coalesce(${sql.ref(`${units.source}.${column}`)}, 0)::int`;
  const unitColumns = sql`${count('units_entered')} AS contributing,
      ${count('units_covered')} AS covered,
      ${count('units_unpaired')} AS unpaired`;
  if (spec.coverage === 'UNITS') {
    return {
      agg: units.agg,
      ctes: units.ctes,
      columns: sql`${unitColumns}, ${NO_EXPECTED_COUNTS}`,
      joins: units.join,
    };
  }
  return {
    agg: units.agg,
    ctes: sql`${units.ctes},
    levels AS (
      SELECT DISTINCT unnest(t.submitting_levels) AS level
      FROM reporting_template t
      JOIN reporting_template_metric tm ON tm.template_id = t.id
      WHERE tm.metric_code = ANY(${[...codes]}::text[]) AND t.period_type = ${spec.periodType}
    ),
    unit_state AS (${unitState}),
    coverage AS (
      SELECT g.id AS group_id, p.period, count(*) AS expected,
        count(*) FILTER (WHERE NOT u.has_included) AS unapproved,
        count(*) FILTER (WHERE u.organization_id IS NULL) AS missing
      FROM organization e
      JOIN grp_depth d ON d.depth <= e.depth
      JOIN grp g ON g.path = ${ancestorPath('e.path', 'd.depth')}
      CROSS JOIN periods p
      LEFT JOIN unit_state u ON u.organization_id = e.id AND u.period = p.period
      WHERE e.kind = 'FEDERATION' AND e.level IN (SELECT level FROM levels)
        ${inSubtree('e.path', spec.within)}
      GROUP BY g.id, p.period
    )`,
    columns: sql`${unitColumns},
      coalesce(cv.expected, 0)::int AS expected,
      coalesce(cv.unapproved, 0)::int AS unapproved,
      coalesce(cv.missing, 0)::int AS missing`,
    joins: sql`${units.join}
      LEFT JOIN coverage cv ON cv.group_id = g.id AND cv.period = p.period`,
  };
}

/** The expected-report columns of an aggregate that does not count them. */
export const NO_EXPECTED_COUNTS = sql`NULL::int AS expected, NULL::int AS unapproved,
  NULL::int AS missing`;

/** A ratio's two part metrics. */
export interface RatioParts {
  numerator: string;
  denominator: string;
}

export function ratioParts(metric: MetricDefinitionRow): RatioParts | null {
  return metric.tree_aggregation === 'RATIO'
    ? { numerator: metric.numerator_code!, denominator: metric.denominator_code! }
    : null;
}

/** The figures' unit's path and depth, from the path the figure carries. */
const FIGURE_PLACE = sql`v.organization_path AS path, ${pathDepth('v.organization_path')} AS depth`;

/** `AND` the path in `column` lies inside the subtree; nothing for the whole tree. */
export function inSubtree(column: string, within: PathRange | null): RawBuilder<unknown> {
  return within === null ? sql`` : sql`AND ${pathInSubtree(column, within)}`;
}

/**
 * `val`: the figures of the CTE `figure` (organization_id, path, depth, metric_code, period,
 * scope, aggregatable, included) with `cover_depth`, the depth of the deepest unit strictly
 * above the figure's with an included, aggregatable SUBTREE figure of the same metric and
 * period (-1 when none). Such totals are few: they are read first, and the units under each
 * come from the path index, so the cost follows the units they cover. The figures are
 * materialized before they meet their cover: joined straight from the index, in its
 * (metric, period, path) order, PostgreSQL 18 (PGlite) merged on the metric and period alone
 * and left the unit to a filter comparing every figure with every covered unit (358 s at
 * Hunan scale).
 */
const coverCtes = sql`tops AS MATERIALIZED (
      SELECT path, depth, metric_code, period FROM figure
      WHERE included AND scope = 'SUBTREE' AND aggregatable
    ),
    cover AS MATERIALIZED (
      SELECT u.id AS organization_id, t.metric_code, t.period, max(t.depth) AS depth
      FROM tops t
      JOIN organization u ON ${pathInSubtree('u.path', { column: 't.path' }, { below: true })}
      GROUP BY u.id, t.metric_code, t.period
    ),
    val AS MATERIALIZED (
      SELECT f.*, coalesce(c.depth, -1) AS cover_depth
      FROM figure f
      LEFT JOIN cover c ON c.organization_id = f.organization_id
        AND c.metric_code = f.metric_code AND c.period = f.period
    )`;

/**
 * The partner of each figure `f` of `val`: for a ratio's part, the cover depth of the same
 * unit's figure for the other part, same period and scope; null when there is none, and a
 * part without a partner never counts. A numerator for the unit itself over a denominator for
 * its whole subtree is no ratio, so differing scopes do not pair. A unit holds at most one
 * figure per metric and period, so a window over the unit's figures finds the partner in one
 * sort, without joining the figures with themselves. Without parts, every figure is its own
 * partner.
 */
function partnerDepth(parts: RatioParts | null): {
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

/** The SQL aggregate a tree rule applies; RATIO parts are sums. */
export function treeFunction(metric: MetricDefinitionRow): RawBuilder<unknown> {
  const rule = metric.tree_aggregation;
  switch (rule) {
    case 'SUM':
    case 'RATIO':
      return sql.raw('sum');
    case 'AVERAGE':
      return sql.raw('avg');
    case 'MAX':
      return sql.raw('max');
    case 'MIN':
      return sql.raw('min');
    case 'LAST':
    case 'NONE':
      throw badInput(
        `${metric.code} is not aggregated over the tree (rule ${rule}): it has no roll-up, ranking or series`,
        'metric',
      );
    default:
      throw new UnreachableCaseError(rule);
  }
}

/** One page of rolled-up rows: the federations at a level inside a subtree, by path. */
export async function findRollupPage(
  db: Kysely<Database>,
  spec: AggregateSpec,
  level: OrganizationLevel,
  window: PageWindow,
  statement: AggregateStatement,
): Promise<Page<AggregateRow>> {
  const result = await statement(spec, { kind: 'level', level, window }).execute(db);
  // The statement answers its groups in tree order (one row each: a roll-up has one period);
  // a backward page picked the last of them, which toPage expects from the end.
  return toPage(window.backward ? result.rows.reverse() : result.rows, window);
}

/** How many federations sit at a level inside a subtree: the rows a roll-up has. */
export async function countGroups(
  db: Kysely<Database>,
  within: PathRange | null,
  level: OrganizationLevel,
): Promise<number> {
  const range = inSubtree('o.path', within);
  const result = await sql<{ count: number }>`
    SELECT count(*) AS count FROM organization o
    WHERE o.level = ${level} AND o.kind = 'FEDERATION' ${range}`.execute(db);
  return result.rows[0]?.count ?? 0;
}

export interface RankedRow extends AggregateRow {
  position: number;
  rank: number | null;
  total: string | null;
  total_qualifiers: Qualifier[] | null;
  share: string | null;
  ranked: number;
}

/**
 * Ranks the federations at a level by the metric's aggregate, in one statement: competition
 * ranks with ties (1, 2, 2, 4), units without a value unranked at the end, each unit's share
 * of the total for SUM metrics. Ratios are ranked by their recomputed, rounded value.
 */
export async function findRankingPage(
  db: Kysely<Database>,
  spec: AggregateSpec,
  level: OrganizationLevel,
  window: PageWindow,
  statement: AggregateStatement,
): Promise<Page<RankedRow>> {
  const page = keyset(rankingOrder, window);
  const summable = spec.metric.tree_aggregation === 'SUM';
  const result = await sql<RankedRow>`
    WITH base AS (${statement(spec, { kind: 'level', level, window: null })}),
    ranked AS (
      SELECT base.*,
        row_number() OVER (ORDER BY value DESC NULLS LAST, path)::int AS position,
        CASE WHEN value IS NOT NULL THEN (rank() OVER (ORDER BY value DESC NULLS LAST))::int END AS rank,
        ${summable ? sql`sum(value) OVER ()` : sql`NULL::numeric`} AS total,
        count(value) OVER ()::int AS ranked
      FROM base
    )
    SELECT ranked.*,
      CASE WHEN total > 0 THEN round(value * 100 / total, ${sql.lit(DECIMAL_PLACES)}) END AS share,
      ${
        summable
          ? sql`(SELECT array_agg(DISTINCT q) FROM base, unnest(base.qualifiers) AS q)`
          : sql`NULL::text[]`
      } AS total_qualifiers
    FROM ranked
    WHERE true ${page.where}
    ${page.orderBy} ${page.limit}`.execute(db);
  return toPage(result.rows, window);
}

export interface SeriesRow extends AggregateRow {
  previous: string | null;
  change: string | null;
  growth_rate: string | null;
}

/** One unit's aggregate over consecutive periods, with change and growth rate, in one statement. */
export async function findSeries(
  db: Kysely<Database>,
  spec: AggregateSpec,
  organizationId: number,
  statement: AggregateStatement,
): Promise<SeriesRow[]> {
  const result = await sql<SeriesRow>`
    WITH base AS (${statement(spec, { kind: 'ids', ids: [organizationId] })}),
    ordered AS (
      SELECT base.*, lag(value) OVER (ORDER BY array_position(${spec.periods}::text[], period)) AS previous
      FROM base
    )
    SELECT ordered.*, value - previous AS change,
      CASE WHEN previous > 0 THEN round((value - previous) * 100 / previous, ${sql.lit(DECIMAL_PLACES)}) END
        AS growth_rate
    FROM ordered
    ORDER BY array_position(${spec.periods}::text[], period)`.execute(db);
  return result.rows;
}

/** One figure that entered (or, covered by a subtree figure above it, did not enter) a roll-up. */
export interface ContributionRow {
  organization_id: number;
  path: string;
  metric_code: string;
  value: string;
  qualifier: Qualifier;
  scope: MetricScope;
  status: SubmissionStatus;
  submission_id: number;
  /** Whether the figure is part of the group's value (false: covered by a SUBTREE figure). */
  counted: boolean;
  aggregatable: boolean;
}

export interface ContributionArgs {
  metricCodes: string[];
  /** For a ratio: its parts, which count only in pairs. */
  parts: RatioParts | null;
  period: string;
  statuses: SubmissionStatus[];
  within: PathRange | null;
}

/**
 * One page of the counted figures under each group unit, by path and metric, in one statement;
 * `counted` tells which of them the group's value adds (the rest are covered by a SUBTREE
 * figure at or above them inside the group, are a ratio's part without its partner, or are a
 * stored percentage).
 */
export async function findContributionPages(
  db: Kysely<Database>,
  groupIds: readonly number[],
  args: ContributionArgs,
  window: PageWindow,
): Promise<Map<number, Page<ContributionRow>>> {
  const page = keyset(contributionOrder, window);
  const partner = partnerDepth(args.parts);
  const figures = sql`v.submission_id IS NOT NULL AND v.metric_code = ANY(${args.metricCodes}::text[])
    AND v.period = ${args.period} ${inSubtree('v.organization_path', args.within)}`;
  const result = await sql<Keyed<ContributionRow>>`
    WITH figure AS MATERIALIZED (
      SELECT v.organization_id, ${FIGURE_PLACE}, v.metric_code, v.period, v.value,
        v.qualifier, v.scope, v.aggregatable, v.submission_status AS status, v.submission_id,
        true AS included
      FROM metric_value v
      WHERE ${figures} AND v.submission_status = ANY(${args.statuses}::text[])
    ),
    ${coverCtes},
    fig AS (
      SELECT f.*, ${partner.depth} AS partner_depth FROM val f ${partner.window}
    )
    SELECT c.*, k.id AS scope_key
    FROM organization k
    CROSS JOIN LATERAL (
      SELECT v.organization_id, v.path, v.metric_code, v.value, v.qualifier, v.scope, v.status,
        v.submission_id, v.aggregatable,
        (v.aggregatable AND v.cover_depth < k.depth
          AND coalesce(v.partner_depth < k.depth, false)) AS counted
      FROM fig v
      WHERE ${pathInSubtree('v.path', { column: 'k.path' })}
        ${page.where}
      ${page.orderBy} ${page.limit}
    ) c
    WHERE k.id = ANY(${[...groupIds]}::int[])`.execute(db);
  return pagesByKey(groupIds, result.rows, window);
}

export async function countContributions(
  db: Kysely<Database>,
  groupIds: readonly number[],
  args: ContributionArgs,
): Promise<Map<number, number>> {
  const result = await sql<Keyed<{ count: number }>>`
    SELECT k.id AS scope_key, (
      SELECT count(*) FROM metric_value v
      WHERE v.submission_id IS NOT NULL AND v.submission_status = ANY(${args.statuses}::text[])
        AND v.metric_code = ANY(${args.metricCodes}::text[])
        AND v.period = ${args.period}
        AND ${pathInSubtree('v.organization_path', { column: 'k.path' })}
    ) AS count
    FROM organization k WHERE k.id = ANY(${[...groupIds]}::int[])`.execute(db);
  return countsByKey(result.rows);
}

export type CompletenessStatus = 'NOT_STARTED' | SubmissionStatus;

export interface CompletenessRow {
  organization_id: number;
  path: string;
  parent_id: number | null;
  status: CompletenessStatus;
  submission_id: number | null;
  submitted_at: Date | null;
}

export interface CompletenessTotals {
  expected: number;
  not_started: number;
  draft: number;
  submitted: number;
  returned: number;
  approved: number;
}

export interface CompletenessSpec {
  templateId: number;
  levels: OrganizationLevel[];
  period: string;
  within: PathRange | null;
}

/** Every federation the template expects a report from inside the subtree, with its status. */
function expectedUnits(spec: CompletenessSpec): RawBuilder<CompletenessRow> {
  const range = inSubtree('e.path', spec.within);
  return sql<CompletenessRow>`
    SELECT e.id AS organization_id, e.path, e.parent_id,
      coalesce(s.status, 'NOT_STARTED') AS status, s.id AS submission_id, s.submitted_at
    FROM organization e
    LEFT JOIN submission s ON s.organization_id = e.id
      AND s.template_id = ${spec.templateId} AND s.period = ${spec.period}
    WHERE e.kind = 'FEDERATION' AND e.level = ANY(${spec.levels}::text[]) ${range}`;
}

/** The counts by status of the units a template expects, in one statement. */
export async function findCompletenessTotals(
  db: Kysely<Database>,
  spec: CompletenessSpec,
): Promise<CompletenessTotals> {
  const result = await sql<CompletenessTotals>`
    SELECT count(*)::int AS expected,
      count(*) FILTER (WHERE status = 'NOT_STARTED')::int AS not_started,
      count(*) FILTER (WHERE status = 'DRAFT')::int AS draft,
      count(*) FILTER (WHERE status = 'SUBMITTED')::int AS submitted,
      count(*) FILTER (WHERE status = 'RETURNED')::int AS returned,
      count(*) FILTER (WHERE status = 'APPROVED')::int AS approved
    FROM (${expectedUnits(spec)}) u`.execute(db);
  return result.rows[0]!;
}

/** One page of the expected units, by path, optionally only those in some statuses. */
export async function findCompletenessPage(
  db: Kysely<Database>,
  spec: CompletenessSpec,
  statuses: readonly CompletenessStatus[] | null,
  window: PageWindow,
): Promise<Page<CompletenessRow>> {
  const page = keyset(completenessOrder, window);
  const result = await sql<CompletenessRow>`
    SELECT * FROM (${expectedUnits(spec)}) u
    WHERE true
      ${statuses === null ? sql`` : sql`AND u.status = ANY(${[...statuses]}::text[])`}
      ${page.where}
    ${page.orderBy} ${page.limit}`.execute(db);
  return toPage(result.rows, window);
}

export async function countCompleteness(
  db: Kysely<Database>,
  spec: CompletenessSpec,
  statuses: readonly CompletenessStatus[] | null,
): Promise<number> {
  const result = await sql<{ count: number }>`
    SELECT count(*) AS count FROM (${expectedUnits(spec)}) u
    ${statuses === null ? sql`` : sql`WHERE u.status = ANY(${[...statuses]}::text[])`}`.execute(db);
  return result.rows[0]?.count ?? 0;
}
