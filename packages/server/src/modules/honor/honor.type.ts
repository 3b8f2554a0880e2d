import { Field, ObjectType } from 'type-graphql';
import type { HonorRow } from '../../db/tables.js';
import { Node } from '../../graph/node.type.js';
import { SeededNode } from '../../graph/seeded-node.type.js';
import { Source } from '../document/document.type.js';
import { Period } from '../../period/period.type.js';

@ObjectType({ implements: Node, description: 'An award a unit (or its people) received.' })
export class Honor extends SeededNode<HonorRow> implements Node {
  @Field(() => String, { description: 'Title as written, e.g. 全国三八红旗集体.' })
  title: string;

  @Field(() => String, {
    nullable: true,
    description: "The title with the source's OCR slips corrected, when it has any.",
  })
  correctedTitle: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The awarding body as written, when it is not a unit of the network.',
  })
  awardedByName: string | null;

  @Field(() => Period, { nullable: true })
  period: Period | null;

  @Field(() => Source, { nullable: true })
  source: Source | null;

  constructor(row: HonorRow) {
    super('Honor', row);
    this.title = row.title;
    this.correctedTitle = row.corrected_title;
    this.awardedByName = row.awarded_by_name;
    this.period = Period.fromColumns(row);
    this.source = Source.of(row);
  }
}
