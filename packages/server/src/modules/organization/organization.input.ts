import { Field, InputType } from 'type-graphql';
import type { OrganizationKind, OrganizationLevel } from '../../db/tables.js';
import { badInput } from '../../errors.js';
import { codeEnum } from '../../graph/enum.js';
import { OrderDirectionEnum, type ListOrder, type OrderDirection } from '../../graph/keyset.js';
import {
  ORGANIZATION_ORDER_FIELDS,
  TREE_ORDER,
  type OrganizationOrderField,
} from './organization.repository.js';
import { OrganizationKindEnum, OrganizationLevelEnum } from './organization.type.js';

/**
 * The kind every organization list and count keeps unless the caller names another: the
 * federations, the tree of the network (one per division, plus the federations of the zones
 * the documents name). Departments, committees, activity centres and women's homes hang under
 * a federation at its level; counted by default they made 14 cities read 31 (docs/data-model.md,
 * "Which units a list or count holds").
 */
export const DEFAULT_KIND: OrganizationKind = 'FEDERATION';

@InputType({
  description: 'Narrows a list or count of organizations; lists and counts take the same filter.',
})
export class RelatedOrganizationFilter {
  @Field(() => OrganizationLevelEnum, { nullable: true })
  level?: OrganizationLevel | null;

  @Field(() => OrganizationKindEnum, {
    nullable: true,
    defaultValue: DEFAULT_KIND,
    description:
      'FEDERATION unless given: the federations, not the departments, committees, centres and homes under them. null for every kind.',
  })
  kind?: OrganizationKind | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A substring of the name (长沙), or of its pinyin, full or initials, in any case and with or without spaces (Changsha, chang sha, cs).',
  })
  search?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The tree as it stood on this day (YYYY-MM-DD): the units open that day, validFrom on or before it and validTo after it. Unset: the units open today.',
  })
  asOf?: string | null;
}

@InputType({ description: 'Narrows the list of all organizations.' })
export class OrganizationFilter extends RelatedOrganizationFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Only units inside this subtree: an organization id or division code.',
  })
  within?: string | null;
}

/** The kind a filter keeps: FEDERATION when neither the filter nor its kind is given, every kind for null. */
export function filterKind(
  filter: RelatedOrganizationFilter | null | undefined,
): OrganizationKind | null {
  return filter?.kind === undefined ? DEFAULT_KIND : filter.kind;
}

/** The day a filter's tree stands on: its asOf, checked, or null for today. */
export function filterAsOf(
  filter: RelatedOrganizationFilter | null | undefined,
  field: string,
): string | null {
  const day = filter?.asOf ?? null;
  if (day !== null && (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(Date.parse(day)))) {
    throw badInput(`asOf takes a day as YYYY-MM-DD, got "${day}"`, field);
  }
  return day;
}

const OrganizationOrderFieldEnum = codeEnum(
  ORGANIZATION_ORDER_FIELDS,
  'OrganizationOrderField',
  'What organizations are ordered by: TREE (each unit right after its parent), NAME, or CODE (units without a division code first); ties by tree order.',
);

@InputType({ description: 'The order of a list of organizations; tree order unless given.' })
export class OrganizationOrder {
  @Field(() => OrganizationOrderFieldEnum)
  field!: OrganizationOrderField;

  @Field(() => OrderDirectionEnum, { nullable: true, defaultValue: 'ASC' })
  direction?: OrderDirection | null;
}

/** The order a list is read in: tree order when none is given. */
export function organizationOrder(
  orderBy: OrganizationOrder | null | undefined,
): ListOrder<OrganizationOrderField> {
  return orderBy ? { field: orderBy.field, direction: orderBy.direction ?? 'ASC' } : TREE_ORDER;
}
