import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

describe('the metric, document and activity tables', () => {
  let database: TestDatabase;
  let organizationId: number;
  beforeAll(async () => {
    database = await createTestDatabase();
    const row = await database.db
      .insertInto('organization')
      .values({
        id: 1,
        code: '43',
        name: '湖南省妇联',
        level: 'PROVINCE',
        kind: 'FEDERATION',
        path: '0000000001/',
        depth: 0,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    organizationId = row.id;
    await database.db
      .insertInto('metric_definition')
      .values([
        {
          code: 'village_committee.members',
          name_zh: '村“两委”成员数',
          name_en: 'Village committee members',
          description: null,
          unit: 'PERSON',
          value_type: 'INTEGER',
          time_aggregation: 'LAST',
          tree_aggregation: 'SUM',
          numerator_code: null,
          denominator_code: null,
          factor: null,
        },
        {
          code: 'village_committee.women_members',
          name_zh: '村“两委”女性成员数',
          name_en: 'Women village committee members',
          description: null,
          unit: 'PERSON',
          value_type: 'INTEGER',
          time_aggregation: 'LAST',
          tree_aggregation: 'SUM',
          numerator_code: null,
          denominator_code: null,
          factor: null,
        },
      ])
      .execute();
  });
  afterAll(() => database.close());

  it('keeps values exact and periods as text with their dates', async () => {
    const document = await database.db
      .insertInto('document')
      .values({
        title: '报告',
        kind: 'NEWS_REPORT',
        date_text: '2021-02',
        date_start: '2021-02-01',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('metric_value')
      .values({
        organization_id: organizationId,
        metric_code: 'village_committee.members',
        period: '2020-05/2021-02',
        period_type: 'SPAN',
        period_start: '2020-05-01',
        period_end: '2021-02-28',
        value: '123456789012345678.25',
        unit: 'PERSON',
        document_id: document.id,
        quote: '共 123456789012345678.25 人',
        submission_id: null,
      })
      .execute();
    const row = await database.db.selectFrom('metric_value').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      value: '123456789012345678.25',
      period_start: '2020-05-01',
      period_end: '2021-02-28',
      qualifier: 'EXACT',
      scope: 'SELF',
      aggregatable: true,
    });
  });

  it('refuses a RATIO metric without its numerator, denominator and factor', async () => {
    const ratio = {
      code: 'village_committee.women_share',
      name_zh: '女性占村“两委”成员比例',
      name_en: "Women's share",
      description: null,
      unit: 'PERCENT' as const,
      value_type: 'PERCENT' as const,
      time_aggregation: 'LAST' as const,
      tree_aggregation: 'RATIO' as const,
      numerator_code: 'village_committee.women_members',
      denominator_code: 'village_committee.members',
      factor: null,
    };
    await expect(
      database.db.insertInto('metric_definition').values(ratio).execute(),
    ).rejects.toThrow(/metric_definition_ratio_parts/);
    await database.db
      .insertInto('metric_definition')
      .values({ ...ratio, factor: '100' })
      .execute();
  });

  it('indexes one- and two-character grams of activity text for search', async () => {
    const grams = await sql<{ grams: string[] }>`SELECT search_grams('培训班') AS grams`.execute(
      database.db,
    );
    expect([...grams.rows[0]!.grams].sort()).toEqual(['培', '培训', '班', '训', '训班'].sort());

    await database.db
      .insertInto('activity')
      .values({
        organization_id: organizationId,
        title: '基层妇联领头雁培训计划 培训班',
        description: null,
        corrected_title: null,
        kind: 'TRAINING',
        period: '2020',
        period_type: 'YEAR',
        period_start: '2020-01-01',
        period_end: '2020-12-31',
        themes: ['组织建设'],
      })
      .execute();
    const found = await sql<{ title: string }>`
      SELECT title FROM activity
      WHERE search_grams @> search_grams(${'培训'}) AND title LIKE ${'%培训%'}`.execute(
      database.db,
    );
    expect(found.rows.map((row) => row.title)).toEqual(['基层妇联领头雁培训计划 培训班']);

    // With sequential scans priced out, the planner reaches the rows through the GIN index.
    await database.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx);
      const plan = await sql<Record<string, string>>`
        EXPLAIN SELECT id FROM activity WHERE search_grams @> search_grams(${'培训'})`.execute(trx);
      expect(plan.rows.map((row) => Object.values(row)[0]).join('\n')).toContain(
        'activity_search_idx',
      );
    });
  });
});
