import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScaleName } from '../generate/scale.js';
import { REPOSITORY_ROOT, type DatabaseKind } from '../target.js';
import type { ThroughputResult } from './http-load.js';
import type { OperationResult, ScaleRun } from './run.js';

/** bench/results/<date>-<db>.json: every scale run that day on that database, and their growth. */
export interface ResultsFile {
  date: string;
  database: DatabaseKind;
  runs: Partial<Record<ScaleName, ScaleRun>>;
  growth: Growth[];
  targets: TargetCheck[];
}

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

export const RESULTS_DIR = path.join(REPOSITORY_ROOT, 'bench', 'results');

/**
 * Adds this run to the day's results file for its database (keeping that day's run of the
 * other scale, so growth compares the two) and writes it. Returns the file and its path.
 */
export async function saveResults(
  database: DatabaseKind,
  run: ScaleRun,
  scale: ScaleName,
  dir = RESULTS_DIR,
): Promise<{ file: ResultsFile; path: string }> {
  const date = run.startedAt.slice(0, 10);
  const filePath = path.join(dir, `${date}-${database}.json`);
  const previous = await readFile(filePath, 'utf8')
    .then((text) => JSON.parse(text) as ResultsFile)
    .catch(() => null);
  const runs = { ...previous?.runs, [scale]: run };
  const file: ResultsFile = {
    date,
    database,
    runs,
    growth: growth(runs),
    targets: [...checkTargets(runs), ...rollupChecks(database, runs)],
  };
  await mkdir(dir, { recursive: true });
  await writeFile(filePath, `${JSON.stringify(file, null, 2)}\n`);
  return { file, path: filePath };
}

