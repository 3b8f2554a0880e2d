import type ExcelJS from 'exceljs';
import type { MetricUnit } from '../db/tables.js';

/**
 * The layout a template workbook is written in and read back by: one sheet per unit, a header
 * row with the labels below, one row per metric, and a hidden sheet saying what the workbook
 * is. The import finds rows by these labels and the metric codes, never by position alone.
 */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export const FORMAT_MARK = 'fulian-graph reporting workbook';
export const FORMAT_VERSION = 1;
export const META_SHEET = '_fulian';

export const HEADERS = {
  code: '指标代码',
  name: '指标名称',
  unit: '计量单位',
  value: '本期数值',
  previous: '上期数值',
  note: '说明',
} as const;
export type Column = keyof typeof HEADERS;
export const COLUMNS: readonly Column[] = ['code', 'name', 'unit', 'value', 'previous', 'note'];

/** The row of the column headers in a unit's sheet (title and instructions above it). */
export const HEADER_ROW = 3;

export const UNIT_LABELS: Record<MetricUnit, string> = {
  SESSION: '期',
  PERSON_TIME: '人次',
  PERSON: '人',
  HOUSEHOLD: '户',
  ORGANIZATION: '个',
  EVENT: '场',
  CASE: '件',
  YUAN: '元',
  PERCENT: '%',
  RANK: '名',
  ITEM: '项',
  PROJECT: '个项目',
  VISIT: '次',
  ARTICLE: '篇',
  HOUR: '小时',
  SQUARE_METER: '平方米',
};

/** One unit's sheet as the hidden sheet lists it. */
export interface SheetEntry {
  sheet: string;
  organizationId: number;
  code: string | null;
  /** The unit's report when the workbook was made, or null if it had none. */
  submissionId: number | null;
  /** The report's version then; 0 when there was no report. */
  version: number;
}

export interface WorkbookMeta {
  templateCode: string;
  period: string;
  generatedAt: string;
  sheets: SheetEntry[];
}

/** Writes the hidden sheet. "veryHidden": it cannot be shown from the spreadsheet's menus. */
export function writeMeta(workbook: ExcelJS.Workbook, meta: WorkbookMeta): void {
  const sheet = workbook.addWorksheet(META_SHEET, { state: 'veryHidden' });
  sheet.addRows([
    [FORMAT_MARK, FORMAT_VERSION],
    ['template', meta.templateCode],
    ['period', meta.period],
    ['generatedAt', meta.generatedAt],
    ['sheet', 'organization', 'code', 'submission', 'version'],
    ...meta.sheets.map((entry) => [
      entry.sheet,
      entry.organizationId,
      entry.code ?? '',
      entry.submissionId ?? '',
      entry.version,
    ]),
  ]);
}

/** Reads the hidden sheet back, or null when the workbook has none (not one of ours). */
export function readMeta(workbook: ExcelJS.Workbook): WorkbookMeta | null {
  const sheet = workbook.getWorksheet(META_SHEET);
  if (!sheet || text(sheet, 1, 1) !== FORMAT_MARK || sheet.getCell(1, 2).value !== FORMAT_VERSION) {
    return null;
  }
  const sheets: SheetEntry[] = [];
  for (let row = 6; row <= sheet.rowCount; row++) {
    const organizationId = Number(sheet.getCell(row, 2).value);
    const version = Number(sheet.getCell(row, 5).value);
    if (!Number.isInteger(organizationId) || !Number.isInteger(version)) return null;
    const submission = sheet.getCell(row, 4).value;
    sheets.push({
      sheet: text(sheet, row, 1),
      organizationId,
      code: text(sheet, row, 3) || null,
      submissionId: submission === '' || submission == null ? null : Number(submission),
      version,
    });
  }
  return {
    templateCode: text(sheet, 2, 2),
    period: text(sheet, 3, 2),
    generatedAt: text(sheet, 4, 2),
    sheets,
  };
}

function text(sheet: ExcelJS.Worksheet, row: number, column: number): string {
  const value = sheet.getCell(row, column).value;
  return value == null ? '' : String(value);
}

/**
 * A sheet name Excel accepts (at most 31 characters, none of []:*?/\) that no earlier sheet
 * of the workbook has.
 */
export function sheetName(wanted: string, taken: Set<string>): string {
  const base = wanted.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31);
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 31 - `(${n})`.length)}(${n})`;
  taken.add(name);
  return name;
}
