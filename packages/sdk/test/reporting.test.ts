// The reporting side of the API as a client meets it: who has reported, the roll-ups and
// rankings of the approved figures, a unit's series, and one report's whole review cycle with
// staff tokens. Every answer is checked against the tables of the seeded database.

// The server's decorated classes need the metadata polyfill before the seed loader imports them.
import 'reflect-metadata';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '../../server/src/auth/viewer.js';
import { fromGlobalIdOf } from '../../server/src/graph/global-id.js';
import { seedReporting } from '../../server/src/seed/reporting.seed.js';
import {
  createClient,
  FulianError,
  FulianHttpError,
  type Fetch,
  type FulianClient,
  type SubmissionFieldsFragment,
} from '../src/index.js';
import { startLiveServer, type LiveServer } from './helpers/live-server.js';

const TEMPLATE = 'annual-summary';
/** A SUM metric the two seeded 2020 reports both give: 长沙 for its subtree, 株洲 its own. */
const SESSIONS = 'training.sessions';

let live: LiveServer;
/** An anonymous caller: sees submitted and approved reports, and every unit's status. */
let client: FulianClient;

beforeAll(async () => {
  live = await startLiveServer();
  // The live server loads the documents only; the reports are loaded after them, as `fulian
  // seed` does.
  await seedReporting(live.database.db);
  client = createClient({ endpoint: live.endpoint });
});
afterAll(() => live?.close());

async function rows<Row>(query: ReturnType<typeof sql<Row>>): Promise<Row[]> {
  return (await query.execute(live.database.db)).rows;
}

/** A client acting as a staff member, through a token the server accepts. */
async function staff(subject: string, role: Role, organization: string, fetch?: Fetch) {
  const token = await live.token({ subject, role, organization });
  return createClient({ endpoint: live.endpoint, token, fetch, retry: { baseDelayMs: 1 } });
}

/** Runs a call that must fail and returns its error. */
async function failure(call: Promise<unknown>): Promise<unknown> {
  return call.then(
    () => {
      throw new Error('the call succeeded');
    },
    (error: unknown) => error,
  );
}

/** The 14 cities' statuses for a period of the annual summary, straight from the tables. */
async function cityStatuses(period: string) {
  return rows<{ code: string; status: string; submission: number | null }>(
    sql`SELECT o.code, coalesce(s.status, 'NOT_STARTED') AS status, s.id AS submission
        FROM organization o
        LEFT JOIN submission s ON s.organization_id = o.id AND s.period = ${period}
          AND s.template_id = (SELECT id FROM reporting_template WHERE code = ${TEMPLATE})
        WHERE o.level = 'CITY' AND o.kind = 'FEDERATION' AND o.code LIKE '43%'
        ORDER BY o.path`,
  );
}

/** Checks completeness inside Hunan against the tables, page by page; returns its totals. */
async function expectCompletenessOfTables(period: string) {
  const cities = await cityStatuses(period);
  const count = (...statuses: string[]) =>
    cities.filter((city) => statuses.includes(city.status)).length;
  const { completeness } = await client.completeness({ template: TEMPLATE, period, within: '43' });
  expect(completeness.totals).toEqual({
    expected: cities.length,
    // Missing: not started, or still a draft nobody has sent up.
    missing: count('NOT_STARTED', 'DRAFT'),
    draft: count('DRAFT'),
    submitted: count('SUBMITTED'),
    returned: count('RETURNED'),
    approved: count('APPROVED'),
  });

  const units = [];
  for await (const unit of client.paginate.completeness({
    template: TEMPLATE,
    period,
    within: '43',
    first: 5,
  })) {
    units.push(unit);
  }
  expect(
    units.map((unit) => ({
      code: unit.organization.code,
      status: unit.status,
      // Drafts and returned reports are internal: an anonymous caller sees their status only.
      submission: unit.submission ? fromGlobalIdOf('Submission', unit.submission.id) : null,
    })),
  ).toEqual(
    cities.map((city) => ({
      ...city,
      submission: ['SUBMITTED', 'APPROVED'].includes(city.status) ? city.submission : null,
    })),
  );
  return completeness.totals;
}

interface CityFigure {
  code: string;
  value: string | null;
  reported: string | null;
  contributing: number;
  unapproved: number;
  missing: number;
  rank: number | null;
  share: string | null;
}

