import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as wait } from 'node:timers/promises';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import type { Kysely } from 'kysely';
import { bucketKey } from '../auth/actor.js';
import type { Context } from '../context.js';
import type { Database } from '../db/tables.js';
import { UserError, type ErrorExtensions } from '../errors.js';
import { sendJson } from '../lib/json-response.js';
import { readBody } from '../lib/request-body.js';
import { headerReader } from '../lib/request-headers.js';
import { AllowanceBook } from './allowance.js';
import { requestedCost, type RequestedCost } from './cost.js';
import { CostCache } from './cost-cache.js';
import { EXPENSIVE_UNITS, type Limits } from './limits.js';
import { TreeSizes } from './tree-size.js';

/** An operation as it is about to run. */
export interface Operation {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName: string | undefined;
  variables: Record<string, unknown>;
}

/** Why a request was refused RATE_LIMITED. */
export type RateLimitReason = 'ALLOWANCE' | 'CONCURRENCY_LIMIT' | 'REMEMBERED';

/** What an admitted operation holds until it has run. */
export interface Ticket {
  /** The bucket it was charged to and the points, to settle; null when not rate limited. */
  charged: { key: string; points: number } | null;
  /** Gives back its place among its caller's expensive operations, if it took one. */
  release(): void;
}

/** Whether an operation may run, with what it asked for and what its caller has left. */
export type Admission =
  | { admitted: true; requested: number; remaining: number | null; ticket: Ticket }
  | { admitted: false; requested: number; remaining: number | null; error: UserError };

/**
 * Demand control's state in one server instance: the tree's counts that cost subtree fields,
 * the allowances taken from the shared buckets, and each caller's expensive operations in
 * flight. Both transports admit through it (the Apollo plugin and the WebSocket server).
 */
export class DemandControl {
  private readonly tree: TreeSizes;
  private readonly book: AllowanceBook | null;
  private readonly expensiveInFlight = new Counts();
  /** Until when each credential refused lately is refused without looking further. */
  private readonly refusedCredentials = new Map<string, number>();
  /** When the last of the remembered refusals runs out: after it, none is left. */
  private refusalsEnd = 0;
  /** Requests of each refused credential held until its refusal runs out (earlyRefusal). */
  private readonly held = new Counts();
  private readonly costs = new CostCache();

  /**
   * @param onRateLimited told of every refusal RATE_LIMITED, with its reason: ALLOWANCE,
   *   CONCURRENCY_LIMIT, or REMEMBERED (refused again before authentication; earlyRefusal)
   */
  constructor(
    db: Kysely<Database>,
    readonly limits: Limits,
    onError: (error: unknown) => void,
    private readonly onRateLimited: (reason: RateLimitReason) => void = () => {},
  ) {
    this.tree = TreeSizes.of(db, onError);
    this.book = limits.rateLimit ? new AllowanceBook(db, limits.rateLimit, onError) : null;
  }

  /** Reads the tree's counts; the server awaits it before it serves. */
  start(): Promise<void> {
    return this.tree.ready();
  }

  /** Gives every allowance back to the shared buckets. */
  async stop(): Promise<void> {
    await this.book?.close();
  }

  /**
   * The checks before an operation runs: its requested cost against the budget, its place
   * among its caller's expensive operations, then its cost from the caller's allowance.
   * Refusals are returned, not thrown, so the caller can still report the cost and the level;
   * variables that do not coerce are thrown as BAD_USER_INPUT.
   */
  async admit(
    operation: Operation,
    context: Pick<Context, 'viewer' | 'clientAddress'>,
  ): Promise<Admission> {
    const { limits } = this;
    const cost = this.cost(operation);
    const requested = cost.points;
    if (requested > limits.costBudget) {
      return refused(
        requested,
        null,
        new UserError(
          'BAD_USER_INPUT',
          `The query costs ${requested} points; the budget is ${limits.costBudget}`,
          {
            reason: 'COST_LIMIT',
            cost: { requested, budget: limits.costBudget },
            http: { status: 400 },
          },
        ),
      );
    }
    return this.admitCost(cost, context);
  }

