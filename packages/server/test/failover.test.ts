// The server outlives its database's connections: `fulian serve` runs as a child process on a
// database of its own while PostgreSQL terminates that database's backends again and again
// under concurrent reads and writes (PostgreSQL only: PGlite has no connections to lose).
import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../src/auth/token.js';
import { createDatabase } from '../src/db/database.js';
import { fromGlobalIdOf } from '../src/graph/global-id.js';
import { seedHandTree, seedTemplate, seedTestMetrics } from './helpers/reporting.js';
import { serve, type Served } from './helpers/cli-process.js';
import { CREATE } from './helpers/submission-operations.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const adminUrl = process.env.DATABASE_URL;
const SECRET = 'failover-test-secret-of-at-least-32-bytes';

const SAVE = `mutation($input: SaveSubmissionValuesInput!) {
  saveSubmissionValues(input: $input) { replayed submission { version } } }`;
const READ = `{ organization(code: "43") { name children(first: 10) { edges { node { code name } } } } }`;

/** What one request ended with, as a client saw it. */
type Outcome =
  | { kind: 'ok'; status: number; data: any }
  | { kind: 'failed'; status: number; codes: unknown[]; retryAfter: string | null }
  | { kind: 'network'; message: string };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!adminUrl)('failover (PostgreSQL terminates the server’s connections)', () => {
  let database: TestDatabase;
  let served: Served;
  let child: ChildProcess;
  let base: string;
  let token: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedHandTree(database.db);
    await seedTestMetrics(database.db);
    await seedTemplate(database.db, 'county-annual', ['COUNTY'], ['test.sales']);
    token = await issueToken(
      { key: { kind: 'secret', secret: SECRET }, issuer: 'fulian-graph', audience: 'fulian-graph' },
      { subject: 'failover@43', role: 'PROVINCE_ADMIN', organization: '43' },
      '10m',
    );
    served = serve({
      DATABASE_URL: database.url,
      FULIAN_JWT_SECRET: SECRET,
      FULIAN_ALLOW_ANONYMOUS: 'true',
      LOG_LEVEL: 'error',
    });
    child = served.child;
    base = await served.url;
  });
  afterAll(async () => {
    if (served?.child.exitCode === null) served.child.kill('SIGKILL');
    await database.close();
  });

  async function post(query: string, variables: unknown, staff: boolean): Promise<Outcome> {
    try {
      const response = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(staff ? { authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: any[] };
      if (response.status === 200 && !body.errors) {
        return { kind: 'ok', status: response.status, data: body.data };
      }
      return {
        kind: 'failed',
        status: response.status,
        codes: (body.errors ?? []).map((error) => error.extensions?.code),
        retryAfter: response.headers.get('retry-after'),
      };
    } catch (error) {
      return { kind: 'network', message: String((error as Error).cause ?? error) };
    }
  }

  it('lives, answers every failure UNAVAILABLE (503, Retry-After), loses no acknowledged write, and is ready again at once', async () => {
    // A draft for each writer, each its own (unit, year).
    const counties = ['430101', '430102', '430201', '430202'];
    const drafts: string[] = [];
    for (const organization of counties) {
      const created = await post(
        CREATE,
        { input: { template: 'county-annual', organization, period: '2020' } },
        true,
      );
      expect(created.kind).toBe('ok');
      drafts.push((created as { data: any }).data.createSubmission.submission.id);
    }

    const failures: Outcome[] = [];
    let reads = 0;
    let faulting = true;
    const acknowledged = drafts.map(() => [] as string[]);

    // Four writers, each saving a new figure to its draft, one save at a time. A failed save
    // is sent again with its idempotency key until acknowledged, as a client should: applied
    // or not when its connection went, it is then applied exactly once.
    const writer = async (index: number) => {
      const id = drafts[index]!;
      for (let n = 1; faulting; n += 1) {
        const input = {
          id,
          expectedVersion: n,
          idempotencyKey: `failover-${index}-${n}`,
          values: [{ metric: 'test.sales', value: String(1000 * index + n) }],
        };
        for (;;) {
          const outcome = await post(SAVE, { input }, true);
          if (outcome.kind === 'ok') break;
          failures.push(outcome);
          if (outcome.kind === 'network') return;
          await sleep(50);
        }
        acknowledged[index]!.push(input.values[0]!.value);
      }
    };
    // Four readers, anonymous, reading a unit and its children.
    const reader = async () => {
      while (faulting) {
        const outcome = await post(READ, {}, false);
        if (outcome.kind === 'ok') {
          expect(outcome.data.organization.children.edges).toHaveLength(3);
          reads += 1;
        } else {
          failures.push(outcome);
          if (outcome.kind === 'network') return;
        }
      }
    };
    const load = [...drafts.map((_, index) => writer(index)), ...[1, 2, 3, 4].map(reader)];

    // Six rounds, 0.5 s apart, of terminating every backend of the server's database (and
    // of no other), from a connection to another database.
    const name = new URL(database.url!).pathname.slice(1);
    const admin = createDatabase({ databaseUrl: adminUrl });
    let terminated = 0;
    for (let round = 0; round < 6; round += 1) {
      await sleep(500);
      const { rows } = await sql<{ terminated: boolean }>`
        SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity
        WHERE datname = ${name} AND pid <> pg_backend_pid()`.execute(admin);
      terminated += rows.filter((row) => row.terminated).length;
    }
    const answering = performance.now();
    await admin.destroy();

    // The database answers again: /readyz must say so within 2 s.
    let ready = 0;
    while (performance.now() - answering < 5_000) {
      const probe = await fetch(`${base}/readyz`).catch(() => undefined);
      if (probe?.status === 200) {
        ready = performance.now() - answering;
        break;
      }
      await sleep(50);
    }
    faulting = false;
    await Promise.all(load);

    const stderr = served.stderr();
    console.log(
      stderr
        .split('\n')
        .filter((line) => line.includes('internal error'))
        .slice(0, 3)
        .join('\n'),
    );
    // The process lived through it all.
    expect(child.exitCode).toBeNull();
    expect(stderr).not.toMatch(/Unhandled|uncaught/i);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect(ready).toBeGreaterThan(0);
    expect(ready).toBeLessThan(2_000);

    // The fault was real, and the load went on through it.
    expect(terminated).toBeGreaterThan(0);
    expect(reads).toBeGreaterThan(0);
    expect(acknowledged.every((values) => values.length > 0)).toBe(true);

    // Every failure was an answer with a code the client can act on: no INTERNAL, no 500,
    // no socket hang-up or reset.
    expect(failures.filter((failure) => failure.kind === 'network')).toEqual([]);
    for (const failure of failures) {
      const { codes } = failure as { codes: unknown[] };
      expect({ ...failure, codes: [...new Set(codes)] }).toMatchObject({
        status: 503,
        retryAfter: '1',
        codes: ['UNAVAILABLE'],
      });
    }

    // Every acknowledged save is in the database, once: each draft holds its last figure,
    // and its version counts one write per acknowledged save.
    const check = createDatabase({ databaseUrl: database.url });
    try {
      for (const [index, id] of drafts.entries()) {
        const submissionId = fromGlobalIdOf('Submission', id);
        const row = await check
          .selectFrom('submission')
          .innerJoin('metric_value', 'metric_value.submission_id', 'submission.id')
          .select(['submission.version', 'metric_value.value'])
          .where('submission.id', '=', submissionId)
          .where('metric_value.metric_code', '=', 'test.sales')
          .executeTakeFirstOrThrow();
        const saves = acknowledged[index]!;
        expect(row).toEqual({ version: 1 + saves.length, value: saves.at(-1) });
      }
    } finally {
      await check.destroy();
    }
    console.log(
      `failover: ${terminated} backends terminated; ${reads} reads and ` +
        `${acknowledged.flat().length} saves acknowledged; ${failures.length} requests answered ` +
        `UNAVAILABLE; /readyz 200 ${Math.round(ready)} ms after the last round`,
    );

    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child.once('exit', resolve))).toBe(0);
  });
});
