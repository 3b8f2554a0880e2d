import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/auth/viewer.js';
import type { MetricScope, Qualifier, SubmissionStatus } from '../src/db/tables.js';
import { compareDecimal } from '../src/lib/decimal.js';
import { aggregateQuery } from '../src/modules/aggregation/aggregation.figures-statement.js';
import { totalsQuery } from '../src/modules/aggregation/aggregation.totals-statement.js';
import { toGlobalId } from '../src/graph/global-id.js';
import { verifyTotals } from '../src/modules/aggregation/aggregation.verify.js';
import { findDefinitions } from '../src/modules/metric/metric.repository.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import {
  HAND_TOWNS,
  HAND_TREE,
  seedHandTree,
  seedTemplate,
  seedTestMetrics,
  staff,
  yearSpec,
} from './helpers/reporting.js';
import {
  APPROVE,
  CREATE,
  RETURN,
  SAVE,
  SUBMIT,
  UNAPPROVE,
} from './helpers/submission-operations.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
let admin: Viewer;

/**
 * Two cities, three counties and, below 430101, two townships and a village: a chain of four
 * stored units, as the bench's village reports have, so a change is carried through three.
 */
const UNITS = [
  '4301',
  '4302',
  '430101',
  '430102',
  '430201',
  '430101001',
  '430101002',
  '430101001001',
];
const PERIODS = ['2020', '2021'];
/** The test catalogue's sums and ratio, and a MAX and an AVERAGE metric added here. */
const METRICS = [
  'test.sessions',
  'test.sales',
  'test.members',
  'test.women_members',
  'test.women_share',
  'test.peak',
  'test.mean',
];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db, [...HAND_TREE, ...HAND_TOWNS]);
  await seedTestMetrics(database.db);
  const base = { description: null, numerator_code: null, denominator_code: null, factor: null };
  await database.db
    .insertInto('metric_definition')
    .values([
      {
        ...base,
        code: 'test.peak',
        name_zh: '最大班额',
        name_en: 'Largest class',
        unit: 'PERSON',
        value_type: 'INTEGER',
        time_aggregation: 'LAST',
        tree_aggregation: 'MAX',
      },
      {
        ...base,
        code: 'test.mean',
        name_zh: '平均销售额',
        name_en: 'Mean sales',
        unit: 'YUAN',
        value_type: 'DECIMAL',
        time_aggregation: 'AVERAGE',
        tree_aggregation: 'AVERAGE',
      },
    ])
    .execute();
  await seedTemplate(
    database.db,
    'test-annual',
    ['CITY', 'COUNTY', 'TOWNSHIP', 'VILLAGE'],
    METRICS,
  );
  admin = await staff(database.db, 'PROVINCE_ADMIN', '43');
  ({ execute } = await createGraphQLClient(database));
});
afterAll(() => database.close());

interface Figure {
  metric: string;
  value: string;
  qualifier: Qualifier;
  scope: MetricScope;
}

type Operation =
  | { kind: 'save'; unit: string; period: string; values: Figure[]; remove: string[] }
  | { kind: 'file'; unit: string; period: string; values: Figure[] }
  | {
      kind: 'submit' | 'approve' | 'return' | 'unapprove';
      unit: string;
      period: string;
    };

const figure: fc.Arbitrary<Figure> = fc.record({
  metric: fc.constantFrom(...METRICS),
  value: fc.integer({ min: 0, max: 100 }).map(String),
  qualifier: fc.constantFrom<Qualifier>('EXACT', 'EXACT', 'AT_LEAST', 'ABOUT'),
  scope: fc.constantFrom<MetricScope>('SELF', 'SELF', 'SUBTREE'),
});

const operation: fc.Arbitrary<Operation> = fc.oneof(
  fc.record({
    kind: fc.constant('save' as const),
    unit: fc.constantFrom(...UNITS),
    period: fc.constantFrom(...PERIODS),
    values: fc.uniqueArray(figure, { selector: (f) => f.metric, maxLength: 4 }),
    remove: fc.uniqueArray(fc.constantFrom(...METRICS), { maxLength: 1 }),
  }),
  // A report saved, submitted and approved in turn, so approvals (and the SUBTREE figures
  // that cut what units below add) are common enough to meet each other.
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('file' as const),
      unit: fc.constantFrom(...UNITS),
      period: fc.constantFrom(...PERIODS),
      values: fc.uniqueArray(figure, { selector: (f) => f.metric, minLength: 1, maxLength: 4 }),
    }),
  },
  fc.record({
    kind: fc.constantFrom('submit' as const, 'approve' as const, 'return' as const),
    unit: fc.constantFrom(...UNITS),
    period: fc.constantFrom(...PERIODS),
  }),
  fc.record({
    kind: fc.constant('unapprove' as const),
    unit: fc.constantFrom(...UNITS),
    period: fc.constantFrom(...PERIODS),
  }),
);

