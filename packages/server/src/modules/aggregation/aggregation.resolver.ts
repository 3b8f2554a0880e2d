import type { GraphQLResolveInfo } from 'graphql';
import {
  Arg,
  Args,
  Ctx,
  Extensions,
  FieldResolver,
  Info,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { Context } from '../../context.js';
import type { OrganizationLevel } from '../../db/tables.js';
import { badInput } from '../../errors.js';
import { stringArg, subtreeCost } from '../../graph/complexity.js';
import { sortKeyOf } from '../../graph/keyset.js';
import { ConnectionSource, PageArgs, pageWindow } from '../../graph/pagination.js';
import { selectsField } from '../../graph/selection.js';
import { MetricDefinition } from '../metric/metric.type.js';
import { requireMetric } from '../metric/metric.reference.js';
import { requireByReference } from '../organization/organization.reference.js';
import { Organization, OrganizationLevelEnum } from '../organization/organization.type.js';
import { Period } from '../../period/period.type.js';
import { dueDate, lateDays } from '../submission/due-date.js';
import { canSeeSubmission, requireTemplate } from '../submission/submission.access.js';
import { ReportingTemplate, Submission } from '../submission/submission.type.js';
import {
  countCompleteness,
  countGroups,
  findCompletenessPage,
  findCompletenessTotals,
  findRankingPage,
  findRollupPage,
  findSeries,
  metricCodes,
  ratioParts,
  type AggregateSpec,
  type CompletenessStatus,
} from './aggregation.repository.js';
import {
  completenessOrder,
  contributionOrder,
  rankingOrder,
  rollupOrder,
} from './aggregation.order.js';
import { combineQualifiers } from './aggregation.qualifier.js';
import {
  aggregatePeriod,
  countedStatuses,
  enumeratePeriods,
  explain,
  growthReason,
  resolveWithin,
  statementFor,
} from './aggregation.service.js';
import {
  Completeness,
  CompletenessStatusEnum,
  CompletenessUnit,
  CompletenessUnitConnection,
  Contribution,
  ContributionConnection,
  Ranking,
  RankingEntry,
  RollupConnection,
  RollupRow,
  SeriesPoint,
} from './aggregation.type.js';

const INCLUDE_SUBMITTED =
  'Count figures of submitted (not yet approved) reports too; by default only approved ones count.';

@Resolver()
export class AggregationResolver {
  @Query(() => RollupConnection, {
    description:
      'A metric aggregated by its tree rule over the subtree of each federation at `groupBy` level inside `within` (the whole tree when absent), one row per unit, in tree order. One SQL statement per page whatever the number of units.',
  })
  @Extensions(subtreeCost(100, (args) => ({ within: stringArg(args.within), level: null })))
  async rollup(
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('metric', () => String) metricCode: string,
    @Arg('period', () => String) periodText: string,
    @Arg('groupBy', () => OrganizationLevelEnum) groupBy: OrganizationLevel,
    @Arg('within', () => String, { nullable: true }) within?: string | null,
    @Arg('includeSubmitted', () => Boolean, { nullable: true, description: INCLUDE_SUBMITTED })
    includeSubmitted?: boolean | null,
  ): Promise<ConnectionSource<RollupRow>> {
    const window = pageWindow(page);
    const period = aggregatePeriod(periodText);
    const [metric, range] = await Promise.all([
      requireMetric(context.loaders, metricCode),
      resolveWithin(context, within),
    ]);
    const statuses = countedStatuses(includeSubmitted);
    const spec: AggregateSpec = {
      metric,
      periods: [period.canonical],
      periodType: period.type,
      statuses,
      within: range,
      coverage: selectsField(info, 'coverage') ? 'ALL' : 'NONE',
    };
    const result = await findRollupPage(context.db, spec, groupBy, window, statementFor(groupBy));
    const contributionArgs = {
      metricCodes: metricCodes(metric),
      parts: ratioParts(metric),
      period: period.canonical,
      statuses,
      within: range,
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
      () => countGroups(context.db, range, groupBy),
    );
  }

  @Query(() => Ranking, {
    description:
      'The federations at `level` inside `within` ranked by a metric’s aggregate: ties share a rank, ratios rank by their recomputed value, shares of the total for SUM metrics.',
  })
  @Extensions(
    subtreeCost(100, (args) => ({ within: stringArg(args.within), level: stringArg(args.level) })),
  )
  async ranking(
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('metric', () => String) metricCode: string,
    @Arg('period', () => String) periodText: string,
    @Arg('level', () => OrganizationLevelEnum) level: OrganizationLevel,
    @Arg('within', () => String, { nullable: true }) within?: string | null,
    @Arg('includeSubmitted', () => Boolean, { nullable: true, description: INCLUDE_SUBMITTED })
    includeSubmitted?: boolean | null,
  ): Promise<Ranking> {
    const window = pageWindow(page);
    const period = aggregatePeriod(periodText);
    const [metric, range] = await Promise.all([
      requireMetric(context.loaders, metricCode),
      resolveWithin(context, within),
    ]);
    const spec: AggregateSpec = {
      metric,
      periods: [period.canonical],
      periodType: period.type,
      statuses: countedStatuses(includeSubmitted),
      within: range,
      coverage: selectsField(info, 'coverage') ? 'ALL' : 'NONE',
    };
    const result = await findRankingPage(context.db, spec, level, window, statementFor(level));
    const first = result.rows[0];
    const ranking = new Ranking();
    ranking.metric = new MetricDefinition(metric);
    ranking.period = new Period(period);
    ranking.total = first?.total ?? null;
    ranking.totalQualifier =
      metric.tree_aggregation === 'SUM' && first ? combineQualifiers(first.total_qualifiers) : null;
    // A page past the end has no row to read the count from; the first page has it.
    ranking.ranked = first?.ranked ?? (await countRanked(context, spec, level));
    ranking.entries = new ConnectionSource(
      result.rows.map(
        (row) => new RankingEntry(explain(metric, row, 'value'), row, row.rank, row.share),
      ),
      (entry) => sortKeyOf(rankingOrder, entry.row),
      result,
      () => countGroups(context.db, range, level),
    );
    return ranking;
  }

  @Query(() => [SeriesPoint], {
    description:
      'One unit’s aggregate (its whole subtree) for each period from `from` to `to` (same kind, at most 120), with the change from the previous period and the growth rate.',
  })
  @Extensions(subtreeCost(100, (args) => ({ within: stringArg(args.organization), level: null })))
  async series(
    @Ctx() context: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('metric', () => String) metricCode: string,
    @Arg('organization', () => String, { description: 'An organization id or division code.' })
    organization: string,
    @Arg('from', () => String) from: string,
    @Arg('to', () => String) to: string,
    @Arg('includeSubmitted', () => Boolean, { nullable: true, description: INCLUDE_SUBMITTED })
    includeSubmitted?: boolean | null,
  ): Promise<SeriesPoint[]> {
    const periods = enumeratePeriods(from, to);
    const [metric, unit] = await Promise.all([
      requireMetric(context.loaders, metricCode),
      requireByReference(context.loaders.organization, organization, 'organization'),
    ]);
    const rows = await findSeries(
      context.db,
      {
        metric,
        periods: periods.map((period) => period.canonical),
        periodType: periods[0]!.type,
        statuses: countedStatuses(includeSubmitted),
        within: null,
        coverage: selectsField(info, 'coverage') ? 'ALL' : 'NONE',
      },
      unit.id,
      statementFor(unit.level),
    );
    return rows.map((row, index) => {
      const explained = explain(metric, row, 'value');
      return new SeriesPoint(
        explained,
        row,
        new Period(periods[index]!),
        row.change,
        row.growth_rate,
        growthReason(row.value, row.previous, row.growth_rate),
      );
    });
  }

  @Query(() => Completeness, {
    description:
      'Who has reported for a template and period inside `within` (the whole tree when absent): totals by status and, per expected federation, its status, submission time and days late.',
  })
  @Extensions(subtreeCost(100, (args) => ({ within: stringArg(args.within), level: null })))
  async completeness(
    @Ctx() context: Context,
    @Arg('template', () => String, { description: 'A template code or id.' }) templateRef: string,
    @Arg('period', () => String) periodText: string,
    @Arg('within', () => String, { nullable: true }) within?: string | null,
  ): Promise<Completeness> {
    const [template, range] = await Promise.all([
      requireTemplate(context.loaders, templateRef, 'template'),
      resolveWithin(context, within),
    ]);
    const period = aggregatePeriod(periodText);
    if (period.type !== template.period_type) {
      throw badInput(
        `Template ${template.code} is reported per ${template.period_type.toLowerCase()}`,
        'period',
      );
    }
    const spec = {
      templateId: template.id,
      levels: template.submitting_levels,
      period: period.canonical,
      within: range,
    };
    const totals = await findCompletenessTotals(context.db, spec);
    const completeness = new Completeness();
    completeness.spec = spec;
    completeness.template = new ReportingTemplate(template);
    completeness.period = new Period(period);
    completeness.dueDate = dueDate(period.end, template.due_days);
    completeness.totals = {
      expected: totals.expected,
      missing: totals.not_started + totals.draft,
      draft: totals.draft,
      submitted: totals.submitted,
      returned: totals.returned,
      approved: totals.approved,
    };
    return completeness;
  }
}

async function countRanked(
  context: Context,
  spec: Parameters<typeof findRankingPage>[1],
  level: OrganizationLevel,
): Promise<number> {
  const first = await findRankingPage(
    context.db,
    { ...spec, coverage: 'NONE' },
    level,
    { limit: 1, backward: false, after: null, before: null },
    statementFor(level),
  );
  return first.rows[0]?.ranked ?? 0;
}

@Resolver(() => RollupRow)
export class RollupRowResolver {
  @FieldResolver(() => Organization)
  async organization(@Root() row: RollupRow, @Ctx() { loaders }: Context): Promise<Organization> {
    return new Organization((await loaders.organization.byId.load(row.row.organization_id))!);
  }

  @FieldResolver(() => ContributionConnection, {
    description:
      'The counted figures under this unit, by tree order and metric, and which of them its value adds; paged.',
  })
  async contributions(
    @Root() row: RollupRow,
    @Ctx() { loaders }: Context,
    @Args(() => PageArgs) page: PageArgs,
  ): Promise<ConnectionSource<Contribution>> {
    const window = pageWindow(page);
    const { groupId, args } = row.contributionSource;
    const result = await loaders.aggregation.contributionPages.load({
      id: groupId,
      args: { ...args, window },
    });
    return new ConnectionSource(
      result.rows.map((contribution) => new Contribution(contribution)),
      (contribution) => sortKeyOf(contributionOrder, contribution.row),
      result,
      () => loaders.aggregation.contributionCounts.load({ id: groupId, args }),
    );
  }
}

@Resolver(() => Contribution)
export class ContributionResolver {
  @FieldResolver(() => Organization)
  async organization(
    @Root() row: Contribution,
    @Ctx() { loaders }: Context,
  ): Promise<Organization> {
    return new Organization((await loaders.organization.byId.load(row.row.organization_id))!);
  }
}

@Resolver(() => RankingEntry)
export class RankingEntryResolver {
  @FieldResolver(() => Organization)
  async organization(
    @Root() row: RankingEntry,
    @Ctx() { loaders }: Context,
  ): Promise<Organization> {
    return new Organization((await loaders.organization.byId.load(row.row.organization_id))!);
  }
}

@Resolver(() => Completeness)
export class CompletenessResolver {
  @FieldResolver(() => CompletenessUnitConnection, {
    description: 'The expected federations in tree order, optionally only those in some statuses.',
  })
  async units(
    @Root() completeness: Completeness,
    @Ctx() { db }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('status', () => [CompletenessStatusEnum], { nullable: true })
    status?: CompletenessStatus[] | null,
  ): Promise<ConnectionSource<CompletenessUnit>> {
    const window = pageWindow(page);
    const statuses = status?.length ? status : null;
    const result = await findCompletenessPage(db, completeness.spec, statuses, window);
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
}

@Resolver(() => CompletenessUnit)
export class CompletenessUnitResolver {
  @FieldResolver(() => Organization)
  async organization(
    @Root() unit: CompletenessUnit,
    @Ctx() { loaders }: Context,
  ): Promise<Organization> {
    return new Organization((await loaders.organization.byId.load(unit.row.organization_id))!);
  }

  @FieldResolver(() => Submission, {
    nullable: true,
    description:
      'The report, when there is one and you may read it (drafts and returned reports are internal).',
  })
  async submission(
    @Root() unit: CompletenessUnit,
    @Ctx() { loaders, viewer }: Context,
  ): Promise<Submission | null> {
    if (unit.row.submission_id === null) return null;
    const row = await loaders.submission.byId.load(unit.row.submission_id);
    return row && canSeeSubmission(viewer, row) ? new Submission(row) : null;
  }
}
