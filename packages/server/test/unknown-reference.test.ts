import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/auth/viewer.js';
import { toGlobalId } from '../src/graph/global-id.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import { seedHandTree, seedTemplate, seedTestMetrics, staff } from './helpers/reporting.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

// The rule of docs/architecture.md, "One mistake, one answer": a reference that cannot be one
// is BAD_USER_INPUT; a well-formed one that names nothing is null from a lookup and NOT_FOUND
// from an argument the answer depends on; either way `extensions.field` is the argument as the
// caller wrote it.

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
let admin: Viewer;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  await seedTestMetrics(database.db);
  await seedTemplate(database.db, 'test-annual', ['CITY', 'COUNTY']);
  ({ execute } = await createGraphQLClient(database));
  admin = await staff(database.db, 'PROVINCE_ADMIN', '43');
});
afterAll(() => database.close());

/** A division code and an organization id of the right shape that name no unit. */
const NO_UNIT = '439999';
const NO_UNIT_ID = toGlobalId('Organization', 999);
/** What a newcomer types where a unit is asked for: a place name. */
const PLACE_NAME = '长沙';
const NO_METRIC = 'test.nonsense';
const NO_TEMPLATE = 'no-such-template';
const NO_SUBMISSION = toGlobalId('Submission', 999);

const ROLLUP = `query($metric: String!, $within: String) {
  rollup(metric: $metric, period: "2020", groupBy: CITY, within: $within) { totalCount } }`;
const RANKING = `query($metric: String!, $within: String) {
  ranking(metric: $metric, period: "2020", level: CITY, within: $within) { entries { totalCount } } }`;
const SERIES = `query($metric: String!, $organization: String!) {
  series(metric: $metric, organization: $organization, from: "2019", to: "2020") { value } }`;
const COMPLETENESS = `query($template: String!, $within: String) {
  completeness(template: $template, period: "2020", within: $within) { totals { expected } } }`;
const ORGANIZATIONS = `query($within: String) {
  organizations(filter: { within: $within }) { totalCount } }`;
const ACTIVITIES = `query($within: String) { activities(filter: { within: $within }) { totalCount } }`;
const METRIC_VALUES = `query($metric: String) {
  organization(code: "4301") { metricValues(metric: $metric) { totalCount } } }`;
const CREATE = `mutation($input: CreateSubmissionInput!) {
  createSubmission(input: $input) { submission { id } } }`;
const SAVE = `mutation($input: SaveSubmissionValuesInput!) {
  saveSubmissionValues(input: $input) { dryRun } }`;
const SUBMIT = `mutation($input: SubmissionTransitionInput!) { submitSubmission(input: $input) { id } }`;
const DOWNLOAD = `mutation($input: SpreadsheetDownloadInput!) { spreadsheetDownload(input: $input) { url } }`;

interface Case {
  operation: string;
  bad: string;
  query: string;
  variables: Record<string, unknown>;
  /** The error code, or null for a lookup that answers null. */
  code: 'BAD_USER_INPUT' | 'NOT_FOUND' | null;
  /** `extensions.field`, or for a null lookup the path of the null. */
  field: string;
}

