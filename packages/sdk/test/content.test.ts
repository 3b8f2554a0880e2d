// The operations over what the federations did and reported (activities, figures, documents,
// programmes, honours, work plans, liaison assignments), against the server on the seed data.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, type FulianClient } from '../src/index.js';
import { startLiveServer, type LiveServer } from './helpers/live-server.js';

let live: LiveServer;
let client: FulianClient;

beforeAll(async () => {
  live = await startLiveServer();
  client = createClient({ endpoint: live.endpoint });
});
afterAll(() => live.close());

async function rows<Row>(query: ReturnType<typeof sql<Row>>): Promise<Row[]> {
  return (await query.execute(live.database.db)).rows;
}

const PLANNING_MEETING_QUOTE = '全市四级妇联共举办培训班 2679 期';

describe('figures and their sources', () => {
  it('metricValues: Changsha four levels held 2679 training sessions in 2020, and says where', async () => {
    const { organization } = await client.metricValues({
      code: '4301',
      metric: 'training.sessions',
      period: '2020',
      scope: 'SUBTREE',
    });
    const [document] = await rows<{ title: string; date_text: string | null }>(
      sql`SELECT d.title, d.date_text FROM metric_value v JOIN document d ON d.id = v.document_id
          WHERE v.quote = ${PLANNING_MEETING_QUOTE} AND v.metric_code = 'training.sessions'`,
    );
    expect(organization?.metricValues.totalCount).toBe(1);
    expect(organization?.metricValues.edges[0]?.node).toMatchObject({
      value: '2679',
      valueFloat: 2679,
      wording: '2679 期',
      qualifier: 'EXACT',
      scope: 'SUBTREE',
      unit: 'SESSION',
      aggregatable: true,
      period: { text: '2020', type: 'YEAR', start: '2020-01-01', end: '2020-12-31' },
      metric: { code: 'training.sessions' },
      organization: { code: '4301', name: '长沙市妇联' },
      source: { quote: PLANNING_MEETING_QUOTE, document: { title: document!.title } },
    });
  });

  it('paginate.metricValues: every figure of Changsha, exact as stored', async () => {
    const expected = await rows<{ metric_code: string; value: string; period: string }>(
      sql`SELECT v.metric_code, v.value, v.period FROM metric_value v
          JOIN organization o ON o.id = v.organization_id WHERE o.code = '4301'`,
    );
    expect(expected.length).toBeGreaterThan(5);
    const seen = [];
    for await (const figure of client.paginate.metricValues({ code: '4301', first: 3 })) {
      seen.push({
        metric_code: figure.metric.code,
        value: figure.value,
        period: figure.period.text,
      });
    }
    const order = (a: { metric_code: string; period: string; value: string }) =>
      `${a.metric_code} ${a.period} ${a.value}`;
    expect(seen.map(order).sort()).toEqual(expected.map(order).sort());
  });

  it('metrics: the whole catalogue, with the parts of every ratio', async () => {
    const expected = await rows<{
      code: string;
      unit: string;
      tree_aggregation: string;
      numerator_code: string | null;
      denominator_code: string | null;
    }>(
      sql`SELECT code, unit, tree_aggregation, numerator_code, denominator_code
          FROM metric_definition ORDER BY code`,
    );
    const { metrics } = await client.metrics();
    expect(
      metrics.map((metric) => ({
        code: metric.code,
        unit: metric.unit,
        tree_aggregation: metric.treeAggregation,
        numerator_code: metric.numerator?.code ?? null,
        denominator_code: metric.denominator?.code ?? null,
      })),
    ).toEqual(expected);
    expect(metrics.some((metric) => metric.treeAggregation === 'RATIO')).toBe(true);
  });
});

