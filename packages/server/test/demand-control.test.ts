import { getIntrospectionQuery } from 'graphql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/auth/viewer.js';
import { createDatabase } from '../src/db/database.js';
import {
  createStatementScope,
  scopedDatabase,
  StatementCancelledError,
} from '../src/db/statement-scope.js';
import { DEFAULT_LIMITS } from '../src/limits/limits.js';
import { createLogger } from '../src/logger.js';
import { createServer, type FulianServer } from '../src/server.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
const servers: FulianServer[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await database.close();
});

const staff = (subject: string): Viewer => ({
  kind: 'staff',
  subject,
  role: 'VIEWER',
  organization: { id: 2, path: '0000000001/0000000002/' },
});

/** 1 (organization) + 1 + 5 × (edges 1 + node 1): scalars are free. */
const FIVE_CHILDREN = `{ organization(code: "4301") { name children(first: 5) { edges { node { name } } } } }`;

describe('query cost', () => {
  it('reports requested, actual, budget and remaining on every response', async () => {
    const client = await createGraphQLClient(database, {
      limits: {
        costBudget: 1_000,
        rateLimit: { capacity: 5_000, restorePerSecond: 1 },
        statementCostPerMs: 0,
      },
    });
    const result = await client.execute(FIVE_CHILDREN, {}, staff('cost.reporter'));
    expect(result.errors).toBeUndefined();
    // Requested: organization 1 + children (1 + 5 × 2) = 12. Actual: organization, children,
    // edges once, node five times = 8; the 4 points asked for but not used are refunded.
    expect(result.extensions?.cost).toEqual({
      requested: 12,
      actual: 8,
      budget: 1_000,
      remaining: 5_000 - 8,
    });

    const refused = await client.execute(`{ organization(code: "4301") { nme } }`);
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.extensions?.cost).toEqual({
      requested: null,
      actual: 0,
      budget: 1_000,
      remaining: null,
    });
    // Stopping gives the allowance back, so no statement of this server's lands in another test.
    await client.server.stop();
  });

  it('costs lists by their first argument, variables included, and refuses over budget before any SQL', async () => {
    const client = await createGraphQLClient(database, { limits: { costBudget: 200 } });
    const query = `query Page($first: Int) { organizations(first: $first) { edges { node { name } } } }`;

    const within = await client.execute(query, { first: 99 });
    expect(within.errors).toBeUndefined();
    expect(within.extensions?.cost).toMatchObject({ requested: 1 + 99 * 2, actual: 2 + 99 });

    const over = await client.execute(query, { first: 100 });
    expect(over.errors).toEqual([
      {
        message: 'The query costs 201 points; the budget is 200',
        extensions: {
          code: 'BAD_USER_INPUT',
          reason: 'COST_LIMIT',
          cost: { requested: 201, budget: 200 },
        },
      },
    ]);
    expect(over.data).toBeUndefined();
    expect(over.statements).toEqual([]);

    // Without first, a list is costed at the default page size (20): 20 × 20 nested.
    const nested = await client.execute(
      `{ organizations { edges { node { children { edges { node { name } } } } } } }`,
    );
    expect(nested.errors?.[0]?.extensions).toMatchObject({
      reason: 'COST_LIMIT',
      cost: { requested: 1 + 20 * (2 + 1 + 20 * 2) },
    });
    expect(nested.statements).toEqual([]);
  });

  it('costs one document anew when a variable its cost reads changes, and not for a cursor', async () => {
    const client = await createGraphQLClient(database);
    const query = `query Units($first: Int, $after: String, $level: OrganizationLevel, $count: Boolean!) {
      organization(code: "43") {
        children(first: $first, after: $after) { pageInfo { endCursor } edges { node { name } } }
        descendantCount(level: $level) @include(if: $count) } }`;
    let fresh = 0;
    // The same variables against the same document (costed once, then remembered) and against
    // a copy of it that was never costed (a new query string is a new document).
    const costs = async (variables: Record<string, unknown>) => {
      const [remembered, computed] = await Promise.all(
        [query, `${query}${' '.repeat(++fresh)}`].map((text) => client.execute(text, variables)),
      );
      expect(remembered!.errors).toBeUndefined();
      const requested = (result: typeof remembered) =>
        (result!.extensions?.cost as { requested: number }).requested;
      return [requested(remembered), requested(computed)] as const;
    };
    const { data } = await client.execute(query, { first: 2, count: false });
    const after = data.organization.children.pageInfo.endCursor;
    const seen = new Set<number>();
    for (const variables of [
      { first: 2, count: false },
      { first: 2, after, count: false },
      { first: 3, after, count: false },
      { first: 3, count: true, level: 'VILLAGE' },
      { first: 3, count: true, level: null },
      { first: 3, count: false, level: 'VILLAGE' },
    ]) {
      const [remembered, computed] = await costs(variables);
      expect(remembered).toBe(computed);
      seen.add(remembered);
    }
    // first, @include and level each changed the cost at least once.
    expect(seen.size).toBeGreaterThanOrEqual(3);
  });

  it('costs an unpaged list as a full page unless it declares its bound, as ancestors does', async () => {
    const client = await createGraphQLClient(database);
    const result = await client.execute(
      `{ organization(code: "430102") { ancestors { name parent { name } } } }`,
    );
    expect(result.data.organization.ancestors).toHaveLength(3);
    // organization 1 + ancestors (1 + 5 levels × parent 1); three parents were resolved.
    expect(result.extensions?.cost).toMatchObject({ requested: 7, actual: 1 + 1 + 3 });
  });
});

