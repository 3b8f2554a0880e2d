import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { startReplicatedPair } from '../../../server/test/helpers/replication.js';
import { ensureDataset } from '../generate/dataset.js';
import type { DatasetOptions } from '../generate/scale.js';
import { OPERATIONS } from '../operations/index.js';
import type { Progress } from '../progress.js';
import { createTarget, REPOSITORY_ROOT } from '../target.js';
import {
  measureThroughput,
  serveGraph,
  type ServedGraph,
  type ThroughputResult,
} from './http-load.js';
import { loopbackClient } from './loopback.js';
import { operationContext, runCredentials } from './run.js';

export interface ReplicaOptions {
  dataset: DatasetOptions;
  seconds: number;
  connections: number;
}

/** Lag samples under the save load, as /readyz reported them. */
interface LagSummary {
  samples: number;
  maxBytes: number;
  p50Bytes: number;
  maxMs: number;
  p50Ms: number;
}

// The operations that only read, as the Hunan suite has them (the country roll-up is national).
const READS = [
  'tree',
  'rollup',
  'ratio-rollup',
  'ranking',
  'completeness',
  'search',
  'page',
  'node',
];

/**
 * Reads on the primary against reads on a streaming replica: a primary and its replica made
 * for the run (server/test/helpers/replication.ts, so the machine's own cluster is left
 * alone), the data set loaded into the primary, then each read operation driven by autocannon
 * against `fulian serve` on the primary alone and with DATABASE_READ_URL, in turn; last, the
 * save load against the second while /readyz is asked for the replica's lag every 100 ms.
 */
export async function runReplicaBench(options: ReplicaOptions, progress: Progress) {
  const loadAverageStart = os.loadavg();
  progress.update('making a primary and a streaming replica');
  const pair = await startReplicatedPair();
  const served: ServedGraph[] = [];
  try {
    const target = createTarget('postgres', options.dataset.scale, {
      serverUrl: pair.primary.url('postgres'),
    });
    const summary = await ensureDataset(target, options.dataset, progress);
    progress.done(`data set loaded into the primary in ${summary.loadSeconds.toFixed(1)} s`);
    progress.update('the replica replays the load');
    await pair.caughtUp();

    const { secret, credentials } = runCredentials();
    const env = {
      NODE_ENV: 'production',
      FULIAN_JWT_SECRET: secret,
      FULIAN_RATE_LIMIT: 'false',
      FULIAN_EXPENSIVE_CONCURRENCY: '1000',
    };
    const replicaUrl = new URL(target.config.databaseUrl!);
    replicaUrl.port = String(pair.replica.port);
    const onPrimary = await serveGraph(target, env);
    served.push(onPrimary);
    const onReplica = await serveGraph(target, { ...env, DATABASE_READ_URL: replicaUrl.href });
    served.push(onReplica);

    const client = loopbackClient(onPrimary.url);
    const db = target.open();
    const context = operationContext(db, options.dataset, client.execute, credentials);
    const reads = [];
    let lag: LagSummary | null = null;
    let saves = null;
    try {
      for (const definition of OPERATIONS.filter(({ name }) => READS.includes(name))) {
        const operation = await definition.prepare(context);
        await operation.sync?.(client.execute);
        let next = operation.passLength;
        const runs = [];
        for (const graph of [onPrimary, onReplica]) {
          progress.update(`${definition.name}: ${graph === onPrimary ? 'primary' : 'replica'}`);
          const measured = await measureThroughput(
            graph.url,
            operation,
            next,
            options.connections,
            options.seconds,
          );
          next = measured.next;
          runs.push(measured.result);
          await graph.settle();
        }
        reads.push({ name: definition.name, primary: runs[0]!, replica: runs[1]! });
        progress.done(
          `${definition.name}: ${runs[0]!.requestsPerSecond} req/s on the primary, ${runs[1]!.requestsPerSecond} with the replica`,
        );
      }
      const save = OPERATIONS.find(({ name }) => name === 'save')!;
      const operation = await save.prepare(context);
      await operation.sync?.(client.execute);
      progress.update('save load, sampling the replica lag');
      const sampling = sampleLag(onReplica.url);
      saves = (
        await measureThroughput(
          onReplica.url,
          operation,
          operation.passLength,
          options.connections,
          options.seconds,
        )
      ).result;
      lag = await sampling.stop();
    } finally {
      client.close();
      await db.destroy();
    }
    const result = {
      startedAt: new Date().toISOString(),
      machine: { cpus: os.cpus().length, loadAverageStart, loadAverageEnd: os.loadavg() },
      dataset: options.dataset,
      connections: options.connections,
      seconds: options.seconds,
      reads,
      saves,
      lag,
    };
    const file = path.join(
      REPOSITORY_ROOT,
      'bench',
      'results',
      `${result.startedAt.slice(0, 10)}-replica.json`,
    );
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, `${JSON.stringify(result, null, 2)}\n`);
    return { result, file };
  } finally {
    for (const graph of served) await graph.stop();
    await pair.close();
  }
}

/** Asks /readyz for the replica's lag every 100 ms until stopped. */
function sampleLag(graphqlUrl: string): { stop(): Promise<LagSummary> } {
  const bytes: number[] = [];
  const ms: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const response = await fetch(new URL('/readyz', graphqlUrl)).catch(() => null);
      const body = (await response?.json().catch(() => null)) as {
        replica?: { lagBytes?: number; lagMs?: number };
      } | null;
      if (body?.replica?.lagBytes !== undefined) {
        bytes.push(body.replica.lagBytes);
        ms.push(body.replica.lagMs ?? 0);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  })();
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1] ?? 0;
  return {
    stop: async () => {
      running = false;
      await loop;
      return {
        samples: bytes.length,
        maxBytes: Math.max(0, ...bytes),
        p50Bytes: median(bytes),
        maxMs: Math.max(0, ...ms),
        p50Ms: median(ms),
      };
    },
  };
}

type ReplicaRun = Awaited<ReturnType<typeof runReplicaBench>>['result'];

/** The run as the Markdown table docs/performance.md keeps. */
export function formatReplicaResults(run: ReplicaRun): string {
  const cell = (result: ThroughputResult) =>
    `${result.requestsPerSecond} | ${result.latencyP50} / ${result.latencyP99}` +
    (result.failures > 0 ? ` (${result.failures} failed)` : '');
  const lines = [
    `${run.connections} connections, ${run.seconds} s per run; load average ${run.machine.loadAverageStart.map((value) => value.toFixed(2)).join(', ')} at the start, ${run.machine.loadAverageEnd.map((value) => value.toFixed(2)).join(', ')} at the end`,
    '',
    '| operation | primary only: req/s | p50 / p99 ms | reads on the replica: req/s | p50 / p99 ms |',
    '| --- | ---: | ---: | ---: | ---: |',
    ...run.reads.map((read) => `| ${read.name} | ${cell(read.primary)} | ${cell(read.replica)} |`),
  ];
  if (run.saves && run.lag) {
    lines.push(
      '',
      `save load (with the replica): ${cell(run.saves).replace(' | ', ' req/s, p50 / p99 ')} ms; ` +
        `replica lag over ${run.lag.samples} samples: median ${run.lag.p50Bytes} bytes / ${run.lag.p50Ms} ms, ` +
        `max ${run.lag.maxBytes} bytes / ${run.lag.maxMs} ms`,
    );
  }
  return lines.join('\n');
}
