import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setTimeout as delay } from 'node:timers/promises';
import { createApiKey, RECORD_USE_EVERY_MS, revokeApiKey } from '../src/auth/api-key.js';
import { createAuthenticator } from '../src/auth/authenticate.js';
import { CREDENTIAL_CACHE_MS } from '../src/auth/lookup-cache.js';
import { createTokenVerifier, issueToken, type TokenConfig } from '../src/auth/token.js';
import { toGlobalId } from '../src/graph/global-id.js';
import { createLogger } from '../src/logger.js';
import { createServer, type FulianServer } from '../src/server.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

const SECRET = 'a-test-secret-of-at-least-thirty-two-bytes';
const TOKENS: TokenConfig = {
  key: { kind: 'secret', secret: SECRET },
  issuer: 'fulian-graph',
  audience: 'fulian-graph',
};
const WHO_AM_I = `{ viewer { kind subject role apiKeyName scopes organization { code } } }`;

let database: TestDatabase;
const servers: FulianServer[] = [];
let url: string;

/** A server on a free loopback port over the shared test database. */
async function serve(options: Partial<Parameters<typeof createServer>[0]>): Promise<string> {
  const server = await createServer({
    db: database.db,
    logger: createLogger('silent'),
    production: false,
    ...options,
  });
  servers.push(server);
  return server.listen(0, '127.0.0.1');
}

/** A response body, as loosely typed as JSON is. */
const json = (response: Response): Promise<any> => response.json();

function post(endpoint: string, headers: Record<string, string> = {}, query = WHO_AM_I) {
  return fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query }),
  });
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  url = await serve({
    auth: { verifyToken: await createTokenVerifier(TOKENS), allowAnonymous: false },
  });
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await database.close();
});

