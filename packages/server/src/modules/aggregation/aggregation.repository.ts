import { sql, type Kysely, type RawBuilder } from 'kysely';
import { keptPlan } from '../../db/kept-plan.js';
import { pathInSubtree } from '../../db/path.js';
import { existedDuring } from '../../db/validity.js';
import type {
  Database,
  MetricScope,
  OrganizationLevel,
  OrganizationRow,
  Qualifier,
  SubmissionStatus,
} from '../../db/tables.js';
import { keyset } from '../../graph/keyset.js';
import { countPerKey, pagePerKey } from '../../graph/page-query.js';
import { toPage, type Page, type PageWindow } from '../../graph/pagination.js';
import { parsePeriod, type Period } from '../../period/period.js';
import { organizationRowColumns } from '../organization/organization.repository.js';
import { contributionOrder, rankingOrder } from './aggregation.order.js';
import { figureCoverCtes, partnerDepth } from './aggregation.figures-statement.js';
import { periodParts } from './aggregation.period.js';
import { timeResolvedFigureCtes } from './aggregation.time-statement.js';
import {
  DECIMAL_PLACES,
  type AggregateRow,
  type AggregateSpec,
  type AggregateStatement,
  type MappedRoot,
  type PathRange,
  type RatioParts,
} from './aggregation.spec.js';
import { levelGroupCondition } from './aggregation.statement.js';

/** A group's aggregate with its organization's row, which primes the organization loader. */
export type GroupAggregateRow = AggregateRow & OrganizationRow;

/**
 * One page of rolled-up rows: the federations at a level inside a subtree, by path, each with
 * its organization's row, so that the rows' organizations cost no statement of their own.
 */
export async function findRollupPage(
  db: Kysely<Database>,
  spec: AggregateSpec,
  level: OrganizationLevel,
  window: PageWindow,
  statement: AggregateStatement,
): Promise<Page<GroupAggregateRow>> {
  const result = await keptPlan(sql<GroupAggregateRow>`
    WITH unit_aggregate AS (${statement(spec, { kind: 'level', level, window })})
    SELECT ${organizationRowColumns('o')}, a.* FROM unit_aggregate a
    JOIN organization o ON o.id = a.organization_id
    ORDER BY a.path`).execute(db);
  // The statement answers its groups in tree order (one row each: a roll-up has one period);
  // a backward page picked the last of them, which toPage expects from the end.
  return toPage(window.backward ? result.rows.reverse() : result.rows, window);
}

/** How many groups a roll-up or ranking at a level has: its statement's groups, counted. */
export async function countGroups(
  db: Kysely<Database>,
  spec: AggregateSpec,
  level: OrganizationLevel,
): Promise<number> {
  const result = await sql<{ count: number }>`
    SELECT count(*) AS count FROM organization o
    WHERE ${levelGroupCondition(spec, level)}`.execute(db);
  return result.rows[0]?.count ?? 0;
}

export interface RankedRow extends GroupAggregateRow {
  position: number;
  rank: number | null;
  share: string | null;
}

/** What a ranking says of all its units, whichever page is read. */
export interface RankingSummary {
  /** How many units have a value, and so a rank. */
  ranked: number;
  /** For SUM metrics: the sum over the ranked units, and its figures' qualifiers. */
  total: string | null;
  totalQualifiers: Qualifier[] | null;
}

/**
 * Ranks the federations at a level by the metric's aggregate, in one statement: competition
 * ranks with ties (1, 2, 2, 4), units without a value unranked at the end, each unit's share
 * of the total for SUM metrics, each with its organization's row. Ratios are ranked by their
 * recomputed, rounded value. The summary comes in the same statement, so a page past the end
 * (no row) still has it: it is the only row then, with no unit.
 */
