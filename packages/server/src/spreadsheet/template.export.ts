import ExcelJS from 'exceljs';
import type { Kysely } from 'kysely';
import { authorize, can } from '../auth/permissions.js';
import type { Viewer } from '../auth/viewer.js';
import type {
  Database,
  MetricDefinitionRow,
  OrganizationRow,
  ReportingTemplateRow,
} from '../db/tables.js';
import { badInput } from '../errors.js';
import { parsePeriod, type Period } from '../period/period.js';
import { findTemplateDefinitions } from '../modules/submission/reporting-template.repository.js';
import { findFigures, findReports, submittingUnits } from './spreadsheet.repository.js';
import { normalizeDecimal } from '../lib/decimal.js';
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
  const units = await submittingUnits(
    db,
    template,
    request.unit,
    request.allBelow,
    MAX_TEMPLATE_SHEETS + 1,
  );
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
    await writeUnitSheet(workbook.addWorksheet(name), {
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

async function writeUnitSheet(sheet: ExcelJS.Worksheet, data: UnitSheet): Promise<void> {
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
  await sheet.protect('', { selectLockedCells: true, selectUnlockedCells: true });
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