/** The unit's report for the period as it now is: its global id and version, if any. */
async function current(unit: string, period: string) {
  const row = await database.db
    .selectFrom('submission')
    .innerJoin('organization', 'organization.id', 'submission.organization_id')
    .select(['submission.id', 'submission.version'])
    .where('organization.code', '=', unit)
    .where('submission.period', '=', period)
    .executeTakeFirst();
  return row ? { id: toGlobalId('Submission', row.id), version: row.version } : null;
}

const STEPS = { submit: SUBMIT, approve: APPROVE, return: RETURN, unapprove: UNAPPROVE };

/** Runs one operation as a client would; refusals (stale version, wrong status) are fine. */
async function run(op: Operation): Promise<unknown[]> {
  if (op.kind === 'file') {
    const saved = await run({ ...op, kind: 'save', remove: [] });
    if (saved.length > 0) return saved;
    const submitted = await run({ ...op, kind: 'submit' });
    return submitted.length > 0 ? submitted : run({ ...op, kind: 'approve' });
  }
  let report = await current(op.unit, op.period);
  if (op.kind === 'save') {
    if (!report) {
      const created = await execute(
        CREATE,
        { input: { template: 'test-annual', organization: op.unit, period: op.period } },
        admin,
      );
      if (created.errors) return errorCodes(created);
      report = await current(op.unit, op.period);
    }
    const remove = op.remove.filter((metric) => !op.values.some((f) => f.metric === metric));
    // A percentage over 100 is refused; the values here stay within it.
    const result = await execute(
      SAVE,
      { input: { id: report!.id, expectedVersion: report!.version, values: op.values, remove } },
      admin,
    );
    return errorCodes(result);
  }
  if (!report) return [];
  const result = await execute(
    STEPS[op.kind],
    {
      input: {
        id: report.id,
        expectedVersion: report.version,
        ...(op.kind === 'return' ? { comment: 'fix it' } : {}),
      },
    },
    admin,
  );
  return errorCodes(result);
}

/** The columns a read without the breakdown gives (AggregateSpec.breakdown), numbers first. */
const NUMERIC_COLUMNS = ['value', 'numerator', 'denominator'] as const;
const OTHER_COLUMNS = [
  'qualifiers',
  'numerator_qualifiers',
  'denominator_qualifiers',
  'numerator_unpaired',
  'denominator_unpaired',
  'contributing',
  'covered',
  'unpaired',
] as const;

/**
 * Where a roll-up of the cities or counties that reads their stored rows (no breakdown asked)
 * differs from the figures' statement, the oracle: verify compares the totals the step
 * computes from the children's rows, this the stored rows themselves.
 */
async function storedReadDifferences(): Promise<unknown[]> {
  // A qualifier set is a set: its order does not matter.
  const comparable = (value: unknown) =>
    JSON.stringify(Array.isArray(value) ? [...value].sort() : value);
  const differences: unknown[] = [];
  for (const metric of await findDefinitions(database.db, METRICS)) {
    for (const period of PERIODS) {
      for (const statuses of [['APPROVED'], ['APPROVED', 'SUBMITTED']] as SubmissionStatus[][]) {
        for (const level of ['CITY', 'COUNTY', 'TOWNSHIP'] as const) {
          const spec = yearSpec(metric, { periods: [period], statuses, breakdown: false });
          const groups = { kind: 'level', level, window: null } as const;
          const figures = (await aggregateQuery(spec, groups).execute(database.db)).rows;
          const stored = (await totalsQuery(spec, groups).execute(database.db)).rows;
          figures.forEach((row, index) => {
            const read = stored[index]!;
            const numbers = NUMERIC_COLUMNS.filter((column) =>
              row[column] === null || read[column] === null
                ? row[column] !== read[column]
                : compareDecimal(row[column]!, read[column]!) !== 0,
            );
            const others = OTHER_COLUMNS.filter(
              (column) => comparable(row[column]) !== comparable(read[column]),
            );
            for (const column of [...numbers, ...others]) {
              differences.push({ metric: metric.code, period, statuses, path: row.path, column });
            }
          });
        }
      }
    }
  }
  return differences;
}

