import { sql, type RawBuilder } from 'kysely';
import { pathInSubtree } from '../../db/path.js';
import type { MetricDefinitionRow, OrganizationLevel } from '../../db/tables.js';
import { existedBetween, existedDuring } from '../../db/validity.js';
import { badInput } from '../../errors.js';
import { keyset } from '../../graph/keyset.js';
import { parsePeriod } from '../../period/period.js';
import { UnreachableCaseError } from '../../unreachable.js';
import { rollupOrder } from './aggregation.order.js';
import { reportedTypesWithin } from './aggregation.period.js';
import {
  DECIMAL_PLACES,
  type AggregateRow,
  type AggregateSpec,
  type GroupSelection,
  type PathRange,
} from './aggregation.spec.js';

/**
 * The parts both aggregate statements (from the figures, aggregation.figures-statement.ts, and
 * from the totals, aggregation.totals-statement.ts) are built of, so they answer the same
 * groups and periods with the same columns.
 */

/** `AND` the path in `column` lies inside the subtree; nothing for the whole tree. */
export function inSubtree(column: string, within: PathRange | null): RawBuilder<unknown> {
  return within === null ? sql`` : sql`AND ${pathInSubtree(column, within)}`;
}

/**
 * `group_unit`: the selected group units (id, path, depth), `asked_period` the spec's periods
 * with their order (`ord`) and their first and last days.
 */
function groupCtes(spec: AggregateSpec, groups: GroupSelection): RawBuilder<unknown> {
  const page = groups.kind === 'level' && groups.window ? keyset(rollupOrder, groups.window) : null;
  const groupCondition =
    groups.kind === 'ids'
      ? sql`o.id = ANY(${groups.ids}::int[])`
      : sql`${levelGroupCondition(spec, groups.level)} ${page?.where ?? sql``}`;
  const groupLimit = page ? sql`${page.orderBy} ${page.limit}` : sql``;
  const bounds = spec.periods.map((period) => parsePeriod(period));
  return sql`group_unit AS MATERIALIZED (
      SELECT o.id, o.path, o.depth
      FROM organization o
      WHERE ${groupCondition}
      ${groupLimit}
    ),
    asked_period AS (
      SELECT period, ord, period_start, period_end
      FROM unnest(${spec.periods}::text[], ${bounds.map((b) => b.start)}::date[],
        ${bounds.map((b) => b.end)}::date[]) WITH ORDINALITY AS p(period, period_start, period_end, ord)
    )`;
}

/** The columns of an aggregate statement's rows after organization_id, path and period. */
export interface AggregateColumns {
  /** The value columns: singleValueColumns or ratioValueColumns. */
  values: RawBuilder<unknown>;
  /** contributing, covered, unpaired; null when the statement does not count them. */
  units: RawBuilder<unknown> | null;
  /** expected, unapproved, missing; null when the statement does not count them. */
  expected: RawBuilder<unknown> | null;
}

/**
 * An aggregate statement around a statement's own parts: the group CTEs, then `ctes` (its
 * own, each `name AS (…)`), then one row per group `g` and asked period `p`, in tree order:
 * organization_id, path and period, then `columns`, read through `joins`. The counts a
 * statement does not take are null columns, so every statement answers AggregateRow's columns.
 */
export function aggregateRows(
  spec: AggregateSpec,
  groups: GroupSelection,
  own: { ctes: RawBuilder<unknown>; columns: AggregateColumns; joins: RawBuilder<unknown> },
): RawBuilder<AggregateRow> {
  const { values, units, expected } = own.columns;
  return sql<AggregateRow>`
    WITH ${groupCtes(spec, groups)},
    ${own.ctes}
    SELECT g.id AS organization_id, g.path, p.period,
      ${values}, ${units ?? NO_UNIT_COUNTS}, ${expected ?? NO_EXPECTED_COUNTS}
    FROM group_unit g
    CROSS JOIN asked_period p
    ${own.joins}
    ORDER BY g.path, p.ord`;
}

/**
 * SQL on `o`: a group of a roll-up or ranking at `level` inside the spec's subtree: a
 * federation that existed during the periods asked (docs/reporting.md, "A tree that
 * changes"). A unit closed before the first of them is no group of its own; its figures
 * still count in its ancestors', whose subtrees keep it.
 */
export function levelGroupCondition(
  spec: AggregateSpec,
  level: OrganizationLevel,
): RawBuilder<unknown> {
  const bounds = spec.periods.map((period) => parsePeriod(period));
  const start = bounds.map((b) => b.start).reduce((a, b) => (a < b ? a : b));
  const end = bounds.map((b) => b.end).reduce((a, b) => (a > b ? a : b));
  return sql`o.level = ${level} AND o.kind = 'FEDERATION' ${inSubtree('o.path', spec.within)}
    AND ${existedBetween('o', start, end)}`;
}

/**
 * SQL on the organization `e` and the asked period `p`: a unit the templates expect a report
 * from for that period, by the levels of `expected_level`: a federation that existed during
 * the period (a unit closed before it is not expected, one opened after it neither).
 */
