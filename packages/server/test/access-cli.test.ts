import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '../src/auth/api-key.js';
import { createAuthenticator } from '../src/auth/authenticate.js';
import { createTokenVerifier } from '../src/auth/token.js';
import { createDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { insertTokenOrganizations } from './helpers/organizations.js';
import { run } from './helpers/cli-process.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const SECRET = 'cli-test-secret-of-at-least-32-bytes!';

/**
 * The CLI works on its own database: a PostgreSQL database of this test when DATABASE_URL is
 * set, else a PGlite directory, which only one process may hold open at a time.
 */
let postgres: TestDatabase | undefined;
let dataDir: string;

function databaseEnv(): Record<string, string | undefined> {
  return postgres
    ? { DATABASE_URL: postgres.url }
    : { DATABASE_URL: undefined, FULIAN_DATA_DIR: dataDir };
}

/** Opens the CLI's database from this process for a moment, between CLI runs. */
async function withDatabase<T>(fn: (db: TestDatabase['db']) => Promise<T>): Promise<T> {
  if (postgres) return fn(postgres.db);
  const db = createDatabase({ dataDir });
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

function fulian(args: string[], env: Record<string, string | undefined> = {}) {
  return run(args, { ...databaseEnv(), ...env });
}

beforeAll(async () => {
  if (process.env.DATABASE_URL) postgres = await createTestDatabase();
  dataDir = await mkdtemp(path.join(tmpdir(), 'fulian-access-cli-'));
  await withDatabase(async (db) => {
    await migrateToLatest(db);
    await insertTokenOrganizations(db);
  });
});
afterAll(async () => {
  await postgres?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('fulian apikey', () => {
  it('creates a key shown once, lists it without the key, and revokes it', async () => {
    const created = await fulian(['apikey', 'create', '--name', 'statistics bureau']);
    expect(created.code).toBe(0);
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^fk_[A-Za-z0-9_-]{43}$/);
    expect(created.stdout).toMatch(/^created API key (\d+) \(statistics bureau\)/);
    const id = /created API key (\d+)/.exec(created.stdout)![1]!;

    const stored = await withDatabase((db) =>
      db.selectFrom('api_key').selectAll().where('id', '=', Number(id)).executeTakeFirstOrThrow(),
    );
    expect(stored.key_hash).toBe(hashApiKey(key));
    expect(stored.scopes).toEqual(['read:public']);
    expect(JSON.stringify(stored)).not.toContain(key.slice(10));

    // The key works until it is revoked.
    const viewerOf = () =>
      withDatabase((db) =>
        createAuthenticator({ db, allowAnonymous: false })({
          get: (name) => (name === 'x-api-key' ? key : undefined),
        }),
      );
    expect(await viewerOf()).toMatchObject({ kind: 'api-key', name: 'statistics bureau' });

    const listed = await fulian(['apikey', 'list']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(
      `${id}\t${key.slice(0, 10)}…\tstatistics bureau\tREAD_PUBLIC\tactive\tlast used 20`,
    );
    expect(listed.stdout).not.toContain(key);

    const revoked = await fulian(['apikey', 'revoke', id]);
    expect([revoked.code, revoked.stdout.trim()]).toEqual([0, `revoked API key ${id}`]);
    expect((await fulian(['apikey', 'list'])).stdout).toMatch(/\trevoked 20/);
    await expect(viewerOf()).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });

    const again = await fulian(['apikey', 'revoke', id]);
    expect([again.code, again.stderr.trim()]).toEqual([
      1,
      `fulian apikey: no active API key ${id}`,
    ]);
  });

  it('refuses unknown scopes and a missing name in one line', async () => {
    const scope = await fulian(['apikey', 'create', '--name', 'x', '--scopes', 'write:all']);
    expect([scope.code, scope.stderr.trim()]).toEqual([
      1,
      'fulian apikey: unknown scope "write:all"; known: READ_PUBLIC',
    ]);
    const name = await fulian(['apikey', 'create']);
    expect([name.code, name.stderr.trim()]).toEqual([1, 'fulian apikey: --name is required']);
  });
});

describe('API key scopes: one public spelling, the other accepted', () => {
  it.each(['READ_PUBLIC', 'read:public', 'read_public'])(
    'creates a key with --scopes %s, stored once and shown as READ_PUBLIC',
    async (spelling) => {
      const created = await fulian(['apikey', 'create', '--name', spelling, '--scopes', spelling]);
      expect(created.code).toBe(0);
      const id = Number(/created API key (\d+)/.exec(created.stdout)![1]);
      const stored = await withDatabase((db) =>
        db.selectFrom('api_key').select('scopes').where('id', '=', id).executeTakeFirstOrThrow(),
      );
      expect(stored.scopes).toEqual(['read:public']);
      const listed = await fulian(['apikey', 'list']);
      expect(listed.stdout).toMatch(new RegExp(`^${id}\\t.*\\t${spelling}\\tREAD_PUBLIC\\t`, 'm'));
    },
  );
});

describe('fulian token', () => {
  it('issues a dev token for a level-prefixed role, checked against the organization', async () => {
    const result = await fulian(
      ['token', '--role', 'CITY_EDITOR', '--org', '4301', '--ttl', '8h', '--subject', 'li.na'],
      { FULIAN_JWT_SECRET: SECRET },
    );
    expect(result.code).toBe(0);
    const token = result.stdout.trim();
    const verify = await createTokenVerifier({
      key: { kind: 'secret', secret: SECRET },
      issuer: 'fulian-graph',
      audience: 'fulian-graph',
    });
    const { iat, exp } = decodeJwt(token);
    expect(await verify(token)).toEqual({
      subject: 'li.na',
      role: 'EDITOR',
      organization: '4301',
      expiresAt: exp! * 1_000,
    });
    expect(exp! - iat!).toBe(8 * 3600);
  });

  it.each([
    [
      ['--role', 'COUNTY_EDITOR', '--org', '4301'],
      'COUNTY_EDITOR needs a COUNTY organization; 长沙市妇联 is CITY',
    ],
    [
      ['--role', 'PROVINCE_ADMIN', '--org', '4301'],
      'PROVINCE_ADMIN is a role at a province federation',
    ],
    [
      ['--role', 'MAYOR', '--org', '4301'],
      '--role must be one of PROVINCE_ADMIN, EDITOR, REVIEWER, VIEWER or LEVEL_ROLE such as CITY_EDITOR, got "MAYOR"',
    ],
    [['--role', 'EDITOR', '--org', '4399'], 'The token names an unknown organization "4399"'],
    [
      ['--role', 'EDITOR', '--org', '4301', '--ttl', 'forever'],
      '--ttl takes a span such as 30m, 8h or 7d, got "forever"',
    ],
  ])('refuses %j in one line', async (args, message) => {
    const result = await fulian(['token', ...args], { FULIAN_JWT_SECRET: SECRET });
    expect([result.code, result.stderr.trim()]).toEqual([1, `fulian token: ${message}`]);
  });

  // In local mode (PGlite outside production) a secret is made and kept instead, as
  // local-admin.test.ts shows; production never makes one.
  it('needs FULIAN_JWT_SECRET outside local mode', async () => {
    const result = await fulian(['token', '--role', 'EDITOR', '--org', '4301'], {
      FULIAN_JWT_SECRET: undefined,
      NODE_ENV: 'production',
    });
    expect([result.code, result.stderr.trim()]).toEqual([
      1,
      'fulian token: Set FULIAN_JWT_SECRET to issue tokens',
    ]);
  });
});
