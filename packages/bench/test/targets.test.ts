import { describe, expect, it } from 'vitest';
import type { ResultsFile } from '../src/harness/report.js';
import { checkTargets } from '../src/harness/targets.js';

/** An operation as a run records it, with only what the targets read. */
function operation(name: string, p50: number, floorP50: number, rps16: number, floorRps16: number) {
  const http = (requestsPerSecond: number) => [{ connections: 16, requestsPerSecond, failures: 0 }];
  return {
    name,
    statements: 1,
    graphql: { p50, p95: p50 },
    sql: { p50: p50 / 2 },
    http: http(rps16),
    floor: {
      graphql: { p50: floorP50 },
      ratio: Math.round((p50 / floorP50) * 100) / 100,
      http: http(floorRps16),
    },
  };
}

describe('the targets the bench prints', () => {
  it('judges a ratio on its exact value, not on the two decimals it shows', () => {
    const runs = {
      hunan: {
        operations: [operation('tree', 5.01, 2.5, 100, 400), operation('node', 1, 1, 596, 1000)],
      },
    } as unknown as ResultsFile['runs'];
    const checks = new Map(checkTargets(runs).map((check) => [check.target, check]));
    // 5.01 ÷ 2.5 = 2.004, shown as 2: over the limit of 2.
    expect(checks.get("tree: p50 ÷ the floor's p50")).toMatchObject({ measured: 2, met: false });
    // 596 ÷ 1000 = 0.596, shown as 0.6: under the share of 0.6.
    expect(checks.get("node: req/s at 16 connections ÷ the floor's")).toMatchObject({
      measured: 0.6,
      met: false,
    });
    expect(checks.get("node: p50 ÷ the floor's p50")).toMatchObject({ measured: 1, met: true });
  });
});