  /**
   * The checks after costing, for a GraphQL operation and for the routes beside it (a
   * spreadsheet upload or download, costed by what it reads): its place among its caller's
   * expensive operations, then its points from the caller's allowance.
   */
  async admitCost(
    cost: RequestedCost,
    context: Pick<Context, 'viewer' | 'clientAddress'>,
  ): Promise<Admission> {
    const { limits } = this;
    const requested = cost.points;
    const key = bucketKey(context.viewer, context.clientAddress);
    if (key === null) {
      return {
        admitted: true,
        requested,
        remaining: null,
        ticket: { charged: null, release: nothing },
      };
    }
    const release = this.enter(key, cost);
    if (!release) {
      this.onRateLimited('CONCURRENCY_LIMIT');
      return refused(
        requested,
        null,
        rateLimited(
          `Too many expensive operations at once: at most ${limits.expensiveConcurrency} per caller; retry in 1 s`,
          1,
          { reason: 'CONCURRENCY_LIMIT', concurrency: limits.expensiveConcurrency },
        ),
      );
    }
    if (!this.book) {
      return { admitted: true, requested, remaining: null, ticket: { charged: null, release } };
    }
    let answer;
    try {
      answer = await this.book.admit(key, requested);
    } catch (error) {
      release();
      throw error;
    }
    if (!answer.granted) {
      release();
      this.onRateLimited('ALLOWANCE');
      const available = Math.floor(answer.available);
      return refused(
        requested,
        available,
        rateLimited(
          `Rate limited: the query costs ${requested} points and ${available} are available; retry in ${answer.retryAfterSeconds} s`,
          answer.retryAfterSeconds,
          { cost: { requested, available: answer.available } },
        ),
      );
    }
    return {
      admitted: true,
      requested,
      remaining: answer.remaining,
      ticket: { charged: { key, points: requested }, release },
    };
  }

  /**
   * Remembers that a request with this credential was refused RATE_LIMITED for `retryAfter`
   * seconds, so the caller's next requests until then are refused before they are
   * authenticated or parsed (earlyRefusal).
   */
  rememberRefusal(credential: string, retryAfter: number): void {
    // A bound on memory: a flood of distinct credentials forgets the oldest first.
    if (this.refusedCredentials.size >= 10_000) {
      const oldest = this.refusedCredentials.keys().next();
      if (!oldest.done) this.refusedCredentials.delete(oldest.value);
    }
    const until = Date.now() + retryAfter * 1_000;
    this.refusedCredentials.set(credential, until);
    this.refusalsEnd = Math.max(this.refusalsEnd, until);
  }

  /**
   * Whether a refusal of this instance has not yet run out; while none has, earlyRefusal would
   * answer null for every credential, and the route need not ask. Once the last runs out they
   * are all forgotten, so a refused caller that never comes back does not keep every other
   * request on the slow path.
   */
  get remembersRefusals(): boolean {
    if (this.refusedCredentials.size === 0) return false;
    if (Date.now() < this.refusalsEnd) return true;
    this.refusedCredentials.clear();
    return false;
  }

  /**
   * Whether this instance refused the credential's caller lately and its Retry-After has not run
   * out; then the request is answered RATE_LIMITED without being authenticated, parsed or costed,
   * and this gives the seconds left. A caller asking again before then ignored its Retry-After:
   * its request is held until the refusal runs out (at most `refusalHoldMs`, at most
   * HELD_PER_CALLER at once) and then goes on as any other, so a caller flooding many
   * connections sends a few requests a second instead of taking the event loop with refusals.
   */
  async earlyRefusal(credential: string): Promise<number | null> {
    const until = this.refusedCredentials.get(credential);
    if (until === undefined) return null;
    if (until <= Date.now()) {
      this.refusedCredentials.delete(credential);
      return null;
    }
    if (this.held.of(credential) < HELD_PER_CALLER && this.limits.refusalHoldMs > 0) {
      this.held.add(credential);
      try {
        await wait(Math.min(until - Date.now(), this.limits.refusalHoldMs));
      } finally {
        this.held.remove(credential);
      }
    }
    const left = (this.refusedCredentials.get(credential) ?? 0) - Date.now();
    if (left <= 0) return null;
    this.onRateLimited('REMEMBERED');
    return Math.ceil(left / 1_000);
  }

