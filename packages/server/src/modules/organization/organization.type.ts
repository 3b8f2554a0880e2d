import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import {
  ORGANIZATION_KINDS,
  ORGANIZATION_LEVELS,
  type OrganizationKind,
  type OrganizationLevel,
  type OrganizationRow,
} from '../../db/tables.js';
import { columnsReadBy } from '../../graph/selection.js';
import { connectionType } from '../../graph/connection.type.js';
import { toGlobalId } from '../../graph/global-id.js';
import { Node } from '../../graph/node.type.js';

const enumOf = <T extends string>(values: readonly T[]) =>
  Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };

export const OrganizationLevelEnum = enumOf(ORGANIZATION_LEVELS);
registerEnumType(OrganizationLevelEnum, {
  name: 'OrganizationLevel',
  description: 'Level of a unit in the federation network.',
});

export const OrganizationKindEnum = enumOf(ORGANIZATION_KINDS);
registerEnumType(OrganizationKindEnum, {
  name: 'OrganizationKind',
  description: "What kind of unit: a federation, a women's home, a department, …",
});

@ObjectType({ implements: Node, description: 'One unit of the federation network.' })
export class Organization implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => String, {
    nullable: true,
    description: 'Division code (2–12 digits) where the unit is an administrative division.',
  })
  code: string | null;

  @Field(() => String, { description: 'Name of the unit, e.g. 长沙市妇联.' })
  name: string;

  @Field(() => String, { nullable: true, description: 'Name of its region, e.g. 长沙市.' })
  regionName: string | null;

  @Field(() => OrganizationLevelEnum)
  level: OrganizationLevel;

  @Field(() => OrganizationKindEnum)
  kind: OrganizationKind;

  @Field(() => Int, {
    description: 'Distance from the root of the tree (the national federation is 0).',
  })
  depth: number;

  @Field(() => String, {
    nullable: true,
    description:
      'The day the unit opened (YYYY-MM-DD), from the edition of the division list that first listed it; null: before the first edition loaded.',
  })
  validFrom: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The day the unit closed (YYYY-MM-DD, the first day it no longer exists): no longer in the division list, its figures, reports and activities kept. null while open.',
  })
  validTo: string | null;

  /** The database row, for field resolvers. */
  readonly row: OrganizationRow;

  constructor(row: OrganizationRow) {
    this.row = row;
    this.id = toGlobalId('Organization', row.id);
    this.code = row.code;
    this.name = row.name;
    this.regionName = row.region_name;
    this.level = row.level;
    this.kind = row.kind;
    this.depth = row.depth;
    this.validFrom = row.valid_from;
    this.validTo = row.valid_to;
  }
}

/** The columns each plain field of Organization reads; a field not here reads the whole row. */
const FIELD_COLUMNS = new Map<string, readonly (keyof OrganizationRow)[]>([
  ['__typename', []],
  ['id', ['id']],
  ['code', ['code']],
  ['name', ['name']],
  ['regionName', ['region_name']],
  ['level', ['level']],
  ['kind', ['kind']],
  ['depth', ['depth']],
  ['validFrom', ['valid_from']],
  ['validTo', ['valid_to']],
]);

/**
 * The columns the fields of Organization named read; null (every column) when one of them is
 * a field resolver, which may read any column of the row.
 */
export function organizationColumnsOf(
  fields: Iterable<string>,
): ReadonlySet<keyof OrganizationRow> | null {
  return columnsReadBy(FIELD_COLUMNS, fields);
}

export const OrganizationConnection = connectionType(Organization, 'Organization');
