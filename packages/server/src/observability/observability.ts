import { SpanStatusCode, type Span } from '@opentelemetry/api';
import type { Kysely } from 'kysely';
import type { StatementDetails } from '../db/database.js';
import type { StatementScope } from '../db/statement-scope.js';
import type { Database } from '../db/tables.js';
import { ERROR_CODES } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RequestPart } from '../request-hooks.js';
import { commandOf, Metrics, OperationLabels } from './metrics.js';
import { recordStatementSpan, startRequestSpan } from './tracing.js';

export interface ObservabilityOptions {
  logger: Logger;
  /** A statement taking at least this long is logged with its request (FULIAN_SLOW_STATEMENT_MS). */
  slowStatementMs: number;
}

/** How a request ended: OK, or the code of its first error. */
export type RequestOutcome = 'OK' | (typeof ERROR_CODES)[number] | 'OTHER';

const CODES = new Set<string>(ERROR_CODES);
/** Statement text is cut to this many characters in a log line (a bulk insert can be huge). */
const LOGGED_STATEMENT_CHARS = 2_000;

/**
 * What an operator watches: Prometheus metrics, OpenTelemetry spans and the slow-statement
 * log, fed by three hooks that run once per request or once per statement, never per field:
 * the database's onQuery (every statement), startRequest (the HTTP route) and an Apollo plugin
 * (the operation's name and outcome). One instance serves one server and its database.
 */
export class Observability {
  readonly metrics = new Metrics();
  readonly #logger: Logger;
  readonly #slowStatementMs: number;
  readonly #operations = new OperationLabels();
  /** The request each statement scope belongs to: how a statement finds its request. */
  readonly #requests = new WeakMap<StatementScope, RequestObservation>();

  constructor(options: ObservabilityOptions) {
    this.#logger = options.logger;
    this.#slowStatementMs = options.slowStatementMs;
  }

