/** The closed set of codes the server puts in `extensions.code`. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'LOCKED',
  'RATE_LIMITED',
  /**
   * Not now, maybe in a moment (HTTP 503 with `Retry-After`): the request ran past its time
   * limit (`extensions.reason: 'TIMEOUT'`) or the server's database was out of reach
   * (`'DATABASE_UNREACHABLE'`). Queries are retried; a mutation only with an idempotency key.
   */
  'UNAVAILABLE',
  /** The server's failure. */
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The closed set of `extensions.reason` per code (the schema's `<Code>Reason` enums describe
 * each); an error carries one of its code's reasons or none. `FulianError.reason` is typed by
 * it, so a switch over it is checked.
 *
 * @example
 * if (error instanceof FulianError && error.reason === 'VERSION') reloadAndRetry();
 */
export const ERROR_REASONS = {
  UNAUTHENTICATED: ['BAD_LINK', 'LINK_EXPIRED', 'OUT_OF_SCOPE'],
  FORBIDDEN: ['OUT_OF_SCOPE'],
  NOT_FOUND: [],
  BAD_USER_INPUT: [
    'GRAPHQL_PARSE_FAILED',
    'GRAPHQL_VALIDATION_FAILED',
    'BAD_REQUEST',
    'OPERATION_RESOLUTION_FAILURE',
    'PERSISTED_QUERY_NOT_FOUND',
    'PERSISTED_QUERY_NOT_SUPPORTED',
    'DEPTH_LIMIT',
    'ALIAS_LIMIT',
    'DIRECTIVE_LIMIT',
    'COST_LIMIT',
    'NUL_CHARACTER',
    'SUBSCRIPTION_OVER_HTTP',
    'NOT_A_SUBSCRIPTION',
    'CONTENT_TYPE',
    'TOO_LARGE',
    'NOT_A_WORKBOOK',
    'ZIP_BOMB',
    'NOT_A_TEMPLATE',
    'TEMPLATE_MISMATCH',
    'PERIOD_MISMATCH',
    'PROBLEMS',
  ],
  CONFLICT: [
    'VERSION',
    'EXISTS',
    'IDEMPOTENCY_KEY_REUSED',
    'HELD_ELSEWHERE',
    'PENDING_BELOW',
    'STATUS',
  ],
  LOCKED: ['APPROVED', 'PARENT_APPROVED'],
  RATE_LIMITED: ['CONCURRENCY_LIMIT'],
  UNAVAILABLE: ['TIMEOUT', 'DATABASE_UNREACHABLE'],
  INTERNAL: [],
} as const satisfies Record<ErrorCode, readonly string[]>;

/** The reasons an error of code `C` (any code by default) may carry. */
export type ErrorReason<C extends ErrorCode = ErrorCode> = (typeof ERROR_REASONS)[C][number];

/** One entry of a GraphQL response's `errors`, as the server sends it. */
export interface GraphQLErrorEntry {
  message: string;
  path?: readonly (string | number)[];
  locations?: readonly { line: number; column: number }[];
  extensions?: Record<string, unknown>;
}

/**
 * The server answered with GraphQL errors. `code` is the first error's code; every error is in
 * `errors`, and whatever data resolved beside them is in `data`.
 *
 * @example
 * try {
 *   await client.organization({ code: '43' });
 * } catch (error) {
 *   if (error instanceof FulianError && error.code === 'UNAUTHENTICATED') renewToken();
 *   else throw error;
 * }
 */
export class FulianError extends Error {
  override readonly name = 'FulianError';
  readonly code: ErrorCode;
  /** Where in the result the first error happened, e.g. `['organization', 'children']`. */
  readonly path: readonly (string | number)[] | undefined;
  /** The first error's `extensions.reason`, one of its code's (`ERROR_REASONS`), if it has one. */
  readonly reason: ErrorReason | undefined;
  /** The first error's extensions (its code, and details such as the field at fault). */
  readonly extensions: Record<string, unknown>;
  readonly errors: readonly GraphQLErrorEntry[];
  /** The partial result resolved beside the errors, if any. */
  readonly data: unknown;
  /** The HTTP status of the response that carried the errors. */
  readonly status: number;
  /** How long the server asked to wait before trying again (`Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(
    errors: readonly [GraphQLErrorEntry, ...GraphQLErrorEntry[]],
    details: { data?: unknown; status: number; retryAfterMs?: number | undefined },
  ) {
    const [first] = errors;
    super(errors.length > 1 ? `${first.message} (and ${errors.length - 1} more)` : first.message);
    const code = first.extensions?.code;
    // A code outside the closed set means a server this SDK does not know; treat it as the
    // server's fault rather than inventing a meaning for it.
    this.code = (ERROR_CODES as readonly unknown[]).includes(code)
      ? (code as ErrorCode)
      : 'INTERNAL';
    const reason = first.extensions?.reason;
    this.reason = (ERROR_REASONS[this.code] as readonly unknown[]).includes(reason)
      ? (reason as ErrorReason)
      : undefined;
    this.path = first.path;
    this.extensions = first.extensions ?? {};
    this.errors = errors;
    this.data = details.data;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** The server answered with an HTTP error status and no GraphQL errors (e.g. a proxy's 502). */
export class FulianHttpError extends Error {
  override readonly name = 'FulianHttpError';
  readonly status: number;
  /** The response body, as text. */
  readonly body: string;
  /** How long the server asked to wait before trying again (`Retry-After`), in ms. */
  readonly retryAfterMs: number | undefined;

  constructor(status: number, body: string, retryAfterMs: number | undefined, message?: string) {
    super(message ?? `HTTP ${status}`);
    this.status = status;
    this.body = body;
    this.retryAfterMs = retryAfterMs;
  }
}

/** The request never got an answer: connection refused or reset, DNS failure, and the like. */
export class FulianNetworkError extends Error {
  override readonly name = 'FulianNetworkError';

  constructor(cause: unknown) {
    super(`Network failure: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Any failure a request can end with, other than being aborted. */
export type RequestError = FulianError | FulianHttpError | FulianNetworkError;
