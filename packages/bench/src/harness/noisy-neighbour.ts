import autocannon from 'autocannon';
import type { Target } from '../target.js';
import { serveGraph } from './http-load.js';
import { loopbackClient } from './loopback.js';
import { sample, type LatencySummary } from './measure.js';
import type { Execute, HttpRequest, PreparedOperation } from './operation.js';

/** What one caller's requests cost another's, both as the server's default limits allow. */
export interface NoisyNeighbourResult {
  seconds: number;
  /** The flood: one caller, many connections, the most expensive request it may send. */
  flood: {
    description: string;
    connections: number;
    /** Answered (HTTP 200), refused RATE_LIMITED (HTTP 429), and anything else. */
    answered: number;
    refused: number;
    other: number;
  };
  /** The other caller (one connection, `node`), alone and then beside the flood. */
  idle: { p50: number; p99: number; requests: number };
  loaded: { p50: number; p99: number; requests: number; failures: number };
  /** Beside the flood ÷ alone. */
  p50Ratio: number;
  p99Ratio: number;
}

export interface NoisyNeighbourOptions {
  /** The other caller's operation and its first request index. */
  victim: PreparedOperation;
  first: number;
  flood: { description: string; request: HttpRequest };
  floodConnections: number;
  seconds: number;
  /** What `fulian serve` needs besides its defaults (the token secret). */
  env: Record<string, string>;
}

/**
 * The noisy-neighbour scenario of docs/performance.md, on `fulian serve` with its default
 * limits (rate limit, statement time, expensive concurrency, held refusals): the other caller's
 * latency is measured alone, then while the flood runs, on the same server. The other caller's
 * requests go one at a time, timed to the microsecond (autocannon's whole milliseconds would
 * make a 1 ms request's ratio 1×, 2× or 3× and nothing between); the flood runs in a worker
 * thread, so its client's own work does not delay the measuring one's event loop.
 */
export async function measureNoisyNeighbour(
  target: Target,
  options: NoisyNeighbourOptions,
): Promise<{ result: NoisyNeighbourResult; next: number }> {
  const served = await serveGraph(target, { NODE_ENV: 'production', ...options.env });
  const client = loopbackClient(served.url);
  try {
    const idle = await timeVictim(client.execute, options, options.first);
    await served.settle();
    // The flood starts first and outlasts the measurement, so every measured request meets it.
    const flood = autocannon({
      url: served.url,
      method: 'POST',
      workers: 1,
      connections: options.floodConnections,
      duration: options.seconds + 1,
      headers: { 'content-type': 'application/json', ...options.flood.request.headers },
      body: JSON.stringify(options.flood.request.body),
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const loaded = await timeVictim(client.execute, options, idle.next);
    const statuses = countStatuses((await flood).statusCodeStats);
    await served.settle();
    const ratio = (beside: number, alone: number) =>
      alone > 0 ? Math.round((beside / alone) * 100) / 100 : 0;
    return {
      next: loaded.next,
      result: {
        seconds: options.seconds,
        flood: {
          description: options.flood.description,
          connections: options.floodConnections,
          ...statuses,
        },
        idle: { p50: idle.latency.p50, p99: idle.latency.p99, requests: idle.latency.samples },
        loaded: {
          p50: loaded.latency.p50,
          p99: loaded.latency.p99,
          requests: loaded.latency.samples,
          failures: loaded.failures,
        },
        p50Ratio: ratio(loaded.latency.p50, idle.latency.p50),
        p99Ratio: ratio(loaded.latency.p99, idle.latency.p99),
      },
    };
  } finally {
    client.close();
    await served.stop();
  }
}

/** The other caller's requests, one at a time for `seconds` after a short warm-up. */
async function timeVictim(
  execute: Execute,
  options: NoisyNeighbourOptions,
  first: number,
): Promise<{ latency: LatencySummary; next: number; failures: number }> {
  let failures = 0;
  const plan = {
    warmup: 20,
    iterations: Number.POSITIVE_INFINITY,
    budgetMs: options.seconds * 1_000,
    minIterations: 1,
  };
  const run = await sample(plan, first, async (index) => {
    try {
      const data = await execute(options.victim.request(index));
      options.victim.onData?.(index, data);
    } catch {
      // A refusal or an error still took the time it took; it is counted, not retried.
      failures += 1;
    }
  });
  return { ...run, failures };
}

/** The flood's answers by status: 200 answered, 429 refused RATE_LIMITED, the rest other. */
function countStatuses(stats: Record<string, { count?: number | string }> | undefined): {
  answered: number;
  refused: number;
  other: number;
} {
  const counts = { answered: 0, refused: 0, other: 0 };
  for (const [status, { count }] of Object.entries(stats ?? {})) {
    // autocannon's README shows the counts as strings.
    const requests = Number(count ?? 0);
    if (status === '200') counts.answered += requests;
    else if (status === '429') counts.refused += requests;
    else counts.other += requests;
  }
  return counts;
}
