import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, Info, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import type { MetricScope } from '../../db/tables.js';
import { boundedList } from '../../graph/complexity.js';
import { sortKeyOf } from '../../graph/keyset.js';
import { fieldsSelectedAt } from '../../graph/selection.js';
import { ConnectionSource, PageArgs, pageWindow } from '../../graph/pagination.js';
import { ActivityFilter, ActivityOrder, activityOrder } from '../activity/activity.input.js';
import { activityQuery } from '../activity/activity.query.js';
import { unitActivities } from '../activity/activity.connection.js';
import { Activity, ActivityConnection } from '../activity/activity.type.js';
import { Honor } from '../honor/honor.type.js';
import { LiaisonAssignment } from '../liaison/liaison.type.js';
import { MetricValueOrder, valueOrder } from '../metric/metric.input.js';
import { valuePageRequest, type ValuePageArgs } from '../metric/metric.loaders.js';
import { noSuchMetric } from '../metric/metric.reference.js';
import { valueOrdering, type MetricValueFilter } from '../metric/metric.repository.js';
import {
  figureColumnsOf,
  MetricScopeEnum,
  MetricValue,
  MetricValueConnection,
} from '../metric/metric.type.js';
import { parsePeriod } from '../../period/period.js';
import { Programme } from '../programme/programme.type.js';
import { WorkPlan } from '../work-plan/work-plan.type.js';
import { Organization } from './organization.type.js';

/** What a unit did and reported: its activities, figures, programmes, honours and plans. */
@Resolver(() => Organization)
export class OrganizationContentResolver {
  @FieldResolver(() => ActivityConnection, {
    description:
      'Activities the unit organized or co-organized, in load order unless orderBy says otherwise.',
  })
  async activities(
    @Root() organization: Organization,
    @Ctx() { loaders }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => ActivityFilter, { nullable: true }) filter?: ActivityFilter | null,
    @Arg('orderBy', () => ActivityOrder, {
      nullable: true,
      description: 'The order; load order unless given.',
    })
    orderBy?: ActivityOrder | null,
  ): Promise<ConnectionSource<Activity>> {
    const query = activityQuery(filter);
    const order = activityOrder(orderBy);
    return unitActivities(loaders, organization.row.id, query, order, pageWindow(page));
  }

  @FieldResolver(() => MetricValueConnection, {
    description:
      "The unit's figures, by metric and period unless orderBy says otherwise. `period` keeps the figures whose period lies inside it (2020 keeps 2020 and 2020-07, not 2019/2021); `scope` keeps the unit's own work (SELF) or its whole-subtree totals (SUBTREE).",
  })
  async metricValues(
    @Root() organization: Organization,
    @Ctx() { loaders }: Context,
    @Info() info: GraphQLResolveInfo,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('metric', () => String, { nullable: true, description: 'A metric code.' })
    metric?: string | null,
    @Arg('period', () => String, { nullable: true }) period?: string | null,
    @Arg('scope', () => MetricScopeEnum, { nullable: true }) scope?: MetricScope | null,
    @Arg('orderBy', () => MetricValueOrder, {
      nullable: true,
      description: 'The order; by metric, then period, unless given.',
    })
    orderBy?: MetricValueOrder | null,
  ): Promise<ConnectionSource<MetricValue>> {
    // Every unit of a list asks the same: its arguments and the columns its nodes' fields read
    // are worked out once per field and request.
    const requests = loaders.metric.valuePageRequests;
    const request =
      requests.get(info) ??
      requests.set(
        info,
        valuePageRequest(
          valuePageArgs(page, metric, period, scope, orderBy),
          figureColumnsOf(fieldsSelectedAt(info, ['edges', 'node'])),
        ),
      );
    const id = organization.row.id;
    const { filter, order } = request.args;
    const result = await loaders.metric.valuePages.load({ id, ...request });
    // The figures' statement says whether the metric exists (findValuePagesByMetric).
    if (result === null) throw noSuchMetric(metric!);
    return new ConnectionSource(
      result.rows.map((row) => new MetricValue(row)),
      (value) => sortKeyOf(valueOrdering(order), value.row),
      result,
      () => loaders.metric.valueCounts.load({ id, args: filter }),
    );
  }

  @FieldResolver(() => [Programme], { description: 'Programmes and brands the unit runs.' })
  async programmes(
    @Root() organization: Organization,
    @Ctx() { loaders }: Context,
  ): Promise<Programme[]> {
    const rows = await loaders.programme.byOrganization.load(organization.row.id);
    return rows.map((row) => new Programme(row));
  }

  @FieldResolver(() => [Honor], { description: 'Awards the unit received, oldest first.' })
  async honors(@Root() organization: Organization, @Ctx() { loaders }: Context): Promise<Honor[]> {
    const rows = await loaders.honor.byRecipient.load(organization.row.id);
    return rows.map((row) => new Honor(row));
  }

  @FieldResolver(() => [WorkPlan], {
    description: "The unit's work plans, oldest first.",
    complexity: boundedList(5),
  })
  async workPlans(
    @Root() organization: Organization,
    @Ctx() { loaders }: Context,
  ): Promise<WorkPlan[]> {
    const rows = await loaders.workPlan.byOrganization.load(organization.row.id);
    return rows.map((row) => new WorkPlan(row));
  }

  @FieldResolver(() => [LiaisonAssignment], {
    complexity: boundedList(10),
    description: "Assignments of the unit's leadership members to the counties below it.",
  })
  async liaisonAssignments(
    @Root() organization: Organization,
    @Ctx() { loaders }: Context,
  ): Promise<LiaisonAssignment[]> {
    const rows = await loaders.liaison.assignmentsByOrganization.load(organization.row.id);
    return rows.map((row) => new LiaisonAssignment(row));
  }
}

function valuePageArgs(
  page: PageArgs,
  metric: string | null | undefined,
  period: string | null | undefined,
  scope: MetricScope | null | undefined,
  orderBy: MetricValueOrder | null | undefined,
): ValuePageArgs {
  const window = pageWindow(page);
  const parsed = period != null ? parsePeriod(period, 'period') : null;
  const filter: MetricValueFilter = {
    metric: metric ?? null,
    within: parsed && { start: parsed.start, end: parsed.end },
    scope: scope ?? null,
  };
  return { filter, order: valueOrder(orderBy), window };
}
