import { sql } from 'kysely';
import type { Viewer } from '../src/auth/viewer.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedData } from '../src/seed/seed-data.js';
import { seedReporting } from '../src/seed/reporting.seed.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import { staff } from './helpers/reporting.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];
let admin: Viewer;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  await seedData(database.db);
  await seedReporting(database.db);
  ({ execute } = await createGraphQLClient(database));
  admin = await staff(database.db, 'PROVINCE_ADMIN', '43');
});
afterAll(() => database.close());

const PAGE = `$first: Int, $after: String, $last: Int, $before: String`;
const ARGS = `first: $first, after: $after, last: $last, before: $before`;
const CONNECTION = `totalCount edges { cursor node { ...key } }
  pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

interface Connection {
  totalCount: number;
  edges: { cursor: string; node: unknown }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
}

/** Every connection of the schema, each with a query that pages it and a fragment naming a node. */
const connections: {
  name: string;
  query: string;
  connection: (data: any) => Connection;
}[] = [
  {
    name: 'organizations',
    query: `query(${PAGE}) { list: organizations(filter: { level: CITY }, ${ARGS}) { ${CONNECTION} } }
      fragment key on Organization { code }`,
    connection: (data) => data.list,
  },
  {
    name: 'Organization.children',
    query: `query(${PAGE}) { organization(code: "4301") { list: children(${ARGS}) { ${CONNECTION} } } }
      fragment key on Organization { code }`,
    connection: (data) => data.organization.list,
  },
  {
    name: 'Organization.descendants',
    query: `query(${PAGE}) { organization(code: "43") { list: descendants(level: COUNTY, ${ARGS}) { ${CONNECTION} } } }
      fragment key on Organization { code }`,
    connection: (data) => data.organization.list,
  },
  {
    name: 'Organization.activities',
    query: `query(${PAGE}) { organization(code: "4301") { list: activities(${ARGS}) { ${CONNECTION} } } }
      fragment key on Activity { id }`,
    connection: (data) => data.organization.list,
  },
  {
    name: 'Organization.metricValues',
    query: `query(${PAGE}) { organization(code: "4301") { list: metricValues(${ARGS}) { ${CONNECTION} } } }
      fragment key on MetricValue { id }`,
    connection: (data) => data.organization.list,
  },
  {
    name: 'activities',
    query: `query(${PAGE}) { list: activities(filter: { within: "4301" }, ${ARGS}) { ${CONNECTION} } }
      fragment key on Activity { id }`,
    connection: (data) => data.list,
  },
  {
    name: 'documents',
    query: `query(${PAGE}) { list: documents(${ARGS}) { ${CONNECTION} } }
      fragment key on Document { id }`,
    connection: (data) => data.list,
  },
  {
    name: 'rollup',
    query: `query(${PAGE}) { list: rollup(metric: "training.sessions", period: "2020", groupBy: CITY, ${ARGS}) { ${CONNECTION} } }
      fragment key on RollupRow { organization { code } value }`,
    connection: (data) => data.list,
  },
  {
    name: 'ranking.entries',
    query: `query(${PAGE}) { ranking(metric: "training.sessions", period: "2020", level: CITY, ${ARGS}) { list: entries { ${CONNECTION} } } }
      fragment key on RankingEntry { organization { code } rank }`,
    connection: (data) => data.ranking.list,
  },
  {
    name: 'RollupRow.contributions',
    query: `query(${PAGE}) { rollup(metric: "training.sessions", period: "2020", groupBy: PROVINCE) { edges { node {
        list: contributions(${ARGS}) { ${CONNECTION} } } } } }
      fragment key on Contribution { organization { code } metric }`,
    connection: (data) => data.rollup.edges[0].node.list,
  },
  {
    name: 'Completeness.units',
    query: `query(${PAGE}) { completeness(template: "annual-summary", period: "2020", within: "43") {
        list: units(${ARGS}) { ${CONNECTION} } } }
      fragment key on CompletenessUnit { organization { code } }`,
    connection: (data) => data.completeness.list,
  },
  ...(['values', 'activities', 'history'] as const).map((field) => ({
    name: `Submission.${field}`,
    query: `query(${PAGE}) { completeness(template: "annual-summary", period: "2020", within: "4302") {
        units { edges { node { submission { list: ${field}(${ARGS}) { ${CONNECTION} } } } } } } }
      fragment key on ${{ values: 'MetricValue', activities: 'Activity', history: 'SubmissionHistoryEntry' }[field]} { ${field === 'history' ? 'action version' : 'id'} }`,
    connection: (data: any) => data.completeness.units.edges[0].node.submission.list,
  })),
];

async function page(
  query: string,
  connection: (data: any) => Connection,
  variables: Record<string, unknown>,
) {
  const result = await execute(query, variables, admin);
  expect(result.errors).toBeUndefined();
  const found = connection(result.data);
  // The page's own cursors bound it.
  expect(found.pageInfo.startCursor).toBe(found.edges[0]?.cursor ?? null);
  expect(found.pageInfo.endCursor).toBe(found.edges.at(-1)?.cursor ?? null);
  return found;
}

/**
 * Reads a whole list forwards and backwards in pages of about a third, checking each page's
 * flags and cursors; answers the nodes, having checked both ways agree.
 */
async function walkBothWays(
  list: { query: string; connection: (data: any) => Connection },
  variables: Record<string, unknown> = {},
): Promise<unknown[]> {
  const read = (more: Record<string, unknown>) =>
    page(list.query, list.connection, { ...variables, ...more });
  const { totalCount: total } = await read({ first: 0 });
  // Three pages each way where the list has three rows, so a middle page is read too (the
  // seed's reports give a roll-up group two contributions).
  expect(total).toBeGreaterThanOrEqual(2);
  const size = Math.max(1, Math.floor(total / 3));
  const forward: unknown[] = [];
  let after: string | null = null;
  do {
    const found = await read({ first: size, after });
    expect(found.pageInfo.hasPreviousPage).toBe(after !== null);
    forward.push(...found.edges.map((edge) => edge.node));
    after = found.pageInfo.hasNextPage ? found.pageInfo.endCursor : null;
  } while (after !== null);
  expect(forward).toHaveLength(total);

  const backward: unknown[] = [];
  let before: string | null = null;
  do {
    const found = await read({ last: size, before });
    expect(found.pageInfo.hasNextPage).toBe(before !== null);
    backward.unshift(...found.edges.map((edge) => edge.node));
    before = found.pageInfo.hasPreviousPage ? found.pageInfo.startCursor : null;
  } while (before !== null);
  expect(backward).toEqual(forward);
  return forward;
}

describe('every connection pages both ways', () => {
  it.each(connections)('$name: backwards from the end gives the forward order', async (list) => {
    await walkBothWays(list);
  });

  it('reads the rows between two cursors from either end', async () => {
    const list = connections[0]!;
    const all = await page(list.query, list.connection, { first: 14 });
    const codes = (found: Connection) => found.edges.map((edge: any) => edge.node.code);
    const window = { after: all.edges[2]!.cursor, before: all.edges[9]!.cursor };
    expect(codes(await page(list.query, list.connection, { ...window, first: 3 }))).toEqual(
      codes(all).slice(3, 6),
    );
    const last = await page(list.query, list.connection, { ...window, last: 3 });
    expect(codes(last)).toEqual(codes(all).slice(6, 9));
    expect(last.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it.each([
    ['first and last together', { first: 2, last: 2 }, 'last'],
    ['last past the bound', { last: 101 }, 'last'],
    ['a negative last', { last: -1 }, 'last'],
    ['a made-up before cursor', { last: 2, before: 'bm90LWEtY3Vyc29y' }, 'before'],
  ])('refuses %s as BAD_USER_INPUT naming the argument', async (_, variables, field) => {
    const result = await execute(connections[0]!.query, variables);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(result.errors?.[0]?.extensions?.field).toBe(field);
  });

  it("refuses another list's cursor", async () => {
    const documents = connections.find((list) => list.name === 'documents')!;
    const found = await page(documents.query, documents.connection, { first: 1 });
    const result = await execute(connections[0]!.query, {
      last: 2,
      before: found.edges[0]!.cursor,
    });
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('orders users ask for, cursor-safe both ways', () => {
  const rowsOf = async <Row>(query: ReturnType<typeof sql<Row>>) =>
    (await query.execute(database.db)).rows;
  const ORDERED = `query(${PAGE}, $orderBy: OrganizationOrder)`;

  it('orders organizations by name and by code, either way, as PostgreSQL sorts them', async () => {
    const townships = {
      query: `${ORDERED} { organization(code: "4301") { list: descendants(level: TOWNSHIP, orderBy: $orderBy, ${ARGS}) { ${CONNECTION} } } }
        fragment key on Organization { code name }`,
      connection: (data: any) => data.organization.list,
    };
    const byNameDescending = await walkBothWays(townships, {
      orderBy: { field: 'NAME', direction: 'DESC' },
    });
    expect(byNameDescending).toEqual(
      await rowsOf(sql<{ code: string; name: string }>`SELECT code, name FROM organization
        WHERE level = 'TOWNSHIP' AND kind = 'FEDERATION' AND code LIKE '4301%'
        ORDER BY name DESC, path DESC`),
    );

    // Every kind at city level: the units without a division code come first.
    const cityUnits = {
      query: `${ORDERED} { list: organizations(filter: { level: CITY, kind: null }, orderBy: $orderBy, ${ARGS}) { ${CONNECTION} } }
        fragment key on Organization { code name }`,
      connection: (data: any) => data.list,
    };
    const byCode = await walkBothWays(cityUnits, { orderBy: { field: 'CODE' } });
    expect(byCode).toEqual(
      await rowsOf(sql<{ code: string | null; name: string }>`SELECT code, name FROM organization
        WHERE level = 'CITY' ORDER BY coalesce(code, ''), path`),
    );
    expect(byCode.at(-1)).toMatchObject({ code: '4331' });
  });

  it('orders activities by date, latest first, undated ones last', async () => {
    const activities = {
      query: `query(${PAGE}, $orderBy: ActivityOrder) { list: activities(orderBy: $orderBy, ${ARGS}) { ${CONNECTION} } }
        fragment key on Activity { id period { start } }`,
      connection: (data: any) => data.list,
    };
    const latestFirst = (await walkBothWays(activities, {
      orderBy: { field: 'DATE', direction: 'DESC' },
    })) as { period: { start: string } | null }[];
    const starts = latestFirst.map((activity) => activity.period?.start ?? '0001-01-01');
    expect(starts).toEqual([...starts].sort().reverse());
    expect(new Set(starts).size).toBeGreaterThan(1);
  });

  it("orders a unit's figures by value and by period", async () => {
    const figures = {
      query: `query(${PAGE}, $orderBy: MetricValueOrder) { organization(code: "4301") { list: metricValues(orderBy: $orderBy, ${ARGS}) { ${CONNECTION} } } }
        fragment key on MetricValue { id value period { start } }`,
      connection: (data: any) => data.organization.list,
    };
    const byValue = (await walkBothWays(figures, {
      orderBy: { field: 'VALUE', direction: 'DESC' },
    })) as { value: string }[];
    const values = byValue.map((figure) => Number(figure.value));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    const byPeriod = (await walkBothWays(figures, { orderBy: { field: 'PERIOD' } })) as {
      period: { start: string };
    }[];
    const starts = byPeriod.map((figure) => figure.period.start);
    expect(starts).toEqual([...starts].sort());
  });

  it("refuses a cursor of another order, or another order's direction", async () => {
    const query = `${ORDERED} { list: organizations(filter: { level: CITY }, orderBy: $orderBy, ${ARGS}) { ${CONNECTION} } }
      fragment key on Organization { code }`;
    const byName = await execute(query, { orderBy: { field: 'NAME' }, first: 2 });
    const cursor = byName.data.list.pageInfo.endCursor;
    for (const orderBy of [null, { field: 'CODE' }, { field: 'NAME', direction: 'DESC' }]) {
      const result = await execute(query, { orderBy, first: 2, after: cursor });
      expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    }
    const next = await execute(query, { orderBy: { field: 'NAME' }, first: 2, after: cursor });
    expect(next.errors).toBeUndefined();
  });
});

describe('statement bounds reading backwards', () => {
  it('costs what reading forwards costs: four statements for province → cities → counties → parent', async () => {
    const query = (
      args: string,
    ) => `{ organization(code: "43") { name children(${args}) { edges { node { name
      children(${args}) { edges { node { name parent { name } } } } } } } } }`;
    const forward = await execute(query('first: 100'));
    const backward = await execute(query('last: 100'));
    expect(backward.errors).toBeUndefined();
    const counties = (result: typeof forward) =>
      result.data.organization.children.edges.flatMap((edge: any) =>
        edge.node.children.edges.map((county: any) => county.node.name),
      );
    expect(counties(backward)).toEqual(counties(forward));
    expect(backward.statements.length).toBeLessThanOrEqual(4);
    expect(backward.statements.length).toBe(forward.statements.length);
  });

  it('costs a backward page by its size, like a forward one, refusing it over budget', async () => {
    const { execute: budgeted, server } = await createGraphQLClient(database, {
      limits: { costBudget: 200 },
    });
    const query = `query Page($last: Int) { organizations(last: $last) { edges { node { name } } } }`;
    const within = await budgeted(query, { last: 99 });
    expect(within.errors).toBeUndefined();
    expect(within.extensions?.cost).toMatchObject({ requested: 1 + 99 * 2 });
    const over = await budgeted(query, { last: 100 });
    expect(errorCodes(over)).toEqual(['BAD_USER_INPUT']);
    expect(over.errors?.[0]?.extensions).toMatchObject({ reason: 'COST_LIMIT' });
    await server.stop();
  });
});
