// `fulian backup` and `fulian restore`, the compiled CLI against a running `fulian serve`:
// on PGlite (the default) the backup goes through the server holding the data directory, on
// PostgreSQL (DATABASE_URL) through pg_dump; the restore goes into a fresh directory or
// database.
import { readdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueToken } from '../src/auth/token.js';
import { countRows, migrateWithin, schemaVersion } from '../src/backup/backup.database.js';
import { readBackupFile } from '../src/backup/backup.file.js';
import { createDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { migrations } from '../src/db/migrations/index.js';
import type { Database } from '../src/db/tables.js';
import { fromGlobalIdOf } from '../src/graph/global-id.js';
import { verifyTotals } from '../src/modules/aggregation/aggregation.verify.js';
import { run, serve, type Served } from './helpers/cli-process.js';
import { seedHandTree, seedTemplate, seedTestMetrics } from './helpers/reporting.js';
import { APPROVE, CREATE, SAVE, SUBMIT } from './helpers/submission-operations.js';

const adminUrl = process.env.DATABASE_URL;
const SECRET = 'backup-test-secret-of-at-least-32-bytes';
const LATEST = Object.keys(migrations).sort().at(-1)!;
const COUNTIES = ['430101', '430102', '430201', '430202', '430301'];

let root: string;
const databases: string[] = [];

/**
 * A place for a database: on PostgreSQL a new, empty database (dropped after the tests), on
 * PGlite a directory not yet made. `env` is what the CLI needs to find it.
 */
async function place(
  name: string,
): Promise<{ env: Record<string, string>; open(): Kysely<Database> }> {
  if (adminUrl) {
    const database = `fulian_test_backup_${process.pid}_${name}`;
    const admin = createDatabase({ databaseUrl: adminUrl });
    await sql`DROP DATABASE IF EXISTS ${sql.id(database)}`.execute(admin);
    await sql`CREATE DATABASE ${sql.id(database)}`.execute(admin);
    await admin.destroy();
    databases.push(database);
    const url = new URL(adminUrl);
    url.pathname = `/${database}`;
    return {
      env: { DATABASE_URL: url.toString() },
      open: () => createDatabase({ databaseUrl: url.toString() }),
    };
  }
  const dataDir = path.join(root, name);
  return {
    env: { DATABASE_URL: '', FULIAN_DATA_DIR: dataDir },
    open: () => createDatabase({ dataDir }),
  };
}

function fulian(args: string[], env: Record<string, string>) {
  return run(args, env);
}

/** What a restored database holds that a refused restore must not have touched. */
async function tablesIn(
  target: Awaited<ReturnType<typeof place>>,
): Promise<number | 'no directory'> {
  if (!adminUrl) {
    const entries = await readdir(target.env.FULIAN_DATA_DIR!).catch(() => null);
    if (entries === null || entries.length === 0) return 'no directory';
  }
  const db = target.open();
  try {
    const { rows } = await sql<{
      n: number;
    }>`SELECT count(*)::int AS n FROM information_schema.tables
      WHERE table_schema = current_schema()`.execute(db);
    return rows[0]!.n;
  } finally {
    await db.destroy();
  }
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'fulian-backup-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  if (adminUrl && databases.length > 0) {
    const admin = createDatabase({ databaseUrl: adminUrl });
    for (const database of databases) {
      await sql`DROP DATABASE IF EXISTS ${sql.id(database)} WITH (FORCE)`.execute(admin);
    }
    await admin.destroy();
  }
});

