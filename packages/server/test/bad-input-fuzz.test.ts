import fc from 'fast-check';
import { introspectionFromSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/auth/api-key.js';
import { createTokenVerifier, issueToken, type TokenConfig } from '../src/auth/token.js';
import { ERROR_CODES } from '../src/errors.js';
import { toGlobalId } from '../src/graph/global-id.js';
import { createLogger } from '../src/logger.js';
import { createSchema } from '../src/schema.js';
import { createServer, type FulianServer } from '../src/server.js';
import { drawFrom, OperationGenerator, type FuzzRequest } from './helpers/fuzz-operations.js';
import {
  HAND_TREE,
  seedHandTree,
  seedTemplate,
  seedTestMetrics,
  TEST_METRICS,
} from './helpers/reporting.js';
import { CREATE } from './helpers/submission-operations.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

/*
 * Operations generated from the schema with hostile input, sent over HTTP as anonymous callers,
 * with an API key and with staff tokens: none may answer INTERNAL or a 5xx, and the server
 * must still answer afterwards. The seeds are fixed, so a failure reproduces.
 */
const SEEDS = [20_261_204, 7, 1_949];
const RUNS_PER_SEED = 350;

const TOKENS: TokenConfig = {
  key: { kind: 'secret', secret: 'a-fuzzing-secret-of-at-least-thirty-two-bytes' },
  issuer: 'fulian-graph',
  audience: 'fulian-graph',
};

let database: TestDatabase;
let server: FulianServer;
let url: string;
let generator: OperationGenerator;
const identities: Record<string, string>[] = [{}];
const internalLogLines: unknown[] = [];

async function send(body: FuzzRequest, headers: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let codes: string[];
  try {
    const parsed = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
    codes = (parsed.errors ?? []).map((error) => error.extensions?.code ?? 'NO_CODE');
  } catch {
    codes = ['NOT_JSON'];
  }
  return { status: response.status, codes, text };
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  await seedTestMetrics(database.db);
  const templateId = await seedTemplate(database.db, 'fuzz-annual', ['CITY', 'COUNTY']);
  const { key } = await createApiKey(database.db, 'fuzzer', ['read:public']);
  const logger = createLogger('silent');
  logger.error = ((...args: unknown[]) => internalLogLines.push(args)) as typeof logger.error;
  server = await createServer({
    db: database.db,
    logger,
    production: false,
    auth: { verifyToken: await createTokenVerifier(TOKENS), allowAnonymous: true },
    // The fuzzer is one caller sending quickly; its bucket would refuse it before any input
    // reached a resolver.
    limits: { rateLimit: null },
  });
  url = await server.listen(0, '127.0.0.1');

  const editor = await issueToken(
    TOKENS,
    { subject: 'fuzz.editor', role: 'EDITOR', organization: '4301' },
    '1h',
  );
  const admin = await issueToken(
    TOKENS,
    { subject: 'fuzz.admin', role: 'PROVINCE_ADMIN', organization: '43' },
    '1h',
  );
  identities.push({ 'x-api-key': key }, { authorization: `Bearer ${editor}` });
  identities.push({ authorization: `Bearer ${admin}` });

  // One draft, so ids and mutations can reach a real submission.
  const created = await send(
    {
      query: CREATE,
      variables: { input: { template: 'fuzz-annual', organization: '4301', period: '2024' } },
    },
    { authorization: `Bearer ${editor}` },
  );
  expect(created.codes).toEqual([]);

  generator = new OperationGenerator(introspectionFromSchema(await createSchema()), {
    globalIds: [
      ...HAND_TREE.map((unit) => toGlobalId('Organization', unit.id)),
      toGlobalId('Submission', 1),
      toGlobalId('ReportingTemplate', templateId),
    ],
    codes: [...HAND_TREE.flatMap((unit) => (unit.code ? [unit.code] : [])), 'fuzz-annual'],
    metrics: TEST_METRICS,
  });
});
afterAll(async () => {
  await server.stop();
  await database.close();
});

describe('fuzzing the schema over HTTP', () => {
  it('answers every generated operation with a client code, never INTERNAL or a 5xx', async () => {
    const codes = new Map<string, number>();
    const statuses = new Map<number, number>();
    const failures: { request: string; status: number; answer: string }[] = [];
    let operations = 0;

    for (const seed of SEEDS) {
      await fc.assert(
        fc.asyncProperty(fc.gen(), async (generatorValue) => {
          const draw = drawFrom(generatorValue);
          const request = generator.operation(draw);
          const identity = draw(fc.constantFrom(...identities));
          const answer = await send(request, identity);
          operations += 1;
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          for (const code of answer.codes.length > 0 ? answer.codes : ['(none)']) {
            codes.set(code, (codes.get(code) ?? 0) + 1);
          }
          const internal = answer.codes.some((code) => !CLIENT_CODES.has(code));
          if (internal || answer.status >= 500) {
            failures.push({
              request: JSON.stringify({ ...request, identity: Object.keys(identity) }).slice(
                0,
                600,
              ),
              status: answer.status,
              answer: answer.text.slice(0, 400),
            });
          }
        }),
        // A property that throws is a broken generator or transport, not a finding: shrinking
        // it would replay huge strings many times over.
        { seed, numRuns: RUNS_PER_SEED, endOnFailure: true },
      );
    }

    console.info(
      `fuzz: ${operations} operations; HTTP ${JSON.stringify(Object.fromEntries(statuses))}; codes ${JSON.stringify(Object.fromEntries(codes))}`,
    );
    expect(operations).toBeGreaterThanOrEqual(1_000);
    expect(failures).toEqual([]);
    expect(internalLogLines).toEqual([]);
    // Every kind of answer the API gives showed up, so the inputs reached past validation.
    expect([...codes.keys()]).toEqual(
      expect.arrayContaining(['(none)', 'BAD_USER_INPUT', 'NOT_FOUND', 'FORBIDDEN']),
    );

    // The server is still there and still answers.
    const after = await send({ query: '{ organization(code: "43") { name } }' }, {});
    expect([after.status, after.codes]).toEqual([200, []]);
    const ready = await fetch(new URL('/readyz', url));
    expect(ready.status).toBe(200);
  });
});

/** The codes a client may be answered for its own input: the closed set less INTERNAL. */
const CLIENT_CODES = new Set<string>(ERROR_CODES.filter((code) => code !== 'INTERNAL'));
