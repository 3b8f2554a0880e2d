import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Viewer } from '../src/auth/viewer.js';
import { verifyTotals } from '../src/modules/aggregation/aggregation.verify.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { seedTemplate, seedTestMetrics, staff } from './helpers/reporting.js';
import { APPROVE, CREATE, SAVE, SUBMIT } from './helpers/submission-operations.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

/** An exact decimal string for county i: large, with cents, different for each county. */
const amount = (index: number) =>
  `${1_000_000_007 + index * 7_919}.${String(index % 100).padStart(2, '0')}`;

/** The exact sum of decimal strings with at most two places, added as BigInt cents. */
function sumCents(values: string[]): string {
  const cents = values.reduce((total, value) => {
    const [whole, fraction = ''] = value.split('.');
    return total + BigInt(`${whole}${fraction.padEnd(2, '0')}`);
  }, 0n);
  const text = cents.toString().padStart(3, '0');
  return `${text.slice(0, -2)}.${text.slice(-2)}`.replace(/\.?0+$/, '');
}

it.skipIf(!onPostgres)(
  'saves and approves 134 county submissions at once without losing one, and sums them exactly (PostgreSQL only: PGlite has one connection, so nothing runs at once there)',
  async () => {
    await seedHunan(database.db);
    await seedTestMetrics(database.db);
    await seedTemplate(database.db, 'county-annual', ['COUNTY'], ['test.sales']);
    ({ execute } = await createGraphQLClient(database));
    const admin: Viewer = await staff(database.db, 'PROVINCE_ADMIN', '43');
    const counties = await database.db
      .selectFrom('organization')
      .select(['code', 'path'])
      .where('level', '=', 'COUNTY')
      .where('kind', '=', 'FEDERATION')
      .orderBy('path')
      .execute();
    expect(counties).toHaveLength(134);

    const drafts = await Promise.all(
      counties.map(async (county) => {
        const result = await execute(
          CREATE,
          { input: { template: 'county-annual', organization: county.code, period: '2020' } },
          admin,
        );
        expect(result.errors).toBeUndefined();
        return result.data.createSubmission.submission.id as string;
      }),
    );

    const saved = await Promise.all(
      drafts.map((id, index) =>
        execute(
          SAVE,
          {
            input: {
              id,
              expectedVersion: 1,
              values: [{ metric: 'test.sales', value: amount(index) }],
            },
          },
          admin,
        ),
      ),
    );
    expect(saved.filter((result) => result.errors)).toEqual([]);
    const submitted = await Promise.all(
      drafts.map((id) => execute(SUBMIT, { input: { id, expectedVersion: 2 } }, admin)),
    );
    expect(submitted.filter((result) => result.errors)).toEqual([]);

    const stored = await database.db
      .selectFrom('metric_value')
      .select(['value'])
      .where('metric_code', '=', 'test.sales')
      .where('submission_id', 'is not', null)
      .execute();
    expect(stored).toHaveLength(134);
    const expected = sumCents(counties.map((_, index) => amount(index)));
    expect(
      sumCents(stored.map((row) => (row.value.includes('.') ? row.value : `${row.value}.00`))),
    ).toBe(expected);

    const rollup = await execute(`{ rollup(metric: "test.sales", period: "2020", groupBy: PROVINCE,
      within: "43", includeSubmitted: true) { edges { node { value coverage { expected contributing missing } } } } }`);
    expect(rollup.data.rollup.edges[0].node).toEqual({
      value: expected,
      coverage: { expected: 134, contributing: 134, missing: 0 },
    });
    // The same figure from the 14 cities' roll-ups: 14 rows, one statement for the numbers.
    const cities = await execute(`{ rollup(metric: "test.sales", period: "2020", groupBy: CITY,
      within: "43", includeSubmitted: true, first: 20) { edges { node { value } } } }`);
    expect(cities.data.rollup.edges).toHaveLength(14);
    expect(sumCents(cities.data.rollup.edges.map((edge: any) => edge.node.value))).toBe(expected);
    expect(cities.statements.length).toBeLessThanOrEqual(3);

    // The 134 approvals race for the 14 cities' totals: none deadlocks, none is lost, and the
    // totals equal the figures' statement's recomputation.
    const approved = await Promise.all(
      drafts.map((id) => execute(APPROVE, { input: { id, expectedVersion: 3 } }, admin)),
    );
    expect(approved.filter((result) => result.errors)).toEqual([]);
    expect(await verifyTotals(database.db, { within: null, period: '2020' })).toMatchObject({
      differences: [],
    });
    const province = await execute(`{ rollup(metric: "test.sales", period: "2020",
      groupBy: PROVINCE, within: "43") { edges { node { value } } } }`);
    expect(province.data.rollup.edges[0].node.value).toBe(expected);
  },
);
