import type { IncomingMessage } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '../src/auth/viewer.js';
import { createDatabase } from '../src/db/database.js';
import { DemandControl } from '../src/limits/admission.js';
import { clientAddressResolver } from '../src/limits/client-address.js';
import { DEFAULT_LIMITS, type Limits } from '../src/limits/limits.js';
import { takeFromBucket } from '../src/limits/rate-limit.js';
import { createLogger } from '../src/logger.js';
import { createServer, type FulianServer } from '../src/server.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

// The admission contract of docs/security.md, tested as it is stated: the bound across
// instances, no statement in the common case, statement time and concurrency of expensive
// operations, subtree costs against a count of the tree, and the trusted proxy.
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

/**
 * A server instance on the test's database. Its requests come from 127.0.0.1, trusted as a
 * proxy, so each test names its anonymous caller in X-Forwarded-For and has a bucket of its own.
 */
async function serve(limits: Partial<Limits>): Promise<string> {
  const server = await createServer({
    db: database.db,
    logger: createLogger('silent'),
    production: false,
    limits,
    trustedProxies: ['127.0.0.1'],
  });
  servers.push(server);
  return server.listen(0, '127.0.0.1');
}

const post = (url: string, query: string, caller: string) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': caller },
    body: JSON.stringify({ query }),
  });

/** The statements that touched a rate-limit bucket. */
const bucketStatements = (statements: string[]) =>
  statements.filter((text) => text.includes('rate_limit_bucket'));

describe('the bound across instances', () => {
  it('two instances flooded by one caller admit no more than the bucket gives', async () => {
    const rateLimit = { capacity: 100, restorePerSecond: 20 };
    const limits = { rateLimit, statementCostPerMs: 0 };
    const urls = [await serve(limits), await serve(limits)];
    // 1 + 10 × 2 = 21 points requested, 12 actual (the rest refunded): the bound is on what
    // the admitted requests are charged in the end.
    const query = '{ organizations(first: 10) { edges { node { name } } } }';
    let chargedPoints = 0;
    let admitted = 0;
    let refused = 0;
    const started = Date.now();
    // Eight connections on each instance, all the same anonymous caller, four requests each:
    // 64 requests of 12 points, several times what the bucket gives while they run.
    const flood = async (url: string) => {
      for (let sent = 0; sent < 4; sent += 1) {
        const response = await post(url, query, '198.51.100.1');
        const body = (await response.json()) as any;
        if (response.status === 200) {
          admitted += 1;
          chargedPoints += body.extensions.cost.actual;
        } else {
          expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
          expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
          refused += 1;
        }
      }
    };
    await Promise.all(urls.flatMap((url) => Array.from({ length: 8 }, () => flood(url))));
    const seconds = (Date.now() - started) / 1_000;
    expect(admitted).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    expect(chargedPoints).toBeLessThanOrEqual(
      rateLimit.capacity + rateLimit.restorePerSecond * seconds,
    );
    // And the bucket was spent, not hoarded: at most what the two instances' allowances (one
    // request's cost and one second of refill each) hold back, the stated undershoot.
    expect(chargedPoints).toBeGreaterThanOrEqual(
      rateLimit.capacity - 2 * (21 + rateLimit.restorePerSecond),
    );
  });
});

describe('statements per request', () => {
  it('admits a known caller with no statement of its own', async () => {
    const client = await createGraphQLClient(database, {
      limits: { rateLimit: { capacity: 100_000, restorePerSecond: 5_000 } },
    });
    const viewer = staff('steady.caller');
    const query = '{ organization(code: "4301") { name } }';
    const first = await client.execute(query, {}, viewer);
    expect(bucketStatements(first.statements).length).toBeGreaterThan(0);
    const second = await client.execute(query, {}, viewer);
    expect(second.errors).toBeUndefined();
    expect(second.statements).toHaveLength(1);
    expect(bucketStatements(second.statements)).toEqual([]);
    await client.server.stop();
  });
});

