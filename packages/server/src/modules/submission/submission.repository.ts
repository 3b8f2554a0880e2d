import { sql, type Kysely, type Transaction } from 'kysely';
import type {
  Database,
  MetricValueRow,
  NewMetricValue,
  OrganizationLevel,
  SubmissionAuditAction,
  SubmissionAuditRow,
  SubmissionRow,
  SubmissionStatus,
} from '../../db/tables.js';
import type { Ordering } from '../../graph/keyset.js';
import { keyedList, type KeyedList } from '../../graph/page-query.js';
import { FIGURE_OF_V, type FigureRow } from '../metric/metric.repository.js';

type Db = Kysely<Database> | Transaction<Database>;

/** A submission with the organization fields its permission checks and locks need. */
export type SubmissionWithOrganization = SubmissionRow & {
  organization_path: string;
  organization_parent_id: number | null;
  organization_level: OrganizationLevel;
};

export async function findSubmissionsByIds(
  db: Db,
  ids: readonly number[],
): Promise<SubmissionWithOrganization[]> {
  if (ids.length === 0) return [];
  const result = await sql<SubmissionWithOrganization>`
    SELECT s.*, o.path AS organization_path, o.parent_id AS organization_parent_id,
      o.level AS organization_level
    FROM submission s JOIN organization o ON o.id = s.organization_id
    WHERE s.id = ANY(${[...ids]}::int[])`.execute(db);
  return result.rows;
}

