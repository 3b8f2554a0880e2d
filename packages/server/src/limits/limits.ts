/** A token bucket per caller: the cost of each request is taken from it (Shopify-style). */
export interface RateLimit {
  /** Most points a bucket holds; a new caller starts full. */
  capacity: number;
  /** Points a bucket regains per second, up to its capacity. */
  restorePerSecond: number;
}

/** Every limit a request is held to; docs/security.md lists them with their defaults. */
export interface Limits {
  /** Most a single request may cost, in points (see cost.ts for how a query is costed). */
  costBudget: number;
  /** Deepest field nesting, introspection excluded. */
  maxDepth: number;
  /** Most aliased fields in one document. */
  maxAliases: number;
  /** Most directives in one document. */
  maxDirectives: number;
  /** Most lexical tokens in one document; the parser stops at the limit. */
  maxTokens: number;
  /** Largest request body, in bytes. */
  maxBodyBytes: number;
  /** Longest a request may run before it is answered TIMEOUT and its SQL cancelled. */
  requestTimeoutMs: number;
  /** Per-caller rate limiting by cost; null turns it off. */
  rateLimit: RateLimit | null;
  /** Points per millisecond of a request's measured statement time, beyond its actual cost. */
  statementCostPerMs: number;
  /** Most expensive operations (EXPENSIVE_UNITS) one caller runs at once on an instance. */
  expensiveConcurrency: number;
  /**
   * Longest a request is held before its refusal when its caller was refused and retried before
   * its Retry-After ran out (0: refused at once). A caller that honours Retry-After never waits.
   */
  refusalHoldMs: number;
}

/** An operation whose subtree fields read at least this many units is expensive. */
export const EXPENSIVE_UNITS = 1_000;

export const DEFAULT_LIMITS: Limits = {
  costBudget: 50_000,
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 2_000,
  maxBodyBytes: 1024 * 1024,
  requestTimeoutMs: 10_000,
  rateLimit: { capacity: 100_000, restorePerSecond: 5_000 },
  statementCostPerMs: 10,
  expensiveConcurrency: 1,
  refusalHoldMs: 1_000,
};
