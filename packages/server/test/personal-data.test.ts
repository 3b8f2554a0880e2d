import 'reflect-metadata';
import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  Kind,
  parse,
  print,
  visit,
  type ASTNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role, Viewer } from '../src/auth/viewer.js';
import type { OrganizationRow } from '../src/db/tables.js';
import { toGlobalId } from '../src/graph/global-id.js';
import { seedData } from '../src/seed/seed-data.js';
import { seedReporting } from '../src/seed/reporting.seed.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import { CREATE, RETURN, SAVE, SUBMIT } from './helpers/submission-operations.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

/** A mainland mobile number: what must never reach a caller without the right. */
const PHONE = /1[3-9][0-9]{9}/;

let database: TestDatabase;
let client: Awaited<ReturnType<typeof createGraphQLClient>>;
let province: OrganizationRow;
let yueyang: OrganizationRow;
let yueyangCounty: OrganizationRow;
/** Yueyang's 2021 report, submitted, returned and submitted again (see reviewedReport). */
let report: string;

const apiKey: Viewer = { kind: 'api-key', keyId: 7, name: 'partner', scopes: ['read:public'] };
const staff = (role: Role, organization: OrganizationRow): Viewer => ({
  kind: 'staff',
  subject: `${role}@${organization.code}`,
  role,
  organization: { id: organization.id, path: organization.path },
});

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  await seedData(database.db);
  client = await createGraphQLClient(database);
  const byCode = (code: string) =>
    database.db
      .selectFrom('organization')
      .selectAll()
      .where('code', '=', code)
      .executeTakeFirstOrThrow();
  province = await byCode('43');
  yueyang = await byCode('4306');
  yueyangCounty = await database.db
    .selectFrom('organization')
    .selectAll()
    .where('parent_id', '=', yueyang.id)
    .orderBy('code')
    .limit(1)
    .executeTakeFirstOrThrow();
  await seedReporting(database.db);
  report = await reviewedReport();
});

const DRAFT_NARRATIVE = '草稿：培训数据待核实，联系人 13974022225';
const RETURN_COMMENT = '请核实培训期数，可致电 15973000234';
const FINAL_NARRATIVE = '岳阳市妇联2021年度工作总结';

/**
 * Yueyang's editor drafts its 2021 annual summary (a phone number in the draft), submits it,
 * the province's reviewer returns it with a comment (another phone), and the editor corrects
 * and submits it again: SUBMITTED, so anyone may read the report, not how it got there.
 */
async function reviewedReport(): Promise<string> {
  const editor = staff('EDITOR', yueyang);
  const run = async (query: string, input: Record<string, unknown>, viewer: Viewer) => {
    const result = await client.execute(query, { input }, viewer);
    expect(result.errors).toBeUndefined();
    return Object.values(result.data as Record<string, any>)[0];
  };
  const created = await run(
    CREATE,
    {
      template: 'annual-summary',
      organization: '4306',
      period: '2021',
      narrative: DRAFT_NARRATIVE,
    },
    editor,
  );
  const { id } = created.submission;
  let { version } = created.submission;
  const sessions = (value: string) => [{ metric: 'training.sessions', value }];
  ({ version } = (
    await run(SAVE, { id, expectedVersion: version, values: sessions('12') }, editor)
  ).submission);
  ({ version } = await run(SUBMIT, { id, expectedVersion: version }, editor));
  ({ version } = await run(
    RETURN,
    { id, expectedVersion: version, comment: RETURN_COMMENT },
    staff('REVIEWER', province),
  ));
  ({ version } = (
    await run(
      SAVE,
      { id, expectedVersion: version, values: sessions('15'), narrative: FINAL_NARRATIVE },
      editor,
    )
  ).submission);
  const submitted = await run(SUBMIT, { id, expectedVersion: version }, editor);
  expect(submitted.status).toBe('SUBMITTED');
  return id;
}

afterAll(async () => {
  await client.server.stop();
  await database.close();
});

const LIAISONS = `{ organization(code: "4306") { liaisonAssignments { liaisons { name phone } } } }`;

