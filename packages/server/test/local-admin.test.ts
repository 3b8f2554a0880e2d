import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { run, serve, temporaryDataDirs, type Served } from './helpers/cli-process.js';
import { insertTokenOrganizations } from './helpers/organizations.js';

const freshDataDir = temporaryDataDirs('fulian-local-admin-');

/** `npm start` without its seed: local mode (PGlite, no JWT key in the environment). */
const localMode = (dataDir: string) => ({
  FULIAN_DATA_DIR: dataDir,
  FULIAN_JWT_SECRET: undefined,
  FULIAN_JWT_PUBLIC_KEY: undefined,
  FULIAN_JWT_JWKS_URL: undefined,
});

// A server a failed or timed-out test left running is stopped, not left behind.
const started: Served[] = [];
afterAll(() => {
  for (const server of started) if (server.child.exitCode === null) server.child.kill('SIGKILL');
});
const serveLocally = (dataDir: string) => {
  const server = serve(localMode(dataDir));
  started.push(server);
  return server;
};

async function whoAmI(url: string, token: string): Promise<unknown> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: '{ viewer { kind role organization { code } } }' }),
  });
  return response.json();
}

async function stop(server: Served): Promise<void> {
  server.child.kill('SIGTERM');
  expect((await server.exited).code).toBe(0);
}

describe('local mode: a first admin', () => {
  it('gets a kept secret, the one command that mints a token, and a token that works', async () => {
    const dataDir = await freshDataDir();
    // The three units a token can name, as `fulian seed` would have loaded them.
    const db = createDatabase({ dataDir });
    await migrateToLatest(db);
    await insertTokenOrganizations(db);
    await db.destroy();

    const first = serveLocally(dataDir);
    const url = await first.url;
    const [, command] = await first.printed(/A first admin token:\n {2}(npx fulian token .+)\n/);
    expect(command).toBe('npx fulian token --role PROVINCE_ADMIN --org 43');

    const secretFile = path.join(dataDir, 'jwt-secret');
    expect((await stat(secretFile)).mode & 0o777).toBe(0o600);
    const secret = await readFile(secretFile, 'utf8');
    expect(secret.trim()).toMatch(/^[A-Za-z0-9_-]{43}$/);

    // The printed command, run as printed, while the server holds the data directory.
    const minted = await run(command!.split(' ').slice(2), localMode(dataDir));
    expect([minted.code, minted.stderr]).toEqual([0, '']);
    const token = minted.stdout.trim();
    const admin = {
      data: { viewer: { kind: 'STAFF', role: 'PROVINCE_ADMIN', organization: { code: '43' } } },
    };
    expect(await whoAmI(url, token)).toMatchObject(admin);
    await stop(first);

    // A restart reuses the secret: the token minted before still works.
    const second = serveLocally(dataDir);
    const secondUrl = await second.url;
    await second.printed(/A first admin token/);
    expect(await readFile(secretFile, 'utf8')).toBe(secret);
    expect(await whoAmI(secondUrl, token)).toMatchObject(admin);
    await stop(second);
  });
});
