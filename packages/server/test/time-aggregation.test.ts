import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyTotals } from '../src/modules/aggregation/aggregation.verify.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import {
  insertReport,
  seedHandTree,
  seedTemplate,
  seedTestMetrics,
  TEST_METRICS,
  type Figure,
} from './helpers/reporting.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

/**
 * Time as well as tree: a year (a span, a quarter) asked of quarterly reports. Each unit's
 * figures are combined over time first, by the metric's time aggregation (SUM for sessions,
 * LAST for the committee members, AVERAGE for the attendance), then along the tree by its tree
 * rule. Hand-computed:
 *
 *   A1 (430101)  Q1..Q4 sessions 1 2 3 4 → 10; members 100 100 110 120 → 120 (the latest);
 *                women 30 30 33 36 → 36; attendance 10 20 30 41 → 25.25 (their mean)
 *   A2 (430102)  Q1 Q2 Q4 (no Q3) sessions 5 5 5 (Q4 AT_LEAST) → 15; members 50 50 60 → 60;
 *                women 10 10 12 → 12; attendance Q1 only → 7
 *   A  (4301)    its own 2020 report: sessions 100, which beats its 2020Q1 report's 7
 *   B1 (430201)  2020Q1 sessions 9, submitted (not approved)
 *   C1 (430301)  2020Q2 members 40, no women members
 *
 * So for 2020: A's sessions = 100 + 10 + 15 = 125 (AT_LEAST), its members 120 + 60 = 180, its
 * women's share (36 + 12) / 180 = 26.6667 % (the parts each taken LAST, then the ratio
 * recomputed), its attendance 25.25 + 7 = 32.25.
 */
let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];

const QUARTERLY_METRICS = [
  'test.sessions',
  'test.members',
  'test.women_members',
  'test.women_share',
  'test.attendance',
];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  await seedTestMetrics(database.db);
  await database.db
    .insertInto('metric_definition')
    .values({
      code: 'test.attendance',
      name_zh: '平均参训人数',
      name_en: 'Average attendance',
      description: null,
      unit: 'PERSON',
      value_type: 'DECIMAL',
      time_aggregation: 'AVERAGE',
      tree_aggregation: 'SUM',
      numerator_code: null,
      denominator_code: null,
      factor: null,
    })
    .execute();
  const annual = await seedTemplate(database.db, 'test-annual', ['CITY', 'COUNTY'], TEST_METRICS);
  const quarterly = await seedTemplate(
    database.db,
    'test-quarterly',
    ['CITY', 'COUNTY'],
    QUARTERLY_METRICS,
    'QUARTER',
  );
  const quarter = (code: string, period: string, figures: Figure[], approved = true) =>
    insertReport(
      database.db,
      { templateId: quarterly, code, period, status: approved ? 'APPROVED' : 'SUBMITTED' },
      figures,
    );
  const a1 = [
    ['1', '100', '30', '10'],
    ['2', '100', '30', '20'],
    ['3', '110', '33', '30'],
    ['4', '120', '36', '41'],
  ];
  for (const [index, [sessions, members, women, attendance]] of a1.entries()) {
    await quarter('430101', `2020Q${index + 1}`, [
      ['test.sessions', sessions!],
      ['test.members', members!],
      ['test.women_members', women!],
      ['test.attendance', attendance!],
    ]);
  }
  await quarter('430102', '2020Q1', [
    ['test.sessions', '5'],
    ['test.members', '50'],
    ['test.women_members', '10'],
    ['test.attendance', '7'],
  ]);
  await quarter('430102', '2020Q2', [
    ['test.sessions', '5'],
    ['test.members', '50'],
    ['test.women_members', '10'],
  ]);
  await quarter('430102', '2020Q4', [
    ['test.sessions', '5', { qualifier: 'AT_LEAST' }],
    ['test.members', '60'],
    ['test.women_members', '12'],
  ]);
  await insertReport(
    database.db,
    { templateId: annual, code: '4301', period: '2020', status: 'APPROVED' },
    [['test.sessions', '100']],
  );
  await quarter('4301', '2020Q1', [['test.sessions', '7']]);
  await quarter('430201', '2020Q1', [['test.sessions', '9']], false);
  await quarter('430301', '2020Q2', [['test.members', '40']]);
  ({ execute } = await createGraphQLClient(database));
});
afterAll(() => database.close());

