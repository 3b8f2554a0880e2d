import DataLoader from 'dataloader';
import type { Context } from '../../context.js';
import type { OrganizationLevel, ReportingTemplateRow, SubmissionStatus } from '../../db/tables.js';
import { badInput } from '../../errors.js';
import { sortKeyOf } from '../../graph/keyset.js';
import { ConnectionSource, type Page, type PageWindow } from '../../graph/pagination.js';
import { MetricDefinition } from '../metric/metric.type.js';
import { noSuchMetric, requireMetric } from '../metric/metric.reference.js';
import { findDefinitionWithPath, type ReportedMetric } from '../metric/metric.repository.js';
import {
  keyOfReference,
  organizationNotFound,
  requireByReference,
} from '../organization/organization.reference.js';
import { pathOf } from '../organization/organization.repository.js';
import type { Period as ParsedPeriod } from '../../period/period.js';
import { Period } from '../../period/period.type.js';
import { dueDate, lateDays } from '../submission/due-date.js';
import {
  requireTemplate,
  templateKeyOf,
  templateNotFound,
} from '../submission/submission.access.js';
import { ReportingTemplate } from '../submission/submission.type.js';
import { aggregateQuery } from './aggregation.figures-statement.js';
import { explain, growthReason } from './aggregation.explain.js';
import { completenessOrder, rankingOrder, rollupOrder } from './aggregation.order.js';
import { aggregatePeriod, enumeratePeriods } from './aggregation.period.js';
import { combineQualifiers } from './aggregation.qualifier.js';
import {
  countCompleteness,
  findCompletenessParts,
  findCompletenessScope,
  type CompletenessPageRequest,
  type CompletenessRow,
  type CompletenessSpec,
  type CompletenessStatus,
  type CompletenessTotals as CompletenessCounts,
} from './aggregation.completeness-statement.js';
import {
  countGroups,
  findMappedRoots,
  findRankingPage,
  findRollupPage,
  findSeries,
} from './aggregation.repository.js';
import {
  metricCodes,
  ratioParts,
  type AggregateSpec,
  type AggregateStatement,
  type CoverageCounts,
  type PathRange,
} from './aggregation.spec.js';
import { totalsHold } from './aggregation.totals.js';
import { totalsQuery } from './aggregation.totals-statement.js';
import {
  Completeness,
  CompletenessTotals,
  CompletenessUnit,
} from './aggregation.completeness.type.js';
import { Ranking, RankingEntry, RollupRow, SeriesPoint } from './aggregation.type.js';

/** What an aggregate query asks, as the resolvers read it from the arguments. */
interface AggregateArgs {
  metric: string;
  period: string;
  within: string | null | undefined;
  includeSubmitted: boolean | null | undefined;
  /** Whether the coverage is selected: it costs a pass over the expected units. */
  coverage: boolean;
  /**
   * Whether the group's own reported figure or its children's aggregate is selected: the
   * stored totals do not keep them (AggregateSpec.breakdown).
   */
  breakdown: boolean;
}

/**
 * The statement that answers aggregates of groups at `level` for periods of `periodType`: the
 * maintained totals, but for the national root, whose total is not kept (nor are the
 * provinces' it would read; see migration 0007), and for periods the totals do not hold
 * (totalsHold): those are computed from the figures.
 */
export function statementFor(level: OrganizationLevel, spec: AggregateSpec): AggregateStatement {
  return level !== 'NATIONAL' && totalsHold(spec) ? totalsQuery : aggregateQuery;
}

/** Approved figures only, unless the caller asks for submitted ones too. */
export function countedStatuses(includeSubmitted: boolean | null | undefined): SubmissionStatus[] {
  return includeSubmitted ? ['APPROVED', 'SUBMITTED'] : ['APPROVED'];
}

function coverageOf(selected: boolean): CoverageCounts {
  return selected ? 'ALL' : 'NONE';
}

/**
 * The spec of a one-period aggregate inside `within`, with the period it was asked for. The
 * metric and the `within` unit are looked up together, in one statement. (Named inside the
 * aggregate's statement instead, the unit's subtree size was unknown to the planner, which
 * counted the expected reports once per group and group: docs/performance.md.)
 */
async function aggregateSpec(
  context: Context,
  args: AggregateArgs,
): Promise<{ spec: AggregateSpec; period: ParsedPeriod }> {
  const parsed = aggregatePeriod(args.period);
  const { metric, within } = await aggregateScope(context, args);
  const spec: AggregateSpec = {
    metric,
    periods: [parsed.canonical],
    periodType: parsed.type,
    reportedPer: metric.reported_per,
    statuses: countedStatuses(args.includeSubmitted),
    within,
    coverage: coverageOf(args.coverage),
    breakdown: args.breakdown,
  };
  return { spec, period: parsed };
}

