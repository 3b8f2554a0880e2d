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
  if (!row) throw templateNotFound(reference, field);
  return row;
}

/** NOT_FOUND for a reference that names no template. */
export function templateNotFound(reference: string, field: string): UserError {
  return new UserError('NOT_FOUND', `No reporting template "${reference}"`, { field });
}

/** The key in a reference to a template: its global id, or else its code. */
export function templateKeyOf(reference: string): { id: number } | { code: string } {
  const id = rowIdOfGlobalId('ReportingTemplate', reference);
  return id !== null ? { id } : { code: reference };
}

/** A template named by its code or its global id, or null when there is none. */
export async function findTemplate(
  loaders: Context['loaders'],
  reference: string,
): Promise<ReportingTemplateRow | null> {
  const key = templateKeyOf(reference);
  return 'id' in key
    ? loaders.submission.templateById.load(key.id)
    : loaders.submission.templateByCode.load(key.code);
}
