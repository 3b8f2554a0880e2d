// Reports across an edition of the division list (test/fixtures/hunan-edition, taking effect
// 2024-01-01): 荷塘区 (430202) and 芦淞区 (430203) merge into 荷淞区 (430220), 平江县 (430626)
// splits into 平江东县 (430690, its successor) and 平江西县 (430691). A unit belongs to the
// periods it existed on some day of: roll-ups, rankings and completeness leave the closed
// units out of later periods and the new ones out of earlier periods, the figures stay in the
// totals above, and a series maps the predecessors' figures to their successor.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rebuildTotals } from '../src/modules/aggregation/aggregation.totals.js';
import { verifyTotals } from '../src/modules/aggregation/aggregation.verify.js';
import { applyEdition, readEdition, type Edition } from '../src/seed/division-edition.js';
import { HUNAN_EDITION, loadHunanTownships } from './helpers/division-edition.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { insertApprovedSessions, organizationByCode, seedTemplate } from './helpers/reporting.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
let edition: Edition;
let templateId: number;
/** A township of 荷塘区, which closes with it. */
let township: string;

/** An approved county-summary report of `code` for the year, holding test.sessions = value. */
async function report(code: string, period: string, value: string): Promise<void> {
  const unit = await organizationByCode(database.db, code);
  await insertApprovedSessions(database.db, templateId, unit.id, period, value);
}

beforeAll(async () => {
  database = await createTestDatabase();
  const levels = await loadHunanTownships(database.db);
  templateId = await seedTemplate(database.db, 'county-summary', ['COUNTY'], ['test.sessions']);
  township = levels[3]!.find((unit) => unit.parentCode === '430202')!.code;
  await report('430203', '2022', '3');
  for (const [code, value] of [
    ['430202', '5'],
    [township, '2'],
    ['430203', '7'],
    ['430626', '11'],
  ] as const) {
    await report(code, '2023', value);
  }
  edition = await readEdition(HUNAN_EDITION, { provinces: ['43'] });
  await database.db.transaction().execute((trx) => applyEdition(trx, edition, '2024-01-01'));
  // The township names 荷淞区 as its successor too: it lies inside 荷塘区, mapped as well,
  // so its figure must count once.
  await sql`
    UPDATE organization SET successor_id = (SELECT id FROM organization WHERE code = '430220')
    WHERE code = ${township}`.execute(database.db);
  for (const [code, value] of [
    ['430220', '20'],
    ['430690', '8'],
    ['430691', '4'],
  ] as const) {
    await report(code, '2024', value);
  }
  await rebuildTotals(database.db);
  ({ execute } = await createGraphQLClient(database));
});
afterAll(() => database?.close());

const codesOf = (connection: any): string[] =>
  connection.edges.map((edge: any) => edge.node.organization.code as string);

describe('reports across an edition of the division list', () => {
  it('rolls up the units of the period; a closed unit’s figures stay in the totals above', async () => {
    const query = `query ($period: String!) {
      counties: rollup(metric: "test.sessions", period: $period, groupBy: COUNTY, within: "4302", first: 100) {
        totalCount edges { node { organization { code } value } }
      }
      cities: rollup(metric: "test.sessions", period: $period, groupBy: CITY, within: "43", first: 20) {
        edges { node { organization { code } value coverage { expected contributing } } }
      }
    }`;
    const answer = async (period: string) => {
      const result = await execute(query, { period });
      expect(result.errors).toBeUndefined();
      const values = Object.fromEntries(
        result.data.counties.edges.map((edge: any) => [
          edge.node.organization.code,
          edge.node.value,
        ]),
      );
      const cities = Object.fromEntries(
        result.data.cities.edges.map((edge: any) => [edge.node.organization.code, edge.node]),
      );
      return {
        codes: codesOf(result.data.counties),
        total: result.data.counties.totalCount,
        values,
        cities,
      };
    };
    const before = await answer('2023');
    const after = await answer('2024');
    expect(before.codes).toEqual(expect.arrayContaining(['430202', '430203']));
    expect(before.codes).not.toContain('430220');
    expect(before.values).toMatchObject({ '430202': '7', '430203': '7' });
    expect(after.codes).toContain('430220');
    expect(after.codes).not.toContain('430202');
    expect(after.codes).not.toContain('430203');
    expect(after.values['430220']).toBe('20');
    expect(before.total).toBe(after.total + 1);
    expect(before.codes).toHaveLength(before.total);
    // 株洲市 holds its merged districts' 2023 figures (5 + 2 + 7) and 荷淞区's 2024 one.
    expect(before.cities['4302']).toMatchObject({ value: '14', coverage: { contributing: 3 } });
    expect(after.cities['4302']).toMatchObject({ value: '20', coverage: { contributing: 1 } });
    expect(before.cities['4302'].coverage.expected).toBe(
      after.cities['4302'].coverage.expected + 1,
    );
    expect(before.cities['4306'].value).toBe('11');
    expect(after.cities['4306'].value).toBe('12');
    // A quarter or a month is compared by its own days: the last quarter of 2023 still had the
    // old districts, the first of 2024 has the new one.
    expect((await answer('2023Q4')).codes).toEqual(before.codes);
    expect((await answer('2024-01')).codes).toEqual(after.codes);
  });

  it('ranks the units of the period only', async () => {
    const query = `query ($period: String!) {
      ranking(metric: "test.sessions", period: $period, level: COUNTY, within: "4302", first: 100) {
        ranked total entries { totalCount edges { node { organization { code } rank } } }
      }
    }`;
    const before = (await execute(query, { period: '2023' })).data.ranking;
    const after = (await execute(query, { period: '2024' })).data.ranking;
    expect(before).toMatchObject({ ranked: 2, total: '14' });
    expect(after).toMatchObject({ ranked: 1, total: '20' });
    expect(codesOf(after.entries)).not.toContain('430202');
    expect(codesOf(before.entries)).not.toContain('430220');
    expect(before.entries.totalCount).toBe(after.entries.totalCount + 1);
  });

  it('expects reports from the units that existed in the period', async () => {
    const query = `query ($period: String!) {
      completeness(template: "county-summary", period: $period, within: "4302") {
        totals { expected approved missing }
        units(first: 100) { totalCount edges { node { organization { code } status } } }
      }
    }`;
    const answer = async (period: string) => {
      const result = await execute(query, { period });
      expect(result.errors).toBeUndefined();
      const { totals, units } = result.data.completeness;
      const statuses = Object.fromEntries(
        units.edges.map((edge: any) => [edge.node.organization.code, edge.node.status]),
      );
      return { totals, count: units.totalCount, statuses };
    };
    const before = await answer('2023');
    const after = await answer('2024');
    expect(before.statuses).toMatchObject({ '430202': 'APPROVED', '430203': 'APPROVED' });
    expect(before.statuses['430220']).toBeUndefined();
    expect(after.statuses).toMatchObject({ '430220': 'APPROVED' });
    expect(after.statuses['430202']).toBeUndefined();
    expect(after.statuses['430203']).toBeUndefined();
    expect(before.totals).toMatchObject({ approved: 2, expected: after.totals.expected + 1 });
    expect(after.totals.approved).toBe(1);
    expect(before.totals.missing).toBe(after.totals.missing);
    expect(before.count).toBe(before.totals.expected);
    expect(after.count).toBe(after.totals.expected);
  });
});

