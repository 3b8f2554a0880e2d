import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { OrganizationLevel, SubmissionStatus } from '../src/db/tables.js';
import { totalsQuery } from '../src/modules/aggregation/aggregation.totals-statement.js';
import { findDefinitions } from '../src/modules/metric/metric.repository.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import {
  insertReport,
  seedHandTree,
  seedTemplate,
  seedTestMetrics,
  yearSpec,
  type Figure,
} from './helpers/reporting.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
let templateId: number;

/**
 * Writes a submission and its figures directly, as the bulk loader does, and rebuilds the
 * totals as it does: these tests are about the read side.
 */
async function report(code: string, period: string, status: SubmissionStatus, figures: Figure[]) {
  await insertReport(database.db, { templateId, code, period, status }, figures);
}

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  await seedTestMetrics(database.db);
  templateId = await seedTemplate(database.db, 'test-annual', ['CITY', 'COUNTY']);
  const subtree = { scope: 'SUBTREE' as const };
  await report('4301', '2020', 'APPROVED', [
    ['test.sessions', '10'],
    ['test.sales', '50.5'],
  ]);
  await report('430101', '2020', 'APPROVED', [
    ['test.sessions', '20', { qualifier: 'AT_LEAST' }],
    ['test.members', '100'],
    ['test.women_members', '30'],
    ['test.women_share', '30'],
  ]);
  await report('430102', '2020', 'APPROVED', [
    ['test.sessions', '30'],
    ['test.members', '50'],
    ['test.women_members', '10'],
  ]);
  await report('4302', '2020', 'APPROVED', [
    ['test.sessions', '100', subtree],
    ['test.sales', '50.5'],
    ['test.members', '200', subtree],
    ['test.women_members', '50', subtree],
    ['test.women_share', '25.5', subtree],
  ]);
  await report('430201', '2020', 'APPROVED', [
    ['test.sessions', '40'],
    ['test.members', '80'],
    ['test.women_members', '20'],
  ]);
  await report('430202', '2020', 'APPROVED', [['test.sessions', '50']]);
  await report('4303', '2020', 'SUBMITTED', [['test.sessions', '7']]);
  await report('430301', '2020', 'APPROVED', [
    ['test.sessions', '5'],
    ['test.sales', '20'],
    ['test.members', '60'],
  ]);
  await report('4301', '2018', 'APPROVED', [['test.sessions', '40']]);
  await report('4301', '2019', 'APPROVED', [['test.sessions', '50']]);
  ({ execute } = await createGraphQLClient(database));
});
afterAll(() => database.close());

const ROLLUP = `query($metric: String!, $groupBy: OrganizationLevel!, $within: String, $includeSubmitted: Boolean) {
  rollup(metric: $metric, period: "2020", groupBy: $groupBy, within: $within, includeSubmitted: $includeSubmitted) {
    totalCount
    edges { node {
      organization { code }
      value qualifier reason numerator denominator reported reportedQualifier sumOfChildren sumOfChildrenQualifier
      coverage { expected contributing covered unpaired missing unapproved }
    } } } }`;

async function rollup(variables: Record<string, unknown>) {
  const result = await execute(ROLLUP, variables);
  expect(result.errors).toBeUndefined();
  return result.data.rollup.edges.map((edge: any) => ({
    ...edge.node,
    organization: edge.node.organization.code,
  }));
}

