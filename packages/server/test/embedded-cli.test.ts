import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { insertTokenOrganizations } from './helpers/organizations.js';

/**
 * `fulian serve` on PGlite and the real CLI in other processes, on one data directory: the
 * commands reach the database through the server, what they write is served at once, a
 * revocation is seen within 1 s, a second server refuses, and the directory survives a clean
 * stop and a kill. PGlite whatever DATABASE_URL says: sharing the embedded database is the
 * subject.
 */
const bin = fileURLToPath(new URL('../bin/fulian.js', import.meta.url));
const SECRET = 'embedded-cli-secret-of-at-least-32-bytes';
const WHO_AM_I = `{ viewer { kind apiKeyName organization { code } } }`;

let root: string;
let dataDir: string;
const children = new Set<ChildProcessWithoutNullStreams>();

function start(args: string[]): ChildProcessWithoutNullStreams {
  const child = spawn(process.execPath, [bin, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: '',
      FULIAN_DATA_DIR: dataDir,
      FULIAN_JWT_SECRET: SECRET,
      LOG_LEVEL: 'silent',
      PORT: '0',
    },
  });
  children.add(child);
  child.on('close', () => children.delete(child));
  return child;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function fulian(args: string[], onLine?: (line: string) => void): Promise<Run> {
  const child = start(args);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
    for (const line of chunk.toString().split('\n')) if (line) onLine?.(line);
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A running `fulian serve`: its GraphQL URL and how it ended, once it has. */
async function serve(): Promise<{
  child: ChildProcessWithoutNullStreams;
  url: string;
  ended: Promise<Run>;
}> {
  let ready: (url: string) => void;
  const url = new Promise<string>((resolve) => (ready = resolve));
  const child = start(['serve']);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    const match = /ready at (http:\/\/\S+\/graphql)/.exec(stdout);
    if (match) ready(match[1]!);
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const ended = new Promise<Run>((resolve) => {
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  const first = await Promise.race([url, ended]);
  if (typeof first !== 'string') throw new Error(`serve ended: ${first.stderr}`);
  return { child, url: first, ended };
}

function ask(url: string, headers: Record<string, string>) {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: WHO_AM_I }),
  });
}

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'fulian-embedded-'));
  dataDir = path.join(root, 'data');
  const db = createDatabase({ dataDir });
  await migrateToLatest(db);
  await insertTokenOrganizations(db);
  await db.destroy();
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await rm(root, { recursive: true, force: true });
});

describe('one embedded database, many processes', () => {
  it('serves what other processes write, sees a revocation within 1 s, and survives a stop and a kill', async () => {
    const first = await serve();

    // Both commands at once, each its own process, both through the server's socket.
    const [created, token] = await Promise.all([
      fulian(['apikey', 'create', '--name', 'bureau']),
      fulian(['token', '--role', 'CITY_EDITOR', '--org', '4301']),
    ]);
    expect([created.code, created.stderr]).toEqual([0, '']);
    expect([token.code, token.stderr]).toEqual([0, '']);
    const key = created.stdout.trim().split('\n').at(-1)!;
    const id = /created API key (\d+)/.exec(created.stdout)![1]!;
    const bearer = { authorization: `Bearer ${token.stdout.trim()}` };

    // Both credentials work at once, the key the moment it exists.
    const answers = await Promise.all(
      [0, 1, 2].flatMap(() => [ask(first.url, { 'x-api-key': key }), ask(first.url, bearer)]),
    );
    const viewers = await Promise.all(
      answers.map(async (response) => ((await response.json()) as any).data.viewer as unknown),
    );
    expect(new Set(viewers.map((viewer) => JSON.stringify(viewer)))).toEqual(
      new Set([
        JSON.stringify({ kind: 'API_KEY', apiKeyName: 'bureau', organization: null }),
        JSON.stringify({ kind: 'STAFF', apiKeyName: null, organization: { code: '4301' } }),
      ]),
    );

    // Revoked from another process: refused within 1 s of the command reporting it done.
    let revokedAt = 0;
    const revoked = await fulian(['apikey', 'revoke', id], (line) => {
      if (line.startsWith('revoked API key')) revokedAt = performance.now();
    });
    expect(revoked.code).toBe(0);
    let status = 200;
    while (status === 200 && performance.now() - revokedAt < 2_000) {
      status = (await ask(first.url, { 'x-api-key': key })).status;
    }
    const seenAfter = performance.now() - revokedAt;
    expect(status).toBe(401);
    expect(seenAfter).toBeLessThan(1_000);
    expect((await ask(first.url, bearer)).status).toBe(200);

    // A second server on the same directory refuses in one line and harms nothing.
    const second = await fulian(['serve']);
    expect(second.code).toBe(1);
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toContain(
      `fulian serve: the data directory ${dataDir} is in use by process ${first.child.pid} (fulian serve)`,
    );
    expect((await ask(first.url, bearer)).status).toBe(200);

    // A clean stop removes the lock and the socket; the directory opens again with everything.
    first.child.kill('SIGTERM');
    expect((await first.ended).code).toBe(0);
    expect(existsSync(path.join(dataDir, 'fulian.lock'))).toBe(false);
    expect(existsSync(path.join(dataDir, '.s.PGSQL.5432'))).toBe(false);
    const again = await serve();
    expect((await ask(again.url, { 'x-api-key': key })).status).toBe(401);
    expect((await ask(again.url, bearer)).status).toBe(200);
    const listed = await fulian(['apikey', 'list']);
    expect(listed.stdout).toMatch(
      new RegExp(`^${id}\\t.*\\tbureau\\tREAD_PUBLIC\\trevoked 20.*\\tlast used 20`, 'm'),
    );

    // Killed outright: the lock stays behind, names a dead pid, and the next server takes it over.
    again.child.kill('SIGKILL');
    await again.ended;
    const stale = JSON.parse(await readFile(path.join(dataDir, 'fulian.lock'), 'utf8'));
    expect(stale.pid).toBe(again.child.pid);
    const third = await serve();
    expect((await ask(third.url, bearer)).status).toBe(200);
    expect((await fulian(['migrate'])).stdout.trim()).toBe('schema is up to date');
    // The status too comes through the server holding the directory.
    const migrations = (await fulian(['migrate', '--status'])).stdout.trim().split('\n');
    expect(migrations[0]).toMatch(/^applied\t0001-organization\texpand\t20/);
    expect(migrations.at(-1)).toBe('schema is up to date');
    third.child.kill('SIGTERM');
    expect((await third.ended).code).toBe(0);
  }, 240_000);
});
