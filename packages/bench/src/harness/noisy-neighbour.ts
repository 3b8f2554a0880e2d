import autocannon from 'autocannon';
import type { Target } from '../target.js';
import { measureThroughput, serveGraph } from './http-load.js';
import type { HttpRequest, PreparedOperation } from './operation.js';

/** What one caller's requests cost another's, both as the server's default limits allow. */
export interface NoisyNeighbourResult {
  seconds: number;
  /** The flood: one caller, many connections, the most expensive request it may send. */
  flood: {
    description: string;
    connections: number;
    /** Answered with data, refused RATE_LIMITED (HTTP 429), and anything else. */
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
 * limits (rate limit, statement time, expensive concurrency): the other caller's latency is
 * measured alone, then while the flood runs, on the same server.
 */
export async function measureNoisyNeighbour(
  target: Target,
  options: NoisyNeighbourOptions,
): Promise<{ result: NoisyNeighbourResult; next: number }> {
  const served = await serveGraph(target, { NODE_ENV: 'production', ...options.env });
  try {
    const idle = await measureThroughput(
      served.url,
      options.victim,
      options.first,
      1,
      options.seconds,
    );
    await served.settle();
    const statuses = { answered: 0, refused: 0, other: 0 };
    // The flood starts first and outlasts the measurement, so every measured request meets it.
    const flood = autocannon({
      url: served.url,
      method: 'POST',
      connections: options.floodConnections,
      duration: options.seconds + 1,
      headers: { 'content-type': 'application/json', ...options.flood.request.headers },
      body: JSON.stringify(options.flood.request.body),
      requests: [
        {
          onResponse: (status, body) => {
            if (status === 429) statuses.refused += 1;
            else if (status === 200 && !body.includes('"errors"')) statuses.answered += 1;
            else statuses.other += 1;
          },
        },
      ],
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const loaded = await measureThroughput(
      served.url,
      options.victim,
      idle.next,
      1,
      options.seconds,
    );
    await flood;
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
        idle: {
          p50: idle.result.latencyP50,
          p99: idle.result.latencyP99,
          requests: idle.result.requests,
        },
        loaded: {
          p50: loaded.result.latencyP50,
          p99: loaded.result.latencyP99,
          requests: loaded.result.requests,
          failures: loaded.result.failures,
        },
        p50Ratio: ratio(loaded.result.latencyP50, idle.result.latencyP50),
        p99Ratio: ratio(loaded.result.latencyP99, idle.result.latencyP99),
      },
    };
  } finally {
    await served.stop();
  }
}