export const EXPECTED_UNIT = sql`e.kind = 'FEDERATION' AND e.level IN (SELECT level FROM expected_level)
  AND ${existedDuring('e', sql`p.period_start`, sql`p.period_end`)}`;

/**
 * `expected_level`: the organization levels that the templates holding any of `codes`, for
 * the spec's period type or a finer one (whose reports make it up), expect reports from.
 */
export function expectedLevelCte(
  spec: AggregateSpec,
  codes: readonly string[],
): RawBuilder<unknown> {
  return sql`expected_level AS (
      SELECT DISTINCT unnest(t.submitting_levels) AS level
      FROM reporting_template t
      JOIN reporting_template_metric tm ON tm.template_id = t.id
      WHERE tm.metric_code = ANY(${[...codes]}::text[])
        AND t.period_type = ANY(${reportedTypesWithin(spec.periodType)}::text[])
    )`;
}

/** A ratio's value from its summed parts: null unless the denominator is positive. */
function ratioQuotient(
  metric: MetricDefinitionRow,
  numerator: RawBuilder<unknown>,
  denominator: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const factor = metric.factor ?? '1';
  return sql`CASE WHEN ${denominator} > 0
    THEN round(${numerator} * ${factor}::numeric / ${denominator}, ${sql.lit(DECIMAL_PLACES)}) END`;
}

/** The ratio columns of an aggregate of a single metric (not a ratio). */
const NO_RATIO_PARTS = sql`NULL::numeric AS numerator, NULL::text[] AS numerator_qualifiers,
  NULL::numeric AS denominator, NULL::text[] AS denominator_qualifiers,
  NULL::numeric AS children_numerator, NULL::text[] AS children_numerator_qualifiers,
  NULL::numeric AS children_denominator, NULL::text[] AS children_denominator_qualifiers,
  0 AS numerator_unpaired, 0 AS denominator_unpaired`;

/**
 * A single metric's value columns: `value` and `childrenValue` (the group's aggregate and its
 * children's, as SQL), and from the row `r` their qualifiers and the group's own reported
 * figure; no ratio parts.
 */
export function singleValueColumns(
  r: string,
  value: RawBuilder<unknown>,
  childrenValue: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const column = (name: string) => sql.ref(`${r}.${name}`);
  return sql`${value} AS value, ${column('qualifiers')} AS qualifiers,
      ${childrenValue} AS children_value, ${column('children_qualifiers')} AS children_qualifiers,
      ${column('reported')} AS reported, ${column('reported_qualifier')} AS reported_qualifier,
      ${NO_RATIO_PARTS}`;
}

/** The columns a ratio's part is read from: its sum, its children's sum, their qualifiers. */
export interface RatioPartColumns {
  value: string;
  qualifiers: string;
  childrenValue: string;
  childrenQualifiers: string;
  unpaired: string;
}

/**
 * A ratio's value columns: the quotient of its parts' sums (and of their children's), shown
 * with the parts; from the row `r`, the group's own reported figure (its stored percentage).
 */
export function ratioValueColumns(
  metric: MetricDefinitionRow,
  r: string,
  numerator: RatioPartColumns,
  denominator: RatioPartColumns,
): RawBuilder<unknown> {
  return sql`${ratioQuotient(metric, sql.ref(numerator.value), sql.ref(denominator.value))} AS value,
      NULL::text[] AS qualifiers,
      ${ratioQuotient(metric, sql.ref(numerator.childrenValue), sql.ref(denominator.childrenValue))} AS children_value,
      NULL::text[] AS children_qualifiers,
      ${sql.ref(`${r}.reported`)} AS reported, ${sql.ref(`${r}.reported_qualifier`)} AS reported_qualifier,
      ${sql.ref(numerator.value)} AS numerator, ${sql.ref(numerator.qualifiers)} AS numerator_qualifiers,
      ${sql.ref(denominator.value)} AS denominator,
      ${sql.ref(denominator.qualifiers)} AS denominator_qualifiers,
      ${sql.ref(numerator.childrenValue)} AS children_numerator,
      ${sql.ref(numerator.childrenQualifiers)} AS children_numerator_qualifiers,
      ${sql.ref(denominator.childrenValue)} AS children_denominator,
      ${sql.ref(denominator.childrenQualifiers)} AS children_denominator_qualifiers,
      coalesce(${sql.ref(numerator.unpaired)}, 0)::int AS numerator_unpaired,
      coalesce(${sql.ref(denominator.unpaired)}, 0)::int AS denominator_unpaired`;
}

/** The unit coverage columns of an aggregate that does not count them. */
const NO_UNIT_COUNTS = sql`NULL::int AS contributing, NULL::int AS covered,
  NULL::int AS unpaired, NULL::text[] AS periods_combined, NULL::text[] AS periods_missing`;

/** The expected-report columns of an aggregate that does not count them. */
const NO_EXPECTED_COUNTS = sql`NULL::int AS expected, NULL::int AS unapproved,
  NULL::int AS missing`;

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
