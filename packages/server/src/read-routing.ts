import type { ApolloServerPlugin } from '@apollo/server';
import type { Context } from './context.js';
import type { Kysely } from 'kysely';
import { readReplicaOf } from './db/database.js';
import type { ReadReplica } from './db/read-replica.js';
import type { Database } from './db/tables.js';
import type { Logger } from './logger.js';

/**
 * The consistency token: the primary's WAL position after a mutation, as a decimal number of
 * bytes. The server sends it in this response header; a client sends the largest it has seen
 * back in the same request header, and its queries are then read from the replica only once
 * the replica has replayed that far (docs/deploy.md, "Reading your own writes").
 */
export const CONSISTENCY_HEADER = 'fulian-consistency-token';

/** How often the replica's lag is measured for the log. */
const LAG_SAMPLE_MS = 10_000;
/** Lag at which every sample is logged as a warning, not once a minute. */
const LAG_WARN_MS = 1_000;

/**
 * Routes each request's statements when a read replica is configured (db/read-replica.ts): a
 * query reads from the replica unless it carries a consistency token the replica has not yet
 * replayed, in which case it reads from the primary (no waiting); a mutation writes to the
 * primary and answers with the token. Does nothing without a replica. Also logs the replica's lag while the server runs.
 */
export function readRoutingPlugin(
  db: Kysely<Database>,
  logger: Logger,
): ApolloServerPlugin<Context> {
  const replica = readReplicaOf(db);
  if (!replica) return {};
  return {
    serverWillStart: async () => {
      const stop = watchLag(replica, logger);
      return { serverWillStop: async () => stop() };
    },
    requestDidStart: async ({ request }) => {
      let executed = false;
      return {
        executionDidStart: async ({ operation, contextValue: { scope } }) => {
          if (!scope) return;
          executed = true;
          if (operation?.operation !== 'query') {
            scope.readFrom = 'primary';
            return;
          }
          const token = parseToken(request.http?.headers.get(CONSISTENCY_HEADER));
          // A token the server cannot read proves nothing about the replica: the primary answers.
          const fresh =
            token === null ? false : token === undefined || (await replica.hasReplayed(token));
          scope.readFrom = fresh ? 'replica' : 'primary';
        },
        willSendResponse: async ({ operation, response }) => {
          if (!executed || operation?.operation !== 'mutation') return;
          // Read after the mutation's transactions committed: a commit that has returned lies at
          // or before the position PostgreSQL reports as written. A primary gone meanwhile
          // answers no token; the mutation's own answer says what happened.
          const position = await replica.primaryPosition().catch(() => undefined);
          if (position !== undefined)
            response.http.headers.set(CONSISTENCY_HEADER, String(position));
        },
      };
    },
  };
}

/** The token a request carries: undefined without one, null for one that is not a position. */
function parseToken(value: string | undefined): bigint | undefined | null {
  if (value === undefined || value === '') return undefined;
  return /^[0-9]{1,20}$/.test(value) ? BigInt(value) : null;
}

/** Measures the replica's lag every LAG_SAMPLE_MS and logs it; returns the function that stops. */
function watchLag(replica: ReadReplica, logger: Logger): () => void {
  let samples = 0;
  const sample = async () => {
    const lag = await replica.lag();
    const perMinute = samples++ % (60_000 / LAG_SAMPLE_MS) === 0;
    if (lag.status === 'unavailable') logger.warn({ replica: lag }, 'read replica unreachable');
    else if ((lag.lagMs ?? 0) >= LAG_WARN_MS) logger.warn({ replica: lag }, 'read replica lag');
    else if (perMinute) logger.info({ replica: lag }, 'read replica lag');
  };
  const tick = () => {
    sample().catch((error: unknown) => logger.warn({ err: error }, 'read replica lag unknown'));
  };
  tick();
  const timer = setInterval(tick, LAG_SAMPLE_MS);
  timer.unref();
  return () => clearInterval(timer);
}
