import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SpanKind, trace } from '@opentelemetry/api';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-base';
import { createClient } from 'graphql-ws';
import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDatabase, poolStatus } from '../src/db/database.js';
import { LATEST_MIGRATION } from '../src/db/migrate.js';
import { Metrics } from '../src/observability/metrics.js';
import { Observability } from '../src/observability/observability.js';
import { createServer, type FulianServer } from '../src/server.js';
import { seedHandTree } from './helpers/reporting.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

/**
 * What an operator sees, through the real server over HTTP: /metrics scraped before and after
 * known requests, the spans of one nested query in an in-memory exporter, and the
 * slow-statement log as the logger receives it.
 */
const exporter = new InMemorySpanExporter();
trace.setGlobalTracerProvider(
  new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
);

const logLines: Record<string, unknown>[] = [];
const logger = pino(
  { level: 'info' },
  { write: (line: string) => void logLines.push(JSON.parse(line) as Record<string, unknown>) },
);

let database: TestDatabase;
const servers: FulianServer[] = [];

/** A server observed as `fulian serve` observes it, with its /graphql and /metrics URLs. */
async function observedServer(limits: Parameters<typeof createServer>[0]['limits']) {
  const observability = new Observability({ logger, slowStatementMs: 0 });
  observers.push(observability);
  const server = await createServer({
    db: database.db,
    logger,
    production: false,
    observability,
    limits,
  });
  servers.push(server);
  return {
    url: await server.listen(0, '127.0.0.1'),
    metricsUrl: await server.listenMetrics(0, '127.0.0.1'),
  };
}
// Every statement goes to every server's observability: each test reads its own server's.
const observers: Observability[] = [];

beforeAll(async () => {
  database = await createTestDatabase({
    observe: (text, details) => observers.forEach((observer) => observer.onQuery(text, details)),
  });
  await seedHandTree(database.db);
});
afterAll(async () => {
  for (const server of servers) await server.stop();
  await database.close();
});

/** Scrapes /metrics over HTTP. */
async function scrape(metricsUrl: string): Promise<Map<string, number>> {
  const response = await fetch(metricsUrl);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toContain('text/plain');
  return samplesOf(await response.text());
}