describe('document limits, all refused before any SQL', () => {
  let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
  beforeAll(async () => {
    ({ execute } = await createGraphQLClient(database, {
      limits: { maxDepth: 4, maxAliases: 3, maxDirectives: 3, maxTokens: 200 },
    }));
  });

  it('refuses operations nested deeper than the limit, through fragments too', async () => {
    const flat = await execute(
      `{ organization(code: "43") { children { edges { node { name } } } } }`,
    );
    const viaFragments = await execute(`
      { organization(code: "43") { ...Children } }
      fragment Children on Organization { children { ...Edges } }
      fragment Edges on OrganizationConnection { edges { node { name } } }`);
    for (const result of [flat, viaFragments]) {
      expect(result.errors?.map((error) => error.extensions)).toEqual([
        { code: 'BAD_USER_INPUT', reason: 'DEPTH_LIMIT', limit: 4, found: 5 },
      ]);
      expect(result.statements).toEqual([]);
    }
    const allowed = await execute(`{ organization(code: "43") { children { totalCount } } }`);
    expect(allowed.errors).toBeUndefined();
  });

  it('lets introspection through the depth limit', async () => {
    const result = await execute(getIntrospectionQuery());
    expect(result.errors).toBeUndefined();
    expect(result.data.__schema.queryType.name).toBe('Query');
  });

  it('refuses too many aliases', async () => {
    const aliases = (n: number) =>
      `{ ${Array.from({ length: n }, (_, i) => `a${i}: organization(code: "43") { name }`).join(' ')} }`;
    expect((await execute(aliases(3))).errors).toBeUndefined();
    const result = await execute(aliases(4));
    expect(result.errors?.map((error) => error.extensions)).toEqual([
      { code: 'BAD_USER_INPUT', reason: 'ALIAS_LIMIT', limit: 3, found: 4 },
    ]);
    expect(result.statements).toEqual([]);
  });

  it('refuses too many directives', async () => {
    const result = await execute(
      `{ organization(code: "43") { name @include(if: true) code @include(if: true) level @skip(if: false) depth @skip(if: false) } }`,
    );
    expect(result.errors?.map((error) => error.extensions)).toEqual([
      { code: 'BAD_USER_INPUT', reason: 'DIRECTIVE_LIMIT', limit: 3, found: 4 },
    ]);
    expect(result.statements).toEqual([]);
  });

  it('stops parsing past the token limit', async () => {
    const result = await execute(`{ organization(code: "43") { ${'name '.repeat(200)} } }`);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    // graphql-js's own wording ("more that 200 tokens"), kept as it is.
    expect(result.errors?.[0]?.message).toMatch(
      /^Syntax Error: Document contains more tha. 200 tokens/,
    );
    expect(result.statements).toEqual([]);
  });
});

