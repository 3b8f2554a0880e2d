import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import {
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLScalarType,
  GraphQLSchema,
  GraphQLString,
} from 'graphql';
import { CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '@fulian/server';
import type { HttpRequest, PreparedOperation } from './operation.js';

/**
 * The floor (issue 14): the least a GraphQL server can cost on the same HTTP path. A minimal
 * Apollo Server 5 behind a bare `node:http` handler, like ours, with one plain resolver that
 * sends an operation's hand-written statement on the same kind of pool and returns its rows:
 * no authentication, demand control, loaders or plugins. Ours ÷ the floor is what our request
 * path adds to the statement's own cost.
 *
 * The statement and its parameters travel in the request's variables, so one schema serves
 * every operation. It runs whatever SQL it is sent: it listens on the loopback interface only,
 * for the harness, on the bench's own database.
 */
export interface FloorServer {
  url: string;
  stop(): Promise<void>;
}

const FLOOR_QUERY = `query Floor($statement: String!, $parameters: [Value]!) {
  rows(statement: $statement, parameters: $parameters)
}`;

/** Parameters and rows pass through as they are (JSON in, JSON out). */
const Value = new GraphQLScalarType({
  name: 'Value',
  serialize: (value) => value,
  parseValue: (value) => value,
});

export async function startFloor(db: Kysely<Database>, port = 0): Promise<FloorServer> {
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        rows: {
          type: new GraphQLNonNull(Value),
          args: {
            statement: { type: new GraphQLNonNull(GraphQLString) },
            parameters: { type: new GraphQLNonNull(new GraphQLList(Value)) },
          },
          resolve: async (_, args: { statement: string; parameters: unknown[] }) =>
            (await db.executeQuery(CompiledQuery.raw(args.statement, args.parameters))).rows,
        },
      },
    }),
  });
  // Apollo installs a cache-control plugin (it wraps every field) and a landing page unless
  // told not to: the floor has none, as ours has neither.
  const apollo = new ApolloServer({
    schema,
    plugins: [ApolloServerPluginCacheControlDisabled(), ApolloServerPluginLandingPageDisabled()],
  });
  await apollo.start();
  const httpServer = createHttpServer((request, response) => {
    void (async () => {
      // The harness waits on /readyz for the requests a load run left in flight (http-load.ts).
      if (request.url === '/readyz') {
        await db.executeQuery(CompiledQuery.raw('SELECT 1'));
        response.end('ready');
        return;
      }
      const text = await readBody(request);
      const headers = new HeaderMap();
      for (const [name, value] of Object.entries(request.headers)) {
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      }
      const result = await apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: {
          method: request.method?.toUpperCase() ?? 'GET',
          headers,
          search: '',
          body: JSON.parse(text) as unknown,
        },
        context: async () => ({}),
      });
      for (const [name, value] of result.headers) response.setHeader(name, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') response.end(result.body.string);
      else {
        for await (const chunk of result.body.asyncIterator) response.write(chunk);
        response.end();
      }
    })().catch((error: unknown) => {
      response.statusCode = 500;
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(port, '127.0.0.1', resolve));
  const { port: actual } = httpServer.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/graphql`,
    stop: async () => {
      httpServer.closeAllConnections();
      await new Promise((resolve) => httpServer.close(resolve));
      await apollo.stop();
    },
  };
}

/**
 * The operation as the floor is asked it: request i sends the hand-written statement of the
 * operation's request i. `db` only compiles the statements (it need not be connected).
 */
export function floorOperation(
  operation: PreparedOperation,
  db: Kysely<Database>,
): PreparedOperation {
  const request = (index: number): HttpRequest => {
    const compiled = operation.baseline(index).compile(db);
    return {
      body: {
        query: FLOOR_QUERY,
        variables: { statement: compiled.sql, parameters: [...compiled.parameters] },
      },
      headers: {},
    };
  };
  // Nothing of the floor's answer feeds the next request: no onData, no sync.
  return {
    description: `${operation.description} (floor)`,
    passLength: operation.passLength,
    request,
    baseline: operation.baseline,
    fromGraphQL: operation.fromGraphQL,
    fromSql: operation.fromSql,
  };
}

/**
 * Whether an operation has a floor: a read's. A write's statement changes what the next
 * request depends on (the save's version), so its floor and ours cannot run interleaved.
 */
export function hasFloor(operation: PreparedOperation): boolean {
  return operation.sync === undefined;
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}
