import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import { authorize, can } from '../auth/permissions.js';
import type { Viewer } from '../auth/viewer.js';
import type {
  Database,
  MetricDefinitionRow,
  OrganizationRow,
  ReportingTemplateRow,
} from '../db/tables.js';
import { badInput } from '../errors.js';
import { subtreeUpperBound } from '../modules/organization/organization.repository.js';
import { parsePeriod, type Period } from '../modules/period/period.js';
import { findTemplateDefinitions } from '../modules/submission/submission.repository.js';
import { normalizeDecimal } from '../modules/metric/decimal.js';
import {
  COLUMNS,
  HEADERS,
  HEADER_ROW,
  UNIT_LABELS,
  sheetName,
  writeMeta,
  type SheetEntry,
} from './workbook.format.js';

/** A workbook holds at most this many units' sheets (a province's counties fit). */
export const MAX_TEMPLATE_SHEETS = 300;

export interface TemplateRequest {
  template: ReportingTemplateRow;
  period: string;
  unit: OrganizationRow;
  /** Every submitting federation under `unit` (itself included), a sheet each. */
  allBelow: boolean;
}

/**
 * The workbook a unit fills in for a template and period: a sheet per unit with Chinese
 * headers, each metric's code, name and unit, the report's current figures in the one column
 * left unlocked (number validation as a warning, since `338万` is welcome), last period's
 * figures beside them, every other cell protected, and a hidden sheet naming the template,
 * period, units and the report versions the upload will be checked against.
 */
export async function buildTemplateWorkbook(
  db: Kysely<Database>,
  viewer: Viewer,
  request: TemplateRequest,
): Promise<ExcelJS.Workbook> {
  const { template } = request;
  const period = parsePeriod(request.period, 'period');
  if (period.type !== template.period_type) {
    throw badInput(
      `Template ${template.code} is reported per ${template.period_type.toLowerCase()}, got ${period.canonical}`,
      'period',
    );
  }
  // The workbook shows drafts' figures: whoever downloads it must be allowed to read them.
  authorize(viewer, 'submission.read', request.unit);
  const units = await submittingUnits(db, template, request.unit, request.allBelow);
  if (units.length === 0) {
    throw badInput(
      `${request.unit.name} does not submit ${template.code}${request.allBelow ? ', nor does any unit below it' : ''}`,
      'unit',
    );
  }
  if (units.length > MAX_TEMPLATE_SHEETS) {
    throw badInput(`More than ${MAX_TEMPLATE_SHEETS} units: ask for a smaller area`, 'unit');
  }
  const readable = units.filter((unit) => can(viewer, 'submission.read', unit));
  const definitions = await findTemplateDefinitions(db, [template.id]);
  const previous = previousPeriod(period);
  const reports = await findReports(db, template.id, readable, period.canonical);
  const figures = await findFigures(
    db,
    readable.map((unit) => unit.id),
    [period.canonical, previous.canonical],
  );

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'fulian-graph';
  workbook.created = new Date();
  const taken = new Set<string>();
  const entries: SheetEntry[] = [];
  for (const unit of readable) {
    const report = reports.get(unit.id);
    const name = sheetName(`${unit.code ?? unit.id} ${unit.name}`, taken);
    writeUnitSheet(workbook.addWorksheet(name), {
      unit,
      template,
      period,
      previous,
      definitions,
      current: figures.get(`${unit.id}|${period.canonical}|${report?.id}`) ?? new Map(),
      before: figures.get(`${unit.id}|${previous.canonical}`) ?? new Map(),
      status: report?.status ?? null,
    });
    entries.push({
      sheet: name,
      organizationId: unit.id,
      code: unit.code,
      submissionId: report?.id ?? null,
      version: report?.version ?? 0,
    });
  }
  writeMeta(workbook, {
    templateCode: template.code,
    period: period.canonical,
    generatedAt: new Date().toISOString(),
    sheets: entries,
  });
  return workbook;
}

interface UnitSheet {
  unit: OrganizationRow;
  template: ReportingTemplateRow;
  period: Period;
  previous: Period;
  definitions: readonly MetricDefinitionRow[];
  current: ReadonlyMap<string, string>;
  before: ReadonlyMap<string, string>;
  status: string | null;
}