describe('liaison names and phones', () => {
  it('resolve for staff whose reach includes the federation that assigned them', async () => {
    for (const viewer of [staff('VIEWER', yueyang), staff('EDITOR', yueyang)]) {
      const result = await client.execute(LIAISONS, {}, viewer);
      expect(result.errors).toBeUndefined();
      const liaisons = result.data.organization.liaisonAssignments.flatMap((a: any) => a.liaisons);
      expect(liaisons.length).toBeGreaterThan(0);
      expect(liaisons.every((l: any) => typeof l.name === 'string' && l.name.length > 0)).toBe(
        true,
      );
      expect(liaisons.some((l: any) => PHONE.test(l.phone ?? ''))).toBe(true);
    }
    const province = await database.db
      .selectFrom('organization')
      .selectAll()
      .where('code', '=', '43')
      .executeTakeFirstOrThrow();
    expect(
      JSON.stringify((await client.execute(LIAISONS, {}, staff('VIEWER', province))).data),
    ).toMatch(PHONE);
  });

  it('are null with FORBIDDEN, and the query costs no more SQL, for everyone else', async () => {
    const changsha = await database.db
      .selectFrom('organization')
      .selectAll()
      .where('code', '=', '4301')
      .executeTakeFirstOrThrow();
    const allowed = await client.execute(LIAISONS, {}, staff('VIEWER', yueyang));
    for (const viewer of [
      apiKey,
      { kind: 'anonymous' } as const,
      staff('EDITOR', changsha),
      // A county's staff do not reach the city federation above them.
      staff('VIEWER', yueyangCounty),
    ]) {
      const result = await client.execute(LIAISONS, {}, viewer);
      const liaisons = result.data.organization.liaisonAssignments.flatMap((a: any) => a.liaisons);
      expect(liaisons.length).toBeGreaterThan(0);
      expect(liaisons.every((l: any) => l.name === null && l.phone === null)).toBe(true);
      expect(result.errors?.length).toBe(liaisons.length * 2);
      expect(new Set(result.errors?.map((error) => error.extensions?.code))).toEqual(
        new Set(['FORBIDDEN']),
      );
      expect(JSON.stringify(result)).not.toMatch(PHONE);
      expect(result.statements.length).toBe(allowed.statements.length);
    }
  });
});

const REPORT = `query ($id: ID!) { submission(id: $id) { status narrative
  createdBy updatedBy submittedBy returnedBy returnComment approvedBy
  history(first: 100) { totalCount edges { node { action actor before after comment } } } } }`;

/** The fields of a submission that say who did what, what the reviewer said, and the drafts. */
const GUARDED = [
  'createdBy',
  'updatedBy',
  'submittedBy',
  'returnedBy',
  'returnComment',
  'approvedBy',
  'history',
];

describe('a submitted report’s history, actors and review', () => {
  it('are null with FORBIDDEN for API keys, anonymous callers and the staff of a county below', async () => {
    for (const viewer of [
      apiKey,
      { kind: 'anonymous' } as const,
      staff('EDITOR', yueyangCounty),
      staff('VIEWER', yueyangCounty),
    ]) {
      const result = await client.execute(REPORT, { id: report }, viewer);
      // The report itself is public once submitted: its status and final text.
      expect(result.data.submission).toEqual({
        status: 'SUBMITTED',
        narrative: FINAL_NARRATIVE,
        ...Object.fromEntries(GUARDED.map((field) => [field, null])),
      });
      expect(result.errors?.map((error) => error.path)).toEqual(
        GUARDED.map((field) => ['submission', field]),
      );
      expect(new Set(errorCodes(result))).toEqual(new Set(['FORBIDDEN']));
      // The unit whose report it is, by its global id: no internal id reaches a client.
      expect(new Set(result.errors?.map((error) => error.extensions?.organizationId))).toEqual(
        new Set([toGlobalId('Organization', yueyang.id)]),
      );
      const text = JSON.stringify(result);
      expect(text).not.toMatch(PHONE);
      expect(text).not.toContain('草稿');
      expect(text).not.toContain('staff:');
    }
  });

  it('resolve for the unit’s own staff and its reviewer', async () => {
    for (const viewer of [
      staff('EDITOR', yueyang),
      staff('VIEWER', yueyang),
      staff('REVIEWER', province),
    ]) {
      const result = await client.execute(REPORT, { id: report }, viewer);
      expect(result.errors).toBeUndefined();
      const { submission } = result.data;
      expect(submission).toMatchObject({
        createdBy: 'staff:EDITOR@4306',
        submittedBy: 'staff:EDITOR@4306',
        returnedBy: 'staff:REVIEWER@43',
        returnComment: RETURN_COMMENT,
        approvedBy: null,
      });
      const entries = submission.history.edges.map((edge: any) => edge.node);
      expect(entries.map((entry: any) => entry.action)).toEqual([
        'CREATE',
        'SET_VALUE',
        'SUBMIT',
        'RETURN',
        'REOPEN',
        'SET_VALUE',
        'SET_NARRATIVE',
        'SUBMIT',
      ]);
      expect(JSON.stringify(entries)).toContain(DRAFT_NARRATIVE);
    }
  });

  it('keep the drafts in the history from staff who may read the unit’s internal data but not its drafts', async () => {
    // A province viewer reaches Yueyang's internal data, but drafts stay inside the unit and
    // with its reviewers.
    const result = await client.execute(REPORT, { id: report }, staff('VIEWER', province));
    expect(result.data.submission).toMatchObject({
      submittedBy: 'staff:EDITOR@4306',
      history: null,
    });
    expect(result.errors).toMatchObject([
      {
        path: ['submission', 'history'],
        extensions: { code: 'FORBIDDEN', action: 'submission.read' },
      },
    ]);
  });
});

