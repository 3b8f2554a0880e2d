import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { isDeepStrictEqual } from 'node:util';
import { sql, type Kysely } from 'kysely';
import {
  createLogger,
  createServer,
  createTokenVerifier,
  issueToken,
  type Database,
  type Role,
  type TokenConfig,
} from '@fulian/server';
import { ensureDataset, type DatasetSummary, type VerifyScope } from '../generate/dataset.js';
import { benchmarkYear, LAST_YEAR, type DatasetOptions } from '../generate/scale.js';
import { OPERATIONS } from '../operations/index.js';
import { villageRankingQuery } from '../operations/ranking.js';
import { HUNAN_CODE } from '../operations/lookups.js';
import type { Progress } from '../progress.js';
import type { Target } from '../target.js';
import { floorOperation, hasFloor, startFloor } from './floor.js';
import type { ThroughputResult } from './http-load.js';
import { loopbackClient } from './loopback.js';
import { measureNoisyNeighbour, type NoisyNeighbourResult } from './noisy-neighbour.js';
import { measureVillageExport, type VillageExportResult } from './village-export.js';
import { measureWriteCost, type WriteCostResult } from './write-cost.js';
import { sample, sampleInterleaved, type LatencySummary, type SamplingPlan } from './measure.js';
import type { Execute, OperationContext, PreparedOperation } from './operation.js';
import { explainSlowest } from './explain.js';
import { measureServed } from './served.js';
import { StatementRecorder, type Statement } from './statements.js';

export interface SuiteOptions {
  dataset: DatasetOptions;
  /** Where the data set's totals are verified when it is generated or migrated (all: absent). */
  verify?: VerifyScope;
  plan: SamplingPlan;
  /** Seconds of load per autocannon run; 0 skips the HTTP measurements. */
  httpSeconds: number;
  connections: number[];
  /** Seconds per half of the noisy-neighbour scenario; 0 skips it (it needs `node`). */
  noisySeconds: number;
  /** Only these operations (all when empty). */
  only: string[];
}

export interface OperationResult {
  name: string;
  description: string;
  /** SQL statements one request sends (for `page`, one page). */
  statements: number;
  graphql: LatencySummary;
  sql: LatencySummary;
  /** GraphQL p50 ÷ hand-written SQL p50. */
  ratio: number;
  http: ThroughputResult[];
  /** The floor (floor.ts) answering the same requests, measured interleaved with ours. */
  floor: FloorResult | null;
}

export interface FloorResult {
  graphql: LatencySummary;
  /** Our p50 ÷ the floor's p50. */
  ratio: number;
  /** At each number of connections, right after ours (PostgreSQL only). */
  http: ThroughputResult[];
}

export interface Explained {
  operation: string;
  /** The slowest statement of one request, as the server sent it, and its plan. */
  statement: string;
  plan: string;
  /** The hand-written statement and its plan. */
  baseline: string;
  baselinePlan: string;
}

export interface ScaleRun {
  startedAt: string;
  commit: string | null;
  machine: Machine;
  database: { kind: string; version: string; location: string };
  dataset: DatasetOptions & Omit<DatasetSummary, 'fingerprint'> & { fingerprint: string };
  settings: Omit<SuiteOptions, 'dataset'>;
  operations: OperationResult[];
  explain: Explained | null;
  noisyNeighbour: NoisyNeighbourResult | null;
  villageExport: VillageExportResult | null;
  writeCost: WriteCostResult | null;
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  /** 1, 5 and 15 minute load averages when the run started and when it ended. */
  loadAverageStart: number[];
  loadAverageEnd: number[];
}

/**
 * Rate limiting stays on, so its statements are counted, but with a bucket no benchmark can
 * empty: the harness measures the graph, not the limiter's refusals.
 */
const UNLIMITED = { capacity: 1e15, restorePerSecond: 1e12 };
/** Nor does one caller's concurrency limit refuse the load runs' 16 connections. */
const UNLIMITED_CONCURRENCY = 1_000;

/**
 * Runs every operation on one target at one scale: first against a server in this process,
 * one request at a time over a loopback connection (statements, latency, and the
 * hand-written SQL beside it), then over HTTP with autocannon against `fulian serve`.
 */
