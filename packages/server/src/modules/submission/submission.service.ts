import type { Kysely, Transaction } from 'kysely';
import type { Database, SubmissionRow, SubmissionStatus } from '../../db/tables.js';
import { UserError } from '../../errors.js';
import type { SubmissionStatusEvent } from './submission.events.js';
import {
  findSubmissionRow,
  findSubmissionsByIds,
  lockSubmission,
  type SubmissionWithOrganization,
} from './submission.repository.js';

// What the writes to a submission share: who acts, the submission they act on, its version
// and the event a status change publishes. The writes themselves are submission.create.ts,
// submission.save.ts and submission.transition.ts.

/** The longest narrative or comment a submission keeps. */
export const MAX_NARRATIVE = 20_000;

export async function requireSubmission(
  trx: Transaction<Database>,
  id: number,
): Promise<SubmissionWithOrganization> {
  const [row] = await findSubmissionsByIds(trx, [id]);
  if (!row) throw new UserError('NOT_FOUND', 'No such submission', { field: 'input.id' });
  return row;
}

export async function requireLocked(
  trx: Transaction<Database>,
  id: number,
): Promise<SubmissionWithOrganization> {
  const row = await lockSubmission(trx, id);
  if (!row) throw new UserError('NOT_FOUND', 'No such submission', { field: 'input.id' });
  return row;
}

export function checkVersion(submission: SubmissionRow, expectedVersion: number): void {
  if (submission.version !== expectedVersion) {
    throw new UserError(
      'CONFLICT',
      `The submission changed since you read it (version ${submission.version}, you sent ${expectedVersion}): reload and retry`,
      { reason: 'VERSION', currentVersion: submission.version, field: 'input.expectedVersion' },
    );
  }
}

export function organizationTarget(submission: SubmissionWithOrganization) {
  return {
    id: submission.organization_id,
    path: submission.organization_path,
    parent_id: submission.organization_parent_id,
  };
}

export function statusEvent(
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

/** A submission a write has just read or written by id; it exists, or the write would have failed. */
export async function requireSubmissionRow(
  db: Kysely<Database>,
  id: number,
): Promise<SubmissionRow> {
  const row = await findSubmissionRow(db, id);
  if (!row) throw new Error(`submission ${id} is missing`);
  return row;
}