/**
 * The stored totals that a rebuild (metric_total_rebuild: every unit recomputed with the step,
 * level by level from the figures) does not give, and those it gives that are not stored, in a
 * transaction rolled back afterwards. The writers carry changes up the chain as differences;
 * a row they leave that no figure supports reads as an empty total, so only this finds it.
 */
async function rebuiltDifferences(): Promise<unknown[]> {
  const rolledBack = new Error('rolled back');
  let differences: unknown[] = [];
  await database.db
    .transaction()
    .execute(async (trx) => {
      await sql`CREATE TEMP TABLE stored_total ON COMMIT DROP AS SELECT * FROM metric_total`.execute(
        trx,
      );
      await sql`SELECT metric_total_rebuild()`.execute(trx);
      ({ rows: differences } = await sql`
        (SELECT 'stored' AS side, * FROM stored_total EXCEPT SELECT 'stored', * FROM metric_total)
        UNION ALL
        (SELECT 'rebuilt', * FROM metric_total EXCEPT SELECT 'rebuilt', * FROM stored_total)`.execute(
        trx,
      ));
      throw rolledBack;
    })
    .catch((error: unknown) => {
      if (error !== rolledBack) throw error;
    });
  return differences;
}

describe('maintained totals', () => {
  it(`stay equal to the figures' statement through random saves, submits, approvals, returns and unapprovals${onPostgres ? ', run concurrently' : ''}`, async () => {
    // Every batch runs at once: on PostgreSQL the writers race for the same units' totals.
    const batches = fc.array(fc.array(operation, { minLength: 1, maxLength: 4 }), {
      minLength: 1,
      maxLength: 6,
    });
    await fc.assert(
      fc.asyncProperty(batches, async (sequence) => {
        for (const batch of sequence) {
          const codes = (await Promise.all(batch.map(run))).flat();
          // A deadlock or any other failure would be INTERNAL.
          for (const code of codes) expect(['CONFLICT', 'LOCKED']).toContain(code);
        }
        const { differences, compared } = await verifyTotals(database.db, {
          within: null,
          period: null,
        });
        expect(differences).toEqual([]);
        expect(await storedReadDifferences()).toEqual([]);
        expect(await rebuiltDifferences()).toEqual([]);
        return compared >= 0;
      }),
      { seed: 1515, numRuns: 25, endOnFailure: true },
    );
    // The runs reached approvals: totals were kept, not just empty on both sides.
    const approved = await database.db
      .selectFrom('metric_total')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('basis', '=', 'APPROVED')
      .executeTakeFirstOrThrow();
    expect(Number(approved.count)).toBeGreaterThan(0);
  }, 300_000);

  it('answers a roll-up in the request after an approval with the approved figure', async () => {
    const { id } = (await current('430301', '2022')) ?? { id: null };
    expect(id).toBeNull();
    const created = await execute(
      CREATE,
      { input: { template: 'test-annual', organization: '430301', period: '2022' } },
      admin,
    );
    const draft = created.data.createSubmission.submission.id;
    await execute(
      SAVE,
      {
        input: {
          id: draft,
          expectedVersion: 1,
          values: [{ metric: 'test.sessions', value: '17' }],
        },
      },
      admin,
    );
    await execute(SUBMIT, { input: { id: draft, expectedVersion: 2 } }, admin);
    const read = () =>
      execute(`{ rollup(metric: "test.sessions", period: "2022", groupBy: PROVINCE) {
        edges { node { value } } } }`);
    expect((await read()).data.rollup.edges[0].node.value).toBeNull();
    const approved = await execute(APPROVE, { input: { id: draft, expectedVersion: 3 } }, admin);
    expect(approved.errors).toBeUndefined();
    expect((await read()).data.rollup.edges[0].node.value).toBe('17');
    await execute(UNAPPROVE, { input: { id: draft, expectedVersion: 4 } }, admin);
    expect((await read()).data.rollup.edges[0].node.value).toBeNull();
  });
});
