import { GraphQLDateTime, GraphQLJSONObject } from 'graphql-scalars';
import { Authorized, Field, ID, Int, ObjectType } from 'type-graphql';
import type { Requirement, Scoped } from '../../auth/auth-checker.js';
import type { Target } from '../../auth/permissions.js';
import {
  SUBMISSION_AUDIT_ACTIONS,
  SUBMISSION_STATUSES,
  type OrganizationLevel,
  type ReportingTemplateRow,
  type SubmissionAuditAction,
  type SubmissionAuditRow,
  type SubmissionRow,
  type SubmissionStatus,
} from '../../db/tables.js';
import { connectionType } from '../../graph/connection.type.js';
import { codeEnum } from '../../graph/enum.js';
import { toGlobalId } from '../../graph/global-id.js';
import { Node } from '../../graph/node.type.js';
import { OrganizationLevelEnum } from '../organization/organization.type.js';
import { Period, PeriodTypeEnum } from '../../period/period.type.js';
import type { PeriodType } from '../../period/period.js';
import type { SubmissionStatusEvent } from './submission.events.js';
import type { SubmissionWithOrganization } from './submission.repository.js';

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

/** The submitting unit of a submission read with its organization, or of a status event. */
export function submissionScope(row: SubmissionWithOrganization | SubmissionStatusEvent): Target {
  return 'submission' in row
    ? {
        id: row.submission.organization_id,
        path: row.organizationPath,
        parent_id: row.organizationParentId,
      }
    : {
        id: row.organization_id,
        path: row.organization_path,
        parent_id: row.organization_parent_id,
      };
}

const INTERNAL_DATA =
  'Internal: readable by federation staff whose reach includes the submitting unit; null, with FORBIDDEN in errors, for everyone else, API keys and anonymous callers included.';

@ObjectType({
  implements: Node,
  description:
    'One unit’s report for one template and period: its figures, narrative, status and version. Drafts and returned reports are visible only to those who may read the unit’s drafts; who did what, the reviewer’s comment and the history only to staff who may read its internal data.',
})
export class Submission implements Node, Scoped {
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

  @Authorized<Requirement>('read.internal')
  @Field(() => String, {
    nullable: true,
    description: `Who opened it, e.g. staff:<subject>. ${INTERNAL_DATA}`,
  })
  get createdBy(): string {
    return this.row.created_by;
  }

  @Field(() => GraphQLDateTime)
  updatedAt: Date;

  @Authorized<Requirement>('read.internal')
  @Field(() => String, { nullable: true, description: `Who changed it last. ${INTERNAL_DATA}` })
  get updatedBy(): string {
    return this.row.updated_by;
  }

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When it was last submitted.' })
  submittedAt: Date | null;

  @Authorized<Requirement>('read.internal')
  @Field(() => String, { nullable: true, description: `Who submitted it last. ${INTERNAL_DATA}` })
  get submittedBy(): string | null {
    return this.row.submitted_by;
  }

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When it was last returned.' })
  returnedAt: Date | null;

  @Authorized<Requirement>('read.internal')
  @Field(() => String, { nullable: true, description: `Who returned it last. ${INTERNAL_DATA}` })
  get returnedBy(): string | null {
    return this.row.returned_by;
  }

  @Authorized<Requirement>('read.internal')
  @Field(() => String, {
    nullable: true,
    description: `The reviewer’s comment when last returned. ${INTERNAL_DATA}`,
  })
  get returnComment(): string | null {
    return this.row.return_comment;
  }

  @Field(() => GraphQLDateTime, { nullable: true, description: 'When it was last approved.' })
  approvedAt: Date | null;

  @Authorized<Requirement>('read.internal')
  @Field(() => String, { nullable: true, description: `Who approved it last. ${INTERNAL_DATA}` })
  get approvedBy(): string | null {
    return this.row.approved_by;
  }

  /** The stored row, actors included; they are exposed only through the guarded fields. */
  readonly row: SubmissionRow;

  /** The submitting unit: who may read the guarded fields is decided on it. */
  readonly scope: Target;

  constructor(row: SubmissionWithOrganization);
  constructor(row: SubmissionRow, scope: Target);
  constructor(row: SubmissionRow, scope?: Target) {
    this.row = row;
    // Without a scope, the first signature holds: the row carries its organization.
    this.scope = scope ?? submissionScope(row as SubmissionWithOrganization);
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
    this.updatedAt = row.updated_at;
    this.submittedAt = row.submitted_at;
    this.returnedAt = row.returned_at;
    this.approvedAt = row.approved_at;
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

@ObjectType({ description: 'A submission moved from one status to another.' })
export class SubmissionStatusChange implements Scoped {
  @Field(() => Submission)
  submission: Submission;

  @Field(() => SubmissionStatusEnum, { nullable: true, description: 'Null when just created.' })
  from: SubmissionStatus | null;

  @Field(() => SubmissionStatusEnum)
  to: SubmissionStatus;

  @Field(() => GraphQLDateTime)
  at: Date;

  @Authorized<Requirement>('read.internal')
  @Field(() => String, { nullable: true, description: `Who made the change. ${INTERNAL_DATA}` })
  get actor(): string {
    return this.event.actor;
  }

  /** The event as published, actor included; exposed only through the guarded field. */
  readonly event: SubmissionStatusEvent;

  /** The submitting unit, as for the submission itself. */
  readonly scope: Target;

  constructor(event: SubmissionStatusEvent) {
    this.event = event;
    this.scope = submissionScope(event);
    this.submission = new Submission(event.submission, this.scope);
    this.from = event.from;
    this.to = event.to;
    this.at = event.at;
  }
}