  /**
   * Settles an admitted operation after it ran: the points it asked for and did not use come
   * back, its statement time is charged; returns the caller's remaining points.
   */
  settle(
    ticket: Ticket,
    used: { actual: number; statementMs: number; refund: boolean },
  ): number | null {
    ticket.release();
    if (!ticket.charged || !this.book) return null;
    const unused = used.refund ? Math.max(0, ticket.charged.points - used.actual) : 0;
    // The points a request paid cover as many milliseconds; only the time beyond is charged.
    const time = Math.max(0, used.statementMs * this.limits.statementCostPerMs - used.actual);
    return this.book.settle(ticket.charged.key, unused - time);
  }

  private cost(operation: Operation): RequestedCost {
    const { schema, document, operationName, variables } = operation;
    try {
      return this.costs.get(schema, document, operationName, variables, this.tree, () =>
        requestedCost(schema, document, operationName, variables, this.tree),
      );
    } catch (error) {
      // Variables that do not coerce make costing fail; that is the caller's error, not ours.
      if (error instanceof GraphQLError) {
        throw new UserError('BAD_USER_INPUT', error.message, { http: { status: 400 } });
      }
      throw error;
    }
  }

  /** Counts an expensive operation in; null when its caller already runs as many as allowed. */
  private enter(key: string, cost: RequestedCost): (() => void) | null {
    if (cost.units < EXPENSIVE_UNITS) return nothing;
    if (this.expensiveInFlight.of(key) >= this.limits.expensiveConcurrency) return null;
    this.expensiveInFlight.add(key);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.expensiveInFlight.remove(key);
    };
  }
}

/**
 * What names a caller before it is authenticated: its credential as sent, or its address when
 * it sends none.
 */
export function credentialOf(
  headers: { get(name: string): string | null | undefined },
  clientAddress: string | undefined,
): string {
  return (
    headers.get('authorization') ??
    (headers.get('x-api-key') && `api-key ${headers.get('x-api-key')}`) ??
    `address ${clientAddress ?? 'unknown'}`
  );
}

/** How many of something each key holds at once, taken and given back one at a time. */
class Counts {
  private readonly byKey = new Map<string, number>();

  of(key: string): number {
    return this.byKey.get(key) ?? 0;
  }

  add(key: string): void {
    this.byKey.set(key, this.of(key) + 1);
  }

  remove(key: string): void {
    const left = this.of(key) - 1;
    if (left > 0) this.byKey.set(key, left);
    else this.byKey.delete(key);
  }
}

/**
 * Answers a request from a caller this instance refused lately (DemandControl.earlyRefusal)
 * before its body is parsed; false when it is not one.
 */
export async function answerKnownRefusal(
  demand: DemandControl,
  request: IncomingMessage,
  response: ServerResponse,
  clientAddress: string | undefined,
): Promise<boolean> {
  const refusedFor = await demand.earlyRefusal(credentialOf(headerReader(request), clientAddress));
  if (refusedFor === null) return false;
  // Read and dropped, so the keep-alive connection stays usable.
  await readBody(request, 0);
  response.setHeader('retry-after', String(refusedFor));
  sendJson(response, 429, {
    errors: [
      {
        message: `Rate limited; retry in ${refusedFor} s`,
        extensions: { code: 'RATE_LIMITED', retryAfter: refusedFor },
      },
    ],
  });
  return true;
}

/**
 * Most requests of one refused caller held at once; beyond them its refusals are sent at once,
 * so a caller opening ever more connections cannot make the instance keep ever more sockets.
 */
const HELD_PER_CALLER = 64;

/** Nothing to give back: the operation took no place among expensive ones. */
function nothing(): void {}

function refused(requested: number, remaining: number | null, error: UserError): Admission {
  return { admitted: false, requested, remaining, error };
}

function rateLimited(
  message: string,
  retryAfter: number,
  extensions: ErrorExtensions<'RATE_LIMITED'>,
): UserError {
  return new UserError('RATE_LIMITED', message, {
    retryAfter,
    ...extensions,
    http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) },
  });
}