describe('staff tokens (Authorization: Bearer)', () => {
  it('resolves subject, role and organization, named by division code or global id', async () => {
    const token = await issueToken(
      TOKENS,
      { subject: 'li.na', role: 'EDITOR', organization: '4301' },
      '8h',
    );
    const response = await post(url, { authorization: `Bearer ${token}` });
    expect(response.status).toBe(200);
    expect((await json(response)).data.viewer).toEqual({
      kind: 'STAFF',
      subject: 'li.na',
      role: 'EDITOR',
      apiKeyName: null,
      scopes: [],
      organization: { code: '4301' },
    });

    const { id } = await database.db
      .selectFrom('organization')
      .select('id')
      .where('code', '=', '430102')
      .executeTakeFirstOrThrow();
    const byId = await issueToken(
      TOKENS,
      { subject: 'wang.fang', role: 'VIEWER', organization: toGlobalId('Organization', id) },
      '1h',
    );
    const viewer = (await json(await post(url, { authorization: `Bearer ${byId}` }))).data.viewer;
    expect([viewer.role, viewer.organization]).toEqual(['VIEWER', { code: '430102' }]);
  });

  const sign = (claims: Record<string, unknown>, secret = SECRET) => {
    const jwt = new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('li.na')
      .setIssuedAt();
    return jwt.sign(new TextEncoder().encode(secret));
  };
  const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;
  const valid = { role: 'EDITOR', org: '4301', iss: 'fulian-graph', aud: 'fulian-graph' };

  it.each([
    ['an expired token', () => sign({ ...valid, exp: Math.floor(Date.now() / 1000) - 60 })],
    [
      'a token signed with another secret',
      () => sign({ ...valid, exp: inAnHour() }, 'another-secret-of-at-least-32-bytes!!'),
    ],
    ['a token for another audience', () => sign({ ...valid, aud: 'elsewhere', exp: inAnHour() })],
    ['a token from another issuer', () => sign({ ...valid, iss: 'elsewhere', exp: inAnHour() })],
    ['a token that never expires', () => sign(valid)],
    ['an unknown role', () => sign({ ...valid, role: 'CITY_EDITOR', exp: inAnHour() })],
    ['an unknown organization', () => sign({ ...valid, org: '4399', exp: inAnHour() })],
    [
      'a province admin at a city',
      () => sign({ ...valid, role: 'PROVINCE_ADMIN', exp: inAnHour() }),
    ],
    [
      'an unsigned token (alg none)',
      async () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(
          JSON.stringify({ ...valid, sub: 'x', exp: inAnHour() }),
        ).toString('base64url')}.`,
    ],
    ['garbage', async () => 'not-a-token'],
  ])('refuses %s with 401 UNAUTHENTICATED and no stack trace', async (_, token) => {
    const response = await post(url, { authorization: `Bearer ${await token()}` });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer, ApiKey');
    const body = await json(response);
    expect(body.data).toBeUndefined();
    expect(body.errors.map((error: any) => error.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect(JSON.stringify(body)).not.toMatch(/stacktrace|\.[jt]s:\d/);
  });

  it('verifies tokens of an identity provider by its public key, and refuses HS256 there', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const rsaUrl = await serve({
      auth: {
        verifyToken: await createTokenVerifier({
          ...TOKENS,
          key: { kind: 'public-key', pem: await exportSPKI(publicKey), algorithm: 'RS256' },
        }),
        allowAnonymous: false,
      },
    });
    const token = await new SignJWT({ role: 'REVIEWER', org: '43' })
      .setProtectedHeader({ alg: 'RS256' })
      .setSubject('zhang.wei')
      .setIssuer('fulian-graph')
      .setAudience('fulian-graph')
      .setExpirationTime('1h')
      .sign(privateKey);
    const viewer = (await json(await post(rsaUrl, { authorization: `Bearer ${token}` }))).data
      .viewer;
    expect([viewer.subject, viewer.role, viewer.organization]).toEqual([
      'zhang.wei',
      'REVIEWER',
      { code: '43' },
    ]);

    const hs256 = await issueToken(
      TOKENS,
      { subject: 'x', role: 'REVIEWER', organization: '43' },
      '1h',
    );
    expect((await post(rsaUrl, { authorization: `Bearer ${hs256}` })).status).toBe(401);
  });

  it('verifies tokens against a JWKS endpoint, picking the key by its id', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'key-2026', alg: 'ES256', use: 'sig' };
    const jwks: Server = createHttpServer((_, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    try {
      const jwksUrl = await serve({
        auth: {
          verifyToken: await createTokenVerifier({
            ...TOKENS,
            key: { kind: 'jwks', url: `http://127.0.0.1:${port}/.well-known/jwks.json` },
          }),
          allowAnonymous: false,
        },
      });
      const token = await new SignJWT({ role: 'VIEWER', org: '4302' })
        .setProtectedHeader({ alg: 'ES256', kid: 'key-2026' })
        .setSubject('chen.jing')
        .setIssuer('fulian-graph')
        .setAudience('fulian-graph')
        .setExpirationTime('1h')
        .sign(privateKey);
      const viewer = (await json(await post(jwksUrl, { authorization: `Bearer ${token}` }))).data
        .viewer;
      expect([viewer.subject, viewer.organization]).toEqual(['chen.jing', { code: '4302' }]);
    } finally {
      jwks.close();
    }
  });
});

