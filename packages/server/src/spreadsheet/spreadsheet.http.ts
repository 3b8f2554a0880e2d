import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { Authenticator } from '../auth/authenticate.js';
import { describeViewer } from '../auth/viewer.js';
import { databaseUnavailable, isCancellation, RETRY_AFTER_SECONDS } from '../availability.js';
import { UserError, type ErrorCode, type ErrorReason } from '../errors.js';
import { toGlobalId } from '../graph/global-id.js';
import { sendJson } from '../lib/json-response.js';
import { headerReader, requestHeader } from '../lib/request-headers.js';
import { NORMALIZATIONS } from '../lib/typed-number.js';
import type { Logger } from '../logger.js';
import { createContext } from '../context.js';
import { requireTemplate } from '../modules/submission/submission.access.js';
import { DOWNLOAD_PATH, verifyDownload } from './download-token.js';
import {
  runAdmitted,
  spreadsheetCost,
  type SpreadsheetAdmission,
} from './spreadsheet.admission.js';
import { XLSX_TYPE } from './workbook.format.js';
import type { ImportPlan } from './workbook.import.js';

// The spreadsheet code (exceljs above all, about a second to load) is imported when a
// spreadsheet is first asked for, so the server does not pay for it at start-up.
const spreadsheet = () =>
  Promise.all([
    import('./download.js'),
    import('./workbook.import.js'),
    import('./workbook.commit.js'),
    import('./workbook.open.js'),
  ]).then(([download, plan, commit, open]) => ({ ...download, ...plan, ...commit, ...open }));

export const SPREADSHEET_PREFIX = '/spreadsheets/';
export const IMPORT_PATH = '/spreadsheets/import';

// Uploads must say they are a workbook. Neither type is one a cross-site form can send, so a
// browser must ask first (CORS preflight), which this server never grants: the same guard as
// Apollo's CSRF prevention for /graphql.
const UPLOAD_TYPES = [XLSX_TYPE, 'application/octet-stream'];

const STATUS: Record<ErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  LOCKED: 423,
  RATE_LIMITED: 429,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

export interface SpreadsheetRouteOptions {
  schema: GraphQLSchema;
  authenticate: Authenticator;
  logger: Logger;
  admission: SpreadsheetAdmission;
}

/**
 * The two spreadsheet routes beside /graphql: `GET /spreadsheets/download/<token>` serves a
 * link made by the `spreadsheetDownload` mutation, and `POST /spreadsheets/import` takes a
 * filled workbook as the raw request body (dry run unless `commit=true`). Errors are the
 * graph's: `{ errors: [{ message, extensions: { code, reason, zh, en } }] }`.
 */
