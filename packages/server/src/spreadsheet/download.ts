import type { Writable } from 'node:stream';
import type { GraphQLSchema } from 'graphql';
import type { Kysely } from 'kysely';
import type { Viewer } from '../auth/viewer.js';
import { createContext } from '../context.js';
import type { Database } from '../db/tables.js';
import { requireByReference } from '../modules/organization/organization.reference.js';
import { requireTemplate } from '../modules/submission/submission.access.js';
import type { DownloadRequest } from './download-token.js';
import { openTable, writeTable } from './table.export.js';
import { buildTemplateWorkbook } from './template.export.js';
import { XLSX_TYPE } from './workbook.format.js';

export const CSV_TYPE = 'text/csv; charset=utf-8';

/** A file ready to be written: checked and its first rows read, so errors come before bytes. */
export interface Download {
  fileName: string;
  contentType: string;
  write(out: Writable): Promise<void>;
}

/** Prepares what a download link (or the CLI) asks for, as `viewer`. */
export async function prepareDownload(
  schema: GraphQLSchema,
  db: Kysely<Database>,
  viewer: Viewer,
  request: DownloadRequest,
): Promise<Download> {
  if (request.kind === 'TEMPLATE') {
    const { loaders } = createContext(db, 'export-template', viewer);
    const template = await requireTemplate(loaders, request.template, 'template');
    const unit = await requireByReference(loaders.organization, request.unit, 'unit');
    const workbook = await buildTemplateWorkbook(db, viewer, {
      template,
      period: request.period,
      unit,
      allBelow: request.allBelow,
    });
    return {
      fileName: `${template.code}-${request.period}-${unit.code ?? unit.id}.xlsx`,
      contentType: XLSX_TYPE,
      write: async (out) => {
        await workbook.xlsx.write(out);
        out.end();
      },
    };
  }
  const source = await openTable(schema, db, viewer, request);
  const extension = request.format === 'CSV' ? 'csv' : 'xlsx';
  const what = [
    request.args.metric ?? request.args.template,
    request.args.period ?? request.args.from,
  ]
    .filter(Boolean)
    .join('-');
  return {
    fileName: `${request.kind.toLowerCase()}-${what}.${extension}`,
    contentType: request.format === 'CSV' ? CSV_TYPE : XLSX_TYPE,
    write: async (out) => {
      await writeTable(source, request.format, out);
    },
  };
}
