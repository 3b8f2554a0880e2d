import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Context } from '../context.js';
import { currentStatementSignal } from '../db/statement-scope.js';
import { DatabaseUnavailableError } from '../db/unavailable.js';
import { UserError } from '../errors.js';
import { ownCost, requestedCost } from './cost.js';
import type { Limits } from './limits.js';
import { bucketKey, charge, refund } from './rate-limit.js';

/** What every response reports in `extensions.cost`. */
export interface CostReport {
  /** The most the operation could cost, from the document; null when it never parsed and validated. */
  requested: number | null;
  /** What the fields that actually resolved cost. */
  actual: number;
  /** The most one request may cost. */
  budget: number;
  /** Whole points left in the caller's bucket; null when the caller is not rate limited. */
  remaining: number | null;
}

/**
 * Demand control in one place, before and after execution:
 * 1. the operation's requested cost is computed from the document and refused over budget;
 * 2. the caller's bucket is charged the requested cost, or the request is refused
 *    RATE_LIMITED with Retry-After; both refusals happen before any resolver runs;
 * 3. the actual cost is summed as fields resolve, the difference refunded, and the report
 *    added to the response's extensions.
 */
export function demandControlPlugin(limits: Limits): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ schema }) {
      const report: CostReport = {
        requested: null,
        actual: 0,
        budget: limits.costBudget,
        remaining: null,
      };
      let charged: { key: string; points: number } | null = null;

      return {
        async didResolveOperation({ document, operation, request, contextValue }) {
          const admission = await admitOperation(
            {
              schema,
              document,
              // The operation Apollo resolved, by its own name: a request may name an
              // anonymous operation (even ""), which the cost library cannot look up.
              operationName: operation?.name?.value,
              variables: request.variables ?? {},
            },
            contextValue,
            limits,
          );
          report.requested = admission.requested;
          report.remaining = admission.remaining;
          if (!admission.admitted) throw admission.error;
          charged = admission.charged;
        },

        async executionDidStart() {
          return {
            willResolveField({ info }) {
              const field = info.parentType.getFields()[info.fieldName];
              if (field) report.actual += ownCost(field);
            },
          };
        },

        async willSendResponse({ response, contextValue }) {
          // A request cut off by its deadline sends no more SQL, and keeps paying what it asked.
          const cancelled = currentStatementSignal()?.aborted ?? false;
          if (charged && limits.rateLimit && report.actual < charged.points && !cancelled) {
            // The answer is made: a refund the database cannot take now leaves the caller
            // charged in full (the safe side) instead of failing the answer.
            const level = await refund(
              contextValue.db,
              charged.key,
              charged.points - report.actual,
              limits.rateLimit,
            ).catch((error: unknown) => {
              if (error instanceof DatabaseUnavailableError) return undefined;
              throw error;
            });
            if (level !== undefined) report.remaining = level === null ? null : Math.floor(level);
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

/** An operation as it is about to run. */
export interface Operation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

/** Whether an operation may run, with what it asked for and what its caller has left. */
export type Admission =
  | {
      admitted: true;
      requested: number;
      /** What was taken from whose bucket, to refund; null when the caller is not limited. */
      charged: { key: string; points: number } | null;
      remaining: number | null;
    }
  | { admitted: false; requested: number; remaining: number | null; error: UserError };

/**
 * The checks before an operation runs, for every transport: its requested cost against the
 * budget, then the caller's bucket charged that cost. Refusals are returned, not thrown, so
 * the caller can still report the cost and the bucket's level; variables that do not coerce
 * are thrown as BAD_USER_INPUT.
 */
export async function admitOperation(
  operation: Operation,
  context: Pick<Context, 'db' | 'viewer' | 'clientAddress'>,
  limits: Limits,
): Promise<Admission> {
  const requested = computeCost(() =>
    requestedCost(
      operation.schema,
      operation.document,
      operation.operationName,
      operation.variables,
    ),
  );
  if (requested > limits.costBudget) {
    return {
      admitted: false,
      requested,
      remaining: null,
      error: new UserError(
        'BAD_USER_INPUT',
        `The query costs ${requested} points; the budget is ${limits.costBudget}`,
        {
          reason: 'COST_LIMIT',
          cost: { requested, budget: limits.costBudget },
          http: { status: 400 },
        },
      ),
    };
  }
  const key = bucketKey(context.viewer, context.clientAddress);
  if (!limits.rateLimit || key === null) {
    return { admitted: true, requested, charged: null, remaining: null };
  }
  const result = await charge(context.db, key, requested, limits.rateLimit);
  if (!result.granted) {
    return {
      admitted: false,
      requested,
      remaining: Math.floor(result.available),
      error: new UserError(
        'RATE_LIMITED',
        `Rate limited: the query costs ${requested} points and ${Math.floor(result.available)} are available; retry in ${result.retryAfterSeconds} s`,
        {
          retryAfter: result.retryAfterSeconds,
          cost: { requested, available: result.available },
          http: {
            status: 429,
            headers: new Map([['retry-after', String(result.retryAfterSeconds)]]),
          },
        },
      ),
    };
  }
  return {
    admitted: true,
    requested,
    charged: { key, points: requested },
    remaining: Math.floor(result.remaining),
  };
}

/** Variables that do not coerce make costing fail; that is the caller's error, not ours. */
function computeCost(compute: () => number): number {
  try {
    return compute();
  } catch (error) {
    if (error instanceof GraphQLError) {
      throw new UserError('BAD_USER_INPUT', error.message, { http: { status: 400 } });
    }
    throw error;
  }
}
