import { sql, type Kysely, type RawBuilder } from 'kysely';
import type {
  Database,
  OrganizationLevel,
  OrganizationRow,
  ReportingTemplateRow,
  SubmissionStatus,
} from '../../db/tables.js';
import { existedBetween } from '../../db/validity.js';
import { keyset } from '../../graph/keyset.js';
import { countOf, onePage } from '../../graph/page-query.js';
import { toPage, type Page, type PageWindow } from '../../graph/pagination.js';
import type { Period } from '../../period/period.js';
import {
  organizationRowColumns,
  pathOf,
  type OrganizationKey,
} from '../organization/organization.repository.js';
import { completenessOrder } from './aggregation.order.js';
import type { PathRange } from './aggregation.spec.js';
import { inSubtree } from './aggregation.statement.js';

export type CompletenessStatus = 'NOT_STARTED' | SubmissionStatus;

/** An expected unit: its organization's row (to prime the loader) and its report's status. */
export interface CompletenessRow extends OrganizationRow {
  organization_id: number;
  status: CompletenessStatus;
  submission_id: number | null;
  submitted_at: Date | null;
}

export interface CompletenessTotals {
  expected: number;
  not_started: number;
  draft: number;
  submitted: number;
  returned: number;
  approved: number;
}

export interface CompletenessSpec {
  templateId: number;
  levels: OrganizationLevel[];
  /** The period, with its first and last days. */
  period: Period;
  within: PathRange | null;
}

/** A page of expected units a request asks for, optionally only those in some statuses. */
export interface CompletenessPageRequest {
  statuses: readonly CompletenessStatus[] | null;
  window: PageWindow;
}

/** A completeness's template and the path of the unit it is read within. */
export interface CompletenessScope {
  template: ReportingTemplateRow;
  /** Null when no organization has the key. */
  withinPath: string | null;
}

/**
 * The template and the `within` unit of a completeness in one statement, where a lookup each
 * would be two before its counts; null when no template has the key.
 */
export async function findCompletenessScope(
  db: Kysely<Database>,
  template: { id: number } | { code: string },
  within: OrganizationKey,
): Promise<CompletenessScope | null> {
  const result = await sql<ReportingTemplateRow & { within_path: string | null }>`
    SELECT t.*, (${pathOf(within)}) AS within_path
    FROM reporting_template t
    WHERE ${'id' in template ? sql`t.id = ${template.id}` : sql`t.code = ${template.code}`}`.execute(
    db,
  );
  const row = result.rows[0];
  if (!row) return null;
  const { within_path: withinPath, ...found } = row;
  return { template: found, withinPath };
}

/**
 * Every federation the template expects a report from inside the subtree, with its status:
 * those that existed during the period, as the aggregates' expected units (EXPECTED_UNIT).
 */
function expectedUnits(spec: CompletenessSpec): RawBuilder<CompletenessRow> {
  const range = inSubtree('e.path', spec.within);
  const { canonical, start, end } = spec.period;
  return sql<CompletenessRow>`
    SELECT ${organizationRowColumns('e')}, e.id AS organization_id,
      coalesce(s.status, 'NOT_STARTED') AS status, s.id AS submission_id, s.submitted_at
    FROM organization e
    LEFT JOIN submission s ON s.organization_id = e.id
      AND s.template_id = ${spec.templateId} AND s.period = ${canonical}
    WHERE e.kind = 'FEDERATION' AND e.level = ANY(${spec.levels}::text[]) ${range}
      AND ${existedBetween('e', start, end)}`;
}

const TOTALS = sql`
  count(*)::int AS expected,
  count(*) FILTER (WHERE status = 'NOT_STARTED')::int AS not_started,
  count(*) FILTER (WHERE status = 'DRAFT')::int AS draft,
  count(*) FILTER (WHERE status = 'SUBMITTED')::int AS submitted,
  count(*) FILTER (WHERE status = 'RETURNED')::int AS returned,
  count(*) FILTER (WHERE status = 'APPROVED')::int AS approved`;

/** The expected units in `u`, optionally only those in some statuses. */
function unitsIn(statuses: readonly CompletenessStatus[] | null): RawBuilder<unknown> {
  return sql`SELECT * FROM u WHERE true
    ${statuses === null ? sql`` : sql`AND u.status = ANY(${[...statuses]}::text[])`}`;
}

/** The expected units of `spec` as `u`, before the list that reads them. */
function withExpected(spec: CompletenessSpec, rows: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`WITH u AS (${expectedUnits(spec)}) ${rows}`;
}

/**
 * The counts by status and the pages a request asks of one completeness, in one statement:
 * the expected units are read once, counted, and each page is cut from them. Without counts,
 * each page reads only its own rows (an index serves the tree order with the limit).
 */
export async function findCompletenessParts(
  db: Kysely<Database>,
  spec: CompletenessSpec,
  withTotals: boolean,
  pages: readonly CompletenessPageRequest[],
): Promise<{ totals: CompletenessTotals | null; pages: Page<CompletenessRow>[] }> {
  if (!withTotals) {
    const found = await Promise.all(
      pages.map(({ statuses, window }) =>
        onePage(db, completenessOrder, window, withExpected(spec, unitsIn(statuses))),
      ),
    );
    return { totals: null, pages: found };
  }
  // The counts as one JSON value, beside each page's rows tagged with the page's index.
  const parts = pages.map(({ statuses, window }, i) => {
    const page = keyset(completenessOrder, window);
    return sql`(SELECT ${sql.lit(i)} AS part, p.* FROM (
      ${unitsIn(statuses)} ${page.where} ${page.orderBy} ${page.limit}) p)`;
  });
  const result = await sql<CompletenessRow & { totals: CompletenessTotals; part: number | null }>`
    WITH u AS MATERIALIZED (${expectedUnits(spec)}),
      t AS (SELECT ${TOTALS} FROM u)
    SELECT to_jsonb(t) AS totals, r.*
    FROM t LEFT JOIN LATERAL (
      ${parts.length === 0 ? sql`SELECT NULL::int AS part` : sql.join(parts, sql` UNION ALL `)}
    ) r ON true`.execute(db);
  const rowsOf = (index: number): CompletenessRow[] =>
    result.rows.filter((row) => row.part === index).map(({ part: _, totals: _t, ...row }) => row);
  return {
    totals: result.rows[0]!.totals,
    pages: pages.map((request, i) => toPage(rowsOf(i), request.window)),
  };
}

export async function countCompleteness(
  db: Kysely<Database>,
  spec: CompletenessSpec,
  statuses: readonly CompletenessStatus[] | null,
): Promise<number> {
  return countOf(db, withExpected(spec, unitsIn(statuses)));
}
