import type { Kysely, Transaction } from 'kysely';
import { actorOf } from '../../auth/actor.js';
import { authorize } from '../../auth/permissions.js';
import type { Viewer } from '../../auth/viewer.js';
import {
  ORGANIZATION_LEVELS,
  type Database,
  type MetricScope,
  type MetricValueRow,
  type NewMetricValue,
  type OrganizationRow,
  type Qualifier,
  type ReportingTemplateRow,
  type SubmissionRow,
  type SubmissionStatus,
} from '../../db/tables.js';
import { UserError, badInput } from '../../errors.js';
import { UnreachableCaseError } from '../../unreachable.js';
import { applyTotalsChange } from '../aggregation/aggregation.totals.js';
import { normalizeDecimal } from '../metric/decimal.js';
import { validateMetricValue } from '../metric/metric.validation.js';
import { parsePeriod } from '../period/period.js';
import { claimIdempotencyKey } from './idempotency.js';
import { publishStatusChange, type SubmissionStatusEvent } from './submission.events.js';
import {
  deleteValues,
  findExistingSubmissionId,
  findPendingBelow,
  findSubmissionsByIds,
  findSubmittedValues,
  findTemplateDefinitions,
  insertAudit,
  insertSubmission,
  isHeldByAnotherSubmission,
  lockAncestorSubmissions,
  lockSubmission,
  updateSubmission,
  upsertValues,
  type AuditEntry,
  type StepColumns,
  type SubmissionWithOrganization,
} from './submission.repository.js';
import {
  auditActionFor,
  nextStatus,
  permissionFor,
  type WorkflowStep,
} from './submission.workflow.js';

export interface CreateSubmissionRequest {
  template: ReportingTemplateRow;
  organization: OrganizationRow;
  period: string;
  narrative?: string | null;
  idempotencyKey?: string | null;
}

export interface CreateSubmissionResult {
  submission: SubmissionRow;
  replayed: boolean;
}

const MAX_NARRATIVE = 20_000;
const MAX_WORDING = 200;

/**
 * Opens a draft for a unit, template and period: one transaction that checks the period
 * against the template's period type and the unit against the levels that submit, writes the
 * draft and its audit row, and records the answer under the client's idempotency key.
 */
export async function createSubmission(
  db: Kysely<Database>,
  viewer: Viewer,
  request: CreateSubmissionRequest,
): Promise<CreateSubmissionResult> {
  const { template, organization } = request;
  authorize(viewer, 'submission.create', organization);
  const period = parsePeriod(request.period, 'period');
  if (period.type !== template.period_type) {
    throw badInput(
      `Template ${template.code} is reported per ${template.period_type.toLowerCase()}, got a ${period.type.toLowerCase()} (${period.canonical})`,
      'period',
    );
  }
  if (
    organization.kind !== 'FEDERATION' ||
    !template.submitting_levels.includes(organization.level)
  ) {
    throw badInput(
      `Template ${template.code} is submitted by federations at ${template.submitting_levels.join(', ')} level, not by ${organization.name} (${organization.level})`,
      'organization',
    );
  }
  if (request.narrative != null && request.narrative.length > MAX_NARRATIVE) {
    throw badInput(`The narrative is over ${MAX_NARRATIVE} characters`, 'narrative');
  }
  const actor = actorOf(viewer);
  const outcome = await db.transaction().execute(async (trx) => {
    const claim = request.idempotencyKey
      ? await claimIdempotencyKey<{ submissionId: number }>(
          trx,
          actor,
          request.idempotencyKey,
          'createSubmission',
          {
            template: template.id,
            organization: organization.id,
            period: period.canonical,
            narrative: request.narrative,
          },
        )
      : null;
    if (claim?.kind === 'replay') return { replayOf: claim.response.submissionId, row: null };

    const row = await insertSubmission(trx, {
      template_id: template.id,
      organization_id: organization.id,
      period: period.canonical,
      period_type: template.period_type,
      period_start: period.start,
      period_end: period.end,
      narrative: request.narrative || null,
      actor,
    });
    if (!row) {
      const existing = await findExistingSubmissionId(
        trx,
        template.id,
        period.canonical,
        organization.id,
      );
      throw new UserError(
        'CONFLICT',
        `${organization.name} already has a ${template.code} submission for ${period.canonical}`,
        { reason: 'EXISTS', submissionId: existing },
      );
    }
    await insertAudit(trx, [
      {
        submission_id: row.id,
        actor,
        action: 'CREATE',
        from_status: null,
        to_status: row.status,
        version: row.version,
        after: { narrative: row.narrative },
      },
    ]);
    await claim?.store({ submissionId: row.id });
    return { replayOf: null, row };
  });
  if (outcome.replayOf !== null) {
    const [row] = await db
      .selectFrom('submission')
      .selectAll()
      .where('id', '=', outcome.replayOf)
      .execute();
    return { submission: row!, replayed: true };
  }
  const row = outcome.row!;
  publishStatusChange(statusEvent(row, organization, null, actor));
  return { submission: row, replayed: false };
}

