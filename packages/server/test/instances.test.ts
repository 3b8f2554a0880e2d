import { createClient, type Client } from 'graphql-ws';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { issueToken } from '../src/auth/token.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { seedHandTree, seedTemplate, seedTestMetrics } from './helpers/reporting.js';
import { serve, type Served } from './helpers/cli-process.js';
import { APPROVE, CREATE, SUBMIT, UNAPPROVE } from './helpers/submission-operations.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

// Two server instances on one PostgreSQL database, in two processes, as behind a load balancer:
// a subscriber on this one hears of changes made through `fulian serve` in another process,
// so the events go through the database (LISTEN/NOTIFY), not process memory. (PGlite is held by
// one process; its in-process delivery is submission-subscription.test.ts's.)
const onPostgres = Boolean(process.env.DATABASE_URL);

let database: TestDatabase;
let first: Awaited<ReturnType<typeof createGraphQLClient>>;
let other: Served;
let otherBase: string;
let socket: Client;
let token: string;
const SECRET = 'instances-test-secret-of-at-least-32-bytes';

/** An operation sent to the other process as the province's administrator. */
async function otherExecute(query: string, variables: unknown): Promise<any> {
  const response = await fetch(`${otherBase}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

describe.skipIf(!onPostgres)('two instances on one PostgreSQL', () => {
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedHandTree(database.db);
    await seedTestMetrics(database.db);
    await seedTemplate(database.db, 'test-annual', ['CITY', 'COUNTY']);
    token = await issueToken(
      { key: { kind: 'secret', secret: SECRET }, issuer: 'fulian-graph', audience: 'fulian-graph' },
      { subject: 'instances@43', role: 'PROVINCE_ADMIN', organization: '43' },
      '10m',
    );
    first = await createGraphQLClient(database);
    other = serve({ DATABASE_URL: database.url, FULIAN_JWT_SECRET: SECRET, LOG_LEVEL: 'error' });
    otherBase = await other.url;
    const url = await first.server.listen(0, '127.0.0.1');
    socket = createClient({
      url: url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      lazy: false,
    });
  });
  afterAll(async () => {
    await socket?.dispose();
    if (other?.child.exitCode === null) other.child.kill('SIGKILL');
    await first?.server.stop();
    await database?.close();
  });

  it('tells a subscriber on one instance of a change made through the other, and of nothing rolled back', async () => {
    const events: any[] = [];
    let waiting: (() => void) | null = null;
    socket.subscribe(
      {
        query: `subscription { submissionStatusChanged(within: "4301") {
          from to submission { status version organization { code } } } }`,
      },
      {
        next: (message) => {
          events.push(message.data?.submissionStatusChanged);
          waiting?.();
        },
        error: (error) => {
          throw error;
        },
        complete: () => {},
      },
    );
    const nextEvent = () =>
      new Promise<void>((resolve) => {
        waiting = resolve;
      });

    // The protocol does not acknowledge a subscription: submit through the other instance, one
    // period at a time, until the first event reaches this one.
    let submission: { id: string; version: number } | null = null;
    for (let year = 2001; events.length === 0 && year <= 2020; year += 1) {
      const created = await otherExecute(CREATE, {
        input: { template: 'test-annual', organization: '430101', period: String(year) },
      });
      const id = created.data.createSubmission.submission.id;
      const submitted = await otherExecute(SUBMIT, { input: { id, expectedVersion: 1 } });
      expect(submitted.errors).toBeUndefined();
      submission = { id, version: submitted.data.submitSubmission.version };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(events[0]).toEqual({
      from: 'DRAFT',
      to: 'SUBMITTED',
      submission: { status: 'SUBMITTED', version: 2, organization: { code: '430101' } },
    });

    // A refused approval (a stale version) rolls back and tells nobody; the next one does.
    const seen = events.length;
    const stale = await otherExecute(APPROVE, {
      input: { id: submission!.id, expectedVersion: submission!.version - 1 },
    });
    expect(stale.errors?.[0]?.extensions?.code).toBe('CONFLICT');
    const arrived = nextEvent();
    const approved = await otherExecute(APPROVE, {
      input: { id: submission!.id, expectedVersion: submission!.version },
    });
    expect(approved.errors).toBeUndefined();
    await arrived;
    expect(events.slice(seen)).toEqual([
      {
        from: 'SUBMITTED',
        to: 'APPROVED',
        submission: { status: 'APPROVED', version: 3, organization: { code: '430101' } },
      },
    ]);

    // The listening connection lost (PostgreSQL ends it) is made again within a second or so:
    // what is changed after that is heard again.
    const killed = await sql<{ pid: number }>`
      SELECT pid, pg_terminate_backend(pid) AS ended FROM pg_stat_activity
      WHERE datname = current_database() AND query LIKE 'LISTEN %'`.execute(database.db);
    expect(killed.rows.length).toBeGreaterThanOrEqual(1);
    // Both instances listen again (each retries every second), checked rather than waited for.
    for (let tries = 0; tries < 100; tries += 1) {
      const listening = await sql<{ n: number }>`
        SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND query LIKE 'LISTEN %'
          AND pid <> ALL(${killed.rows.map((row) => row.pid)}::int[])`.execute(database.db);
      if (listening.rows[0]!.n >= 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const heard = events.length;
    const again = nextEvent();
    const unapproved = await otherExecute(UNAPPROVE, {
      input: { id: submission!.id, expectedVersion: submission!.version + 1 },
    });
    expect(unapproved.errors).toBeUndefined();
    await again;
    expect(events.slice(heard)).toMatchObject([{ from: 'APPROVED', to: 'SUBMITTED' }]);
  });

  it('refuses a caller on one instance once the other refused it, within the stated overshoot', async () => {
    // Two more instances sharing one caller's bucket (anonymous, so both key it by the same
    // address): 150 points, refilled at 1 a second, and no charge for statement time, so the
    // overshoot docs/security.md states is 0. A request below costs exactly 15 points.
    const limits = {
      costBudget: 150,
      rateLimit: { capacity: 150, restorePerSecond: 1 },
      statementCostPerMs: 0,
    };
    const inProcess = await createGraphQLClient(database, { limits });
    const child = serve({
      DATABASE_URL: database.url,
      FULIAN_ALLOW_ANONYMOUS: 'true',
      FULIAN_COST_BUDGET: '150',
      FULIAN_RATE_LIMIT_CAPACITY: '150',
      FULIAN_RATE_LIMIT_RESTORE_PER_SECOND: '1',
      FULIAN_STATEMENT_COST_PER_MS: '0',
      LOG_LEVEL: 'error',
    });
    try {
      const urls = [await inProcess.server.listen(0, '127.0.0.1'), `${await child.url}/graphql`];
      const query = `{ ${Array.from({ length: 15 }, (_, n) => `u${n}: organization(code: "43") { name }`).join(' ')} }`;
      const post = async (url: string) => {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ query }),
        });
        const body = (await response.json()) as any;
        if (response.status === 200) expect(body.extensions.cost.actual).toBe(15);
        else expect(body.errors[0].extensions.code).toBe('RATE_LIMITED');
        return response.status === 200;
      };
      const started = Date.now();
      // Alternating between the two until one refuses.
      let admitted = 0;
      let refusedBy = -1;
      for (let n = 0; refusedBy < 0; n += 1) {
        expect(n).toBeLessThan(30);
        if (await post(urls[n % 2]!)) admitted += 1;
        else refusedBy = n % 2;
      }
      // The other admits at most what it holds of the caller's points unspent (its allowance:
      // under one request's cost plus a second of refill), then refuses too.
      let more = 0;
      while (await post(urls[1 - refusedBy]!)) {
        more += 1;
        expect(more).toBeLessThanOrEqual(1);
      }
      const seconds = (Date.now() - started) / 1_000;
      expect(admitted).toBeGreaterThanOrEqual(8);
      expect((admitted + more) * 15).toBeLessThanOrEqual(150 + Math.ceil(seconds));
    } finally {
      if (child.child.exitCode === null) child.child.kill('SIGKILL');
      await inProcess.server.stop();
    }
  });
});
