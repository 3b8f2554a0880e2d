import { once } from 'node:events';
import type { GraphQLFormattedError } from 'graphql';
import { createClient, type Client } from 'graphql-ws';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { Limits } from '../src/limits/limits.js';
import type { Logger } from '../src/logger.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { seedHandTree } from './helpers/reporting.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

// The WebSocket endpoint is held to what HTTP is: only subscriptions, the document limits,
// the cost budget and rate limit, production's introspection and suggestion rules, the body
// size, and the closed set of error codes with internal errors masked.

let database: TestDatabase;
const stops: (() => unknown)[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
});
afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await database.close();
});

interface Served {
  url: string;
  socket: Client;
}

async function serve(
  options: {
    production?: boolean;
    limits?: Partial<Limits>;
    logger?: Logger;
    on?: TestDatabase;
  } = {},
): Promise<Served> {
  const client = await createGraphQLClient(options.on ?? database, options);
  const url = (await client.server.listen(0, '127.0.0.1')).replace('http', 'ws');
  const socket = createClient({ url, webSocketImpl: WebSocket, retryAttempts: 0 });
  stops.push(
    () => client.server.stop(),
    () => socket.dispose(),
  );
  return { url, socket };
}

/** The errors the server answers an operation with instead of running it. */
function refusal(
  socket: Client,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<GraphQLFormattedError[]> {
  return new Promise((resolve, reject) => {
    socket.subscribe(
      { query, variables },
      {
        next: (result) => reject(new Error(`ran: ${JSON.stringify(result)}`)),
        error: (error) =>
          Array.isArray(error) ? resolve(error as GraphQLFormattedError[]) : reject(error),
        complete: () => reject(new Error('completed without an answer')),
      },
    );
  });
}

const LIMITS: Partial<Limits> = { maxDepth: 6, costBudget: 50, maxBodyBytes: 4096 };
let development: Served;
let production: Served;

beforeAll(async () => {
  development = await serve({ limits: LIMITS });
  production = await serve({ production: true });
});

describe('over WebSocket', () => {
  it('refuses queries and mutations, before any SQL: only subscriptions run there', async () => {
    for (const [query, kind] of [
      ['{ organization(code: "43") { name } }', 'query'],
      [
        'mutation { createSubmission(input: { template: "t", organization: "4301", period: "2020" }) { replayed } }',
        'mutation',
      ],
    ] as const) {
      const { result, statements } = await database.counting(() =>
        refusal(development.socket, query),
      );
      expect(result).toEqual([
        {
          message: `Only subscriptions are served over WebSocket; send the ${kind} over HTTP`,
          extensions: { code: 'BAD_USER_INPUT', reason: 'NOT_A_SUBSCRIPTION' },
        },
      ]);
      expect(statements).toEqual([]);
    }
  });

  it('refuses a subscription too deep or too costly with the limit’s reason, before any SQL', async () => {
    const deep = `subscription { submissionStatusChanged { submission { organization {
      parent { parent { parent { parent { code } } } } } } } }`;
    const { result: tooDeep, statements } = await database.counting(() =>
      refusal(development.socket, deep),
    );
    expect(tooDeep).toMatchObject([
      {
        message: 'The operation is 8 fields deep; the limit is 6',
        extensions: { code: 'BAD_USER_INPUT', reason: 'DEPTH_LIMIT', limit: 6, found: 8 },
      },
    ]);
    expect(statements).toEqual([]);

    const costly = `subscription { submissionStatusChanged {
      submission { values(first: 100) { edges { node { value } } } } } }`;
    const [tooCostly, ...others] = await refusal(development.socket, costly);
    expect(others).toEqual([]);
    expect(tooCostly).toMatchObject({
      message: 'The query costs 203 points; the budget is 50',
      extensions: { code: 'BAD_USER_INPUT', reason: 'COST_LIMIT', cost: { requested: 203 } },
    });
    // How HTTP would answer it is the transport's business, not the client's.
    expect(tooCostly!.extensions).not.toHaveProperty('http');
  });

  it('gives graphql-js’s own parse and validation errors a code from the closed set', async () => {
    expect(await refusal(development.socket, 'subscription {')).toMatchObject([
      { extensions: { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_PARSE_FAILED' } },
    ]);
    const misspelled = await refusal(
      development.socket,
      'subscription { submissionStatusChange { to } }',
    );
    expect(misspelled).toMatchObject([
      { extensions: { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' } },
    ]);
    expect(misspelled[0]!.message).toContain('Did you mean "submissionStatusChanged"?');
  });

  it('closes a socket whose message is larger than a request body may be', async () => {
    const raw = new WebSocket(development.url, 'graphql-transport-ws');
    await once(raw, 'open');
    raw.send(JSON.stringify({ type: 'connection_init' }));
    const [ack] = await once(raw, 'message');
    expect(JSON.parse(String(ack))).toEqual({ type: 'connection_ack' });
    const query = `subscription { submissionStatusChanged { to } } # ${'x'.repeat(4096)}`;
    raw.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
    const [code] = await once(raw, 'close');
    expect(code).toBe(1009);
  });

  it('charges the caller’s bucket what a subscription may cost, and refuses it when empty', async () => {
    const limited = await serve({
      limits: { rateLimit: { capacity: 5, restorePerSecond: 0.001 } },
    });
    const query =
      'subscription { submissionStatusChanged { submission { organization { code } } } }';
    const admitted = new Promise<void>((resolve, reject) => {
      limited.socket.subscribe({ query }, { next: () => {}, error: reject, complete: resolve });
    });
    const bucket = () =>
      database.db.selectFrom('rate_limit_bucket').select(['key', 'tokens']).execute();
    for (let attempt = 0; attempt < 100 && (await bucket()).length === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    const [charged] = await bucket();
    expect(charged?.key).toMatch(/^anonymous:/);
    expect(charged?.tokens).toBeCloseTo(2, 0);

    const [refused, ...others] = await refusal(limited.socket, query);
    expect(others).toEqual([]);
    expect(refused).toMatchObject({
      extensions: { code: 'RATE_LIMITED', retryAfter: expect.any(Number) },
    });
    expect(refused!.extensions).not.toHaveProperty('http');
    await limited.socket.dispose();
    await admitted;
  });
});

describe('over WebSocket in production', () => {
  it('refuses introspection, which development only refuses as not a subscription', async () => {
    const query = '{ __schema { queryType { name } } }';
    const refused = await refusal(production.socket, query);
    expect(refused[0]).toEqual({
      message:
        'GraphQL introspection has been disabled, but the requested query contained the field "__schema".',
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'BAD_USER_INPUT', reason: 'GRAPHQL_VALIDATION_FAILED' },
    });
    // Each introspection field is refused: here also `queryType`.
    for (const error of refused) expect(error.message).toMatch(/introspection has been disabled/);
    expect(await refusal(development.socket, query)).toMatchObject([
      { extensions: { reason: 'NOT_A_SUBSCRIPTION' } },
    ]);
  });

  it('suggests no field', async () => {
    const [misspelled] = await refusal(
      production.socket,
      'subscription { submissionStatusChange { to } }',
    );
    expect(misspelled?.message).toBe(
      'Cannot query field "submissionStatusChange" on type "Subscription".',
    );
  });

  it('masks an internal failure as INTERNAL with the correlation id its log line carries', async () => {
    const lines: Record<string, any>[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    const lost = await createTestDatabase();
    const served = await serve({
      production: true,
      // Charging the bucket is the first statement a subscription sends.
      limits: { rateLimit: { capacity: 100, restorePerSecond: 1 } },
      logger,
      on: lost,
    });
    await lost.db.destroy();
    const errors = await refusal(served.socket, 'subscription { submissionStatusChanged { to } }');
    expect(errors).toEqual([
      {
        message: 'Internal server error',
        extensions: { code: 'INTERNAL', correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      },
    ]);
    const logged = lines.find((line) => line.msg === 'internal error');
    expect(logged?.correlationId).toBe(errors[0]!.extensions!.correlationId);
    expect(logged?.err?.stack).toBeTruthy();
    await lost.close().catch(() => {});
  });
});