/** One figure as a client sends it in saveSubmissionValues. */
export interface SubmissionValueRequest {
  metric: string;
  value: string;
  unit?: string | null;
  qualifier?: Qualifier | null;
  scope?: MetricScope | null;
  wording?: string | null;
  asOf?: string | null;
}

export interface SaveValuesRequest {
  submissionId: number;
  expectedVersion: number;
  values?: readonly SubmissionValueRequest[] | null;
  /** Metric codes whose figures to delete. */
  remove?: readonly string[] | null;
  /** Absent or null leaves the narrative as it is; an empty string clears it. */
  narrative?: string | null;
  idempotencyKey?: string | null;
  dryRun?: boolean | null;
}

/** A figure's state before or after a change. */
export interface ValueState {
  value: string;
  qualifier: Qualifier;
  scope: MetricScope;
  wording: string | null;
  asOf: string | null;
}

export interface ValueChange {
  metric: string;
  kind: 'ADDED' | 'CHANGED' | 'REMOVED';
  before: ValueState | null;
  after: ValueState | null;
}

export interface Problem {
  /** Where in the input, e.g. values.3.value. */
  path: string;
  message: string;
}

export interface SaveValuesResult {
  submission: SubmissionRow;
  changes: ValueChange[];
  narrativeChanged: boolean;
  problems: Problem[];
  dryRun: boolean;
  replayed: boolean;
}

interface StoredSave {
  changes: ValueChange[];
  narrativeChanged: boolean;
}

/**
 * Upserts and removes many figures of a submission at once. Everything is checked first
 * (template membership, the metric's unit and range, the submission's period, duplicates,
 * figures another template already holds) and every problem is reported by input path; a dry
 * run returns the changes and problems and writes nothing, a real run with any problem writes
 * nothing and fails with BAD_USER_INPUT listing them all. Otherwise one transaction writes the
 * figures, bumps the version (a returned submission becomes a draft again) and audits each
 * change.
 */
