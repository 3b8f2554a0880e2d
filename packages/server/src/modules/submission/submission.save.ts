import type { Kysely } from 'kysely';
import { actorOf } from '../../auth/actor.js';
import { authorize } from '../../auth/permissions.js';
import type { Viewer } from '../../auth/viewer.js';
import type { Database, SubmissionRow } from '../../db/tables.js';
import { UserError } from '../../errors.js';
import { applyTotalsChange } from '../aggregation/aggregation.totals.js';
import { claimIdempotencyKey } from './idempotency.js';
import { notifyStatusChange } from './submission.events.js';
import {
  deleteValues,
  insertAudit,
  isHeldByAnotherSubmission,
  updateSubmission,
  upsertValues,
  type AuditEntry,
} from './submission.repository.js';
import {
  checkVersion,
  organizationTarget,
  requireLocked,
  requireSubmissionRow,
  statusEvent,
} from './submission.service.js';
import {
  planSave,
  type Normalized,
  type Problem,
  type SaveValuesRequest,
  type ValueChange,
} from './submission.save-plan.js';
import { auditActionFor, nextStatus } from './submission.workflow.js';

export interface SaveValuesResult {
  submission: SubmissionRow;
  changes: ValueChange[];
  narrativeChanged: boolean;
  problems: Problem[];
  normalized: Normalized[];
  dryRun: boolean;
  replayed: boolean;
}

interface StoredSave {
  changes: ValueChange[];
  narrativeChanged: boolean;
  /** Absent from answers stored before values were read as typed. */
  normalized?: Normalized[];
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
          field: 'input.idempotencyKey',
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
        field: `input.${plan.problems[0]!.path}`,
        problems: plan.problems,
      });
    }
    if (plan.changes.length === 0 && !plan.narrativeChanged) {
      await claim?.store({
        submissionId: submission.id,
        changes: [],
        narrativeChanged: false,
        normalized: plan.normalized,
      });
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
    // Saves reach drafts and returned reports only, which count in no total, but a metric's
    // first figure or its removal changes the coverage (a unit missing or reported).
    await applyTotalsChange(trx, {
      submission,
      statuses: [submission.status, status],
      removedMetrics: plan.changes.filter((c) => c.kind === 'REMOVED').map((c) => c.metric),
      addedMetrics: plan.changes.filter((c) => c.kind === 'ADDED').map((c) => c.metric),
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
      normalized: plan.normalized,
    });
    if (status !== submission.status) {
      const event = statusEvent(updated, organizationTarget(submission), submission.status, actor);
      await notifyStatusChange(trx, event);
    }
    return { replay: null, plan, submission: updated };
  });

  if (outcome.replay) {
    return {
      submission: await requireSubmissionRow(db, request.submissionId),
      changes: outcome.replay.changes,
      narrativeChanged: outcome.replay.narrativeChanged,
      problems: [],
      normalized: outcome.replay.normalized ?? [],
      dryRun: false,
      replayed: true,
    };
  }
  const plan = outcome.plan!;
  return {
    submission: outcome.submission!,
    changes: plan.changes,
    narrativeChanged: plan.narrativeChanged,
    problems: plan.problems,
    normalized: plan.normalized,
    dryRun,
    replayed: false,
  };
}
