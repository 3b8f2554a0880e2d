import { GraphQLError, type GraphQLFormattedError } from 'graphql';

/** The closed set of codes a client can see in `extensions.code`. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'BAD_USER_INPUT',
  'CONFLICT',
  'LOCKED',
  'RATE_LIMITED',
  /**
   * Not now, maybe in a moment (HTTP 503 with `Retry-After`): `reason: 'TIMEOUT'` for a request
   * or statement past its time limit, `'DATABASE_UNREACHABLE'` when the database could not be
   * reached or its connection was lost.
   */
  'UNAVAILABLE',
  /** Our failure. */
  'INTERNAL',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** An error meant for the client: its message and extensions are shown as they are. */
export class UserError extends GraphQLError {
  constructor(
    code: Exclude<ErrorCode, 'INTERNAL'>,
    message: string,
    extensions: Record<string, unknown> = {},
  ) {
    super(message, { extensions: { ...extensions, code } });
  }
}

export function badInput(message: string, field?: string): UserError {
  return new UserError('BAD_USER_INPUT', message, field ? { field } : {});
}

// Apollo's own codes for requests that never reached a resolver, folded into the closed set.
const REQUEST_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'BAD_USER_INPUT',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
]);

/**
 * Apollo refuses a few requests before they run with only an HTTP status, no code (a persisted
 * query whose sha256Hash does not match its text). Such an error is the caller's: this tells it
 * by the status Apollo gave it, and names it as Apollo's other refusals are.
 */
export function withRequestCode(
  formatted: GraphQLFormattedError,
  error: unknown,
): GraphQLFormattedError {
  const extensions: Record<string, unknown> = error instanceof GraphQLError ? error.extensions : {};
  const status = (extensions.http as { status?: unknown } | undefined)?.status;
  const refused =
    extensions.code === undefined && typeof status === 'number' && status >= 400 && status < 500;
  return refused
    ? { ...formatted, extensions: { ...formatted.extensions, code: 'BAD_REQUEST' } }
    : formatted;
}

export interface FormatOptions {
  /** Drop graphql-js's "Did you mean …?" hints, which spell out the schema (production). */
  hideSuggestions: boolean;
}

/**
 * Shapes every error on its way to the client: known codes pass, request errors become
 * BAD_USER_INPUT (keeping the reason a limit gave, else the request code), and anything else
 * is masked as INTERNAL so no stack trace or SQL leaks.
 */
export function formatError(
  formatted: GraphQLFormattedError,
  onInternal: (formatted: GraphQLFormattedError) => string | undefined,
  options: FormatOptions = { hideSuggestions: false },
): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  // `http` tells the transport (Apollo, the WebSocket server) how to answer; it is not the client's.
  const { stacktrace: _stacktrace, http: _http, ...extensions } = formatted.extensions ?? {};
  const message = options.hideSuggestions
    ? formatted.message.replace(/\s*Did you mean [^?]*\?/g, '')
    : formatted.message;
  if (
    typeof code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(code) &&
    code !== 'INTERNAL'
  ) {
    return { ...formatted, message, extensions };
  }
  if (typeof code === 'string' && REQUEST_CODES.has(code)) {
    return {
      ...formatted,
      message,
      extensions: { ...extensions, code: 'BAD_USER_INPUT', reason: extensions.reason ?? code },
    };
  }
  const correlationId = onInternal(formatted);
  return {
    message: 'Internal server error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL', ...(correlationId ? { correlationId } : {}) },
  };
}
