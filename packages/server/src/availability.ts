import { HeaderMap } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { sql, type Kysely } from 'kysely';
import { readReplicaOf } from './db/database.js';
import type { ReplicaLag } from './db/read-replica.js';
import { StatementCancelledError } from './db/statement-scope.js';
import type { Database } from './db/tables.js';
import { DatabaseUnavailableError } from './db/unavailable.js';
import type { Logger } from './logger.js';
import type { RequestHooks, RequestPart } from './request-hooks.js';

// How the server answers when the database is out of time or out of reach: UNAVAILABLE, HTTP
// 503 and Retry-After, and for a query, one more try on a new connection.

/** Seconds an UNAVAILABLE answer asks the client to wait: a new connection is one away. */
export const RETRY_AFTER_SECONDS = 1;

/**
 * Answers a request that met an unavailable database 503 with Retry-After, whichever step met
 * it (admission or a resolver), and lets the statements of a query's execution be sent again
 * on a new connection when theirs is lost (see postgres-pool.ts): a query only reads. Not
 * admission, whose rate-limit charge writes, nor anything of a mutation.
 */
const availabilityHooks: RequestHooks = {
  executionDidStart: async ({ operation, contextValue: { scope } }) => {
    // Apollo starts execution even when operationName names no operation of the document
    // (it reports that from execution), so its types promise an operation that may be absent.
    if (!scope || operation?.operation !== 'query') return;
    scope.retryReads = true;
    return {
      executionDidEnd: async () => {
        scope.retryReads = false;
      },
    };
  },
  willSendResponse: async ({ errors, response }) => {
    if (errors?.some((error) => databaseUnavailable(error) || isCancellation(error))) {
      response.http.status = 503;
      response.http.headers.set('retry-after', String(RETRY_AFTER_SECONDS));
    }
  },
};
export const availabilityPart: RequestPart = { requestDidStart: () => availabilityHooks };

/**
 * The error to throw where Apollo takes the answer's status from the error itself (creating
 * the context, which authenticates): UNAVAILABLE and 503 when the database was out of reach.
 */
export function withUnavailableStatus(error: unknown): unknown {
  const lost = databaseUnavailable(error);
  if (!lost) return error;
  return new GraphQLError(lost.message, {
    originalError: lost,
    extensions: {
      code: 'UNAVAILABLE',
      reason: lost.reason,
      http: {
        status: 503,
        headers: new HeaderMap([['retry-after', String(RETRY_AFTER_SECONDS)]]),
      },
    },
  });
}

/** The database failure behind an error, however deeply Apollo or graphql-js wrapped it. */
export function databaseUnavailable(error: unknown): DatabaseUnavailableError | undefined {
  return causes(error).find((cause) => cause instanceof DatabaseUnavailableError);
}

/** SQL refused for a request past its deadline (a running statement cancelled is a TIMEOUT). */
export function isCancellation(error: unknown): boolean {
  return causes(error).some((cause) => cause instanceof StatementCancelledError);
}

/** The error and the ones it wraps as a GraphQLError's original error. */
function causes(error: unknown): unknown[] {
  const chain = [error];
  for (let cause = error; cause instanceof GraphQLError;) {
    cause = cause.originalError;
    chain.push(cause);
  }
  return chain;
}

/**
 * The answer of /readyz: whether the database answers within 2 s. With a read replica, also
 * how far it trails the primary; the instance stays ready while either answers ('read-only'
 * when only the replica does: queries are served, mutations answer UNAVAILABLE).
 */
export async function readiness(db: Kysely<Database>, logger: Logger): Promise<[number, unknown]> {
  const replica = readReplicaOf(db);
  const [primary, lag] = await Promise.all([
    withTimeout(sql`SELECT 1`.execute(db), 2_000).then(
      () => true,
      (error: unknown) => {
        // The probe is anonymous: the database's own words (host names, roles) stay in the log.
        logger.warn({ err: error }, 'not ready: the database does not answer');
        return false;
      },
    ),
    replica &&
      withTimeout(replica.lag(), 2_000).catch((): ReplicaLag => ({ status: 'unavailable' })),
  ]);
  if (!lag) return primary ? [200, { status: 'ready' }] : [503, { status: 'unavailable' }];
  const status = primary ? 'ready' : lag.status === 'up' ? 'read-only' : 'unavailable';
  return [status === 'unavailable' ? 503 : 200, { status, replica: lag }];
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