export async function saveSubmissionValues(
  db: Kysely<Database>,
  viewer: Viewer,
  request: SaveValuesRequest,
): Promise<SaveValuesResult> {
  const dryRun = request.dryRun ?? false;
  const actor = actorOf(viewer);
  const outcome = await db.transaction().execute(async (trx) => {
    const claim =
      request.idempotencyKey && !dryRun
        ? await claimIdempotencyKey<StoredSave & { submissionId: number }>(
            trx,
            actor,
            request.idempotencyKey,
            'saveSubmissionValues',
            { ...request, idempotencyKey: undefined, dryRun: undefined },
          )
        : null;
    if (claim?.kind === 'replay') {
      if (claim.response.submissionId !== request.submissionId) {
        throw new UserError('CONFLICT', 'This idempotency key was used for another submission', {
          reason: 'IDEMPOTENCY_KEY_REUSED',
          field: 'idempotencyKey',
        });
      }
      return { replay: claim.response, plan: null, submission: null, events: [] };
    }

    const submission = await requireLocked(trx, request.submissionId);
    authorize(viewer, 'submission.save', organizationTarget(submission));
    checkVersion(submission, request.expectedVersion);
    const status = nextStatus('save', submission.status);

    const plan = await planSave(trx, submission, request);
    if (dryRun) return { replay: null, plan, submission: submission as SubmissionRow, events: [] };
    if (plan.problems.length > 0) {
      throw new UserError('BAD_USER_INPUT', `${plan.problems.length} problem(s) in the values`, {
        field: plan.problems[0]!.path,
        problems: plan.problems,
      });
    }
    if (plan.changes.length === 0 && !plan.narrativeChanged) {
      await claim?.store({ submissionId: submission.id, changes: [], narrativeChanged: false });
      return { replay: null, plan, submission: submission as SubmissionRow, events: [] };
    }

    try {
      await upsertValues(trx, plan.upserts);
    } catch (error) {
      // The plan checked figures other templates hold, but a save of another of the unit's
      // submissions may commit the same metric in between: the index refuses the second.
      if (!isHeldByAnotherSubmission(error)) throw error;
      throw new UserError(
        'CONFLICT',
        `Another submission of this unit saved one of these figures for ${submission.period} at the same time: reload and retry`,
        { reason: 'HELD_ELSEWHERE' },
      );
    }
    await deleteValues(
      trx,
      submission.id,
      plan.changes.filter((change) => change.kind === 'REMOVED').map((change) => change.metric),
    );
    const updated = await updateSubmission(
      trx,
      submission.id,
      status,
      actor,
      plan.narrativeChanged ? { narrative: plan.narrative } : {},
    );
    // Saves reach drafts and returned reports only, which count in no total, so this is a
    // no-op unless the workflow lets a counted report be edited.
    await applyTotalsChange(trx, {
      submission,
      statuses: [submission.status, status],
      removedMetrics: plan.changes.filter((c) => c.kind === 'REMOVED').map((c) => c.metric),
    });
    const audit: AuditEntry[] = [];
    const base = {
      submission_id: submission.id,
      actor,
      from_status: submission.status,
      to_status: status,
      version: updated.version,
    };
    if (status !== submission.status) audit.push({ ...base, action: auditActionFor('save') });
    for (const change of plan.changes) {
      audit.push({
        ...base,
        action: change.kind === 'REMOVED' ? 'REMOVE_VALUE' : 'SET_VALUE',
        metric_code: change.metric,
        before: change.before,
        after: change.after,
      });
    }
    if (plan.narrativeChanged) {
      audit.push({
        ...base,
        action: 'SET_NARRATIVE',
        before: { narrative: submission.narrative },
        after: { narrative: plan.narrative },
      });
    }
    await insertAudit(trx, audit);
    await claim?.store({
      submissionId: submission.id,
      changes: plan.changes,
      narrativeChanged: plan.narrativeChanged,
    });
    const events =
      status !== submission.status
        ? [statusEvent(updated, organizationTarget(submission), submission.status, actor)]
        : [];
    return { replay: null, plan, submission: updated, events };
  });

  if (outcome.replay) {
    const [row] = await db
      .selectFrom('submission')
      .selectAll()
      .where('id', '=', request.submissionId)
      .execute();
    return {
      submission: row!,
      changes: outcome.replay.changes,
      narrativeChanged: outcome.replay.narrativeChanged,
      problems: [],
      dryRun: false,
      replayed: true,
    };
  }
  for (const event of outcome.events) publishStatusChange(event);
  const plan = outcome.plan!;
  return {
    submission: outcome.submission!,
    changes: plan.changes,
    narrativeChanged: plan.narrativeChanged,
    problems: plan.problems,
    dryRun,
    replayed: false,
  };
}

interface SavePlan {
  upserts: NewMetricValue[];
  changes: ValueChange[];
  problems: Problem[];
  narrative: string | null;
  narrativeChanged: boolean;
}