const ROLLUP = `query($metric: String!, $period: String!, $includeSubmitted: Boolean) {
  rollup(metric: $metric, period: $period, groupBy: CITY, within: "43", includeSubmitted: $includeSubmitted) {
    edges { node {
      organization { code }
      value qualifier reason numerator denominator sumOfChildren
      coverage {
        expected contributing covered unpaired missing unapproved
        periodsCombined { text } periodsMissing { text }
      }
    } } } }`;

async function rollup(metric: string, period: string, includeSubmitted = false) {
  const result = await execute(ROLLUP, { metric, period, includeSubmitted });
  expect(result.errors).toBeUndefined();
  const rows = result.data.rollup.edges.map(({ node }: any) => ({
    ...node,
    organization: node.organization.code,
    coverage: {
      ...node.coverage,
      periodsCombined: node.coverage.periodsCombined.map((period: any) => period.text),
      periodsMissing: node.coverage.periodsMissing.map((period: any) => period.text),
    },
  }));
  return { rows, statements: result.statements as string[] };
}

describe('a year asked of quarterly reports', () => {
  it('sums a flow over each unit’s quarters, its own year figure beating its quarters, and names the missing quarter', async () => {
    const { rows, statements } = await rollup('test.sessions', '2020');
    expect(rows[0]).toEqual({
      organization: '4301',
      value: '125',
      qualifier: 'AT_LEAST',
      reason: null,
      numerator: null,
      denominator: null,
      sumOfChildren: '25',
      coverage: {
        expected: 3,
        contributing: 3,
        covered: 0,
        unpaired: 0,
        missing: 0,
        unapproved: 0,
        periodsCombined: ['2020', '2020Q1', '2020Q2', '2020Q3', '2020Q4'],
        periodsMissing: ['2020Q3'],
      },
    });
    // B1's quarter waits for approval; B2 and C's units sent nothing for 2020 at all.
    expect(rows[1]).toMatchObject({
      organization: '4302',
      value: null,
      reason: 'NO_DATA',
      coverage: { expected: 3, contributing: 0, unapproved: 1, missing: 2, periodsCombined: [] },
    });
    expect(rows[2]).toMatchObject({
      organization: '4303',
      value: null,
      coverage: { expected: 2, unapproved: 0, missing: 2 },
    });
    // The totals keep each reported period; a year made of quarters is computed from the
    // figures, unit by unit.
    expect(statements.some((text) => text.includes('asked_part'))).toBe(true);
    expect(statements.some((text) => text.includes('metric_total_step'))).toBe(false);
  });

  it('counts a submitted quarter when asked to', async () => {
    const { rows } = await rollup('test.sessions', '2020', true);
    expect(rows[1]).toMatchObject({
      organization: '4302',
      value: '9',
      coverage: { contributing: 1, unapproved: 0, periodsCombined: ['2020Q1'] },
    });
  });

  it('takes a stock’s latest quarter in each unit, then sums the units', async () => {
    const { rows } = await rollup('test.members', '2020');
    expect(rows.map((row: any) => [row.organization, row.value])).toEqual([
      ['4301', '180'],
      ['4302', null],
      ['4303', '40'],
    ]);
    expect(rows[0].coverage.periodsMissing).toEqual(['2020Q3']);
  });

  it('averages over each unit’s quarters where the metric says so', async () => {
    const { rows } = await rollup('test.attendance', '2020');
    expect(rows[0]).toMatchObject({
      value: '32.25',
      coverage: { contributing: 2, periodsMissing: ['2020Q2', '2020Q3', '2020Q4'] },
    });
  });

  it('recomputes a ratio from its parts, each taken over time by its own rule, never averaging the ratio', async () => {
    const { rows } = await rollup('test.women_share', '2020');
    expect(rows[0]).toMatchObject({
      organization: '4301',
      value: '26.6667',
      numerator: '48',
      denominator: '180',
    });
    expect(rows[2]).toMatchObject({
      organization: '4303',
      value: null,
      reason: 'NUMERATOR_MISSING',
      coverage: { unpaired: 1 },
    });
  });

  it('lists the quarters behind a unit’s year as its contributions, the beaten ones not counted', async () => {
    const result = await execute(
      `{ rollup(metric: "test.sessions", period: "2020", groupBy: CITY, within: "4301") {
        edges { node { contributions(first: 20) { totalCount edges { node {
          organization { code } period { text } value counted
        } } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const { contributions } = result.data.rollup.edges[0].node;
    expect(contributions.totalCount).toBe(9);
    expect(
      contributions.edges.map(({ node }: any) => [
        node.organization.code,
        node.period.text,
        node.value,
        node.counted,
      ]),
    ).toEqual([
      ['4301', '2020', '100', true],
      ['4301', '2020Q1', '7', false],
      ['430101', '2020Q1', '1', true],
      ['430101', '2020Q2', '2', true],
      ['430101', '2020Q3', '3', true],
      ['430101', '2020Q4', '4', true],
      ['430102', '2020Q1', '5', true],
      ['430102', '2020Q2', '5', true],
      ['430102', '2020Q4', '5', true],
    ]);
  });
});

describe('other periods of quarterly reports', () => {
  it('answers a quarter from the totals, with only that quarter’s figures', async () => {
    const { rows, statements } = await rollup('test.sessions', '2020Q3');
    expect(rows[0]).toMatchObject({
      value: '3',
      coverage: { contributing: 1, periodsCombined: ['2020Q3'], periodsMissing: [] },
    });
    expect(statements.some((text) => text.includes('metric_total_step'))).toBe(true);
  });

  it('combines the quarters inside a span, leaving out a year figure that reaches past it', async () => {
    // A's 2020 report reaches past the half year: its 2020Q1 report counts (7 + 3 + 10), and
    // A sent nothing for 2020Q2.
    const { rows } = await rollup('test.sessions', '2020Q1/2020Q2');
    expect(rows[0]).toMatchObject({
      value: '20',
      coverage: {
        contributing: 3,
        periodsCombined: ['2020Q1', '2020Q2'],
        periodsMissing: ['2020Q2'],
      },
    });
  });

  it('refuses a span of days', async () => {
    const result = await execute(ROLLUP, {
      metric: 'test.sessions',
      period: '2020-01-01/2020-03-31',
    });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('ranks the cities by a year made of quarters', async () => {
    const result = await execute(
      `{ ranking(metric: "test.sessions", period: "2020", level: CITY, within: "43") {
        total entries { edges { node { rank value } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.ranking.total).toBe('125');
    expect(result.data.ranking.entries.edges[0].node).toEqual({ rank: 1, value: '125' });
  });

  it('leaves the stored totals equal to a recomputation for every period they hold', async () => {
    const { differences, compared } = await verifyTotals(database.db, {
      within: null,
      period: null,
    });
    expect(differences).toEqual([]);
    expect(compared).toBeGreaterThan(0);
  });

  it('lists the periods combined and missing in time order, months and quarters mixed', async () => {
    // C (4303) reports its own first quarter, its county C1 the month of October (2020-10,
    // which sorts before 2020Q1 as text). A period is missing when one of them missed it: C
    // the other quarters, C1 the other months (January to March too, which C's quarter holds).
    const monthly = await seedTemplate(
      database.db,
      'test-monthly',
      ['CITY', 'COUNTY'],
      ['test.sessions'],
      'MONTH',
    );
    const quarterly = await database.db
      .selectFrom('reporting_template')
      .select('id')
      .where('code', '=', 'test-quarterly')
      .executeTakeFirstOrThrow();
    await insertReport(
      database.db,
      { templateId: quarterly.id, code: '4303', period: '2020Q1', status: 'APPROVED' },
      [['test.sessions', '2']],
    );
    await insertReport(
      database.db,
      { templateId: monthly, code: '430301', period: '2020-10', status: 'APPROVED' },
      [['test.sessions', '3']],
    );
    const { rows } = await rollup('test.sessions', '2020');
    expect(rows[2]).toMatchObject({
      organization: '4303',
      value: '5',
      coverage: {
        periodsCombined: ['2020Q1', '2020-10'],
        periodsMissing: [
          ...['2020-01', '2020-02', '2020-03'],
          ...['2020Q2', '2020-04', '2020-05', '2020-06'],
          ...['2020Q3', '2020-07', '2020-08', '2020-09'],
          ...['2020Q4', '2020-11', '2020-12'],
        ],
      },
    });
  });
});
