import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import {
  getOperationAST,
  GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import { useServer, type Extra } from 'graphql-ws/use/ws';
import type { Kysely } from 'kysely';
import { WebSocketServer } from 'ws';
import type { Authenticator } from './auth/authenticate.js';
import type { Viewer } from './auth/viewer.js';
import { createContext, type Context } from './context.js';
import type { Database } from './db/tables.js';
import { createLoaders } from './loaders.js';
import { UserError } from './errors.js';
import { noNulCharacterRule, nulInVariables } from './graph/input-rules.js';
import type { DemandControl } from './limits/admission.js';
import type { Limits } from './limits/limits.js';
import { documentLimitRules } from './limits/validation-rules.js';

export interface SubscriptionOptions {
  schema: GraphQLSchema;
  db: Kysely<Database>;
  production: boolean;
  /** Whether the schema may be introspected; as over HTTP. */
  introspection: boolean;
  limits: Limits;
  demand: DemandControl;
  /** Whose address an anonymous caller's bucket is named after (limits/client-address.ts). */
  clientAddressOf: (request: IncomingMessage) => string | undefined;
  authenticate: Authenticator;
  /** The HTTP path's formatter: closed-set codes, internal errors masked and logged. */
  formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  /** Wraps a running subscription's events, to count it open while they are read. */
  countSubscription: <T>(events: AsyncIterable<T>) => AsyncIterableIterator<T>;
}

/**
 * Serves GraphQL subscriptions over WebSocket (the graphql-ws protocol) on the HTTP server's
 * own port and path, so a dashboard needs one URL for queries and live updates. Only
 * subscriptions are served, held to the same limits as an HTTP request. Returns what stops
 * it: closing every socket and ending every subscription.
 */
export function attachSubscriptions(
  httpServer: Server,
  options: SubscriptionOptions,
): { dispose: () => Promise<void> } {
  const { schema, db, limits, demand, authenticate, formatError, clientAddressOf } = options;
  // A message larger than an HTTP body may be closes its socket (1009) before it is read.
  const wsServer = new WebSocketServer({
    server: httpServer,
    path: '/graphql',
    maxPayload: limits.maxBodyBytes,
  });
  const rules: ValidationRule[] = [
    ...specifiedRules,
    ...documentLimitRules(limits),
    noNulCharacterRule,
    // Apollo adds its own rule over HTTP; graphql-ws knows nothing of the setting.
    ...(options.introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
  const viewers = new WeakMap<object, Viewer>();

  /**
   * What HTTP would check before running an operation: its size in tokens, validation with
   * the document limits, that it is a subscription (queries and mutations go over HTTP, where
   * the deadline and the audit apply), its cost against the budget and the caller's bucket.
   * graphql-ws reports an array of errors to the client and runs execution arguments.
   */
  async function prepare(
    extra: Extra,
    payload: SubscribePayload,
  ): Promise<ExecutionArgs | readonly GraphQLError[]> {
    let document: DocumentNode;
    try {
      document = parse(payload.query, { maxTokens: limits.maxTokens });
    } catch (error) {
      if (error instanceof GraphQLError) {
        return [withCode(error, ApolloServerErrorCode.GRAPHQL_PARSE_FAILED)];
      }
      throw error;
    }
    const invalid = validate(schema, document, rules);
    if (invalid.length > 0) {
      return invalid.map((error) =>
        withCode(error, ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED),
      );
    }
    const operationName = payload.operationName ?? undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      return [
        new GraphQLError('Unable to identify the operation: name one the document defines', {
          extensions: { code: ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE },
        }),
      ];
    }
    if (operation.operation !== 'subscription') {
      return [
        new UserError(
          'BAD_USER_INPUT',
          `Only subscriptions are served over WebSocket; send the ${operation.operation} over HTTP`,
          { reason: 'NOT_A_SUBSCRIPTION' },
        ),
      ];
    }
    const contextValue = createContext(
      db,
      randomUUID(),
      viewers.get(extra),
      clientAddressOf(extra.request),
    );
    const variableValues = payload.variables ?? {};
    const refused = nulInVariables(variableValues);
    if (refused) return [refused];
    // A subscription is charged once, when it starts, what one of its events may cost.
    const admission = await demand.admit(
      { schema, document, operationName: operation.name?.value, variables: variableValues },
      contextValue,
    );
    if (!admission.admitted) return [admission.error];
    // Nothing is refunded and no place is held: between events a subscription runs nothing.
    admission.ticket.release();
    return { schema, document, operationName, variableValues, contextValue };
  }

  // The formatter logs what failed underneath (a resolver's error, a failed statement).
  const format = (errors: readonly GraphQLError[]) =>
    errors.map((error) => formatError(error.toJSON(), error.originalError ?? error));

  const server = useServer<Record<string, unknown>>(
    {
      schema,
      // A socket identifies once, when it connects: credentials come in the connection
      // parameters (`authorization` or `x-api-key`, as HTTP headers would), else from the
      // upgrade request's own headers. A refused credential closes the socket (4403).
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const headers = {
          get: (name: string) => {
            const fromParams =
              params[name] ?? params[name === 'authorization' ? 'Authorization' : name];
            if (typeof fromParams === 'string') return fromParams;
            const fromRequest = ctx.extra.request.headers[name];
            return Array.isArray(fromRequest) ? fromRequest.join(', ') : fromRequest;
          },
        };
        try {
          viewers.set(ctx.extra, await authenticate(headers));
          return true;
        } catch {
          return false;
        }
      },
      // Anything thrown here would close the socket with its message; reported as an error
      // it gets its code, or for a failure of ours is masked as INTERNAL, as over HTTP.
      onSubscribe: async (ctx, _id, payload) => {
        try {
          return await prepare(ctx.extra, payload);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          const cause = error instanceof Error ? error : new Error(String(error));
          return [new GraphQLError(cause.message, { originalError: cause })];
        }
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
      // graphql-ws ends a subscription through its iterator's return(), which the wrapper
      // passes on, whether the client completes it, its socket closes or the server drains.
      onOperation: (_ctx, _id, _payload, _args, result) =>
        isAsyncIterable(result) ? options.countSubscription(result) : undefined,
      onNext: (_ctx, _id, _payload, args, result) => {
        // An operation's context lives as long as the subscription, and graphql-ws runs the
        // next event only once this one is sent: fresh loaders here keep each event's reads
        // from being answered from an earlier event's cache.
        (args.contextValue as Context).loaders = createLoaders(db);
        return result.errors ? { ...result, errors: format(result.errors) } : undefined;
      },
      isProd: options.production,
    },
    wsServer,
  );
  return {
    dispose: async () => {
      await server.dispose();
      await new Promise<void>((resolve) => wsServer.close(() => resolve()));
    },
  };
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/**
 * A parse or validation error tagged as Apollo tags it over HTTP, so the shared formatter
 * answers BAD_USER_INPUT with the same reason (a limit's own, else the request code).
 */
function withCode(error: GraphQLError, code: ApolloServerErrorCode): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    extensions: { ...error.extensions, code },
  });
}
