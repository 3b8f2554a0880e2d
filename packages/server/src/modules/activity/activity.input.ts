import { Field, InputType } from 'type-graphql';
import type { ActivityKind } from '../../db/tables.js';
import { codeEnum } from '../../graph/enum.js';
import { OrderDirectionEnum, type ListOrder, type OrderDirection } from '../../graph/keyset.js';
import {
  ACTIVITY_ORDER_FIELDS,
  LOADED_ORDER,
  type ActivityOrderField,
} from './activity.repository.js';
import { ActivityKindEnum } from './activity.type.js';

@InputType({ description: "Narrows an organization's activities." })
export class ActivityFilter {
  @Field(() => ActivityKindEnum, { nullable: true })
  kind?: ActivityKind | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only activities whose period overlaps this one: 2020, 2020Q3, 2020-05/2021-02, …',
  })
  period?: string | null;

  @Field(() => String, { nullable: true, description: 'Only activities tagged with this theme.' })
  theme?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A substring (Chinese) of the title or description, e.g. 培训; index-backed.',
  })
  search?: string | null;
}

@InputType({ description: 'Narrows the list of all activities.' })
export class RootActivityFilter extends ActivityFilter {
  @Field(() => String, {
    nullable: true,
    description:
      'Only activities organized inside this subtree: an organization id or division code.',
  })
  within?: string | null;
}

const ActivityOrderFieldEnum = codeEnum(
  ACTIVITY_ORDER_FIELDS,
  'ActivityOrderField',
  'What activities are ordered by: LOADED (load order) or DATE (the day they start; undated ones first); ties by load order.',
);

@InputType({ description: 'The order of a list of activities; load order unless given.' })
export class ActivityOrder {
  @Field(() => ActivityOrderFieldEnum)
  field!: ActivityOrderField;

  @Field(() => OrderDirectionEnum, { nullable: true, defaultValue: 'ASC' })
  direction?: OrderDirection | null;
}

/** The order a list is read in: load order when none is given. */
export function activityOrder(
  orderBy: ActivityOrder | null | undefined,
): ListOrder<ActivityOrderField> {
  return orderBy ? { field: orderBy.field, direction: orderBy.direction ?? 'ASC' } : LOADED_ORDER;
}