/** Validates every input figure and works out what would change, without writing. */
async function planSave(
  trx: Transaction<Database>,
  submission: SubmissionWithOrganization,
  request: SaveValuesRequest,
): Promise<SavePlan> {
  const definitions = new Map(
    (await findTemplateDefinitions(trx, [submission.template_id])).map((row) => [row.code, row]),
  );
  const stored = await findSubmittedValues(trx, submission.organization_id, submission.period);
  const current = new Map(
    stored
      .filter((row) => row.submission_id === submission.id)
      .map((row) => [row.metric_code, row]),
  );
  const elsewhere = new Map(
    stored
      .filter((row) => row.submission_id !== submission.id)
      .map((row) => [row.metric_code, row]),
  );

  const problems: Problem[] = [];
  const changes: ValueChange[] = [];
  const upserts: NewMetricValue[] = [];
  const seen = new Set<string>();
  const removals = new Set(request.remove ?? []);

  (request.values ?? []).forEach((input, index) => {
    const at = `values.${index}`;
    const definition = definitions.get(input.metric);
    if (!definition) {
      problems.push({
        path: `${at}.metric`,
        message: `"${input.metric}" is not a metric of this submission's template`,
      });
      return;
    }
    if (seen.has(input.metric) || removals.has(input.metric)) {
      problems.push({
        path: `${at}.metric`,
        message: `${input.metric} appears more than once in this request`,
      });
      return;
    }
    seen.add(input.metric);
    const other = elsewhere.get(input.metric);
    if (other) {
      problems.push({
        path: `${at}.metric`,
        message: `${input.metric} for ${submission.period} is already reported in another submission of this unit (${other.submission_id})`,
      });
      return;
    }
    if (input.wording != null && input.wording.length > MAX_WORDING) {
      problems.push({
        path: `${at}.wording`,
        message: `wording is over ${MAX_WORDING} characters`,
      });
      return;
    }
    let valid;
    try {
      valid = validateMetricValue(
        definition,
        {
          metric: input.metric,
          period: submission.period,
          value: input.value,
          unit: input.unit,
          asOf: input.asOf,
        },
        at,
      );
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      problems.push({ path: String(error.extensions.field ?? at), message: error.message });
      return;
    }
    const after: ValueState = {
      value: valid.value,
      qualifier: input.qualifier ?? 'EXACT',
      scope: input.scope ?? 'SELF',
      wording: input.wording ?? null,
      asOf: valid.asOf,
    };
    const existing = current.get(input.metric);
    const before = existing ? stateOf(existing) : null;
    if (before && sameState(before, after)) return;
    changes.push({ metric: input.metric, kind: before ? 'CHANGED' : 'ADDED', before, after });
    upserts.push({
      organization_id: submission.organization_id,
      metric_code: input.metric,
      period: submission.period,
      period_type: submission.period_type,
      period_start: submission.period_start,
      period_end: submission.period_end,
      as_of: valid.asOf,
      value: valid.value,
      unit: valid.unit,
      wording: after.wording,
      qualifier: after.qualifier,
      scope: after.scope,
      aggregatable: valid.aggregatable,
      submission_id: submission.id,
    });
  });

  [...removals].forEach((metric, index) => {
    if (!definitions.has(metric)) {
      problems.push({
        path: `remove.${index}`,
        message: `"${metric}" is not a metric of this submission's template`,
      });
      return;
    }
    const existing = current.get(metric);
    if (existing) changes.push({ metric, kind: 'REMOVED', before: stateOf(existing), after: null });
  });

  let narrative = submission.narrative;
  let narrativeChanged = false;
  if (request.narrative != null) {
    if (request.narrative.length > MAX_NARRATIVE) {
      problems.push({
        path: 'narrative',
        message: `The narrative is over ${MAX_NARRATIVE} characters`,
      });
    } else {
      narrative = request.narrative === '' ? null : request.narrative;
      narrativeChanged = narrative !== submission.narrative;
    }
  }
  return { upserts, changes, problems, narrative, narrativeChanged };
}

function stateOf(row: MetricValueRow): ValueState {
  return {
    value: normalizeDecimal(row.value),
    qualifier: row.qualifier,
    scope: row.scope,
    wording: row.wording,
    asOf: row.as_of,
  };
}

function sameState(a: ValueState, b: ValueState): boolean {
  return (
    a.value === b.value &&
    a.qualifier === b.qualifier &&
    a.scope === b.scope &&
    a.wording === b.wording &&
    a.asOf === b.asOf
  );
}

export interface TransitionRequest {
  submissionId: number;
  expectedVersion: number;
  /** The reviewer's reason, required to return a submission. */
  comment?: string | null;
}

type TransitionStep = Exclude<WorkflowStep, 'save'>;

/**
 * Submits, returns, approves or unapproves a submission in one transaction: the version must
 * match, the status must allow the step, approval needs every report the template expects
 * below the unit approved first, and unapproval is refused while a report above is approved.
 */
