import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { verifyTotals } from '../src/modules/aggregation/aggregation.verify.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { seedHandTree, seedTemplate, seedTestMetrics, staff } from './helpers/reporting.js';
import { APPROVE, CREATE, SAVE, SUBMIT } from './helpers/submission-operations.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

// fulian rollup verify is the proof that the stored totals equal the figures: it must find a
// stored row that is wrong, missing, or has nothing behind it, not only agree when all is well.
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  await seedTestMetrics(database.db);
  await seedTemplate(database.db, 'county-annual', ['COUNTY'], ['test.sales']);
  const { execute } = await createGraphQLClient(database);
  const admin = await staff(database.db, 'PROVINCE_ADMIN', '43');
  for (const [code, value] of [
    ['430101', '100.25'],
    ['430102', '20'],
  ] as const) {
    const created = await execute(
      CREATE,
      { input: { template: 'county-annual', organization: code, period: '2020' } },
      admin,
    );
    const id = created.data.createSubmission.submission.id as string;
    const steps = [
      [SAVE, { id, expectedVersion: 1, values: [{ metric: 'test.sales', value }] }],
      [SUBMIT, { id, expectedVersion: 2 }],
      [APPROVE, { id, expectedVersion: 3 }],
    ] as const;
    for (const [document, input] of steps) {
      expect((await execute(document, { input }, admin)).errors).toBeUndefined();
    }
  }
});
afterAll(() => database.close());

/** What verify finds after `tamper` has run, in a transaction rolled back afterwards. */
async function differencesAfter(tamper: string) {
  let found: Awaited<ReturnType<typeof verifyTotals>>['differences'] = [];
  await database.db
    .transaction()
    .execute(async (trx) => {
      await sql.raw(tamper).execute(trx);
      found = (await verifyTotals(trx, { within: null, period: null })).differences;
      throw new Error('roll back');
    })
    .catch((error: Error) => {
      if (error.message !== 'roll back') throw error;
    });
  return found.map(({ path, period, basis, column }) => ({ path, period, basis, column }));
}

// A unit's stored rows are read by its parent's total: verify names the parent.
const PROVINCE = '0000000001/0000000002/';
const CITY_A = `${PROVINCE}0000000003/`;

it('agrees with the figures when nothing was touched', async () => {
  const result = await verifyTotals(database.db, { within: null, period: null });
  expect(result.differences).toEqual([]);
  expect(result.compared).toBeGreaterThan(0);
});

it('finds a stored value that is wrong', async () => {
  expect(
    await differencesAfter(`UPDATE metric_total SET value = value + 1
      WHERE organization_id = 3 AND metric_code = 'test.sales' AND basis = 'APPROVED'`),
  ).toContainEqual({ path: PROVINCE, period: '2020', basis: 'APPROVED', column: 'value' });
});

it('finds a stored row that is missing', async () => {
  const found = await differencesAfter(`DELETE FROM metric_total
    WHERE organization_id = 6 AND metric_code = 'test.sales' AND basis = 'SUBMITTED'`);
  expect(found).toContainEqual({
    path: CITY_A,
    period: '2020',
    basis: 'SUBMITTED',
    column: 'value',
  });
});

it('finds a stored row with no figure behind it, in a period with figures and in one without', async () => {
  const orphan = (unit: number, period: string) => `INSERT INTO metric_total
    SELECT ${unit}, metric_code, '${period}', basis, value, figures, qualifiers, numerator,
      numerator_qualifiers, denominator, denominator_qualifiers, numerator_uncovered,
      denominator_uncovered, numerator_unpaired, denominator_unpaired, units
    FROM metric_total WHERE organization_id = 6 AND metric_code = 'test.sales' AND period = '2020'`;
  const other = await differencesAfter(orphan(8, '2020'));
  expect(other.map((d) => [d.path, d.period])).toContainEqual([`${PROVINCE}0000000004/`, '2020']);
  const earlier = await differencesAfter(orphan(6, '2019'));
  expect(earlier.map((d) => [d.path, d.period])).toContainEqual([CITY_A, '2019']);
});
