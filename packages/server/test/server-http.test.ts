import { Agent, request as httpRequest } from 'node:http';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db/database.js';
import { createLogger } from '../src/logger.js';
import { createServer, type FulianServer } from '../src/server.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
let server: FulianServer;
let url: string;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  server = await createServer({
    db: database.db,
    logger: createLogger('silent'),
    production: false,
    limits: { maxBodyBytes: 4096 },
  });
  url = await server.listen(0, '127.0.0.1');
});
afterAll(async () => {
  await server.stop();
  await database.close();
});

const post = (body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('HTTP endpoints', () => {
  it('answers GraphQL over POST, never to be kept by an HTTP cache', async () => {
    const response = await post({ query: '{ organization(code: "4301") { name } }' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({
      data: { organization: { name: '长沙市妇联' } },
      extensions: { cost: expect.anything() },
    });
  });

  it('reports liveness and readiness', async () => {
    const health = await fetch(new URL('/healthz', url));
    expect([health.status, await health.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(new URL('/readyz', url));
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready' }]);
  });

  it('refuses a GET query that could be a cross-site request (CSRF prevention)', async () => {
    const response = await fetch(
      `${url}?query=${encodeURIComponent('{ organization(code: "43") { name } }')}`,
    );
    expect(response.status).toBe(400);
    const allowed = await fetch(
      `${url}?query=${encodeURIComponent('{ organization(code: "43") { name } }')}`,
      {
        headers: { 'apollo-require-preflight': 'true' },
      },
    );
    expect(await allowed.json()).toEqual({
      data: { organization: { name: '湖南省妇联' } },
      extensions: { cost: expect.anything() },
    });
  });

  it('refuses oversized bodies, broken JSON and batched requests with a code, never a 500', async () => {
    const large = await post({
      query: `{ organization(code: "43") { name } } #${'x'.repeat(5000)}`,
    });
    expect(large.status).toBe(413);
    expect(((await large.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const broken = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":',
    });
    expect(broken.status).toBe(400);
    expect(((await broken.json()) as any).errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const batched = await post([
      { query: '{ organization(code: "43") { name } }' },
      { query: '{ organization(code: "4301") { name } }' },
    ]);
    expect(batched.status).toBe(400);
  });

  it('answers 413 and keeps the keep-alive connection usable for the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const send = (body: string) =>
      new Promise<{ status: number | undefined; text: string; reusedSocket: boolean }>(
        (resolve, reject) => {
          const request = httpRequest(
            url,
            {
              agent,
              method: 'POST',
              headers: { 'content-type': 'application/json', connection: 'keep-alive' },
            },
            (answer) => {
              let text = '';
              answer.on('data', (chunk) => (text += chunk));
              answer.on('end', () =>
                resolve({ status: answer.statusCode, text, reusedSocket: request.reusedSocket }),
              );
            },
          );
          request.on('error', reject);
          request.end(body);
        },
      );
    // Many times the limit, so the body is still arriving when the server has seen enough.
    const large = await send(
      JSON.stringify({ query: `{ organization(code: "43") { name } } #${'x'.repeat(200_000)}` }),
    );
    expect(large.status).toBe(413);
    expect(JSON.parse(large.text).errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const next = await send(JSON.stringify({ query: '{ organization(code: "4301") { name } }' }));
    expect(next.status).toBe(200);
    expect(JSON.parse(next.text).data).toEqual({ organization: { name: '长沙市妇联' } });
    expect(next.reusedSocket).toBe(true);
    agent.destroy();
  });

  it('answers unknown paths with 404', async () => {
    expect((await fetch(new URL('/nope', url))).status).toBe(404);
  });
});

describe('readiness when the database goes away', () => {
  it('fails /readyz once the database is closed', async () => {
    const lost = await createTestDatabase();
    const lostServer = await createServer({
      db: lost.db,
      logger: createLogger('silent'),
      production: false,
    });
    const lostUrl = await lostServer.listen(0, '127.0.0.1');
    await lost.db.destroy();
    const ready = await fetch(new URL('/readyz', lostUrl));
    // Anonymous callers learn that it is not ready, not the database's own error text.
    expect([ready.status, await ready.json()]).toEqual([503, { status: 'unavailable' }]);
    await lostServer.stop();
    await lost.close().catch(() => {});
  });

  it.runIf(process.env.DATABASE_URL)(
    'recovers by itself after PostgreSQL drops its connections',
    async () => {
      const db = createDatabase({ databaseUrl: database.url, onPoolError: () => {} });
      const recovering = await createServer({
        db,
        logger: createLogger('silent'),
        production: false,
      });
      const recoveringUrl = await recovering.listen(0, '127.0.0.1');
      expect((await fetch(new URL('/readyz', recoveringUrl))).status).toBe(200);

      const admin = createDatabase({ databaseUrl: process.env.DATABASE_URL });
      const name = new URL(database.url!).pathname.slice(1);
      await sql`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ${name} AND pid <> pg_backend_pid()`.execute(
        admin,
      );
      await admin.destroy();

      // The pool drops the dead client and the next probe opens a fresh connection.
      let status = 0;
      for (let attempt = 0; attempt < 3 && status !== 200; attempt += 1) {
        status = (await fetch(new URL('/readyz', recoveringUrl))).status;
      }
      expect(status).toBe(200);
      const response = await fetch(recoveringUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ organization(code: "43") { name } }' }),
      });
      expect(await response.json()).toEqual({
        data: { organization: { name: '湖南省妇联' } },
        extensions: { cost: expect.anything() },
      });
      await recovering.stop();
      await db.destroy();
    },
  );
});