export async function runSuite(
  target: Target,
  options: SuiteOptions,
  progress: Progress,
): Promise<ScaleRun> {
  const startedAt = new Date().toISOString();
  const loadAverageStart = os.loadavg().map(round2);
  const summary = await ensureDataset(target, options.dataset, progress, options.verify);
  progress.done(
    summary.migratedFrom
      ? `data set ${options.dataset.scale} migrated from ${summary.migratedFrom} (${target.location})`
      : summary.reused
        ? `data set ${options.dataset.scale} reused (${target.location})`
        : `data set ${options.dataset.scale} generated in ${summary.loadSeconds.toFixed(1)} s`,
  );

  const { secret, tokens, credentials } = runCredentials();

  const recorder = new StatementRecorder();
  const db = target.open(recorder.onQuery);
  const definitions = OPERATIONS.filter(
    (operation) => options.only.length === 0 || options.only.includes(operation.name),
  );
  const prepared = new Map<string, { operation: PreparedOperation; next: number }>();
  const results: OperationResult[] = [];
  let version = '';
  let explain: Explained | null = null;
  let villageExport: VillageExportResult | null = null;
  let writeCost: WriteCostResult | null = null;
  try {
    version = (await sql<{ version: string }>`SELECT version()`.execute(db)).rows[0]!.version;
    const server = await createServer({
      db,
      logger: createLogger('silent'),
      production: true,
      auth: { verifyToken: await createTokenVerifier(tokens), allowAnonymous: false },
      limits: { rateLimit: UNLIMITED, expensiveConcurrency: UNLIMITED_CONCURRENCY },
    });
    const client = loopbackClient(await server.listen(0, '127.0.0.1'));
    const floor = await startFloor(db);
    const floorClient = loopbackClient(floor.url);
    const context = operationContext(db, options.dataset, client.execute, credentials);
    const traces = new Map<string, Statement[]>();
    try {
      for (const definition of definitions) {
        progress.update(`${definition.name}: preparing`);
        const operation = await definition.prepare(context);
        await operation.sync?.(client.execute);
        // A caller's first request takes its allowance from the shared bucket (docs/security.md,
        // "Admission contract"): the statements counted below are those of a known caller.
        await client.execute({
          body: { query: '{ viewer { kind } }', variables: {} },
          headers: operation.request(0).headers,
        });
        const checked = await checkAnswers(
          definition.name,
          operation,
          client.execute,
          db,
          recorder,
        );
        traces.set(definition.name, checked.trace);

        progress.update(`${definition.name}: GraphQL in process, and the floor`);
        await operation.sync?.(client.execute);
        const ours = (index: number) => runRequest(operation, client.execute, index);
        const atFloor = floorOperation(operation, db);
        const measured = hasFloor(operation)
          ? await sampleInterleaved(options.plan, checked.next, [
              ours,
              (index) => floorClient.execute(atFloor.request(index)),
            ])
          : await sample(options.plan, checked.next, ours).then(({ latency, next }) => ({
              latencies: [latency],
              next,
            }));
        const [graphql, floorLatency] = measured.latencies;
        progress.update(`${definition.name}: hand-written SQL`);
        const baseline = await sample(options.plan, measured.next, (index) =>
          operation.baseline(index).execute(db),
        );
        // The statements may have changed what the requests depend on (a version).
        await operation.sync?.(client.execute);
        prepared.set(definition.name, { operation, next: baseline.next });
        results.push({
          name: definition.name,
          description: operation.description,
          statements: checked.trace.length,
          graphql: graphql!,
          sql: baseline.latency,
          ratio: baseline.latency.p50 > 0 ? round2(graphql!.p50 / baseline.latency.p50) : 0,
          http: [],
          floor: floorLatency
            ? { graphql: floorLatency, ratio: round2(graphql!.p50 / floorLatency.p50), http: [] }
            : null,
        });
        progress.done(
          `${definition.name}: ${checked.trace.length} statements, p50 ${graphql!.p50} ms (SQL ${baseline.latency.p50} ms` +
            (floorLatency ? `, floor ${floorLatency.p50} ms)` : ')'),
        );
      }
      explain = await explainSlowest(db, results, prepared, traces);
      if (options.only.length === 0)
        villageExport = await measureVillageExport(db, benchmarkYear(options.dataset), progress);
      if (options.only.length === 0 || options.only.includes('writes'))
        writeCost = await measureWriteCost(context, options.plan.minIterations, progress);
    } finally {
      client.close();
      floorClient.close();
      await floor.stop();
      await server.stop();
    }
  } finally {
    await db.destroy();
  }

  if (options.httpSeconds > 0) {
    await measureServed(
      target,
      results,
      prepared,
      db,
      {
        seconds: options.httpSeconds,
        connections: options.connections,
        env: {
          NODE_ENV: 'production',
          FULIAN_JWT_SECRET: secret,
          FULIAN_RATE_LIMIT_CAPACITY: String(UNLIMITED.capacity),
          FULIAN_RATE_LIMIT_RESTORE_PER_SECOND: String(UNLIMITED.restorePerSecond),
          FULIAN_EXPENSIVE_CONCURRENCY: String(UNLIMITED_CONCURRENCY),
        },
      },
      progress,
    );
  }

  // Last, on a server of its own with the default limits: what a flood by one caller costs
  // another caller's `node`.
  let noisyNeighbour: NoisyNeighbourResult | null = null;
  const victim = prepared.get('node');
  if (options.noisySeconds > 0 && victim) {
    progress.update('noisy neighbour: a flood of village rankings beside node');
    const measured = await measureNoisyNeighbour(target, {
      victim: victim.operation,
      first: victim.next,
      flood: {
        description: 'ranking of every village of Hunan (another caller)',
        request: {
          body: villageRankingQuery(benchmarkYear(options.dataset)),
          headers: await credentials('PROVINCE_ADMIN', HUNAN_CODE),
        },
      },
      floodConnections: 16,
      seconds: options.noisySeconds,
      env: { FULIAN_JWT_SECRET: secret },
    });
    victim.next = measured.next;
    noisyNeighbour = measured.result;
    progress.done(
      `noisy neighbour: node p50 ${noisyNeighbour.idle.p50} → ${noisyNeighbour.loaded.p50} ms, p99 ${noisyNeighbour.idle.p99} → ${noisyNeighbour.loaded.p99} ms`,
    );
  }

  return {
    startedAt,
    commit: gitCommit(),
    machine: {
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: round2(os.totalmem() / 2 ** 30),
      node: process.version,
      loadAverageStart,
      loadAverageEnd: os.loadavg().map(round2),
    },
    database: { kind: target.kind, version, location: target.location },
    dataset: { ...options.dataset, ...summary },
    settings: {
      plan: options.plan,
      httpSeconds: options.httpSeconds,
      connections: options.connections,
      noisySeconds: options.noisySeconds,
      only: options.only,
      verify: options.verify,
    },
    operations: results,
    explain,
    noisyNeighbour,
    villageExport,
    writeCost,
  };
}