describe('activities', () => {
  it('activities: searched by a Chinese substring and narrowed to a subtree and a kind', async () => {
    const { activities } = await client.activities({
      filter: { within: '4301', kind: 'TRAINING' },
      first: 100,
    });
    const expected = await rows<{ seed_key: string }>(
      sql`SELECT a.seed_key FROM activity a JOIN organization o ON o.id = a.organization_id
          WHERE a.kind = 'TRAINING' AND o.code LIKE '4301%' ORDER BY a.seed_key`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(activities.totalCount).toBe(expected.length);
    expect(activities.edges.map((edge) => edge.node.key).sort()).toEqual(
      expected.map((row) => row.seed_key),
    );

    const searched = await client.activities({ filter: { search: '培训' }, first: 100 });
    // The oracle reads the text itself, not the gram index the server asks first.
    const matching = await rows<{ seed_key: string }>(
      sql`SELECT a.seed_key FROM activity a
          WHERE strpos(a.title || ' ' || coalesce(a.corrected_title, '') || ' ' || coalesce(a.description, ''), '培训') > 0
          ORDER BY a.seed_key`,
    );
    expect(matching.length).toBeGreaterThan(0);
    expect(searched.activities.totalCount).toBe(matching.length);
    expect(searched.activities.edges.map((edge) => edge.node.key).sort()).toEqual(
      matching.map((row) => row.seed_key).sort(),
    );
    for (const { node } of searched.activities.edges) {
      expect(`${node.title} ${node.correctedTitle ?? ''} ${node.description ?? ''}`).toContain(
        '培训',
      );
    }
  });

  it('paginate.activities: every activity, each with its organizer and source', async () => {
    const [{ count }] = (await rows<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM activity`,
    )) as [{ count: number }];
    const keys = new Set<string | null>();
    for await (const activity of client.paginate.activities({ first: 25 })) {
      keys.add(activity.key);
      expect(activity.organization.name).toBeTruthy();
      expect(activity.source?.quote).toBeTruthy();
    }
    expect(keys.size).toBe(count);
  });

  it('organizationActivities and activity: Changsha’s training programme and its figures', async () => {
    const { organization } = await client.organizationActivities({
      code: '4301',
      filter: { period: '2020', kind: 'TRAINING' },
    });
    const training = organization?.activities.edges.find(
      (edge) => edge.node.key === 'changsha.2020.lingtouyan-training',
    )?.node;
    expect(training).toMatchObject({
      kind: 'TRAINING',
      themes: ['组织建设'],
      organization: { code: '4301' },
      period: { text: '2020' },
      source: { quote: PLANNING_MEETING_QUOTE },
    });

    const { node } = await client.activity({ id: training!.id });
    expect(node?.__typename).toBe('Activity');
    if (node?.__typename !== 'Activity') return;
    expect(node.metricValues.map((figure) => [figure.metric.code, figure.value])).toEqual(
      expect.arrayContaining([
        ['training.sessions', '2679'],
        ['training.cadre_attendance', '130465'],
      ]),
    );
  });
});

describe('documents and records', () => {
  it('documents and document: the sources, each found again by its id', async () => {
    const expected = await rows<{ title: string }>(sql`SELECT title FROM document ORDER BY title`);
    const titles: string[] = [];
    for await (const document of client.paginate.documents({ first: 2 })) {
      titles.push(document.title);
      const again = await client.document({ id: document.id });
      expect(again.document).toEqual(document);
    }
    expect(titles.sort()).toEqual(expected.map((row) => row.title));
  });

  it('organizationRecord: programmes, honours and work plans down to their targets', async () => {
    // The unit whose work plans hold the most numeric targets.
    const [unit] = await rows<{ code: string }>(
      sql`SELECT o.code FROM work_plan_target t
          JOIN work_plan_item i ON i.id = t.item_id
          JOIN work_plan_section s ON s.id = i.section_id
          JOIN work_plan w ON w.id = s.work_plan_id
          JOIN organization o ON o.id = w.organization_id
          GROUP BY o.code ORDER BY count(*) DESC, o.code LIMIT 1`,
    );
    const { organization } = await client.organizationRecord({ code: unit!.code });
    const counts = async (table: 'programme' | 'honor', column: string) => {
      const [row] = await rows<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM ${sql.table(table)} t
            JOIN organization o ON o.id = t.${sql.ref(column)} WHERE o.code = ${unit!.code}`,
      );
      return row!.count;
    };
    expect(organization?.programmes).toHaveLength(await counts('programme', 'organization_id'));
    expect(organization?.honors).toHaveLength(await counts('honor', 'recipient_id'));

    const targets = await rows<{ value: string; unit: string }>(
      sql`SELECT t.value, t.unit FROM work_plan_target t
          JOIN work_plan_item i ON i.id = t.item_id
          JOIN work_plan_section s ON s.id = i.section_id
          JOIN work_plan w ON w.id = s.work_plan_id
          JOIN organization o ON o.id = w.organization_id WHERE o.code = ${unit!.code}`,
    );
    const seen = organization!.workPlans.flatMap((plan) =>
      plan.sections.flatMap((section) =>
        section.items.flatMap((item) =>
          item.targets.map((target) => ({ value: target.value, unit: target.unit })),
        ),
      ),
    );
    const order = (target: { value: string; unit: string }) => `${target.unit} ${target.value}`;
    expect(seen.map(order).sort()).toEqual(targets.map(order).sort());
    expect(seen.length).toBeGreaterThan(0);
  });

  it('node: an activity, a figure and a document by their global ids', async () => {
    const { activities } = await client.activities({ first: 1 });
    const activity = activities.edges[0]!.node;
    expect((await client.node({ id: activity.id })).node).toMatchObject({
      __typename: 'Activity',
      title: activity.title,
    });
    const { documents } = await client.documents({ first: 1 });
    expect((await client.node({ id: documents.edges[0]!.node.id })).node).toMatchObject({
      __typename: 'Document',
      title: documents.edges[0]!.node.title,
    });
  });
});