const SERIES = `query ($unit: String!, $from: String!, $to: String!) {
  series(metric: "test.sessions", organization: $unit, from: $from, to: $to) {
    period { text } value change
    coverage { expected contributing missing mappedFrom { code } }
  }
}`;

async function series(unit: string, from: string, to: string) {
  const result = await execute(SERIES, { unit, from, to });
  expect(result.errors).toBeUndefined();
  return result.data.series.map((point: any) => ({
    period: point.period.text,
    value: point.value,
    change: point.change,
    expected: point.coverage.expected,
    contributing: point.coverage.contributing,
    mappedFrom: point.coverage.mappedFrom.map((unit: any) => unit.code),
  }));
}

describe('a series across the edition', () => {
  it('maps the merged districts’ figures to 荷淞区 for the years before it, once each', async () => {
    expect(await series('430220', '2022', '2024')).toEqual([
      {
        period: '2022',
        value: '3',
        change: null,
        expected: 2,
        contributing: 1,
        mappedFrom: ['430202', '430203'],
      },
      {
        period: '2023',
        value: '14',
        change: '11',
        expected: 2,
        contributing: 3,
        mappedFrom: ['430202', '430203'],
      },
      { period: '2024', value: '20', change: '6', expected: 1, contributing: 1, mappedFrom: [] },
    ]);
    // A closed unit's own series is its own subtree, and nothing after it closed.
    expect(await series('430202', '2023', '2024')).toMatchObject([
      { value: '7', mappedFrom: [] },
      { value: null, expected: 0, mappedFrom: [] },
    ]);
  });

  it('maps a split county to the part that carries it on, and transitively', async () => {
    expect(await series('430690', '2023', '2024')).toMatchObject([
      { value: '11', mappedFrom: ['430626'] },
      { value: '8', mappedFrom: [] },
    ]);
    expect(await series('430691', '2023', '2024')).toMatchObject([
      { value: null, mappedFrom: [] },
      { value: '4', mappedFrom: [] },
    ]);
    // A later edition merges 平江东县 into 平江西县: 平江西县 now carries both histories.
    const later = {
      levels: edition.levels.map(
        (level) => level?.filter((unit) => unit.code !== '430690') ?? null,
      ),
      successors: { '430690': '430691' },
    };
    await database.db.transaction().execute((trx) => applyEdition(trx, later, '2025-01-01'));
    await report('430691', '2025', '9');
    await rebuildTotals(database.db);
    expect(await series('430691', '2023', '2025')).toMatchObject([
      { value: '11', mappedFrom: ['430626'] },
      { value: '12', change: '1', mappedFrom: ['430690'] },
      { value: '9', change: '-3', mappedFrom: [] },
    ]);
  });

  it('leaves the maintained totals equal to the figures (fulian rollup verify)', async () => {
    const result = await verifyTotals(database.db, { within: null, period: null });
    expect(result.compared).toBeGreaterThan(0);
    expect(result.differences).toEqual([]);
  });
});