describe('over HTTP', () => {
  let url: string;
  beforeAll(async () => {
    const server = await createServer({
      db: database.db,
      logger: createLogger('silent'),
      production: false,
      limits: {
        maxBodyBytes: 2_000,
        costBudget: 100,
        rateLimit: { capacity: 100, restorePerSecond: 1 },
        statementCostPerMs: 0,
      },
    });
    servers.push(server);
    url = await server.listen(0, '127.0.0.1');
  });
  const post = (body: unknown) =>
    database.counting(() =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }),
    );

  it('refuses batched requests and oversized bodies before any SQL', async () => {
    const query = '{ organization(code: "43") { name } }';
    const batched = await post([{ query }, { query }]);
    expect(batched.result.status).toBe(400);
    expect(batched.statements).toEqual([]);

    const large = await post({ query: `${query} #${'x'.repeat(2_000)}` });
    expect(large.result.status).toBe(413);
    expect(((await large.result.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');
    expect(large.statements).toEqual([]);
  });

  it('answers RATE_LIMITED with Retry-After (header and extensions) once the bucket is empty', async () => {
    // 1 + 30 × 2 = 61 points; the caller's bucket holds 100 and regains 1 a second.
    const query = '{ organizations(first: 30) { edges { node { name } } } }';
    const first = await post({ query });
    expect(first.result.status).toBe(200);
    const firstCost = ((await first.result.json()) as any).extensions.cost;
    // Charged 61 from an allowance taken from the bucket, refunded the 29 not used: 100 - 32.
    expect(firstCost).toEqual({ requested: 61, actual: 32, budget: 100, remaining: 68 });

    const second = await post({ query });
    expect(second.result.status).toBe(200);

    const third = await post({ query });
    expect(third.result.status).toBe(429);
    const retryAfter = Number(third.result.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    const body = (await third.result.json()) as any;
    expect(body.data).toBeUndefined();
    expect(body.errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter });
    expect(body.extensions.cost).toMatchObject({ requested: 61, actual: 0 });
    // Refused before execution: the only SQL touched the bucket.
    expect(third.statements.length).toBeGreaterThan(0);
    expect(third.statements.every((text) => text.includes('rate_limit_bucket'))).toBe(true);
  });
});

describe('rate limiting state in the database', () => {
  it('is shared by several server instances', async () => {
    const limits = {
      costBudget: 100,
      rateLimit: { capacity: 100, restorePerSecond: 1 },
      statementCostPerMs: 0,
    };
    const one = await createGraphQLClient(database, { limits });
    const two = await createGraphQLClient(database, { limits });
    const viewer = staff('shared.bucket');
    const query = '{ organizations(first: 30) { edges { node { name } } } }';
    expect((await one.execute(query, {}, viewer)).errors).toBeUndefined();
    // The 29 points the first request did not use are in instance one's allowance, not in the
    // bucket (the undershoot docs/security.md states), until it is given back: here, on stop.
    await one.server.stop();
    expect((await two.execute(query, {}, viewer)).errors).toBeUndefined();
    const three = await createGraphQLClient(database, { limits });
    const refused = await three.execute(query, {}, viewer);
    expect(errorCodes(refused)).toEqual(['RATE_LIMITED']);
    expect(refused.statements.length).toBeGreaterThan(0);
    expect(refused.statements.every((text) => text.includes('rate_limit_bucket'))).toBe(true);
    // Known refused, the caller is refused again without a statement until Retry-After.
    const again = await three.execute(query, {}, viewer);
    expect(errorCodes(again)).toEqual(['RATE_LIMITED']);
    expect(again.statements).toEqual([]);
    // Another caller has a bucket of its own.
    expect((await two.execute(query, {}, staff('someone.else'))).errors).toBeUndefined();
    await two.server.stop();
    await three.server.stop();
  });
});

describe('request timeout', () => {
  it('sends no SQL for a request whose deadline has passed', async () => {
    const expired = new AbortController();
    expired.abort();
    const { result, statements } = await database.counting(() =>
      scopedDatabase(database.db, createStatementScope(expired.signal))
        .selectFrom('organization')
        .select('id')
        .execute()
        .catch((error: unknown) => error),
    );
    expect(result).toBeInstanceOf(StatementCancelledError);
    expect(statements).toEqual([]);
  });

  it('answers a field whose statement was cancelled UNAVAILABLE, reason TIMEOUT, at its path', async () => {
    const client = await createGraphQLClient(database);
    const expired = new AbortController();
    expired.abort();
    // The request's deadline has passed: its first statement is refused, not sent.
    const scope = createStatementScope(expired.signal);
    const result = await client.execute(
      '{ organization(code: "43") { name } }',
      {},
      undefined,
      scope,
    );
    expect(result.errors).toEqual([
      {
        message: `The request ran past its ${DEFAULT_LIMITS.requestTimeoutMs} ms limit`,
        path: ['organization'],
        extensions: { code: 'UNAVAILABLE', reason: 'TIMEOUT' },
      },
    ]);
    expect(result.statements).toEqual([]);
  });

  it.runIf(process.env.DATABASE_URL)(
    'answers UNAVAILABLE (reason TIMEOUT, Retry-After) and cancels the statement still running on PostgreSQL',
    async () => {
      const server = await createServer({
        db: database.db,
        logger: createLogger('silent'),
        production: false,
        limits: { requestTimeoutMs: 1_000, rateLimit: null },
      });
      servers.push(server);
      const url = await server.listen(0, '127.0.0.1');
      const blocker = createDatabase({ databaseUrl: database.url });
      const observer = createDatabase({ databaseUrl: database.url });
      // Statements of this database queued behind a lock on organization, other than ours.
      const waiting = async () =>
        (
          await sql<{ count: number }>`
            SELECT count(*)::int AS count FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid()
              AND state = 'active' AND wait_event_type = 'Lock'
              AND (query ILIKE '%from organization%' OR query ILIKE '%from "organization"%')`.execute(
            observer,
          )
        ).rows[0]!.count;
      const until = async (wanted: number) => {
        let count = await waiting();
        for (let attempt = 0; attempt < 100 && count !== wanted; attempt += 1) {
          await new Promise((resolve) => setTimeout(resolve, 10));
          count = await waiting();
        }
        return count;
      };
      try {
        await blocker.transaction().execute(async (trx) => {
          // The request's statement queues behind this lock for as long as it is held.
          await sql`LOCK TABLE organization IN ACCESS EXCLUSIVE MODE`.execute(trx);
          const pending = fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ query: '{ organization(code: "43") { name } }' }),
          });
          expect(await until(1)).toBe(1);
          const response = await pending;
          expect(response.status).toBe(503);
          expect(response.headers.get('retry-after')).toBe('1');
          expect(await response.json()).toEqual({
            errors: [
              {
                message: 'The request ran past its 1000 ms limit',
                extensions: { code: 'UNAVAILABLE', reason: 'TIMEOUT' },
              },
            ],
          });
          // Cancelled while the lock is still held: nothing waits on it any more.
          expect(await until(0)).toBe(0);
        });
      } finally {
        await blocker.destroy();
        await observer.destroy();
      }
    },
  );
});
