import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Database } from '../src/db/tables.js';
import { applyTotalsChange } from '../src/modules/aggregation/aggregation.totals.js';
import { verifyTotals } from '../src/modules/aggregation/aggregation.verify.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { seedHandTree, seedTemplate, seedTestMetrics, staff } from './helpers/reporting.js';
import { APPROVE, CREATE, SAVE, SUBMIT } from './helpers/submission-operations.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

interface Submitted {
  id: number;
  globalId: string;
  organization_id: number;
}

/**
 * What an approval writes, in the caller's transaction: the status (the figures' status
 * follows by trigger) and the totals of the unit and the units above it.
 */
async function approveIn(trx: Kysely<Database>, submission: Submitted): Promise<void> {
  await sql`UPDATE submission SET status = 'APPROVED', approved_at = now(), approved_by = 'test'
    WHERE id = ${submission.id}`.execute(trx);
  await applyTotalsChange(trx, {
    submission: { ...submission, period: '2020' },
    statuses: ['SUBMITTED', 'APPROVED'],
  });
}

/** Approves in a transaction that gives up on any lock held for more than `timeout`. */
function approveWithin(submission: Submitted, timeout: string): Promise<void> {
  return database.db.transaction().execute(async (trx) => {
    await sql`SELECT set_config('lock_timeout', ${timeout}, true)`.execute(trx);
    await approveIn(trx, submission);
  });
}

it.skipIf(!onPostgres)(
  'lets approvals in different cities commit while one is open, queues those in the same city, and keeps the totals exact (PostgreSQL only: PGlite has one connection)',
  async () => {
    await seedHandTree(database.db);
    await seedTestMetrics(database.db);
    await seedTemplate(database.db, 'county-annual', ['COUNTY'], ['test.sales']);
    const { execute } = await createGraphQLClient(database);
    const admin = await staff(database.db, 'PROVINCE_ADMIN', '43');
    const submit = async (code: string, value: string): Promise<Submitted> => {
      const created = await execute(
        CREATE,
        { input: { template: 'county-annual', organization: code, period: '2020' } },
        admin,
      );
      const globalId = created.data.createSubmission.submission.id as string;
      const input = { id: globalId, expectedVersion: 1, values: [{ metric: 'test.sales', value }] };
      expect((await execute(SAVE, { input }, admin)).errors).toBeUndefined();
      const submitInput = { input: { id: globalId, expectedVersion: 2 } };
      expect((await execute(SUBMIT, submitInput, admin)).errors).toBeUndefined();
      const row = await database.db
        .selectFrom('submission')
        .innerJoin('organization', 'organization.id', 'submission.organization_id')
        .select(['submission.id', 'submission.organization_id'])
        .where('organization.code', '=', code)
        .executeTakeFirstOrThrow();
      return { ...row, globalId };
    };
    const a1 = await submit('430101', '100.25');
    const a2 = await submit('430102', '20');
    const b1 = await submit('430201', '3.5');

    // A1's approval (city A) stays open on its own connection until released.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const first = database.db.transaction().execute(async (trx) => {
      await approveIn(trx, a1);
      opened();
      await released;
    });
    await open;

    // B1, in another city, takes no lock A1 holds: the province's total is not a row.
    await expect(approveWithin(b1, '5s')).resolves.toBeUndefined();
    // A2 shares city A's total with A1, so it waits for A1's commit (here: gives up).
    await expect(approveWithin(a2, '200ms')).rejects.toMatchObject({ code: '55P03' });

    release();
    await first;
    const approved = await execute(
      APPROVE,
      { input: { id: a2.globalId, expectedVersion: 3 } },
      admin,
    );
    expect(approved.errors).toBeUndefined();

    expect(await verifyTotals(database.db, { within: null, period: '2020' })).toMatchObject({
      differences: [],
    });
    const province = await execute(`{ rollup(metric: "test.sales", period: "2020",
      groupBy: PROVINCE, within: "43") { edges { node { value } } } }`);
    expect(province.data.rollup.edges[0].node.value).toBe('123.75');
  },
);
