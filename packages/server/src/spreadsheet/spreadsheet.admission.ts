import type { IncomingMessage } from 'node:http';
import type { Kysely } from 'kysely';
import type { Viewer } from '../auth/viewer.js';
import { createStatementScope, scopedDatabase } from '../db/statement-scope.js';
import type { Database } from '../db/tables.js';
import { credentialOf, type DemandControl } from '../limits/admission.js';
import { EXPENSIVE_UNITS } from '../limits/limits.js';
import { headerReader } from '../lib/request-headers.js';

/**
 * Points a workbook upload asks for per KiB of its body (its declared length, or the most it
 * may be): reading a workbook is CPU the server spends before any SQL.
 */
const POINTS_PER_KIB = 1;
/** Points a download asks for before it runs; its statement time is charged after. */
const DOWNLOAD_POINTS = 1_000;

export interface SpreadsheetAdmission {
  db: Kysely<Database>;
  demand: DemandControl;
  clientAddressOf(request: IncomingMessage): string | undefined;
  requestTimeoutMs: number;
}

/** What a spreadsheet request asks of demand control: an upload by its size, a download flat. */
export function spreadsheetCost(
  kind: 'upload' | 'download',
  declaredBytes: number,
): { points: number; units: number } {
  // Both are expensive operations: one per caller at a time, like a village ranking.
  const points =
    kind === 'upload' ? Math.ceil(declaredBytes / 1024) * POINTS_PER_KIB : DOWNLOAD_POINTS;
  return { points, units: EXPENSIVE_UNITS };
}

/**
 * Runs a spreadsheet request as demand control runs a GraphQL one (docs/security.md): admitted
 * from the caller's allowance and among its expensive operations, its statements measured and
 * the time beyond its points charged after, a refusal remembered for the caller's next
 * requests. `run` sends its SQL through the database it is given. With `deadline`, its SQL is cancelled after the request time limit, as a GraphQL
 * request's is; a download streams for as long as its table takes, without one.
 */
export async function runAdmitted<T>(
  admission: SpreadsheetAdmission,
  request: IncomingMessage,
  viewer: Viewer,
  cost: { points: number; units: number },
  options: { deadline: boolean },
  run: (db: Kysely<Database>) => Promise<T>,
): Promise<T> {
  const { demand } = admission;
  const clientAddress = admission.clientAddressOf(request);
  const admitted = await demand.admitCost(cost, { viewer, clientAddress });
  if (!admitted.admitted) {
    const { retryAfter } = admitted.error.extensions;
    if (typeof retryAfter === 'number') {
      demand.rememberRefusal(credentialOf(headerReader(request), clientAddress), retryAfter);
    }
    throw admitted.error;
  }
  const controller = new AbortController();
  const timer = options.deadline
    ? setTimeout(() => controller.abort(), admission.requestTimeoutMs)
    : undefined;
  const scope = createStatementScope(controller.signal);
  try {
    return await run(scopedDatabase(admission.db, scope));
  } finally {
    clearTimeout(timer);
    demand.settle(admitted.ticket, {
      actual: cost.points,
      statementMs: scope.usage.milliseconds,
      refund: false,
    });
  }
}