/** The samples of a Prometheus text exposition, by series (`name{labels}`). */
function samplesOf(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const cut = line.lastIndexOf(' ');
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

const post = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

describe('metrics', () => {
  let url: string;
  let metricsUrl: string;
  beforeAll(async () => {
    ({ url, metricsUrl } = await observedServer({ rateLimit: null }));
  });

  it('counts requests by operation and outcome, their latency and their SQL statements', async () => {
    const before = await scrape(metricsUrl);
    const { statements } = await database.counting(async () => {
      for (let i = 0; i < 2; i += 1) {
        const ok = await post(url, { query: 'query Units { organization(code: "43") { name } }' });
        expect(ok.status).toBe(200);
      }
      const refused = await post(url, { query: 'query Units { organization { nope } }' });
      expect(refused.status).toBe(400);
      const anonymous = await post(url, { query: '{ organization(code: "4301") { name } }' });
      expect(anonymous.status).toBe(200);
      const broken = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{',
      });
      expect(broken.status).toBe(400);
    });
    const after = await scrape(metricsUrl);
    const moved = (series: string) => (after.get(series) ?? 0) - (before.get(series) ?? 0);

    expect(moved('fulian_graphql_requests_total{operation="Units",code="OK"}')).toBe(2);
    // Validation fails before an operation is resolved, as does a body that is not JSON.
    expect(
      moved('fulian_graphql_requests_total{operation="unresolved",code="BAD_USER_INPUT"}'),
    ).toBe(2);
    expect(moved('fulian_graphql_requests_total{operation="anonymous",code="OK"}')).toBe(1);
    expect(moved('fulian_graphql_request_duration_seconds_count{operation="Units"}')).toBe(2);
    expect(
      moved('fulian_graphql_request_duration_seconds_bucket{le="+Inf",operation="Units"}'),
    ).toBe(2);

    // Every statement the requests sent is counted; the scrape itself reads the schema's
    // version with one statement more.
    const counted = [...after.keys()]
      .filter((series) => series.startsWith('fulian_sql_statement_duration_seconds_count'))
      .reduce((sum, series) => sum + moved(series), 0);
    expect(statements.length).toBeGreaterThan(0);
    expect(counted - statements.length).toBeGreaterThanOrEqual(0);
    expect(counted - statements.length).toBeLessThanOrEqual(1);
    expect(moved('fulian_sql_statement_duration_seconds_count{command="select"}')).toBeGreaterThan(
      0,
    );

    expect(
      after.get(
        `fulian_build_info{version="0.1.0",commit="${commitOf(after)}",schema="${LATEST_MIGRATION}"}`,
      ),
    ).toBe(1);
    expect(after.get(`fulian_schema_info{applied="${LATEST_MIGRATION}"}`)).toBe(1);
    const busy = after.get('fulian_db_pool_connections{state="busy"}') ?? -1;
    const idle = after.get('fulian_db_pool_connections{state="idle"}') ?? -1;
    expect(busy).toBeGreaterThanOrEqual(0);
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(busy + idle).toBeGreaterThanOrEqual(1);
    expect(after.has('fulian_db_pool_waiting')).toBe(true);
    expect(after.has('fulian_process_resident_memory_bytes')).toBe(true);
  });

  it('bounds the operation names it keeps apart: past 100, they count as "other"', async () => {
    for (let i = 0; i < 105; i += 1) {
      expect((await post(url, { query: `query Invented${i} { __typename }` })).status).toBe(200);
    }
    const after = await scrape(metricsUrl);
    const operations = new Set(
      [...after.keys()]
        .filter((series) => series.startsWith('fulian_graphql_requests_total{'))
        .map((series) => /operation="([^"]*)"/.exec(series)?.[1]),
    );
    expect(operations.size).toBeLessThanOrEqual(101);
    expect(operations.has('other')).toBe(true);
    expect(
      after.get('fulian_graphql_requests_total{operation="other",code="OK"}'),
    ).toBeGreaterThanOrEqual(5);
  });

  it('counts the subscriptions open over WebSocket', async () => {
    const socket = createClient({
      url: url.replace('http', 'ws'),
      webSocketImpl: WebSocket,
      lazy: false,
    });
    const gauge = async () => (await scrape(metricsUrl)).get('fulian_subscriptions_open');
    try {
      expect(await gauge()).toBe(0);
      const unsubscribe = socket.subscribe(
        { query: 'subscription { submissionStatusChanged(within: "43") { to } }' },
        { next: () => {}, error: () => {}, complete: () => {} },
      );
      // The protocol does not acknowledge a subscription: wait until the server runs it.
      await until(async () => (await gauge()) === 1);
      unsubscribe();
      await until(async () => (await gauge()) === 0);
    } finally {
      await socket.dispose();
    }
  });

  it('serves nothing but /metrics on its port, and no /metrics on the public one', async () => {
    expect((await fetch(metricsUrl.replace('/metrics', '/graphql'))).status).toBe(404);
    expect((await fetch(url.replace('/graphql', '/metrics'))).status).toBe(404);
  });
});

describe('pool waits', () => {
  it('counts a caller waiting for a connection while every one is held', async () => {
    // PostgreSQL: the pool's 10 connections. PGlite: its one session, held by a client of the
    // socket it serves other processes on (the server's own statements queue in kysely first,
    // one at a time, and meet only such clients at the session).
    let db = database.db;
    let holder = database.db;
    let capacity = 10;
    let cleanup = async () => {};
    if (!database.url) {
      const dir = await mkdtemp(path.join(tmpdir(), 'fulian-waits-'));
      db = createDatabase({ dataDir: dir, share: { onError: () => {} } });
      await sql`SELECT 1`.execute(db);
      holder = createDatabase({
        databaseUrl: `postgresql://postgres@${encodeURIComponent(dir)}/postgres`,
      });
      capacity = 1;
      cleanup = async () => {
        await holder.destroy();
        await db.destroy();
        await rm(dir, { recursive: true, force: true });
      };
    }
    const metrics = new Metrics();
    metrics.watchDatabase(db);
    const before = samplesOf(await metrics.registry.metrics());
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = 0;
    const holders = Array.from({ length: capacity }, () =>
      holder.transaction().execute(async (trx) => {
        await sql`SELECT 1`.execute(trx);
        started += 1;
        await released;
      }),
    );
    try {
      await until(async () => started === capacity);
      const waiter = sql`SELECT 1`.execute(db);
      await until(async () => poolStatus(db)?.waiting === 1);
      // Not scraped now: the scrape's own statement (the schema's version) would wait too.
      release();
      await Promise.all([...holders, waiter]);
      const after = samplesOf(await metrics.registry.metrics());
      expect(
        after.get('fulian_db_pool_waits_total')! - before.get('fulian_db_pool_waits_total')!,
      ).toBe(1);
      expect(after.get('fulian_db_pool_wait_seconds_total')).toBeGreaterThan(
        before.get('fulian_db_pool_wait_seconds_total')!,
      );
    } finally {
      release();
      await cleanup();
    }
  });
});

