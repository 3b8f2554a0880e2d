import { Arg, Args, Ctx, Extensions, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { boundedList, stringArg, subtreeCost } from '../../graph/complexity.js';
import { sortKeyOf } from '../../graph/keyset.js';
import { ConnectionSource, PageArgs, pageWindow } from '../../graph/pagination.js';
import { MetricValue } from '../metric/metric.type.js';
import { requireByReference } from '../organization/organization.reference.js';
import { Organization } from '../organization/organization.type.js';
import { Programme } from '../programme/programme.type.js';
import { ActivityOrder, activityOrder, RootActivityFilter } from './activity.input.js';
import { activityQuery } from './activity.query.js';
import { activityOrdering, countAllActivities, findActivityPage } from './activity.repository.js';
import { Activity, ActivityConnection } from './activity.type.js';

const ORDER_BY = 'The order; load order unless given.';

@Resolver(() => Activity)
export class ActivityResolver {
  @Query(() => ActivityConnection, {
    description:
      'Every activity, filtered (`within` narrows to a subtree), in load order unless orderBy says otherwise.',
  })
  // A search reads the activities of the whole subtree through the gram index; a plain page
  // reads one page.
  @Extensions(
    subtreeCost(100, ({ filter }) => {
      const given = (filter ?? {}) as { search?: unknown; within?: unknown };
      return stringArg(given.search) ? { within: stringArg(given.within), level: null } : null;
    }),
  )
  async activities(
    @Ctx() { db, loaders }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => RootActivityFilter, { nullable: true }) filter?: RootActivityFilter | null,
    @Arg('orderBy', () => ActivityOrder, { nullable: true, description: ORDER_BY })
    orderBy?: ActivityOrder | null,
  ): Promise<ConnectionSource<Activity>> {
    const window = pageWindow(page);
    const order = activityOrder(orderBy);
    const query = activityQuery(filter);
    const within = filter?.within
      ? await requireByReference(loaders.organization, filter.within, 'filter.within')
      : null;
    const result = await findActivityPage(db, within, query, order, window);
    loaders.activity.prime(result.rows);
    return new ConnectionSource(
      result.rows.map((row) => new Activity(row)),
      (activity) => sortKeyOf(activityOrdering(order), activity.row),
      result,
      () => countAllActivities(db, within, query),
    );
  }

  @FieldResolver(() => Organization, { description: 'The organizer.' })
  async organization(
    @Root() activity: Activity,
    @Ctx() { loaders }: Context,
  ): Promise<Organization> {
    return new Organization(await loaders.organization.required.load(activity.row.organization_id));
  }

  @FieldResolver(() => [Organization], {
    description: 'Units named as co-organizers.',
    complexity: boundedList(5),
  })
  async coOrganizers(
    @Root() activity: Activity,
    @Ctx() { loaders }: Context,
  ): Promise<Organization[]> {
    const links = await loaders.activity.coOrganizerIds.load(activity.row.id);
    const rows = await loaders.organization.byId.loadMany(
      links.map((link) => link.organization_id),
    );
    return rows.flatMap((row) => (row && !(row instanceof Error) ? [new Organization(row)] : []));
  }

  @FieldResolver(() => Organization, {
    nullable: true,
    description: 'The department that leads it (牵头部室), where the source names one.',
  })
  async leadDepartment(
    @Root() activity: Activity,
    @Ctx() { loaders }: Context,
  ): Promise<Organization | null> {
    if (activity.row.lead_department_id === null) return null;
    const row = await loaders.organization.byId.load(activity.row.lead_department_id);
    return row ? new Organization(row) : null;
  }

  @FieldResolver(() => Programme, {
    nullable: true,
    description: 'The programme or brand it belongs to.',
  })
  async programme(
    @Root() activity: Activity,
    @Ctx() { loaders }: Context,
  ): Promise<Programme | null> {
    if (activity.row.programme_id === null) return null;
    const row = await loaders.programme.byId.load(activity.row.programme_id);
    return row ? new Programme(row) : null;
  }

  @FieldResolver(() => [MetricValue], {
    description: 'The figures it produced.',
    complexity: boundedList(10),
  })
  async metricValues(
    @Root() activity: Activity,
    @Ctx() { loaders }: Context,
  ): Promise<MetricValue[]> {
    const rows = await loaders.metric.valuesByActivity.load(activity.row.id);
    return rows.map((row) => new MetricValue(row));
  }
}
