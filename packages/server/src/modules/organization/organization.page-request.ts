import { getArgumentValues, GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import type { OrganizationLevel } from '../../db/tables.js';
import { badInput } from '../../errors.js';
import type { ListOrder } from '../../graph/keyset.js';
import { pageWindow, type PageArgs, type PageWindow } from '../../graph/pagination.js';
import { fieldNodesAt } from '../../graph/selection.js';
import {
  filterAsOf,
  filterKind,
  organizationOrder,
  type OrganizationOrder,
  type RelatedOrganizationFilter,
} from './organization.input.js';
import type {
  OrganizationFilter,
  OrganizationOrderField,
  Relation,
} from './organization.repository.js';

/** Which units below a unit a list or a count holds. */
export interface RelatedArgs {
  relation: Relation;
  filter: OrganizationFilter;
}

/**
 * A page of units below each unit, as its field's arguments ask; `nested` is the page its
 * rows' own `children` field will ask for, fetched in the same statement when known ahead.
 */
export interface RelatedPageRequest extends RelatedArgs {
  order: ListOrder<OrganizationOrderField>;
  window: PageWindow;
  nested?: RelatedPageRequest;
}

/** The filter of a list or count of units below a unit, from its arguments. */
export function relatedFilter(
  filter: RelatedOrganizationFilter | null | undefined,
  level?: OrganizationLevel | null,
): OrganizationFilter {
  if (level && filter?.level && level !== filter.level) {
    throw badInput('level and filter.level disagree', 'level');
  }
  return {
    level: level ?? filter?.level ?? null,
    kind: filterKind(filter),
    search: filter?.search || null,
    asOf: filterAsOf(filter, 'filter.asOf'),
  };
}

/** The page a `children` or `descendants` field asks for, from its arguments. */
export function relatedPageRequest(
  args: RelatedArgs,
  orderBy: OrganizationOrder | null | undefined,
  page: PageArgs,
): RelatedPageRequest {
  return { ...args, order: organizationOrder(orderBy), window: pageWindow(page) };
}

interface ChildrenArgs extends PageArgs {
  filter?: RelatedOrganizationFilter | null;
  orderBy?: OrganizationOrder | null;
}

/**
 * The page the `children` field at `path` below the field being resolved will ask for (a
 * list's units: `edges`, `node`), worked out from the request before the field's own rows
 * arrive, with its own nested page, so one statement can fetch them all: province → cities →
 * counties costs one statement, not one per level. Undefined when no `children` is asked
 * there, or it is asked in a way not known ahead (see fieldNodesAt), or with arguments the
 * field will reject itself.
 */
export function childrenRequestAt(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'schema' | 'variableValues'>,
  path: readonly string[],
): RelatedPageRequest | undefined {
  const fieldNodes = fieldNodesAt(info, path, 'children');
  const type = info.schema.getType('Organization');
  const definition = type instanceof GraphQLObjectType ? type.getFields().children : undefined;
  if (fieldNodes === undefined || definition === undefined) return undefined;
  try {
    const args = getArgumentValues(definition, fieldNodes[0]!, info.variableValues) as ChildrenArgs;
    const request = relatedPageRequest(
      { relation: 'children', filter: relatedFilter(args.filter) },
      args.orderBy,
      args,
    );
    const nested = childrenRequestAt({ ...info, fieldNodes }, ['edges', 'node']);
    return nested ? { ...request, nested } : request;
  } catch {
    return undefined;
  }
}
