import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/auth/viewer.js';
import type { MetricScope, Qualifier } from '../src/db/tables.js';
import type { Basis } from '../src/modules/aggregation/aggregation.totals.js';
import { verifyTotals } from '../src/modules/aggregation/aggregation.verify.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import {
  HAND_TOWNS,
  HAND_TREE,
  seedHandTree,
  seedTemplate,
  seedTestMetrics,
  staff,
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

/**
 * The writers carry a change up the chain (village, township 430101001, county 430101, city
 * 4301) as a difference of the stored rows where it follows from them (migration 0018), and
 * recompute a unit's row with the step where it does not: an extreme or a qualifier that the
 * changed report may have been the last to hold. Each case below needs one or the other at a
 * known unit; the rows are checked against hand-computed values and verify (the figures'
 * statement).
 */
let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
let admin: Viewer;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db, [...HAND_TREE, ...HAND_TOWNS]);
  await seedTestMetrics(database.db);
  await database.db
    .insertInto('metric_definition')
    .values({
      code: 'test.peak',
      name_zh: '最大班额',
      name_en: 'Largest class',
      description: null,
      unit: 'PERSON',
      value_type: 'INTEGER',
      time_aggregation: 'LAST',
      tree_aggregation: 'MAX',
      numerator_code: null,
      denominator_code: null,
      factor: null,
    })
    .execute();
  const metrics = [
    'test.sessions',
    'test.peak',
    'test.members',
    'test.women_members',
    'test.women_share',
  ];
  await seedTemplate(
    database.db,
    'carry-annual',
    ['CITY', 'COUNTY', 'TOWNSHIP', 'VILLAGE'],
    metrics,
  );
  admin = await staff(database.db, 'PROVINCE_ADMIN', '43');
  ({ execute } = await createGraphQLClient(database));
});
afterAll(() => database.close());

interface Figure {
  metric: string;
  value: string;
  qualifier?: Qualifier;
  scope?: MetricScope;
}

/**
 * A report of the unit for the period, created, saved, submitted and, for the APPROVED basis,
 * approved; `withdraw` takes it out of that basis again (unapproves or returns it).
 */
async function filed(unit: string, period: string, values: Figure[], basis: Basis = 'APPROVED') {
  const created = await execute(
    CREATE,
    { input: { template: 'carry-annual', organization: unit, period } },
    admin,
  );
  const id: string = created.data.createSubmission.submission.id;
  const steps = [
    [SAVE, { id, expectedVersion: 1, values }],
    [SUBMIT, { id, expectedVersion: 2 }],
    ...(basis === 'APPROVED' ? [[APPROVE, { id, expectedVersion: 3 }] as const] : []),
  ] as const;
  for (const [document, input] of steps) {
    const result = await execute(document, { input }, admin);
    expect(result.errors).toBeUndefined();
  }
  return {
    withdraw: async () => {
      const expectedVersion = steps.length + 1;
      const result =
        basis === 'APPROVED'
          ? await execute(UNAPPROVE, { input: { id, expectedVersion } }, admin)
          : await execute(RETURN, { input: { id, expectedVersion, comment: 'again' } }, admin);
      expect(result.errors).toBeUndefined();
    },
  };
}

/** The stored totals of a metric, period and basis, by unit code. */
async function stored(metric: string, period: string, basis: Basis = 'APPROVED') {
  const rows = await database.db
    .selectFrom('metric_total')
    .innerJoin('organization', 'organization.id', 'metric_total.organization_id')
    .select([
      'organization.code',
      'metric_total.value',
      'metric_total.qualifiers',
      'metric_total.numerator',
      'metric_total.denominator',
      'metric_total.units',
    ])
    .where('metric_total.metric_code', '=', metric)
    .where('metric_total.period', '=', period)
    .where('metric_total.basis', '=', basis)
    .execute();
  return Object.fromEntries(rows.map(({ code, ...row }) => [code, row]));
}

async function expectVerified(period: string): Promise<void> {
  const { differences, compared } = await verifyTotals(database.db, { within: null, period });
  expect(differences).toEqual([]);
  expect(compared).toBeGreaterThan(0);
}

