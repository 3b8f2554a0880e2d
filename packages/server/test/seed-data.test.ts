import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeedDataError } from '../src/seed/seed-data.files.js';
import { SEEDS_DIRECTORY, seedData } from '../src/seed/seed-data.js';
import { seedReporting } from '../src/seed/reporting.seed.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

const TABLES = [
  'organization',
  'metric_definition',
  'document',
  'programme',
  'activity',
  'activity_co_organizer',
  'metric_value',
  'honor',
  'work_plan',
  'work_plan_section',
  'work_plan_item',
  'work_plan_target',
  'liaison_assignment',
  'liaison_assignment_county',
  'liaison',
];

/** Every row of every table the loader writes, as text, to compare two states exactly. */
async function snapshot(database: TestDatabase): Promise<Record<string, string[]>> {
  const state: Record<string, string[]> = {};
  for (const table of TABLES) {
    const result = await sql<{ row: string }>`
      SELECT t::text AS row FROM ${sql.table(table)} t ORDER BY 1`.execute(database.db);
    state[table] = result.rows.map((row) => row.row);
  }
  return state;
}

describe('loading seeds/ into the tree', () => {
  let database: TestDatabase;
  let scratch: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedHunan(database.db);
    scratch = await mkdtemp(join(tmpdir(), 'fulian-seeds-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
    await database.close();
  });

  it('loads every document, record and figure in a bounded number of statements', async () => {
    const { result, statements } = await database.counting(() => seedData(database.db));
    const { plan, counts } = result;
    expect(plan.documents.length).toBeGreaterThanOrEqual(5);
    expect(plan.metricValues.length).toBeGreaterThanOrEqual(150);
    expect(counts.metric_value?.written).toBe(plan.metricValues.length);
    expect(counts.activity?.written).toBe(plan.activities.length);
    // A few statements per table, however many records the files hold.
    expect(statements.length).toBeLessThan(60);

    const changsha = await database.db
      .selectFrom('metric_value as v')
      .innerJoin('organization as o', 'o.id', 'v.organization_id')
      .innerJoin('document as d', 'd.id', 'v.document_id')
      .select(['v.value', 'v.scope', 'v.period', 'v.wording', 'v.quote', 'd.seed_key'])
      .where('o.code', '=', '4301')
      .where('v.metric_code', '=', 'training.sessions')
      .execute();
    expect(changsha).toEqual([
      {
        value: '2679',
        scope: 'SUBTREE',
        period: '2020',
        wording: '2679 期',
        quote: '全市四级妇联共举办培训班 2679 期',
        seed_key: 'hunan-2021-planning-meeting',
      },
    ]);
    const sales = await database.db
      .selectFrom('metric_value')
      .select(['value', 'unit', 'wording'])
      .where('metric_code', '=', 'livestream.sales')
      .where('wording', '=', '338 万元')
      .executeTakeFirstOrThrow();
    expect(sales).toEqual({ value: '3380000', unit: 'YUAN', wording: '338 万元' });
  });

  it('hangs the units the documents declare under their parents, at their level', async () => {
    const units = await database.db
      .selectFrom('organization as o')
      .innerJoin('organization as p', 'p.id', 'o.parent_id')
      .select([
        'o.seed_key',
        'o.name',
        'o.level',
        'o.kind',
        'o.depth',
        'p.code as parent_code',
        'p.seed_key as parent_key',
        sql<boolean>`o.path LIKE p.path || '%'`.as('under_parent'),
      ])
      .where('o.seed_key', 'in', [
        'hunan.organ-committee',
        'zhuzhou.women-children-activity-center',
        'zhuzhou.women-children-activity-center.health',
      ])
      .orderBy('o.seed_key')
      .execute();
    expect(units).toEqual([
      {
        seed_key: 'hunan.organ-committee',
        name: '湖南省省直机关妇女工作委员会',
        level: 'PROVINCE',
        kind: 'COMMITTEE',
        depth: 2,
        parent_code: '43',
        parent_key: null,
        under_parent: true,
      },
      {
        seed_key: 'zhuzhou.women-children-activity-center',
        name: '株洲市妇女儿童活动中心',
        level: 'CITY',
        kind: 'ACTIVITY_CENTER',
        depth: 3,
        parent_code: '4302',
        parent_key: null,
        under_parent: true,
      },
      {
        seed_key: 'zhuzhou.women-children-activity-center.health',
        name: '株洲市妇女儿童活动中心妇女儿童健康服务中心',
        level: 'CITY',
        kind: 'ACTIVITY_CENTER',
        depth: 4,
        parent_code: null,
        parent_key: 'zhuzhou.women-children-activity-center',
        under_parent: true,
      },
    ]);
    // The national unit the documents name is the tree's own root, not a second one.
    const roots = await database.db
      .selectFrom('organization')
      .select(['seed_key', 'name'])
      .where('parent_id', 'is', null)
      .execute();
    expect(roots).toEqual([{ seed_key: 'national', name: '全国妇联' }]);
  });

  it('is idempotent: a second load writes nothing and every id stays', async () => {
    const before = await snapshot(database);
    const { counts } = await seedData(database.db);
    expect(Object.values(counts).every((count) => count.written === 0 && count.deleted === 0)).toBe(
      true,
    );
    expect(await snapshot(database)).toEqual(before);
  });

  /** A copy of seeds/ with one document file edited. */
  async function seedsWith(file: string, edit: (text: string) => string): Promise<string> {
    const directory = await mkdtemp(join(scratch, 'case-'));
    await cp(SEEDS_DIRECTORY, directory, { recursive: true });
    const path = join(directory, file);
    const text = await readFile(path, 'utf8');
    const edited = edit(text);
    expect(edited).not.toBe(text);
    await writeFile(path, edited);
    return directory;
  }

  const PLANNING = 'documents/hunan-2021-planning-meeting.yaml';
  it.each([
    [
      'a malformed period',
      (text: string) =>
        text.replace(
          'metric: training.sessions\n    period: "2020"',
          'metric: training.sessions\n    period: "2020Q5"',
        ),
      /metric_values\[\d+\]\.period$/,
      /quarter 5 is not 1–4/,
    ],
    [
      'an unknown metric',
      (text: string) => text.replace('metric: training.sessions', 'metric: training.nonsense'),
      /metric_values\[\d+\]\.metric$/,
      /Unknown metric "training.nonsense"/,
    ],
    [
      'a negative count',
      (text: string) => text.replace('value: "2679"', 'value: "-2679"'),
      /metric_values\[\d+\]\.value$/,
      /cannot be negative/,
    ],
    [
      'a percentage above 100',
      (text: string) => text.replace('value: "33.91"', 'value: "133.91"'),
      /metric_values\[\d+\]\.value$/,
      /at most 100/,
    ],
    [
      'a value in the wrong unit',
      (text: string) =>
        text.replace('value: "2679"\n    unit: SESSION', 'value: "2679"\n    unit: PERSON'),
      /metric_values\[\d+\]\.unit$/,
      /counted in SESSION, got PERSON/,
    ],
    [
      'a division code that is not in the tree',
      (text: string) => text.replace('org: "4301"', 'org: "439999"'),
      /\.org$/,
      /no organization in the tree has division code 439999/,
    ],
    [
      'a reference to an undeclared unit',
      (text: string) => text.replace('parent: "43"', 'parent: hunan.nowhere'),
      /organizations\[\d+\] \(hunan\.organ-committee\)\.parent$/,
      /"hunan.nowhere" is not declared/,
    ],
    [
      'a duplicate activity key',
      (text: string) =>
        text.replace(
          'key: changsha.2020.weigushi-collection',
          'key: changsha.2020.lingtouyan-training',
        ),
      /activities\[\d+\] \(changsha\.2020\.lingtouyan-training\)\.key$/,
      /duplicate activity key/,
    ],
    [
      'an unknown theme',
      (text: string) => text.replace('themes: [思想引领]', 'themes: [思想]'),
      /\.themes\[\d+\]$/,
      /unknown theme "思想"/,
    ],
    [
      'a YAML syntax error',
      (text: string) =>
        text.replace(
          '  key: hunan-2021-planning-meeting',
          '  key: hunan-2021-planning-meeting\n  key: again',
        ),
      /^line \d+$/,
      /YAML: Map keys must be unique/,
    ],
  ])(
    'loads nothing when one record has %s, and names the file, record and reason',
    async (_, edit, path, reason) => {
      const directory = await seedsWith(PLANNING, edit);
      const before = await snapshot(database);
      const error = await seedData(database.db, directory).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SeedDataError);
      const { problems, extensions } = error as SeedDataError;
      expect(extensions.code).toBe('BAD_USER_INPUT');
      expect(problems).toHaveLength(1);
      expect(problems[0]!.file).toBe(PLANNING);
      expect(problems[0]!.path).toMatch(path);
      expect(problems[0]!.reason).toMatch(reason);
      expect(await snapshot(database)).toEqual(before);
    },
  );

  it('names every fault of a file at once, each by its path, and loads nothing', async () => {
    const directory = await seedsWith(PLANNING, (text) =>
      text
        .replace('  title: 湖南省妇联 2021 年工作务虚会召开\n', '')
        .replace('    kind: COMMITTEE\n', '    kind: COMMITEE\n    colour: red\n')
        .replace(
          'metric: training.sessions\n    period: "2020"',
          'metric: training.sessions\n    period: "2020Q5"',
        )
        .replace('themes: [思想引领]', 'themes: [思想]'),
    );
    const before = await snapshot(database);
    const error = await seedData(database.db, directory).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SeedDataError);
    const problems = (error as SeedDataError).problems.map(({ file, path, reason }) => ({
      file,
      path,
      reason,
    }));
    const unit = /^organizations\[\d+\] \(hunan\.organ-committee\)/;
    expect(problems).toEqual([
      { file: PLANNING, path: 'document.title', reason: 'is required' },
      {
        file: PLANNING,
        path: expect.stringMatching(new RegExp(`${unit.source}\\.kind$`)),
        reason: expect.stringMatching(/^must be one of FEDERATION/),
      },
      {
        file: PLANNING,
        path: expect.stringMatching(new RegExp(`${unit.source}\\.colour$`)),
        reason: 'unknown field',
      },
      {
        file: PLANNING,
        path: expect.stringMatching(/^metric_values\[\d+\]\.period$/),
        reason: expect.stringMatching(/quarter 5 is not 1–4/),
      },
      {
        file: PLANNING,
        path: expect.stringMatching(/^activities\[\d+\] \([a-z0-9.-]+\)\.themes\[0\]$/),
        reason: expect.stringMatching(/^unknown theme "思想"/),
      },
    ]);
    expect(await snapshot(database)).toEqual(before);
  });

  it('removes records that left the seeds and keeps the ids of the rest', async () => {
    await seedData(database.db);
    const directory = await seedsWith(PLANNING, (text) =>
      text.replace(/\n {2}- key: changsha\.2020\.family-culture-festival\n( {4}.*\n)+/, '\n'),
    );
    const kept = await database.db
      .selectFrom('activity')
      .select('id')
      .where('seed_key', '=', 'changsha.2020.lingtouyan-training')
      .executeTakeFirstOrThrow();
    const { counts } = await seedData(database.db, directory);
    expect(counts.activity).toEqual({ written: 0, deleted: 1 });
    expect(
      await database.db
        .selectFrom('activity')
        .select('id')
        .where('seed_key', 'in', [
          'changsha.2020.lingtouyan-training',
          'changsha.2020.family-culture-festival',
        ])
        .execute(),
    ).toEqual([kept]);
    // Back to the real seeds: the activity returns with a new id, nothing else changes.
    const again = await seedData(database.db);
    expect(again.counts.activity).toEqual({ written: 1, deleted: 0 });
  });

  it('leaves a figure a report holds to the report: later loads neither rewrite nor delete it', async () => {
    await seedReporting(database.db);
    const held = () =>
      database.db
        .selectFrom('metric_value as v')
        .innerJoin('organization as o', 'o.id', 'v.organization_id')
        .select(['v.id', 'v.value', 'v.submission_id', 'v.updated_at'])
        .where('o.code', '=', '4301')
        .where('v.metric_code', '=', 'training.sessions')
        .where('v.period', '=', '2020')
        .execute();
    const before = await held();
    expect(before).toHaveLength(1);
    expect(before[0]!.submission_id).not.toBeNull();

    const corrected = await seedsWith(PLANNING, (text) =>
      text.replace('value: "2679"\n    unit: SESSION', 'value: "2680"\n    unit: SESSION'),
    );
    expect((await seedData(database.db, corrected)).counts.metric_value).toEqual({
      written: 0,
      deleted: 0,
    });
    expect(await held()).toEqual(before);
    const dropped = await seedsWith(PLANNING, (text) =>
      text.replace(/ {2}- org: "4301"\n {4}metric: training\.sessions\n( {4}.*\n)+/, ''),
    );
    expect((await seedData(database.db, dropped)).counts.metric_value).toEqual({
      written: 0,
      deleted: 0,
    });
    expect(await held()).toEqual(before);
  });
});
