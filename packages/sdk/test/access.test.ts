// Credentials, refusals and rate limits as a third party meets them: against the real server,
// each failure handled by its code.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../server/src/auth/api-key.js';
import { createClient, FulianError, type RetryEvent } from '../src/index.js';
import {
  startLiveServer,
  startServer,
  type LiveServer,
  type RunningServer,
} from './helpers/live-server.js';

let live: LiveServer;
/** The same database behind a server that serves no anonymous caller. */
let closed: RunningServer;
let apiKey: string;

beforeAll(async () => {
  live = await startLiveServer();
  closed = await startServer(live.database, { allowAnonymous: false });
  ({ key: apiKey } = await createApiKey(live.database.db, 'sdk tests', ['read:public']));
});
afterAll(async () => {
  await closed?.close();
  await live?.close();
});

/** Runs a call that must fail and returns its error. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: unknown) => error,
  );
}

describe('authentication', () => {
  it('no credentials where they are required: UNAUTHENTICATED, not retried', async () => {
    let calls = 0;
    const client = createClient({
      endpoint: closed.endpoint,
      fetch: (url, init) => {
        calls++;
        return fetch(url, init);
      },
    });
    const error = await failure(client.organization({ code: '43' }));
    expect(error).toBeInstanceOf(FulianError);
    expect(error).toMatchObject({ code: 'UNAUTHENTICATED', status: 401 });
    expect(calls).toBe(1);
  });

  it('an unknown API key and a forged token are UNAUTHENTICATED too', async () => {
    const wrongKey = createClient({ endpoint: closed.endpoint, apiKey: 'fk_not-a-key' });
    expect(await failure(wrongKey.viewer())).toMatchObject({ code: 'UNAUTHENTICATED' });
    const forged = createClient({ endpoint: closed.endpoint, token: 'eyJhbGciOiJub25lIn0.e30.' });
    expect(await failure(forged.viewer())).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('an API key and a staff token are each recognised', async () => {
    const partner = createClient({ endpoint: closed.endpoint, apiKey });
    expect((await partner.viewer()).viewer).toMatchObject({
      kind: 'API_KEY',
      apiKeyName: 'sdk tests',
      scopes: ['READ_PUBLIC'],
    });
    const token = await live.token({ subject: 'li.na', role: 'VIEWER', organization: '4306' });
    const staff = createClient({ endpoint: closed.endpoint, token: () => token });
    expect((await staff.viewer()).viewer).toMatchObject({
      kind: 'STAFF',
      role: 'VIEWER',
      subject: 'li.na',
      organization: { code: '4306', name: '岳阳市妇联' },
    });
    expect((await staff.organization({ code: '4306' })).organization?.name).toBe('岳阳市妇联');
  });
});

describe('personal data', () => {
  it('liaison contacts: FORBIDDEN with the public part of the answer for an API key', async () => {
    const partner = createClient({ endpoint: live.endpoint, apiKey });
    const error = await failure(partner.liaisonAssignments({ code: '4306' }));
    expect(error).toBeInstanceOf(FulianError);
    const forbidden = error as FulianError;
    expect(forbidden.code).toBe('FORBIDDEN');
    expect(forbidden.path?.slice(0, 2)).toEqual(['organization', 'liaisonAssignments']);
    expect(forbidden.errors.every((entry) => entry.extensions?.code === 'FORBIDDEN')).toBe(true);
    // The partial data keeps what is public: the leaders and their counties, no contact.
    const data = forbidden.data as {
      organization: {
        liaisonAssignments: { leaderName: string; liaisons: { phone: string | null }[] }[];
      };
    };
    const assignments = data.organization.liaisonAssignments;
    expect(assignments.length).toBeGreaterThan(0);
    expect(assignments.every((assignment) => assignment.leaderName)).toBe(true);
    expect(JSON.stringify(data)).not.toMatch(/1[3-9][0-9]{9}/);
  });

  it('liaison contacts: shown to Yueyang’s own staff', async () => {
    const token = await live.token({ subject: 'wang.fang', role: 'VIEWER', organization: '4306' });
    const staff = createClient({ endpoint: live.endpoint, token });
    const { organization } = await staff.liaisonAssignments({ code: '4306' });
    const phones = organization!.liaisonAssignments.flatMap((assignment) =>
      assignment.liaisons.map((liaison) => liaison.phone),
    );
    expect(phones.some((phone) => /^1[3-9][0-9]{9}$/.test(phone ?? ''))).toBe(true);
  });
});

describe('rate limiting', () => {
  let limited: RunningServer;
  let cost: number;

  beforeAll(async () => {
    // What the operation costs, as the server reports it in extensions.cost.
    const { OrganizationDocument } = await import('../src/index.js');
    const response = await fetch(live.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: String(OrganizationDocument), variables: { code: '43' } }),
    });
    cost = ((await response.json()) as { extensions: { cost: { requested: number } } }).extensions
      .cost.requested;
    // A bucket that holds exactly one such request and refills it in one second; statement
    // time is not charged, so the wait is the points' alone.
    limited = await startServer(live.database, {
      limits: { rateLimit: { capacity: cost, restorePerSecond: cost }, statementCostPerMs: 0 },
    });
  });
  afterAll(() => limited?.close());

  it('RATE_LIMITED with Retry-After, handled by its code when retries are off', async () => {
    const { key } = await createApiKey(live.database.db, 'no retries', ['read:public']);
    const client = createClient({ endpoint: limited.endpoint, apiKey: key, retry: false });
    await client.organization({ code: '43' });
    const error = await failure(client.organization({ code: '43' }));
    expect(error).toBeInstanceOf(FulianError);
    expect(error).toMatchObject({
      code: 'RATE_LIMITED',
      status: 429,
      retryAfterMs: 1000,
      extensions: { retryAfter: 1 },
    });
  });

  it('retried after Retry-After, then answered', async () => {
    const { key } = await createApiKey(live.database.db, 'with retries', ['read:public']);
    const retries: RetryEvent[] = [];
    const client = createClient({
      endpoint: limited.endpoint,
      apiKey: key,
      retry: { onRetry: (event) => retries.push(event) },
    });
    await client.organization({ code: '43' });
    const { organization } = await client.organization({ code: '43' });
    expect(organization?.name).toBe('湖南省妇联');
    expect(retries).toHaveLength(1);
    expect(retries[0]!.error).toMatchObject({ code: 'RATE_LIMITED', retryAfterMs: 1000 });
    expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(1000);
    expect(cost).toBeGreaterThan(0);
  });
});