export async function findRankingPage(
  db: Kysely<Database>,
  spec: AggregateSpec,
  level: OrganizationLevel,
  window: PageWindow,
  statement: AggregateStatement,
): Promise<{ page: Page<RankedRow>; summary: RankingSummary }> {
  const page = keyset(rankingOrder, window);
  const summable = spec.metric.tree_aggregation === 'SUM';
  // Kept like the roll-up page's: planned each time, it spent ~1 ms planning for ~2 ms of work.
  const result = await keptPlan(sql<RankedRow & SummaryColumns>`
    WITH unit_aggregate AS (${statement(spec, { kind: 'level', level, window: null })}),
    ranked AS (
      SELECT unit_aggregate.*,
        row_number() OVER (ORDER BY value DESC NULLS LAST, path)::int AS position,
        CASE WHEN value IS NOT NULL THEN (rank() OVER (ORDER BY value DESC NULLS LAST))::int END AS rank,
        ${
          summable
            ? sql`CASE WHEN sum(value) OVER () > 0
                THEN round(value * 100 / sum(value) OVER (), ${sql.lit(DECIMAL_PLACES)}) END`
            : sql`NULL::numeric`
        } AS share
      FROM unit_aggregate
    ),
    ranking_page AS (
      SELECT * FROM ranked WHERE true ${page.where} ${page.orderBy} ${page.limit}
    ),
    ranking_summary AS (
      SELECT count(value)::int AS ranked_units,
        ${summable ? sql`sum(value)` : sql`NULL::numeric`} AS ranked_total,
        ${
          summable
            ? sql`(SELECT array_agg(DISTINCT q) FROM unit_aggregate, unnest(unit_aggregate.qualifiers) AS q)`
            : sql`NULL::text[]`
        } AS ranked_total_qualifiers
      FROM unit_aggregate
    )
    SELECT ${organizationRowColumns('o')}, r.*, s.* FROM ranking_summary s
    LEFT JOIN (ranking_page r JOIN organization o ON o.id = r.organization_id) ON true
    ${page.orderBy}`).execute(db);
  const [first] = result.rows;
  const summary: RankingSummary = {
    ranked: first?.ranked_units ?? 0,
    total: first?.ranked_total ?? null,
    totalQualifiers: first?.ranked_total_qualifiers ?? null,
  };
  const rows = result.rows.filter((row) => row.organization_id !== null);
  return { page: toPage(rows, window), summary };
}

/** The summary's columns on each row of findRankingPage's statement. */
interface SummaryColumns {
  ranked_units: number;
  ranked_total: string | null;
  ranked_total_qualifiers: Qualifier[] | null;
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
  aggregate: RawBuilder<AggregateRow>,
): Promise<SeriesRow[]> {
  const result = await sql<SeriesRow>`
    WITH unit_aggregate AS (${aggregate}),
    ordered AS (
      SELECT unit_aggregate.*, lag(value) OVER (ORDER BY array_position(${spec.periods}::text[], period)) AS previous
      FROM unit_aggregate
    )
    SELECT ordered.*, value - previous AS change,
      CASE WHEN previous > 0 THEN round((value - previous) * 100 / previous, ${sql.lit(DECIMAL_PLACES)}) END
        AS growth_rate
    FROM ordered
    ORDER BY array_position(${spec.periods}::text[], period)`.execute(db);
  return result.rows;
}

/**
 * The closed units whose figures a series of `unit` maps to it, per period: its predecessors
 * (the units it succeeded, and theirs, transitively), each for the periods it existed in. A
 * predecessor whose subtree overlaps the unit's (it lies inside it, or holds it) is left out,
 * and so is one inside another predecessor mapped for the same period, so that no figure is
 * counted twice.
 */
export async function findMappedRoots(
  db: Kysely<Database>,
  unit: { id: number; path: string },
  periods: readonly Period[],
): Promise<MappedRoot[]> {
  const result = await sql<MappedRoot>`
    WITH RECURSIVE predecessor AS (
      SELECT o.id, o.path, o.valid_from, o.valid_to FROM organization o
      WHERE o.successor_id = ${unit.id}
      UNION
      SELECT o.id, o.path, o.valid_from, o.valid_to FROM organization o
      JOIN predecessor s ON o.successor_id = s.id
    ),
    mapped AS (
      SELECT o.id, o.path, p.period, p.ord
      FROM predecessor o
      JOIN unnest(${periods.map((p) => p.canonical)}::text[],
        ${periods.map((p) => p.start)}::date[], ${periods.map((p) => p.end)}::date[])
        WITH ORDINALITY AS p(period, period_start, period_end, ord)
        ON ${existedDuring('o', sql`p.period_start`, sql`p.period_end`)}
      WHERE NOT ${pathInSubtree('o.path', { path: unit.path })}
        AND NOT starts_with(${unit.path}::text, o.path)
    )
    SELECT m.id, m.path, m.period FROM mapped m
    WHERE NOT EXISTS (
      SELECT FROM mapped outer_root WHERE outer_root.period = m.period
        AND ${pathInSubtree('m.path', { column: 'outer_root.path' }, { below: true })})
    ORDER BY m.ord, m.path`.execute(db);
  return result.rows;
}

