import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql, type Kysely, type Transaction } from 'kysely';
import { parse } from 'yaml';
import type { Database, SubmissionStatus } from '../db/tables.js';
import { parsePeriod } from '../period/period.js';
import { insertAudit, type AuditEntry } from '../modules/submission/submission.repository.js';
import { rebuildTotals } from '../modules/aggregation/aggregation.totals.js';
import {
  checkReferences,
  readReportingRecords,
  type SubmissionRecord,
  type TemplateRecord,
} from './reporting.records.js';

/** seeds/reporting.yaml, from the sources and from the compiled output alike. */
export const REPORTING_SEED_FILE = fileURLToPath(
  new URL('../../../../seeds/reporting.yaml', import.meta.url),
);

const SEED_ACTOR = 'system:seed';

export interface ReportingSeedCounts {
  templates: number;
  submissionsInserted: number;
  valuesLinked: number;
}

/**
 * Loads the reporting templates and the reports the documents give (seeds/reporting.yaml)
 * into a database that holds the tree, the metric catalogue and the documents. Everything is
 * checked first and written in one transaction; a second run writes nothing new. A report's
 * figures are its unit's figures for the period, among the template's metrics, from the
 * documents it names: those rows are linked to the submission when it is first loaded, not
 * copied, and belong to the report from then on (seedData no longer rewrites them).
 *
 * @example
 * await seedData(db);
 * await seedReporting(db);
 */
export async function seedReporting(
  db: Kysely<Database>,
  file = REPORTING_SEED_FILE,
): Promise<ReportingSeedCounts> {
  const name = basename(file);
  const content = parse(await readFile(file, 'utf8')) as unknown;
  const { templates, submissions } = readReportingRecords(name, content);
  return db.transaction().execute(async (trx) => {
    await checkReferences(trx, name, templates, submissions);
    const templateIds = new Map<string, number>();
    for (const template of templates)
      templateIds.set(template.code, await upsertTemplate(trx, template));
    let submissionsInserted = 0;
    let valuesLinked = 0;
    for (const submission of submissions) {
      const template = templates.find((candidate) => candidate.code === submission.template);
      const templateId = templateIds.get(submission.template)!;
      const { id, inserted } = await upsertSubmission(trx, templateId, submission);
      // Only a report loaded now takes the documents' figures: once it exists its figures
      // change through the workflow alone, so a figure removed from it stays removed.
      if (!inserted) continue;
      submissionsInserted += 1;
      valuesLinked += await linkValues(trx, id, submission, template!.metrics);
    }
    // The reports were written directly, with their statuses: their totals are built anew.
    if (submissionsInserted > 0) await rebuildTotals(trx);
    return { templates: templates.length, submissionsInserted, valuesLinked };
  });
}

async function upsertTemplate(
  trx: Transaction<Database>,
  template: TemplateRecord,
): Promise<number> {
  const { metrics, ...columns } = template;
  const { id } = await trx
    .insertInto('reporting_template')
    .values(columns)
    .onConflict((oc) =>
      oc.column('code').doUpdateSet((eb) => ({
        name_zh: eb.ref('excluded.name_zh'),
        name_en: eb.ref('excluded.name_en'),
        description: eb.ref('excluded.description'),
        period_type: eb.ref('excluded.period_type'),
        submitting_levels: eb.ref('excluded.submitting_levels'),
        due_days: eb.ref('excluded.due_days'),
      })),
    )
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .deleteFrom('reporting_template_metric')
    .where('template_id', '=', id)
    .where('metric_code', 'not in', metrics)
    .execute();
  await trx
    .insertInto('reporting_template_metric')
    .values(
      metrics.map((metric_code, index) => ({ template_id: id, metric_code, position: index + 1 })),
    )
    .onConflict((oc) =>
      oc
        .columns(['template_id', 'metric_code'])
        .doUpdateSet((eb) => ({ position: eb.ref('excluded.position') }))
        .where('reporting_template_metric.position', '<>', (eb) => eb.ref('excluded.position')),
    )
    .execute();
  return id;
}

/**
 * Inserts the report unless it exists, stamped as submitted and approved on the first
 * document's date (when the figures were reported), with its history in the audit table.
 */