/** Staff tokens signed with a secret made for this run; the served graph gets the secret too. */
export function runCredentials(): {
  secret: string;
  tokens: TokenConfig;
  credentials: OperationContext['credentials'];
} {
  const secret = randomBytes(32).toString('hex');
  const tokens: TokenConfig = {
    key: { kind: 'secret', secret },
    issuer: 'fulian-graph',
    audience: 'fulian-graph',
  };
  const credentials = async (role: Role, organization: string) => {
    const claims = { subject: `bench-${role.toLowerCase()}-${organization}`, role, organization };
    return { authorization: `Bearer ${await issueToken(tokens, claims, '12h')}` };
  };
  return { secret, tokens, credentials };
}

/** What the operations prepare their requests with, on the data set's years. */
export function operationContext(
  db: Kysely<Database>,
  dataset: DatasetOptions,
  execute: Execute,
  credentials: OperationContext['credentials'],
): OperationContext {
  return {
    db,
    scale: dataset.scale,
    year: benchmarkYear(dataset),
    currentYear: LAST_YEAR,
    execute,
    credentials,
  };
}

async function runRequest(
  operation: PreparedOperation,
  execute: Execute,
  index: number,
): Promise<void> {
  // Evaluated before the optional call: `onData?.(…)` would skip its arguments when absent.
  const data = await execute(operation.request(index));
  operation.onData?.(index, data);
}

/**
 * Before timing anything, proves the GraphQL request and the hand-written statement give the
 * same answer on the first, middle and last request of a pass, so the ratio compares equals.
 * The middle request's statements are recorded: their number is the operation's SQL cost.
 */
async function checkAnswers(
  name: string,
  operation: PreparedOperation,
  execute: Execute,
  db: Kysely<Database>,
  recorder: StatementRecorder,
): Promise<{ trace: Statement[]; next: number }> {
  const pass = operation.passLength;
  const offsets = [...new Set([0, Math.floor(pass / 2), pass - 1])];
  let trace: Statement[] = [];
  for (const offset of offsets) {
    const request = operation.request(offset);
    const recorded = await recorder.record(() => execute(request));
    if (offset === Math.floor(pass / 2)) trace = recorded.statements;
    operation.onData?.(offset, recorded.result);
    const fromGraphQL = operation.fromGraphQL(recorded.result, offset);
    const rows = (await operation.baseline(offset).execute(db)).rows as unknown[];
    const fromSql = operation.fromSql(rows, offset);
    if (!isDeepStrictEqual(fromGraphQL, fromSql)) {
      throw new Error(
        `${name}: the GraphQL answer and the hand-written SQL answer differ on request ${offset}:\n` +
          `GraphQL: ${JSON.stringify(fromGraphQL).slice(0, 1_500)}\n` +
          `SQL:     ${JSON.stringify(fromSql).slice(0, 1_500)}`,
      );
    }
  }
  return { trace, next: pass };
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
