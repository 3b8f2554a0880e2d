import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/auth/viewer.js';
import type { SubmissionStatus } from '../src/db/tables.js';
import { toGlobalId } from '../src/graph/global-id.js';
import {
  WORKFLOW_STEPS,
  nextStatus,
  type WorkflowStep,
} from '../src/modules/submission/submission.workflow.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import {
  TEST_METRICS,
  organizationByCode,
  seedHandTree,
  seedTemplate,
  seedTestMetrics,
  staff,
} from './helpers/reporting.js';
import {
  APPROVE,
  CREATE,
  HISTORY,
  RETURN,
  SAVE,
  SUBMIT,
  UNAPPROVE,
} from './helpers/submission-operations.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const onPostgres = Boolean(process.env.DATABASE_URL);

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
let admin: Viewer;
let editorA: Viewer;
let editorB: Viewer;
let provinceReviewer: Viewer;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  await seedTestMetrics(database.db);
  await seedTemplate(database.db, 'test-annual', ['CITY', 'COUNTY']);
  await seedTemplate(database.db, 'city-only', ['CITY'], ['test.rank']);
  ({ execute } = await createGraphQLClient(database));
  admin = await staff(database.db, 'PROVINCE_ADMIN', '43');
  editorA = await staff(database.db, 'EDITOR', '4301');
  editorB = await staff(database.db, 'EDITOR', '4302');
  provinceReviewer = await staff(database.db, 'REVIEWER', '43');
});
afterAll(() => database.close());

/** Runs a mutation and returns its single root field, or the error codes when it failed. */
async function mutate(query: string, input: Record<string, unknown>, viewer: Viewer) {
  const result = await execute(query, { input }, viewer);
  if (result.errors)
    return { errors: errorCodes(result), extensions: result.errors[0]!.extensions };
  return Object.values(result.data as Record<string, any>)[0];
}

async function open(code: string, viewer: Viewer, period = '2020') {
  const result = await mutate(
    CREATE,
    { template: 'test-annual', organization: code, period },
    viewer,
  );
  return result.submission;
}

