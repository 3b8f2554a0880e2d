import type { RequestPart } from '../request-hooks.js';
import { credentialOf, type DemandControl, type Ticket } from './admission.js';

/** What every response reports in `extensions.cost`. */
export interface CostReport {
  /** The most the operation could cost, from the document; null when it never parsed and validated. */
  requested: number | null;
  /** What the fields that actually resolved cost. */
  actual: number;
  /** The most one request may cost. */
  budget: number;
  /** Whole points left for the caller (docs/security.md); null when not rate limited. */
  remaining: number | null;
}

/**
 * Demand control in one place, before and after execution:
 * 1. the operation's requested cost is computed from the document and the tree, and refused
 *    over budget;
 * 2. an expensive operation takes a place among its caller's, and the requested cost is taken
 *    from the caller's allowance, or the request is refused RATE_LIMITED with Retry-After;
 *    every refusal happens before any resolver runs;
 * 3. the actual cost is summed as fields resolve (limits/actual-cost.ts); after the response,
 *    the difference comes back, the statement time is charged, and the report is added to the
 *    extensions.
 */
export function demandControlPart(demand: DemandControl): RequestPart {
  return {
    requestDidStart({ schema }) {
      const report: CostReport = {
        requested: null,
        actual: 0,
        budget: demand.limits.costBudget,
        remaining: null,
      };
      let ticket: Ticket | null = null;

      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          const admission = await demand.admit(
            {
              schema,
              document,
              // The operation Apollo resolved, by its own name: a request may name an
              // anonymous operation (even ""), which the cost library cannot look up.
              operationName: operation?.name?.value,
              variables: request.variables ?? {},
            },
            contextValue,
          );
          report.requested = admission.requested;
          report.remaining = admission.remaining;
          if (!admission.admitted) {
            const { retryAfter } = admission.error.extensions;
            if (typeof retryAfter === 'number' && request.http) {
              demand.rememberRefusal(
                credentialOf(request.http.headers, contextValue.clientAddress),
                retryAfter,
              );
            }
            throw admission.error;
          }
          ticket = admission.ticket;
        },

        async willSendResponse({ response, contextValue }) {
          report.actual = contextValue.cost.actual;
          if (ticket) {
            // A request cut off by its deadline keeps paying what it asked.
            const remaining = demand.settle(ticket, {
              actual: report.actual,
              statementMs: contextValue.scope?.usage.milliseconds ?? 0,
              refund: !(contextValue.scope?.signal.aborted ?? false),
            });
            if (remaining !== null) report.remaining = remaining;
            ticket = null;
          }
          if (response.body.kind === 'single') {
            const result = response.body.singleResult;
            result.extensions = { ...result.extensions, cost: { ...report } };
          }
        },
      };
    },
  };
}
