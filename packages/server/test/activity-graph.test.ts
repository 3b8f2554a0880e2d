import 'reflect-metadata';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedData } from '../src/seed/seed-data.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

describe('activities, figures and their sources over GraphQL', () => {
  let database: TestDatabase;
  let client: Awaited<ReturnType<typeof createGraphQLClient>>;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedHunan(database.db);
    await seedData(database.db);
    client = await createGraphQLClient(database);
  });
  afterAll(async () => {
    await client.server.stop();
    await database.close();
  });

  it("answers how many training sessions Changsha's four levels held in 2020, and the source, in one query", async () => {
    const result = await client.execute(`
      {
        organization(code: "4301") {
          name
          metricValues(metric: "training.sessions", period: "2020", scope: SUBTREE) {
            totalCount
            edges {
              node {
                value
                valueFloat
                unit
                wording
                qualifier
                scope
                period { text start end }
                metric { code name nameEn unit timeAggregation treeAggregation }
                activity { title kind }
                source {
                  quote
                  document { title date publisher kind }
                }
              }
            }
          }
        }
      }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.organization).toEqual({
      name: '长沙市妇联',
      metricValues: {
        totalCount: 1,
        edges: [
          {
            node: {
              value: '2679',
              valueFloat: 2679,
              unit: 'SESSION',
              wording: '2679 期',
              qualifier: 'EXACT',
              scope: 'SUBTREE',
              period: { text: '2020', start: '2020-01-01', end: '2020-12-31' },
              metric: {
                code: 'training.sessions',
                name: '培训班期数',
                nameEn: 'Training sessions held',
                unit: 'SESSION',
                timeAggregation: 'SUM',
                treeAggregation: 'SUM',
              },
              activity: { title: '基层妇联领头雁培训计划 培训班', kind: 'TRAINING' },
              source: {
                quote: '全市四级妇联共举办培训班 2679 期',
                document: {
                  title: '湖南省妇联 2021 年工作务虚会召开',
                  date: '2021-02',
                  publisher: '今日女报 / 凤网',
                  kind: 'NEWS_REPORT',
                },
              },
            },
          },
        ],
      },
    });
  });

  it('keeps nested lists batched: statements bounded by depth, not by rows', async () => {
    const query = `
      query ($first: Int) {
        organizations(filter: { level: CITY }, first: $first) {
          edges { node { name
            activities(first: 40) { edges { node { title
              coOrganizers { name }
              programme { name }
              metricValues { value metric { name } source { document { title } } }
            } } }
            programmes { name activities { title } }
            honors { title }
            workPlans { title sections { items { title targets { value } } } }
          } }
        }
      }`;
    const small = await client.execute(query, { first: 1 });
    const large = await client.execute(query, { first: 14 });
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    const activities = (data: any) =>
      data.organizations.edges.flatMap((edge: any) => edge.node.activities.edges);
    expect(activities(large.data).length).toBeGreaterThan(activities(small.data).length);
    const values = activities(large.data).flatMap((edge: any) => edge.node.metricValues);
    expect(values.length).toBeGreaterThan(50);
    expect(values.every((value: any) => typeof value.metric.name === 'string')).toBe(true);
    // At most one statement per list field and per looked-up type (fewer when a level is
    // empty), for 1 city as for 14.
    expect(small.statements.length).toBeLessThanOrEqual(15);
    expect(large.statements.length).toBeLessThanOrEqual(15);
  });

  it("runs the brief's nested query in a number of statements bounded by its depth", async () => {
    const result = await client.execute(`{
      organizations(filter: { level: CITY }) { edges { node {
        activities { edges { node { metricValues { metric { name } } } } }
      } } }
    }`);
    expect(result.errors).toBeUndefined();
    // Cities, their activities, the activities' figures, the figures' metrics.
    expect(result.statements).toHaveLength(4);
  });

  it("sends a tree's units in one statement and its figures at every level in another", async () => {
    const figures = `code
      sessions: metricValues(metric: "training.sessions", period: "2020", first: 1) {
        edges { node { value metric { code } } } }
      women: metricValues(metric: "training.women_attendance", period: "2020", first: 1) {
        edges { node { value metric { code } } } }`;
    const result = await client.execute(`{ organization(code: "43") { ${figures}
      children(first: 20) { edges { node { ${figures}
        children(first: 40) { edges { node { ${figures} } } } } } } } }`);
    expect(result.errors).toBeUndefined();
    // The province with its cities and their counties; every unit's two figures together; the
    // figures' `metric` fields add one lookup of their definitions.
    const statements = result.statements.filter((text) => !/metric_definition"/.test(text));
    expect(statements).toHaveLength(2);
    expect(result.statements.length).toBeLessThanOrEqual(3);

    // The same first figure per unit and metric as a statement of its own computes.
    const province = result.data.organization;
    const units = [province, ...province.children.edges.map((edge: any) => edge.node)].flatMap(
      (unit: any) => [unit, ...(unit.children?.edges.map((edge: any) => edge.node) ?? [])],
    );
    const unique = [...new Map(units.map((unit: any) => [unit.code, unit])).values()];
    expect(unique.length).toBeGreaterThan(100);
    const answered = unique.flatMap((unit: any) =>
      [unit.sessions, unit.women]
        .map((figure: any) => figure.edges[0]?.node)
        .filter(Boolean)
        .map((node: any) => `${unit.code} ${node.metric.code} ${node.value}`),
    );
    const oracle = await sql<{ line: string }>`
      SELECT o.code || ' ' || f.metric_code || ' ' || f.value::text AS line
      FROM organization o
      CROSS JOIN unnest(ARRAY['training.sessions', 'training.women_attendance']) AS m(code)
      JOIN LATERAL (
        SELECT v.metric_code, v.value FROM metric_value v
        WHERE v.organization_id = o.id AND v.metric_code = m.code
          AND v.period_start >= '2020-01-01' AND v.period_end <= '2020-12-31'
          AND (v.submission_id IS NULL OR v.submission_status IN ('SUBMITTED', 'APPROVED'))
        ORDER BY v.period_start, v.id LIMIT 1
      ) f ON true
      WHERE o.code = ANY(${unique.map((unit: any) => unit.code)}::text[])`.execute(database.db);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.sort()).toEqual(oracle.rows.map((row) => row.line).sort());
  });

  it('answers every field of a list of figures as the figure itself does, however few or many its nodes ask', async () => {
    // Lists of figures by metric select only the columns their nodes' fields read.
    const each = [
      'id',
      'period { text type start end }',
      'asOf',
      'value',
      'valueFloat',
      'unit',
      'wording',
      'qualifier',
      'scope',
      'aggregatable',
      'source { quote document { title } }',
      'organization { code }',
      'metric { code }',
    ];
    const fields = each.join(' ');
    const result = await client.execute(`
      fragment Wide on MetricValue { ${fields} }
      { organization(code: "43") { children(first: 20) { edges { node {
        narrow: metricValues(metric: "training.sessions", first: 3) {
          edges { cursor node { value } } pageInfo { endCursor } }
        wide: metricValues(metric: "training.sessions", first: 3) { edges { node { ...Wide } } }
        inline: metricValues(metric: "training.sessions", first: 3) {
          edges { node { ... on Node { id } ... on MetricValue { qualifier } } } }
      } } } } }`);
    expect(result.errors).toBeUndefined();
    const units = result.data.organization.children.edges.map((edge: any) => edge.node);
    const wide = units.flatMap((unit: any) => unit.wide.edges.map((edge: any) => edge.node));
    expect(wide.length).toBeGreaterThan(1);
    expect(
      units.flatMap((unit: any) => unit.narrow.edges.map((edge: any) => edge.node.value)),
    ).toEqual(wide.map((node: any) => node.value));
    expect(units.flatMap((unit: any) => unit.inline.edges.map((edge: any) => edge.node))).toEqual(
      wide.map((node: any) => ({ id: node.id, qualifier: node.qualifier })),
    );
    // The same figures read one by one, every column.
    const nodes = await client.execute(
      `{ ${wide.map((node: any, index: number) => `f${index}: node(id: "${node.id}") { ...Wide }`).join(' ')} }
      fragment Wide on MetricValue { ${fields} }`,
    );
    expect(nodes.errors).toBeUndefined();
    expect(Object.values(nodes.data)).toEqual(wide);
    // Each field asked alone, in a request of its own (a batch selects its lists' columns
    // together), so no other field's columns come with it.
    for (const field of each) {
      const name = field.split(' ')[0]!;
      const alone = await client.execute(`{ organization(code: "43") { children(first: 20) {
        edges { node { metricValues(metric: "training.sessions", first: 3) {
          edges { node { ${field} } } } } } } } }`);
      expect(alone.errors, name).toBeUndefined();
      const answered = alone.data.organization.children.edges.flatMap((unit: any) =>
        unit.node.metricValues.edges.map((edge: any) => edge.node),
      );
      expect(answered, name).toEqual(wide.map((node: any) => ({ [name]: node[name] })));
    }
  });

  it('filters the root list by subtree, kind, period, theme and a two-character search', async () => {
    const query = `
      query ($filter: RootActivityFilter, $first: Int, $after: String) {
        activities(filter: $filter, first: $first, after: $after) {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { node { title kind themes period { text } organization { code name } } }
        }
      }`;
    const search = await client.execute(query, { filter: { search: '培训' }, first: 100 });
    expect(search.errors).toBeUndefined();
    const titles = search.data.activities.edges.map((edge: any) => edge.node.title);
    expect(titles).toContain('基层妇联领头雁培训计划 培训班');
    expect(titles.every((title: string) => title.includes('培训'))).toBe(true);
    expect(search.data.activities.totalCount).toBe(titles.length);

    // One character is looked up by itself, longer terms by their pairs; both find what a
    // plain substring test over the searched text finds.
    for (const term of ['训', '培训班', '领头雁培训']) {
      const found = await client.execute(query, { filter: { search: term }, first: 100 });
      const expected = await database.db
        .selectFrom('activity')
        .select('title')
        .where(
          sql<boolean>`strpos(title || ' ' || coalesce(corrected_title, '') || ' ' || coalesce(description, ''), ${term}) > 0`,
        )
        .execute();
      expect(found.data.activities.totalCount).toBe(expected.length);
      expect(found.data.activities.totalCount).toBeGreaterThan(0);
      if (expected.length <= 100) {
        expect(found.data.activities.edges.map((edge: any) => edge.node.title).sort()).toEqual(
          expected.map((row) => row.title).sort(),
        );
      }
    }

    // The source's OCR writes 中帼 for 巾帼: the corrected title is searched too.
    const corrected = await client.execute(`{
      activities(filter: { search: "株洲巾帼" }) { edges { node { title correctedTitle } } }
    }`);
    expect(corrected.data.activities.edges).toContainEqual({
      node: {
        title: '“株洲中帼 暖心助农”扶贫直播',
        correctedTitle: '“株洲巾帼 暖心助农”扶贫直播',
      },
    });

    const zhuzhou = await client.execute(query, {
      filter: { within: '4302', kind: 'LIVESTREAM', period: '2020' },
      first: 100,
    });
    expect(zhuzhou.errors).toBeUndefined();
    const nodes = zhuzhou.data.activities.edges.map((edge: any) => edge.node);
    expect(nodes.length).toBeGreaterThan(0);
    for (const node of nodes) {
      expect(node.kind).toBe('LIVESTREAM');
      expect(node.organization.code ?? '4302').toMatch(/^4302/);
    }

    const themed = await client.execute(query, { filter: { theme: '家庭家教家风' }, first: 3 });
    expect(themed.data.activities.edges).toHaveLength(3);
    expect(themed.data.activities.pageInfo.hasNextPage).toBe(true);
    for (const edge of themed.data.activities.edges) {
      expect(edge.node.themes).toContain('家庭家教家风');
    }
    const next = await client.execute(query, {
      filter: { theme: '家庭家教家风' },
      first: 3,
      after: themed.data.activities.pageInfo.endCursor,
    });
    const firstTitles = themed.data.activities.edges.map((edge: any) => edge.node.title);
    for (const edge of next.data.activities.edges) {
      expect(firstTitles).not.toContain(edge.node.title);
    }
  });

  it('rejects a bad period and an unknown theme as BAD_USER_INPUT, an unknown metric as NOT_FOUND, naming the field', async () => {
    const period = await client.execute(
      `{ activities(filter: { period: "2020Q5" }) { totalCount } }`,
    );
    expect(errorCodes(period)).toEqual(['BAD_USER_INPUT']);
    expect(period.errors?.[0]?.extensions?.field).toBe('filter.period');

    const backwards = await client.execute(
      `{ organization(code: "4301") { metricValues(period: "2023/2018") { totalCount } } }`,
    );
    expect(errorCodes(backwards)).toEqual(['BAD_USER_INPUT']);
    expect(backwards.errors?.[0]?.extensions?.field).toBe('period');

    const theme = await client.execute(`{ activities(filter: { theme: "思想" }) { totalCount } }`);
    expect(errorCodes(theme)).toEqual(['BAD_USER_INPUT']);
    expect(theme.errors?.[0]?.extensions?.field).toBe('filter.theme');

    const metric = await client.execute(
      `{ organization(code: "4301") { metricValues(metric: "training.nonsense") { totalCount } } }`,
    );
    expect(errorCodes(metric)).toEqual(['NOT_FOUND']);
    expect(metric.errors?.[0]?.extensions?.field).toBe('metric');
  });

  it('pages through a unit’s figures with cursors and counts them', async () => {
    const query = `
      query ($after: String) {
        organization(code: "4302") {
          metricValues(first: 10, after: $after) {
            totalCount
            pageInfo { hasNextPage endCursor }
            edges { node { id metric { code } period { start } } }
          }
        }
      }`;
    const seen: string[] = [];
    let after: string | null = null;
    let total = 0;
    for (;;) {
      const page: any = await client.execute(query, { after });
      expect(page.errors).toBeUndefined();
      const connection = page.data.organization.metricValues;
      total = connection.totalCount;
      seen.push(...connection.edges.map((edge: any) => edge.node.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(total).toBeGreaterThan(20);
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
  });

  it('serves activities, figures and documents as Relay nodes', async () => {
    const listed = await client.execute(`{
      activities(first: 1, filter: { search: "出手吧" }) { edges { node { id title } } }
      documents { totalCount edges { node { id title number issuer { code } } } }
      organization(code: "4301") { metricValues(first: 1) { edges { node { id value } } } }
    }`);
    expect(listed.errors).toBeUndefined();
    const activity = listed.data.activities.edges[0].node;
    const document = listed.data.documents.edges.find(
      (edge: any) => edge.node.number === '岳妇发〔2021〕5号',
    ).node;
    expect(document.issuer).toEqual({ code: '4306' });
    expect(listed.data.documents.totalCount).toBeGreaterThanOrEqual(5);
    const value = listed.data.organization.metricValues.edges[0].node;

    const nodes = await client.execute(
      `query ($a: ID!, $d: ID!, $v: ID!) {
        a: node(id: $a) { id ... on Activity { title coOrganizers { code } } }
        d: node(id: $d) { id ... on Document { title } }
        v: node(id: $v) { id ... on MetricValue { value } }
        document(id: $d) { title }
      }`,
      { a: activity.id, d: document.id, v: value.id },
    );
    expect(nodes.errors).toBeUndefined();
    expect(nodes.data.a).toEqual({
      id: activity.id,
      title: activity.title,
      coOrganizers: [{ code: '4301' }],
    });
    expect(nodes.data.d).toEqual({ id: document.id, title: document.title });
    expect(nodes.data.v).toEqual({ id: value.id, value: value.value });
    expect(nodes.data.document).toEqual({ title: document.title });
  });

  it('serves the metric catalogue with its aggregation rules', async () => {
    const result = await client.execute(`{
      metrics { code }
      metric(code: "village_committee.women_share") {
        name unit valueType timeAggregation treeAggregation factor
        numerator { code } denominator { code }
      }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.metrics.length).toBeGreaterThan(100);
    expect(result.data.metric).toEqual({
      name: '女性占村“两委”成员比例',
      unit: 'PERCENT',
      valueType: 'PERCENT',
      timeAggregation: 'LAST',
      treeAggregation: 'RATIO',
      factor: '100',
      numerator: { code: 'village_committee.women_members' },
      denominator: { code: 'village_committee.members' },
    });
    const share = await client.execute(`{
      organization(code: "4301") {
        metricValues(metric: "village_committee.women_share") {
          edges { node { value aggregatable } }
        }
      }
    }`);
    expect(share.data.organization.metricValues.edges).toEqual([
      { node: { value: '33.91', aggregatable: false } },
    ]);
  });

  it("serves Yueyang's work plan, annex activities and liaison assignments, with liaisons' personal data withheld", async () => {
    const result = await client.execute(`{
      organization(code: "4306") {
        workPlans { title period { text } source { document { number } }
          sections { number title items { number title targets { value unit wording } } } }
        activities(first: 100) { edges { node { title annex sequence } } }
        liaisonAssignments { leaderName counties { name } liaisons { name phone } }
      }
    }`);
    // An anonymous caller gets every liaison's name and phone as null, each with FORBIDDEN.
    expect(result.errors?.length).toBeGreaterThan(0);
    for (const error of result.errors ?? []) {
      expect(error.extensions?.code).toBe('FORBIDDEN');
      expect(error.path).toEqual([
        'organization',
        'liaisonAssignments',
        expect.any(Number),
        'liaisons',
        expect.any(Number),
        expect.stringMatching(/^(name|phone)$/),
      ]);
    }
    const yueyang = result.data.organization;
    const plan = yueyang.workPlans.find((p: any) => p.title === '岳阳市妇联 2021 年工作要点');
    expect(plan.period.text).toBe('2021');
    expect(plan.source.document.number).toBe('岳妇发〔2021〕5号');
    expect(plan.sections[0].number).toBe('一');
    const targets = plan.sections.flatMap((s: any) => s.items.flatMap((i: any) => i.targets));
    expect(targets).toContainEqual({ value: '1000000', unit: 'PERSON', wording: '百万女性' });
    const annex = yueyang.activities.edges.filter((edge: any) => edge.node.annex === '2');
    expect(annex.length).toBeGreaterThan(5);
    expect(yueyang.liaisonAssignments[0].leaderName).toBe('王亚丹');
    expect(yueyang.liaisonAssignments[0].counties.length).toBe(3);
    const liaisons = yueyang.liaisonAssignments.flatMap((a: any) => a.liaisons);
    expect(liaisons.length).toBeGreaterThan(0);
    expect(liaisons.every((l: any) => l.name === null && l.phone === null)).toBe(true);
  });
});
