import {
  Arg,
  Args,
  Ctx,
  Extensions,
  FieldResolver,
  ID,
  Info,
  Int,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import type { GraphQLResolveInfo } from 'graphql';
import type { Context } from '../../context.js';
import { ORGANIZATION_LEVELS, type OrganizationLevel } from '../../db/tables.js';
import { boundedList, stringArg, subtreeCost } from '../../graph/complexity.js';
import { sortKeyOf, type ListOrder } from '../../graph/keyset.js';
import { ConnectionSource, PageArgs, pageWindow } from '../../graph/pagination.js';
import { fieldsSelectedAt } from '../../graph/selection.js';
import {
  filterAsOf,
  filterKind,
  OrganizationFilter,
  OrganizationOrder,
  organizationOrder,
  RelatedOrganizationFilter,
} from './organization.input.js';
import {
  childrenRequestAt,
  relatedFilter,
  relatedPageRequest,
  type RelatedPageRequest,
} from './organization.page-request.js';
import {
  keyOfReference,
  lookUpOrganization,
  requireByReference,
} from './organization.reference.js';
import {
  countAll,
  findPage,
  organizationOrdering,
  type OrganizationOrderField,
} from './organization.repository.js';
import {
  Organization,
  OrganizationConnection,
  organizationColumnsOf,
  OrganizationLevelEnum,
} from './organization.type.js';

/** The cursor of an organization in a list read in `order`. */
const sortKeyIn =
  (order: ListOrder<OrganizationOrderField>) =>
  (organization: Organization): string =>
    sortKeyOf(organizationOrdering(order), organization.row);

const ORDER_BY = 'The order; tree order unless given.';

@Resolver(() => Organization)
export class OrganizationResolver {
  @Query(() => Organization, {
    nullable: true,
    description: 'One organization by id or by division code (exactly one of the two).',
  })
  async organization(
    @Ctx() { loaders }: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('id', () => ID, { nullable: true }) id?: string | null,
    @Arg('code', () => String, { nullable: true }) code?: string | null,
  ): Promise<Organization | null> {
    // The units below it, when asked, come in the lookup's statement.
    const children = childrenRequestAt(info, []);
    const row = await lookUpOrganization(loaders.organization, { id, code }, children);
    return row ? new Organization(row) : null;
  }

  @Query(() => OrganizationConnection, {
    description:
      'All organizations, filtered (the federations unless filter.kind says otherwise), in tree order unless orderBy says otherwise.',
  })
  async organizations(
    @Ctx() { db, loaders }: Context,
    @Info() info: GraphQLResolveInfo,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => OrganizationFilter, { nullable: true }) filter?: OrganizationFilter | null,
    @Arg('orderBy', () => OrganizationOrder, { nullable: true, description: ORDER_BY })
    orderBy?: OrganizationOrder | null,
  ): Promise<ConnectionSource<Organization>> {
    const window = pageWindow(page);
    const order = organizationOrder(orderBy);
    // The nodes' rows hold only the columns their fields read when none is a field resolver.
    const columns = organizationColumnsOf(fieldsSelectedAt(info, ['edges', 'node']));
    const within = filter?.within ? keyOfReference(filter.within, 'filter.within') : null;
    const related = {
      level: filter?.level,
      kind: filterKind(filter),
      search: filter?.search,
      asOf: filterAsOf(filter, 'filter.asOf'),
    };
    const result = await findPage(db, within, related, order, window, columns);
    // An empty page is where a unit named by nothing shows: tell it from an empty subtree.
    if (filter?.within && result.rows.length === 0) {
      await requireByReference(loaders.organization, filter.within, 'filter.within');
    }
    // byId answers whole rows: narrowed ones stay out of its cache.
    if (columns === null) loaders.organization.prime(result.rows);
    return new ConnectionSource(
      result.rows.map((row) => new Organization(row)),
      sortKeyIn(order),
      result,
      () => countAll(db, within, related),
    );
  }

  @FieldResolver(() => Organization, {
    nullable: true,
    description: 'The unit directly above; null at the root.',
  })
  async parent(
    @Root() organization: Organization,
    @Ctx() { loaders }: Context,
  ): Promise<Organization | null> {
    if (organization.row.parent_id === null) return null;
    const row = await loaders.organization.byId.load(organization.row.parent_id);
    return row ? new Organization(row) : null;
  }

  @FieldResolver(() => Organization, {
    nullable: true,
    description:
      'The unit that took over this one when it closed, where the division list says so (two counties merged, one split).',
  })
  async successor(
    @Root() organization: Organization,
    @Ctx() { loaders }: Context,
  ): Promise<Organization | null> {
    if (organization.row.successor_id === null) return null;
    const row = await loaders.organization.byId.load(organization.row.successor_id);
    return row ? new Organization(row) : null;
  }

  @FieldResolver(() => [Organization], {
    description: 'Every unit above, root first.',
    // At most one unit per level above: the list is costed by the tree's depth, not a page.
    complexity: boundedList(ORGANIZATION_LEVELS.length - 1),
  })
  async ancestors(
    @Root() organization: Organization,
    @Ctx() { loaders }: Context,
  ): Promise<Organization[]> {
    const rows = await loaders.organization.ancestors.load(organization.row.id);
    return rows.map((row) => new Organization(row));
  }

  @FieldResolver(() => OrganizationConnection, {
    description: 'The units directly below: the federations unless filter.kind says otherwise.',
  })
  children(
    @Root() organization: Organization,
    @Ctx() { loaders }: Context,
    @Info() info: GraphQLResolveInfo,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('filter', () => RelatedOrganizationFilter, { nullable: true })
    filter?: RelatedOrganizationFilter | null,
    @Arg('orderBy', () => OrganizationOrder, { nullable: true, description: ORDER_BY })
    orderBy?: OrganizationOrder | null,
  ): Promise<ConnectionSource<Organization>> {
    // Every unit of a list asks the same page, and its children's page with it when they ask.
    const requests = loaders.organization.pageRequests;
    let request = requests.get(info);
    if (request === undefined) {
      const args = { relation: 'children' as const, filter: relatedFilter(filter) };
      const own = relatedPageRequest(args, orderBy, page);
      const nested = childrenRequestAt(info, ['edges', 'node']);
      request = requests.set(info, nested ? { ...own, nested } : own);
    }
    return relatedConnection(loaders, organization, request);
  }

  @FieldResolver(() => OrganizationConnection, {
    description:
      'Every unit below, at any depth (the federations unless filter.kind says otherwise), in tree order unless orderBy says otherwise.',
  })
  descendants(
    @Root() organization: Organization,
    @Ctx() { loaders }: Context,
    @Args(() => PageArgs) page: PageArgs,
    @Arg('level', () => OrganizationLevelEnum, { nullable: true }) level?: OrganizationLevel | null,
    @Arg('filter', () => RelatedOrganizationFilter, { nullable: true })
    filter?: RelatedOrganizationFilter | null,
    @Arg('orderBy', () => OrganizationOrder, { nullable: true, description: ORDER_BY })
    orderBy?: OrganizationOrder | null,
  ): Promise<ConnectionSource<Organization>> {
    const args = { relation: 'descendants' as const, filter: relatedFilter(filter, level) };
    return relatedConnection(loaders, organization, relatedPageRequest(args, orderBy, page));
  }

  @FieldResolver(() => Int, {
    description:
      'How many units are below, at one level or at all levels: the totalCount of descendants with the same level and filter (federations unless filter.kind says otherwise).',
  })
  // An index-only count, about ten times cheaper per unit than reading figures; its parent is
  // not known before it runs, so it is costed as the whole tree at its level.
  @Extensions(subtreeCost(1_000, (args) => ({ within: null, level: stringArg(args.level) })))
  descendantCount(
    @Root() organization: Organization,
    @Ctx() { loaders }: Context,
    @Arg('level', () => OrganizationLevelEnum, { nullable: true }) level?: OrganizationLevel | null,
    @Arg('filter', () => RelatedOrganizationFilter, { nullable: true })
    filter?: RelatedOrganizationFilter | null,
  ): Promise<number> {
    return loaders.organization.counts.load({
      id: organization.row.id,
      args: { relation: 'descendants', filter: relatedFilter(filter, level) },
    });
  }
}

async function relatedConnection(
  loaders: Context['loaders'],
  organization: Organization,
  request: RelatedPageRequest,
): Promise<ConnectionSource<Organization>> {
  const id = organization.row.id;
  const result = await loaders.organization.pages.load({ id, args: request });
  const { relation, filter } = request;
  return new ConnectionSource(
    result.rows.map((row) => new Organization(row)),
    sortKeyIn(request.order),
    result,
    () => loaders.organization.counts.load({ id, args: { relation, filter } }),
  );
}