describe('rate-limit refusals', () => {
  it('are counted by reason: the bucket empty, then refused again before parsing', async () => {
    const { url, metricsUrl } = await observedServer({
      costBudget: 100,
      rateLimit: { capacity: 100, restorePerSecond: 1 },
      statementCostPerMs: 0,
    });
    // 61 points each from a bucket of 100 that regains 1 a second: refused by the third.
    const query = 'query Many { organizations(first: 30) { edges { node { name } } } }';
    let status = 200;
    for (let tries = 0; status !== 429 && tries < 5; tries += 1) {
      status = (await post(url, { query })).status;
    }
    expect(status).toBe(429);
    expect((await post(url, { query })).status).toBe(429);
    const after = await scrape(metricsUrl);
    expect(after.get('fulian_rate_limit_refusals_total{reason="ALLOWANCE"}')).toBe(1);
    expect(after.get('fulian_rate_limit_refusals_total{reason="REMEMBERED"}')).toBe(1);
    // Refused by its bucket, the request was parsed and counts under its operation; refused
    // again before its body was read, it counts among the refusals only.
    const requests = 'fulian_graphql_requests_total';
    expect(after.get(`${requests}{operation="Many",code="RATE_LIMITED"}`)).toBe(1);
    expect(after.has(`${requests}{operation="unresolved",code="RATE_LIMITED"}`)).toBe(false);
  });
});

describe('traces and the slow-statement log', () => {
  it('gives one nested query a span with a child per SQL statement, without parameter values', async () => {
    const { url } = await observedServer({ rateLimit: null });
    exporter.reset();
    const requestId = 'trace-test-1';
    const query = `query Nested($code: String!) { organization(code: $code) { name
      children(first: 3) { edges { node { name ancestors { name }
        children(first: 2) { edges { node { name } } } } } } } }`;
    const { result, statements } = await database.counting(() =>
      post(url, { query, variables: { code: '4301' } }, { 'x-request-id': requestId }),
    );
    expect(result.status).toBe(200);
    expect(((await result.json()) as any).errors).toBeUndefined();

    const spans = exporter.getFinishedSpans();
    const roots = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(root.name).toBe('query Nested');
    expect(root.attributes).toMatchObject({
      'fulian.request_id': requestId,
      'graphql.operation.name': 'Nested',
      'graphql.operation.type': 'query',
      'fulian.outcome': 'OK',
    });
    expect(root.parentSpanContext).toBeUndefined();

    const children = spans.filter((span) => span !== root);
    expect(children.every((span) => isChildOf(span, root))).toBe(true);
    expect(children.map((span) => span.attributes['db.query.text'])).toEqual(statements);
    expect(children.length).toBeGreaterThanOrEqual(2);
    for (const span of children) {
      expect(span.kind).toBe(SpanKind.CLIENT);
      expect(span.name).toBe(String(span.attributes['db.operation.name']));
      expect(JSON.stringify(span.attributes)).not.toContain('4301');
    }

    // The threshold is 0 here: every statement of the request is logged, with the request.
    const slow = logLines.filter(
      (line) => line.msg === 'slow statement' && line.requestId === requestId,
    );
    expect(slow.map((line) => line.statement)).toEqual(statements);
    for (const line of slow) {
      expect(line).toMatchObject({ level: 40, operationName: 'Nested', slowStatement: true });
      expect(typeof line.durationMs).toBe('number');
      expect(JSON.stringify(line)).not.toContain('4301');
    }
  });
});

function isChildOf(span: ReadableSpan, parent: ReadableSpan): boolean {
  return (
    span.parentSpanContext?.spanId === parent.spanContext().spanId &&
    span.spanContext().traceId === parent.spanContext().traceId
  );
}

function commitOf(samples: Map<string, number>): string {
  const series = [...samples.keys()].find((key) => key.startsWith('fulian_build_info{'));
  return /commit="([^"]*)"/.exec(series ?? '')?.[1] ?? 'absent';
}

/** Polls `condition` until it holds, failing after 200 tries. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  for (let tries = 0; tries < 200; tries += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('condition never held');
}