  /** The database's onQuery hook: counts and times the statement, traces and logs it if slow. */
  readonly onQuery = (text: string, details: StatementDetails): void => {
    const command = commandOf(text);
    this.metrics.statementDuration.observe({ command }, details.durationMs / 1_000);
    if (details.failed) this.metrics.statementErrors.inc({ command });
    const request = details.scope && this.#requests.get(details.scope);
    if (request?.span.isRecording()) {
      recordStatementSpan(request.span, {
        text,
        command,
        durationMs: details.durationMs,
        failed: details.failed,
      });
    }
    if (details.durationMs >= this.#slowStatementMs) {
      this.#logger.warn(
        {
          slowStatement: true,
          requestId: request?.requestId ?? null,
          operationName: request?.operationName ?? null,
          durationMs: Math.round(details.durationMs),
          statement: text.slice(0, LOGGED_STATEMENT_CHARS),
        },
        'slow statement',
      );
    }
  };

  /** Adds the database's pool and schema to the metrics, read when scraped. */
  watchDatabase(db: Kysely<Database>): void {
    this.metrics.watchDatabase(db);
  }

  /**
   * Starts observing one GraphQL request over HTTP: its span, its clock, and the statements
   * sent in `scope`. The route ends it once the answer is sent.
   */
  startRequest(scope: StatementScope, requestId: string): RequestObservation {
    const request = new RequestObservation(requestId, startRequestSpan(requestId), (outcome) => {
      const operation = this.#operations.label(request.operationLabel);
      this.metrics.requests.inc({ operation, code: outcome });
      this.metrics.requestDuration.observe({ operation }, request.seconds());
    });
    this.#requests.set(scope, request);
    return request;
  }

  /** Tells the request being observed its operation and outcome, at the request's level. */
  readonly requestPart: RequestPart = {
    requestDidStart: ({ contextValue: { scope } }) => {
      const request = scope && this.#requests.get(scope);
      // Operations run in process (tests, the spreadsheet export) are not HTTP requests.
      if (!request) return;
      return {
        didResolveOperation: async ({ operation }) => {
          if (operation) request.resolved(operation.operation, operation.name?.value);
        },
        willSendResponse: async ({ response }) => {
          const errors =
            response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
          const code = errors?.[0]?.extensions?.code;
          request.outcome = errors?.length ? outcomeOf(code) : 'OK';
        },
      };
    },
  };

  /** Counts a refusal RATE_LIMITED (DemandControl reports them). */
  readonly rateLimited = (reason: string): void => {
    this.metrics.rateLimitRefusals.inc({ reason });
  };

  /**
   * Counts a subscription open until its events end or it is stopped. The calls pass straight
   * to the events' own iterator: an async generator wrapped around it would queue a return()
   * behind the next() waiting for an event, so a subscription with no events could never stop.
   */
  countSubscription<T>(events: AsyncIterable<T>): AsyncIterableIterator<T> {
    const gauge = this.metrics.subscriptionsOpen;
    const iterator = events[Symbol.asyncIterator]();
    gauge.inc();
    let open = true;
    const close = () => {
      if (open) gauge.dec();
      open = false;
    };
    const settled = async (step: Promise<IteratorResult<T>>) => {
      try {
        const result = await step;
        if (result.done) close();
        return result;
      } catch (error) {
        close();
        throw error;
      }
    };
    return {
      next: () => settled(iterator.next()),
      return: (value?: unknown) => {
        close();
        return iterator.return ? iterator.return(value) : Promise.resolve({ done: true, value });
      },
      throw: (error?: unknown) => {
        close();
        return iterator.throw ? iterator.throw(error) : Promise.reject(error);
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  }
}

/** One GraphQL request over HTTP while it runs. */
export class RequestObservation {
  /** The operation's own name, for logs and spans; null until resolved, or when anonymous. */
  operationName: string | null = null;
  /** The name counted in the metrics, before the cap on distinct names. */
  operationLabel = 'unresolved';
  /** Told by the plugin once Apollo answers; null when Apollo answered without it. */
  outcome: RequestOutcome | null = null;
  readonly #start = performance.now();
  #ended = false;

  constructor(
    readonly requestId: string,
    readonly span: Span,
    private readonly count: (outcome: RequestOutcome) => void,
  ) {}

  resolved(type: string, name: string | undefined): void {
    this.operationName = name ?? null;
    this.operationLabel = name ?? 'anonymous';
    this.span.updateName(name ? `${type} ${name}` : type);
    this.span.setAttribute('graphql.operation.type', type);
    if (name) this.span.setAttribute('graphql.operation.name', name);
  }

  seconds(): number {
    return (performance.now() - this.#start) / 1_000;
  }

  /**
   * Counts the request and ends its span, once. The outcome is `own` when the route answered
   * itself (a refusal, a timeout), else what the plugin saw, else (Apollo refused the request
   * before any plugin ran, as when authentication fails) told by the HTTP status.
   */
  end(own: RequestOutcome | undefined, status: number): void {
    if (this.#ended) return;
    this.#ended = true;
    const outcome = own ?? this.outcome ?? outcomeOfStatus(status);
    this.count(outcome);
    this.span.setAttribute('fulian.outcome', outcome);
    if (outcome === 'INTERNAL' || outcome === 'UNAVAILABLE') {
      this.span.setStatus({ code: SpanStatusCode.ERROR });
    }
    this.span.end();
  }
}

const STATUS_OUTCOMES: Record<number, RequestOutcome> = {
  200: 'OK',
  400: 'BAD_USER_INPUT',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  429: 'RATE_LIMITED',
  503: 'UNAVAILABLE',
};

function outcomeOfStatus(status: number): RequestOutcome {
  return STATUS_OUTCOMES[status] ?? (status >= 500 ? 'INTERNAL' : 'OTHER');
}

function outcomeOf(code: unknown): RequestOutcome {
  return typeof code === 'string' && CODES.has(code) ? (code as RequestOutcome) : 'OTHER';
}
