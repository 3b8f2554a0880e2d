import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-key.js';
import { createTokenVerifier, issueToken, type TokenConfig } from '../src/auth/token.js';
import { toGlobalId } from '../src/graph/global-id.js';
import { createLogger } from '../src/logger.js';
import { createServer, type FulianServer } from '../src/server.js';
import { seedHandTree } from './helpers/reporting.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const TOKENS: TokenConfig = {
  key: { kind: 'secret', secret: 'a-test-secret-of-at-least-thirty-two-bytes' },
  issuer: 'fulian-graph',
  audience: 'fulian-graph',
};

let database: TestDatabase;
let server: FulianServer;
let url: string;
let apiKey: string;
const errorLines: unknown[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  ({ key: apiKey } = await createApiKey(database.db, 'bad input', ['read:public']));
  const logger = createLogger('silent');
  // Bad input is the caller's mistake: it must never be logged as our error.
  logger.error = ((...args: unknown[]) => errorLines.push(args)) as typeof logger.error;
  server = await createServer({
    db: database.db,
    logger,
    production: false,
    auth: { verifyToken: await createTokenVerifier(TOKENS), allowAnonymous: true },
  });
  url = await server.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await server.stop();
  await database.close();
});

interface Answer {
  status: number;
  body: { data?: unknown; errors?: { message: string; path?: unknown[]; extensions: any }[] };
}

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const TEST_RATIO = {
  name_zh: '比例',
  name_en: 'Ratio',
  description: null,
  unit: 'PERCENT',
  value_type: 'PERCENT',
  time_aggregation: 'LAST',
  tree_aggregation: 'RATIO',
  numerator_code: null,
  denominator_code: null,
  factor: null,
} as const;

const codes = (answer: Answer) => answer.body.errors?.map((error) => error.extensions.code) ?? [];
const tooLarge = toGlobalId('Organization', 2_147_483_648);

describe('bad input gets a coded answer naming the field, never INTERNAL', () => {
  it('refuses an id past the int4 range, alone and inside a batch of node lookups', async () => {
    const alone = await post({ query: `{ organization(id: "${tooLarge}") { name } }` });
    expect(codes(alone)).toEqual(['BAD_USER_INPUT']);
    expect(alone.body.errors?.[0]?.extensions.field).toBe('id');

    const good = toGlobalId('Organization', 1);
    const batch = await post({
      query: `{ a: node(id: "${good}") { id } b: node(id: "${tooLarge}") { id } c: node(id: "${toGlobalId('Organization', 99_999_999)}") { id } }`,
    });
    expect(batch.status).toBe(200);
    expect(batch.body.data).toEqual({ a: { id: good }, b: null, c: null });
    expect(batch.body.errors?.map((error) => [error.path, error.extensions.code])).toEqual([
      [['b'], 'BAD_USER_INPUT'],
    ]);
  });

  it('refuses a signed token whose organization id is past the int4 range as UNAUTHENTICATED', async () => {
    const token = await issueToken(
      TOKENS,
      { subject: 'li.na', role: 'EDITOR', organization: tooLarge },
      '1h',
    );
    const answer = await post(
      { query: '{ viewer { kind } }' },
      { authorization: `Bearer ${token}` },
    );
    expect(answer.status).toBe(401);
    expect(codes(answer)).toEqual(['UNAUTHENTICATED']);
  });

  it('answers null for a global id whose type is an inherited property name', async () => {
    for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      const answer = await post({ query: `{ node(id: "${toGlobalId(type, 1)}") { id } }` });
      expect(answer.body).toMatchObject({ data: { node: null } });
      expect(answer.body.errors).toBeUndefined();
    }
  });

  it('refuses NUL in any string argument or variable, naming where it was', async () => {
    const literal = await post({ query: '{ organization(code: "43\\u0000") { name } }' });
    expect(codes(literal)).toEqual(['BAD_USER_INPUT']);
    expect(literal.status).toBe(400);

    const variable = await post(
      {
        query: 'query ($filter: RootActivityFilter) { activities(filter: $filter) { totalCount } }',
        variables: { filter: { search: 'a\u0000b' } },
      },
      { 'x-api-key': apiKey },
    );
    expect(codes(variable)).toEqual(['BAD_USER_INPUT']);
    expect(variable.body.errors?.[0]?.extensions.field).toBe('filter.search');

    const cursor = await post({
      query: `{ organizations(first: 1, after: "${Buffer.from('cursor:\u0000', 'utf8').toString('base64url')}") { totalCount } }`,
    });
    expect(codes(cursor)).toEqual(['BAD_USER_INPUT']);
  });

  it('runs an anonymous operation whatever operationName the request names', async () => {
    for (const operationName of ['', 'Named']) {
      const answer = await post({ query: '{ organization(code: "43") { name } }', operationName });
      expect(answer.status).toBeLessThan(500);
      expect(codes(answer)).not.toContain('INTERNAL');
    }
  });

  it('refuses a subscription sent over HTTP, pointing to WebSocket', async () => {
    const answer = await post({ query: 'subscription { submissionStatusChanged { __typename } }' });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(answer.body.errors?.[0]?.message).toMatch(/WebSocket/);
  });

  it('holds the figure columns to the same limit as the Decimal scalar', async () => {
    const ratio = (code: string, factor: string) =>
      database.db
        .insertInto('metric_definition')
        .values({
          ...TEST_RATIO,
          code,
          numerator_code: 'bad.part',
          denominator_code: 'bad.part',
          factor,
        })
        .execute();
    await database.db
      .insertInto('metric_definition')
      .values({ ...TEST_RATIO, code: 'bad.part', tree_aggregation: 'SUM', value_type: 'INTEGER' })
      .execute();
    await ratio('bad.widest', `${'9'.repeat(20)}.${'9'.repeat(10)}`);
    await expect(ratio('bad.long', `1${'0'.repeat(20)}`)).rejects.toThrow(/precision/);
    await expect(ratio('bad.fine', `0.${'0'.repeat(10)}1`)).rejects.toThrow(/precision/);
  });

  it('refuses a persisted-query hash that does not match its query, without an error log line', async () => {
    const before = errorLines.length;
    const answer = await post({
      query: '{ organization(code: "43") { name } }',
      extensions: {
        persistedQuery: { version: 1, sha256Hash: createHash('sha256').update('x').digest('hex') },
      },
    });
    expect(answer.status).toBe(400);
    expect(codes(answer)).toEqual(['BAD_USER_INPUT']);
    expect(errorLines.length).toBe(before);
  });
});
