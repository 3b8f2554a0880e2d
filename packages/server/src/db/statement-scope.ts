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
  /**
   * Where its statements go when a read replica is configured (read-replica.ts): set once the
   * operation is known, a query's to the replica, a mutation's or a subscription's to the
   * primary; unset before then (authentication reads the primary, or the replica when the
   * primary is out of reach).
   */
  readFrom?: 'replica' | 'primary';
  /** The database time the request's statements took, as the database layer measured it. */
  readonly usage: StatementUsage;
}

/** Statements sent and the milliseconds they took. */
export interface StatementUsage {
  statements: number;
  milliseconds: number;
}

const scope = new AsyncLocalStorage<StatementScope>();

export function createStatementScope(signal: AbortSignal): StatementScope {
  return { signal, retryReads: false, usage: { statements: 0, milliseconds: 0 } };
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

/**
 * Runs `fn` outside any request's scope: work a request starts for the whole process (a
 * background refresh) must neither be cancelled with it nor charged to it.
 */
export function outsideStatementScope<T>(fn: () => T): T {
  return scope.exit(fn);
}

/** The signal of the current request, if any. */
export function currentStatementSignal(): AbortSignal | undefined {
  return scope.getStore()?.signal;
}

/** What the current request's statements have taken so far, if it runs in a scope. */
export function currentStatementUsage(): StatementUsage | undefined {
  return scope.getStore()?.usage;
}

/** Adds one statement's duration to the request it ran for, if any. */
export function recordStatement(durationMs: number): void {
  const usage = scope.getStore()?.usage;
  if (!usage) return;
  usage.statements += 1;
  usage.milliseconds += durationMs;
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
