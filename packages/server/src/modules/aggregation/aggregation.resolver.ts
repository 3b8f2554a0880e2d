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
import { boundedList, stringArg, subtreeCost } from '../../graph/complexity.js';
import { sortKeyOf } from '../../graph/keyset.js';
import { ConnectionSource, PageArgs, pageWindow } from '../../graph/pagination.js';
import { selectsField } from '../../graph/selection.js';
import { Organization, OrganizationLevelEnum } from '../organization/organization.type.js';
import { canSeeSubmission } from '../submission/submission.access.js';
import { Submission } from '../submission/submission.type.js';
import { contributionOrder } from './aggregation.order.js';
import type { CompletenessStatus } from './aggregation.completeness-statement.js';
import {
  completenessOf,
  completenessTotals,
  completenessUnits,
  rankingOf,
  rollupConnection,
  seriesOf,
} from './aggregation.service.js';
import {
  Completeness,
  CompletenessStatusEnum,
  CompletenessTotals,
  CompletenessUnit,
  CompletenessUnitConnection,
} from './aggregation.completeness.type.js';
import {
  Contribution,
  ContributionConnection,
  Coverage,
  Ranking,
  RankingEntry,
  RollupConnection,
  RollupRow,
  SeriesPoint,
} from './aggregation.type.js';

const AGGREGATE_PERIOD =
  'A year (2020), quarter (2020Q1), month (2020-05) or a span of them (2018/2022, 2020Q1/2020Q2). Each unit’s reports for finer periods inside it are combined by the metric’s time aggregation (SUM, LAST, AVERAGE); its report for the period itself beats them.';

const INCLUDE_SUBMITTED =
  'Count figures of submitted (not yet approved) reports too; by default only approved ones count.';

/** A roll-up row's fields that the stored totals do not keep (AggregateSpec.breakdown). */
const BREAKDOWN_FIELDS = [
  'reported',
  'reportedQualifier',
  'sumOfChildren',
  'sumOfChildrenQualifier',
];

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
    @Arg('period', () => String, { description: AGGREGATE_PERIOD }) periodText: string,
    @Arg('groupBy', () => OrganizationLevelEnum) groupBy: OrganizationLevel,
    @Arg('within', () => String, { nullable: true }) within?: string | null,
    @Arg('includeSubmitted', () => Boolean, { nullable: true, description: INCLUDE_SUBMITTED })
    includeSubmitted?: boolean | null,
  ): Promise<ConnectionSource<RollupRow>> {
    return rollupConnection(context, {
      metric: metricCode,
      period: periodText,
      within,
      includeSubmitted,
      coverage: selectsField(info, 'coverage'),
      breakdown: BREAKDOWN_FIELDS.some((field) => selectsField(info, field)),
      groupBy,
      window: pageWindow(page),
    });
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
    @Arg('period', () => String, { description: AGGREGATE_PERIOD }) periodText: string,
    @Arg('level', () => OrganizationLevelEnum) level: OrganizationLevel,
    @Arg('within', () => String, { nullable: true }) within?: string | null,
    @Arg('includeSubmitted', () => Boolean, { nullable: true, description: INCLUDE_SUBMITTED })
    includeSubmitted?: boolean | null,
  ): Promise<Ranking> {
    return rankingOf(context, {
      metric: metricCode,
      period: periodText,
      within,
      includeSubmitted,
      coverage: selectsField(info, 'coverage'),
      // A ranking entry shows neither its unit's own figure nor its children's aggregate.
      breakdown: false,
      level,
      window: pageWindow(page),
    });
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
    return seriesOf(context, {
      metric: metricCode,
      organization,
      from,
      to,
      includeSubmitted,
      coverage: selectsField(info, 'coverage'),
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
    return completenessOf(context, { template: templateRef, period: periodText, within });
  }
}

@Resolver(() => Coverage)
export class CoverageResolver {
  @FieldResolver(() => [Organization], {
    description:
      'For a series: the closed units that the unit succeeded (transitively) whose subtrees’ figures of this period count as its own, since they existed in it; empty when none, and always for roll-ups and rankings.',
    complexity: boundedList(3),
  })
  async mappedFrom(
    @Root() coverage: Coverage,
    @Ctx() { loaders }: Context,
  ): Promise<Organization[]> {
    const rows = await loaders.organization.byId.loadMany(coverage.mappedFromIds);
    return rows.flatMap((row) => (row && !(row instanceof Error) ? [new Organization(row)] : []));
  }
}

@Resolver(() => RollupRow)
export class RollupRowResolver {
  @FieldResolver(() => Organization)
  async organization(@Root() row: RollupRow, @Ctx() { loaders }: Context): Promise<Organization> {
    return new Organization(await loaders.organization.required.load(row.row.organization_id));
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
    return new Organization(await loaders.organization.required.load(row.row.organization_id));
  }
}

@Resolver(() => RankingEntry)
export class RankingEntryResolver {
  @FieldResolver(() => Organization)
  async organization(
    @Root() row: RankingEntry,
    @Ctx() { loaders }: Context,
  ): Promise<Organization> {
    return new Organization(await loaders.organization.required.load(row.row.organization_id));
  }
}

@Resolver(() => Completeness)
export class CompletenessResolver {
  @FieldResolver(() => CompletenessTotals)
  async totals(@Root() completeness: Completeness): Promise<CompletenessTotals> {
    return completenessTotals(completeness);
  }

  @FieldResolver(() => CompletenessUnitConnection, {
    description: 'The expected federations in tree order, optionally only those in some statuses.',
  })
  async units(
    @Root() completeness: Completeness,
    @Ctx() context: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('status', () => [CompletenessStatusEnum], { nullable: true })
    status?: CompletenessStatus[] | null,
  ): Promise<ConnectionSource<CompletenessUnit>> {
    const statuses = status?.length ? status : null;
    return completenessUnits(context, completeness, statuses, pageWindow(page));
  }
}

@Resolver(() => CompletenessUnit)
export class CompletenessUnitResolver {
  @FieldResolver(() => Organization)
  async organization(
    @Root() unit: CompletenessUnit,
    @Ctx() { loaders }: Context,
  ): Promise<Organization> {
    return new Organization(await loaders.organization.required.load(unit.row.organization_id));
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
