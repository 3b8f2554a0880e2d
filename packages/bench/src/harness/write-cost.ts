import { performance } from 'node:perf_hooks';
import { sql, type Kysely } from 'kysely';
import { toGlobalId, type Database } from '@fulian/server';
import { companionReports, HUNAN_CODE } from '../operations/lookups.js';
import type { Progress } from '../progress.js';
import { summarize, type LatencySummary } from './measure.js';
import type { OperationContext } from './operation.js';

/**
 * What a report's workflow step costs, with the maintained totals kept in its transaction and
 * without them (the write path as it was before issue 15), measured in the same run.
 */
export interface WriteCostResult {
  description: string;
  /** Full cycles (five steps each) timed with the totals kept, and as many without. */
  cycles: number;
  steps: { step: WriteStep; withTotals: LatencySummary; withoutTotals: LatencySummary }[];
}

/** The steps of one cycle, in order: it ends where it started, a submitted village report. */
const STEPS = ['approve', 'unapprove', 'return', 'save', 'submit'] as const;
type WriteStep = (typeof STEPS)[number];

const TRANSITION = (field: string, input = 'SubmissionTransitionInput') =>
  `mutation($input: ${input}!) { ${field}(input: $input) { version } }`;

const DOCUMENTS: Record<WriteStep, string> = {
  approve: TRANSITION('approveSubmission'),
  unapprove: TRANSITION('unapproveSubmission'),
  return: TRANSITION('returnSubmission', 'ReturnSubmissionInput'),
  save: `mutation($input: SaveSubmissionValuesInput!) {
    saveSubmissionValues(input: $input) { submission { version } } }`,
  submit: TRANSITION('submitSubmission'),
};

/** Village reports the cycles take turns on. */
const LANES = 16;

interface Lane {
  id: number;
  version: number;
}

/**
 * Runs `cycles` cycles with the totals kept and as many without, alternating, over village
 * reports of the year in progress that are submitted (a village has nothing below it that an
 * approval waits for). Each cycle approves, unapproves, returns, reopens by a save of the
 * narrative, and submits one report: approve, unapprove, return and submit change what the
 * totals count; the save changes nothing they count. Without totals means
 * metric_total_min_depth() raised above every unit for that cycle, so the writers keep no
 * unit's total (one statement still finds that there is none); since a cycle ends in the
 * state it started from, the totals are exact again after it, and the cycles with totals
 * keep them up to date meanwhile. Each timed cycle follows an untimed one on the same setting.
 */
export async function measureWriteCost(
  { db, execute, credentials, currentYear: year }: OperationContext,
  cycles: number,
  progress: Progress,
): Promise<WriteCostResult> {
  const headers = await credentials('PROVINCE_ADMIN', HUNAN_CODE);
  const lanes: Lane[] = await companionReports(db, {
    year,
    level: 'VILLAGE',
    status: 'SUBMITTED',
    limit: LANES,
  });
  if (lanes.length === 0) throw new Error(`no submitted village report for ${year}`);

  const stepTimes = () => new Map<WriteStep, number[]>(STEPS.map((step) => [step, []]));
  const durations = { withTotals: stepTimes(), withoutTotals: stepTimes() };
  const cycle = async (lane: Lane, label: string, into: Map<WriteStep, number[]>) => {
    for (const step of STEPS) {
      const input: Record<string, unknown> = {
        id: toGlobalId('Submission', lane.id),
        expectedVersion: lane.version,
      };
      if (step === 'return') input.comment = 'bench: write cost';
      if (step === 'save') input.narrative = `bench ${label}`;
      const body = { query: DOCUMENTS[step], variables: { input } };
      const begin = performance.now();
      const data = (await execute({ body, headers })) as Record<
        string,
        { version?: number; submission?: { version: number } }
      >;
      into.get(step)!.push(performance.now() - begin);
      const answer = Object.values(data)[0]!;
      lane.version = answer.submission?.version ?? answer.version!;
    }
  };

  const kept = await sql<{ depth: number }>`SELECT metric_total_min_depth() AS depth`.execute(db);
  const storedFrom = kept.rows[0]!.depth;
  try {
    for (let index = 0; index < 2 * cycles; index += 1) {
      const withTotals = index % 2 === 0;
      progress.update(`write cost: cycle ${index + 1}/${2 * cycles}`);
      await storeTotalsFrom(db, withTotals ? storedFrom : NO_DEPTH);
      const lane = lanes[Math.floor(index / 2) % lanes.length]!;
      // Replacing the function invalidates every kept plan that inlined it (the writers'):
      // an untimed cycle plans them again, as a server that never switches has them planned.
      await cycle(lane, `warm-up ${index}`, stepTimes());
      await cycle(
        lane,
        `cycle ${index}`,
        withTotals ? durations.withTotals : durations.withoutTotals,
      );
    }
  } finally {
    await storeTotalsFrom(db, storedFrom);
  }
  const result: WriteCostResult = {
    description: `a village report of ${year} approved, unapproved, returned, reopened and submitted (${lanes.length} reports in turn), through the graph in process`,
    cycles,
    steps: STEPS.map((step) => ({
      step,
      withTotals: summarize(durations.withTotals.get(step)!),
      withoutTotals: summarize(durations.withoutTotals.get(step)!),
    })),
  };
  progress.done(
    `write cost: ${result.steps
      .map((s) => `${s.step} p50 ${s.withTotals.p50} ms (without totals ${s.withoutTotals.p50})`)
      .join(', ')}`,
  );
  return result;
}

/** A depth no unit reaches: from it down, no total is stored. */
const NO_DEPTH = 1_000;

/**
 * Sets the depth from which the units' totals are stored (metric_total_min_depth(),
 * migration 0007); the writers keep none stored at a depth no unit reaches.
 */
async function storeTotalsFrom(db: Kysely<Database>, depth: number): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION metric_total_min_depth() RETURNS integer
    LANGUAGE sql IMMUTABLE AS ${sql.raw(`'SELECT ${Math.trunc(depth)}'`)}`.execute(db);
}