async function upsertSubmission(
  trx: Transaction<Database>,
  templateId: number,
  record: SubmissionRecord,
): Promise<{ id: number; inserted: boolean }> {
  const period = parsePeriod(record.period);
  const result = await sql<{
    id: number;
    inserted: boolean;
    status: SubmissionStatus;
    version: number;
  }>`
    WITH unit AS (SELECT id FROM organization WHERE code = ${record.org}),
    reported AS (
      SELECT coalesce(min(date_start)::timestamptz, now()) AS at
      FROM document WHERE seed_key = ANY(${record.documents}::text[])
    ),
    inserted AS (
      INSERT INTO submission (template_id, organization_id, period, period_type, period_start,
        period_end, status, version, created_by, updated_by, submitted_at, submitted_by,
        approved_at, approved_by)
      SELECT ${templateId}, unit.id, ${period.canonical}, ${period.type}, ${period.start},
        ${period.end}, ${record.status}, ${versionOf(record.status)}, ${SEED_ACTOR}, ${SEED_ACTOR},
        CASE WHEN ${record.status} <> 'DRAFT' THEN reported.at END,
        CASE WHEN ${record.status} <> 'DRAFT' THEN ${SEED_ACTOR} END,
        CASE WHEN ${record.status} = 'APPROVED' THEN reported.at END,
        CASE WHEN ${record.status} = 'APPROVED' THEN ${SEED_ACTOR} END
      FROM unit, reported
      ON CONFLICT (template_id, period, organization_id) DO NOTHING
      RETURNING id, status, version
    )
    SELECT id, true AS inserted, status, version FROM inserted
    UNION ALL
    SELECT s.id, false, s.status, s.version FROM submission s, unit
    WHERE s.template_id = ${templateId} AND s.period = ${period.canonical}
      AND s.organization_id = unit.id AND NOT EXISTS (SELECT 1 FROM inserted)`.execute(trx);
  const row = result.rows[0]!;
  if (row.inserted) await insertAudit(trx, historyOf(row.id, record.status));
  return { id: row.id, inserted: row.inserted };
}

/** The transitions that lead to a seeded status: one version per step. */
function historyOf(submissionId: number, status: SubmissionStatus): AuditEntry[] {
  const steps: AuditEntry[] = [
    {
      submission_id: submissionId,
      actor: SEED_ACTOR,
      action: 'CREATE',
      from_status: null,
      to_status: 'DRAFT',
      version: 1,
    },
  ];
  if (status === 'DRAFT') return steps;
  steps.push({
    ...steps[0]!,
    action: 'SUBMIT',
    from_status: 'DRAFT',
    to_status: 'SUBMITTED',
    version: 2,
  });
  if (status === 'SUBMITTED') return steps;
  if (status === 'RETURNED') {
    steps.push({
      ...steps[0]!,
      action: 'RETURN',
      from_status: 'SUBMITTED',
      to_status: 'RETURNED',
      version: 3,
    });
    return steps;
  }
  steps.push({
    ...steps[0]!,
    action: 'APPROVE',
    from_status: 'SUBMITTED',
    to_status: 'APPROVED',
    version: 3,
  });
  return steps;
}

function versionOf(status: SubmissionStatus): number {
  return status === 'DRAFT' ? 1 : status === 'SUBMITTED' ? 2 : 3;
}

/**
 * Links the unit's document figures for the period and the template's metrics to the report,
 * one per metric (the earliest loaded when two documents give the same one), unless another
 * report already holds that metric for the unit and period.
 */
async function linkValues(
  trx: Transaction<Database>,
  submissionId: number,
  record: SubmissionRecord,
  metrics: string[],
): Promise<number> {
  const result = await sql`
    UPDATE metric_value v SET submission_id = ${submissionId}, updated_at = now()
    FROM (
      SELECT DISTINCT ON (mv.metric_code) mv.id
      FROM metric_value mv
      JOIN organization o ON o.id = mv.organization_id AND o.code = ${record.org}
      JOIN document d ON d.id = mv.document_id AND d.seed_key = ANY(${record.documents}::text[])
      WHERE mv.period = ${parsePeriod(record.period).canonical}
        AND mv.metric_code = ANY(${metrics}::text[])
        AND mv.submission_id IS NULL
        AND NOT EXISTS (
          SELECT 1 FROM metric_value held
          WHERE held.organization_id = mv.organization_id AND held.metric_code = mv.metric_code
            AND held.period = mv.period AND held.submission_id IS NOT NULL)
      ORDER BY mv.metric_code, mv.id
    ) chosen
    WHERE v.id = chosen.id`.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
