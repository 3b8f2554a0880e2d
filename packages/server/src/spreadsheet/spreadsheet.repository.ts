/** The spreadsheet feature's reads: the units that submit, their reports and figures. */
import { sql, type Kysely } from 'kysely';
import type {
  Database,
  MetricValueRow,
  OrganizationRow,
  ReportingTemplateRow,
} from '../db/tables.js';
import { normalizeDecimal } from '../lib/decimal.js';
import { subtreeUpperBound } from '../db/path.js';

/** The federations under (and at) `unit` that submit the template, in tree order. */
export async function submittingUnits(
  db: Kysely<Database>,
  template: ReportingTemplateRow,
  unit: OrganizationRow,
  allBelow: boolean,
  limit: number,
): Promise<OrganizationRow[]> {
  let query = db
    .selectFrom('organization')
    .selectAll()
    .where('kind', '=', 'FEDERATION')
    .where('level', 'in', template.submitting_levels)
    .orderBy('path');
  query = allBelow
    ? query.where('path', '>=', unit.path).where('path', '<', subtreeUpperBound(unit.path))
    : query.where('id', '=', unit.id);
  return query.limit(limit).execute();
}

export interface ReportState {
  id: number;
  organization_id: number;
  status: string;
  version: number;
}

/** The units' reports of the template for a period, by unit. */
export async function findReports(
  db: Kysely<Database>,
  templateId: number,
  units: readonly Pick<OrganizationRow, 'id'>[],
  period: string,
): Promise<Map<number, ReportState>> {
  if (units.length === 0) return new Map();
  const rows = await db
    .selectFrom('submission')
    .select(['id', 'organization_id', 'status', 'version'])
    .where('template_id', '=', templateId)
    .where('period', '=', period)
    .where(
      'organization_id',
      'in',
      units.map((unit) => unit.id),
    )
    .execute();
  return new Map(rows.map((row) => [row.organization_id, row]));
}

/**
 * Submitted figures of the units for the periods, by metric: under `unit|period` all of them
 * (last period's, for reference), under `unit|period|submission` those of one report.
 */
export async function findFigures(
  db: Kysely<Database>,
  unitIds: readonly number[],
  periods: readonly string[],
): Promise<Map<string, Map<string, string>>> {
  const figures = new Map<string, Map<string, string>>();
  if (unitIds.length === 0) return figures;
  const rows = await db
    .selectFrom('metric_value')
    .select([
      'organization_id',
      'period',
      'metric_code',
      'submission_id',
      sql<string>`value::text`.as('value'),
    ])
    .where('organization_id', 'in', [...unitIds])
    .where('period', 'in', [...periods])
    .where('submission_id', 'is not', null)
    .execute();
  for (const row of rows) {
    const unitPeriod = `${row.organization_id}|${row.period}`;
    for (const key of [unitPeriod, `${unitPeriod}|${row.submission_id}`]) {
      const map = figures.get(key) ?? new Map<string, string>();
      map.set(row.metric_code, normalizeDecimal(row.value));
      figures.set(key, map);
    }
  }
  return figures;
}

/** The figures of the given reports, by report id, then by metric. */
export async function findReportValues(
  db: Kysely<Database>,
  submissionIds: readonly number[],
): Promise<Map<number, Map<string, MetricValueRow>>> {
  const byReport = new Map<number, Map<string, MetricValueRow>>();
  if (submissionIds.length === 0) return byReport;
  const rows = await db
    .selectFrom('metric_value')
    .selectAll()
    .where('submission_id', 'in', [...submissionIds])
    .$narrowType<{ submission_id: number }>()
    .execute();
  for (const row of rows) {
    const map = byReport.get(row.submission_id) ?? new Map<string, MetricValueRow>();
    map.set(row.metric_code, row);
    byReport.set(row.submission_id, map);
  }
  return byReport;
}
