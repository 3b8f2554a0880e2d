import { randomUUID } from 'node:crypto';
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type HTTPGraphQLRequest } from '@apollo/server';
import { unwrapResolverError } from '@apollo/server/errors';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { GraphQLFormattedError } from 'graphql';
import type { Kysely } from 'kysely';
import { auditPart } from './audit/audit.plugin.js';
import {
  availabilityPart,
  databaseUnavailable,
  isCancellation,
  readiness,
  RETRY_AFTER_SECONDS,
  withUnavailableStatus,
} from './availability.js';
import { createAuthenticator } from './auth/authenticate.js';
import type { TokenVerifier } from './auth/token.js';
import type { ConsoleRoutes } from './console/serve-console.js';
import { createContext, type Context } from './context.js';
import { corsHandler } from './cors.js';
import {
  createStatementScope,
  Deadline,
  scopedDatabase,
  type StatementScope,
} from './db/statement-scope.js';
import type { Database } from './db/tables.js';
import { errorBody, formatError, unavailable, UserError, withRequestCode } from './errors.js';
import { compiledExecution } from './graph/compiled-execution.js';
import {
  noNulCharacterRule,
  noSubscriptionOverHttpRule,
  nulVariablesPart,
} from './graph/input-rules.js';
import { subgraphPlugins } from './graph/subgraph.js';
import { answerKnownRefusal, DemandControl } from './limits/admission.js';
import { sendJson } from './lib/json-response.js';
import { readBody } from './lib/request-body.js';
import { graphqlSearch } from './lib/request-target.js';
import { requestHeader } from './lib/request-headers.js';
import { clientAddressResolver } from './limits/client-address.js';
import { demandControlPart } from './limits/demand-control.plugin.js';
import { DEFAULT_LIMITS, type Limits } from './limits/limits.js';
import { documentLimitRules } from './limits/validation-rules.js';
import type { Logger } from './logger.js';
import { SubmissionEvents } from './modules/submission/submission.events.js';
import { serveMetrics } from './observability/metrics.http.js';
import { Observability, type RequestOutcome } from './observability/observability.js';
import { readRoutingPlugin } from './read-routing.js';
import { requestPlugin } from './request-hooks.js';
import { createSchema, createSubgraphSchema } from './schema.js';
import { createSpreadsheetRoutes, SPREADSHEET_PREFIX } from './spreadsheet/spreadsheet.http.js';
import { attachSubscriptions } from './subscriptions.js';

export interface ServerOptions {
  db: Kysely<Database>;
  logger: Logger;
  production: boolean;
  /**
   * Who may call: a verifier for staff tokens and whether anonymous callers are served.
   * Without it the server takes API keys and anonymous callers, and no tokens.
   */
  auth?: { verifyToken?: TokenVerifier | undefined; allowAnonymous: boolean };
  /** Serves the graph as an Apollo Federation 2 subgraph (docs/deploy.md, "Federation"). */
  subgraph?: boolean;
  /** Whether the schema can be introspected; by default only outside production. */
  introspection?: boolean;
  /** Limits that differ from DEFAULT_LIMITS. */
  limits?: Partial<Limits>;
  /**
   * Addresses of reverse proxies whose X-Forwarded-For is believed when naming an anonymous
   * caller's bucket (FULIAN_TRUSTED_PROXIES); none by default.
   */
  trustedProxies?: readonly string[];
  /** Browser origins allowed to call cross-origin (FULIAN_CORS_ORIGINS); none by default. */
  corsOrigins?: readonly string[];
  /**
   * Metrics, traces and the slow-statement log; pass the one whose onQuery the database was
   * created with, so its statements are counted. By default one of the server's own, which
   * sees the requests but none of the statements.
   */
  observability?: Observability;
  console?: ConsoleRoutes;
}

export interface FulianServer {
  httpServer: Server;
  apollo: ApolloServer<Context>;
  observability: Observability;
  /** Starts listening; port 0 picks a free port. Resolves to the URL of /graphql. */
  listen(port: number, host?: string): Promise<string>;
  /** Serves /metrics on a port of its own (never the public one). Resolves to its URL. */
  listenMetrics(port: number, host: string): Promise<string>;
  /** Stops taking requests and waits for those in flight (drain). */
  stop(): Promise<void>;
}