describe('the quoted annex rows of liaison assignments', () => {
  const QUOTES = `{ organization(code: "4306") { liaisonAssignments { leaderName source { quote } } } }`;
  const quotes = async (viewer: Viewer) => {
    const result = await client.execute(QUOTES, {}, viewer);
    expect(result.errors).toBeUndefined();
    return result.data.organization.liaisonAssignments.map((a: any) => a.source.quote as string);
  };

  it('keep names and phones for staff who may read them', async () => {
    const inside = await quotes(staff('VIEWER', yueyang));
    expect(inside).toContain(
      '王亚丹 平江县 华容县 临港产业新区 刘小平 13974022225 张春芳 15973000234',
    );
  });

  it('withhold them, spaced names included, from everyone else', async () => {
    const outside = await quotes(apiKey);
    expect(outside).toContain('王亚丹 平江县 华容县 临港产业新区 ＊＊＊ ＊＊＊ ＊＊＊ ＊＊＊');
    expect(outside).toContain('曾 琴 经开区 岳阳楼区 ＊＊＊ ＊＊＊');
    expect(outside.join(' ')).not.toMatch(PHONE);
    expect(outside.join(' ')).not.toMatch(/黎\s*伟|喻\s*谦|蒋\s*慧/);
  });
});

describe('no path through the graph leaks them to an API key', () => {
  /** Ways to reach Yueyang (4306) as an Organization, `X` standing for its selection. */
  const entries = () => {
    const id = toGlobalId('Organization', yueyang.id);
    return [
      `{ organization(code: "4306") { X } }`,
      `{ organization(id: "${id}") { X } }`,
      `{ node(id: "${id}") { ... on Organization { X } } }`,
      `{ organizations(filter: { level: CITY }, first: 50) { edges { node { X } } } }`,
      `{ organizations(filter: { search: "岳阳市" }) { edges { node { X } } } }`,
      `{ organization(code: "43") { children(first: 20) { edges { node { X } } } } }`,
      `{ organization(code: "43") { descendants(level: CITY, first: 20) { edges { node { X } } } } }`,
      `{ organization(code: "${yueyangCounty.code}") { parent { X } } }`,
      `{ organization(code: "${yueyangCounty.code}") { ancestors { X } } }`,
      `{ organization(code: "4306") { liaisonAssignments { organization { X } } } }`,
      `query ($code: String) { organization(code: $code) { X } }`,
    ];
  };
  const CONTACT = `fragment Contact on Liaison { name phone }`;
  /** Ways to ask for the liaisons once there, with the fragments each needs. */
  const selections: [string, string][] = [
    [`liaisonAssignments { liaisons { name phone } }`, ''],
    [`liaisonAssignments { liaisons { a: phone b: name c: phone } }`, ''],
    [`liaisonAssignments { liaisons { ...Contact } }`, CONTACT],
    [
      `liaisonAssignments { ...Assignment }`,
      `fragment Assignment on LiaisonAssignment { leaderName liaisons { ...Contact } } ${CONTACT}`,
    ],
    [
      `liaisonAssignments { ... on LiaisonAssignment { liaisons { ... on Liaison { phone } } } }`,
      '',
    ],
    [`liaisonAssignments { liaisons { phone @include(if: true) name @skip(if: false) } }`, ''],
    [`liaisonAssignments { counties { name } liaisons { __typename phone } }`, ''],
    [
      `one: liaisonAssignments { liaisons { phone } } two: liaisonAssignments { liaisons { name } }`,
      '',
    ],
  ];

  function generated(): string[] {
    return entries().flatMap((entry) =>
      selections.map(([fields, fragments]) => `${entry.replace('X', fields)} ${fragments}`),
    );
  }

  it('answers every generated query with phones for Yueyang staff and none for an API key', async () => {
    const queries = generated();
    expect(queries.length).toBe(88);
    for (const query of queries) {
      const variables = { code: '4306' };
      // The query does reach the data: Yueyang's own staff see phone numbers in it.
      const inside = await client.execute(query, variables, staff('VIEWER', yueyang));
      expect(inside.errors, query).toBeUndefined();
      expect(JSON.stringify(inside.data), query).toMatch(PHONE);

      const outside = await client.execute(query, variables, apiKey);
      expect(JSON.stringify(outside), query).not.toMatch(PHONE);
      expect(outside.errors?.length, query).toBeGreaterThan(0);
      expect(
        outside.errors?.every((error) => error.extensions?.code === 'FORBIDDEN'),
        query,
      ).toBe(true);
    }
  });

  it('answers every operation the SDK ships without a phone number', async () => {
    const folder = fileURLToPath(new URL('../../sdk/src/operations/', import.meta.url));
    const files = (await readdir(folder)).filter((file) => file.endsWith('.graphql'));
    const sdk = parse(
      (await Promise.all(files.map((file) => readFile(`${folder}${file}`, 'utf8')))).join('\n'),
    );
    const fragments = sdk.definitions.filter(
      (definition): definition is FragmentDefinitionNode =>
        definition.kind === Kind.FRAGMENT_DEFINITION,
    );
    // Values for the variables the operations declare, aimed at Yueyang where it matters.
    const known: Record<string, unknown> = {
      code: '4306',
      within: '4306',
      organization: '4306',
      first: 50,
      search: '岳阳',
      period: '2021',
      template: 'annual-summary',
      metric: 'training.sessions',
      groupBy: 'CITY',
      level: 'CITY',
      from: '2019',
      to: '2021',
    };
    const activity = await database.db
      .selectFrom('activity')
      .select('id')
      .where('organization_id', '=', yueyang.id)
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    const document = await database.db
      .selectFrom('document')
      .select('id')
      .orderBy('id')
      .limit(1)
      .executeTakeFirstOrThrow();
    // `id` names a different object in each operation that takes one.
    const ids: Record<string, string> = {
      Activity: toGlobalId('Activity', activity.id),
      Document: toGlobalId('Document', document.id),
      Node: toGlobalId('Organization', yueyang.id),
      Submission: report,
    };
    const queries = sdk.definitions.filter(
      (definition): definition is OperationDefinitionNode =>
        definition.kind === Kind.OPERATION_DEFINITION && definition.operation === 'query',
    );
    const ran: string[] = [];
    for (const operation of queries) {
      const name = operation.name?.value ?? 'anonymous';
      const variables = variablesFor(operation, {
        ...known,
        ...(name in ids ? { id: ids[name] } : {}),
      });
      expect(variables, `${name} needs a variable the test does not give`).not.toBeNull();
      const text = [operation, ...fragmentsUsedBy(operation, fragments)]
        .map((definition) => print(definition))
        .join('\n');
      const result = await client.execute(text, variables!, apiKey);
      // The operation must really run: refusals of personal data are the only errors allowed.
      expect(result.data, name).toBeTruthy();
      expect(
        result.errors?.filter((error) => error.extensions?.code !== 'FORBIDDEN') ?? [],
        name,
      ).toEqual([]);
      expect(JSON.stringify(result), name).not.toMatch(PHONE);
      ran.push(name);
    }
    expect(ran).toContain('LiaisonAssignments');
    expect(ran).toContain('Submission');
    expect(ran).toHaveLength(queries.length);
  });
});

/** The fragments an operation spreads, directly or through other fragments. */
function fragmentsUsedBy(
  operation: OperationDefinitionNode,
  fragments: readonly FragmentDefinitionNode[],
): FragmentDefinitionNode[] {
  const byName = new Map(fragments.map((fragment) => [fragment.name.value, fragment]));
  const used = new Set<string>();
  const pending: ASTNode[] = [operation];
  for (let node = pending.pop(); node; node = pending.pop()) {
    visit(node, {
      FragmentSpread(spread) {
        const fragment = byName.get(spread.name.value);
        if (fragment && !used.has(spread.name.value)) {
          used.add(spread.name.value);
          pending.push(fragment);
        }
      },
    });
  }
  return fragments.filter((fragment) => used.has(fragment.name.value));
}

/** The variables an operation needs, from `known`; null when a required one is unknown. */
function variablesFor(
  operation: OperationDefinitionNode,
  known: Record<string, unknown>,
): Record<string, unknown> | null {
  const variables: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    const name = definition.variable.name.value;
    if (name in known) variables[name] = known[name];
    else if (definition.type.kind === Kind.NON_NULL_TYPE && !definition.defaultValue) return null;
  }
  return variables;
}