/** The metric and the `within` unit's subtree; NOT_FOUND naming the argument for either. */
async function aggregateScope(
  { db, loaders }: Context,
  args: AggregateArgs,
): Promise<{ metric: ReportedMetric; within: PathRange | null }> {
  if (!args.within) return { metric: await requireMetric(loaders, args.metric), within: null };
  const found = await findDefinitionWithPath(
    db,
    args.metric,
    pathOf(keyOfReference(args.within, 'within')),
  );
  if (!found) throw noSuchMetric(args.metric);
  if (found.path === null) throw organizationNotFound(args.within, 'within');
  loaders.metric.definitionByCode.prime(args.metric, found.definition);
  return { metric: found.definition, within: { path: found.path } };
}

/** One page of a roll-up: the federations at `groupBy` inside `within`, with their aggregates. */
export async function rollupConnection(
  context: Context,
  args: AggregateArgs & { groupBy: OrganizationLevel; window: PageWindow },
): Promise<ConnectionSource<RollupRow>> {
  const { spec, period } = await aggregateSpec(context, args);
  const { metric } = spec;
  const statement = statementFor(args.groupBy, spec);
  const result = await findRollupPage(context.db, spec, args.groupBy, args.window, statement);
  context.loaders.organization.prime(result.rows);
  const contributionArgs = {
    metricCodes: metricCodes(metric),
    parts: ratioParts(metric),
    period: period.canonical,
    statuses: spec.statuses,
    within: spec.within,
  };
  return new ConnectionSource(
    result.rows.map(
      (row) =>
        new RollupRow(
          explain(metric, row, 'value'),
          explain(metric, row, 'children'),
          row,
          new Period(period),
          contributionArgs,
        ),
    ),
    (row) => sortKeyOf(rollupOrder, row.row),
    result,
    () => countGroups(context.db, spec, args.groupBy),
  );
}

/**
 * The federations at `level` inside `within` ranked by the aggregate, one page of them, with
 * the count and total of the ranked units, in one statement.
 */
export async function rankingOf(
  context: Context,
  args: AggregateArgs & { level: OrganizationLevel; window: PageWindow },
): Promise<Ranking> {
  const { spec, period } = await aggregateSpec(context, args);
  const { metric } = spec;
  const statement = statementFor(args.level, spec);
  const { page, summary } = await findRankingPage(
    context.db,
    spec,
    args.level,
    args.window,
    statement,
  );
  context.loaders.organization.prime(page.rows);
  const ranking = new Ranking();
  ranking.metric = new MetricDefinition(metric);
  ranking.period = new Period(period);
  ranking.total = summary.total;
  ranking.totalQualifier =
    metric.tree_aggregation === 'SUM' && summary.total !== null
      ? combineQualifiers(summary.totalQualifiers)
      : null;
  ranking.ranked = summary.ranked;
  ranking.entries = new ConnectionSource(
    page.rows.map(
      (row) => new RankingEntry(explain(metric, row, 'value'), row, row.rank, row.share),
    ),
    (entry) => sortKeyOf(rankingOrder, entry.row),
    page,
    () => countGroups(context.db, spec, args.level),
  );
  return ranking;
}

/** One unit's aggregate for each period from `from` to `to`, with change and growth rate. */
export async function seriesOf(
  context: Context,
  args: Omit<AggregateArgs, 'period' | 'within' | 'breakdown'> & {
    organization: string;
    from: string;
    to: string;
  },
): Promise<SeriesPoint[]> {
  const periods = enumeratePeriods(args.from, args.to);
  const [metric, unit] = await Promise.all([
    requireMetric(context.loaders, args.metric),
    requireByReference(context.loaders.organization, args.organization, 'organization'),
  ]);
  const spec: AggregateSpec = {
    metric,
    periods: periods.map((period) => period.canonical),
    periodType: periods[0]!.type,
    reportedPer: metric.reported_per,
    statuses: countedStatuses(args.includeSubmitted),
    within: null,
    coverage: coverageOf(args.coverage),
    // A series point shows neither the unit's own figure nor its children's aggregate.
    breakdown: false,
  };
  // A unit that took over closed ones reads their figures for the periods they existed in.
  const roots = await findMappedRoots(context.db, unit, periods);
  const aggregate =
    roots.length > 0
      ? aggregateQuery(spec, { kind: 'mapped', unit, roots })
      : statementFor(unit.level, spec)(spec, { kind: 'ids', ids: [unit.id] });
  const rows = await findSeries(context.db, spec, aggregate);
  return rows.map((row, index) => {
    const period = periods[index]!;
    const mappedFrom = roots
      .filter((root) => root.period === period.canonical)
      .map((root) => root.id);
    return new SeriesPoint(
      explain(metric, row, 'value'),
      row,
      new Period(period),
      row.change,
      row.growth_rate,
      growthReason(row.value, row.previous, row.growth_rate),
      mappedFrom,
    );
  });
}