describe('totals carried up the chain', () => {
  it('recompute a maximum whose holder falls, and carry one that grows', async () => {
    const village = await filed('430101001001', '2020', [{ metric: 'test.peak', value: '9' }]);
    await filed('430101002', '2020', [{ metric: 'test.peak', value: '5' }]);
    await filed('430102', '2020', [{ metric: 'test.peak', value: '12' }]);
    expect((await stored('test.peak', '2020'))['430101']?.value).toBe('9');
    expect((await stored('test.peak', '2020'))['4301']?.value).toBe('12');
    await village.withdraw();
    const after = await stored('test.peak', '2020');
    // The township's only figure went (its row with it); the county's maximum was the
    // village's, so the county is recomputed from its other township; the city's was not.
    expect(after['430101001']).toBeUndefined();
    expect(after['430101']?.value).toBe('5');
    expect(after['4301']?.value).toBe('12');
    await expectVerified('2020');
  });

  it('recompute a qualifier set that loses one of several, and carry a set that keeps one', async () => {
    const about = await filed('430101001001', '2021', [
      { metric: 'test.sessions', value: '3', qualifier: 'ABOUT' },
    ]);
    const exact = await filed('430101002', '2021', [{ metric: 'test.sessions', value: '4' }]);
    expect((await stored('test.sessions', '2021'))['430101']).toMatchObject({
      value: '7',
      qualifiers: ['EXACT', 'ABOUT'],
    });
    await about.withdraw();
    expect((await stored('test.sessions', '2021'))['4301']).toMatchObject({
      value: '4',
      qualifiers: ['EXACT'],
    });
    await filed('430102', '2021', [{ metric: 'test.sessions', value: '6' }]);
    await exact.withdraw();
    expect((await stored('test.sessions', '2021'))['4301']).toMatchObject({
      value: '6',
      qualifiers: ['EXACT'],
    });
    await expectVerified('2021');
  });

  it('hand the unit above the rows a step replaced and the rows carried, from one write', async () => {
    // One report whose withdrawal makes the county step its maximum (the village held it) and
    // carry its sum: the city's rows are moved by both, as the county wrote them (migration
    // 0019 passes them up without reading them again).
    const village = await filed('430101001001', '2023', [
      { metric: 'test.peak', value: '9' },
      { metric: 'test.sessions', value: '3' },
    ]);
    await filed('430101002', '2023', [
      { metric: 'test.peak', value: '5' },
      { metric: 'test.sessions', value: '4' },
    ]);
    await filed('430102', '2023', [{ metric: 'test.sessions', value: '6' }]);
    await village.withdraw();
    const peak = await stored('test.peak', '2023');
    expect(peak['430101']?.value).toBe('5');
    expect(peak['4301']?.value).toBe('5');
    const sessions = await stored('test.sessions', '2023');
    expect(sessions['430101']?.value).toBe('4');
    expect(sessions['4301']?.value).toBe('10');
    await expectVerified('2023');
  });

  // An approval waits for every report below, and a report below cannot be unapproved under
  // an approved one, so changes below a SUBTREE figure happen in the SUBMITTED basis.
  it('leave what a SUBTREE figure above cuts off, while its units still count as covered', async () => {
    const village = await filed(
      '430101001001',
      '2022',
      [
        { metric: 'test.sessions', value: '7' },
        { metric: 'test.women_members', value: '2' },
        { metric: 'test.members', value: '5' },
      ],
      'SUBMITTED',
    );
    await filed(
      '430101',
      '2022',
      [
        { metric: 'test.sessions', value: '100', scope: 'SUBTREE' },
        { metric: 'test.women_members', value: '30', scope: 'SUBTREE' },
        { metric: 'test.members', value: '60', scope: 'SUBTREE' },
      ],
      'SUBMITTED',
    );
    const sessions = (await stored('test.sessions', '2022', 'SUBMITTED'))['430101'];
    expect(sessions).toMatchObject({ value: '100', units: [1, 1, 0] });
    // The county's pair cuts both parts: the village's pair below counts as covered under every
    // cut above (units: entered, covered, unpaired under no cut, the denominator's, the
    // numerator's, both).
    const share = await stored('test.women_share', '2022', 'SUBMITTED');
    expect(share['4301']).toMatchObject({ numerator: '30', denominator: '60' });
    expect(share['430101']?.units).toEqual([1, 1, 0, 0, 1, 1, 0, 1, 1, 0, 2, 0]);
    await village.withdraw();
    expect((await stored('test.sessions', '2022', 'SUBMITTED'))['430101']).toMatchObject({
      value: '100',
      units: [1, 0, 0],
    });
    expect((await stored('test.women_share', '2022', 'SUBMITTED'))['430101']?.units).toEqual([
      1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0,
    ]);
    await expectVerified('2022');
  });
});
