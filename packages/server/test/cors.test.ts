import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createServer, type FulianServer } from '../src/server.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const FRONTEND = 'http://localhost:5173';
const ELSEWHERE = 'https://evil.example';

let database: TestDatabase;
let allowing: FulianServer;
let closed: FulianServer;
let allowingUrl: string;
let closedUrl: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const serve = async (corsOrigins?: string[]) => {
    const server = await createServer({
      db: database.db,
      logger: createLogger('silent'),
      production: false,
      ...(corsOrigins && { corsOrigins }),
    });
    return { server, url: await server.listen(0, '127.0.0.1') };
  };
  ({ server: allowing, url: allowingUrl } = await serve([FRONTEND, 'https://admin.example']));
  ({ server: closed, url: closedUrl } = await serve());
});
afterAll(async () => {
  await allowing.stop();
  await closed.stop();
  await database.close();
});

/** What a browser sends before a cross-origin JSON POST with a bearer token. */
const preflight = (url: string, origin: string) =>
  fetch(url, {
    method: 'OPTIONS',
    headers: {
      origin,
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  });

const postFrom = (url: string, origin: string, contentType = 'application/json') =>
  fetch(url, {
    method: 'POST',
    headers: { origin, 'content-type': contentType },
    body: JSON.stringify({ query: '{ __typename }' }),
  });

describe('CORS (FULIAN_CORS_ORIGINS)', () => {
  it('answers a preflight from an allowed origin, and lets it read the answer', async () => {
    const answer = await preflight(allowingUrl, FRONTEND);
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(answer.headers.get('access-control-allow-methods')).toBe('GET, POST');
    expect(answer.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(answer.headers.get('access-control-allow-headers')).toContain('content-type');
    // Credentials are headers, never cookies: the answer does not invite cookies along.
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();

    const response = await postFrom(allowingUrl, FRONTEND);
    expect(response.status).toBe(200);
    expect(response.headers.get('access-control-allow-origin')).toBe(FRONTEND);
    expect(response.headers.get('vary')).toBe('Origin');
    expect(await response.json()).toMatchObject({ data: { __typename: 'Query' } });
  });

  it('refuses the preflight of any other origin, and never marks an answer readable by it', async () => {
    const answer = await preflight(allowingUrl, ELSEWHERE);
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const response = await postFrom(allowingUrl, ELSEWHERE);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows no origin by default', async () => {
    const answer = await preflight(closedUrl, FRONTEND);
    expect(answer.status).toBe(403);
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    const response = await postFrom(closedUrl, FRONTEND);
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('keeps CSRF prevention for an allowed origin: a simple request is still refused', async () => {
    const simplePost = await postFrom(allowingUrl, FRONTEND, 'text/plain');
    expect(simplePost.status).toBe(400);
    const simpleGet = await fetch(`${allowingUrl}?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { origin: FRONTEND },
    });
    expect(simpleGet.status).toBe(400);
    expect(await simpleGet.text()).toMatch(/CSRF/);
  });

  it('reads the allow-list from the environment and refuses what is not an origin', () => {
    expect(loadConfig({}).corsOrigins).toEqual([]);
    expect(
      loadConfig({ FULIAN_CORS_ORIGINS: `${FRONTEND}, https://admin.example` }).corsOrigins,
    ).toEqual([FRONTEND, 'https://admin.example']);
    for (const wrong of [
      '*',
      'localhost:5173',
      'http://localhost:5173/',
      'https://a.example/app',
    ]) {
      expect(() => loadConfig({ FULIAN_CORS_ORIGINS: wrong }), wrong).toThrow(
        /FULIAN_CORS_ORIGINS takes origins/,
      );
    }
  });
});
