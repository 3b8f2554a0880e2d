import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedData } from '../src/modules/seed-data/seed-data.js';
import { seedReporting } from '../src/modules/submission/reporting.seed.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  await seedData(database.db);
  ({ execute } = await createGraphQLClient(database));
});
afterAll(() => database.close());

describe('the 2020 reports of seeds/reporting.yaml', () => {
  it('loads the annual summary template and the two cities whose 2020 figures the documents give', async () => {
    const counts = await seedReporting(database.db);
    expect(counts.templates).toBe(1);
    expect(counts.submissionsInserted).toBe(2);
    expect(counts.valuesLinked).toBeGreaterThan(20);

    const audit = () =>
      database.db
        .selectFrom('submission_audit')
        .select(['submission_id', 'action', 'version'])
        .orderBy('id')
        .execute();
    const history = await audit();
    expect(history.map((row) => row.action)).toEqual([
      'CREATE',
      'SUBMIT',
      'APPROVE',
      'CREATE',
      'SUBMIT',
      'APPROVE',
    ]);
    // A second run adds nothing: no report, no link, no history.
    expect(await seedReporting(database.db)).toEqual({
      templates: 1,
      submissionsInserted: 0,
      valuesLinked: 0,
    });
    expect(await audit()).toEqual(history);
  });

  it('shows the honest gap: 2 of the 14 cities approved for 2020, 12 missing', async () => {
    const result =
      await execute(`{ completeness(template: "annual-summary", period: "2020", within: "43") {
      dueDate totals { expected missing approved submitted }
      units(status: [NOT_STARTED], first: 20) { totalCount edges { node { organization { name } } } }
      approved: units(status: [APPROVED]) { edges { node { organization { code } submission { approvedBy } } } } } }`);
    expect(result.errors).toBeUndefined();
    const { completeness } = result.data;
    expect(completeness.dueDate).toBe('2021-01-31');
    expect(completeness.totals).toEqual({ expected: 14, missing: 12, approved: 2, submitted: 0 });
    expect(completeness.units.totalCount).toBe(12);
    expect(completeness.units.edges.map((edge: any) => edge.node.organization.name)).toContain(
      '湘潭市妇联',
    );
    expect(completeness.approved.edges.map((edge: any) => edge.node)).toEqual([
      { organization: { code: '4301' }, submission: { approvedBy: 'system:seed' } },
      { organization: { code: '4302' }, submission: { approvedBy: 'system:seed' } },
    ]);
  });

  it('gives each seeded report its figures with their sources, its activities and its history', async () => {
    const result =
      await execute(`{ completeness(template: "annual-summary", period: "2020", within: "4302") {
      units { edges { node { submission { status
        values(first: 100) { totalCount edges { node { source { quote } } } }
        activities(first: 100) { totalCount edges { node { period { start end } } } }
        history { edges { node { action actor } } } } } } } } }`);
    expect(result.errors).toBeUndefined();
    const submission = result.data.completeness.units.edges[0].node.submission;
    expect(submission.status).toBe('APPROVED');
    expect(submission.values.totalCount).toBe(
      (
        await database.db
          .selectFrom('metric_value')
          .innerJoin('organization', 'organization.id', 'metric_value.organization_id')
          .innerJoin(
            'reporting_template_metric',
            'reporting_template_metric.metric_code',
            'metric_value.metric_code',
          )
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('organization.code', '=', '4302')
          .where('metric_value.period', '=', '2020')
          .executeTakeFirstOrThrow()
      ).count,
    );
    expect(submission.values.edges.every((edge: any) => edge.node.source.quote)).toBe(true);
    expect(submission.activities.totalCount).toBeGreaterThan(0);
    for (const edge of submission.activities.edges) {
      expect(edge.node.period.start <= '2020-12-31' && edge.node.period.end >= '2020-01-01').toBe(
        true,
      );
    }
    expect(submission.history.edges.map((edge: any) => edge.node)).toEqual([
      { action: 'CREATE', actor: 'system:seed' },
      { action: 'SUBMIT', actor: 'system:seed' },
      { action: 'APPROVE', actor: 'system:seed' },
    ]);
  });

  it('rolls the approved 2020 training sessions up to the province as the documents state them', async () => {
    const result =
      await execute(`{ rollup(metric: "training.sessions", period: "2020", groupBy: CITY, within: "43", first: 20) {
      edges { node { organization { code } value reported coverage { expected contributing missing } } } }
      province: rollup(metric: "training.sessions", period: "2020", groupBy: PROVINCE, within: "43") {
      edges { node { value coverage { expected contributing missing } } } } }`);
    expect(result.errors).toBeUndefined();
    const rows = result.data.rollup.edges
      .map((edge: any) => edge.node)
      .filter((row: any) => row.value !== null);
    // 长沙: "全市四级妇联共举办培训班 2679 期" (its subtree); 株洲: 121 classes of its own.
    expect(rows).toEqual([
      {
        organization: { code: '4301' },
        value: '2679',
        reported: '2679',
        coverage: { expected: 1, contributing: 1, missing: 0 },
      },
      {
        organization: { code: '4302' },
        value: '121',
        reported: null,
        coverage: { expected: 1, contributing: 1, missing: 0 },
      },
    ]);
    expect(result.data.province.edges[0].node).toEqual({
      value: '2800',
      coverage: { expected: 14, contributing: 2, missing: 12 },
    });
  });
});