/** Who has reported for a template and period inside `within`: the totals by status. */
export async function completenessOf(
  context: Context,
  args: { template: string; period: string; within: string | null | undefined },
): Promise<Completeness> {
  const { template, within } = await completenessScope(context, args);
  const period = aggregatePeriod(args.period);
  if (period.type !== template.period_type) {
    throw badInput(
      `Template ${template.code} is reported per ${template.period_type.toLowerCase()}`,
      'period',
    );
  }
  const spec = {
    templateId: template.id,
    levels: template.submitting_levels,
    period,
    within,
  };
  const completeness = new Completeness();
  completeness.spec = spec;
  completeness.parts = completenessParts(context.db, spec);
  completeness.template = new ReportingTemplate(template);
  completeness.period = new Period(period);
  completeness.dueDate = dueDate(period.end, template.due_days);
  return completeness;
}

/**
 * The template a completeness is read for and the unit it is read within, looked up together
 * in one statement; NOT_FOUND naming the argument when either names nothing.
 */
async function completenessScope(
  { db, loaders }: Context,
  args: { template: string; within: string | null | undefined },
): Promise<{ template: ReportingTemplateRow; within: PathRange | null }> {
  if (!args.within) {
    return { template: await requireTemplate(loaders, args.template, 'template'), within: null };
  }
  const withinKey = keyOfReference(args.within, 'within');
  const found = await findCompletenessScope(db, templateKeyOf(args.template), withinKey);
  if (!found) throw templateNotFound(args.template, 'template');
  if (found.withinPath === null) throw organizationNotFound(args.within, 'within');
  loaders.submission.templateById.prime(found.template.id, found.template);
  return { template: found.template, within: { path: found.withinPath } };
}

/** What a completeness's fields ask of the database: its counts, or a page of its units. */
export type CompletenessPart = { kind: 'totals' } | ({ kind: 'page' } & CompletenessPageRequest);

/**
 * Gathers what the fields of one completeness ask in the same tick (its counts and its units'
 * page are siblings) into one statement, which reads the expected units once.
 */
function completenessParts(
  db: Context['db'],
  spec: CompletenessSpec,
): DataLoader<CompletenessPart, CompletenessCounts | Page<CompletenessRow>> {
  return new DataLoader(
    async (parts) => {
      const pages = parts.filter((part) => part.kind === 'page');
      const found = await findCompletenessParts(
        db,
        spec,
        parts.some((part) => part.kind === 'totals'),
        pages,
      );
      return parts.map((part) =>
        part.kind === 'totals' ? found.totals! : found.pages[pages.indexOf(part)]!,
      );
    },
    { cache: false },
  );
}

/** The counts by status of the units a completeness expects. */
export async function completenessTotals(completeness: Completeness): Promise<CompletenessTotals> {
  const counts = (await completeness.parts.load({ kind: 'totals' })) as CompletenessCounts;
  const totals = new CompletenessTotals();
  totals.expected = counts.expected;
  totals.missing = counts.not_started + counts.draft;
  totals.draft = counts.draft;
  totals.submitted = counts.submitted;
  totals.returned = counts.returned;
  totals.approved = counts.approved;
  return totals;
}

/** One page of the units a completeness expects, optionally only those in some statuses. */
export async function completenessUnits(
  { db, loaders }: Context,
  completeness: Completeness,
  statuses: readonly CompletenessStatus[] | null,
  window: PageWindow,
): Promise<ConnectionSource<CompletenessUnit>> {
  const result = (await completeness.parts.load({
    kind: 'page',
    statuses,
    window,
  })) as Page<CompletenessRow>;
  // Each row is its organization's row too: the units' organization fields need no statement.
  loaders.organization.prime(result.rows);
  const now = new Date();
  return new ConnectionSource(
    result.rows.map((row) => {
      const submitted =
        row.status === 'NOT_STARTED' || row.status === 'DRAFT' ? null : row.submitted_at;
      return new CompletenessUnit(row, lateDays(completeness.dueDate, submitted, now));
    }),
    (unit) => sortKeyOf(completenessOrder, unit.row),
    result,
    () => countCompleteness(db, completeness.spec, statuses),
  );
}
