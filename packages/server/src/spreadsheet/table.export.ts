import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import { execute, parse, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Kysely } from 'kysely';
import type { Viewer } from '../auth/viewer.js';
import { createContext } from '../context.js';
import type { Database } from '../db/tables.js';
import { UserError, badInput } from '../errors.js';
import { approvalsNote } from './approvals.js';
import {
  missingArgs,
  TABLES,
  type Cursor,
  type TableArgs,
  type TableKind,
} from './table.queries.js';

export type TableFormat = 'XLSX' | 'CSV';

export interface TableRequest {
  kind: TableKind;
  format: TableFormat;
  args: TableArgs;
}

/** The rows of a table, page by page, read from the graph as `viewer`. */
export interface TableSource {
  title: string;
  headers: string[];
  /** What the figures are made from, for the heading. */
  note: string;
  pages: AsyncGenerator<unknown[][]>;
}

const documents = new Map<string, DocumentNode>();

/**
 * Opens a table: checks the arguments and reads its first page before anything is written, so
 * a bad metric or period is a coded error, not a half-written file.
 */
export async function openTable(
  schema: GraphQLSchema,
  db: Kysely<Database>,
  viewer: Viewer,
  request: TableRequest,
): Promise<TableSource> {
  const table = TABLES[request.kind];
  const missing = missingArgs(request.kind, request.args);
  if (missing.length > 0) {
    throw badInput(`A ${request.kind.toLowerCase()} table needs ${missing.join(', ')}`, missing[0]);
  }
  const document = documents.get(table.document) ?? parse(table.document);
  documents.set(table.document, document);
  const run = async (cursor: Cursor) => {
    const result = await execute({
      schema,
      document,
      variableValues: { ...request.args, ...cursor },
      contextValue: createContext(db, `export-${request.kind.toLowerCase()}`, viewer),
    });
    const error = result.errors?.[0];
    if (error) throw error.originalError instanceof UserError ? error.originalError : error;
    return table.page(result.data as Record<string, unknown>, cursor);
  };
  const first = await run({ after: null });
  async function* pages(): AsyncGenerator<unknown[][]> {
    let page = first;
    for (;;) {
      yield page.nodes.map((node) => table.row(node));
      if (page.next === null) return;
      page = await run(page.next);
    }
  }
  return {
    title: table.title(request.args),
    headers: table.headers,
    note: await approvalsNote(db, request.kind, request.args),
    pages: pages(),
  };
}

/**
 * Writes a table to `out`: XLSX through exceljs's streaming writer (rows are committed as they
 * come, so memory stays flat however many), or CSV in UTF-8 with a BOM so Excel reads the
 * Chinese. Both start with what the table is, when it was made and from which reports.
 */
export async function writeTable(
  source: TableSource,
  format: TableFormat,
  out: Writable,
  madeAt = new Date(),
): Promise<number> {
  const heading = [
    [source.title],
    [`生成时间 Made at: ${madeAt.toISOString()}`],
    [`数据来源 From: ${source.note}`],
    [],
    source.headers,
  ];
  let count = 0;
  if (format === 'CSV') {
    out.write('\uFEFF');
    for (const line of heading) out.write(csvLine(line));
    for await (const rows of source.pages) {
      for (const row of rows) out.write(csvLine(row));
      count += rows.length;
    }
    await new Promise<void>((resolve, reject) =>
      out.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    return count;
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  const sheet = workbook.addWorksheet(source.title.split(' · ')[0]?.slice(0, 31) ?? 'table');
  heading.forEach((line, index) => {
    const row = sheet.addRow(line);
    if (index === 0 || index === heading.length - 1) row.font = { bold: true };
    row.commit();
  });
  for await (const rows of source.pages) {
    for (const row of rows) sheet.addRow(row).commit();
    count += rows.length;
  }
  sheet.commit();
  await workbook.commit();
  return count;
}

function csvLine(cells: readonly unknown[]): string {
  return `${cells.map(csvCell).join(',')}\r\n`;
}

function csvCell(value: unknown): string {
  const text = value == null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
