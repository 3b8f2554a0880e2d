import { performance } from 'node:perf_hooks';

/** How long to sample one operation in process. */
export interface SamplingPlan {
  /** Runs discarded before timing: JIT, plan caches and buffers warm up. */
  warmup: number;
  /** Timed runs wanted. */
  iterations: number;
  /** Stop early, after at least `minIterations`, once this much time has gone by. */
  budgetMs: number;
  minIterations: number;
}

export interface LatencySummary {
  /** Timed runs (warm-up runs are not counted). */
  samples: number;
  p50: number;
  p95: number;
  p99: number;
  mean: number;
  max: number;
}

/**
 * Runs `run(first)`, `run(first + 1)`, … one at a time: `warmup` times untimed, then timed
 * until the plan is met, and summarizes the wall-clock latencies in milliseconds. Returns the
 * summary and the next unused index.
 */
export async function sample(
  plan: SamplingPlan,
  first: number,
  run: (index: number) => Promise<unknown>,
): Promise<{ latency: LatencySummary; next: number }> {
  let index = first;
  for (; index < first + plan.warmup; index += 1) await run(index);
  const durations: number[] = [];
  const started = performance.now();
  while (
    durations.length < plan.iterations &&
    (durations.length < plan.minIterations || performance.now() - started < plan.budgetMs)
  ) {
    const begin = performance.now();
    await run(index);
    durations.push(performance.now() - begin);
    index += 1;
  }
  return { latency: summarize(durations), next: index };
}

/**
 * Like `sample`, for several ways of answering the same request (ours and the floor): each
 * index is run by every one in turn, so a change in the machine's load falls on all of them
 * alike. Returns one summary per runner, in order.
 */
export async function sampleInterleaved(
  plan: SamplingPlan,
  first: number,
  runners: readonly ((index: number) => Promise<unknown>)[],
): Promise<{ latencies: LatencySummary[]; next: number }> {
  let index = first;
  for (; index < first + plan.warmup; index += 1) {
    for (const run of runners) await run(index);
  }
  const durations: number[][] = runners.map(() => []);
  const started = performance.now();
  const timed = () => durations[0]!.length;
  while (
    timed() < plan.iterations &&
    (timed() < plan.minIterations || performance.now() - started < plan.budgetMs)
  ) {
    for (const [which, run] of runners.entries()) {
      const begin = performance.now();
      await run(index);
      durations[which]!.push(performance.now() - begin);
    }
    index += 1;
  }
  return { latencies: durations.map(summarize), next: index };
}

export function summarize(durations: readonly number[]): LatencySummary {
  const sorted = [...durations].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    samples: sorted.length,
    p50: round(percentile(sorted, 0.5)),
    p95: round(percentile(sorted, 0.95)),
    p99: round(percentile(sorted, 0.99)),
    mean: round(sorted.length ? total / sorted.length : 0),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
}

/** Nearest-rank percentile of sorted values. */
function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(fraction * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function round(value: number): number {
  return Math.round(value * 1000) / 1000;
}