describe('rollup', () => {
  it('sums by city: SELF figures add up, a SUBTREE figure stands alone, AT_LEAST spreads', async () => {
    expect(await rollup({ metric: 'test.sessions', groupBy: 'CITY', within: '43' })).toEqual([
      {
        organization: '4301',
        value: '60',
        qualifier: 'AT_LEAST',
        reason: null,
        numerator: null,
        denominator: null,
        reported: null,
        reportedQualifier: null,
        sumOfChildren: '50',
        sumOfChildrenQualifier: 'AT_LEAST',
        coverage: {
          expected: 3,
          contributing: 3,
          covered: 0,
          unpaired: 0,
          missing: 0,
          unapproved: 0,
        },
      },
      {
        organization: '4302',
        value: '100',
        qualifier: 'EXACT',
        reason: null,
        numerator: null,
        denominator: null,
        reported: '100',
        reportedQualifier: 'EXACT',
        sumOfChildren: '90',
        sumOfChildrenQualifier: 'EXACT',
        // B's own SUBTREE figure entered; B1's and B2's, which it includes, did not.
        coverage: {
          expected: 3,
          contributing: 1,
          covered: 2,
          unpaired: 0,
          missing: 0,
          unapproved: 0,
        },
      },
      {
        organization: '4303',
        value: '5',
        qualifier: 'EXACT',
        reason: null,
        numerator: null,
        denominator: null,
        reported: null,
        reportedQualifier: null,
        sumOfChildren: '5',
        sumOfChildrenQualifier: 'EXACT',
        coverage: {
          expected: 2,
          contributing: 1,
          covered: 0,
          unpaired: 0,
          missing: 0,
          unapproved: 1,
        },
      },
    ]);
  });

  it('counts coverage only when a request selects it, through fragments too', async () => {
    const rows = await rollup({ metric: 'test.sessions', groupBy: 'CITY', within: '43' });
    const shaped = (selection: string, fragments = '') => `query {
      rollup(metric: "test.sessions", period: "2020", groupBy: CITY, within: "43") {
        edges { node { organization { code } value ${selection} } } } } ${fragments}`;
    const read = async (query: string) => {
      const result = await execute(query);
      expect(result.errors).toBeUndefined();
      const rollupStatement = result.statements.find((text: string) =>
        text.includes('metric_total_step'),
      );
      return {
        edges: result.data.rollup.edges,
        coverageCounted: rollupStatement!.includes('coverage AS'),
      };
    };
    const COVERAGE = 'coverage { expected contributing covered unpaired missing unapproved }';
    const expected = rows.map((row: any) => ({
      node: { organization: { code: row.organization }, value: row.value, coverage: row.coverage },
    }));
    for (const query of [
      shaped(COVERAGE),
      shaped('... on RollupRow { ' + COVERAGE + ' }'),
      shaped('...Counts', `fragment Counts on Aggregate { ${COVERAGE} }`),
    ]) {
      expect(await read(query)).toEqual({ edges: expected, coverageCounted: true });
    }
    const bare = await read(shaped(''));
    expect(bare.coverageCounted).toBe(false);
    expect(bare.edges).toEqual(
      expected.map(({ node: { coverage: _, ...node } }: any) => ({ node })),
    );
  });

  it('counts submitted figures only when asked', async () => {
    const rows = await rollup({ metric: 'test.sessions', groupBy: 'CITY', includeSubmitted: true });
    expect(rows[2]).toMatchObject({
      organization: '4303',
      value: '12',
      coverage: {
        expected: 2,
        contributing: 2,
        covered: 0,
        unpaired: 0,
        missing: 0,
        unapproved: 0,
      },
    });
  });

  it('adds the cities up for the province, never counting B1 and B2 twice', async () => {
    expect(await rollup({ metric: 'test.sessions', groupBy: 'PROVINCE' })).toEqual([
      expect.objectContaining({
        organization: '43',
        value: '165',
        qualifier: 'AT_LEAST',
        reported: null,
        sumOfChildren: '165',
        // A, A1, A2, B and C1 entered; B1 and B2 are in B's total; C waits for approval.
        coverage: {
          expected: 8,
          contributing: 5,
          covered: 2,
          unpaired: 0,
          missing: 0,
          unapproved: 1,
        },
      }),
    ]);
  });

  it('recomputes a ratio from the sums of its parts, never from stored percentages', async () => {
    const rows = await rollup({ metric: 'test.women_share', groupBy: 'CITY' });
    expect(
      rows.map((row: any) => [
        row.organization,
        row.value,
        row.reason,
        row.numerator,
        row.denominator,
        row.reported,
        row.sumOfChildren,
      ]),
    ).toEqual([
      // (30 + 10) / (100 + 50) × 100 = 26.666… → 26.6667
      ['4301', '26.6667', null, '40', '150', null, '26.6667'],
      // B's own SUBTREE parts (50 / 200); its children alone give 20 / 80; it also stated 25.5.
      ['4302', '25', null, '50', '200', '25.5', '25'],
      // C1 gave members but no women members: no ratio, and the reason; its members alone
      // are no denominator.
      ['4303', null, 'NUMERATOR_MISSING', null, null, null, null],
    ]);
    const province = await rollup({ metric: 'test.women_share', groupBy: 'PROVINCE' });
    // Over the units that gave both parts: A1, A2 and B (whose SUBTREE parts stand for B1's).
    // C1's 60 members, given without women members, are left out rather than taken with a
    // numerator of 0: (30 + 10 + 50) / (100 + 50 + 200) × 100 = 25.714285… → 25.7143
    expect(province[0]).toMatchObject({
      value: '25.7143',
      numerator: '90',
      denominator: '350',
      reason: null,
      coverage: {
        expected: 8,
        contributing: 3,
        covered: 1,
        unpaired: 1,
        missing: 3,
        unapproved: 0,
      },
    });
  });

  it('shows a unit’s own stored percentage as reported, whatever its scope', async () => {
    const rows = await rollup({ metric: 'test.women_share', groupBy: 'COUNTY', within: '4301' });
    expect(rows.map((row: any) => [row.organization, row.value, row.reported])).toEqual([
      // A1 stated 30 % (SELF) beside its parts 30 / 100; A2 stated none.
      ['430101', '30', '30'],
      ['430102', '20', null],
    ]);
  });

  it('pairs a ratio’s parts per unit: one part alone, or two of different scope, is left out', async () => {
    await report('430101', '2021', 'APPROVED', [
      ['test.women_members', '3'],
      ['test.members', '12'],
    ]);
    await report('430102', '2021', 'APPROVED', [['test.members', '8']]);
    await report('430201', '2021', 'APPROVED', [['test.women_members', '5']]);
    await report('430202', '2021', 'APPROVED', [['test.members', '40']]);
    await report('430301', '2021', 'APPROVED', [
      ['test.women_members', '10'],
      ['test.members', '50', { scope: 'SUBTREE' }],
    ]);
    const query = `query($groupBy: OrganizationLevel!) {
      rollup(metric: "test.women_share", period: "2021", groupBy: $groupBy) { edges { node {
        organization { code } value reason numerator denominator
        coverage { expected contributing covered unpaired missing unapproved }
        contributions { edges { node { organization { code } metric counted } } } } } } }`;
    const rows = async (groupBy: string) => {
      const result = await execute(query, { groupBy });
      expect(result.errors).toBeUndefined();
      return result.data.rollup.edges.map((edge: any) => ({
        ...edge.node,
        organization: edge.node.organization.code,
        contributions: edge.node.contributions.edges.map((contribution: any) =>
          [
            contribution.node.organization.code,
            contribution.node.metric,
            contribution.node.counted,
          ].join(' '),
        ),
      }));
    };
    const coverage = (contributing: number, unpaired: number, missing: number) => ({
      expected: missing + contributing + unpaired,
      contributing,
      covered: 0,
      unpaired,
      missing,
      unapproved: 0,
    });
    expect(await rows('CITY')).toEqual([
      {
        // A1: 3 / 12 × 100 = 25; A2's members without women members are not a zero share.
        organization: '4301',
        value: '25',
        reason: null,
        numerator: '3',
        denominator: '12',
        coverage: coverage(1, 1, 1),
        contributions: [
          '430101 test.members true',
          '430101 test.women_members true',
          '430102 test.members false',
        ],
      },
      {
        // B1 gave only the numerator, B2 only the denominator: both parts, never one unit's.
        organization: '4302',
        value: null,
        reason: 'PARTS_UNPAIRED',
        numerator: null,
        denominator: null,
        coverage: coverage(0, 2, 1),
        contributions: ['430201 test.women_members false', '430202 test.members false'],
      },
      {
        // C1's women members are its own, its members its whole subtree's: no ratio.
        organization: '4303',
        value: null,
        reason: 'PARTS_UNPAIRED',
        numerator: null,
        denominator: null,
        coverage: coverage(0, 1, 1),
        contributions: ['430301 test.members false', '430301 test.women_members false'],
      },
    ]);
    expect((await rows('PROVINCE'))[0]).toMatchObject({
      value: '25',
      numerator: '3',
      denominator: '12',
      coverage: coverage(1, 4, 3),
    });
  });

  it('refuses metrics that never combine', async () => {
    const result = await execute(ROLLUP, { metric: 'test.rank', groupBy: 'CITY' });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(errorCodes(await execute(ROLLUP, { metric: 'test.nope', groupBy: 'CITY' }))).toEqual([
      'NOT_FOUND',
    ]);
  });

  it('lists contributions, paged, marking the figures a SUBTREE figure already covers', async () => {
    const query = `query($after: String) { rollup(metric: "test.sessions", period: "2020", groupBy: CITY, first: 2) {
      edges { node { organization { code } contributions(first: 2, after: $after) {
        totalCount pageInfo { hasNextPage endCursor }
        edges { node { organization { code } metric value scope counted status } } } } } } }`;
    const first = await execute(query, { after: null });
    expect(first.errors).toBeUndefined();
    const b = first.data.rollup.edges[1].node.contributions;
    expect(b.totalCount).toBe(3);
    expect(
      b.edges.map((edge: any) => [edge.node.organization.code, edge.node.value, edge.node.counted]),
    ).toEqual([
      ['4302', '100', true],
      ['430201', '40', false],
    ]);
    // The metric, the roll-up with its units, the contributions of both rows, their count and
    // their units: one statement each, however many rows and contributions.
    expect(first.statements.length).toBe(5);
  });

  it('reads the province by city in two statements, from the cities’ stored totals', async () => {
    const query = (fields: string) => `{
      rollup(metric: "test.sessions", period: "2020", groupBy: CITY, within: "43") {
        edges { node { organization { code name } value qualifier ${fields}
          coverage { contributing covered unpaired expected unapproved missing } } } } }`;
    const stored = await execute(query(''));
    expect(stored.errors).toBeUndefined();
    // The metric with the unit named by `within`, then the roll-up, which answers each
    // group's organization too.
    expect(stored.statements).toHaveLength(2);
    expect(stored.statements[0]).toContain('within_path');
    expect(stored.statements[1]).toContain('metric_total');
    // Asked for a city's own figure and its children's aggregate, each city is computed anew
    // from its children's totals: the same values and coverage.
    const stepped = await execute(query('reported sumOfChildren'));
    expect(stepped.errors).toBeUndefined();
    expect(stepped.data.rollup.edges).toMatchObject(stored.data.rollup.edges);
    expect(stepped.data.rollup.edges[0].node.sumOfChildren).toBe('50');
  });

  it('reads stored groups’ rows, running (and planning) the step only for the others', async () => {
    const [metric] = await findDefinitions(database.db, ['test.sessions']);
    const plan = async (level: OrganizationLevel, breakdown: boolean) => {
      const spec = yearSpec(metric!, { breakdown });
      const statement = totalsQuery(spec, { kind: 'level', level, window: null });
      const { rows } = await sql<{ 'QUERY PLAN': string }>`EXPLAIN (ANALYZE, COSTS OFF)
        ${statement}`.execute(database.db);
      const step = rows.find((row) =>
        row['QUERY PLAN'].includes('Function Scan on metric_total_step'),
      );
      return step!['QUERY PLAN'].includes('never executed');
    };
    expect(await plan('CITY', false)).toBe(true);
    expect(await plan('CITY', true)).toBe(false);
    expect(await plan('PROVINCE', false)).toBe(false);
  });

  it('costs the same statements for 3 cities as for 5 counties', async () => {
    const query = (
      level: string,
    ) => `{ rollup(metric: "test.women_share", period: "2020", groupBy: ${level}) {
      edges { node { organization { name parent { code } } value coverage { expected }
        contributions(first: 5) { edges { node { organization { code } value } } } } } } }`;
    const cities = await execute(query('CITY'));
    const counties = await execute(query('COUNTY'));
    expect(cities.data.rollup.edges).toHaveLength(3);
    expect(counties.data.rollup.edges).toHaveLength(5);
    // Bounded by the query's depth (metric, roll-up, units, parents, contributions and their
    // units); loader batches may merge differently, never grow with the rows.
    expect(cities.statements.length).toBeLessThanOrEqual(6);
    expect(counties.statements.length).toBeLessThanOrEqual(6);
  });
});

