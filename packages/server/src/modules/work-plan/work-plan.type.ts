import { Field, Float, ObjectType } from 'type-graphql';
import type {
  MetricUnit,
  Qualifier,
  WorkPlanItemRow,
  WorkPlanRow,
  WorkPlanSectionRow,
  WorkPlanTargetRow,
} from '../../db/tables.js';
import { DecimalScalar } from '../../graph/decimal.scalar.js';
import { Node } from '../../graph/node.type.js';
import { SeededNode } from '../../graph/seeded-node.type.js';
import { Source } from '../document/document.type.js';
import { MetricUnitEnum, QualifierEnum } from '../metric/metric.type.js';
import { Period } from '../../period/period.type.js';

@ObjectType({
  implements: Node,
  description: 'A work plan (工作要点): numbered items under sections, some with numeric targets.',
})
export class WorkPlan extends SeededNode<WorkPlanRow> implements Node {
  @Field(() => String)
  title: string;

  @Field(() => Period)
  period: Period;

  @Field(() => Source, { nullable: true })
  source: Source | null;

  constructor(row: WorkPlanRow) {
    super('WorkPlan', row);
    this.title = row.title;
    this.period = Period.fromColumns(row)!;
    this.source = Source.of(row);
  }
}

@ObjectType({ description: 'A numbered section of a work plan (一、二、…).' })
export class WorkPlanSection {
  @Field(() => String, { description: 'The number as written: 一, 二, …' })
  number: string;

  @Field(() => String)
  title: string;

  @Field(() => String, { nullable: true })
  quote: string | null;

  readonly row: WorkPlanSectionRow;

  constructor(row: WorkPlanSectionRow) {
    this.row = row;
    this.number = row.number;
    this.title = row.title;
    this.quote = row.quote;
  }
}

@ObjectType({ description: 'A numbered item of a work plan section.' })
export class WorkPlanItem {
  @Field(() => String)
  number: string;

  @Field(() => String)
  title: string;

  @Field(() => String, {
    nullable: true,
    description: "The title with the source's OCR slips corrected, when it has any.",
  })
  correctedTitle: string | null;

  @Field(() => String, { nullable: true, description: 'The opening clause, as written.' })
  quote: string | null;

  readonly row: WorkPlanItemRow;

  constructor(row: WorkPlanItemRow) {
    this.row = row;
    this.number = row.number;
    this.title = row.title;
    this.correctedTitle = row.corrected_title;
    this.quote = row.quote;
  }
}

@ObjectType({ description: 'A numeric target inside a plan item ("年内评选100户").' })
export class WorkPlanTarget {
  @Field(() => DecimalScalar, { description: 'The exact target, normalized to the unit.' })
  value: string;

  @Field(() => Float, { description: 'The target as a float, for charts.' })
  valueFloat: number;

  @Field(() => MetricUnitEnum)
  unit: MetricUnit;

  @Field(() => String, { nullable: true, description: 'The target as written, e.g. 100户.' })
  wording: string | null;

  @Field(() => QualifierEnum)
  qualifier: Qualifier;

  @Field(() => String, { nullable: true })
  quote: string | null;

  readonly row: WorkPlanTargetRow;

  constructor(row: WorkPlanTargetRow) {
    this.row = row;
    this.value = row.value;
    this.valueFloat = Number(row.value);
    this.unit = row.unit;
    this.wording = row.wording;
    this.qualifier = row.qualifier;
    this.quote = row.quote;
  }
}
