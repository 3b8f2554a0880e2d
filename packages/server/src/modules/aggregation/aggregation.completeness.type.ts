import type DataLoader from 'dataloader';
import { GraphQLDateTime } from 'graphql-scalars';
import { Field, Int, ObjectType } from 'type-graphql';
import { connectionType } from '../../graph/connection.type.js';
import { codeEnum } from '../../graph/enum.js';
import type { Page } from '../../graph/pagination.js';
import { Period } from '../../period/period.type.js';
import { ReportingTemplate } from '../submission/submission.type.js';
import type {
  CompletenessRow,
  CompletenessSpec,
  CompletenessStatus,
  CompletenessTotals as CompletenessCounts,
} from './aggregation.completeness-statement.js';
import type { CompletenessPart } from './aggregation.service.js';

export const COMPLETENESS_STATUSES = [
  'NOT_STARTED',
  'DRAFT',
  'SUBMITTED',
  'RETURNED',
  'APPROVED',
] as const;

export const CompletenessStatusEnum = codeEnum(
  COMPLETENESS_STATUSES,
  'CompletenessStatus',
  'Where an expected report stands: NOT_STARTED (no submission yet) or its submission’s status.',
);

@ObjectType({ description: 'How many expected reports are in each status.' })
export class CompletenessTotals {
  @Field(() => Int)
  expected!: number;

  @Field(() => Int, { description: 'Not submitted: not started or still a draft.' })
  missing!: number;

  @Field(() => Int, { description: 'Of the missing, those with a draft.' })
  draft!: number;

  @Field(() => Int, { description: 'Submitted and awaiting review.' })
  submitted!: number;

  @Field(() => Int)
  returned!: number;

  @Field(() => Int)
  approved!: number;
}

@ObjectType({ description: 'One expected report: who, its status, when submitted, how late.' })
export class CompletenessUnit {
  @Field(() => CompletenessStatusEnum)
  status: CompletenessStatus;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When last submitted.' })
  submittedAt: Date | null;

  @Field(() => Int, {
    description:
      'Days past the due date: when submitted, at submission; if not, up to today (China time). 0 when on time.',
  })
  daysLate: number;

  readonly row: CompletenessRow;

  constructor(row: CompletenessRow, daysLate: number) {
    this.row = row;
    this.status = row.status;
    this.submittedAt =
      row.status === 'NOT_STARTED' || row.status === 'DRAFT' ? null : row.submitted_at;
    this.daysLate = daysLate;
  }
}

export const CompletenessUnitConnection = connectionType(CompletenessUnit, 'CompletenessUnit');

@ObjectType({ description: 'Who has reported for a template and period inside a subtree.' })
export class Completeness {
  /** What the units list is read with. */
  spec!: CompletenessSpec;

  @Field(() => ReportingTemplate)
  template!: ReportingTemplate;

  @Field(() => Period)
  period!: Period;

  @Field(() => String, { description: 'The last day to submit on time, YYYY-MM-DD.' })
  dueDate!: string;

  /** Reads the counts and the units' pages the request asks for, in one statement. */
  parts!: DataLoader<CompletenessPart, CompletenessCounts | Page<CompletenessRow>>;
}
