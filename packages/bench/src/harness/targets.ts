import type { DatabaseKind } from '../target.js';
import type { ResultsFile } from './report.js';
import type { ThroughputResult } from './http-load.js';
import type { OperationResult, ScaleRun } from './run.js';

/** The issues' targets, checked against a day's results: what `fulian-bench run` prints under its tables. */

export interface Growth {
  operation: string;
  hunanP50: number;
  nationalP50: number;
  /** National p50 ÷ Hunan p50. */
  ratio: number;
  hunanStatements: number;
  nationalStatements: number;
}

/** One target of the issue, as this run measured it. */
export interface TargetCheck {
  target: string;
  measured: number;
  limit: number;
  met: boolean;
}

/** Each operation measured at both scales: national p50 ÷ Hunan p50. */
export function growth(runs: ResultsFile['runs']): Growth[] {
  const { hunan, national } = runs;
  if (!hunan || !national) return [];
  return hunan.operations.flatMap((small) => {
    const large = national.operations.find((operation) => operation.name === small.name);
    if (!large) return [];
    return [
      {
        operation: small.name,
        hunanP50: small.graphql.p50,
        nationalP50: large.graphql.p50,
        ratio: small.graphql.p50 > 0 ? round2(large.graphql.p50 / small.graphql.p50) : 0,
        hunanStatements: small.statements,
        nationalStatements: large.statements,
      },
    ];
  });
}

/** The targets: GraphQL ÷ SQL and p95 at Hunan scale, growth to national scale. */
export function checkTargets(runs: ResultsFile['runs']): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const hunan = runs.hunan;
  if (hunan) {
    for (const operation of hunan.operations) {
      const ratioLimit = RATIO_LIMITS[operation.name];
      if (ratioLimit !== undefined) {
        checks.push(
          ratioCheck(
            `${operation.name}: GraphQL ÷ SQL (p50) at Hunan scale`,
            operation.graphql.p50 / operation.sql.p50,
            ratioLimit,
          ),
        );
      }
      checks.push(...floorChecks(operation));
      checks.push({
        target: `${operation.name}: p95 at Hunan scale, ms`,
        measured: operation.graphql.p95,
        limit: P95_LIMIT_MS,
        met: operation.graphql.p95 <= P95_LIMIT_MS,
      });
    }
  }
  const noisy = hunan?.noisyNeighbour;
  if (noisy) {
    checks.push(
      {
        target: 'noisy neighbour: node p50 beside the flood ÷ alone',
        measured: noisy.p50Ratio,
        limit: 2,
        met: noisy.p50Ratio <= 2,
      },
      {
        target: 'noisy neighbour: node p99 beside the flood ÷ alone',
        measured: noisy.p99Ratio,
        limit: 5,
        met: noisy.p99Ratio <= 5,
      },
    );
  }
  for (const entry of growth(runs)) {
    if (!GROWTH_LIMITED.includes(entry.operation)) continue;
    checks.push(
      ratioCheck(
        `${entry.operation}: national p50 ÷ Hunan p50`,
        entry.nationalP50 / entry.hunanP50,
        GROWTH_LIMIT,
      ),
    );
  }
  return checks;
}

const RATIO_LIMITS: Record<string, number> = {
  tree: 3,
  rollup: 1.5,
  'ratio-rollup': 1.5,
  ranking: 1.5,
  completeness: 1.5,
};
const P95_LIMIT_MS = 100;

/** Issue 14: our p50 ÷ the floor's p50, measured interleaved. */
const FLOOR_RATIO_LIMITS: Record<string, number> = {
  node: 1.5,
  page: 1.5,
  tree: 2,
  completeness: 2,
};
/** Issue 14: requests per second at 16 connections, twice the figures of commit 0e8b818. */
const THROUGHPUT_AT_16: Record<string, number> = { node: 1720, page: 710, tree: 79.6 };
/** Issue 14: `node` at 16 connections, at least this share of the floor's requests per second. */
const NODE_FLOOR_SHARE = 0.6;