export async function transitionSubmission(
  db: Kysely<Database>,
  viewer: Viewer,
  step: TransitionStep,
  request: TransitionRequest,
): Promise<SubmissionRow> {
  const comment = request.comment?.trim() ?? '';
  if (step === 'return' && comment.length === 0) {
    throw badInput('Say what needs fixing: a returned submission needs a comment', 'comment');
  }
  if (comment.length > MAX_NARRATIVE) {
    throw badInput(`The comment is over ${MAX_NARRATIVE} characters`, 'comment');
  }
  const actor = actorOf(viewer);
  const { row, event } = await db.transaction().execute(async (trx) => {
    if (step === 'unapprove') {
      // Ancestors first: the lock order every approval and unapproval follows.
      const unlocked = await requireSubmission(trx, request.submissionId);
      authorize(viewer, permissionFor(step), organizationTarget(unlocked));
      const above = await lockAncestorSubmissions(trx, unlocked);
      const approved = above.find((parent) => parent.status === 'APPROVED');
      if (approved) {
        throw new UserError(
          'LOCKED',
          `${approved.organization_name}'s submission above is approved: unapprove it first`,
          { reason: 'PARENT_APPROVED', parentSubmissionId: approved.id },
        );
      }
    }
    const submission = await requireLocked(trx, request.submissionId);
    authorize(viewer, permissionFor(step), organizationTarget(submission));
    checkVersion(submission, request.expectedVersion);
    const status = nextStatus(step, submission.status);
    if (step === 'approve') await checkBelowApproved(trx, submission);

    const updated = await updateSubmission(
      trx,
      submission.id,
      status,
      actor,
      stepColumns(step, actor, comment),
    );
    await applyTotalsChange(trx, { submission, statuses: [submission.status, status] });
    await insertAudit(trx, [
      {
        submission_id: submission.id,
        actor,
        action: auditActionFor(step),
        from_status: submission.status,
        to_status: status,
        version: updated.version,
        comment: comment || null,
      },
    ]);
    return {
      row: updated,
      event: statusEvent(updated, organizationTarget(submission), submission.status, actor),
    };
  });
  publishStatusChange(event);
  return row;
}

function stepColumns(step: TransitionStep, actor: string, comment: string): StepColumns {
  switch (step) {
    case 'submit':
      return { stamp: 'submitted_at', submitted_by: actor };
    case 'return':
      return { stamp: 'returned_at', returned_by: actor, return_comment: comment };
    case 'approve':
      return { stamp: 'approved_at', approved_by: actor };
    case 'unapprove':
      // The approval is undone, so the submission no longer says who approved it and when;
      // the audit keeps the approval and the unapproval.
      return { approved_at: null, approved_by: null };
    default:
      throw new UnreachableCaseError(step);
  }
}

async function checkBelowApproved(
  trx: Transaction<Database>,
  submission: SubmissionWithOrganization,
): Promise<void> {
  const [template] = await trx
    .selectFrom('reporting_template')
    .select(['code', 'submitting_levels'])
    .where('id', '=', submission.template_id)
    .execute();
  const own = ORGANIZATION_LEVELS.indexOf(submission.organization_level);
  const lower = template!.submitting_levels.filter(
    (level) => ORGANIZATION_LEVELS.indexOf(level) > own,
  );
  if (lower.length === 0) return;
  const pending = await findPendingBelow(trx, submission, lower);
  if (pending.count > 0) {
    throw new UserError(
      'CONFLICT',
      `${pending.count} report(s) below are not approved yet (${pending.names.join(', ')}${pending.count > pending.names.length ? ', …' : ''}): approve them first`,
      { reason: 'PENDING_BELOW', pendingCount: pending.count, pending: pending.names },
    );
  }
}

async function requireSubmission(
  trx: Transaction<Database>,
  id: number,
): Promise<SubmissionWithOrganization> {
  const [row] = await findSubmissionsByIds(trx, [id]);
  if (!row) throw new UserError('NOT_FOUND', 'No such submission', { field: 'id' });
  return row;
}

async function requireLocked(
  trx: Transaction<Database>,
  id: number,
): Promise<SubmissionWithOrganization> {
  const row = await lockSubmission(trx, id);
  if (!row) throw new UserError('NOT_FOUND', 'No such submission', { field: 'id' });
  return row;
}

function checkVersion(submission: SubmissionRow, expectedVersion: number): void {
  if (submission.version !== expectedVersion) {
    throw new UserError(
      'CONFLICT',
      `The submission changed since you read it (version ${submission.version}, you sent ${expectedVersion}): reload and retry`,
      { reason: 'VERSION', currentVersion: submission.version, field: 'expectedVersion' },
    );
  }
}

function organizationTarget(submission: SubmissionWithOrganization) {
  return {
    id: submission.organization_id,
    path: submission.organization_path,
    parent_id: submission.organization_parent_id,
  };
}

function statusEvent(
  row: SubmissionRow,
  organization: { path: string; parent_id: number | null },
  from: SubmissionStatus | null,
  actor: string,
): SubmissionStatusEvent {
  return {
    submission: row,
    organizationPath: organization.path,
    organizationParentId: organization.parent_id,
    from,
    to: row.status,
    at: row.updated_at,
    actor,
  };
}