/**
 * Each city's roll-up of a metric, computed from the tables: every submitted figure of the
 * metric sits at a city (checked), so a city's value is its own counted figure, the province's
 * the sum of the cities', and a rank and share follow from the values.
 */
async function cityFigures(metric: string, period: string, statuses: string[]) {
  const below = await rows<{ count: number }>(
    sql`SELECT count(*)::int AS count FROM metric_value v
        JOIN organization o ON o.id = v.organization_id
        WHERE v.submission_id IS NOT NULL AND v.metric_code = ${metric} AND o.level <> 'CITY'`,
  );
  expect(below).toEqual([{ count: 0 }]);
  return rows<CityFigure>(
    sql`WITH city AS (
          SELECT o.code, o.path,
            sum(v.value) FILTER (WHERE s.status = ANY(${statuses}::text[])) AS value,
            max(v.value) FILTER (WHERE s.status = ANY(${statuses}::text[]) AND v.scope = 'SUBTREE')
              AS reported,
            count(v.id) FILTER (WHERE s.status = ANY(${statuses}::text[]))::int AS contributing,
            count(v.id) FILTER (WHERE s.status <> ALL(${statuses}::text[]))::int AS pending
          FROM organization o
          LEFT JOIN metric_value v ON v.organization_id = o.id AND v.metric_code = ${metric}
            AND v.period = ${period} AND v.submission_id IS NOT NULL
          LEFT JOIN submission s ON s.id = v.submission_id
          WHERE o.level = 'CITY' AND o.kind = 'FEDERATION' AND o.code LIKE '43%'
          GROUP BY o.code, o.path
        )
        SELECT code, trim_scale(value)::text AS value, trim_scale(reported)::text AS reported,
          contributing,
          (contributing = 0 AND pending > 0)::int AS unapproved,
          (contributing = 0 AND pending = 0)::int AS missing,
          CASE WHEN value IS NOT NULL THEN rank() OVER (ORDER BY value DESC NULLS LAST)::int END
            AS rank,
          trim_scale(round(value * 100 / sum(value) OVER (), 4))::text AS share
        FROM city ORDER BY path`,
  );
}

/** Checks the cities' and the province's roll-up against the tables; returns the cities'. */
async function expectRollupOfTables(metric: string, period: string, includeSubmitted = false) {
  const statuses = includeSubmitted ? ['APPROVED', 'SUBMITTED'] : ['APPROVED'];
  const cities = await cityFigures(metric, period, statuses);
  const variables = { metric, period, within: '43', includeSubmitted };

  const rolled = [];
  for await (const row of client.paginate.rollup({ ...variables, groupBy: 'CITY', first: 5 })) {
    rolled.push(row);
  }
  expect(
    rolled.map((row) => ({
      code: row.organization.code,
      value: row.value,
      reported: row.reported,
      sumOfChildren: row.sumOfChildren,
      reason: row.reason,
      period: row.period.text,
      coverage: row.coverage,
    })),
  ).toEqual(
    cities.map((city) => ({
      code: city.code,
      value: city.value,
      reported: city.reported,
      // Nothing below a city reported the metric, so the units below add up to nothing.
      sumOfChildren: null,
      reason: city.value === null ? 'NO_DATA' : null,
      period,
      // Only cities submit the annual summary: each expects its own report.
      coverage: {
        expected: 1,
        contributing: city.contributing,
        unapproved: city.unapproved,
        missing: city.missing,
      },
    })),
  );

  const sum = (pick: (city: CityFigure) => number) =>
    cities.reduce((total, city) => total + pick(city), 0);
  const values = cities.flatMap((city) => (city.value === null ? [] : [BigInt(city.value)]));
  const { rollup } = await client.rollup({ ...variables, groupBy: 'PROVINCE' });
  expect(rollup.totalCount).toBe(1);
  expect(rollup.edges[0]?.node).toMatchObject({
    organization: { code: '43' },
    value: String(values.reduce((total, value) => total + value, 0n)),
    reported: null,
    coverage: {
      expected: cities.length,
      contributing: sum((city) => city.contributing),
      unapproved: sum((city) => city.unapproved),
      missing: sum((city) => city.missing),
    },
  });
  return cities;
}