describe(`backup while the server saves and approves (${adminUrl ? 'PostgreSQL, pg_dump' : 'PGlite, through the server'})`, () => {
  let source: Awaited<ReturnType<typeof place>>;
  let served: Served;
  let base: string;
  let token: string;
  const file = () => path.join(root, 'live.backup');

  beforeAll(async () => {
    source = await place('source');
    const db = source.open();
    await migrateToLatest(db);
    await seedHandTree(db);
    await seedTestMetrics(db);
    await seedTemplate(db, 'county-annual', ['COUNTY'], ['test.sales']);
    // PGlite: the server must be the one process holding the directory.
    await db.destroy();
    token = await issueToken(
      { key: { kind: 'secret', secret: SECRET }, issuer: 'fulian-graph', audience: 'fulian-graph' },
      { subject: 'backup@43', role: 'PROVINCE_ADMIN', organization: '43' },
      '10m',
    );
    // The writers below send as fast as they are answered; refusing them is not the subject.
    served = serve({
      ...source.env,
      FULIAN_JWT_SECRET: SECRET,
      FULIAN_RATE_LIMIT: 'false',
      LOG_LEVEL: 'error',
    });
    base = await served.url;
  });
  afterAll(() => {
    if (served?.child.exitCode === null) served.child.kill('SIGKILL');
  });

  async function post(query: string, variables: unknown): Promise<any> {
    const response = await fetch(`${base}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  }

  it('restores into a fresh place every write acknowledged before it began, the manifest’s row counts, and totals equal to the figures', async () => {
    /** One acknowledged write: the submission, its version after it, and when it was sent and acknowledged. */
    interface Ack {
      id: number;
      version: number;
      status: string;
      sentAt: number;
      ackedAt: number;
    }
    const acks: Ack[] = [];
    let running = true;
    // Each writer reports a year for its county at a time: created, a figure saved, submitted
    // and approved (which moves the maintained totals), then the next year.
    const writer = async (county: string, index: number) => {
      for (let year = 2001; running; year += 1) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        let sentAt = Date.now();
        const created = await post(CREATE, {
          input: { template: 'county-annual', organization: county, period: String(year) },
        });
        const globalId: string = created.createSubmission.submission.id;
        const id = fromGlobalIdOf('Submission', globalId);
        const steps: [string, object][] = [
          [SAVE, { values: [{ metric: 'test.sales', value: `${1000 * index + year}.25` }] }],
          [SUBMIT, {}],
          [APPROVE, {}],
        ];
        acks.push({ id, version: 1, status: 'DRAFT', sentAt, ackedAt: Date.now() });
        for (const [operation, extra] of steps) {
          const expectedVersion = acks.at(-1)!.version;
          sentAt = Date.now();
          const data = await post(operation, {
            input: { id: globalId, expectedVersion, ...extra },
          });
          const submission = (Object.values(data)[0] as any).submission ?? Object.values(data)[0];
          acks.push({
            id,
            version: submission.version,
            status: submission.status,
            sentAt,
            ackedAt: Date.now(),
          });
        }
      }
    };
    const writers = Promise.all(COUNTIES.map((county, index) => writer(county, index)));
    // A writer's failure fails the test where it is awaited, below.
    writers.catch(() => {});
    // Writes before the backup, during it and after it.
    while (acks.filter((ack) => ack.status === 'APPROVED').length < COUNTIES.length) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const startedAt = Date.now();
    const backup = await fulian(['backup', '-o', file()], source.env);
    const endedAt = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 100));
    running = false;
    await writers;
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(
      new RegExp(`at schema ${LATEST} to .* \\(${adminUrl ? 'pg_dump' : 'rows'},`),
    );
    // The writers did not wait for the backup to start or end: some write overlapped it.
    expect(acks.some((ack) => ack.sentAt < endedAt && ack.ackedAt > startedAt)).toBe(true);

    const { manifest } = await readBackupFile(file());
    expect(manifest).toMatchObject({
      format: adminUrl ? 'pg_dump' : 'rows',
      schemaVersion: LATEST,
    });
    expect(manifest.commit).toMatch(/^([0-9a-f]{40}|unknown)$/);

    const target = await place('restored');
    const restore = await fulian(['restore', file()], target.env);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);

    const db = target.open();
    try {
      expect(await countRows(db)).toEqual(manifest.rows);
      expect(await schemaVersion(db)).toBe(LATEST);
      const rows = await db.selectFrom('submission').select(['id', 'version', 'status']).execute();
      const restored = new Map(rows.map((row) => [row.id, row]));
      const before = acks.filter((ack) => ack.ackedAt < startedAt);
      expect(before.length).toBeGreaterThanOrEqual(4 * COUNTIES.length);
      for (const ack of before) {
        const row = restored.get(ack.id);
        expect(row, `submission ${ack.id}`).toBeDefined();
        expect(row!.version).toBeGreaterThanOrEqual(ack.version);
        if (ack.status === 'APPROVED') expect(row!.status).toBe('APPROVED');
      }
      const approved = rows.filter((row) => row.status === 'APPROVED').length;
      expect(approved).toBeGreaterThanOrEqual(COUNTIES.length);
      const totals = await verifyTotals(db, { within: null, period: null });
      expect(totals.differences).toEqual([]);
      expect(totals.compared).toBeGreaterThan(0);
    } finally {
      await db.destroy();
    }
  });

  it('refuses a damaged file, an unknown one and a target that is not empty, each in one line with nothing changed', async () => {
    const good = await readFile(file());
    const damaged = Buffer.from(good);
    damaged[damaged.length - 10]! ^= 0x01;
    await writeFile(path.join(root, 'damaged.backup'), damaged);
    await writeFile(path.join(root, 'unknown.backup'), 'PGDMP not ours\n');

    const target = await place('refusing');
    for (const [name, reason] of [
      ['damaged.backup', /damaged\.backup is damaged: its body has \d+ bytes and checksum/],
      ['unknown.backup', /unknown\.backup is not a fulian backup \(unknown format\)/],
    ] as const) {
      const run = await fulian(['restore', path.join(root, name)], target.env);
      expect(run.code).toBe(1);
      expect(run.stderr).toMatch(reason);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(await tablesIn(target)).toBe(adminUrl ? 0 : 'no directory');
    }

    const before = await fulian(['backup', '-o', path.join(root, 'again.backup')], source.env);
    expect(before.code).toBe(0);
    const run = await fulian(['restore', file()], source.env);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/is not empty/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    // The source still holds exactly what it held.
    const after = await fulian(['backup', '-o', path.join(root, 'after.backup')], source.env);
    expect(after.code).toBe(0);
    const rowsBefore = (await readBackupFile(path.join(root, 'again.backup'))).manifest.rows;
    const rowsAfter = (await readBackupFile(path.join(root, 'after.backup'))).manifest.rows;
    expect(rowsAfter).toEqual(rowsBefore);
  });
});

it('restores a backup taken at an older schema and migrates it to the latest', async () => {
  const older = Object.keys(migrations).sort().at(-2)!;
  const source = await place('older');
  const db = source.open();
  await migrateWithin(db, older);
  await seedHandTree(db);
  await db.destroy();
  // On PGlite no server holds the directory: the CLI opens it itself.
  const file = path.join(root, 'older.backup');
  const backup = await fulian(['backup', '-o', file], source.env);
  expect(backup.stderr).toBe('');
  expect(backup.stdout).toContain(`at schema ${older}`);

  const target = await place('newer');
  const restore = await fulian(['restore', file], target.env);
  expect(restore.stderr).toBe('');
  expect(restore.stdout).toContain(`(schema ${older},`);
  const restored = target.open();
  try {
    expect(await schemaVersion(restored)).toBe(LATEST);
    expect(
      await restored.selectFrom('organization').select('code').orderBy('id').execute(),
    ).toHaveLength(10);
  } finally {
    await restored.destroy();
  }
});