export function createSpreadsheetRoutes(options: SpreadsheetRouteOptions) {
  const { schema, authenticate, logger, admission } = options;
  return async (request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> => {
    try {
      if (request.method === 'GET' && url.pathname.startsWith(DOWNLOAD_PATH)) {
        const { viewer, request: wanted } = verifyDownload(
          url.pathname.slice(DOWNLOAD_PATH.length),
        );
        const cost = spreadsheetCost('download', 0);
        return await runAdmitted(
          admission,
          request,
          viewer,
          cost,
          { deadline: false },
          async (requestDb) => {
            const { prepareDownload } = await spreadsheet();
            const download = await prepareDownload(schema, requestDb, viewer, wanted);
            response.statusCode = 200;
            response.setHeader('content-type', download.contentType);
            response.setHeader('cache-control', 'no-store');
            response.setHeader(
              'content-disposition',
              `attachment; filename*=UTF-8''${encodeURIComponent(download.fileName)}`,
            );
            await download.write(response);
          },
        );
      }
      if (request.method === 'POST' && url.pathname === IMPORT_PATH) {
        return await importRoute(request, response, url);
      }
      sendJson(response, 404, { error: 'not found' });
    } catch (error) {
      if (response.headersSent) {
        logger.error({ err: error }, 'spreadsheet download failed while streaming');
        response.destroy();
        return;
      }
      if (error instanceof UserError) {
        const { http, ...extensions } = error.extensions as typeof error.extensions & {
          http?: { headers?: Map<string, string> };
        };
        for (const [name, value] of http?.headers ?? []) response.setHeader(name, value);
        const code = extensions.code as ErrorCode;
        const tooLarge = extensions.reason === 'TOO_LARGE';
        // The rest of an oversized body is never read: the connection cannot be reused.
        if (tooLarge) response.setHeader('connection', 'close');
        const status = tooLarge ? 413 : STATUS[code];
        return sendJson(response, status, { errors: [{ message: error.message, extensions }] });
      }
      const unavailable = databaseUnavailable(error);
      if (unavailable || isCancellation(error)) {
        // The database's failure or the request's deadline, not the request's fault: the same
        // request may succeed again.
        const reason: ErrorReason<'UNAVAILABLE'> = unavailable?.reason ?? 'TIMEOUT';
        const message = unavailable?.message ?? 'The upload ran out of time';
        logger.warn({ err: unavailable?.cause ?? error, reason }, message);
        response.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
        return sendJson(response, 503, {
          errors: [
            {
              message: `${message}; try again shortly`,
              extensions: { code: 'UNAVAILABLE', reason },
            },
          ],
        });
      }
      const correlationId = randomUUID();
      logger.error({ err: error, correlationId }, 'spreadsheet request failed');
      sendJson(response, 500, {
        errors: [
          { message: 'Internal server error', extensions: { code: 'INTERNAL', correlationId } },
        ],
      });
    }
  };

  async function importRoute(request: IncomingMessage, response: ServerResponse, url: URL) {
    const viewer = await authenticate(headerReader(request));
    const { MAX_WORKBOOK_BYTES, commitImport, planImport } = await spreadsheet();
    const type = (requestHeader(request, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!UPLOAD_TYPES.includes(type)) {
      throw new UserError('BAD_USER_INPUT', `Send the workbook as ${XLSX_TYPE}`, {
        reason: 'CONTENT_TYPE',
        zh: '请以 Excel 工作簿（.xlsx）格式上传',
        en: `send the workbook as ${XLSX_TYPE}`,
      });
    }
    const template = url.searchParams.get('template');
    const period = url.searchParams.get('period');
    if (!template || !period) {
      throw new UserError(
        'BAD_USER_INPUT',
        'Say which template and period you upload: ?template=…&period=…',
        {
          field: template ? 'period' : 'template',
        },
      );
    }
    const declared = Number(requestHeader(request, 'content-length') ?? MAX_WORKBOOK_BYTES);
    const cost = spreadsheetCost('upload', Math.min(declared || 0, MAX_WORKBOOK_BYTES));
    const commit = url.searchParams.get('commit') === 'true';
    const answer = await runAdmitted(
      admission,
      request,
      viewer,
      cost,
      { deadline: true },
      async (requestDb) => {
        const bytes = await readBody(request, MAX_WORKBOOK_BYTES);
        const { loaders } = createContext(requestDb, randomUUID(), viewer);
        const importRequest = {
          template: await requireTemplate(loaders, template, 'template'),
          period,
          bytes,
        };
        if (!commit) return describePlan(await planImport(requestDb, viewer, importRequest), false);
        const { plan, units } = await commitImport(requestDb, viewer, importRequest);
        return {
          ...describePlan(plan, true),
          units: units.map((unit) => ({
            sheet: unit.sheet,
            organization: toGlobalId('Organization', unit.organizationId),
            outcome: unit.outcome,
            changes: unit.changes,
            submission: unit.submission && {
              id: toGlobalId('Submission', unit.submission.id),
              status: unit.submission.status,
              version: unit.submission.version,
            },
          })),
        };
      },
    );
    // Like a mutation's (audit.plugin.ts): who sent which file, and what each unit became.
    logger.info(
      {
        audit: 'spreadsheet-import',
        viewer: describeViewer(viewer),
        template,
        period,
        fileHash: answer.fileHash,
        dryRun: answer.dryRun,
        problemCount: answer.problemCount,
        units: 'units' in answer ? answer.units : undefined,
      },
      'spreadsheet import',
    );
    sendJson(response, 200, answer);
  }
}

/** The dry run as JSON: per sheet its report and problem, per cell what was read and found. */
function describePlan(plan: ImportPlan, committed: boolean) {
  return {
    dryRun: !committed,
    fileHash: plan.fileHash,
    template: plan.template.code,
    period: plan.period,
    problemCount: plan.problemCount,
    sheets: plan.sheets.map((sheet) => ({
      sheet: sheet.sheet,
      organization: {
        id: toGlobalId('Organization', sheet.organization.id),
        code: sheet.organization.code,
        name: sheet.organization.name,
      },
      submission: sheet.report && toGlobalId('Submission', sheet.report.id),
      status: sheet.report?.status ?? null,
      workbookVersion: sheet.workbookVersion,
      currentVersion: sheet.report?.version ?? 0,
      problem: sheet.problem,
    })),
    cells: plan.sheets.flatMap((sheet) =>
      sheet.cells.map((cell) => ({
        sheet: cell.sheet,
        cell: cell.cell,
        metric: cell.metric,
        metricName: cell.metricName,
        read: cell.read,
        normalized: cell.value,
        applied: cell.applied.map((code) => ({ code, ...NORMALIZATIONS[code] })),
        change: cell.change,
        problem: cell.problem,
      })),
    ),
  };
}

async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      throw new UserError('BAD_USER_INPUT', `The upload is refused: over ${limit} bytes`, {
        reason: 'TOO_LARGE',
        zh: `文件超过 ${limit} 字节`,
        en: `over ${limit} bytes`,
      });
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