describe('API keys', () => {
  it('identifies a key sent either way, records its use, and stores only its hash', async () => {
    const { id, key } = await createApiKey(database.db, 'statistics bureau', ['read:public']);
    const before = await database.db
      .selectFrom('api_key')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(before.last_used_at).toBeNull();
    // Nothing stored is the key or contains its secret part.
    expect(JSON.stringify(before)).not.toContain(key.slice(10));
    expect(before.key_hash).toMatch(/^[0-9a-f]{64}$/);

    const ways: Record<string, string>[] = [
      { authorization: `ApiKey ${key}` },
      { 'x-api-key': key },
    ];
    for (const headers of ways) {
      const { result: response, statements } = await database.counting(() => post(url, headers));
      expect((await json(response)).data.viewer).toEqual({
        kind: 'API_KEY',
        subject: null,
        role: null,
        apiKeyName: 'statistics bureau',
        scopes: ['READ_PUBLIC'],
        organization: null,
      });
      // Finding the key (and recording its use, the first time) is one statement at most;
      // the cache contract itself is tested with a clock below.
      expect(statements.filter((text) => /\bapi_key\b/.test(text)).length).toBeLessThan(2);
    }
    const after = await database.db
      .selectFrom('api_key')
      .select('last_used_at')
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(after.last_used_at).toBeInstanceOf(Date);
  });

  it('refuses unknown and revoked keys, and two credentials at once', async () => {
    const { id, key } = await createApiKey(database.db, 'to be revoked', ['read:public']);
    expect((await post(url, { 'x-api-key': key })).status).toBe(200);
    expect(await revokeApiKey(database.db, id)).toBe(true);
    expect(await revokeApiKey(database.db, id)).toBe(false);
    // The revocation is seen once the lookup the last request cached has expired.
    await delay(CREDENTIAL_CACHE_MS);

    const token = await issueToken(
      TOKENS,
      { subject: 's', role: 'VIEWER', organization: '43' },
      '1h',
    );
    const refusedHeaders: Record<string, string>[] = [
      { 'x-api-key': key },
      { 'x-api-key': `fk_${'A'.repeat(43)}` },
      { authorization: 'ApiKey not-even-a-key' },
      { authorization: `Bearer ${token}`, 'x-api-key': key },
      { authorization: 'Basic dXNlcjpwYXNz' },
    ];
    for (const headers of refusedHeaders) {
      const response = await post(url, headers);
      expect(response.status).toBe(401);
      expect((await json(response)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    }
  });
});

describe('anonymous callers', () => {
  it('are refused unless the configuration allows them, and then see public data', async () => {
    const refused = await post(url);
    expect(refused.status).toBe(401);
    expect((await json(refused)).errors[0].extensions.code).toBe('UNAUTHENTICATED');

    const openUrl = await serve({ auth: { allowAnonymous: true } });
    const body = await json(
      await post(openUrl, {}, `{ viewer { kind } organization(code: "4301") { name } }`),
    );
    expect(body.data).toEqual({
      viewer: { kind: 'ANONYMOUS' },
      organization: { name: '长沙市妇联' },
    });
  });

  it('get no tokens accepted by a server configured without a token key', async () => {
    const openUrl = await serve({ auth: { allowAnonymous: true } });
    const token = await issueToken(
      TOKENS,
      { subject: 's', role: 'VIEWER', organization: '43' },
      '1h',
    );
    expect((await post(openUrl, { authorization: `Bearer ${token}` })).status).toBe(401);
  });
});

describe('the credential cache', () => {
  /** The authenticator as the server builds it, on a clock the test moves. */
  function authenticatorAt(clock: { now: number }) {
    const authenticate = createAuthenticator({
      db: database.db,
      verifyToken: undefined,
      allowAnonymous: false,
      now: () => clock.now,
    });
    return async (headers: Record<string, string>) => {
      const { result, statements } = await database.counting(() =>
        authenticate({ get: (name) => headers[name] }).then(
          (viewer) => viewer.kind,
          (error: { extensions?: { code?: string } }) => error.extensions?.code,
        ),
      );
      // The key's own statements: a server of an earlier test may still hand its allowances
      // back to the database in the background meanwhile (seen under load on PostgreSQL).
      const own = statements.filter((text) => text.includes('api_key'));
      return { result, statements: own.map((text) => text.split(' ')[0]!.toLowerCase()) };
    };
  }

  it('reuses a key for CREDENTIAL_CACHE_MS, sees its revocation after that, and writes its use once a minute', async () => {
    const clock = { now: 1_000_000 };
    const as = authenticatorAt(clock);
    const { id, key } = await createApiKey(database.db, 'cached', ['read:public']);
    const headers = { 'x-api-key': key };

    // A new key works at once, and its first use is recorded in the lookup itself.
    expect(await as(headers)).toEqual({ result: 'api-key', statements: ['update'] });
    clock.now += CREDENTIAL_CACHE_MS - 1;
    expect(await as(headers)).toEqual({ result: 'api-key', statements: [] });
    clock.now += 1;
    // Expired: read again, without a write (the last was under a minute ago).
    expect(await as(headers)).toEqual({ result: 'api-key', statements: ['select'] });

    await revokeApiKey(database.db, id);
    // Within the interval the cached answer stands; that is the bound docs/security.md states.
    clock.now += CREDENTIAL_CACHE_MS - 1;
    expect(await as(headers)).toEqual({ result: 'api-key', statements: [] });
    clock.now += 1;
    expect(await as(headers)).toEqual({ result: 'UNAUTHENTICATED', statements: ['select'] });
    // A refused key is never cached: every attempt is looked up.
    expect(await as(headers)).toEqual({ result: 'UNAUTHENTICATED', statements: ['select'] });
  });

  it('writes last_used_at at most once per RECORD_USE_EVERY_MS per key', async () => {
    const clock = { now: 5_000_000 };
    const as = authenticatorAt(clock);
    const { id, key } = await createApiKey(database.db, 'busy', ['read:public']);
    const lastUsed = async () =>
      (
        await database.db
          .selectFrom('api_key')
          .select('last_used_at')
          .where('id', '=', id)
          .executeTakeFirstOrThrow()
      ).last_used_at;
    const kinds: string[] = [];
    for (let step = 0; step <= RECORD_USE_EVERY_MS; step += CREDENTIAL_CACHE_MS) {
      clock.now = 5_000_000 + step;
      kinds.push(...(await as({ 'x-api-key': key })).statements);
    }
    // One lookup per interval over a minute and a bit; the first and the last write.
    expect(kinds).toHaveLength(RECORD_USE_EVERY_MS / CREDENTIAL_CACHE_MS + 1);
    expect(kinds.filter((kind) => kind === 'update')).toHaveLength(2);
    expect([kinds[0], kinds.at(-1)]).toEqual(['update', 'update']);
    expect(await lastUsed()).toBeInstanceOf(Date);
  });

  it('reads a token’s organization once per interval', async () => {
    const clock = { now: 9_000_000 };
    const authenticate = createAuthenticator({
      db: database.db,
      verifyToken: await createTokenVerifier(TOKENS),
      allowAnonymous: false,
      now: () => clock.now,
    });
    const token = await issueToken(
      TOKENS,
      { subject: 's', role: 'VIEWER', organization: '43' },
      '1h',
    );
    const once = () =>
      database.counting(() =>
        authenticate({ get: (name) => (name === 'authorization' ? `Bearer ${token}` : undefined) }),
      );
    expect((await once()).statements).toHaveLength(1);
    clock.now += CREDENTIAL_CACHE_MS - 1;
    const cached = await once();
    expect(cached.statements).toHaveLength(0);
    expect(cached.result).toMatchObject({
      kind: 'staff',
      organization: { path: expect.any(String) },
    });
    clock.now += 1;
    expect((await once()).statements).toHaveLength(1);
  });

  it('checks a token’s signature once per interval and its expiry on every request', async () => {
    const verify = await createTokenVerifier(TOKENS);
    let verified = 0;
    const clock = { now: Date.now() };
    const authenticate = createAuthenticator({
      db: database.db,
      verifyToken: (token) => {
        verified += 1;
        return verify(token);
      },
      allowAnonymous: false,
      now: () => clock.now,
    });
    const token = await issueToken(
      TOKENS,
      { subject: 's', role: 'VIEWER', organization: '43' },
      '10m',
    );
    const once = () =>
      authenticate({ get: (name) => (name === 'authorization' ? `Bearer ${token}` : undefined) })
        .then((viewer) => viewer.kind)
        .catch((error: { extensions?: { code?: string } }) => error.extensions?.code);
    expect(await once()).toBe('staff');
    clock.now += CREDENTIAL_CACHE_MS - 1;
    expect(await once()).toBe('staff');
    expect(verified).toBe(1);
    clock.now += 1;
    expect(await once()).toBe('staff');
    expect(verified).toBe(2);
    // Its expiry, read from the token when it was verified, refuses it within the interval.
    const expiresAt = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).exp;
    clock.now = expiresAt * 1_000 - 1;
    expect(await once()).toBe('staff');
    clock.now += 1;
    expect(await once()).toBe('UNAUTHENTICATED');
    expect(verified).toBe(3);
  });
});
