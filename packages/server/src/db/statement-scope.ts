import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/**
 * What the database layer knows of the request whose code is running, carried through every
 * await (DataLoader batches included), so it can tell which statements belong to a request
 * without every repository function passing it along.
 */
export interface StatementScope {
  /** Once aborted, statements still running are cancelled (on PostgreSQL) and none is sent. */
  readonly signal: AbortSignal;
  /**
   * Whether the request only reads (a GraphQL query executing): a statement of it that lost its
   * connection outside a transaction may then be sent once more, on a new connection.
   */
  retryReads: boolean;
}

const scope = new AsyncLocalStorage<StatementScope>();

export function createStatementScope(signal: AbortSignal): StatementScope {
  return { signal, retryReads: false };
}

/** Runs `fn` with its SQL tied to `statementScope`. */
export function runInStatementScope<T>(
  statementScope: StatementScope,
  fn: () => Promise<T>,
): Promise<T> {
  return scope.run(statementScope, fn);
}

/** The scope of the current request, if any. */
export function currentStatementScope(): StatementScope | undefined {
  return scope.getStore();
}

/** The signal of the current request, if any. */
export function currentStatementSignal(): AbortSignal | undefined {
  return scope.getStore()?.signal;
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
