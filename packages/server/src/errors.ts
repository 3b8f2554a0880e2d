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

/**
 * The closed set of `extensions.reason` per code, each with what it means: a client may switch
 * on them. A code's error carries one of its reasons or none; the schema lists them as the
 * `<Code>Reason` enums (docs only: `errorReasonEnums`), the SDK exports them as
 * `ERROR_REASONS`, and `formatError` masks an error whose reason is not its code's as our own
 * failure. Add a reason here before a server part may send it.
 */
export const ERROR_REASONS = {
  UNAUTHENTICATED: {
    BAD_LINK: 'A download link this server did not make, or one altered since.',
    LINK_EXPIRED: 'A download link past its five minutes: ask for a new one.',
    OUT_OF_SCOPE:
      'A sheet of an uploaded workbook is a unit whose report needs a signed-in caller.',
  },
  FORBIDDEN: {
    OUT_OF_SCOPE: 'A sheet of an uploaded workbook is a unit outside the caller’s scope.',
  },
  NOT_FOUND: {},
  BAD_USER_INPUT: {
    GRAPHQL_PARSE_FAILED: 'The document is not GraphQL.',
    GRAPHQL_VALIDATION_FAILED: 'The document does not fit the schema.',
    BAD_REQUEST: 'The HTTP request is not a GraphQL request this server takes.',
    OPERATION_RESOLUTION_FAILURE: 'The operation to run is not in the document, or is ambiguous.',
    PERSISTED_QUERY_NOT_FOUND: 'A persisted query this server does not hold: send its text.',
    PERSISTED_QUERY_NOT_SUPPORTED: 'Persisted queries are not taken here.',
    DEPTH_LIMIT: 'The operation nests deeper than the limit (`limit`, `found`).',
    ALIAS_LIMIT: 'The operation has more aliases than the limit.',
    DIRECTIVE_LIMIT: 'The operation has more directives than the limit.',
    COST_LIMIT: 'The operation costs more points than one request may (`cost`).',
    NUL_CHARACTER: 'A string holds U+0000, which no text column can keep.',
    SUBSCRIPTION_OVER_HTTP: 'A subscription sent over HTTP: use WebSocket.',
    NOT_A_SUBSCRIPTION: 'A query or mutation sent over WebSocket: use HTTP.',
    CONTENT_TYPE: 'An upload that is not sent as an XLSX workbook.',
    TOO_LARGE: 'An upload over the size limit.',
    NOT_A_WORKBOOK: 'An upload that is not an Excel workbook.',
    ZIP_BOMB: 'An upload that inflates past the limit or holds too many parts.',
    NOT_A_TEMPLATE: 'A workbook not made from a reporting template.',
    TEMPLATE_MISMATCH: 'A workbook made for another template.',
    PERIOD_MISMATCH: 'A workbook made for another period.',
    PROBLEMS: 'An uploaded workbook with problems: nothing was written (`problemCount`).',
  },
  CONFLICT: {
    VERSION: 'The submission changed since it was read (`currentVersion`): reload and retry.',
    EXISTS: 'The unit already has this template’s report for the period (`submissionId`).',
    IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used for another request.',
    HELD_ELSEWHERE: 'Another submission of the unit saved the same figure at the same time.',
    PENDING_BELOW: 'Reports below are not approved yet (`pendingCount`, `pending`).',
    STATUS: 'The step does not apply to the submission’s status (`status`, `allowedFrom`).',
  },
  LOCKED: {
    APPROVED: 'The report is approved: unapprove it first.',
    PARENT_APPROVED: 'The report above is approved (`parentSubmissionId`): unapprove it first.',
  },
  RATE_LIMITED: {
    CONCURRENCY_LIMIT: 'Too many expensive operations at once for this caller.',
  },
  UNAVAILABLE: {
    TIMEOUT: 'The request or a statement ran past its time limit.',
    DATABASE_UNREACHABLE: 'The database could not be reached or its connection was lost.',
  },
  INTERNAL: {},
} as const satisfies Record<ErrorCode, Record<string, string>>;

/** The reasons an error of `code` may carry. */
export type ErrorReason<C extends ErrorCode = ErrorCode> = C extends ErrorCode
  ? keyof (typeof ERROR_REASONS)[C] & string
  : never;

/** Whether `reason` is one of `code`'s (an absent reason always is). */
export function isReasonOf(code: ErrorCode, reason: unknown): boolean {
  return reason === undefined || Object.hasOwn(ERROR_REASONS[code], String(reason));
}

/** What a client's error extensions may hold: any details, and a reason of its code. */
export type ErrorExtensions<C extends ErrorCode> = Record<string, unknown> & {
  reason?: ErrorReason<C>;
};

/** An error meant for the client: its message and extensions are shown as they are. */
export class UserError<
  C extends Exclude<ErrorCode, 'INTERNAL'> = Exclude<ErrorCode, 'INTERNAL'>,
> extends GraphQLError {
  constructor(code: C, message: string, extensions: ErrorExtensions<C> = {}) {
    super(message, { extensions: { ...extensions, code } });
  }
}

/** The body of an error answered outside Apollo (a body too large, not JSON), as Apollo's are. */
export function errorBody(message: string, code: ErrorCode) {
  return { errors: [{ message, extensions: { code } }] };
}

export function badInput(message: string, field?: string): UserError {
  return new UserError('BAD_USER_INPUT', message, field ? { field } : {});
}

// Apollo's own codes for requests that never reached a resolver, folded into the closed set
// as BAD_USER_INPUT with the code as the reason (Apollo's BAD_USER_INPUT is one of ours).
const REQUEST_CODES = new Set<string>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
] satisfies ErrorReason<'BAD_USER_INPUT'>[]);

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
  // A reason outside its code's set is our mistake, masked like any other.
  if (
    typeof code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(code) &&
    code !== 'INTERNAL' &&
    isReasonOf(code as ErrorCode, extensions.reason)
  ) {
    return { ...formatted, message, extensions };
  }
  const reason = extensions.reason ?? code;
  if (typeof code === 'string' && REQUEST_CODES.has(code) && isReasonOf('BAD_USER_INPUT', reason)) {
    return { ...formatted, message, extensions: { ...extensions, code: 'BAD_USER_INPUT', reason } };
  }
  const correlationId = onInternal(formatted);
  return {
    message: 'Internal server error',
    ...(formatted.locations ? { locations: formatted.locations } : {}),
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL', ...(correlationId ? { correlationId } : {}) },
  };
}

/**
 * A request past its deadline, or whose database is out of reach, is not the caller's fault
 * and may succeed if sent again: UNAVAILABLE (HTTP 503 with Retry-After), told apart by its
 * reason.
 */
export function unavailable(
  reason: ErrorReason<'UNAVAILABLE'>,
  message: string,
  path?: GraphQLFormattedError['path'],
): GraphQLFormattedError {
  return { message, ...(path ? { path } : {}), extensions: { code: 'UNAVAILABLE', reason } };
}