describe('ranking', () => {
  const RANKING = `query($metric: String!) { ranking(metric: $metric, period: "2020", level: CITY, within: "43") {
    total totalQualifier ranked
    entries { totalCount edges { node { rank organization { code } value qualifier shareOfTotal reason } } } } }`;

  it('ranks cities by their roll-up with shares of the total', async () => {
    const result = await execute(RANKING, { metric: 'test.sessions' });
    expect(result.errors).toBeUndefined();
    expect(result.data.ranking).toMatchObject({
      total: '165',
      totalQualifier: 'AT_LEAST',
      ranked: 3,
    });
    expect(result.data.ranking.entries.edges.map((edge: any) => edge.node)).toEqual([
      {
        rank: 1,
        organization: { code: '4302' },
        value: '100',
        qualifier: 'EXACT',
        shareOfTotal: '60.6061',
        reason: null,
      },
      {
        rank: 2,
        organization: { code: '4301' },
        value: '60',
        qualifier: 'AT_LEAST',
        shareOfTotal: '36.3636',
        reason: null,
      },
      {
        rank: 3,
        organization: { code: '4303' },
        value: '5',
        qualifier: 'EXACT',
        shareOfTotal: '3.0303',
        reason: null,
      },
    ]);
  });

  it('gives ties the same rank and skips the next', async () => {
    const result = await execute(RANKING, { metric: 'test.sales' });
    expect(
      result.data.ranking.entries.edges.map((edge: any) => [
        edge.node.rank,
        edge.node.organization.code,
        edge.node.value,
        edge.node.shareOfTotal,
      ]),
    ).toEqual([
      [1, '4301', '50.5', '41.7355'],
      [1, '4302', '50.5', '41.7355'],
      [3, '4303', '20', '16.5289'],
    ]);
    expect(result.data.ranking.total).toBe('121');
  });

  it('answers the count and total in the page’s statement, past the last page too', async () => {
    const query = `query($after: String) {
      ranking(metric: "test.sessions", period: "2020", level: CITY, within: "43", first: 3, after: $after) {
        total totalQualifier ranked
        entries { pageInfo { endCursor } edges { node { rank organization { code name } } } } } }`;
    const first = await execute(query, { after: null });
    expect(first.errors).toBeUndefined();
    // The metric with the unit named by `within`, then the ranking with its units'
    // organizations and the summary.
    expect(first.statements).toHaveLength(2);
    const past = await execute(query, { after: first.data.ranking.entries.pageInfo.endCursor });
    expect(past.errors).toBeUndefined();
    expect(past.data.ranking).toMatchObject({
      total: '165',
      totalQualifier: 'AT_LEAST',
      ranked: 3,
      entries: { edges: [] },
    });
    expect(past.statements).toHaveLength(2);
  });

  it('ranks a ratio by its recomputed value, unranked when it has none', async () => {
    const result = await execute(RANKING, { metric: 'test.women_share' });
    expect(result.data.ranking).toMatchObject({ total: null, ranked: 2 });
    expect(
      result.data.ranking.entries.edges.map((edge: any) => [
        edge.node.rank,
        edge.node.organization.code,
        edge.node.value,
        edge.node.shareOfTotal,
        edge.node.reason,
      ]),
    ).toEqual([
      [1, '4301', '26.6667', null, null],
      [2, '4302', '25', null, null],
      [null, '4303', null, null, 'NUMERATOR_MISSING'],
    ]);
  });
});