describe('what costs points', () => {
  it('charges measured statement time, so a caller that used the database is refused after', async () => {
    const url = await serve({
      rateLimit: { capacity: 100, restorePerSecond: 1 },
      // Any statement at all costs more than the bucket holds.
      statementCostPerMs: 1_000_000,
    });
    const query = '{ organization(code: "4301") { name } }';
    const first = await post(url, query, '198.51.100.2');
    expect(first.status).toBe(200);
    const cost = ((await first.json()) as any).extensions.cost;
    expect(cost.actual).toBeLessThan(100);
    // The statement time drove the allowance into debt: nothing more until it is repaid.
    expect(cost.remaining).toBeLessThan(0);
    const second = await post(url, query, '198.51.100.2');
    expect(second.status).toBe(429);
    expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(1);
    // Known refused, the caller's next request is answered before it is authenticated or
    // parsed: no statement at all.
    const third = await database.counting(() => post(url, query, '198.51.100.2'));
    expect(third.result.status).toBe(429);
    expect(Number(third.result.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await third.result.json()) as any).errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(third.statements).toEqual([]);
  });

  it('holds a refused caller that ignores Retry-After, at most 64 requests at once', async () => {
    const url = await serve({
      rateLimit: { capacity: 100, restorePerSecond: 1 },
      statementCostPerMs: 1_000_000,
      refusalHoldMs: 1_000,
    });
    const query = '{ organization(code: "4301") { name } }';
    const caller = '198.51.100.3';
    expect((await post(url, query, caller)).status).toBe(200);
    // Refused once with a Retry-After of many seconds: remembered by the instance.
    expect((await post(url, query, caller)).status).toBe(429);
    // 66 more at once, all before the Retry-After: 64 are held, the last two refused at once.
    const order: number[] = [];
    const answers = await Promise.all(
      Array.from({ length: 66 }, async (_, index) => {
        const started = performance.now();
        const response = await post(url, query, caller);
        order.push(index);
        return { status: response.status, ms: performance.now() - started };
      }),
    );
    expect(answers.every((answer) => answer.status === 429)).toBe(true);
    const held = answers.filter((answer) => answer.ms >= 990);
    expect(held).toHaveLength(64);
    // The two answered at once came back before any held one.
    expect(answers[order[0]!]!.ms).toBeLessThan(990);
    expect(answers[order[1]!]!.ms).toBeLessThan(990);
  });

  it('asks about past refusals only until the last remembered one runs out', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const start = Date.now();
      const demand = new DemandControl(database.db, DEFAULT_LIMITS, () => {});
      expect(demand.remembersRefusals).toBe(false);
      demand.rememberRefusal('caller a', 1);
      demand.rememberRefusal('caller b', 3);
      // One caller's refusal ran out and the caller never came back: the other's has not.
      vi.setSystemTime(start + 2_000);
      expect(demand.remembersRefusals).toBe(true);
      vi.setSystemTime(start + 3_000);
      expect(demand.remembersRefusals).toBe(false);
      // A refusal after that is remembered again.
      demand.rememberRefusal('caller c', 1);
      expect(demand.remembersRefusals).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('costs a subtree field by the units it reads, counted independently in SQL', async () => {
    const client = await createGraphQLClient(database);
    const units = async (level: string) =>
      Number(
        (
          await sql<{ count: number }>`
            SELECT count(*)::int AS count FROM organization o, organization w
            WHERE w.code = '43' AND o.path LIKE w.path || '%' AND o.level = ${level}`.execute(
            database.db,
          )
        ).rows[0]?.count,
      );
    const ranking = (level: string) =>
      `{ ranking(metric: "x", period: "2020", level: ${level}, within: "43", first: 1) { ranked } }`;
    const cost = async (level: string) =>
      (await client.execute(ranking(level))).extensions?.cost as { requested: number };
    const villages = await units('VILLAGE');
    const counties = await units('COUNTY');
    expect(villages).toBeGreaterThan(20_000);
    expect((await cost('VILLAGE')).requested - (await cost('COUNTY')).requested).toBe(
      Math.ceil(villages / 100) - Math.ceil(counties / 100),
    );
  });

  it('runs at most the configured expensive operations of one caller at once', async () => {
    const client = await createGraphQLClient(database, { limits: { expensiveConcurrency: 1 } });
    // Every village of the tree: far over the 1,000 units that make an operation expensive.
    const query = '{ organization(code: "43") { descendantCount(level: VILLAGE) } }';
    const viewer = staff('impatient');
    const [one, two] = await Promise.all([
      client.execute(query, {}, viewer),
      client.execute(query, {}, viewer),
    ]);
    const codes = [...errorCodes(one), ...errorCodes(two)];
    expect(codes).toEqual(['RATE_LIMITED']);
    const refusal = [one, two].find((result) => result.errors)!;
    expect(refusal.errors![0]!.extensions).toMatchObject({
      reason: 'CONCURRENCY_LIMIT',
      retryAfter: 1,
    });
    expect(refusal.statements).toEqual([]);
    // Another caller is not held back, and the place is free once the first has answered.
    const [mine, theirs] = await Promise.all([
      client.execute(query, {}, viewer),
      client.execute(query, {}, staff('someone.else')),
    ]);
    expect(mine.errors).toBeUndefined();
    expect(theirs.errors).toBeUndefined();
  });
});

describe('graphql-query-complexity on the one graphql', () => {
  // Its errors are told apart from ours by graphql's own GraphQLError class: a second copy of
  // graphql would make a caller's bad variable an INTERNAL error.
  it('answers a variable that does not coerce BAD_USER_INPUT', async () => {
    const client = await createGraphQLClient(database);
    const result = await client.execute(
      'query Page($first: Int) { organizations(first: $first) { totalCount } }',
      { first: 'many' },
    );
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.statements).toEqual([]);
  });
});