/** Checks the cities' ranking against the tables, page by page. */
async function expectRankingOfTables(metric: string, period: string) {
  const cities = await cityFigures(metric, period, ['APPROVED']);
  // Best first; the cities without a value follow, unranked, in tree order.
  const order = [...cities].sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity));
  const ranked = cities.filter((city) => city.rank !== null);

  const { ranking } = await client.ranking({ metric, period, level: 'CITY', within: '43' });
  expect(ranking).toMatchObject({
    metric: { code: metric },
    period: { text: period },
    ranked: ranked.length,
    total: String(ranked.reduce((total, city) => total + BigInt(city.value!), 0n)),
    totalQualifier: 'EXACT',
  });
  expect(ranking.entries.totalCount).toBe(cities.length);

  const entries = [];
  for await (const entry of client.paginate.ranking({
    metric,
    period,
    level: 'CITY',
    within: '43',
    first: 4,
  })) {
    entries.push(entry);
  }
  expect(
    entries.map((entry) => ({
      code: entry.organization.code,
      value: entry.value,
      rank: entry.rank,
      share: entry.shareOfTotal,
    })),
  ).toEqual(order.map(({ code, value, rank, share }) => ({ code, value, rank, share })));
  return entries;
}

describe('the templates', () => {
  it('reportingTemplates: the annual summary, its metrics in order, as the tables hold it', async () => {
    const { reportingTemplates } = await client.reportingTemplates();
    const stored = await rows<{ code: string; name_zh: string; metrics: string[] }>(
      sql`SELECT t.code, t.name_zh,
            array_agg(tm.metric_code ORDER BY tm.position) AS metrics
          FROM reporting_template t JOIN reporting_template_metric tm ON tm.template_id = t.id
          GROUP BY t.id ORDER BY t.code`,
    );
    expect(
      reportingTemplates.map((template) => ({
        code: template.code,
        name_zh: template.name,
        metrics: template.metrics.map((metric) => metric.code),
      })),
    ).toEqual(stored);
    const summary = reportingTemplates.find((template) => template.code === TEMPLATE);
    expect(summary).toMatchObject({
      name: '市州妇联年度工作总结',
      nameEn: 'City federation annual work summary',
      periodType: 'YEAR',
      dueDays: 31,
      submittingLevels: ['CITY'],
    });
    expect(summary?.metrics).toHaveLength(35);
    expect(summary?.metrics[0]).toMatchObject({ code: SESSIONS, unit: 'SESSION' });
  });
});

