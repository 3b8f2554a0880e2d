import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile, rm } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DataDirInUseError } from '../src/db/data-dir-lock.js';
import { createDatabase } from '../src/db/database.js';
import type { Database } from '../src/db/tables.js';

/**
 * The embedded database shared with other processes through the server's Unix socket, on
 * PGlite whatever DATABASE_URL says: the socket clients here stand in for `fulian` commands
 * and psql (embedded-cli.test.ts runs the real ones).
 */
const IDLE_HOLD_MS = 500;
/**
 * How long a statement is given to run before the test checks it has not: it takes a few
 * milliseconds when nothing holds it back (as it did over @electric-sql/pglite-socket, whose
 * INSERT was acknowledged inside the server's open transaction).
 */
const WOULD_HAVE_RUN_MS = 300;

let root: string;
let dataDir: string;
let db: Kysely<Database>;
const clientErrors: Error[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'fulian-share-'));
  dataDir = path.join(root, 'data');
  db = createDatabase({
    dataDir,
    share: { onError: (error) => clientErrors.push(error), idleHoldMs: IDLE_HOLD_MS },
  });
  await sql`CREATE TABLE probe (n int)`.execute(db);
});
afterAll(async () => {
  await db?.destroy();
  await rm(root, { recursive: true, force: true });
});

async function connect(): Promise<pg.Client> {
  const client = new pg.Client({ host: dataDir, user: 'postgres', database: 'postgres' });
  await client.connect();
  return client;
}

async function probe(): Promise<number[]> {
  const { rows } = await sql<{ n: number }>`SELECT n FROM probe ORDER BY n`.execute(db);
  return rows.map((row) => row.n);
}

class Rollback extends Error {}

describe('statements over the socket and the server’s own transactions', () => {
  it('a socket INSERT waits while the server holds a transaction, and outlives its rollback', async () => {
    const client = await connect();
    let acknowledged = false;
    let insert: Promise<unknown> | undefined;
    await db
      .transaction()
      .execute(async (trx) => {
        await sql`INSERT INTO probe VALUES (1)`.execute(trx);
        insert = client.query('INSERT INTO probe VALUES (2)').then(() => (acknowledged = true));
        await delay(WOULD_HAVE_RUN_MS);
        // Correct means: not acknowledged while the transaction is open, so it cannot be
        // part of it, and in the table after the rollback, as if sent a moment later.
        expect(acknowledged).toBe(false);
        throw new Rollback();
      })
      .catch((error: unknown) => {
        if (!(error instanceof Rollback)) throw error;
      });
    await insert;
    expect(await probe()).toEqual([2]);
    await client.end();
    await sql`DELETE FROM probe`.execute(db);
  });

  it('the server waits while a socket client holds a transaction, and keeps its own write', async () => {
    const client = await connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO probe VALUES (3)');
    let written = false;
    const write = sql`INSERT INTO probe VALUES (4)`.execute(db).then(() => (written = true));
    await delay(WOULD_HAVE_RUN_MS);
    expect(written).toBe(false);
    await client.query('ROLLBACK');
    await write;
    expect(await probe()).toEqual([4]);
    await client.end();
    await sql`DELETE FROM probe`.execute(db);
  });

  it('a client that holds a transaction in silence is dropped and rolled back', async () => {
    const client = await connect();
    const dropped = new Promise<Error>((resolve) => client.on('error', resolve));
    await client.query('BEGIN');
    await client.query('INSERT INTO probe VALUES (5)');
    // The server's read waits for the idle hold to run out, then goes on without row 5.
    expect(await probe()).toEqual([]);
    expect((await dropped).message).toMatch(/terminated|ended|closed/i);
    expect(clientErrors.at(-1)?.message).toMatch(
      new RegExp(`held the database for ${IDLE_HOLD_MS} ms without a statement`),
    );
  });

  it('settings a client changes end with its connection', async () => {
    const client = await connect();
    await client.query(`SET application_name = 'psql-user'`);
    const { rows } = await sql<{ application_name: string }>`SHOW application_name`.execute(db);
    // The session is one: while the client is connected, the server sees its setting ...
    expect(rows[0]?.application_name).toBe('psql-user');
    await client.end();
    // ... and once it has gone, DISCARD ALL has put it back.
    await vi.waitFor(async () => {
      const after = await sql<{ application_name: string }>`SHOW application_name`.execute(db);
      expect(after.rows[0]?.application_name).toBe('');
    });
  });

  it('a client can run the extended protocol, with parameters and typed results', async () => {
    const client = await connect();
    const { rows } = await client.query('SELECT $1::int + 1 AS answer, now() AS at', [41]);
    expect(rows[0].answer).toBe(42);
    expect(rows[0].at).toBeInstanceOf(Date);
    await client.end();
  });
});

describe('the data directory lock', () => {
  it('a second open of a held directory throws, naming this process, and touches nothing', async () => {
    const lock = JSON.parse(await readFile(path.join(dataDir, 'fulian.lock'), 'utf8'));
    expect(lock).toMatchObject({ pid: process.pid, host: hostname() });
    expect(lock.socket).toBe(path.join(dataDir, '.s.PGSQL.5432'));
    let thrown: unknown;
    try {
      createDatabase({ dataDir });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(DataDirInUseError);
    expect((thrown as DataDirInUseError).holder.pid).toBe(process.pid);
    // The first holder is unharmed.
    expect(await probe()).toEqual([]);
  });

  it('a lock left by a process that is gone is taken over; one from another host is not', async () => {
    const stale = path.join(root, 'stale');
    const other = path.join(root, 'other');
    // A pid that has just exited: a child's, read back after it ended.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'])
      .stdout.toString()
      .trim();
    const lockOf = (pid: number, host: string) =>
      JSON.stringify({ pid, host, startedAt: '2026-01-01T00:00:00.000Z', command: 'fulian serve' });
    await Promise.all([mkdir(stale), mkdir(other)]);
    await writeFile(path.join(stale, 'fulian.lock'), lockOf(Number(dead), hostname()));
    await writeFile(path.join(other, 'fulian.lock'), lockOf(process.pid, 'elsewhere'));

    const taken = createDatabase({ dataDir: stale });
    await sql`SELECT 1`.execute(taken);
    const lock = JSON.parse(await readFile(path.join(stale, 'fulian.lock'), 'utf8'));
    expect(lock.pid).toBe(process.pid);
    await taken.destroy();
    expect(existsSync(path.join(stale, 'fulian.lock'))).toBe(false);

    expect(() => createDatabase({ dataDir: other })).toThrow(
      /in use by process \d+ \(fulian serve\) on elsewhere/,
    );
  });
});
