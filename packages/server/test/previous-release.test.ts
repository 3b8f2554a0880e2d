// Upgrades while serving: the last released SDK keeps working against a server whose database
// has been migrated to the latest version. Every operation that release sends
// (schema/releases/operations/<version>.graphql) is run through today's server with plausible
// variables; it must answer without errors, and the answer must still be one the released
// schema (schema/releases/<version>.graphql) allows: re-executed over the released types, each
// field read back from the answer, it reproduces the answer exactly. Where the answer breaks
// the released types, the change must be one CHANGELOG.md declares breaking.
import { readdirSync, readFileSync } from 'node:fs';
import {
  buildSchema,
  executeSync,
  Kind,
  parse,
  print,
  validate,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/auth/viewer.js';
import { readDivisions } from '../src/seed/division-source.js';
import { seedDivisions } from '../src/seed/organization.seed.js';
import { seedData } from '../src/seed/seed-data.js';
import { seedReporting } from '../src/seed/reporting.seed.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { staff } from './helpers/reporting.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

const releases = new URL('../../../schema/releases/', import.meta.url);
const version = readdirSync(new URL('operations/', releases))
  .map((file) => file.replace(/\.graphql$/, ''))
  .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
  .at(-1);
if (!version) throw new Error('schema/releases/operations/ holds no release');
const read = (path: string) => readFileSync(new URL(path, releases), 'utf8');
const released = buildSchema(read(`${version}.graphql`));
const sent = parse(read(`operations/${version}.graphql`));

/**
 * What the released types no longer describe, each a coordinate CHANGELOG.md names in a
 * **Breaking** entry since that release: an aggregate without a value has no qualifier.
 */
const DECLARED_BREAKS = ['RollupRow.qualifier', 'RankingEntry.qualifier', 'SeriesPoint.qualifier'];

const TEMPLATE = 'annual-summary';
const SESSIONS = 'training.sessions';

type Answer = Record<string, any>;
/** The answers so far, by operation, for the variables of later steps. */
const answers = new Map<string, Answer>();
const answer = (name: string): Answer => answers.get(name) ?? {};
/** The report the submission mutations work on, as the last of them answered it. */
let report: Answer = {};

/** Every operation of the release, in an order where each finds what it needs. */
const STEPS: [string, () => Record<string, unknown>][] = [
  ['Viewer', () => ({})],
  ['Metrics', () => ({})],
  ['ReportingTemplates', () => ({})],
  ['Organization', () => ({ code: '430223119209' })],
  ['OrganizationTree', () => ({ code: '43', first: 3 })],
  ['Children', () => ({ code: '43', first: 5 })],
  ['Descendants', () => ({ code: '4306', level: 'COUNTY', first: 5 })],
  ['Organizations', () => ({ filter: { search: '岳阳' }, first: 5 })],
  ['Node', () => ({ id: answer('Organization').organization?.id })],
  ['Documents', () => ({ first: 5 })],
  ['Document', () => ({ id: answer('Documents').documents?.edges[0]?.node.id })],
  ['Activities', () => ({ filter: { within: '43' }, first: 5 })],
  ['OrganizationActivities', () => ({ code: '4306', first: 5 })],
  ['Activity', () => ({ id: answer('Activities').activities?.edges[0]?.node.id })],
  ['MetricValues', () => ({ code: '4301', metric: SESSIONS, period: '2020', scope: 'SUBTREE' })],
  ['OrganizationRecord', () => ({ code: '4306' })],
  ['LiaisonAssignments', () => ({ code: '4306' })],
  ['Completeness', () => ({ template: TEMPLATE, period: '2020', within: '43', first: 5 })],
  ['Rollup', () => ({ metric: SESSIONS, period: '2020', groupBy: 'CITY', within: '43' })],
  ['Ranking', () => ({ metric: SESSIONS, period: '2020', level: 'CITY', within: '43' })],
  ['Series', () => ({ metric: SESSIONS, organization: '4301', from: '2019', to: '2021' })],
  [
    'CreateSubmission',
    () => ({ template: TEMPLATE, organization: '4303', period: '2023', idempotencyKey: 'k-1' }),
  ],
  ['SaveSubmissionValues', () => save('12')],
  ['SubmitSubmission', current],
  ['ReturnSubmission', () => ({ ...current(), comment: '请核实' })],
  // Saving a returned report reopens it as a draft.
  ['SaveSubmissionValues', () => save('14')],
  ['SubmitSubmission', current],
  ['ApproveSubmission', current],
  ['UnapproveSubmission', current],
  ['Submission', () => ({ id: report.id })],
];

function current() {
  return { id: report.id, expectedVersion: report.version };
}

function save(sessions: string) {
  return { ...current(), values: [{ metric: SESSIONS, value: sessions, scope: 'SELF' }] };
}

/** One operation of the release with the fragments it spreads, as the SDK sends it. */
function operationDocument(name: string): DocumentNode {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of sent.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION)
      fragments.set(definition.name.value, definition);
    if (definition.kind === Kind.OPERATION_DEFINITION && definition.name?.value === name) {
      operation = definition;
    }
  }
  if (!operation) throw new Error(`the release sends no operation ${name}`);
  const used = new Map<string, FragmentDefinitionNode>();
  const collect = (node: OperationDefinitionNode | FragmentDefinitionNode) =>
    visit(node, {
      FragmentSpread(spread) {
        const fragment = fragments.get(spread.name.value);
        if (!fragment || used.has(spread.name.value)) return;
        used.set(spread.name.value, fragment);
        collect(fragment);
      },
    });
  collect(operation);
  return { kind: Kind.DOCUMENT, definitions: [operation, ...used.values()] };
}

