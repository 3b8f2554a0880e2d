import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import {
  SUBMISSION_AUDIT_ACTIONS,
  SUBMISSION_STATUSES,
  type OrganizationLevel,
  type MetricScope,
  type Qualifier,
  type ReportingTemplateRow,
  type SubmissionAuditAction,
  type SubmissionAuditRow,
  type SubmissionRow,
  type SubmissionStatus,
} from '../../db/tables.js';
import { connectionType } from '../../graph/connection.type.js';
import { DecimalScalar } from '../../graph/decimal.scalar.js';
import { codeEnum } from '../../graph/enum.js';
import { toGlobalId } from '../../graph/global-id.js';
import { Node } from '../../graph/node.type.js';
import { MetricScopeEnum, QualifierEnum } from '../metric/metric.type.js';
import { OrganizationLevelEnum } from '../organization/organization.type.js';
import { Period, PeriodTypeEnum } from '../period/period.type.js';
import type { PeriodType } from '../period/period.js';
import type { Problem, ValueChange, ValueState } from './submission.service.js';

export const SubmissionStatusEnum = codeEnum(
  SUBMISSION_STATUSES,
  'SubmissionStatus',
  'Where a report stands: DRAFT → SUBMITTED → APPROVED, or SUBMITTED → RETURNED (with a comment) → DRAFT again. Unapproving an APPROVED report puts it back to SUBMITTED.',
);

export const SubmissionAuditActionEnum = codeEnum(
  SUBMISSION_AUDIT_ACTIONS,
  'SubmissionAuditAction',
  'What an entry of a submission’s history records: a transition (CREATE, SUBMIT, RETURN, APPROVE, UNAPPROVE, REOPEN: a returned report edited back into a draft) or a change (SET_VALUE, REMOVE_VALUE, SET_NARRATIVE).',
);

export const ValueChangeKindEnum = codeEnum(
  ['ADDED', 'CHANGED', 'REMOVED'] as const,
  'ValueChangeKind',
  'How a figure of a submission changes.',
);

@ObjectType({
  implements: Node,
  description:
    'A reporting template (DHIS2’s data set): which metrics a report holds, which levels submit it, how often, and when it is due.',
})
export class ReportingTemplate implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => String, { description: 'Stable code, e.g. annual-summary.' })
  code: string;

  @Field(() => String, { description: 'Name in Chinese, e.g. 年度工作总结.' })
  name: string;

  @Field(() => String)
  nameEn: string;

  @Field(() => String, { nullable: true })
  description: string | null;

  @Field(() => PeriodTypeEnum, { description: 'YEAR, QUARTER or MONTH: one report per period.' })
  periodType: PeriodType;

  @Field(() => [OrganizationLevelEnum], {
    description:
      'The levels whose federations each submit one report per period. A unit’s report can be approved only once every report expected below it is approved.',
  })
  submittingLevels: OrganizationLevel[];

  @Field(() => Int, { description: 'A report is due this many days after its period ends.' })
  dueDays: number;

  readonly row: ReportingTemplateRow;

  constructor(row: ReportingTemplateRow) {
    this.row = row;
    this.id = toGlobalId('ReportingTemplate', row.id);
    this.code = row.code;
    this.name = row.name_zh;
    this.nameEn = row.name_en;
    this.description = row.description;
    this.periodType = row.period_type;
    this.submittingLevels = row.submitting_levels;
    this.dueDays = row.due_days;
  }
}

@ObjectType({
  implements: Node,
  description:
    'One unit’s report for one template and period: its figures, narrative, status and version. Drafts and returned reports are visible only to those who may read the unit’s internal data.',
})
export class Submission implements Node {
  @Field(() => ID)
  id: string;

  @Field(() => Period)
  period: Period;

  @Field(() => SubmissionStatusEnum)
  status: SubmissionStatus;

  @Field(() => Int, {
    description: 'Grows by one with every change; send it back as expectedVersion when writing.',
  })
  version: number;

  @Field(() => String, { nullable: true, description: 'The report’s text.' })
  narrative: string | null;

  @Field(() => GraphQLDateTime)
  createdAt: Date;

  @Field(() => String, { description: 'Who opened it, e.g. staff:<subject>.' })
  createdBy: string;

  @Field(() => GraphQLDateTime)
  updatedAt: Date;

  @Field(() => String)
  updatedBy: string;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When it was last submitted.' })
  submittedAt: Date | null;

  @Field(() => String, { nullable: true })
  submittedBy: string | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When it was last returned.' })
  returnedAt: Date | null;

  @Field(() => String, { nullable: true })
  returnedBy: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'The reviewer’s comment when last returned.',
  })
  returnComment: string | null;

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When it was last approved.' })
  approvedAt: Date | null;

  @Field(() => String, { nullable: true })
  approvedBy: string | null;

  readonly row: SubmissionRow;

  constructor(row: SubmissionRow) {
    this.row = row;
    this.id = toGlobalId('Submission', row.id);
    this.period = new Period({
      canonical: row.period,
      type: row.period_type,
      start: row.period_start,
      end: row.period_end,
    });
    this.status = row.status;
    this.version = row.version;
    this.narrative = row.narrative;
    this.createdAt = row.created_at;
    this.createdBy = row.created_by;
    this.updatedAt = row.updated_at;
    this.updatedBy = row.updated_by;
    this.submittedAt = row.submitted_at;
    this.submittedBy = row.submitted_by;
    this.returnedAt = row.returned_at;
    this.returnedBy = row.returned_by;
    this.returnComment = row.return_comment;
    this.approvedAt = row.approved_at;
    this.approvedBy = row.approved_by;
  }
}

