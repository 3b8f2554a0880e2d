import { Field, InputType } from 'type-graphql';
import { codeEnum } from '../../graph/enum.js';
import { OrderDirectionEnum, type ListOrder, type OrderDirection } from '../../graph/keyset.js';
import { METRIC_ORDER, VALUE_ORDER_FIELDS, type ValueOrderField } from './metric.repository.js';

const MetricValueOrderFieldEnum = codeEnum(
  VALUE_ORDER_FIELDS,
  'MetricValueOrderField',
  'What figures are ordered by: METRIC (then period), PERIOD (the day it starts, then metric) or VALUE (the exact figure; best with one metric, whose figures share a unit); ties by load order.',
);

@InputType({ description: "The order of a unit's figures; by metric, then period, unless given." })
export class MetricValueOrder {
  @Field(() => MetricValueOrderFieldEnum)
  field!: ValueOrderField;

  @Field(() => OrderDirectionEnum, { nullable: true, defaultValue: 'ASC' })
  direction?: OrderDirection | null;
}

/** The order a list of figures is read in: by metric, then period, when none is given. */
export function valueOrder(
  orderBy: MetricValueOrder | null | undefined,
): ListOrder<ValueOrderField> {
  return orderBy ? { field: orderBy.field, direction: orderBy.direction ?? 'ASC' } : METRIC_ORDER;
}
