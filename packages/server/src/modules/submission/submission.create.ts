import type { Kysely } from 'kysely';
import { actorOf } from '../../auth/actor.js';
import { authorize } from '../../auth/permissions.js';
import type { Viewer } from '../../auth/viewer.js';
import type {
  Database,
  OrganizationRow,
  ReportingTemplateRow,
  SubmissionRow,
} from '../../db/tables.js';
import { UserError, badInput } from '../../errors.js';
import { toGlobalId } from '../../graph/global-id.js';
import { parsePeriod } from '../../period/period.js';
import { claimIdempotencyKey } from './idempotency.js';
import { notifyStatusChange } from './submission.events.js';
import {
  findExistingSubmissionId,
  insertAudit,
  insertSubmission,
} from './submission.repository.js';
import { MAX_NARRATIVE, requireSubmissionRow, statusEvent } from './submission.service.js';

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
  const period = parsePeriod(request.period, 'input.period');
  if (period.type !== template.period_type) {
    throw badInput(
      `Template ${template.code} is reported per ${template.period_type.toLowerCase()}, got a ${period.type.toLowerCase()} (${period.canonical})`,
      'input.period',
    );
  }
  if (
    organization.kind !== 'FEDERATION' ||
    !template.submitting_levels.includes(organization.level)
  ) {
    throw badInput(
      `Template ${template.code} is submitted by federations at ${template.submitting_levels.join(', ')} level, not by ${organization.name} (${organization.level})`,
      'input.organization',
    );
  }
  if (request.narrative != null && request.narrative.length > MAX_NARRATIVE) {
    throw badInput(`The narrative is over ${MAX_NARRATIVE} characters`, 'input.narrative');
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
        {
          reason: 'EXISTS',
          submissionId: existing === null ? null : toGlobalId('Submission', existing),
        },
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
    await notifyStatusChange(trx, statusEvent(row, organization, null, actor));
    return { replayOf: null, row };
  });
  if (outcome.replayOf !== null) {
    return { submission: await requireSubmissionRow(db, outcome.replayOf), replayed: true };
  }
  return { submission: outcome.row!, replayed: false };
}
