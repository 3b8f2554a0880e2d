// A primary and a streaming replica the test makes itself (initdb, pg_basebackup -R; see
// server/test/helpers/replication.ts), with the server reading from the replica through
// DATABASE_READ_URL and the SDK carrying the consistency token. It runs in the PostgreSQL pass
// of the tests only: the PGlite pass must pass on a machine without PostgreSQL installed, while
// the PostgreSQL pass already needs its server binaries; there, a missing initdb fails the test.
import 'reflect-metadata';
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../server/src/db/database.js';
import { migrateToLatest } from '../../server/src/db/migrate.js';
import type { Database } from '../../server/src/db/tables.js';
import {
  seedHandTree,
  seedTemplate,
  seedTestMetrics,
} from '../../server/test/helpers/reporting.js';
import { startReplicatedPair, type ReplicatedPair } from '../../server/test/helpers/replication.js';
import { createClient, FulianError, type FulianClient } from '../src/index.js';
import { signToken, startServer, type RunningServer } from './helpers/live-server.js';

const adminUrl = process.env.DATABASE_URL;
const READ_DRAFT = `query($id: ID!) {
  submission(id: $id) { version values(first: 1) { edges { node { value } } } } }`;
interface Writer {
  client: FulianClient;
  draft: { id: string; version: number };
}
type Draft = { version: number; values: { edges: { node: { value: string } }[] } };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!adminUrl)('a primary and a streaming replica (DATABASE_READ_URL)', () => {
  let pair: ReplicatedPair;
  let db: Kysely<Database>;
  let server: RunningServer;
  let anonymous: FulianClient;
  /** Four editors, each with a client of its own and a draft it saves to. */
  let writers: Writer[];

  beforeAll(async () => {
    pair = await startReplicatedPair();
    await pair.primary.query('postgres', 'CREATE DATABASE fulian');
    const setup = createDatabase({ databaseUrl: pair.primary.url('fulian') });
    await migrateToLatest(setup);
    await seedHandTree(setup);
    await seedTestMetrics(setup);
    await seedTemplate(setup, 'county-annual', ['COUNTY'], ['test.sales']);
    await setup.destroy();
    await pair.caughtUp();

    db = createDatabase({
      databaseUrl: pair.primary.url('fulian'),
      readUrl: pair.replica.url('fulian'),
    });
    // Rate limiting stays on (with the primary down it works from each instance's own view),
    // generous enough for 2,000 requests in a row.
    server = await startServer(
      { db },
      { limits: { rateLimit: { capacity: 1_000_000, restorePerSecond: 100_000 } } },
    );
    anonymous = createClient({ endpoint: server.endpoint, retry: false });
    writers = await Promise.all(
      ['430101', '430102', '430201', '430202'].map(async (organization) => {
        const token = await signToken({
          subject: `editor@${organization}`,
          role: 'PROVINCE_ADMIN',
          organization: '43',
        });
        const client = createClient({ endpoint: server.endpoint, token, retry: false });
        const { createSubmission } = await client.createSubmission({
          template: 'county-annual',
          organization,
          period: '2020',
        });
        const { id, version } = createSubmission.submission;
        return { client, draft: { id, version } };
      }),
    );
  });
  afterAll(async () => {
    await server?.close();
    await db?.destroy();
    await pair?.close();
  });

  /** Transactions committed in the test database on each server, from its own statistics. */
  async function commits(): Promise<{ primary: number; replica: number }> {
    const count = async (cluster: ReplicatedPair['primary']) => {
      const [row] = await cluster.query<{ commits: string }>(
        'postgres',
        `SELECT xact_commit AS commits FROM pg_stat_database WHERE datname = 'fulian'`,
      );
      return Number(row!.commits);
    };
    return { primary: await count(pair.primary), replica: await count(pair.replica) };
  }

  async function readyz(): Promise<{ status: number; body: any }> {
    const response = await fetch(new URL('/readyz', server.endpoint));
    return { status: response.status, body: await response.json() };
  }

  async function save({ client, draft }: Writer, value: string): Promise<number> {
    const saved = await client.saveSubmissionValues({
      id: draft.id,
      expectedVersion: draft.version,
      values: [{ metric: 'test.sales', value }],
    });
    draft.version = saved.saveSubmissionValues.submission.version;
    return draft.version;
  }

  it('reads land on the replica, as its statistics count them', async () => {
    const before = await commits();
    const reads = 200;
    for (let n = 0; n < reads; n += 1) {
      const { organization } = await anonymous.organization({ code: '43' });
      expect(organization?.code).toBe('43');
    }
    // Each server publishes a session's counts when it goes idle, at most once a second.
    await expect
      .poll(async () => (await commits()).replica - before.replica, {
        timeout: 20_000,
        interval: 250,
      })
      .toBeGreaterThanOrEqual(reads);
    // The primary saw a few statements (admission, the lag probe, the setup's counts flushed
    // late), far from one per read.
    const after = await commits();
    expect(after.primary - before.primary).toBeLessThan(reads / 2);
    expect(await readyz()).toMatchObject({
      status: 200,
      body: { status: 'ready', replica: { status: 'up', lagBytes: expect.any(Number) } },
    });
  });

  it('a write followed by a read through the SDK sees the write, 1,000 times out of 1,000', async () => {
    // The replica applies each commit 200 ms after the primary made it, so a read sent to it
    // right after a write would miss the write: only the consistency token keeps it fresh.
    await pair.replica.query('postgres', `ALTER SYSTEM SET recovery_min_apply_delay = '200ms'`);
    await pair.replica.query('postgres', 'SELECT pg_reload_conf()');
    try {
      // Four callers at once, 250 write-then-read rounds each.
      const misses: string[] = [];
      const rounds = async (writer: Writer) => {
        for (let n = 1; n <= 250; n += 1) {
          const written = await save(writer, String(n));
          // Now and then the replica is given time to replay the write, and answers the read.
          if (n % 50 === 0) await sleep(400);
          const { submission } = await writer.client.raw<{ submission: Draft | null }>(READ_DRAFT, {
            id: writer.draft.id,
          });
          const read = submission?.values.edges[0]?.node.value;
          if (submission?.version !== written || read !== String(n)) {
            misses.push(`${writer.draft.id}: write ${n} (version ${written}) read as ${read}`);
          }
        }
      };
      await Promise.all(writers.map(rounds));
      expect(misses).toEqual([]);

      // The same read from a client that never saw the write's token is the replica's, stale:
      // without the token the loop above would have failed.
      const written = await save(writers[0]!, '251');
      const stranger = createClient({
        endpoint: server.endpoint,
        token: await signToken({ subject: 'other@43', role: 'PROVINCE_ADMIN', organization: '43' }),
        retry: false,
      });
      const { submission } = await stranger.submission({ id: writers[0]!.draft.id });
      expect(submission?.version).toBe(written - 1);
    } finally {
      await pair.replica.query('postgres', 'ALTER SYSTEM RESET recovery_min_apply_delay');
      await pair.replica.query('postgres', 'SELECT pg_reload_conf()');
    }
  });

  it('the replica stopped mid-run loses no request: reads go to the primary', async () => {
    let running = true;
    let answered = 0;
    const failures: unknown[] = [];
    const reader = async () => {
      while (running) {
        try {
          const { organization } = await anonymous.organization({ code: '43' });
          expect(organization?.code).toBe('43');
          answered += 1;
        } catch (error) {
          failures.push(error);
        }
      }
    };
    const readers = [1, 2, 3, 4].map(reader);
    await sleep(300);
    const beforeStop = answered;
    await pair.replica.stop();
    await sleep(1_500);
    running = false;
    await Promise.all(readers);
    expect(failures).toEqual([]);
    expect(beforeStop).toBeGreaterThan(0);
    expect(answered).toBeGreaterThan(beforeStop);
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'ready', replica: { status: 'unavailable' } },
    });

    await pair.replica.start();
    await pair.caughtUp();
    await expect.poll(async () => (await readyz()).body.replica.status).toBe('up');
  });

  it('the primary stopped: writes answer UNAVAILABLE (503, Retry-After), reads go on', async () => {
    const [writer] = writers as [Writer];
    const version = writer.draft.version;
    await pair.primary.stop();

    const refused = await save(writer, 'lost').catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(FulianError);
    expect(refused).toMatchObject({ code: 'UNAVAILABLE', status: 503, retryAfterMs: 1_000 });

    for (let n = 0; n < 20; n += 1) {
      expect((await anonymous.organization({ code: '43' })).organization?.code).toBe('43');
      // A staff caller too: its credential's organization is looked up on the replica.
      const { submission } = await writer.client.submission({ id: writer.draft.id });
      expect(submission?.version).toBe(version);
    }
    expect(await readyz()).toEqual({
      status: 200,
      body: { status: 'read-only', replica: { status: 'up' } },
    });
  });
});
