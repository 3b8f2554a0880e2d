import { createPubSub } from '@graphql-yoga/subscription';
import type { SubmissionRow, SubmissionStatus } from '../../db/tables.js';

/** A submission moved from one status to another (from is null when it was just created). */
export interface SubmissionStatusEvent {
  submission: SubmissionRow;
  /** The submitting unit's materialized path, so subscribers filter by subtree without SQL. */
  organizationPath: string;
  organizationParentId: number | null;
  from: SubmissionStatus | null;
  to: SubmissionStatus;
  at: Date;
  actor: string;
}

export const SUBMISSION_STATUS_CHANGED = 'SUBMISSION_STATUS_CHANGED';

/**
 * The process's event bus for live dashboards. In memory: a server instance tells only its own
 * subscribers; several instances would need a shared event target (docs/reporting.md).
 */
export const pubSub = createPubSub<{ [SUBMISSION_STATUS_CHANGED]: [SubmissionStatusEvent] }>();

/** Called after the transaction that made the change has committed, never inside it. */
export function publishStatusChange(event: SubmissionStatusEvent): void {
  pubSub.publish(SUBMISSION_STATUS_CHANGED, event);
}