async function auditCount(): Promise<number> {
  const row = await database.db
    .selectFrom('submission_audit')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

describe('the state machine', () => {
  const allowed: Record<WorkflowStep, Partial<Record<SubmissionStatus, SubmissionStatus>>> = {
    save: { DRAFT: 'DRAFT', RETURNED: 'DRAFT' },
    submit: { DRAFT: 'SUBMITTED' },
    return: { SUBMITTED: 'RETURNED' },
    approve: { SUBMITTED: 'APPROVED' },
    unapprove: { APPROVED: 'SUBMITTED' },
  };
  const statuses: SubmissionStatus[] = ['DRAFT', 'SUBMITTED', 'RETURNED', 'APPROVED'];

  it.each(WORKFLOW_STEPS.flatMap((step) => statuses.map((status) => [step, status] as const)))(
    '%s from %s is allowed exactly as the table says, else LOCKED (approved) or CONFLICT',
    (step, status) => {
      const to = allowed[step][status];
      if (to) {
        expect(nextStatus(step, status)).toBe(to);
        return;
      }
      expect(() => nextStatus(step, status)).toThrow(
        expect.objectContaining({
          extensions: expect.objectContaining({
            code: status === 'APPROVED' ? 'LOCKED' : 'CONFLICT',
          }),
        }),
      );
    },
  );
});

describe('createSubmission', () => {
  it('opens a draft at version 1 with its audit row, and refuses a second one', async () => {
    const created = await mutate(
      CREATE,
      { template: 'test-annual', organization: '4303', period: '2019', narrative: '总结' },
      admin,
    );
    expect(created.replayed).toBe(false);
    expect(created.submission).toMatchObject({
      status: 'DRAFT',
      version: 1,
      narrative: '总结',
      period: { text: '2019' },
      organization: { code: '4303' },
    });
    const again = await mutate(
      CREATE,
      { template: 'test-annual', organization: '4303', period: '2019' },
      admin,
    );
    expect(again.errors).toEqual(['CONFLICT']);
    expect(again.extensions.reason).toBe('EXISTS');
    // Extensions name rows by global id, as everything else a client sees does.
    expect(again.extensions.submissionId).toBe(created.submission.id);
    const history = await execute(HISTORY, { id: created.submission.id }, admin);
    expect(history.data.submission.history.edges.map((edge: any) => edge.node)).toEqual([
      expect.objectContaining({
        action: 'CREATE',
        fromStatus: null,
        toStatus: 'DRAFT',
        version: 1,
      }),
    ]);
  });

  it('refuses bad periods, units that do not submit, strangers and anonymous callers', async () => {
    const cases: [Record<string, unknown>, Viewer | undefined, string, string | undefined][] = [
      [{ organization: '4301', period: '2020Q1' }, editorA, 'BAD_USER_INPUT', 'input.period'],
      [{ organization: '4301', period: '2020Q5' }, editorA, 'BAD_USER_INPUT', 'input.period'],
      [{ organization: '43', period: '2020' }, admin, 'BAD_USER_INPUT', 'input.organization'],
      [{ organization: '4301', period: '2020' }, editorB, 'FORBIDDEN', undefined],
      [{ organization: '4301', period: '2020' }, undefined, 'UNAUTHENTICATED', undefined],
      [{ organization: '4399', period: '2020' }, admin, 'NOT_FOUND', 'input.organization'],
    ];
    for (const [input, viewer, code, field] of cases) {
      const result = await execute(
        CREATE,
        { input: { template: 'test-annual', ...input } },
        viewer,
      );
      expect(errorCodes(result), JSON.stringify(input)).toEqual([code]);
      if (field) expect(result.errors![0]!.extensions!.field).toBe(field);
    }
    const count = await database.db
      .selectFrom('submission')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('period', '=', '2020')
      .executeTakeFirstOrThrow();
    expect(Number(count.count)).toBe(0);
  });
});

describe('saveSubmissionValues', () => {
  it('reports every problem by path on a dry run and writes nothing', async () => {
    const draft = await open('4301', editorA);
    const before = await auditCount();
    const result = await mutate(
      SAVE,
      {
        id: draft.id,
        expectedVersion: 1,
        dryRun: true,
        values: [
          { metric: 'test.sessions', value: '12' },
          { metric: 'test.unknown', value: '1' },
          { metric: 'test.members', value: '-3' },
          { metric: 'test.women_share', value: '101' },
          { metric: 'test.sales', value: '5', unit: 'PERSON' },
          { metric: 'test.sessions', value: '13' },
          { metric: 'test.women_members', value: '2.5' },
        ],
      },
      editorA,
    );
    expect(result.dryRun).toBe(true);
    expect(result.changes).toEqual([
      expect.objectContaining({
        metric: 'test.sessions',
        kind: 'ADDED',
        after: expect.objectContaining({ value: '12' }),
      }),
    ]);
    expect(result.problems.map((problem: any) => problem.path)).toEqual([
      'values.1.metric',
      'values.2.value',
      'values.3.value',
      'values.4.unit',
      'values.5.metric',
      'values.6.value',
    ]);
    expect(result.submission).toMatchObject({ version: 1, values: { edges: [] } });
    expect(await auditCount()).toBe(before);

    const real = await execute(
      SAVE,
      {
        input: {
          id: draft.id,
          expectedVersion: 1,
          values: [
            { metric: 'test.sessions', value: '12' },
            { metric: 'test.members', value: '-3' },
          ],
        },
      },
      editorA,
    );
    expect(errorCodes(real)).toEqual(['BAD_USER_INPUT']);
    expect(real.errors![0]!.extensions!.problems).toEqual([
      expect.objectContaining({ path: 'values.1.value' }),
    ]);
    expect(await auditCount()).toBe(before);
  });

  it('writes all values in one transaction, bumps the version and audits each change', async () => {
    const draft = await open('4302', editorB);
    const saved = await mutate(
      SAVE,
      {
        id: draft.id,
        expectedVersion: 1,
        narrative: '全市妇联',
        values: [
          { metric: 'test.sessions', value: '2679', scope: 'SUBTREE', wording: '2679 期' },
          { metric: 'test.sales', value: '3380000.50', qualifier: 'AT_LEAST' },
        ],
      },
      editorB,
    );
    expect(saved.submission.version).toBe(2);
    expect(saved.narrativeChanged).toBe(true);
    expect(saved.submission.values.edges.map((edge: any) => edge.node)).toEqual([
      { value: '3380000.5', unit: 'YUAN', qualifier: 'AT_LEAST', scope: 'SELF', wording: null },
      { value: '2679', unit: 'SESSION', qualifier: 'EXACT', scope: 'SUBTREE', wording: '2679 期' },
    ]);

    const changed = await mutate(
      SAVE,
      {
        id: draft.id,
        expectedVersion: 2,
        values: [
          { metric: 'test.sessions', value: '2679', scope: 'SUBTREE', wording: '2679 期' },
          { metric: 'test.members', value: '100' },
        ],
        remove: ['test.sales'],
      },
      editorB,
    );
    expect(changed.changes.map((change: any) => [change.metric, change.kind])).toEqual([
      ['test.members', 'ADDED'],
      ['test.sales', 'REMOVED'],
    ]);
    const history = await execute(HISTORY, { id: draft.id }, editorB);
    expect(
      history.data.submission.history.edges.map((edge: any) => [
        edge.node.action,
        edge.node.metric,
        edge.node.version,
      ]),
    ).toEqual([
      ['CREATE', null, 1],
      ['SET_VALUE', 'test.sessions', 2],
      ['SET_VALUE', 'test.sales', 2],
      ['SET_NARRATIVE', null, 2],
      ['SET_VALUE', 'test.members', 3],
      ['REMOVE_VALUE', 'test.sales', 3],
    ]);
    const removal = history.data.submission.history.edges[5].node;
    expect(removal.before).toMatchObject({ value: '3380000.5', qualifier: 'AT_LEAST' });
    expect(removal.after).toBeNull();
    expect(removal.actor).toBe('staff:editor@4302');
  });

  it('refuses a stale version with CONFLICT and changes nothing', async () => {
    const draft = await open('4303', admin);
    await mutate(
      SAVE,
      { id: draft.id, expectedVersion: 1, values: [{ metric: 'test.sessions', value: '1' }] },
      admin,
    );
    const stale = await execute(
      SAVE,
      {
        input: {
          id: draft.id,
          expectedVersion: 1,
          values: [{ metric: 'test.sessions', value: '2' }],
        },
      },
      admin,
    );
    expect(errorCodes(stale)).toEqual(['CONFLICT']);
    expect(stale.errors![0]!.extensions).toMatchObject({ reason: 'VERSION', currentVersion: 2 });
    const history = await execute(HISTORY, { id: draft.id }, admin);
    expect(history.data.submission.version).toBe(2);
    expect(history.data.submission.history.totalCount).toBe(2);
  });

  it('lets two writers race on one version: one wins, the other gets CONFLICT', async () => {
    const draft = await open('430101', admin);
    const results = await Promise.all(
      ['7', '8'].map((value) =>
        execute(
          SAVE,
          {
            input: {
              id: draft.id,
              expectedVersion: 1,
              values: [{ metric: 'test.sessions', value }],
            },
          },
          admin,
        ),
      ),
    );
    const codes = results.map((result) => errorCodes(result)[0] ?? 'OK').sort();
    expect(codes).toEqual(['CONFLICT', 'OK']);
    const winner = results.find((result) => !result.errors)!;
    const stored = await database.db
      .selectFrom('metric_value')
      .select('value')
      .where('organization_id', '=', 6)
      .where('period', '=', '2020')
      .execute();
    expect(stored).toEqual([
      { value: winner.data.saveSubmissionValues.submission.values.edges[0].node.value },
    ]);
  });

  it('keeps both of two units saving at the same moment', async () => {
    const [a2, b1] = await Promise.all([open('430102', admin), open('430201', admin)]);
    const results = await Promise.all(
      [a2, b1].map((draft, index) =>
        execute(
          SAVE,
          {
            input: {
              id: draft.id,
              expectedVersion: 1,
              values: [{ metric: 'test.sessions', value: String(100 + index) }],
            },
          },
          admin,
        ),
      ),
    );
    expect(results.map((result) => result.errors)).toEqual([undefined, undefined]);
    const stored = await database.db
      .selectFrom('metric_value')
      .select(['organization_id', 'value'])
      .where('organization_id', 'in', [7, 8])
      .orderBy('organization_id')
      .execute();
    expect(stored).toEqual([
      { organization_id: 7, value: '100' },
      { organization_id: 8, value: '101' },
    ]);
  });
});

describe('two templates racing for one figure', () => {
  it.skipIf(!onPostgres)(
    'answers CONFLICT when another submission of the unit commits the same figure first (PostgreSQL only: PGlite runs one transaction at a time)',
    async () => {
      await seedTemplate(database.db, 'city-sales', ['CITY'], ['test.sales']);
      const mine = await open('4303', admin, '2015');
      await mutate(CREATE, { template: 'city-sales', organization: '4303', period: '2015' }, admin);
      // The other template's save has written its figure but not committed when this save
      // checks the figures other templates hold; this save's insert then waits on the index,
      // and fails when the other commits.
      let written!: () => void;
      const inserted = new Promise<void>((resolve) => (written = resolve));
      const other = database.db.transaction().execute(async (trx) => {
        await sql`
          INSERT INTO metric_value (organization_id, metric_code, period, period_type,
            period_start, period_end, value, unit, submission_id)
          SELECT s.organization_id, 'test.sales', s.period, s.period_type, s.period_start,
            s.period_end, 5, 'YUAN', s.id
          FROM submission s JOIN reporting_template t ON t.id = s.template_id
          WHERE t.code = 'city-sales' AND s.period = '2015'`.execute(trx);
        written();
        await waitForLockWait();
      });
      await inserted;
      const save = execute(
        SAVE,
        {
          input: {
            id: mine.id,
            expectedVersion: 1,
            values: [{ metric: 'test.sales', value: '7' }],
          },
        },
        admin,
      );
      await other;
      const result = await save;
      expect(errorCodes(result)).toEqual(['CONFLICT']);
      expect(result.errors![0]!.extensions).toMatchObject({ reason: 'HELD_ELSEWHERE' });
      const history = await execute(HISTORY, { id: mine.id }, admin);
      expect(history.data.submission).toMatchObject({ version: 1, history: { totalCount: 1 } });
    },
  );
});

/** Waits until a statement of this database waits on a lock (another transaction's row). */
async function waitForLockWait(): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const { rows } = await sql<{ waiting: number }>`
      SELECT count(*)::int AS waiting FROM pg_stat_activity
      WHERE datname = current_database() AND wait_event_type = 'Lock'`.execute(database.db);
    if (rows[0]!.waiting > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('No statement started waiting on a lock');
}

describe('values as people type them', () => {
  it('reads them with the spreadsheet’s reader, shows each reading on a dry run and refuses the rest per path', async () => {
    const draft = await open('4302', editorB, '2014');
    const readable = [
      { metric: 'test.members', value: '338万' },
      { metric: 'test.sales', value: '1.2万' },
      { metric: 'test.women_share', value: '33.91%' },
      { metric: 'test.women_members', value: '2,679' },
      { metric: 'test.sessions', value: '三百' },
    ];
    const dry = await mutate(
      SAVE,
      {
        id: draft.id,
        expectedVersion: 1,
        dryRun: true,
        // One it cannot read and one unknown metric: each is a problem at its path, beside the
        // readings of the rest.
        values: [
          ...readable,
          { metric: 'test.rank', value: '四五十' },
          { metric: 'test.nonsense', value: '1' },
        ],
      },
      editorB,
    );
    expect(dry.errors).toBeUndefined();
    expect(dry.normalized).toEqual([
      { path: 'values.0.value', input: '338万', value: '3380000', applied: ['WAN'] },
      { path: 'values.1.value', input: '1.2万', value: '12000', applied: ['WAN'] },
      { path: 'values.2.value', input: '33.91%', value: '33.91', applied: ['PERCENT_SIGN'] },
      {
        path: 'values.3.value',
        input: '2,679',
        value: '2679',
        applied: ['THOUSANDS_SEPARATOR'],
      },
      { path: 'values.4.value', input: '三百', value: '300', applied: ['CHINESE_NUMERAL'] },
    ]);
    expect(dry.problems).toEqual([
      {
        path: 'values.5.value',
        message: '"四五十": an ambiguous Chinese numeral (write 一千二百 or 1200, not 一千二)',
      },
      { path: 'values.6.metric', message: expect.stringContaining('test.nonsense') },
    ]);
    expect(dry.changes.map((change: any) => [change.metric, change.after.value])).toEqual([
      ['test.members', '3380000'],
      ['test.sales', '12000'],
      ['test.women_share', '33.91'],
      ['test.women_members', '2679'],
      ['test.sessions', '300'],
    ]);

    const unreadable = await mutate(
      SAVE,
      { id: draft.id, expectedVersion: 1, values: [{ metric: 'test.members', value: '45%' }] },
      editorB,
    );
    expect(unreadable.errors).toEqual(['BAD_USER_INPUT']);
    expect(unreadable.extensions.field).toBe('input.values.0.value');
    expect(unreadable.extensions.problems[0].message).toBe(
      '"45%": this metric is not a percentage: no % sign',
    );

    // Saved as read, each keeping what was typed as its wording.
    const saved = await mutate(
      SAVE,
      {
        id: draft.id,
        expectedVersion: 1,
        values: [...readable, { metric: 'test.rank', value: '１２' }],
      },
      editorB,
    );
    expect(saved.normalized).toHaveLength(6);
    expect(
      saved.submission.values.edges.map((edge: any) => [edge.node.value, edge.node.wording]),
    ).toEqual(
      expect.arrayContaining([
        ['3380000', '338万'],
        ['12000', '1.2万'],
        ['33.91', '33.91%'],
        ['2679', '2,679'],
        ['300', '三百'],
        ['12', '１２'],
      ]),
    );
  });
});

describe('figures past the columns’ precision', () => {
  it('are a problem at their path, never a statement the database refuses', async () => {
    const draft = await open('4303', admin, '2013');
    const values = ['9'.repeat(140_000), '1'.repeat(21), '0.12345678901', `-${'9'.repeat(21)}.5`];
    const dry = await mutate(
      SAVE,
      {
        id: draft.id,
        expectedVersion: 1,
        dryRun: true,
        values: values.map((value, index) => ({ metric: TEST_METRICS[index], value })),
      },
      admin,
    );
    expect(dry.problems.map((problem: any) => [problem.path, problem.message])).toEqual([
      ['values.0.value', `"${'9'.repeat(39)}…": too long to be a number`],
      [
        'values.1.value',
        expect.stringContaining('at most 20 digits before the point and 10 after'),
      ],
      [
        'values.2.value',
        expect.stringContaining('at most 20 digits before the point and 10 after'),
      ],
      [
        'values.3.value',
        expect.stringContaining('at most 20 digits before the point and 10 after'),
      ],
    ]);
    // Within the limits (leading and trailing zeros aside), a value is taken.
    const wide = await mutate(
      SAVE,
      {
        id: draft.id,
        expectedVersion: 1,
        dryRun: true,
        values: [{ metric: 'test.sales', value: `000${'1'.repeat(20)}.1234567890000` }],
      },
      admin,
    );
    expect(wide.problems).toEqual([]);
    expect(wide.changes[0].after.value).toBe(`${'1'.repeat(20)}.123456789`);
  });
});

describe('a figure another template holds', () => {
  it('names the submission holding it by its global id', async () => {
    const holder = await mutate(
      CREATE,
      { template: 'city-only', organization: '4302', period: '2016' },
      admin,
    );
    await mutate(
      SAVE,
      {
        id: holder.submission.id,
        expectedVersion: 1,
        values: [{ metric: 'test.rank', value: '2' }],
      },
      admin,
    );
    const other = await open('4302', admin, '2016');
    const result = await mutate(
      SAVE,
      {
        id: other.id,
        expectedVersion: 1,
        dryRun: true,
        values: [{ metric: 'test.rank', value: '3' }],
      },
      admin,
    );
    expect(result.problems).toEqual([
      {
        path: 'values.0.metric',
        message: `test.rank for 2016 is already reported in another submission of this unit (${holder.submission.id})`,
      },
    ]);
  });
});

describe('idempotency keys', () => {
  it('answers a retried create with the first result and writes nothing; another payload is CONFLICT', async () => {
    const input = {
      template: 'city-only',
      organization: '4301',
      period: '2021',
      idempotencyKey: 'k-create-1',
    };
    const first = await mutate(CREATE, input, editorA);
    const before = await auditCount();
    const retry = await mutate(CREATE, input, editorA);
    expect(retry.replayed).toBe(true);
    expect(retry.submission.id).toBe(first.submission.id);
    expect(await auditCount()).toBe(before);
    const other = await mutate(CREATE, { ...input, period: '2022' }, editorA);
    expect(other.errors).toEqual(['CONFLICT']);
    expect(other.extensions.reason).toBe('IDEMPOTENCY_KEY_REUSED');
    // Keys belong to their actor: another editor's identical key is a new request.
    const stranger = await mutate(CREATE, { ...input, organization: '4302' }, editorB);
    expect(stranger.replayed).toBe(false);
  });

  it('answers a retried save with the first changes and does not bump the version again', async () => {
    const draft = await open('4301', editorA, '2018');
    const input = {
      id: draft.id,
      expectedVersion: 1,
      idempotencyKey: 'k-save-1',
      values: [{ metric: 'test.sessions', value: '40' }],
    };
    const first = await mutate(SAVE, input, editorA);
    expect(first.submission.version).toBe(2);
    const before = await auditCount();
    const retry = await mutate(SAVE, input, editorA);
    expect(retry.replayed).toBe(true);
    expect(retry.changes).toEqual(first.changes);
    expect(retry.submission.version).toBe(2);
    expect(await auditCount()).toBe(before);
    const other = await mutate(
      SAVE,
      { ...input, values: [{ metric: 'test.sessions', value: '41' }] },
      editorA,
    );
    expect(other.errors).toEqual(['CONFLICT']);
  });
});

describe('the review cycle', () => {
  it('runs submit, return, fix, approve with approval locks up and down the tree', async () => {
    const city = await open('4303', admin, '2017');
    const county = await open('430301', admin, '2017');
    let cityVersion = city.version;
    const step = async (query: string, id: string, version: number, viewer: Viewer, extra = {}) =>
      mutate(query, { id, expectedVersion: version, ...extra }, viewer);
    // The city's figures carry its report's status, copied by triggers for the roll-ups.
    const figureStatuses = async () =>
      (
        await database.db
          .selectFrom('metric_value as v')
          .innerJoin('submission as s', 's.id', 'v.submission_id')
          .innerJoin('organization as o', 'o.id', 's.organization_id')
          .select(['v.submission_status as figure', 's.status as report'])
          .where('o.code', '=', '4303')
          .where('s.period', '=', '2017')
          .execute()
      ).map(({ figure, report }) => `${figure}/${report}`);

    // An editor submits; an editor may not approve; a save while under review is CONFLICT.
    let result = await step(SUBMIT, city.id, cityVersion, admin);
    expect(result.status).toBe('SUBMITTED');
    cityVersion = result.version;
    const forbidden = await step(APPROVE, city.id, cityVersion, editorA);
    expect(forbidden.errors).toEqual(['FORBIDDEN']);
    expect(forbidden.extensions.organizationId).toBe(
      toGlobalId('Organization', (await organizationByCode(database.db, '4303')).id),
    );
    expect(
      (
        await step(SAVE, city.id, cityVersion, admin, {
          values: [{ metric: 'test.sessions', value: '1' }],
        })
      ).errors,
    ).toEqual(['CONFLICT']);

    // Returning needs a comment; the returned report is edited back into a draft.
    expect(
      (await step(RETURN, city.id, cityVersion, provinceReviewer, { comment: ' ' })).errors,
    ).toEqual(['BAD_USER_INPUT']);
    result = await step(RETURN, city.id, cityVersion, provinceReviewer, {
      comment: '缺少培训数据',
    });
    expect(result).toMatchObject({ status: 'RETURNED', returnComment: '缺少培训数据' });
    expect((await step(SUBMIT, city.id, result.version, admin)).errors).toEqual(['CONFLICT']);
    result = await step(SAVE, city.id, result.version, admin, {
      values: [{ metric: 'test.sessions', value: '9' }],
    });
    expect(result.submission.status).toBe('DRAFT');
    expect(await figureStatuses()).toEqual(['DRAFT/DRAFT']);
    result = await step(SUBMIT, city.id, result.submission.version, admin);
    cityVersion = result.version;
    expect(await figureStatuses()).toEqual(['SUBMITTED/SUBMITTED']);

    // The city cannot be approved before the county below it.
    result = await step(APPROVE, city.id, cityVersion, provinceReviewer);
    expect(result.errors).toEqual(['CONFLICT']);
    expect(result.extensions).toMatchObject({
      reason: 'PENDING_BELOW',
      pendingCount: 1,
      pending: ['C1县妇联'],
    });
    let countyResult = await step(SUBMIT, county.id, county.version, admin);
    countyResult = await step(APPROVE, county.id, countyResult.version, admin);
    expect(countyResult.status).toBe('APPROVED');
    result = await step(APPROVE, city.id, cityVersion, provinceReviewer);
    expect(result).toMatchObject({ status: 'APPROVED', approvedBy: 'staff:reviewer@43' });
    cityVersion = result.version;
    expect(await figureStatuses()).toEqual(['APPROVED/APPROVED']);

    // Approval locks: no save, submit or return; the county cannot be unapproved under it.
    for (const [query, extra] of [
      [SAVE, { values: [{ metric: 'test.sessions', value: '10' }] }],
      [SUBMIT, {}],
      [RETURN, { comment: 'x' }],
    ] as const) {
      expect((await step(query, city.id, cityVersion, admin, extra)).errors).toEqual(['LOCKED']);
    }
    result = await step(UNAPPROVE, county.id, countyResult.version, admin);
    expect(result.errors).toEqual(['LOCKED']);
    expect(result.extensions.reason).toBe('PARENT_APPROVED');
    expect(result.extensions.parentSubmissionId).toBe(city.id);
    // A reviewer approves but may not unapprove; the province admin unapproves top-down.
    expect((await step(UNAPPROVE, city.id, cityVersion, provinceReviewer)).errors).toEqual([
      'FORBIDDEN',
    ]);
    result = await step(UNAPPROVE, city.id, cityVersion, admin);
    expect(result).toMatchObject({ status: 'SUBMITTED', approvedBy: null });
    expect(await figureStatuses()).toEqual(['SUBMITTED/SUBMITTED']);
    // The undone approval leaves no approver or time on the submission, only in its history.
    expect(
      await database.db
        .selectFrom('submission')
        .select(['approved_at', 'approved_by'])
        .where('organization_id', '=', 5)
        .where('period', '=', '2017')
        .executeTakeFirstOrThrow(),
    ).toEqual({ approved_at: null, approved_by: null });
    expect((await step(UNAPPROVE, county.id, countyResult.version, admin)).status).toBe(
      'SUBMITTED',
    );

    const history = await execute(HISTORY, { id: city.id }, admin);
    expect(history.data.submission.history.edges.map((edge: any) => edge.node.action)).toEqual([
      'CREATE',
      'SUBMIT',
      'RETURN',
      'REOPEN',
      'SET_VALUE',
      'SUBMIT',
      'APPROVE',
      'UNAPPROVE',
    ]);
    expect(history.data.submission.history.edges[2].node.comment).toBe('缺少培训数据');
  });

  it('shows drafts only to viewers who may read the unit’s internal data', async () => {
    const draft = await open('4301', editorA, '2016');
    const query = `query($id: ID!) { submission(id: $id) { status } node(id: $id) { id } }`;
    expect((await execute(query, { id: draft.id }, editorA)).data).toEqual({
      submission: { status: 'DRAFT' },
      node: { id: draft.id },
    });
    expect((await execute(query, { id: draft.id }, editorB)).data).toEqual({
      submission: null,
      node: null,
    });
    expect((await execute(query, { id: draft.id })).data).toEqual({ submission: null, node: null });

    // A draft's figures stay out of the unit's public list of figures until it is submitted.
    const saved = await mutate(
      SAVE,
      { id: draft.id, expectedVersion: 1, values: [{ metric: 'test.sessions', value: '3' }] },
      editorA,
    );
    expect(saved.submission.values.edges).toHaveLength(1);
    const row = await database.db
      .selectFrom('metric_value')
      .select('id')
      .where('organization_id', '=', 3)
      .where('period', '=', '2016')
      .executeTakeFirstOrThrow();
    const figures = `query($id: ID!) { organization(code: "4301") { metricValues(period: "2016") { totalCount
      edges { node { value } } } } node(id: $id) { id } }`;
    const valueId = toGlobalId('MetricValue', row.id);
    const hidden = await execute(figures, { id: valueId });
    expect(hidden.data).toEqual({
      organization: { metricValues: { totalCount: 0, edges: [] } },
      node: null,
    });
    await mutate(SUBMIT, { id: draft.id, expectedVersion: 2 }, editorA);
    const shown = await execute(figures, { id: valueId });
    expect(shown.data).toEqual({
      organization: { metricValues: { totalCount: 1, edges: [{ node: { value: '3' } }] } },
      node: { id: valueId },
    });
  });
});
