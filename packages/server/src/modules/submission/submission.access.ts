import { can } from '../../auth/permissions.js';
import type { Context } from '../../context.js';
import type { ReportingTemplateRow } from '../../db/tables.js';
import { UserError } from '../../errors.js';
import { rowIdOfGlobalId } from '../../graph/global-id.js';
import type { SubmissionStatusEvent } from './submission.events.js';
import type { SubmissionWithOrganization } from './submission.repository.js';
import { submissionScope } from './submission.type.js';

/**
 * Submitted and approved reports are visible to whoever may see the report at all; drafts
 * and returned ones only to those the rule book lets read them (submission.read).
 */
export function canSeeSubmission(
  viewer: Context['viewer'],
  row: SubmissionWithOrganization | SubmissionStatusEvent,
): boolean {
  const submission = 'submission' in row ? row.submission : row;
  if (submission.status === 'SUBMITTED' || submission.status === 'APPROVED') return true;
  return can(viewer, 'submission.read', submissionScope(row));
}

/** Finds a template named by its code or its global id. */
export async function requireTemplate(
  loaders: Context['loaders'],
  reference: string,
  field: string,
): Promise<ReportingTemplateRow> {
  const row = await findTemplate(loaders, reference);
  if (!row) throw new UserError('NOT_FOUND', `No reporting template "${reference}"`, { field });
  return row;
}

/** A template named by its code or its global id, or null when there is none. */
export async function findTemplate(
  loaders: Context['loaders'],
  reference: string,
): Promise<ReportingTemplateRow | null> {
  const id = rowIdOfGlobalId('ReportingTemplate', reference);
  return id !== null
    ? loaders.submission.templateById.load(id)
    : loaders.submission.templateByCode.load(reference);
}
