import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ScaleName } from '../generate/scale.js';
import { REPOSITORY_ROOT, type DatabaseKind } from '../target.js';
import type { ThroughputResult } from './http-load.js';
import type { ScaleRun } from './run.js';
import { checkTargets, growth, rollupChecks, type Growth, type TargetCheck } from './targets.js';

/** bench/results/<date>-<db>.json: every scale run that day on that database, and their growth. */
export interface ResultsFile {
  date: string;
  database: DatabaseKind;
  runs: Partial<Record<ScaleName, ScaleRun>>;
  growth: Growth[];
  targets: TargetCheck[];
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
