// The coverage of expected reports (expected, unapproved, missing) read from the counts kept
// beside the totals (migration 0013): a draft's first figure and its removal, the workflow's
// steps, and a division edition that opens and closes units change them in the same
// transaction, and they stay equal to the figures' statement (fulian rollup verify).
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/auth/viewer.js';
import { rebuildTotals } from '../src/modules/aggregation/aggregation.totals.js';
import { verifyTotals } from '../src/modules/aggregation/aggregation.verify.js';
import { applyEdition, readEdition } from '../src/seed/division-edition.js';
import { HUNAN_EDITION, loadHunanTownships } from './helpers/division-edition.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import {
  insertApprovedSessions,
  organizationByCode,
  seedHandTree,
  seedTemplate,
  seedTestMetrics,
  staff,
} from './helpers/reporting.js';
import { APPROVE, CREATE, SAVE, SUBMIT } from './helpers/submission-operations.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

interface Counts {
  expected: number;
  unapproved: number;
  missing: number;
}

/** A roll-up's coverage per group code, and the statements the request sent. */
async function coverageBy(
  execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'],
  args: string,
): Promise<{ groups: Record<string, Counts>; statements: number }> {
  const result = await execute(`{ rollup(metric: "test.sessions", ${args}, first: 100) {
    edges { node { organization { code } coverage { expected unapproved missing } } } } }`);
  expect(result.errors).toBeUndefined();
  const groups = Object.fromEntries(
    result.data.rollup.edges.map((edge: any) => [
      edge.node.organization.code,
      edge.node.coverage as Counts,
    ]),
  );
  return { groups, statements: result.statements.length };
}

async function expectVerified(database: TestDatabase): Promise<void> {
  const result = await verifyTotals(database.db, { within: null, period: null });
  expect(result.compared).toBeGreaterThan(0);
  expect(result.differences).toEqual([]);
}

describe('expected reports through the workflow', () => {
  let database: TestDatabase;
  let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
  let admin: Viewer;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedHandTree(database.db);
    await seedTestMetrics(database.db);
    await seedTemplate(database.db, 'test-annual', ['COUNTY'], ['test.sessions', 'test.sales']);
    admin = await staff(database.db, 'PROVINCE_ADMIN', '43');
    ({ execute } = await createGraphQLClient(database));
  });
  afterAll(() => database?.close());

  const byCity = () => coverageBy(execute, 'period: "2020", groupBy: CITY, within: "43"');
  const province = async () =>
    (await coverageBy(execute, 'period: "2020", groupBy: PROVINCE')).groups['43'];

  it("turns a missing unit into an unapproved one with a draft's first figure, and back", async () => {
    const missingAll = { expected: 2, unapproved: 0, missing: 2 };
    expect((await byCity()).groups['4301']).toEqual(missingAll);
    const created = await execute(
      CREATE,
      { input: { template: 'test-annual', organization: '430101', period: '2020' } },
      admin,
    );
    const id = created.data.createSubmission.submission.id;
    const save = async (version: number, input: Record<string, unknown>) => {
      const result = await execute(
        SAVE,
        { input: { id, expectedVersion: version, ...input } },
        admin,
      );
      expect(result.errors).toBeUndefined();
    };
    await save(1, { values: [{ metric: 'test.sessions', value: '4' }] });
    expect((await byCity()).groups['4301']).toEqual({ expected: 2, unapproved: 1, missing: 1 });
    // The province is computed from its cities' counts when read.
    expect(await province()).toEqual({ expected: 5, unapproved: 1, missing: 4 });
    await expectVerified(database);
    // test.sales is another metric: test.sessions' coverage stays as it was.
    await save(2, { values: [{ metric: 'test.sales', value: '9' }] });
    await save(3, { values: [], remove: ['test.sessions'] });
    expect((await byCity()).groups['4301']).toEqual(missingAll);
    expect(await province()).toEqual({ expected: 5, unapproved: 0, missing: 5 });
    await expectVerified(database);
    // The difference took its rows to 0: removed, as the rebuild stores no such row.
    const zero = await sql`SELECT 1 FROM metric_coverage WHERE reported = 0`.execute(database.db);
    expect(zero.rows).toEqual([]);
    await save(4, { values: [{ metric: 'test.sessions', value: '6' }] });
    expect(
      (await execute(SUBMIT, { input: { id, expectedVersion: 5 } }, admin)).errors,
    ).toBeUndefined();
    expect((await byCity()).groups['4301']).toEqual({ expected: 2, unapproved: 1, missing: 1 });
    expect(
      (await execute(APPROVE, { input: { id, expectedVersion: 6 } }, admin)).errors,
    ).toBeUndefined();
    expect((await byCity()).groups['4301']).toEqual({ expected: 2, unapproved: 0, missing: 1 });
    await expectVerified(database);
  });

  it('reads the coverage in the roll-up statement: no more statements than without it', async () => {
    const { statements } = await byCity();
    const bare = await execute(`{ rollup(metric: "test.sessions", period: "2020", groupBy: CITY,
      within: "43", first: 100) { edges { node { organization { code } value } } } }`);
    expect(bare.errors).toBeUndefined();
    expect(statements).toBe(bare.statements.length);
  });
});

describe('expected reports across an edition of the division list', () => {
  let database: TestDatabase;
  let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];

  beforeAll(async () => {
    database = await createTestDatabase();
    await loadHunanTownships(database.db);
    const template = await seedTemplate(
      database.db,
      'county-summary',
      ['COUNTY'],
      ['test.sessions'],
    );
    // 荷塘区 reports 2024 before the edition closes it on 2024-01-01; 芦淞区 reports 2023.
    for (const [code, period] of [
      ['430202', '2024'],
      ['430203', '2023'],
    ] as const) {
      const unit = await organizationByCode(database.db, code);
      await insertApprovedSessions(database.db, template, unit.id, period, '3');
    }
    await rebuildTotals(database.db);
    ({ execute } = await createGraphQLClient(database));
  });
  afterAll(() => database?.close());

  it('counts the units each period had, kept by the edition itself (no rebuild)', async () => {
    const read = async (period: string) =>
      (await coverageBy(execute, `period: "${period}", groupBy: CITY, within: "43"`)).groups;
    const before = { 2023: await read('2023'), 2024: await read('2024') };
    expect(before[2024]['4302']!.missing).toBe(before[2024]['4302']!.expected - 1);
    const edition = await readEdition(HUNAN_EDITION, { provinces: ['43'] });
    await database.db.transaction().execute((trx) => applyEdition(trx, edition, '2024-01-01'));
    const after = { 2023: await read('2023'), 2024: await read('2024') };
    // 2023 had the old units; 2024 has 荷淞区 for 荷塘区 and 芦淞区, and 平江县's two parts.
    expect(after[2023]).toEqual(before[2023]);
    expect(after[2024]['4302']).toEqual({
      expected: before[2024]['4302']!.expected - 1,
      unapproved: 0,
      // 荷塘区's 2024 figure no longer makes a unit of 2024 reported.
      missing: before[2024]['4302']!.expected - 1,
    });
    expect(after[2024]['4306']!.expected).toBe(before[2024]['4306']!.expected + 1);
    await expectVerified(database);
  });
});
