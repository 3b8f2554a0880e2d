import type { Kysely } from 'kysely';
import type { Viewer } from '../auth/viewer.js';
import type { Database, SubmissionRow } from '../db/tables.js';
import { UserError } from '../errors.js';
import { createSubmission } from '../modules/submission/submission.create.js';
import { saveSubmissionValues } from '../modules/submission/submission.save.js';
import type { SubmissionValueRequest } from '../modules/submission/submission.save-plan.js';
import {
  planImport,
  type ImportPlan,
  type ImportRequest,
  type SheetPlan,
} from './workbook.import.js';

/** A new report's version: the workbook of a unit with no report carries 0 and saves onto this. */
const FIRST_VERSION = 1;

export interface UnitOutcome {
  sheet: string;
  organizationId: number;
  /** SAVED: figures written; UNCHANGED: nothing to write; REPLAYED: this file was committed before. */
  outcome: 'SAVED' | 'UNCHANGED' | 'REPLAYED';
  submission: SubmissionRow | null;
  changes: number;
}

export interface CommitResult {
  plan: ImportPlan;
  units: UnitOutcome[];
}

/**
 * Commits exactly what the dry run of the same bytes shows. The whole file is checked first
 * and anything the dry run flags (a cell's problem, a stale or submitted sheet) refuses it
 * with nothing written: BAD_USER_INPUT listing the problems, or CONFLICT naming the stale
 * sheet. Then each unit is written by the submission service, in its own transaction: its
 * report is created if missing, and its figures saved with the workbook's version as
 * expectedVersion and `xlsx:<file hash>:<unit>` as idempotency key, so uploading the same file
 * twice changes nothing. Should another writer change a unit's report between the check and
 * its save, that unit fails with CONFLICT and the units before it stay written; the same file
 * uploaded again then writes the rest (those written replay by key or find nothing to change).
 */
export async function commitImport(
  db: Kysely<Database>,
  viewer: Viewer,
  request: ImportRequest,
): Promise<CommitResult> {
  const plan = await planImport(db, viewer, request);
  const stale = plan.sheets.find((sheet) => sheet.problem?.code === 'STALE');
  if (stale?.problem) {
    throw new UserError('CONFLICT', `Sheet "${stale.sheet}": ${stale.problem.en}`, {
      reason: 'VERSION',
      sheet: stale.sheet,
      zh: stale.problem.zh,
      en: stale.problem.en,
    });
  }
  if (plan.problemCount > 0) {
    throw new UserError(
      'BAD_USER_INPUT',
      `${plan.problemCount} problem(s) in the workbook: nothing was written`,
      {
        reason: 'PROBLEMS',
        problemCount: plan.problemCount,
      },
    );
  }
  const units: UnitOutcome[] = [];
  for (const sheet of plan.sheets) {
    try {
      units.push(await commitSheet(db, viewer, plan, sheet));
    } catch (error) {
      // Name the sheet that did not land and the units that did.
      if (error instanceof UserError) {
        error.message = `Sheet "${sheet.sheet}": ${error.message}`;
        error.extensions.sheet = sheet.sheet;
        error.extensions.landed = units.map((unit) => ({
          sheet: unit.sheet,
          outcome: unit.outcome,
        }));
      }
      throw error;
    }
  }
  return { plan, units };
}

async function commitSheet(
  db: Kysely<Database>,
  viewer: Viewer,
  plan: ImportPlan,
  sheet: SheetPlan,
): Promise<UnitOutcome> {
  const values: SubmissionValueRequest[] = [];
  const remove: string[] = [];
  for (const cell of sheet.cells) {
    if (cell.change === 'REMOVED') remove.push(cell.metric);
    if ((cell.change === 'ADDED' || cell.change === 'CHANGED') && cell.value !== null) {
      // A figure keeps its scope; the number typed is the number meant, so it is EXACT.
      values.push({
        metric: cell.metric,
        value: cell.value,
        scope: sheet.current.get(cell.metric)?.scope ?? 'SELF',
        wording: cell.wording,
      });
    }
  }
  const base = { sheet: sheet.sheet, organizationId: sheet.organization.id };
  if (values.length === 0 && remove.length === 0) {
    return { ...base, outcome: 'UNCHANGED', submission: null, changes: 0 };
  }
  const key = `xlsx:${plan.fileHash}:${sheet.organization.id}`;
  let submissionId = sheet.report?.id;
  let expectedVersion = sheet.workbookVersion;
  if (submissionId === undefined) {
    const created = await createSubmission(db, viewer, {
      template: plan.template,
      organization: sheet.organization,
      period: plan.period,
      idempotencyKey: `${key}:create`,
    });
    submissionId = created.submission.id;
    expectedVersion = FIRST_VERSION;
  }
  const saved = await saveSubmissionValues(db, viewer, {
    submissionId,
    expectedVersion,
    values,
    remove,
    idempotencyKey: key,
  });
  return {
    ...base,
    outcome: saved.replayed ? 'REPLAYED' : 'SAVED',
    submission: saved.submission,
    changes: saved.changes.length,
  };
}
