import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

// The signal of the request whose code is running, carried through every await (DataLoader
// batches included), so the database layer can tell which statements belong to a request
// without every repository function passing a signal along.
const scope = new AsyncLocalStorage<AbortSignal>();

/**
 * Runs `fn` with its SQL tied to `signal`: once the signal aborts, statements still running
 * are cancelled (on PostgreSQL) and no new statement is sent.
 */
export function runInStatementScope<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return scope.run(signal, fn);
}

/** The signal of the current request, if any. */
export function currentStatementSignal(): AbortSignal | undefined {
  return scope.getStore();
}

/** A statement refused because its request was already cancelled. */
export class StatementCancelledError extends Error {
  constructor() {
    super('The request was cancelled; no further SQL is sent for it');
  }
}

/** Refuses to send a statement for a request that has been cancelled (any dialect). */
export class StatementScopePlugin implements KyselyPlugin {
  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    if (currentStatementSignal()?.aborted) throw new StatementCancelledError();
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}
