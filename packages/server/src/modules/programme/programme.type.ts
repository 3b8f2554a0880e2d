import { Field, ObjectType } from 'type-graphql';
import { PROGRAMME_KINDS, type ProgrammeKind, type ProgrammeRow } from '../../db/tables.js';
import { codeEnum } from '../../graph/enum.js';
import { Node } from '../../graph/node.type.js';
import { SeededNode } from '../../graph/seeded-node.type.js';
import { Source } from '../document/document.type.js';

export const ProgrammeKindEnum = codeEnum(
  PROGRAMME_KINDS,
  'ProgrammeKind',
  'A brand (品牌), a programme or plan (计划), a project, or a standing campaign.',
);

@ObjectType({
  implements: Node,
  description: 'A named programme or brand of a unit, e.g. “衡美创时代” or 领头雁培训计划.',
})
export class Programme extends SeededNode<ProgrammeRow> implements Node {
  @Field(() => String, { description: 'Name as written.' })
  name: string;

  @Field(() => String, {
    nullable: true,
    description: "The name with the source's OCR slips corrected, when it has any.",
  })
  correctedName: string | null;

  @Field(() => ProgrammeKindEnum)
  kind: ProgrammeKind;

  @Field(() => [String])
  themes: string[];

  @Field(() => Source, { nullable: true })
  source: Source | null;

  constructor(row: ProgrammeRow) {
    super('Programme', row);
    this.name = row.name;
    this.correctedName = row.corrected_name;
    this.kind = row.kind;
    this.themes = row.themes;
    this.source = Source.of(row);
  }
}