function floorChecks(operation: OperationResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const limit = FLOOR_RATIO_LIMITS[operation.name];
  if (limit !== undefined && operation.floor) {
    checks.push(
      ratioCheck(
        `${operation.name}: p50 ÷ the floor's p50`,
        operation.graphql.p50 / operation.floor.graphql.p50,
        limit,
      ),
    );
  }
  const at16 = operation.http.find((run) => run.connections === 16);
  const wanted = THROUGHPUT_AT_16[operation.name];
  if (at16 && wanted !== undefined) {
    checks.push({
      target: `${operation.name}: req/s at 16 connections`,
      measured: at16.requestsPerSecond,
      limit: wanted,
      met: at16.failures === 0 && at16.requestsPerSecond >= wanted,
    });
  }
  const floorAt16 = operation.floor?.http.find((run) => run.connections === 16);
  if (operation.name === 'node' && at16 && floorAt16 && floorAt16.requestsPerSecond > 0) {
    const share = at16.requestsPerSecond / floorAt16.requestsPerSecond;
    checks.push({
      target: "node: req/s at 16 connections ÷ the floor's",
      measured: round2(share),
      limit: NODE_FLOOR_SHARE,
      met: share >= NODE_FLOOR_SHARE,
    });
  }
  return checks;
}
const GROWTH_LIMITED = ['rollup-country', 'ranking'];
const GROWTH_LIMIT = 3;

/** Issue 15: the province's roll-ups and ranking, read from the maintained totals. */
const ROLLUPS = ['rollup', 'ratio-rollup', 'ranking', 'rollup-country'];
const ROLLUP_P50_MS: Record<DatabaseKind, number> = { postgres: 10, pglite: 25 };
const ROLLUP_P95_MS = 20;
/** The roll-up by city costs at most this many single-organization lookups of the same run… */
const ROLLUP_NODE_LOOKUPS = 4;
/** …in at most this many statements. */
const ROLLUP_STATEMENTS = 2;
const NATIONAL_COUNTRY_P50_MS = 20;
/** Every operation scoped to one province, national p50 ÷ Hunan p50. */
const PROVINCE_SCOPED_GROWTH = 1.5;
const NOT_PROVINCE_SCOPED = ['rollup-country', 'search'];

export function rollupChecks(database: DatabaseKind, runs: ResultsFile['runs']): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const check = (target: string, measured: number, limit: number) =>
    checks.push({ target, measured, limit, met: measured <= limit });
  const { hunan, national } = runs;
  const byName = (run: ScaleRun | undefined, name: string) =>
    run?.operations.find((operation) => operation.name === name);
  for (const name of ROLLUPS) {
    const operation = byName(hunan, name);
    if (!operation) continue;
    check(`${name}: p50 at Hunan scale, ms`, operation.graphql.p50, ROLLUP_P50_MS[database]);
    if (database === 'postgres') {
      check(`${name}: p95 at Hunan scale, ms`, operation.graphql.p95, ROLLUP_P95_MS);
    }
  }
  const rollup = byName(hunan, 'rollup');
  const node = byName(hunan, 'node');
  const rollupServed = servedAtOne(rollup);
  const nodeServed = servedAtOne(node);
  if (rollupServed && nodeServed) {
    checks.push(
      ratioCheck(
        'rollup: time served over HTTP at one connection ÷ node',
        nodeServed.requestsPerSecond / rollupServed.requestsPerSecond,
        ROLLUP_NODE_LOOKUPS,
      ),
    );
  }
  if (rollup) check('rollup: statements', rollup.statements, ROLLUP_STATEMENTS);
  const country = byName(national, 'rollup-country');
  if (country && database === 'postgres') {
    check(
      'rollup-country: p50 at national scale, ms',
      country.graphql.p50,
      NATIONAL_COUNTRY_P50_MS,
    );
  }
  for (const entry of growth(runs)) {
    if (NOT_PROVINCE_SCOPED.includes(entry.operation)) continue;
    checks.push(
      ratioCheck(
        `${entry.operation}: national p50 ÷ Hunan p50 (one province)`,
        entry.nationalP50 / entry.hunanP50,
        PROVINCE_SCOPED_GROWTH,
      ),
    );
  }
  return checks;
}

/**
 * The issue counts the roll-up in lookups "over HTTP": at one connection a request's time is
 * 1 ÷ its requests per second. Not the in-process p50s: there each roll-up is timed
 * interleaved with its oracle floor, a whole-subtree statement, which inflates it 1.3–2.5×.
 */
function servedAtOne(operation: OperationResult | undefined): ThroughputResult | undefined {
  return operation?.http.find((entry) => entry.connections === 1 && entry.requestsPerSecond > 0);
}

/** A ratio at most `limit`, judged on its exact value: 2.004 shows as 2 and is not met. */
function ratioCheck(target: string, ratio: number, limit: number): TargetCheck {
  return { target, measured: round2(ratio), limit, met: ratio <= limit };
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