@ObjectType({
  description: 'One entry of a submission’s audit trail: who, when, what, before and after.',
})
export class SubmissionHistoryEntry {
  @Field(() => GraphQLDateTime)
  at: Date;

  @Field(() => String)
  actor: string;

  @Field(() => SubmissionAuditActionEnum)
  action: SubmissionAuditAction;

  @Field(() => SubmissionStatusEnum, { nullable: true })
  fromStatus: SubmissionStatus | null;

  @Field(() => SubmissionStatusEnum)
  toStatus: SubmissionStatus;

  @Field(() => Int, { description: 'The submission’s version after this change.' })
  version: number;

  @Field(() => String, { nullable: true, description: 'The metric whose figure changed.' })
  metric: string | null;

  @Field(() => GraphQLJSONObject, {
    nullable: true,
    description: 'The figure (value, qualifier, scope, wording, asOf) or narrative before.',
  })
  before: Record<string, unknown> | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The same, after.' })
  after: Record<string, unknown> | null;

  @Field(() => String, { nullable: true, description: 'The reviewer’s comment of a return.' })
  comment: string | null;

  readonly row: SubmissionAuditRow;

  constructor(row: SubmissionAuditRow) {
    this.row = row;
    this.at = row.at;
    this.actor = row.actor;
    this.action = row.action;
    this.fromStatus = row.from_status;
    this.toStatus = row.to_status;
    this.version = row.version;
    this.metric = row.metric_code;
    this.before = (row.before as Record<string, unknown> | null) ?? null;
    this.after = (row.after as Record<string, unknown> | null) ?? null;
    this.comment = row.comment;
  }
}

export const SubmissionHistoryConnection = connectionType(
  SubmissionHistoryEntry,
  'SubmissionHistory',
);

@ObjectType({ description: 'A figure of a submission as it was or will be.' })
export class SubmissionValueState {
  @Field(() => DecimalScalar)
  value!: string;

  @Field(() => QualifierEnum)
  qualifier!: Qualifier;

  @Field(() => MetricScopeEnum)
  scope!: MetricScope;

  @Field(() => String, { nullable: true })
  wording!: string | null;

  @Field(() => String, { nullable: true })
  asOf!: string | null;

  static of(state: ValueState | null): SubmissionValueState | null {
    return state === null ? null : Object.assign(new SubmissionValueState(), state);
  }
}

@ObjectType({ description: 'One figure added, changed or removed by saveSubmissionValues.' })
export class SubmissionValueChange {
  @Field(() => String)
  metric: string;

  @Field(() => ValueChangeKindEnum)
  kind: ValueChange['kind'];

  @Field(() => SubmissionValueState, { nullable: true })
  before: SubmissionValueState | null;

  @Field(() => SubmissionValueState, { nullable: true })
  after: SubmissionValueState | null;

  constructor(change: ValueChange) {
    this.metric = change.metric;
    this.kind = change.kind;
    this.before = SubmissionValueState.of(change.before);
    this.after = SubmissionValueState.of(change.after);
  }
}

@ObjectType({ description: 'A problem with one part of the input, named by its path.' })
export class InputProblem {
  @Field(() => String, { description: 'Where in the input, e.g. values.3.value.' })
  path!: string;

  @Field(() => String)
  message!: string;

  static of(problem: Problem): InputProblem {
    return Object.assign(new InputProblem(), problem);
  }
}

@ObjectType()
export class CreateSubmissionPayload {
  @Field(() => Submission)
  submission!: Submission;

  @Field(() => Boolean, {
    description: 'True when this answers a retry with a used idempotency key: nothing was written.',
  })
  replayed!: boolean;
}

@ObjectType()
export class SaveSubmissionValuesPayload {
  @Field(() => Submission, {
    description: 'The submission after the save (as it is, for a dry run or a replay).',
  })
  submission!: Submission;

  @Field(() => [SubmissionValueChange], {
    description:
      'What changed, or for a dry run what would change; a replay repeats the first answer.',
  })
  changes!: SubmissionValueChange[];

  @Field(() => Boolean)
  narrativeChanged!: boolean;

  @Field(() => [InputProblem], {
    description:
      'Every problem found, by input path. Only a dry run returns problems; a real save with problems fails with BAD_USER_INPUT carrying the same list in extensions.problems.',
  })
  problems!: InputProblem[];

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => Boolean)
  replayed!: boolean;
}

@ObjectType({ description: 'A submission moved from one status to another.' })
export class SubmissionStatusChange {
  @Field(() => Submission)
  submission!: Submission;

  @Field(() => SubmissionStatusEnum, { nullable: true, description: 'Null when just created.' })
  from!: SubmissionStatus | null;

  @Field(() => SubmissionStatusEnum)
  to!: SubmissionStatus;

  @Field(() => GraphQLDateTime)
  at!: Date;

  @Field(() => String)
  actor!: string;
}
