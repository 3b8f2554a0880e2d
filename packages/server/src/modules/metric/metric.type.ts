import { Field, Float, ID, ObjectType } from 'type-graphql';
import {
  METRIC_SCOPES,
  METRIC_UNITS,
  METRIC_VALUE_TYPES,
  QUALIFIERS,
  TIME_AGGREGATIONS,
  TREE_AGGREGATIONS,
  type MetricDefinitionRow,
  type MetricScope,
  type MetricUnit,
  type MetricValueType,
  type Qualifier,
  type TimeAggregation,
  type TreeAggregation,
} from '../../db/tables.js';
import { DecimalScalar } from '../../graph/decimal.scalar.js';
import { codeEnum } from '../../graph/enum.js';
import { toGlobalId } from '../../graph/global-id.js';
import { Node } from '../../graph/node.type.js';
import { columnsReadBy } from '../../graph/selection.js';
import { connectionType } from '../../graph/connection.type.js';
import { Source } from '../document/document.type.js';
import { Period } from '../../period/period.type.js';
import type { FigureColumn, FigureRow } from './metric.repository.js';

export const MetricUnitEnum = codeEnum(
  METRIC_UNITS,
  'MetricUnit',
  'What a figure counts: sessions, person-times (attendances), people, households, yuan, …',
);
export const MetricValueTypeEnum = codeEnum(
  METRIC_VALUE_TYPES,
  'MetricValueType',
  'Whole counts, decimals (money), or percentages (0–100).',
);
export const TimeAggregationEnum = codeEnum(
  TIME_AGGREGATIONS,
  'TimeAggregation',
  'How the values of shorter periods combine into a longer one: SUM (flows such as sessions held), LAST (stocks such as cadres in post), AVERAGE, MAX, MIN, or NONE (never combined).',
);
export const TreeAggregationEnum = codeEnum(
  TREE_AGGREGATIONS,
  'TreeAggregation',
  'How the values of the units of a subtree combine: as TimeAggregation, plus RATIO (recomputed as numerator sum ÷ denominator sum × factor at every level, never summed or averaged).',
);
export const QualifierEnum = codeEnum(
  QUALIFIERS,
  'Qualifier',
  'How exact a figure is: EXACT, AT_LEAST (余/多/超/以上), NEARLY (近), ABOUT (约), AT_MOST (不足/以内).',
);
export const MetricScopeEnum = codeEnum(
  METRIC_SCOPES,
  'MetricScope',
  "SELF: the unit's own work. SUBTREE: the unit and every unit below it (全市四级妇联共…).",
);

@ObjectType({
  description: 'A metric of the catalogue: what is counted, in what unit, and how it rolls up.',
})
export class MetricDefinition {
  @Field(() => String, { description: 'Stable code, e.g. training.sessions.' })
  code: string;

  @Field(() => String, { description: 'Name in Chinese, e.g. 培训班期数.' })
  name: string;

  @Field(() => String, { description: 'Name in English.' })
  nameEn: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => MetricUnitEnum)
  unit: MetricUnit;

  @Field(() => MetricValueTypeEnum)
  valueType: MetricValueType;

  @Field(() => TimeAggregationEnum)
  timeAggregation: TimeAggregation;

  @Field(() => TreeAggregationEnum)
  treeAggregation: TreeAggregation;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'For RATIO metrics: value = numerator ÷ denominator × factor (100 for a percentage).',
  })
  factor: string | null;

  readonly row: MetricDefinitionRow;

  constructor(row: MetricDefinitionRow) {
    this.row = row;
    this.code = row.code;
    this.name = row.name_zh;
    this.nameEn = row.name_en;
    this.description = row.description;
    this.unit = row.unit;
    this.valueType = row.value_type;
    this.timeAggregation = row.time_aggregation;
    this.treeAggregation = row.tree_aggregation;
    this.factor = row.factor;
  }
}

/**
 * A figure reads its row only for the fields asked: a tree of figures asks two of them on ~300
 * figures, and building the rest (its global id, period and source) on every figure cost more
 * than serving it.
 */
@ObjectType({
  implements: Node,
  description: 'One figure: an organization × metric × period, exact, with its wording and source.',
})
export class MetricValue implements Node {
  constructor(readonly row: FigureRow) {}

  @Field(() => ID)
  get id(): string {
    return toGlobalId('MetricValue', this.row.id);
  }

  @Field(() => Period)
  get period(): Period {
    return Period.fromColumns(this.row)!;
  }

  @Field(() => String, {
    nullable: true,
    description: 'For a snapshot ("截至2月9日"), the day it was true, YYYY-MM-DD.',
  })
  get asOf(): string | null {
    return this.row.as_of;
  }

  @Field(() => DecimalScalar, {
    description: 'The exact value, normalized to the unit: 338 万元 is "3380000" (YUAN).',
  })
  get value(): string {
    return this.row.value;
  }

  @Field(() => Float, {
    description: 'The value as a float, for charts; use `value` for arithmetic and display.',
  })
  get valueFloat(): number {
    return Number(this.row.value);
  }

  @Field(() => MetricUnitEnum)
  get unit(): MetricUnit {
    return this.row.unit;
  }

  @Field(() => String, {
    nullable: true,
    description: 'The figure as the source writes it, e.g. "338 万元" or "3.19万人次".',
  })
  get wording(): string | null {
    return this.row.wording;
  }

  @Field(() => QualifierEnum)
  get qualifier(): Qualifier {
    return this.row.qualifier;
  }

  @Field(() => MetricScopeEnum)
  get scope(): MetricScope {
    return this.row.scope;
  }

  @Field(() => Boolean, {
    description:
      'Whether the value may be rolled up as it is. False for percentages and other ratios (recomputed from their parts) and for metrics that never combine (ranks).',
  })
  get aggregatable(): boolean {
    return this.row.aggregatable;
  }

  @Field(() => Source, {
    nullable: true,
    description: 'The document and the quoted fragment the figure comes from.',
  })
  get source(): Source | null {
    return Source.of(this.row);
  }
}

/**
 * The columns each field of MetricValue reads (its getters above and metric.resolver.ts'
 * fields): a list whose nodes ask for these fields alone selects no other columns
 * (findValuePagesByMetric). A field not named here makes its list select every column.
 */
const FIELD_COLUMNS = new Map<string, readonly FigureColumn[]>([
  ['__typename', []],
  ['id', ['id']],
  ['period', ['period', 'period_type', 'period_start', 'period_end']],
  ['asOf', ['as_of']],
  ['value', ['value']],
  ['valueFloat', ['value']],
  ['unit', ['unit']],
  ['wording', ['wording']],
  ['qualifier', ['qualifier']],
  ['scope', ['scope']],
  ['aggregatable', ['aggregatable']],
  ['source', ['document_id', 'quote']],
  ['organization', ['organization_id']],
  ['metric', ['metric_code']],
  ['activity', ['activity_id']],
]);

/** The columns the fields of MetricValue named read; null (every column) for another field. */
export function figureColumnsOf(fields: Iterable<string>): ReadonlySet<FigureColumn> | null {
  return columnsReadBy(FIELD_COLUMNS, fields);
}

export const MetricValueConnection = connectionType(MetricValue, 'MetricValue');