describe('series', () => {
  it('gives each year with its change and growth rate, and says why one is missing', async () => {
    const result =
      await execute(`{ series(metric: "test.sessions", organization: "4301", from: "2018", to: "2021") {
      period { text } value qualifier reason change growthRate growthReason } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.series).toEqual([
      {
        period: { text: '2018' },
        value: '40',
        qualifier: 'EXACT',
        reason: null,
        change: null,
        growthRate: null,
        growthReason: 'PREVIOUS_MISSING',
      },
      {
        period: { text: '2019' },
        value: '50',
        qualifier: 'EXACT',
        reason: null,
        change: '10',
        growthRate: '25',
        growthReason: null,
      },
      {
        period: { text: '2020' },
        value: '60',
        qualifier: 'AT_LEAST',
        reason: null,
        change: '10',
        growthRate: '20',
        growthReason: null,
      },
      {
        period: { text: '2021' },
        value: null,
        // No figure, so nothing to qualify.
        qualifier: null,
        reason: 'NO_DATA',
        change: null,
        growthRate: null,
        growthReason: 'NO_DATA',
      },
    ]);
    // The metric, the unit, its predecessors (whose figures a series maps to it) and the series.
    expect(result.statements.length).toBeLessThanOrEqual(4);
  });

  it('refuses mixed or backward periods', async () => {
    for (const [from, to] of [
      ['2018', '2020Q1'],
      ['2021', '2018'],
      ['2018/2020', '2021'],
    ]) {
      const result = await execute(
        `{ series(metric: "test.sessions", organization: "4301", from: "${from}", to: "${to}") { value } }`,
      );
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    }
  });
});

describe('completeness', () => {
  const COMPLETENESS = `query($period: String!, $status: [CompletenessStatus!]) {
    completeness(template: "test-annual", period: $period, within: "43") {
      dueDate totals { expected missing draft submitted returned approved }
      units(status: $status, first: 20) { totalCount edges { node { organization { code } status daysLate submission { status } } } } } }`;

  it('shows every expected unit with its status and the totals', async () => {
    const result = await execute(COMPLETENESS, { period: '2020' });
    expect(result.errors).toBeUndefined();
    expect(result.data.completeness.dueDate).toBe('2021-01-31');
    expect(result.data.completeness.totals).toEqual({
      expected: 8,
      missing: 0,
      draft: 0,
      submitted: 1,
      returned: 0,
      approved: 7,
    });
    const units = result.data.completeness.units.edges.map((edge: any) => [
      edge.node.organization.code,
      edge.node.status,
      edge.node.daysLate,
    ]);
    expect(units).toEqual([
      ['4301', 'APPROVED', 0],
      ['430101', 'APPROVED', 0],
      ['430102', 'APPROVED', 0],
      ['4302', 'APPROVED', 0],
      ['430201', 'APPROVED', 0],
      ['430202', 'APPROVED', 0],
      ['4303', 'SUBMITTED', 0],
      ['430301', 'APPROVED', 0],
    ]);
  });

  it('reads its counts and a page of units with their organizations in one statement', async () => {
    const result = await execute(
      `{ completeness(template: "test-annual", period: "2020", within: "43") {
        totals { expected approved }
        units(first: 3) { edges { node { status organization { code name } } } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.completeness.totals).toEqual({ expected: 8, approved: 7 });
    expect(
      result.data.completeness.units.edges.map((edge: any) => edge.node.organization.code),
    ).toEqual(['4301', '430101', '430102']);
    // The template with the path of the unit named by `within`, then the counts with the page.
    expect(result.statements.length).toBe(2);
  });

  it('answers "who has not submitted 2019?" with days late up to today', async () => {
    const result = await execute(COMPLETENESS, {
      period: '2019',
      status: ['NOT_STARTED', 'DRAFT'],
    });
    expect(result.data.completeness.totals).toMatchObject({ expected: 8, missing: 7, approved: 1 });
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const late = Math.round((Date.parse(today) - Date.parse('2020-01-31')) / 86_400_000);
    expect(result.data.completeness.units.totalCount).toBe(7);
    expect(result.data.completeness.units.edges.map((edge: any) => edge.node)).toEqual(
      ['430101', '430102', '4302', '430201', '430202', '4303', '430301'].map((code) => ({
        organization: { code },
        status: 'NOT_STARTED',
        daysLate: late,
        submission: null,
      })),
    );
  });
});