describe('the 2020 reports as seeded', () => {
  it('completeness: 2 of the 14 cities approved, 12 missing, as the tables count them', async () => {
    const totals = await expectCompletenessOfTables('2020');
    expect(totals).toEqual({
      expected: 14,
      missing: 12,
      draft: 0,
      submitted: 0,
      returned: 0,
      approved: 2,
    });
    const { completeness } = await client.completeness({
      template: TEMPLATE,
      period: '2020',
      within: '43',
      status: ['APPROVED'],
    });
    expect(completeness).toMatchObject({
      dueDate: '2021-01-31',
      period: { text: '2020', type: 'YEAR', start: '2020-01-01', end: '2020-12-31' },
      template: { code: TEMPLATE },
    });
    expect(completeness.units.edges.map((edge) => edge.node.organization.code)).toEqual([
      '4301',
      '4302',
    ]);
    const missing = await client.completeness({
      template: TEMPLATE,
      period: '2020',
      within: '43',
      status: ['NOT_STARTED', 'DRAFT'],
      first: 0,
    });
    expect(missing.completeness.units.totalCount).toBe(12);
  });

  it('submission: a seeded report with its linked figures and its history', async () => {
    const { completeness } = await client.completeness({
      template: TEMPLATE,
      period: '2020',
      within: '4302',
    });
    const id = completeness.units.edges[0]?.node.submission?.id;
    expect(id).toBeDefined();
    // Who approved it and its history are internal: an anonymous caller is refused them.
    expect(await failure(client.submission({ id: id! }))).toMatchObject({ code: 'FORBIDDEN' });
    const zhuzhou = await staff('viewer.zz', 'VIEWER', '4302');
    const { submission } = await zhuzhou.submission({ id: id! });
    expect(submission).toMatchObject({
      status: 'APPROVED',
      version: 3,
      organization: { code: '4302', name: '株洲市妇联' },
      period: { text: '2020' },
      approvedBy: 'system:seed',
    });

    const key = fromGlobalIdOf('Submission', id!);
    const figures = await rows<{ metric: string; value: string }>(
      sql`SELECT metric_code AS metric, trim_scale(value)::text AS value FROM metric_value
          WHERE submission_id = ${key} ORDER BY metric_code`,
    );
    expect(figures.length).toBeGreaterThan(10);
    expect(submission?.values.totalCount).toBe(figures.length);
    const values = submission!.values.edges.map(({ node }) => ({
      metric: node.metric.code,
      value: node.value,
    }));
    expect(values.sort((a, b) => (a.metric < b.metric ? -1 : 1))).toEqual(figures);
    // Each figure keeps the document it came from.
    expect(submission!.values.edges.every(({ node }) => node.source?.document?.key)).toBe(true);

    const history = await rows<{ action: string; actor: string; version: number }>(
      sql`SELECT action, actor, version FROM submission_audit
          WHERE submission_id = ${key} ORDER BY id`,
    );
    expect(history.map((entry) => entry.action)).toEqual(['CREATE', 'SUBMIT', 'APPROVE']);
    expect(
      submission!.history!.edges.map(({ node }) => ({
        action: node.action,
        actor: node.actor,
        version: node.version,
      })),
    ).toEqual(history);
  });

  it('rollup: each city and the province, as the figures of the approved reports add up', async () => {
    const cities = await expectRollupOfTables(SESSIONS, '2020');
    // 长沙: "全市四级妇联共举办培训班 2679 期" (its subtree); 株洲: 121 classes of its own.
    expect(cities.filter((city) => city.value !== null)).toMatchObject([
      { code: '4301', value: '2679', reported: '2679' },
      { code: '4302', value: '121', reported: null },
    ]);
    const { rollup } = await client.rollup({
      metric: SESSIONS,
      period: '2020',
      groupBy: 'PROVINCE',
      within: '43',
    });
    expect(rollup.edges[0]?.node).toMatchObject({ value: '2800', qualifier: 'EXACT' });
    // 邵阳's 2019–2023 figure comes from a document, not a report: it never counts.
    expect(cities.find((city) => city.code === '4305')?.value).toBeNull();
  });

  it('ranking: the cities by their approved figures, ties sharing ranks, with shares', async () => {
    const entries = await expectRankingOfTables(SESSIONS, '2020');
    expect(entries.slice(0, 3).map((entry) => [entry.organization.code, entry.rank])).toEqual([
      ['4301', 1],
      ['4302', 2],
      [expect.any(String), null],
    ]);
    // 2679 and 121 of 2800, as percentages rounded to 4 places.
    expect(entries[0]?.shareOfTotal).toBe('95.6786');
    expect(entries[1]?.shareOfTotal).toBe('4.3214');
  });

  it('series: a city year by year, approved figures only unless asked, with change and growth', async () => {
    // A 2021 report from 长沙, submitted and not yet approved, gives the series a second year.
    const editor = await staff('editor.cs', 'EDITOR', '4301');
    const { createSubmission } = await editor.createSubmission({
      template: TEMPLATE,
      organization: '4301',
      period: '2021',
    });
    const saved = await editor.saveSubmissionValues({
      id: createSubmission.submission.id,
      expectedVersion: createSubmission.submission.version,
      values: [{ metric: SESSIONS, value: '3000', scope: 'SUBTREE' }],
    });
    await editor.submitSubmission({
      id: createSubmission.submission.id,
      expectedVersion: saved.saveSubmissionValues.submission.version,
    });

    const expected = (statuses: string[]) =>
      rows<{ period: string; value: string | null; change: string | null; growth: string | null }>(
        sql`WITH figure AS (
              SELECT p.period, p.ord, v.value
              FROM unnest(${['2019', '2020', '2021']}::text[]) WITH ORDINALITY AS p(period, ord)
              LEFT JOIN (metric_value v
                JOIN submission s ON s.id = v.submission_id AND s.status = ANY(${statuses}::text[])
                JOIN organization o ON o.id = v.organization_id AND o.code = '4301')
                ON v.period = p.period AND v.metric_code = ${SESSIONS}
            ), step AS (
              SELECT period, ord, value, lag(value) OVER (ORDER BY ord) AS previous FROM figure
            )
            SELECT period, trim_scale(value)::text AS value,
              trim_scale(value - previous)::text AS change,
              trim_scale(round((value - previous) * 100 / previous, 4))::text AS growth
            FROM step ORDER BY ord`,
      );
    const points = async (includeSubmitted: boolean) =>
      (
        await client.series({
          metric: SESSIONS,
          organization: '4301',
          from: '2019',
          to: '2021',
          includeSubmitted,
        })
      ).series.map((point) => ({
        period: point.period.text,
        value: point.value,
        change: point.change,
        growth: point.growthRate,
      }));

    const approved = await points(false);
    expect(approved).toEqual(await expected(['APPROVED']));
    expect(approved.map((point) => point.value)).toEqual([null, '2679', null]);
    const submitted = await points(true);
    expect(submitted).toEqual(await expected(['APPROVED', 'SUBMITTED']));
    expect(submitted[2]).toEqual({
      period: '2021',
      value: '3000',
      change: '321',
      growth: '11.9821',
    });
    const { series } = await client.series({
      metric: SESSIONS,
      organization: '4301',
      from: '2019',
      to: '2021',
    });
    expect(series.map((point) => point.growthReason)).toEqual([
      'NO_DATA',
      'PREVIOUS_MISSING',
      'NO_DATA',
    ]);
  });
});