/** Every connection in an answer, by its path, with how many edges it holds. */
function connections(value: unknown, path = ''): [string, number][] {
  if (Array.isArray(value))
    return value.flatMap((item, index) => connections(item, `${path}.${index}`));
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, child]) =>
    key === 'edges' && Array.isArray(child)
      ? [[path, child.length], ...connections(child, `${path}.edges`)]
      : connections(child, `${path}.${key}`),
  );
}

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
let admin: Viewer;

beforeAll(async () => {
  database = await createTestDatabase();
  // Hunan down to the townships, and the villages the seed documents name: the whole tree
  // (29,534 villages) would take most of the file's time and tells nothing more here.
  const levels = await readDivisions({ provinces: ['43'] });
  const seeds = new URL('../../../seeds/documents/', import.meta.url);
  const named = new Set(
    readdirSync(seeds).flatMap(
      (file) => readFileSync(new URL(file, seeds), 'utf8').match(/\d{12}/g) ?? [],
    ),
  );
  const villages = levels[4]!.filter((village) => named.has(village.code));
  await database.db
    .transaction()
    .execute((trx) => seedDivisions(trx, [...levels.slice(0, 4), villages]));
  await seedData(database.db);
  await seedReporting(database.db);
  ({ execute } = await createGraphQLClient(database));
  admin = await staff(database.db, 'PROVINCE_ADMIN', '43');
});
afterAll(() => database?.close());

describe(`the operations @fulian/sdk ${version} sends, against the latest schema`, () => {
  it('are all run here, and are valid against the released schema', () => {
    const names = sent.definitions.flatMap((definition) =>
      definition.kind === Kind.OPERATION_DEFINITION ? [definition.name?.value] : [],
    );
    expect(new Set(STEPS.map(([name]) => name))).toEqual(new Set(names));
    expect(validate(released, sent)).toEqual([]);
    const changelog = readFileSync(new URL('../../../CHANGELOG.md', import.meta.url), 'utf8');
    const breaking = changelog.split('\n- ').filter((entry) => entry.includes('**Breaking'));
    for (const coordinate of DECLARED_BREAKS) {
      expect(
        breaking.some((entry) => entry.includes(coordinate)),
        coordinate,
      ).toBe(true);
    }
  });

  for (const [index, [name, variablesOf]] of STEPS.entries()) {
    it(`${index + 1}. ${name}`, async () => {
      const document = operationDocument(name);
      const variables = variablesOf();
      const result = await execute(print(document), variables, admin);
      expect(result.errors).toBeUndefined();
      const data = result.data as Answer;
      answers.set(name, data);
      const root = Object.values(data)[0];
      if (document.definitions[0]?.kind === Kind.OPERATION_DEFINITION) {
        if (document.definitions[0].operation === 'mutation') report = root.submission ?? root;
      }

      // Plausible variables find something: every root field answers, every list holds a row.
      for (const value of Object.values(data)) expect(value).not.toBeNull();
      for (const [path, edges] of connections(data)) expect(edges, path).toBeGreaterThan(0);

      const again = executeSync({
        schema: released,
        document,
        rootValue: data,
        variableValues: variables,
        fieldResolver: (source, _args, _context, info) => source[info.path.key],
      });
      const broken = (again.errors ?? []).map((error) => error.message);
      const undeclared = broken.filter(
        (message) => !DECLARED_BREAKS.some((coordinate) => message.endsWith(` ${coordinate}.`)),
      );
      expect(undeclared).toEqual([]);
      if (broken.length === 0) expect(again.data).toEqual(data);
    });
  }
});