const UNIT_AND_METRIC = { metric: 'test.sessions' };
const CASES: Case[] = [
  // Lookups: the answer is the thing itself, so an unknown one is null.
  lookup('organization(code:)', NO_UNIT, `{ organization(code: "${NO_UNIT}") { id } }`),
  lookup('organization(id:)', NO_UNIT_ID, `{ organization(id: "${NO_UNIT_ID}") { id } }`),
  lookup('node(id:)', NO_UNIT_ID, `{ organization: node(id: "${NO_UNIT_ID}") { id } }`),
  lookup('metric(code:)', NO_METRIC, `{ metric(code: "${NO_METRIC}") { code } }`, 'metric'),
  lookup(
    'reportingTemplate(code:)',
    NO_TEMPLATE,
    `{ reportingTemplate(code: "${NO_TEMPLATE}") { code } }`,
    'reportingTemplate',
  ),
  lookup(
    'submission(id:)',
    NO_SUBMISSION,
    `{ submission(id: "${NO_SUBMISSION}") { id } }`,
    'submission',
  ),
  lookup(
    'document(id:)',
    toGlobalId('Document', 999),
    `{ document(id: "${toGlobalId('Document', 999)}") { id } }`,
    'document',
  ),

  // Arguments the answer depends on: an unknown one is NOT_FOUND naming the argument.
  notFound('rollup(metric:)', NO_METRIC, ROLLUP, { metric: NO_METRIC }, 'metric'),
  notFound('rollup(within:)', NO_UNIT, ROLLUP, { ...UNIT_AND_METRIC, within: NO_UNIT }, 'within'),
  notFound('ranking(metric:)', NO_METRIC, RANKING, { metric: NO_METRIC }, 'metric'),
  notFound(
    'ranking(within:)',
    NO_UNIT_ID,
    RANKING,
    { ...UNIT_AND_METRIC, within: NO_UNIT_ID },
    'within',
  ),
  notFound(
    'series(metric:)',
    NO_METRIC,
    SERIES,
    { metric: NO_METRIC, organization: '4301' },
    'metric',
  ),
  notFound(
    'series(organization:)',
    NO_UNIT,
    SERIES,
    { ...UNIT_AND_METRIC, organization: NO_UNIT },
    'organization',
  ),
  notFound(
    'completeness(template:)',
    NO_TEMPLATE,
    COMPLETENESS,
    { template: NO_TEMPLATE },
    'template',
  ),
  notFound(
    'completeness(within:)',
    NO_UNIT,
    COMPLETENESS,
    { template: 'test-annual', within: NO_UNIT },
    'within',
  ),
  notFound(
    'organizations(filter.within)',
    NO_UNIT,
    ORGANIZATIONS,
    { within: NO_UNIT },
    'filter.within',
  ),
  notFound(
    'activities(filter.within)',
    NO_UNIT_ID,
    ACTIVITIES,
    { within: NO_UNIT_ID },
    'filter.within',
  ),
  notFound(
    'Organization.metricValues(metric:)',
    NO_METRIC,
    METRIC_VALUES,
    { metric: NO_METRIC },
    'metric',
  ),
  notFound(
    'createSubmission(input.template)',
    NO_TEMPLATE,
    CREATE,
    { input: { template: NO_TEMPLATE, organization: '4301', period: '2020' } },
    'input.template',
  ),
  notFound(
    'createSubmission(input.organization)',
    NO_UNIT,
    CREATE,
    { input: { template: 'test-annual', organization: NO_UNIT, period: '2020' } },
    'input.organization',
  ),
  notFound(
    'saveSubmissionValues(input.id)',
    NO_SUBMISSION,
    SAVE,
    { input: { id: NO_SUBMISSION, expectedVersion: 1, dryRun: true } },
    'input.id',
  ),
  notFound(
    'submitSubmission(input.id)',
    NO_SUBMISSION,
    SUBMIT,
    { input: { id: NO_SUBMISSION, expectedVersion: 1 } },
    'input.id',
  ),
  notFound(
    'spreadsheetDownload(input.template)',
    NO_TEMPLATE,
    DOWNLOAD,
    { input: { kind: 'TEMPLATE', template: NO_TEMPLATE, period: '2020', unit: '4301' } },
    'input.template',
  ),
  notFound(
    'spreadsheetDownload(input.metric)',
    NO_METRIC,
    DOWNLOAD,
    { input: { kind: 'ROLLUP', metric: NO_METRIC, period: '2020', level: 'CITY' } },
    'input.metric',
  ),
  notFound(
    'spreadsheetDownload(input.within)',
    NO_UNIT,
    DOWNLOAD,
    {
      input: { kind: 'ROLLUP', ...UNIT_AND_METRIC, period: '2020', level: 'CITY', within: NO_UNIT },
    },
    'input.within',
  ),

  // Not a reference at all: BAD_USER_INPUT naming the argument, lookup or not.
  malformed(
    'organization(code:)',
    PLACE_NAME,
    `{ organization(code: "${PLACE_NAME}") { id } }`,
    {},
    'code',
  ),
  malformed(
    'organizations(filter.within)',
    PLACE_NAME,
    ORGANIZATIONS,
    { within: PLACE_NAME },
    'filter.within',
  ),
  malformed(
    'activities(filter.within)',
    PLACE_NAME,
    ACTIVITIES,
    { within: PLACE_NAME },
    'filter.within',
  ),
  malformed(
    'rollup(within:)',
    PLACE_NAME,
    ROLLUP,
    { ...UNIT_AND_METRIC, within: PLACE_NAME },
    'within',
  ),
  malformed(
    'rollup(within:) with a template id',
    'a ReportingTemplate id',
    ROLLUP,
    { ...UNIT_AND_METRIC, within: toGlobalId('ReportingTemplate', 1) },
    'within',
  ),
  malformed(
    'createSubmission(input.organization)',
    PLACE_NAME,
    CREATE,
    { input: { template: 'test-annual', organization: PLACE_NAME, period: '2020' } },
    'input.organization',
  ),
];

function lookup(operation: string, bad: string, query: string, field = 'organization'): Case {
  return { operation, bad, query, variables: {}, code: null, field };
}
function notFound(
  operation: string,
  bad: string,
  query: string,
  variables: Record<string, unknown>,
  field: string,
): Case {
  return { operation, bad, query, variables, code: 'NOT_FOUND', field };
}
function malformed(
  operation: string,
  bad: string,
  query: string,
  variables: Record<string, unknown>,
  field: string,
): Case {
  return { operation, bad, query, variables, code: 'BAD_USER_INPUT', field };
}

describe('one mistake, one answer', () => {
  it.each(CASES)('$operation given $bad → $code at $field', async (row) => {
    const result = await execute(row.query, row.variables, admin);
    if (row.code === null) {
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ [row.field]: null });
      return;
    }
    expect(errorCodes(result)).toEqual([row.code]);
    expect(result.errors?.[0]?.extensions?.field).toBe(row.field);
  });

  it('says what a unit argument takes when given a place name', async () => {
    const result = await execute(ORGANIZATIONS, { within: PLACE_NAME });
    expect(result.errors?.[0]?.message).toBe(
      'filter.within takes a division code (2 to 12 digits, e.g. 4301) or an organization id; "长沙" is neither',
    );
  });
});
