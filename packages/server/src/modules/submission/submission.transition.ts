import type { Kysely, Transaction } from 'kysely';
import { actorOf } from '../../auth/actor.js';
import { authorize } from '../../auth/permissions.js';
import type { Viewer } from '../../auth/viewer.js';
import { ORGANIZATION_LEVELS, type Database, type SubmissionRow } from '../../db/tables.js';
import { UserError, badInput } from '../../errors.js';
import { toGlobalId } from '../../graph/global-id.js';
import { UnreachableCaseError } from '../../unreachable.js';
import { applyTotalsChange } from '../aggregation/aggregation.totals.js';
import { notifyStatusChange } from './submission.events.js';
import { findTemplatesByIds } from './reporting-template.repository.js';
import {
  findPendingBelow,
  insertAudit,
  lockAncestorSubmissions,
  updateSubmission,
  type StepColumns,
  type SubmissionWithOrganization,
} from './submission.repository.js';
import {
  checkVersion,
  MAX_NARRATIVE,
  organizationTarget,
  requireLocked,
  requireSubmission,
  statusEvent,
} from './submission.service.js';
import {
  auditActionFor,
  nextStatus,
  permissionFor,
  type WorkflowStep,
} from './submission.workflow.js';

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
    throw badInput('Say what needs fixing: a returned submission needs a comment', 'input.comment');
  }
  if (comment.length > MAX_NARRATIVE) {
    throw badInput(`The comment is over ${MAX_NARRATIVE} characters`, 'input.comment');
  }
  const actor = actorOf(viewer);
  return db.transaction().execute(async (trx) => {
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
          {
            reason: 'PARENT_APPROVED',
            parentSubmissionId: toGlobalId('Submission', approved.id),
          },
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
    await notifyStatusChange(
      trx,
      statusEvent(updated, organizationTarget(submission), submission.status, actor),
    );
    return updated;
  });
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
  const [template] = await findTemplatesByIds(trx, [submission.template_id]);
  if (!template) throw new Error(`reporting_template ${submission.template_id} is missing`);
  const own = ORGANIZATION_LEVELS.indexOf(submission.organization_level);
  const lower = template.submitting_levels.filter(
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
