// The retry timing, against a fake fetch and fake timers: which failures are sent again, when,
// and how often. Everything else is tested against the real server.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  createClient,
  FulianError,
  FulianHttpError,
  FulianNetworkError,
  type Fetch,
  type FulianClient,
  type RetryEvent,
  type RetryOptions,
} from '../src/index.js';
import { DEFAULT_RETRY, parseRetryAfter, retryDelay } from '../src/retry.js';

type Reply = Response | Error;

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', ...headers },
  });
const ok = () => json(200, { data: { organization: { name: '湖南省妇联' } } });
const rateLimited = (retryAfter?: string) =>
  json(
    429,
    { errors: [{ message: 'Too many requests', extensions: { code: 'RATE_LIMITED' } }] },
    retryAfter === undefined ? {} : { 'retry-after': retryAfter },
  );
const gateway = (status: number) => new Response('<html>bad gateway</html>', { status });

/** A fetch that answers with the given replies in turn, recording when each call came. */
function fakeFetch(...replies: Reply[]) {
  const calls: { at: number; headers: Record<string, string>; body: string }[] = [];
  const fetch: Fetch = async (_url, init) => {
    calls.push({ at: Date.now(), headers: init.headers, body: init.body });
    const reply = replies.shift();
    if (!reply) throw new Error('no more replies');
    if (reply instanceof Error) throw reply;
    return reply;
  };
  return { fetch, calls };
}

function clientWith(fetch: Fetch, retry: RetryOptions = {}) {
  const events: RetryEvent[] = [];
  const client = createClient({
    endpoint: 'http://fulian.test/graphql',
    fetch,
    retry: { ...retry, onRetry: (event) => events.push(event) },
  });
  return { client, events };
}

/** Runs a call to its end, letting fake time pass; resolves to its result or its error. */
async function settle<T>(promise: Promise<T>): Promise<T | unknown> {
  const outcome = promise.then(
    (value) => value,
    (error: unknown) => error,
  );
  await vi.runAllTimersAsync();
  return outcome;
}

