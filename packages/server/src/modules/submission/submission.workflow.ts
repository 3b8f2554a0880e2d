import type { Action } from '../../auth/permissions.js';
import type { SubmissionAuditAction, SubmissionStatus } from '../../db/tables.js';
import { UserError } from '../../errors.js';
import { UnreachableCaseError } from '../../unreachable.js';

/** What can happen to an existing submission. */
export type WorkflowStep = 'save' | 'submit' | 'return' | 'approve' | 'unapprove';

/** The state machine: for each step, the statuses it starts from and where it leads. */
const STEPS: Record<WorkflowStep, { from: readonly SubmissionStatus[]; to: SubmissionStatus }> = {
  // Editing a returned submission reopens it as a draft; a submitted one is under review.
  save: { from: ['DRAFT', 'RETURNED'], to: 'DRAFT' },
  submit: { from: ['DRAFT'], to: 'SUBMITTED' },
  return: { from: ['SUBMITTED'], to: 'RETURNED' },
  approve: { from: ['SUBMITTED'], to: 'APPROVED' },
  // As in DHIS2, unapproving puts the report back where the reviewer found it.
  unapprove: { from: ['APPROVED'], to: 'SUBMITTED' },
};

/**
 * Where `step` leads from `status`. Throws LOCKED for any step but unapprove on an approved
 * submission (approval locks it), and CONFLICT for any other step the status does not allow.
 *
 * @example
 * nextStatus('return', 'SUBMITTED'); // 'RETURNED'
 * nextStatus('save', 'APPROVED'); // throws LOCKED
 */
export function nextStatus(step: WorkflowStep, status: SubmissionStatus): SubmissionStatus {
  const { from, to } = STEPS[step];
  if (from.includes(status)) return to;
  if (status === 'APPROVED') {
    throw new UserError('LOCKED', `The submission is approved: unapprove it before you ${step}`, {
      reason: 'APPROVED',
      status,
    });
  }
  throw new UserError('CONFLICT', `Cannot ${step} a submission that is ${status}`, {
    reason: 'STATUS',
    status,
    allowedFrom: [...from],
  });
}

/** The permission each step needs on the submitting organization. */
export function permissionFor(step: WorkflowStep): Action {
  switch (step) {
    case 'save':
      return 'submission.save';
    case 'submit':
      return 'submission.submit';
    case 'return':
      return 'submission.return';
    case 'approve':
      return 'submission.approve';
    case 'unapprove':
      return 'submission.unapprove';
    default:
      throw new UnreachableCaseError(step);
  }
}

/** The audit action that records a status change made by `step`. */
export function auditActionFor(step: WorkflowStep): SubmissionAuditAction {
  switch (step) {
    case 'save':
      return 'REOPEN';
    case 'submit':
      return 'SUBMIT';
    case 'return':
      return 'RETURN';
    case 'approve':
      return 'APPROVE';
    case 'unapprove':
      return 'UNAPPROVE';
    default:
      throw new UnreachableCaseError(step);
  }
}

/** Every (step, status) pair, for tests and docs that walk the whole machine. */
export const WORKFLOW_STEPS = Object.keys(STEPS) as WorkflowStep[];
