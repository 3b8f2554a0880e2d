import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { keptPlanName } from './kept-plan.js';
import { WaitTally, type PoolStatus } from './pool-status.js';
import { sendingScope } from './scoped-postgres.js';
import { StatementCancelledError, type CancelSignal } from './statement-scope.js';
import { DatabaseUnavailableError } from './unavailable.js';

/**
 * The `pg` pool as kysely sees it, made to outlive its database:
 * - every client, checked out or idle, has an 'error' listener (pg's pool listens on idle
 *   clients only, and an unhandled 'error' event ends the process);
 * - a statement whose connection is lost fails with DatabaseUnavailableError, and its client is
 *   given back to be destroyed, so the next statement gets a fresh connection; a request that
 *   only reads (see StatementScope.retryReads) sends it once more, outside a transaction;
 * - a refused or timed-out connection attempt and a statement timeout are unavailability too;
 * - each statement is tied to its request (statement-scope.ts, handed over by
 *   scoped-postgres.ts): once the request's signal aborts, the statement still running is
 *   cancelled with pg_cancel_backend;
 * - a rollback that fails gives its client back to be destroyed (kysely no longer sees it);
 * - a statement marked with keptPlan is prepared under its name, once per connection (pg
 *   keeps the names it has prepared on each client), so PostgreSQL keeps its plan;
 * - `status()` tells how busy the pool is, the waits for a connection included.
 */
export function resilientPool(
  pool: pg.Pool,
  onError: (error: Error) => void,
): PostgresPool & { status(): PoolStatus } {
  const lost = new WeakSet<pg.ClientBase>();
  const waits = new WaitTally();
  pool.on('connect', (client) => {
    client.on('error', (error) => {
      lost.add(client);
      onError(error);
    });
  });
  // The pool re-emits its idle clients' errors, already reported by the listener above; without
  // a listener of its own the re-emitted event would end the process.
  pool.on('error', () => {});

  const acquire = async (): Promise<pg.PoolClient> => {
    // A caller waits when every connection the pool may open is in use.
    const full = pool.idleCount === 0 && pool.totalCount >= (pool.options.max ?? 10);
    try {
      return await (full ? waits.time(pool.connect()) : pool.connect());
    } catch (error) {
      throw new DatabaseUnavailableError('DATABASE_UNREACHABLE', error);
    }
  };
  const cancel = (processId: number) => {
    pool.query('SELECT pg_cancel_backend($1)', [processId]).catch(onError);
  };

  return {
    options: pool.options,
    async connect() {
      return connection(await acquire());
    },
    end: () => pool.end(),
    status: () => ({
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      waits: waits.waits,
      waitMs: waits.waitMs,
    }),
  };

  function connection(first: pg.PoolClient): PostgresPoolClient {
    // Undefined once the connection is lost and its client given back.
    let client: pg.PoolClient | undefined = first;
    let inTransaction = false;

    const send = async (
      text: string,
      parameters: readonly unknown[],
      signal: CancelSignal | undefined,
    ) => {
      const current = client as pg.PoolClient & { processID?: number };
      const onAbort = () => current.processID !== undefined && cancel(current.processID);
      signal?.addEventListener('abort', onAbort, { once: true });
      try {
        return await submit(current, text, [...parameters], keptPlanName(text));
      } finally {
        signal?.removeEventListener('abort', onAbort);
      }
    };

    const query = async (text: string, parameters: readonly unknown[]) => {
      const scope = sendingScope();
      // A transaction must still be able to roll back after its request was cancelled.
      if (scope?.signal.aborted && text !== 'rollback') throw new StatementCancelledError();
      for (let attempt = 1; ; attempt += 1) {
        if (!client) {
          // PostgreSQL rolled the transaction back when its connection went.
          if (text === 'rollback') return ROLLED_BACK;
          throw new DatabaseUnavailableError('DATABASE_UNREACHABLE', 'connection lost earlier');
        }
        try {
          const result = await send(text, parameters, scope?.signal);
          if (text === 'begin' || text.startsWith('start transaction')) inTransaction = true;
          if (text === 'commit' || text === 'rollback') inTransaction = false;
          return result;
        } catch (error) {
          if (sqlState(error) === QUERY_CANCELED) {
            throw new DatabaseUnavailableError('TIMEOUT', error);
          }
          const disconnected = lost.has(client) || isConnectionFailure(error);
          if (!disconnected && text !== 'rollback') throw error;
          client.release(error as Error);
          client = undefined;
          if (!disconnected) throw error;
          if (inTransaction || !scope?.retryReads || attempt > 1) {
            throw new DatabaseUnavailableError('DATABASE_UNREACHABLE', error);
          }
          client = await acquire();
        }
      }
    };

    return {
      // Only the (text, parameters) form: kysely passes a cursor only when one is configured.
      query: query as unknown as PostgresPoolClient['query'],
      release: (destroy) => client?.release(destroy),
    };
  }
}

/**
 * Sends a statement as pg's `query(text, values)` does, under `name` when it is a kept plan.
 * pg copies a query given as an object descriptor by descriptor, and wraps every promise it
 * returns in a second one; both were a fixed cost of every statement (docs/performance.md, issue
 * 14). Built from its text, a query is named before it is submitted, which is when pg reads it.
 */
function submit(
  client: pg.PoolClient,
  text: string,
  values: unknown[],
  name: string | undefined,
): Promise<pg.QueryResult> {
  return new Promise((resolve, reject) => {
    const query = new pg.Query(text, values, (error, result) =>
      error ? reject(error) : resolve(result as unknown as pg.QueryResult),
    );
    if (name) Object.assign(query, { name });
    client.query(query);
  });
}

// query_canceled: statement_timeout, or pg_cancel_backend for a request past its deadline.
const QUERY_CANCELED = '57014';
// Terminated by an administrator (pg_terminate_backend, a fast shutdown), crashed, or the
// server not accepting connections yet.
const SHUTDOWN_STATES = new Set(['57P01', '57P02', '57P03']);

/** A failure of the connection rather than of the statement (class 08: connection exception). */
function isConnectionFailure(error: unknown): boolean {
  const state = sqlState(error);
  return state !== undefined && (state.startsWith('08') || SHUTDOWN_STATES.has(state));
}

/** The SQLSTATE of an error PostgreSQL raised, if it is one. */
export function sqlState(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}

const ROLLED_BACK = { command: 'ROLLBACK', rowCount: 0, rows: [], fields: [], oid: 0 };