beforeEach(() => {
  vi.useFakeTimers({ now: 0 });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('what is retried', () => {
  it.each([502, 503, 504])('HTTP %i is retried, then the query succeeds', async (status) => {
    const { fetch, calls } = fakeFetch(gateway(status), gateway(status), ok());
    const { client, events } = clientWith(fetch);
    expect(await settle(client.organization({ code: '43' }))).toEqual({
      organization: { name: '湖南省妇联' },
    });
    expect(calls).toHaveLength(3);
    expect(events.map((event) => (event.error as FulianHttpError).status)).toEqual([
      status,
      status,
    ]);
  });

  it('a network failure is retried, and surfaces as FulianNetworkError when retries run out', async () => {
    const { fetch, calls } = fakeFetch(
      new TypeError('fetch failed'),
      new TypeError('fetch failed'),
      new TypeError('fetch failed'),
      new TypeError('fetch failed'),
    );
    const { client, events } = clientWith(fetch);
    const failure = await settle(client.organization({ code: '43' }));
    expect(failure).toBeInstanceOf(FulianNetworkError);
    expect((failure as Error).cause).toBeInstanceOf(TypeError);
    expect(calls).toHaveLength(1 + DEFAULT_RETRY.retries);
    expect(events.map((event) => event.attempt)).toEqual([1, 2, 3]);
  });

  it('RATE_LIMITED is retried after Retry-After', async () => {
    const { fetch, calls } = fakeFetch(rateLimited('2'), ok());
    const { client } = clientWith(fetch);
    expect(await settle(client.organization({ code: '43' }))).toMatchObject({
      organization: { name: '湖南省妇联' },
    });
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(2000);
  });

  it('RATE_LIMITED in a 200 response, with no Retry-After, backs off exponentially', async () => {
    const limited = () =>
      json(200, { errors: [{ message: 'slow down', extensions: { code: 'RATE_LIMITED' } }] });
    const { fetch } = fakeFetch(limited(), limited(), ok());
    const { client, events } = clientWith(fetch);
    await settle(client.organization({ code: '43' }));
    expect(events).toHaveLength(2);
  });

  it('UNAVAILABLE, as the server sends it (503, Retry-After: 1), is retried after Retry-After', async () => {
    const unavailable = json(
      503,
      {
        errors: [
          {
            message: 'The database cannot be reached; try again shortly',
            extensions: { code: 'UNAVAILABLE', reason: 'DATABASE_UNREACHABLE' },
          },
        ],
      },
      { 'retry-after': '1' },
    );
    const { fetch, calls } = fakeFetch(unavailable, ok());
    const { client, events } = clientWith(fetch);
    expect(await settle(client.organization({ code: '43' }))).toMatchObject({
      organization: { name: '湖南省妇联' },
    });
    expect(events[0]!.error).toMatchObject({ code: 'UNAVAILABLE', retryAfterMs: 1000 });
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it('UNAVAILABLE is retried even where a proxy answered it with HTTP 200', async () => {
    const unavailable = () =>
      json(200, { errors: [{ message: 'later', extensions: { code: 'UNAVAILABLE' } }] });
    const { fetch, calls } = fakeFetch(unavailable(), ok());
    const { client } = clientWith(fetch);
    await settle(client.organization({ code: '43' }));
    expect(calls).toHaveLength(2);
  });

  it.each([
    ['HTTP 500', () => gateway(500), FulianHttpError],
    ['HTTP 400', () => gateway(400), FulianHttpError],
    [
      'a GraphQL error other than RATE_LIMITED',
      () => json(200, { errors: [{ message: 'no', extensions: { code: 'FORBIDDEN' } }] }),
      FulianError,
    ],
    [
      'UNAUTHENTICATED with HTTP 401',
      () => json(401, { errors: [{ message: 'who?', extensions: { code: 'UNAUTHENTICATED' } }] }),
      FulianError,
    ],
  ])('%s is not retried', async (_name, reply, type) => {
    const { fetch, calls } = fakeFetch(reply(), ok());
    const { client, events } = clientWith(fetch);
    expect(await settle(client.organization({ code: '43' }))).toBeInstanceOf(type);
    expect(calls).toHaveLength(1);
    expect(events).toHaveLength(0);
  });

  it('retry: false sends once', async () => {
    const { fetch, calls } = fakeFetch(gateway(503), ok());
    const client = createClient({ endpoint: 'http://fulian.test/graphql', fetch, retry: false });
    expect(await settle(client.organization({ code: '43' }))).toBeInstanceOf(FulianHttpError);
    expect(calls).toHaveLength(1);
  });

  it('a raw mutation is never retried, even on a 503 or RATE_LIMITED', async () => {
    const { fetch, calls } = fakeFetch(gateway(503), ok());
    const { client } = clientWith(fetch);
    const failure = await settle(client.raw('mutation Save { save(value: 1) }'));
    expect(failure).toBeInstanceOf(FulianHttpError);
    expect(calls).toHaveLength(1);

    const limited = fakeFetch(rateLimited('1'), ok());
    const second = clientWith(limited.fetch).client;
    expect(await settle(second.raw('# a comment\nmutation { save }'))).toBeInstanceOf(FulianError);
    expect(limited.calls).toHaveLength(1);
  });

  // A 503 may come after the server applied the mutation: only a key makes sending it again safe.
  it.each<[string, (client: FulianClient) => Promise<unknown>]>([
    [
      'createSubmission without a key',
      (client) =>
        client.createSubmission({
          template: 'annual-summary',
          organization: '4303',
          period: '2020',
        }),
    ],
    [
      'saveSubmissionValues with an empty key',
      (client) =>
        client.saveSubmissionValues({
          id: 'U3VibWlzc2lvbjox',
          expectedVersion: 1,
          idempotencyKey: '',
        }),
    ],
    [
      'submitSubmission',
      (client) => client.submitSubmission({ id: 'U3VibWlzc2lvbjox', expectedVersion: 1 }),
    ],
    [
      'approveSubmission',
      (client) => client.approveSubmission({ id: 'U3VibWlzc2lvbjox', expectedVersion: 2 }),
    ],
  ])('a typed mutation is not retried on a 503: %s', async (_name, call) => {
    const { fetch, calls } = fakeFetch(gateway(503), ok());
    const { client, events } = clientWith(fetch, { baseDelayMs: 1 });
    expect(await settle(call(client))).toMatchObject({ name: 'FulianHttpError', status: 503 });
    expect(calls).toHaveLength(1);
    expect(events).toHaveLength(0);
  });

  it('a typed mutation with an idempotency key is retried, the key in every request', async () => {
    const created = json(200, { data: { createSubmission: { replayed: true } } });
    const { fetch, calls } = fakeFetch(gateway(503), rateLimited(), created);
    const { client, events } = clientWith(fetch, { baseDelayMs: 1 });
    const variables = {
      template: 'annual-summary',
      organization: '4303',
      period: '2020',
      idempotencyKey: 'xt-2020',
    };
    expect(await settle(client.createSubmission(variables))).toEqual({
      createSubmission: { replayed: true },
    });
    expect(calls).toHaveLength(3);
    expect(events.map((event) => event.attempt)).toEqual([1, 2]);
    // The same request each time: the key is what lets the server recognise the repeat.
    for (const call of calls) expect(JSON.parse(call.body).variables).toEqual(variables);
  });

  it('a query that merely mentions "mutation" in a string or comment is still retried', async () => {
    const { fetch, calls } = fakeFetch(gateway(503), ok());
    const { client } = clientWith(fetch);
    await settle(
      client.raw(
        '# no mutation here\n{ organizations(filter: { search: "mutation" }) { totalCount } }',
      ),
    );
    expect(calls).toHaveLength(2);
  });
});

describe('when', () => {
  it('backs off exponentially with jitter: each wait in [step/2, step), the step doubling', async () => {
    const { fetch, calls } = fakeFetch(gateway(503), gateway(503), gateway(503), ok());
    const { client, events } = clientWith(fetch, { baseDelayMs: 100 });
    await settle(client.organization({ code: '43' }));
    const waits = calls.slice(1).map((call, index) => call.at - calls[index]!.at);
    expect(waits).toEqual(events.map((event) => event.delayMs));
    const steps = [100, 200, 400];
    waits.forEach((wait, index) => {
      expect(wait).toBeGreaterThanOrEqual(steps[index]! / 2);
      expect(wait).toBeLessThan(steps[index]!);
    });
  });

  it('the jitter spreads clients apart, and the step is capped at maxDelayMs', () => {
    const error = new FulianHttpError(503, '', undefined);
    const policy = { ...DEFAULT_RETRY, baseDelayMs: 1000, maxDelayMs: 4000 };
    expect(retryDelay(error, 1, policy, () => 0)).toBe(500);
    expect(retryDelay(error, 1, policy, () => 0.999)).toBe(999);
    expect(retryDelay(error, 3, policy, () => 0)).toBe(2000);
    expect(retryDelay(error, 10, policy, () => 0)).toBe(2000);
    expect(retryDelay(error, 10, policy, () => 0.999)).toBe(3998);
  });

  it('honours Retry-After over the backoff, in seconds or as an HTTP date', async () => {
    const date = new Date(30_000).toUTCString();
    const { fetch, calls } = fakeFetch(
      rateLimited('7'),
      gateway(503),
      json(503, {}, { 'retry-after': date }),
      ok(),
    );
    // gateway() carries no Retry-After, so the second wait is the ordinary backoff.
    const { client, events } = clientWith(fetch, { baseDelayMs: 100 });
    await settle(client.organization({ code: '43' }));
    expect(calls).toHaveLength(4);
    const [first, second, third] = events.map((event) => event.delayMs);
    expect(first).toBeGreaterThanOrEqual(7000);
    expect(first).toBeLessThan(7100);
    expect(second).toBeGreaterThanOrEqual(100);
    expect(second).toBeLessThan(200);
    // The date is 30 s after the epoch; the third request is answered at calls[2].at.
    expect(third! + calls[2]!.at).toBeGreaterThanOrEqual(30_000);
    expect(calls[3]!.at).toBeGreaterThanOrEqual(30_000);
  });

  it('gives up at once when Retry-After asks for longer than maxRetryAfterMs', async () => {
    const { fetch, calls } = fakeFetch(rateLimited('3600'), ok());
    const { client, events } = clientWith(fetch);
    const failure = await settle(client.organization({ code: '43' }));
    expect(failure).toBeInstanceOf(FulianError);
    expect(failure).toMatchObject({ code: 'RATE_LIMITED', status: 429, retryAfterMs: 3_600_000 });
    expect(calls).toHaveLength(1);
    expect(events).toHaveLength(0);
  });

  it('parses Retry-After', () => {
    expect(parseRetryAfter('120')).toBe(120_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:01:00 GMT', 30_000)).toBe(30_000);
    expect(parseRetryAfter('Thu, 01 Jan 1970 00:00:00 GMT', 30_000)).toBe(0);
    expect(parseRetryAfter('soon')).toBeUndefined();
    expect(parseRetryAfter(null)).toBeUndefined();
  });

  it('an abort during the backoff stops at once with the abort reason', async () => {
    const { fetch, calls } = fakeFetch(gateway(503), ok());
    const controller = new AbortController();
    const { client } = clientWith(fetch, { baseDelayMs: 10_000 });
    const outcome = client
      .organization({ code: '43' }, { signal: controller.signal })
      .catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort(new Error('user left'));
    expect(await outcome).toMatchObject({ message: 'user left' });
    await vi.runAllTimersAsync();
    expect(calls).toHaveLength(1);
  });
});

describe('headers', () => {
  it('sends the API key, or the token, and the caller headers', async () => {
    const keyed = fakeFetch(ok());
    await createClient({
      endpoint: 'http://fulian.test/graphql',
      fetch: keyed.fetch,
      apiKey: 'fk_live_123',
      headers: { 'x-request-id': 'abc' },
    }).organization({ code: '43' });
    expect(keyed.calls[0]!.headers).toMatchObject({
      authorization: 'ApiKey fk_live_123',
      'x-request-id': 'abc',
      'content-type': 'application/json',
    });
    expect(JSON.parse(keyed.calls[0]!.body)).toMatchObject({ variables: { code: '43' } });

    let renewals = 0;
    const tokened = fakeFetch(ok(), ok());
    const client = createClient({
      endpoint: 'http://fulian.test/graphql',
      fetch: tokened.fetch,
      token: () => `jwt-${++renewals}`,
    });
    await client.organization({ code: '43' });
    await client.organization({ code: '43' }, { headers: { 'x-trace': '1' } });
    expect(tokened.calls.map((call) => call.headers.authorization)).toEqual([
      'Bearer jwt-1',
      'Bearer jwt-2',
    ]);
    expect(tokened.calls[1]!.headers['x-trace']).toBe('1');
  });

  it('refuses an API key and a token together', () => {
    expect(() =>
      createClient({ endpoint: 'http://fulian.test/graphql', apiKey: 'k', token: 't' }),
    ).toThrow(TypeError);
  });
});