/** One submission's row by id, or undefined. */
export async function findSubmissionRow(db: Db, id: number): Promise<SubmissionRow | undefined> {
  return db.selectFrom('submission').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Reads one submission and locks it for the rest of the transaction, so concurrent writers of
 * the same submission queue up and each sees the version the previous one left.
 */
export async function lockSubmission(
  trx: Transaction<Database>,
  id: number,
): Promise<SubmissionWithOrganization | null> {
  const result = await sql<SubmissionWithOrganization>`
    SELECT s.*, o.path AS organization_path, o.parent_id AS organization_parent_id,
      o.level AS organization_level
    FROM submission s JOIN organization o ON o.id = s.organization_id
    WHERE s.id = ${id}
    FOR UPDATE OF s`.execute(trx);
  return result.rows[0] ?? null;
}

/**
 * The submissions of the same template and period held by the units above `path`, root
 * first, share-locked: while a county is being unapproved no unit above can be approved.
 * Locks are always taken top-down (ancestors before the unit itself), so an approval above
 * and an unapproval below never wait on each other in a cycle.
 */
export async function lockAncestorSubmissions(
  trx: Transaction<Database>,
  submission: SubmissionWithOrganization,
): Promise<{ id: number; status: SubmissionStatus; organization_name: string }[]> {
  const result = await sql<{ id: number; status: SubmissionStatus; organization_name: string }>`
    SELECT s.id, s.status, o.name AS organization_name
    FROM submission s JOIN organization o ON o.id = s.organization_id
    WHERE s.template_id = ${submission.template_id} AND s.period = ${submission.period}
      AND s.organization_id = ANY(string_to_array(rtrim(${submission.organization_path}, '/'), '/')::int[])
      AND s.organization_id <> ${submission.organization_id}
    ORDER BY o.path
    FOR SHARE OF s`.execute(trx);
  return result.rows;
}

/**
 * The federations below the submitting unit that the template expects a report from but whose
 * report for the period is not approved: how many, and the first few names. Existing reports
 * are share-locked so none of them can be unapproved while the approval above commits.
 */
export async function findPendingBelow(
  trx: Transaction<Database>,
  submission: SubmissionWithOrganization,
  levels: readonly OrganizationLevel[],
): Promise<{ count: number; names: string[] }> {
  const upper = `${submission.organization_path.slice(0, -1)}0`;
  const result = await sql<{ count: number; names: string[] | null }>`
    WITH below AS (
      SELECT s.organization_id, s.status
      FROM submission s JOIN organization o ON o.id = s.organization_id
      WHERE s.template_id = ${submission.template_id} AND s.period = ${submission.period}
        AND o.path > ${submission.organization_path} AND o.path < ${upper}
      FOR SHARE OF s
    ),
    pending AS (
      SELECT e.name, e.path
      FROM organization e LEFT JOIN below b ON b.organization_id = e.id
      WHERE e.path > ${submission.organization_path} AND e.path < ${upper}
        AND e.kind = 'FEDERATION' AND e.level = ANY(${[...levels]}::text[])
        AND b.status IS DISTINCT FROM 'APPROVED'
    )
    SELECT count(*) AS count, (SELECT array_agg(name ORDER BY path) FROM (
      SELECT name, path FROM pending ORDER BY path LIMIT 10) first) AS names
    FROM pending`.execute(trx);
  const row = result.rows[0]!;
  return { count: row.count, names: row.names ?? [] };
}

export interface NewSubmission {
  template_id: number;
  organization_id: number;
  period: string;
  period_type: SubmissionRow['period_type'];
  period_start: string;
  period_end: string;
  narrative: string | null;
  actor: string;
}

/** Inserts a draft; null when the unit already has a submission for the template and period. */
export async function insertSubmission(
  trx: Transaction<Database>,
  submission: NewSubmission,
): Promise<SubmissionRow | null> {
  const { actor, ...columns } = submission;
  const row = await trx
    .insertInto('submission')
    .values({ ...columns, created_by: actor, updated_by: actor })
    .onConflict((oc) => oc.columns(['template_id', 'period', 'organization_id']).doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}

export async function findExistingSubmissionId(
  db: Db,
  templateId: number,
  period: string,
  organizationId: number,
): Promise<number | null> {
  const row = await db
    .selectFrom('submission')
    .select('id')
    .where('template_id', '=', templateId)
    .where('period', '=', period)
    .where('organization_id', '=', organizationId)
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The columns a step sets besides status and version. */
export type StepColumns = Partial<
  Pick<
    SubmissionRow,
    'narrative' | 'submitted_by' | 'returned_by' | 'return_comment' | 'approved_at' | 'approved_by'
  >
> & { stamp?: 'submitted_at' | 'returned_at' | 'approved_at' };

/** Moves a locked submission to its next status and version, stamping who and when. */
export async function updateSubmission(
  trx: Transaction<Database>,
  id: number,
  status: SubmissionStatus,
  actor: string,
  columns: StepColumns,
): Promise<SubmissionRow> {
  const { stamp, ...values } = columns;
  return trx
    .updateTable('submission')
    .set((eb) => ({
      ...values,
      ...(stamp ? { [stamp]: sql<Date>`now()` } : {}),
      status,
      version: eb('version', '+', 1),
      updated_at: sql<Date>`now()`,
      updated_by: actor,
    }))
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export interface AuditEntry {
  submission_id: number;
  actor: string;
  action: SubmissionAuditAction;
  from_status: SubmissionStatus | null;
  to_status: SubmissionStatus;
  version: number;
  metric_code?: string | null;
  before?: unknown;
  after?: unknown;
  comment?: string | null;
}

/** Writes audit rows, all in one statement, in the caller's transaction. */
export async function insertAudit(
  trx: Transaction<Database>,
  entries: readonly AuditEntry[],
): Promise<void> {
  if (entries.length === 0) return;
  await trx
    .insertInto('submission_audit')
    .values(
      entries.map((entry) => ({
        submission_id: entry.submission_id,
        actor: entry.actor,
        action: entry.action,
        from_status: entry.from_status,
        to_status: entry.to_status,
        version: entry.version,
        metric_code: entry.metric_code ?? null,
        before: entry.before === undefined ? null : sql`${JSON.stringify(entry.before)}::jsonb`,
        after: entry.after === undefined ? null : sql`${JSON.stringify(entry.after)}::jsonb`,
        comment: entry.comment ?? null,
      })),
    )
    .execute();
}

/**
 * The submitted figures of one unit for one period, in every submission: those of the
 * submission being edited, and those another template already holds for the same metric.
 */
export async function findSubmittedValues(
  db: Db,
  organizationId: number,
  period: string,
): Promise<MetricValueRow[]> {
  return db
    .selectFrom('metric_value')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('period', '=', period)
    .where('submission_id', 'is not', null)
    .execute();
}

/** Inserts or replaces a submission's figures in one statement. */
export async function upsertValues(
  trx: Transaction<Database>,
  rows: readonly NewMetricValue[],
): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('metric_value')
    .values([...rows])
    .onConflict((oc) =>
      oc
        .columns(['submission_id', 'metric_code'])
        .where('submission_id', 'is not', null)
        .doUpdateSet((eb) => ({
          value: eb.ref('excluded.value'),
          qualifier: eb.ref('excluded.qualifier'),
          scope: eb.ref('excluded.scope'),
          wording: eb.ref('excluded.wording'),
          as_of: eb.ref('excluded.as_of'),
          aggregatable: eb.ref('excluded.aggregatable'),
          updated_at: sql<Date>`now()`,
        })),
    )
    .execute();
}

/**
 * Whether a write failed because another submission of the unit committed a figure for the
 * same metric and period first (the one-figure-per-unit, metric and period index).
 */
export function isHeldByAnotherSubmission(error: unknown): boolean {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { code?: unknown }).code === '23505' &&
    (error as { constraint?: unknown }).constraint === 'metric_value_submitted_period_key'
  );
}

export async function deleteValues(
  trx: Transaction<Database>,
  submissionId: number,
  metricCodes: readonly string[],
): Promise<void> {
  if (metricCodes.length === 0) return;
  await trx
    .deleteFrom('metric_value')
    .where('submission_id', '=', submissionId)
    .where('metric_code', 'in', [...metricCodes])
    .execute();
}

/** A submission's history is listed oldest first. */
export const historyOrder: Ordering<SubmissionAuditRow> = {
  name: 'history',
  columns: [{ sql: sql`a.id`, kind: 'bigint', value: (row) => row.id }],
};

const auditRows = keyedList(
  historyOrder,
  sql`SELECT * FROM submission_audit a WHERE a.submission_id = k.id`,
);

/** Each submission's history, oldest first: one statement for a batch of submissions. */
export const submissionHistory: KeyedList<SubmissionAuditRow> = {
  async pages(db, ids, window) {
    const pages = await auditRows.pages(db, ids, window);
    // The audit id is a bigint, which the driver hands over as a string.
    for (const page of pages.values()) {
      page.rows = page.rows.map((row) => ({ ...row, id: Number(row.id) }));
    }
    return pages;
  },
  counts: auditRows.counts,
};

/** A report's figures are listed by metric code (one figure per metric). */
export const submissionValueOrder: Ordering<FigureRow> = {
  name: 'submission-value',
  columns: [{ sql: sql`v.metric_code`, kind: 'string', value: (row) => row.metric_code }],
};

/** Each submission's figures, in metric order: one statement for a batch of submissions. */
export const submissionValues = keyedList(
  submissionValueOrder,
  sql`SELECT ${FIGURE_OF_V} FROM metric_value v WHERE v.submission_id = k.id`,
);
