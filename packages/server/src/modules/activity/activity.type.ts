import { Field, Int, ObjectType } from 'type-graphql';
import { ACTIVITY_KINDS, type ActivityKind, type ActivityRow } from '../../db/tables.js';
import { connectionType } from '../../graph/connection.type.js';
import { codeEnum } from '../../graph/enum.js';
import { Node } from '../../graph/node.type.js';
import { SeededNode } from '../../graph/seeded-node.type.js';
import { Source } from '../document/document.type.js';
import { Period } from '../../period/period.type.js';

export const ActivityKindEnum = codeEnum(
  ACTIVITY_KINDS,
  'ActivityKind',
  'What kind of activity: a training, a campaign, a livestream, a competition, …',
);

@ObjectType({ implements: Node, description: 'Something a federation did, with its source.' })
export class Activity extends SeededNode<ActivityRow> implements Node {
  @Field(() => String, { description: 'Title as written, e.g. “出手吧, 姐姐”七一扶贫大直播.' })
  title: string;

  @Field(() => String, {
    nullable: true,
    description: "The title with the source's OCR slips corrected (中帼 → 巾帼), when it has any.",
  })
  correctedTitle: string | null;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => ActivityKindEnum)
  kind: ActivityKind;

  @Field(() => Period, {
    nullable: true,
    description: 'When it took place, as precisely as known.',
  })
  period: Period | null;

  @Field(() => [String], { description: 'Themes, e.g. 乡村振兴, 家庭家教家风.' })
  themes: string[];

  @Field(() => String, {
    nullable: true,
    description: 'For a key activity listed in an annex of an official document: the annex.',
  })
  annex: string | null;

  @Field(() => Int, { nullable: true, description: 'Its row number in the annex.' })
  sequence: number | null;

  @Field(() => Source, { nullable: true })
  source: Source | null;

  constructor(row: ActivityRow) {
    super('Activity', row);
    this.title = row.title;
    this.correctedTitle = row.corrected_title;
    this.description = row.description;
    this.kind = row.kind;
    this.period = Period.fromColumns(row);
    this.themes = row.themes;
    this.annex = row.annex;
    this.sequence = row.sequence;
    this.source = Source.of(row);
  }
}

export const ActivityConnection = connectionType(Activity, 'Activity');
