import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import type { Viewer } from '../src/auth/viewer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedData } from '../src/seed/seed-data.js';
import { seedReporting } from '../src/seed/reporting.seed.js';
import { SeedDataError } from '../src/seed/seed-data.files.js';
import { saveSubmissionValues } from '../src/modules/submission/submission.save.js';
import { transitionSubmission } from '../src/modules/submission/submission.transition.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { staff } from './helpers/reporting.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
// Who did what and the history are internal: the province's staff read them.
let admin: Viewer;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  await seedData(database.db);
  ({ execute } = await createGraphQLClient(database));
  admin = await staff(database.db, 'PROVINCE_ADMIN', '43');
});
afterAll(() => database.close());

describe('the 2020 reports of seeds/reporting.yaml', () => {
  it('loads the annual summary and quarterly templates and the two cities whose 2020 figures the documents give', async () => {
    const counts = await seedReporting(database.db);
    expect(counts.templates).toBe(2);
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
      templates: 2,
      submissionsInserted: 0,
      valuesLinked: 0,
    });
    expect(await audit()).toEqual(history);
  });

  it('shows the honest gap: 2 of the 14 cities approved for 2020, 12 missing', async () => {
    const result = await execute(
      `{ completeness(template: "annual-summary", period: "2020", within: "43") {
      dueDate totals { expected missing approved submitted }
      units(status: [NOT_STARTED], first: 20) { totalCount edges { node { organization { name } } } }
      approved: units(status: [APPROVED]) { edges { node { organization { code } submission { approvedBy } } } } } }`,
      {},
      admin,
    );
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
    const result = await execute(
      `{ completeness(template: "annual-summary", period: "2020", within: "4302") {
      units { edges { node { submission { status
        values(first: 100) { totalCount edges { node { source { quote } } } }
        activities(first: 100) { totalCount edges { node { period { start end } } } }
        history { edges { node { action actor } } } } } } } } }`,
      {},
      admin,
    );
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
          .innerJoin(
            'reporting_template',
            'reporting_template.id',
            'reporting_template_metric.template_id',
          )
          .select((eb) => eb.fn.countAll<number>().as('count'))
          .where('reporting_template.code', '=', 'annual-summary')
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

  it('keeps a report edited after approval as the workflow left it when the seeds run again', async () => {
    const { id } = await database.db
      .selectFrom('submission')
      .innerJoin('organization', 'organization.id', 'submission.organization_id')
      .select('submission.id')
      .where('organization.code', '=', '4301')
      .where('submission.period', '=', '2020')
      .executeTakeFirstOrThrow();
    const figures = () =>
      database.db
        .selectFrom('metric_value')
        .select(['metric_code', 'value', 'scope'])
        .where('submission_id', '=', id)
        .orderBy('metric_code')
        .execute();
    const seeded = await figures();
    const dropped = seeded.find((row) => row.metric_code !== 'training.sessions')!.metric_code;

    // The province reopens Changsha's approved report, corrects one figure and drops another.
    const step = (kind: 'unapprove' | 'return' | 'submit' | 'approve', version: number) =>
      transitionSubmission(database.db, admin, kind, {
        submissionId: id,
        expectedVersion: version,
        comment: kind === 'return' ? '请核对培训期数' : null,
      });
    const returned = await step('return', (await step('unapprove', 3)).version);
    const saved = await saveSubmissionValues(database.db, admin, {
      submissionId: id,
      expectedVersion: returned.version,
      values: [{ metric: 'training.sessions', value: '2700', scope: 'SUBTREE' }],
      remove: [dropped],
    });
    const approved = await step(
      'approve',
      (await step('submit', saved.submission.version)).version,
    );
    expect(approved.status).toBe('APPROVED');
    const edited = await figures();
    expect(edited).toHaveLength(seeded.length - 1);
    expect(edited).toContainEqual({
      metric_code: 'training.sessions',
      value: '2700',
      scope: 'SUBTREE',
    });

    const rows = async () =>
      (
        await sql<{ row: string }>`SELECT v::text AS row FROM metric_value v ORDER BY id`.execute(
          database.db,
        )
      ).rows.map((row) => row.row);
    const history = () =>
      database.db.selectFrom('submission_audit').selectAll().orderBy('id').execute();
    const [rowsBefore, historyBefore] = [await rows(), await history()];
    const reseed = async () => {
      await seedData(database.db);
      return seedReporting(database.db);
    };
    expect(await reseed()).toEqual({ templates: 2, submissionsInserted: 0, valuesLinked: 0 });

    // The report is as the workflow left it, with no history it did not write. Every row is
    // untouched; the one new row is the document's own figure the removal took with it, back
    // as a document figure that no report holds.
    expect(await figures()).toEqual(edited);
    expect(await history()).toEqual(historyBefore);
    const rowsAfter = await rows();
    expect(rowsAfter.slice(0, rowsBefore.length)).toEqual(rowsBefore);
    expect(rowsAfter).toHaveLength(rowsBefore.length + 1);
    const restored = await database.db
      .selectFrom('metric_value')
      .innerJoin('organization', 'organization.id', 'metric_value.organization_id')
      .select(['metric_value.metric_code', 'metric_value.submission_id'])
      .orderBy('metric_value.id', 'desc')
      .executeTakeFirstOrThrow();
    expect(restored).toEqual({ metric_code: dropped, submission_id: null });
    // And a further run writes nothing at all.
    await reseed();
    expect(await rows()).toEqual(rowsAfter);
  });

  it('refuses a faulty reporting file with every fault by its path, writing nothing', async () => {
    const templates = () => database.db.selectFrom('reporting_template').selectAll().execute();
    const before = await templates();
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'fulian-reporting-')), 'bad.yaml');
    const write = (content: string) => writeFile(file, content, 'utf8');

    await write(`templates:
  - code: quarterly
    name_zh: 季报
    name_en: Quarterly
    period_type: WEEK
    submitting_levels: [NATIONAL]
    due_days: 1.5
    metrics: []
submissions:
  - template: quarterly
    period: "2020"
    org: "43"
    status: LOST
    documents: [doc-000]
`);
    const shape = await seedReporting(database.db, file).catch((error: unknown) => error);
    expect(shape).toBeInstanceOf(SeedDataError);
    expect((shape as SeedDataError).problems).toEqual([
      {
        file: 'bad.yaml',
        path: 'templates[0].period_type',
        reason: 'must be one of YEAR, QUARTER, MONTH',
      },
      {
        file: 'bad.yaml',
        path: 'templates[0].submitting_levels[0]',
        reason: expect.stringMatching(/^must be one of PROVINCE, CITY/),
      },
      { file: 'bad.yaml', path: 'templates[0].due_days', reason: 'must be a whole number of days' },
      { file: 'bad.yaml', path: 'templates[0].metrics', reason: 'must be a list' },
      {
        file: 'bad.yaml',
        path: 'submissions[0].status',
        reason: expect.stringMatching(/^must be one of DRAFT/),
      },
    ]);

    await write(`templates:
  - code: annual-summary
    name_zh: 年度总结
    name_en: Annual summary
    period_type: YEAR
    submitting_levels: [CITY]
    due_days: 31
    metrics: [training.sessions, no.such.metric]
submissions:
  - { template: annual-summary, period: 2020-Q1, org: "4301", status: SUBMITTED, documents: [x] }
  - { template: other, period: "2020", org: "4301", status: SUBMITTED, documents: [x] }
  - { template: annual-summary, period: "2020", org: "9999", status: SUBMITTED, documents: [no-such-document] }
`);
    const references = await seedReporting(database.db, file).catch((error: unknown) => error);
    expect((references as SeedDataError).problems.map((problem) => problem.path)).toEqual([
      'submissions[0].period',
      'submissions[1].template',
    ]);
    await write(`templates:
  - code: annual-summary
    name_zh: 年度总结
    name_en: Annual summary
    period_type: YEAR
    submitting_levels: [CITY]
    due_days: 31
    metrics: [training.sessions, no.such.metric]
submissions:
  - { template: annual-summary, period: "2020", org: "9999", status: SUBMITTED, documents: [no-such-document] }
`);
    const missing = await seedReporting(database.db, file).catch((error: unknown) => error);
    expect((missing as SeedDataError).problems).toEqual([
      {
        file: 'bad.yaml',
        path: 'templates[0].metrics[1]',
        reason: 'no metric "no.such.metric" in the catalogue',
      },
      { file: 'bad.yaml', path: 'submissions[0].org', reason: 'no organization "9999"' },
      {
        file: 'bad.yaml',
        path: 'submissions[0].documents[0]',
        reason: 'no document "no-such-document" (load the documents first)',
      },
    ]);
    expect(await templates()).toEqual(before);
  });
});