export async function createServer(options: ServerOptions): Promise<FulianServer> {
  const { db, logger, production } = options;
  const limits: Limits = { ...DEFAULT_LIMITS, ...options.limits };
  const authenticate = createAuthenticator({
    db,
    verifyToken: options.auth?.verifyToken,
    allowAnonymous: options.auth?.allowAnonymous ?? true,
  });
  const httpServer = createHttpServer();
  const schema = await (options.subgraph ? createSubgraphSchema() : createSchema());
  const introspection = options.introspection ?? !production;
  const clientAddressOf = clientAddressResolver(options.trustedProxies ?? []);
  const cors = corsHandler(options.corsOrigins ?? []);
  const observability =
    options.observability ?? new Observability({ logger, slowStatementMs: 1_000 });
  observability.watchDatabase(db);
  const demand = new DemandControl(
    db,
    limits,
    (error) => logger.error({ err: error }, 'demand control: a background statement failed'),
    observability.rateLimited,
  );
  await demand.start();
  // Live events from every instance on the database (LISTEN/NOTIFY; docs/architecture.md).
  const events = SubmissionEvents.of(db);
  await events.start((error) =>
    logger.warn({ err: error }, 'live events: a notice could not be delivered'),
  );

  // Outside the masking below: an UNAVAILABLE error carries nothing internal.
  const timedOut = (path?: GraphQLFormattedError['path']) =>
    unavailable('TIMEOUT', `The request ran past its ${limits.requestTimeoutMs} ms limit`, path);

  // The errors of both transports, Apollo's and the WebSocket server's, are shaped here: the
  // closed set of codes, internal ones masked and logged under a correlation id.
  const formatClientError = (
    formatted: GraphQLFormattedError,
    error: unknown,
  ): GraphQLFormattedError => {
    const cause = unwrapResolverError(error);
    if (isCancellation(error)) return timedOut(formatted.path);
    const lost = databaseUnavailable(error);
    if (lost) {
      logger.warn({ err: lost.cause, reason: lost.reason, path: formatted.path }, lost.message);
      return unavailable(lost.reason, `${lost.message}; try again shortly`, formatted.path);
    }
    return formatError(
      withRequestCode(formatted, error),
      () => {
        const correlationId = randomUUID();
        logger.error({ err: cause, correlationId, path: formatted.path }, 'internal error');
        return correlationId;
      },
      { hideSuggestions: production },
    );
  };

  const subscriptions = attachSubscriptions(httpServer, {
    schema,
    db,
    production,
    introspection,
    limits,
    demand,
    clientAddressOf,
    authenticate,
    formatError: formatClientError,
    countSubscription: (results) => observability.countSubscription(results),
  });
  const apollo = new ApolloServer<Context>({
    // Operations run compiled (graph/compiled-execution.ts); Apollo takes an executor from a
    // gateway only.
    gateway: compiledExecution(schema),
    introspection,
    includeStacktraceInErrorResponses: false,
    // The CLI stops the server on SIGTERM and SIGINT itself. Apollo's own handler would race
    // it: a second stop() called while Apollo's is draining waits on a barrier Apollo never
    // resolves (5.5.1), so the process exited only when its event loop ran dry, 9-23 s later.
    stopOnTerminationSignals: false,
    csrfPrevention: true,
    // Batched HTTP requests would multiply one request's cost past every per-request limit.
    allowBatchedHttpRequests: false,
    parseOptions: { maxTokens: limits.maxTokens },
    validationRules: [
      ...documentLimitRules(limits),
      noNulCharacterRule,
      noSubscriptionOverHttpRule,
    ],
    formatError: formatClientError,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // Answers depend on the viewer: no HTTP cache keeps one. The route says so once per
      // response (below), not Apollo's default cache-control plugin, which would wrap every
      // resolved field.
      ApolloServerPluginCacheControlDisabled(),
      // Subscriptions end with the server: their sockets close when Apollo drains.
      { serverWillStart: async () => ({ drainServer: () => subscriptions.dispose() }) },
      production
        ? ApolloServerPluginLandingPageDisabled()
        : ApolloServerPluginLandingPageLocalDefault({ embed: true }),
      readRoutingPlugin(db, logger),
      requestPlugin([
        availabilityPart,
        observability.requestPart,
        nulVariablesPart,
        demandControlPart(demand),
        auditPart(logger),
      ]),
      ...(options.subgraph ? subgraphPlugins : []),
    ],
  });
  await apollo.start();
  const spreadsheets = createSpreadsheetRoutes({
    schema,
    authenticate,
    logger,
    admission: { db, demand, clientAddressOf, requestTimeoutMs: limits.requestTimeoutMs },
  });

  httpServer.on('request', (request, response) => {
    route(request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'request failed');
      if (!response.headersSent)
        sendJson(response, 500, errorBody('Internal server error', 'INTERNAL'));
      else response.end();
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (cors(request, response)) return;
    // The GraphQL path as clients send it is read without building a URL per request.
    const search = graphqlSearch(request.url);
    const url = search === undefined ? new URL(request.url ?? '/', 'http://localhost') : null;
    if (url?.pathname === '/healthz') return sendJson(response, 200, { status: 'ok' });
    if (url?.pathname === '/readyz') return sendJson(response, ...(await readiness(db, logger)));
    const spreadsheet = url?.pathname.startsWith(SPREADSHEET_PREFIX) ?? false;
    if (url && !spreadsheet && url.pathname !== '/graphql') {
      if (await options.console?.(request, response, url)) return;
      return sendJson(response, 404, { error: 'not found' });
    }

    // A caller this instance refused lately is answered before its body is even parsed; while
    // none is remembered, no request waits on the check.
    const clientAddress = clientAddressOf(request);
    const refusals = demand.remembersRefusals;
    if (refusals && (await answerKnownRefusal(demand, request, response, clientAddress))) return;
    if (url && spreadsheet) return spreadsheets(request, response, url);

    // The deadline aborts the request's SQL (see statement-scope.ts) and answers at once,
    // whatever the resolvers still running do; the scope also ties the statements (sent through
    // the request's scoped database) to the request's span and log lines.
    const deadline = new Deadline();
    const scope = createStatementScope(deadline);
    const requestId = requestHeader(request, 'x-request-id') ?? randomUUID();
    const observed = observability.startRequest(scope, requestId);
    // Until graphql() returns, a failure (the 500 answered above) is ours.
    let own: RequestOutcome | undefined = 'INTERNAL';
    try {
      own = await graphql(request, response, search ?? url?.search ?? '', {
        requestId,
        clientAddress,
        scope,
        deadline,
      });
    } finally {
      observed.end(own, response.statusCode);
    }
  }

  /** Answers one GraphQL request; returns the outcome of an answer it gave without Apollo. */
  async function graphql(
    request: IncomingMessage,
    response: ServerResponse,
    search: string,
    { requestId, clientAddress, scope, deadline }: GraphQLCall,
  ): Promise<RequestOutcome | undefined> {
    const body = await readBody(request, limits.maxBodyBytes);
    if (body.kind === 'too-large') {
      const message = `Request body over ${limits.maxBodyBytes} bytes`;
      sendJson(response, 413, errorBody(message, 'BAD_USER_INPUT'));
      return 'BAD_USER_INPUT';
    }
    const headers = new HeaderMap();
    for (const name of Object.keys(request.headers)) {
      const value = requestHeader(request, name);
      if (value !== undefined) headers.set(name, value);
    }
    let parsed: unknown;
    try {
      parsed =
        body.text && headers.get('content-type')?.includes('json')
          ? JSON.parse(body.text)
          : body.text;
    } catch {
      sendJson(response, 400, errorBody('Request body is not valid JSON', 'BAD_USER_INPUT'));
      return 'BAD_USER_INPUT';
    }
    const httpGraphQLRequest: HTTPGraphQLRequest = {
      method: request.method?.toUpperCase() ?? 'GET',
      headers,
      search,
      body: parsed,
    };
    const context = async () => {
      const requestDb = scopedDatabase(db, scope);
      try {
        const viewer = await authenticate(headers, requestDb);
        return createContext(requestDb, requestId, viewer, clientAddress, scope);
      } catch (error) {
        if (error instanceof UserError) {
          logger.warn(
            { audit: 'authentication', requestId, clientAddress, reason: error.message },
            'authentication refused',
          );
        }
        throw withUnavailableStatus(error);
      }
    };

    // The deadline's timer both cancels the request's SQL and answers it: no listener on the
    // signal per request.
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => {
        deadline.abort();
        resolve('timeout');
      }, limits.requestTimeoutMs);
    });
    const execution = apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest, context });
    const result = await Promise.race([execution, expired]).finally(() => clearTimeout(timer));
    if (result === 'timeout') {
      execution.catch((error: unknown) =>
        logger.error({ err: error, requestId }, 'request failed'),
      );
      logger.warn({ requestId, timeoutMs: limits.requestTimeoutMs }, 'request timed out');
      response.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
      sendJson(response, 503, { errors: [timedOut()] });
      return 'UNAVAILABLE';
    }
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.setHeader('cache-control', 'no-store');
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') return void response.end(result.body.string);
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
    return undefined;
  }

  let metricsServer: Server | undefined;
  return {
    httpServer,
    apollo,
    observability,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          const { port: actual } = httpServer.address() as AddressInfo;
          resolve(`http://${host ?? 'localhost'}:${actual}/graphql`);
        });
      }),
    listenMetrics: async (port, host) => {
      const served = await serveMetrics(observability.metrics, port, host, logger);
      metricsServer = served.server;
      return served.url;
    },
    stop: async () => {
      metricsServer?.close();
      await apollo.stop();
      await demand.stop();
      await events.stop();
    },
  };
}

/** What the route knows of a GraphQL request before reading it. */
interface GraphQLCall {
  requestId: string;
  clientAddress: string | undefined;
  scope: StatementScope;
  deadline: Deadline;
}