describe('the shared bucket', () => {
  // On PostgreSQL the takes run on separate connections and race for the row; PGlite runs one
  // statement at a time, so there the test shows the arithmetic only.
  it('takes atomically: concurrent takes never overdraw a bucket', async () => {
    const limit = { capacity: 100, restorePerSecond: 0.001 };
    const key = 'staff:concurrent';
    await takeFromBucket(database.db, key, 0, 0, limit);
    const connections = database.url
      ? Array.from({ length: 5 }, () => createDatabase({ databaseUrl: database.url }))
      : [database.db];
    try {
      const takes = await Promise.all(
        Array.from({ length: 25 }, (_, index) =>
          takeFromBucket(connections[index % connections.length]!, key, 10, 10, limit),
        ),
      );
      const granted = takes.filter((take) => take.granted);
      expect(granted).toHaveLength(10);
      expect(granted.reduce((sum, take) => sum + take.taken, 0)).toBe(100);
      const { tokens } = await database.db
        .selectFrom('rate_limit_bucket')
        .select('tokens')
        .where('key', '=', key)
        .executeTakeFirstOrThrow();
      expect(tokens).toBeGreaterThanOrEqual(0);
      expect(tokens).toBeLessThan(1);
    } finally {
      if (database.url) for (const connection of connections) await connection.destroy();
    }
  });
});

describe('the client address of an anonymous caller', () => {
  const request = (remoteAddress: string, forwarded?: string) =>
    ({
      socket: { remoteAddress },
      headers: forwarded ? { 'x-forwarded-for': forwarded } : {},
    }) as unknown as IncomingMessage;

  it('believes X-Forwarded-For only from a trusted proxy, rightmost untrusted first', () => {
    const resolve = clientAddressResolver(['10.0.0.1', '10.0.0.2']);
    expect(resolve(request('::ffff:10.0.0.1', '203.0.113.5'))).toBe('203.0.113.5');
    expect(resolve(request('10.0.0.1', '198.51.100.7, 203.0.113.5, 10.0.0.2'))).toBe('203.0.113.5');
    expect(resolve(request('192.0.2.9', '203.0.113.5'))).toBe('192.0.2.9');
    expect(resolve(request('10.0.0.1', 'not an address'))).toBe('10.0.0.1');
    expect(clientAddressResolver([])(request('10.0.0.1', '203.0.113.5'))).toBe('10.0.0.1');
    // One bucket per client whether the instance listens dual-stack (::ffff:…) or on IPv4.
    expect(clientAddressResolver([])(request('::ffff:192.0.2.9'))).toBe('192.0.2.9');
  });

  it('gives callers behind a trusted proxy buckets of their own', async () => {
    const url = await serve({
      rateLimit: { capacity: 10_000, restorePerSecond: 1 },
      statementCostPerMs: 0,
    });
    const query = '{ organization(code: "43") { name } }';
    for (const client of ['203.0.113.5', '203.0.113.6']) {
      expect((await post(url, query, client)).status).toBe(200);
    }
    const keys = await database.db
      .selectFrom('rate_limit_bucket')
      .select('key')
      .where('key', 'like', 'anonymous:203.0.113.%')
      .orderBy('key')
      .execute();
    expect(keys.map((row) => row.key)).toEqual(['anonymous:203.0.113.5', 'anonymous:203.0.113.6']);
  });
});