function growth(runs: ResultsFile['runs']): Growth[] {
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
function checkTargets(runs: ResultsFile['runs']): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const hunan = runs.hunan;
  if (hunan) {
    for (const operation of hunan.operations) {
      const ratioLimit = RATIO_LIMITS[operation.name];
      if (ratioLimit !== undefined) {
        checks.push({
          target: `${operation.name}: GraphQL ÷ SQL (p50) at Hunan scale`,
          measured: operation.ratio,
          limit: ratioLimit,
          met: operation.ratio <= ratioLimit,
        });
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
    checks.push({
      target: `${entry.operation}: national p50 ÷ Hunan p50`,
      measured: entry.ratio,
      limit: GROWTH_LIMIT,
      met: entry.ratio <= GROWTH_LIMIT,
    });
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
    checks.push({
      target: `${operation.name}: p50 ÷ the floor's p50`,
      measured: operation.floor.ratio,
      limit,
      met: operation.floor.ratio <= limit,
    });
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
    const share = round2(at16.requestsPerSecond / floorAt16.requestsPerSecond);
    checks.push({
      target: "node: req/s at 16 connections ÷ the floor's",
      measured: share,
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

function rollupChecks(database: DatabaseKind, runs: ResultsFile['runs']): TargetCheck[] {
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
  if (rollup && node && node.graphql.p50 > 0) {
    check(
      'rollup: p50 ÷ node p50',
      round2(rollup.graphql.p50 / node.graphql.p50),
      ROLLUP_NODE_LOOKUPS,
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
    check(
      `${entry.operation}: national p50 ÷ Hunan p50 (one province)`,
      entry.ratio,
      PROVINCE_SCOPED_GROWTH,
    );
  }
  return checks;
}

/** The results as plain-text tables, for stdout and docs/performance.md. */
export function formatResults(file: ResultsFile): string {
  const sections: string[] = [];
  for (const [scale, run] of Object.entries(file.runs)) {
    if (!run) continue;
    const connections = run.settings.connections;
    const header = [
      'operation',
      'stmts',
      'p50 ms',
      'p95 ms',
      'p99 ms',
      'SQL p50',
      'GraphQL÷SQL',
      ...connections.map((count) => `req/s @${count}`),
      'floor p50',
      '÷floor',
      ...connections.map((count) => `floor @${count}`),
    ];
    const rows = run.operations.map((operation) => [
      operation.name,
      String(operation.statements),
      fixed(operation.graphql.p50),
      fixed(operation.graphql.p95),
      fixed(operation.graphql.p99),
      fixed(operation.sql.p50),
      `${operation.ratio.toFixed(2)}×`,
      ...connections.map((count) =>
        throughput(operation.http.find((entry) => entry.connections === count)),
      ),
      operation.floor ? fixed(operation.floor.graphql.p50) : '–',
      operation.floor ? `${operation.floor.ratio.toFixed(2)}×` : '–',
      ...connections.map((count) =>
        throughput(operation.floor?.http.find((entry) => entry.connections === count)),
      ),
    ]);
    const rowCounts = Object.entries(run.dataset.rows)
      .map(([table, count]) => `${table} ${count.toLocaleString('en-US')}`)
      .join(', ');
    sections.push(
      `${scale} on ${run.database.kind} — ${rowCounts}\n` +
        `load average ${run.machine.loadAverageStart.join(' ')} → ${run.machine.loadAverageEnd.join(' ')}, ` +
        `${run.machine.cpus} CPUs, commit ${run.commit ?? 'unknown'}\n\n` +
        table(header, rows),
    );
  }
  for (const [scale, run] of Object.entries(file.runs)) {
    const noisy = run?.noisyNeighbour;
    if (!noisy) continue;
    sections.push(
      `noisy neighbour, ${scale}: ${noisy.flood.description} on ${noisy.flood.connections} connections ` +
        `(${noisy.flood.answered} answered, ${noisy.flood.refused} refused RATE_LIMITED, ${noisy.flood.other} other), ` +
        `node on 1 connection for ${noisy.seconds} s\n\n` +
        table(
          ['node', 'p50 ms', 'p99 ms', 'requests'],
          [
            ['alone', fixed(noisy.idle.p50), fixed(noisy.idle.p99), String(noisy.idle.requests)],
            [
              'beside the flood',
              fixed(noisy.loaded.p50),
              fixed(noisy.loaded.p99),
              String(noisy.loaded.requests),
            ],
            ['ratio', `${noisy.p50Ratio.toFixed(2)}×`, `${noisy.p99Ratio.toFixed(2)}×`, ''],
          ],
        ),
    );
  }
  for (const [scale, run] of Object.entries(file.runs)) {
    const exported = run?.villageExport;
    if (!exported) continue;
    sections.push(
      `export, ${scale}: ${exported.description}: ${exported.rows} rows, ` +
        `${(exported.bytes / 2 ** 20).toFixed(1)} MiB written in ${exported.seconds} s; ` +
        `bench process RSS ${exported.rssBeforeMiB} MiB before, ${exported.rssPeakMiB} MiB at its peak`,
    );
  }
  for (const [scale, run] of Object.entries(file.runs)) {
    const writes = run?.writeCost;
    if (!writes) continue;
    sections.push(
      `write cost, ${scale}: ${writes.description}; ${writes.cycles} cycles with the totals kept, ` +
        `${writes.cycles} without (the write path before them), alternating\n\n` +
        table(
          ['step', 'p50 ms', 'p95 ms', 'without totals p50', 'p95', 'ratio'],
          writes.steps.map(({ step, withTotals, withoutTotals }) => [
            step,
            fixed(withTotals.p50),
            fixed(withTotals.p95),
            fixed(withoutTotals.p50),
            fixed(withoutTotals.p95),
            `${(withTotals.p50 / withoutTotals.p50).toFixed(2)}×`,
          ]),
        ),
    );
  }
  if (file.growth.length > 0) {
    sections.push(
      'growth, Hunan → national (p50)\n\n' +
        table(
          ['operation', 'Hunan ms', 'national ms', 'ratio', 'stmts'],
          file.growth.map((entry) => [
            entry.operation,
            fixed(entry.hunanP50),
            fixed(entry.nationalP50),
            `${entry.ratio.toFixed(2)}×`,
            `${entry.hunanStatements} → ${entry.nationalStatements}`,
          ]),
        ),
    );
  }
  if (file.targets.length > 0) {
    sections.push(
      `targets (set for PostgreSQL; this is ${file.database})\n\n` +
        table(
          ['target', 'measured', 'limit', ''],
          file.targets.map((check) => [
            check.target,
            String(check.measured),
            String(check.limit),
            check.met ? 'met' : 'MISSED',
          ]),
        ),
    );
  }
  return sections.join('\n\n');
}

function throughput(run: ThroughputResult | undefined): string {
  if (!run) return '–';
  return run.failures > 0
    ? `${run.requestsPerSecond} (${run.failures} failed)`
    : String(run.requestsPerSecond);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((title, column) =>
    Math.max(width(title), ...rows.map((row) => width(row[column] ?? ''))),
  );
  const line = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column === 0 ? pad(cell, widths[column]!, 'end') : pad(cell, widths[column]!, 'start'),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** Display width: CJK characters take two columns. */
function width(text: string): number {
  let total = 0;
  for (const char of text) total += /[\u3000-\u9fff\uff00-\uffef]/.test(char) ? 2 : 1;
  return total;
}

function pad(text: string, to: number, side: 'start' | 'end'): string {
  const fill = ' '.repeat(Math.max(0, to - width(text)));
  return side === 'start' ? fill + text : text + fill;
}

function fixed(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
