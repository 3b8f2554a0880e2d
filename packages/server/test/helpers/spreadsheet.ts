import ExcelJS from 'exceljs';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../../src/db/tables.js';
import { HEADERS, HEADER_ROW, META_SHEET } from '../../src/spreadsheet/workbook.format.js';

/** A workbook's bytes, as a spreadsheet program would save them. */
export async function bytesOf(workbook: ExcelJS.Workbook): Promise<Buffer> {
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function load(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

/** The unit sheets (all but the hidden one). */
export function unitSheets(workbook: ExcelJS.Workbook): ExcelJS.Worksheet[] {
  return workbook.worksheets.filter((sheet) => sheet.name !== META_SHEET);
}

/** The value cell of a metric's row, found by its code as a person filling it in would. */
export function valueCell(sheet: ExcelJS.Worksheet, metric: string): ExcelJS.Cell {
  const header = sheet.getRow(HEADER_ROW).values as unknown[];
  const codeColumn = header.indexOf(HEADERS.code);
  const valueColumn = header.indexOf(HEADERS.value);
  for (let row = HEADER_ROW + 1; row <= sheet.rowCount; row++) {
    if (sheet.getCell(row, codeColumn).value === metric) return sheet.getCell(row, valueColumn);
  }
  throw new Error(`no row for ${metric}`);
}

/** Fills a sheet's value cells as a person would type them, and saves the workbook. */
export async function fill(
  bytes: Buffer,
  values: Record<string, ExcelJS.CellValue>,
  sheetIndex = 0,
): Promise<Buffer> {
  const workbook = await load(bytes);
  const sheet = unitSheets(workbook)[sheetIndex]!;
  for (const [metric, value] of Object.entries(values)) valueCell(sheet, metric).value = value;
  return bytesOf(workbook);
}

/** Everything an import could write, to prove a refusal wrote nothing. */
export async function footprint(db: Kysely<Database>) {
  const { rows } = await sql<Record<string, string>>`
    SELECT (SELECT count(*) FROM submission)::text AS submissions,
      (SELECT coalesce(sum(version), 0) FROM submission)::text AS versions,
      (SELECT count(*) FROM metric_value)::text AS figures,
      (SELECT count(*) FROM submission_audit)::text AS audit,
      (SELECT count(*) FROM idempotency_key)::text AS keys`.execute(db);
  return rows[0];
}