const STATUS_LABELS: Record<string, string> = {
  DRAFT: '草稿',
  SUBMITTED: '已报送（退回后才能修改）',
  RETURNED: '已退回',
  APPROVED: '已审核（已锁定）',
};

function writeUnitSheet(sheet: ExcelJS.Worksheet, data: UnitSheet): void {
  const { unit, template, period, previous } = data;
  sheet.columns = [
    { width: 30 },
    { width: 36 },
    { width: 10 },
    { width: 18 },
    { width: 18 },
    { width: 30 },
  ];
  sheet.getCell('A1').value = `${unit.name} · ${template.name_zh} · ${period.canonical}`;
  sheet.getCell('A1').font = { bold: true, size: 14 };
  sheet.mergeCells(1, 1, 1, COLUMNS.length);
  sheet.getCell('A2').value =
    `只填写“${HEADERS.value}”一列：可写 338万、1.2万、33.91%、2,679 或“三百”；空白表示未填报。` +
    (data.status
      ? `报表状态：${STATUS_LABELS[data.status] ?? data.status}`
      : '报表尚未创建，上传时自动创建。');
  sheet.mergeCells(2, 1, 2, COLUMNS.length);
  const header = sheet.getRow(HEADER_ROW);
  header.values = COLUMNS.map((column) =>
    column === 'previous' ? `${HEADERS.previous}（${previous.canonical}）` : HEADERS[column],
  );
  header.font = { bold: true };

  data.definitions.forEach((definition, index) => {
    const row = sheet.getRow(HEADER_ROW + 1 + index);
    const percent = definition.value_type === 'PERCENT';
    row.values = [
      definition.code,
      definition.name_zh,
      UNIT_LABELS[definition.unit],
      cellNumber(data.current.get(definition.code)),
      cellNumber(data.before.get(definition.code)),
      percent ? '百分数，填 33.91 或 33.91%' : null,
    ];
    const input = row.getCell(COLUMNS.indexOf('value') + 1);
    input.protection = { locked: false };
    input.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFFFF2CC' } };
    input.dataValidation = {
      type: 'decimal',
      operator: percent ? 'between' : 'greaterThanOrEqual',
      formulae: percent ? [0, 100] : [0],
      allowBlank: true,
      showErrorMessage: true,
      // A warning, not a stop: text such as 338万 is read on upload.
      errorStyle: 'warning',
      errorTitle: '请检查数值',
      error: percent ? '百分数应在 0 到 100 之间' : '数值应为不小于 0 的数字',
    };
  });
  void sheet.protect('', { selectLockedCells: true, selectUnlockedCells: true });
}

/**
 * A figure as a cell value: a number when a spreadsheet's double shows it exactly (so sums
 * and validation work), else the decimal as text, which the import reads back exactly.
 */
function cellNumber(value: string | undefined): number | string | null {
  if (value === undefined) return null;
  const number = Number(value);
  return normalizeDecimal(String(number)) === value ? number : value;
}

/** The period before: the previous year, quarter or month. */
export function previousPeriod(period: Period): Period {
  const year = Number(period.start.slice(0, 4));
  const month = Number(period.start.slice(5, 7));
  switch (period.type) {
    case 'YEAR':
      return parsePeriod(String(year - 1));
    case 'QUARTER': {
      const quarter = (month - 1) / 3 + 1;
      return parsePeriod(quarter === 1 ? `${year - 1}Q4` : `${year}Q${quarter - 1}`);
    }
    case 'MONTH':
      return parsePeriod(
        month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`,
      );
    default:
      throw badInput(`Templates are not reported per ${period.type.toLowerCase()}`, 'period');
  }
}

/** The federations under (and at) `unit` that submit the template, in tree order. */
export async function submittingUnits(
  db: Kysely<Database>,
  template: ReportingTemplateRow,
  unit: OrganizationRow,
  allBelow: boolean,
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
  return query.limit(MAX_TEMPLATE_SHEETS + 1).execute();
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
async function findFigures(
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
