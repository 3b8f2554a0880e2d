import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Kysely } from 'kysely';
import { WebSocketServer } from 'ws';
import type { Authenticator } from './auth/authenticate.js';
import type { Viewer } from './auth/viewer.js';
import { createContext } from './context.js';
import type { Database } from './db/tables.js';

/**
 * Serves GraphQL subscriptions over WebSocket (the graphql-ws protocol) on the HTTP server's
 * own port and path, so a dashboard needs one URL for queries and live updates. Returns what
 * stops it: closing every socket and ending every subscription.
 */
export function attachSubscriptions(
  httpServer: Server,
  schema: GraphQLSchema,
  db: Kysely<Database>,
  production: boolean,
  authenticate: Authenticator,
): { dispose: () => Promise<void> } {
  const wsServer = new WebSocketServer({ server: httpServer, path: '/graphql' });
  const viewers = new WeakMap<object, Viewer>();
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
      context: (ctx) => createContext(db, randomUUID(), viewers.get(ctx.extra)),
      isProd: production,
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
