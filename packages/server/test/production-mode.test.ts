import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';
import { createServer, type FulianServer } from '../src/server.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
const servers: FulianServer[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await database.close();
});

describe('with NODE_ENV=production', () => {
  it('turns introspection off unless configured on', async () => {
    const query = '{ __schema { queryType { name } } }';
    const off = await createGraphQLClient(database, { production: true });
    const refused = await off.execute(query);
    expect(errorCodes(refused)).toEqual(['BAD_USER_INPUT']);
    expect(refused.statements).toEqual([]);

    const on = await createGraphQLClient(database, { production: true, introspection: true });
    expect((await on.execute(query)).data).toEqual({ __schema: { queryType: { name: 'Query' } } });
  });

  it('suggests no field, argument, type or enum value', async () => {
    const production = await createGraphQLClient(database, { production: true });
    const development = await createGraphQLClient(database);
    const query = `{ organization(cod: "43") { nme } organizations(filter: { level: CITI }) { totalCount } }`;
    const hinted = await development.execute(query);
    expect(JSON.stringify(hinted.errors)).toContain('Did you mean');
    const plain = await production.execute(query);
    expect(plain.errors?.length).toBe(hinted.errors?.length);
    const messages = plain.errors?.map((error) => error.message).join('\n');
    expect(messages).not.toMatch(/Did you mean|"name"|"code"|"CITY"/);
  });

  it('masks internal errors as INTERNAL with a correlation id that the log line carries, and no stack', async () => {
    const lines: Record<string, any>[] = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => lines.push(JSON.parse(line)) },
    );
    const lost = await createTestDatabase();
    const client = await createGraphQLClient(lost, { production: true, logger });
    await lost.db.destroy();
    const result = await client.execute('{ organization(code: "43") { name } }');
    expect(result.errors).toHaveLength(1);
    const [error] = result.errors!;
    expect(error).toEqual({
      message: 'Internal server error',
      path: ['organization'],
      locations: [{ line: 1, column: 3 }],
      extensions: { code: 'INTERNAL', correlationId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    });
    expect(JSON.stringify(result)).not.toMatch(/stack|\.[jt]s:\d|destroyed|driver/i);
    const logged = lines.find((line) => line.msg === 'internal error');
    expect(logged?.correlationId).toBe(error!.extensions!.correlationId);
    expect(logged?.err?.stack).toBeTruthy();
    await lost.close().catch(() => {});
  });

  it('keeps CSRF prevention on and the landing page off', async () => {
    const server = await createServer({
      db: database.db,
      logger: createLogger('silent'),
      production: true,
    });
    servers.push(server);
    const url = await server.listen(0, '127.0.0.1');
    const query = encodeURIComponent('{ organization(code: "43") { name } }');
    const simple = await fetch(`${url}?query=${query}`);
    expect(simple.status).toBe(400);
    const preflighted = await fetch(`${url}?query=${query}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(((await preflighted.json()) as any).data).toEqual({
      organization: { name: '湖南省妇联' },
    });
    // Development answers a browser with the landing page; production does not.
    const browser = { headers: { accept: 'text/html' } };
    const development = await createServer({
      db: database.db,
      logger: createLogger('silent'),
      production: false,
    });
    servers.push(development);
    const developmentUrl = await development.listen(0, '127.0.0.1');
    expect((await fetch(developmentUrl, browser)).headers.get('content-type')).toContain(
      'text/html',
    );
    const page = await fetch(url, browser);
    expect(page.headers.get('content-type')).not.toContain('text/html');
    expect(await page.text()).not.toMatch(/<html/i);
  });
});