/** One figure that entered (or, covered by a subtree figure above it, did not enter) a roll-up. */
export interface ContributionRow {
  organization_id: number;
  path: string;
  metric_code: string;
  /** The figure's own period: the asked one, or a period inside it that it was combined from. */
  period: string;
  value: string;
  qualifier: Qualifier;
  scope: MetricScope;
  status: SubmissionStatus;
  submission_id: number;
  /**
   * Whether the figure is part of the group's value (false: covered by a SUBTREE figure, a
   * ratio's part without its partner, or beaten by its unit's figure for an enclosing period).
   */
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
 * One page of the counted figures under each group unit, by path, metric and period, in one
 * statement: the figures of the asked period and of the periods inside it that a unit's
 * figure was combined from (timeResolvedFigureCtes). `counted` tells which of them the group's
 * value adds: the rest are covered by a SUBTREE figure at or above them inside the group, are a
 * ratio's part without its partner, are a stored percentage, or are beaten by their unit's
 * figure for an enclosing period (its year figure beats its quarters).
 */
export async function findContributionPages(
  db: Kysely<Database>,
  groupIds: readonly number[],
  args: ContributionArgs,
  window: PageWindow,
): Promise<Map<number, Page<ContributionRow>>> {
  const partner = partnerDepth(args.parts);
  const selection = {
    codes: args.metricCodes,
    periods: [args.period],
    statuses: args.statuses,
    within: args.within,
  };
  // The figures and what covers them are computed once for all groups; each group's page
  // then reads those inside its subtree.
  const countedFigures = sql`
    WITH ${timeResolvedFigureCtes(selection)},
    ${figureCoverCtes},
    counted_figure AS (
      SELECT f.*, ${partner.depth} AS partner_depth
      FROM figure_cover f WHERE f.included ${partner.window}
    ),
    listed_figure AS MATERIALIZED (
      SELECT k.organization_id, k.organization_path AS path, k.metric_code, k.period, k.value,
        k.qualifier, k.scope, k.status, v.submission_id, k.aggregatable,
        k.kept AND c.aggregatable AS enters, c.depth, c.cover_depth, c.partner_depth
      FROM counted_period_figure k
      JOIN counted_figure c ON c.organization_id = k.organization_id
        AND c.metric_code = k.metric_code
      JOIN metric_value v ON v.metric_code = k.metric_code AND v.period = k.period
        AND v.organization_id = k.organization_id AND v.submission_id IS NOT NULL
    )`;
  const figuresOfGroup = sql`
    SELECT v.organization_id, v.path, v.metric_code, v.period, v.value, v.qualifier, v.scope,
      v.status, v.submission_id, v.aggregatable,
      (v.enters AND v.cover_depth < k.depth
        AND coalesce(v.partner_depth < k.depth, false)) AS counted
    FROM listed_figure v
    WHERE ${pathInSubtree('v.path', { column: 'k.path' })}`;
  return pagePerKey(
    db,
    { ids: groupIds, keyTable: 'organization' },
    contributionOrder,
    window,
    figuresOfGroup,
    { withClause: countedFigures },
  );
}

export async function countContributions(
  db: Kysely<Database>,
  groupIds: readonly number[],
  args: ContributionArgs,
): Promise<Map<number, number>> {
  const periods = periodParts(parsePeriod(args.period)).map((part) => part.period);
  const figuresOfGroup = sql`
    SELECT 1 FROM metric_value v
    WHERE v.submission_id IS NOT NULL AND v.submission_status = ANY(${args.statuses}::text[])
      AND v.metric_code = ANY(${args.metricCodes}::text[])
      AND v.period = ANY(${periods}::text[])
      AND ${pathInSubtree('v.organization_path', { column: 'k.path' })}`;
  return countPerKey(db, { ids: groupIds, keyTable: 'organization' }, figuresOfGroup);
}