describe('spreadsheets', () => {
  it('spreadsheetDownload: a link to the province roll-up by city as CSV, fetched without credentials', async () => {
    const admin = await staff('sdk-export', 'PROVINCE_ADMIN', '43');
    const { spreadsheetDownload } = await admin.spreadsheetDownload({
      input: {
        kind: 'ROLLUP',
        metric: SESSIONS,
        period: '2020',
        level: 'CITY',
        within: '43',
        format: 'CSV',
      },
    });
    expect(spreadsheetDownload.url).toMatch(/^\/spreadsheets\/download\//);
    expect(Date.parse(spreadsheetDownload.expiresAt)).toBeGreaterThan(Date.now());
    const response = await fetch(new URL(spreadsheetDownload.url, live.endpoint));
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = Buffer.from(await response.arrayBuffer());
    // A byte-order mark first, so Excel reads the Chinese names; every city has its row.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    const cities = await rows(sql<{ name: string }>`
      SELECT name FROM organization WHERE level = 'CITY' AND kind = 'FEDERATION' AND code IS NOT NULL`);
    expect(cities).toHaveLength(14);
    for (const { name } of cities) expect(text).toContain(name);
  });
});

describe('a report through its review cycle, with staff tokens', () => {
  // 湘潭 sent no 2020 report: its editor opens one, the province's reviewer returns it, then
  // approves it, and the province admin withdraws the approval. The steps build on each other.
  let editor: FulianClient;
  let reviewer: FulianClient;
  let admin: FulianClient;
  let report: SubmissionFieldsFragment;

  const auditCount = async () =>
    (
      await rows<{ count: number }>(
        sql`SELECT count(*)::int AS count FROM submission_audit
            WHERE submission_id = ${fromGlobalIdOf('Submission', report.id)}`,
      )
    )[0]?.count;
  const storedValues = () =>
    rows<{ metric: string; value: string; scope: string }>(
      sql`SELECT metric_code AS metric, trim_scale(value)::text AS value, scope FROM metric_value
          WHERE submission_id = ${fromGlobalIdOf('Submission', report.id)} ORDER BY metric_code`,
    );

  beforeAll(async () => {
    editor = await staff('editor.xt', 'EDITOR', '4303');
    reviewer = await staff('reviewer.hn', 'REVIEWER', '43');
    admin = await staff('admin.hn', 'PROVINCE_ADMIN', '43');
  });

  it('createSubmission: a draft at version 1; a retry with the same key returns it again', async () => {
    const variables = {
      template: TEMPLATE,
      organization: '4303',
      period: '2020',
      narrative: '湘潭市妇联 2020 年工作总结',
      idempotencyKey: 'xt-2020-annual-summary',
    };
    const first = await editor.createSubmission(variables);
    expect(first.createSubmission.replayed).toBe(false);
    report = first.createSubmission.submission;
    expect(report).toMatchObject({
      status: 'DRAFT',
      version: 1,
      narrative: variables.narrative,
      dueDate: '2021-01-31',
      period: { text: '2020' },
      template: { code: TEMPLATE },
      organization: { code: '4303', name: '湘潭市妇联' },
      createdBy: 'staff:editor.xt',
      submittedAt: null,
    });

    const retry = await editor.createSubmission(variables);
    expect(retry.createSubmission.replayed).toBe(true);
    expect(retry.createSubmission.submission.id).toBe(report.id);
    expect(await cityStatuses('2020')).toContainEqual({
      code: '4303',
      status: 'DRAFT',
      submission: fromGlobalIdOf('Submission', report.id),
    });
    expect(await auditCount()).toBe(1);

    // Without the key the same request is a second report, which the unit may not have.
    const again = await failure(editor.createSubmission({ ...variables, idempotencyKey: null }));
    expect(again).toBeInstanceOf(FulianError);
    expect(again).toMatchObject({ code: 'CONFLICT', extensions: { reason: 'EXISTS' } });

    // A draft is internal: its unit's editor reads it, an anonymous caller does not.
    expect((await editor.submission({ id: report.id })).submission?.status).toBe('DRAFT');
    expect(await client.submission({ id: report.id })).toEqual({ submission: null });
    expect(await expectCompletenessOfTables('2020')).toMatchObject({ draft: 1, missing: 12 });
  });

  it('saveSubmissionValues: a dry run reports and writes nothing; the real save writes', async () => {
    const values = [
      { metric: SESSIONS, value: '300' },
      { metric: 'two_cancers.screened', value: '52000', scope: 'SUBTREE', wording: '5.2 万人' },
    ] as const;
    const dry = await editor.saveSubmissionValues({
      id: report.id,
      expectedVersion: 1,
      values: [...values, { metric: 'no.such_metric', value: '1' }],
      dryRun: true,
      idempotencyKey: 'xt-2020-save-1',
    });
    expect(dry.saveSubmissionValues).toMatchObject({
      dryRun: true,
      replayed: false,
      problems: [{ path: 'values.2.metric' }],
      submission: { version: 1, status: 'DRAFT' },
    });
    expect(
      dry.saveSubmissionValues.changes.map((change) => [
        change.kind,
        change.metric,
        change.after?.value,
      ]),
    ).toEqual([
      ['ADDED', SESSIONS, '300'],
      ['ADDED', 'two_cancers.screened', '52000'],
    ]);
    expect(await storedValues()).toEqual([]);
    expect(await auditCount()).toBe(1);

    // A dry run claims no key, so the same key now does the real save.
    const real = await editor.saveSubmissionValues({
      id: report.id,
      expectedVersion: 1,
      values: [...values],
      idempotencyKey: 'xt-2020-save-1',
    });
    expect(real.saveSubmissionValues).toMatchObject({
      dryRun: false,
      replayed: false,
      problems: [],
      submission: { version: 2, status: 'DRAFT', updatedBy: 'staff:editor.xt' },
    });
    report = real.saveSubmissionValues.submission;
    expect(await storedValues()).toEqual([
      { metric: SESSIONS, value: '300', scope: 'SELF' },
      { metric: 'two_cancers.screened', value: '52000', scope: 'SUBTREE' },
    ]);

    // Saving against the version read before is refused and changes nothing.
    const stale = await failure(
      editor.saveSubmissionValues({
        id: report.id,
        expectedVersion: 1,
        values: [{ metric: SESSIONS, value: '301' }],
      }),
    );
    expect(stale).toBeInstanceOf(FulianError);
    expect(stale).toMatchObject({
      code: 'CONFLICT',
      path: ['saveSubmissionValues'],
      extensions: { reason: 'VERSION', currentVersion: 2 },
    });
    expect(await storedValues()).toContainEqual({ metric: SESSIONS, value: '300', scope: 'SELF' });
    expect(await auditCount()).toBe(3);
  });

  it('submit, return with a comment, save again, submit: statuses and versions', async () => {
    const submitted = await editor.submitSubmission({ id: report.id, expectedVersion: 2 });
    expect(submitted.submitSubmission).toMatchObject({
      status: 'SUBMITTED',
      version: 3,
      submittedBy: 'staff:editor.xt',
    });
    expect(submitted.submitSubmission.submittedAt).not.toBeNull();
    // Submitted reports are public, and counted when a caller asks for submitted figures.
    // Submitted, it is public, but who acted on it stays internal: FORBIDDEN beside the data.
    const outside = (await failure(client.submission({ id: report.id }))) as FulianError;
    expect(outside.code).toBe('FORBIDDEN');
    expect(outside.data).toMatchObject({ submission: { status: 'SUBMITTED', createdBy: null } });
    expect(await expectCompletenessOfTables('2020')).toMatchObject({ submitted: 1, missing: 11 });
    const pending = await expectRollupOfTables(SESSIONS, '2020');
    expect(pending.find((city) => city.code === '4303')).toMatchObject({
      value: null,
      unapproved: 1,
    });
    const counted = await expectRollupOfTables(SESSIONS, '2020', true);
    expect(counted.find((city) => city.code === '4303')?.value).toBe('300');

    // An editor never reviews, its own unit's report included.
    expect(
      await failure(editor.returnSubmission({ id: report.id, expectedVersion: 3, comment: 'x' })),
    ).toMatchObject({ code: 'FORBIDDEN' });

    const comment = '请补充培训期数的统计口径';
    const returned = await reviewer.returnSubmission({
      id: report.id,
      expectedVersion: 3,
      comment,
    });
    expect(returned.returnSubmission).toMatchObject({
      status: 'RETURNED',
      version: 4,
      returnComment: comment,
      returnedBy: 'staff:reviewer.hn',
    });
    expect(await expectCompletenessOfTables('2020')).toMatchObject({ returned: 1, missing: 11 });

    // Saving a returned report makes it a draft again.
    const fixed = await editor.saveSubmissionValues({
      id: report.id,
      expectedVersion: 4,
      values: [{ metric: SESSIONS, value: '320', wording: '320 期' }],
    });
    expect(fixed.saveSubmissionValues.submission).toMatchObject({ status: 'DRAFT', version: 5 });
    expect(
      fixed.saveSubmissionValues.changes.map((change) => ({
        kind: change.kind,
        before: change.before?.value,
        after: change.after?.value,
      })),
    ).toEqual([{ kind: 'CHANGED', before: '300', after: '320' }]);

    const resubmitted = await editor.submitSubmission({ id: report.id, expectedVersion: 5 });
    expect(resubmitted.submitSubmission).toMatchObject({ status: 'SUBMITTED', version: 6 });
    report = resubmitted.submitSubmission;
  });

  it('approve: counted in completeness, rollup and ranking, and locked', async () => {
    const approved = await reviewer.approveSubmission({ id: report.id, expectedVersion: 6 });
    expect(approved.approveSubmission).toMatchObject({
      status: 'APPROVED',
      version: 7,
      approvedBy: 'staff:reviewer.hn',
    });
    report = approved.approveSubmission;

    expect(await expectCompletenessOfTables('2020')).toMatchObject({ approved: 3, missing: 11 });
    const cities = await expectRollupOfTables(SESSIONS, '2020');
    expect(cities.find((city) => city.code === '4303')?.value).toBe('320');
    const { rollup } = await client.rollup({
      metric: SESSIONS,
      period: '2020',
      groupBy: 'PROVINCE',
    });
    expect(rollup.edges[0]?.node.value).toBe('3120');
    const entries = await expectRankingOfTables(SESSIONS, '2020');
    expect(entries.slice(0, 3).map((entry) => [entry.organization.code, entry.rank])).toEqual([
      ['4301', 1],
      ['4303', 2],
      ['4302', 3],
    ]);

    // Approval locks the figures until it is withdrawn.
    const locked = await failure(
      editor.saveSubmissionValues({
        id: report.id,
        expectedVersion: 7,
        values: [{ metric: SESSIONS, value: '321' }],
      }),
    );
    expect(locked).toBeInstanceOf(FulianError);
    expect(locked).toMatchObject({ code: 'LOCKED', path: ['saveSubmissionValues'] });
    expect(await storedValues()).toContainEqual({ metric: SESSIONS, value: '320', scope: 'SELF' });
  });

  it('unapprove: only the province admin withdraws it, and its figures stop counting', async () => {
    // A reviewer approves but may not unapprove.
    expect(
      await failure(reviewer.unapproveSubmission({ id: report.id, expectedVersion: 7 })),
    ).toMatchObject({ code: 'FORBIDDEN' });
    const unapproved = await admin.unapproveSubmission({ id: report.id, expectedVersion: 7 });
    expect(unapproved.unapproveSubmission).toMatchObject({ status: 'SUBMITTED', version: 8 });
    expect(await expectCompletenessOfTables('2020')).toMatchObject({ approved: 2, submitted: 1 });
    const cities = await expectRollupOfTables(SESSIONS, '2020');
    expect(cities.find((city) => city.code === '4303')?.value).toBeNull();

    const { submission } = await admin.submission({ id: report.id });
    const history = await rows<{ action: string; actor: string; version: number }>(
      sql`SELECT action, actor, version FROM submission_audit
          WHERE submission_id = ${fromGlobalIdOf('Submission', report.id)} ORDER BY id`,
    );
    expect(
      submission?.history?.edges.map(({ node }) => ({
        action: node.action,
        actor: node.actor,
        version: node.version,
      })),
    ).toEqual(history);
    expect(history.map((entry) => [entry.action, entry.version])).toEqual([
      ['CREATE', 1],
      ['SET_VALUE', 2],
      ['SET_VALUE', 2],
      ['SUBMIT', 3],
      ['RETURN', 4],
      ['REOPEN', 5],
      ['SET_VALUE', 5],
      ['SUBMIT', 6],
      ['APPROVE', 7],
      ['UNAPPROVE', 8],
    ]);
    expect(submission?.history?.edges[4]?.node.comment).toBe('请补充培训期数的统计口径');
  });
});

describe('an answer lost on the way back', () => {
  /** A fetch whose first answer is replaced by a gateway's 503 after the server applied it. */
  function losingFirstAnswer() {
    let calls = 0;
    const fetch: Fetch = async (url, init) => {
      calls++;
      const response = await globalThis.fetch(url, init);
      if (calls > 1) return response;
      await response.text();
      return new Response('upstream timed out', { status: 503 });
    };
    return { fetch, calls: () => calls };
  }

  it('a mutation with an idempotency key is retried and answered from the first run', async () => {
    const lossy = losingFirstAnswer();
    const editor = await staff('editor.hy', 'EDITOR', '4304', lossy.fetch);
    const { createSubmission } = await editor.createSubmission({
      template: TEMPLATE,
      organization: '4304',
      period: '2024',
      idempotencyKey: 'hy-2024-annual-summary',
    });
    expect(lossy.calls()).toBe(2);
    expect(createSubmission.replayed).toBe(true);
    const stored = await rows<{ id: number; audits: number }>(
      sql`SELECT s.id, (SELECT count(*) FROM submission_audit a WHERE a.submission_id = s.id)::int
            AS audits
          FROM submission s JOIN organization o ON o.id = s.organization_id
          WHERE o.code = '4304' AND s.period = '2024'`,
    );
    expect(stored).toEqual([
      { id: fromGlobalIdOf('Submission', createSubmission.submission.id), audits: 1 },
    ]);
  });

  it('a mutation without one is not retried: the caller sees the 503, the server applied it', async () => {
    const editor = await staff('editor.hy', 'EDITOR', '4304');
    const { createSubmission } = await editor.createSubmission({
      template: TEMPLATE,
      organization: '4304',
      period: '2023',
    });
    const lossy = losingFirstAnswer();
    const lossyEditor = await staff('editor.hy', 'EDITOR', '4304', lossy.fetch);
    const lost = await failure(
      lossyEditor.submitSubmission({ id: createSubmission.submission.id, expectedVersion: 1 }),
    );
    expect(lost).toBeInstanceOf(FulianHttpError);
    expect(lost).toMatchObject({ status: 503 });
    expect(lossy.calls()).toBe(1);
    // Sending it again would have met version 2, not submitted it twice; the SDK leaves that
    // decision to the caller.
    const { submission } = await editor.submission({ id: createSubmission.submission.id });
    expect(submission).toMatchObject({ status: 'SUBMITTED', version: 2 });
  });
});
