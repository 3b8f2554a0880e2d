import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildSchema, GraphQLEnumType, parse } from 'graphql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ERROR_CODES as SERVER_ERROR_CODES,
  ERROR_REASONS as SERVER_ERROR_REASONS,
} from '../../server/src/errors.js';
import { reasonEnumName } from '../../server/src/graph/error-reasons.js';
import {
  createClient,
  ERROR_CODES,
  ERROR_REASONS,
  FulianError,
  FulianHttpError,
  FulianNetworkError,
  OrganizationDocument,
  type Fetch,
  type FulianClient,
} from '../src/index.js';
import { startLiveServer, type LiveServer } from './helpers/live-server.js';

let live: LiveServer;
let client: FulianClient;
let requests = 0;

// Counts the HTTP requests the SDK makes, on top of the real fetch.
const countingFetch: Fetch = (url, init) => {
  requests++;
  return fetch(url, init);
};

beforeAll(async () => {
  live = await startLiveServer();
  client = createClient({ endpoint: live.endpoint, fetch: countingFetch });
});
afterAll(() => live.close());

/** Rows straight from the database, to compare the SDK's answers with. */
async function rows<Row>(query: ReturnType<typeof sql<Row>>): Promise<Row[]> {
  return (await query.execute(live.database.db)).rows;
}

/**
 * How many federations of each level sit below an organization, straight from the database:
 * what the API counts unless asked for other kinds.
 */
async function levelCounts(code: string): Promise<Record<string, number>> {
  const counts = await rows<{ level: string; count: number }>(
    sql`SELECT d.level, count(*)::int AS count FROM organization d, organization o
        WHERE o.code = ${code} AND d.path > o.path AND d.path < left(o.path, -1) || '0'
          AND d.kind = 'FEDERATION'
        GROUP BY d.level`,
  );
  return Object.fromEntries(counts.map((row) => [row.level, row.count]));
}

describe('every operation against the seeded server', () => {
  it('organization: a unit by code, with its parent and ancestors', async () => {
    const { organization } = await client.organization({ code: '430223119209' });
    expect(organization).toMatchObject({
      code: '430223119209',
      name: '上垅村妇联',
      regionName: '上垅村',
      level: 'VILLAGE',
      kind: 'FEDERATION',
      depth: 5,
      parent: { code: '430223119', level: 'TOWNSHIP' },
    });
    expect(organization?.ancestors.map((unit) => [unit.code, unit.level])).toEqual([
      [null, 'NATIONAL'],
      ['43', 'PROVINCE'],
      ['4302', 'CITY'],
      ['430223', 'COUNTY'],
      ['430223119', 'TOWNSHIP'],
    ]);
    expect(organization?.ancestors[0]?.name).toBe('全国妇联');

    const byId = await client.organization({ id: organization!.id });
    expect(byId.organization?.code).toBe('430223119209');
    expect(await client.organization({ code: '4399' })).toEqual({ organization: null });
  });

  it('organizationTree: the province, its size at every level, and its units', async () => {
    const { organization } = await client.organizationTree({ code: '43' });
    const below = await levelCounts('43');
    // The README's numbers: the departments, committees and centres filed at city level are
    // not cities (they made this 31); the county level holds 134 counties and the federations
    // of Yueyang's three development zones.
    expect(below).toMatchObject({ CITY: 14, COUNTY: 137, TOWNSHIP: 2_008, VILLAGE: 29_534 });
    expect(organization).toMatchObject({
      name: '湖南省妇联',
      level: 'PROVINCE',
      cities: below.CITY,
      counties: below.COUNTY,
      townships: below.TOWNSHIP,
      villages: 29_534,
      descendantCount: Object.values(below).reduce((sum, count) => sum + count, 0),
    });
    const expected = await rows<{
      code: string | null;
      name: string;
      below: number;
      children: number;
    }>(
      sql`SELECT c.code, c.name,
            (SELECT count(*) FROM organization d WHERE d.kind = 'FEDERATION'
              AND d.path > c.path AND d.path < left(c.path, -1) || '0')::int AS below,
            (SELECT count(*) FROM organization d
              WHERE d.parent_id = c.id AND d.kind = 'FEDERATION')::int AS children
          FROM organization c JOIN organization p ON p.id = c.parent_id
          WHERE p.code = '43' AND c.kind = 'FEDERATION' ORDER BY c.path`,
    );
    expect(organization?.children.totalCount).toBe(expected.length);
    expect(organization?.children.pageInfo.hasNextPage).toBe(false);
    expect(
      organization?.children.edges.map(({ node }) => ({
        code: node.code,
        name: node.name,
        below: node.descendantCount,
        children: node.children.totalCount,
      })),
    ).toEqual(expected);
    // The 14 city federations are all of them.
    expect(organization?.children.totalCount).toBe(14);
  });

  it('children: the city federations under the province, in tree order', async () => {
    const cities = await rows<{ code: string }>(
      sql`SELECT code FROM organization
          WHERE level = 'CITY' AND kind = 'FEDERATION' AND code LIKE '43%' ORDER BY path`,
    );
    expect(cities).toHaveLength(14);
    const filter = { level: 'CITY', kind: 'FEDERATION' } as const;
    const { organization } = await client.children({ code: '43', filter, first: 5 });
    expect(organization?.children.totalCount).toBe(14);
    expect(organization?.children.edges.map((edge) => edge.node.code)).toEqual(
      cities.slice(0, 5).map((city) => city.code),
    );
    expect(organization?.children.pageInfo.hasNextPage).toBe(true);

    const all = [];
    for await (const city of client.paginate.children({ code: '43', filter, first: 5 })) {
      all.push(city);
    }
    expect(all.map((city) => city.code)).toEqual(cities.map((city) => city.code));
    expect(all[0]).toMatchObject({ code: '4301', name: '长沙市妇联', level: 'CITY' });
  });

  it('descendants: the townships of 长沙市, filtered by name', async () => {
    const expected = await rows<{ name: string }>(
      sql`SELECT name FROM organization
          WHERE level = 'TOWNSHIP' AND code LIKE '4301%' AND name LIKE '%镇%' ORDER BY path`,
    );
    expect(expected.length).toBeGreaterThan(20);
    const { organization } = await client.descendants({
      code: '4301',
      level: 'TOWNSHIP',
      filter: { search: '镇' },
      first: 20,
    });
    expect(organization?.descendants.totalCount).toBe(expected.length);
    expect(organization?.descendants.edges.map((edge) => edge.node.name)).toEqual(
      expected.slice(0, 20).map((row) => row.name),
    );
  });

  it('paginate.descendants: all 29,534 villages of Hunan with for await, page by page', async () => {
    const expected = await rows<{ code: string }>(
      sql`SELECT code FROM organization WHERE level = 'VILLAGE' AND code LIKE '43%' ORDER BY path`,
    );
    expect(expected).toHaveLength(29_534);

    const before = requests;
    const codes: string[] = [];
    for await (const village of client.paginate.descendants({ code: '43', level: 'VILLAGE' })) {
      expect(village.level).toBe('VILLAGE');
      codes.push(village.code!);
    }
    expect(codes).toHaveLength(29_534);
    expect(new Set(codes).size).toBe(29_534);
    expect(codes).toEqual(expected.map((row) => row.code));
    // Pages of 100, the server's largest: one request per page and no more.
    expect(requests - before).toBe(Math.ceil(29_534 / 100));
  });

  it('paginate.descendants backwards: the villages of 长沙市 from the last, a request a page', async () => {
    const expected = await rows<{ code: string }>(
      sql`SELECT code FROM organization WHERE level = 'VILLAGE' AND code LIKE '4301%' ORDER BY path DESC`,
    );
    expect(expected.length).toBeGreaterThan(1_000);

    const before = requests;
    const codes: string[] = [];
    const villages = client.paginate.descendants({ code: '4301', level: 'VILLAGE', last: 100 });
    for await (const village of villages) codes.push(village.code!);
    expect(codes).toEqual(expected.map((row) => row.code));
    expect(requests - before).toBe(Math.ceil(expected.length / 100));

    const { organization } = await client.descendants({ code: '4301', level: 'VILLAGE', last: 3 });
    expect(organization?.descendants.edges.map((edge) => edge.node.code)).toEqual(
      expected
        .slice(0, 3)
        .reverse()
        .map((row) => row.code),
    );
    expect(organization?.descendants.pageInfo).toMatchObject({
      hasPreviousPage: true,
      hasNextPage: false,
      startCursor: organization?.descendants.edges[0]?.cursor,
    });
  });

  it('organizations: search by name, and filter by level and subtree', async () => {
    const named = await rows<{ code: string | null }>(
      sql`SELECT code FROM organization
          WHERE name LIKE '%长沙%' AND kind = 'FEDERATION' ORDER BY path`,
    );
    const search = await client.organizations({ filter: { search: '长沙' }, first: 100 });
    expect(search.organizations.totalCount).toBe(named.length);
    expect(search.organizations.edges.map((edge) => edge.node.code)).toEqual(
      named.slice(0, 100).map((row) => row.code),
    );
    expect(search.organizations.edges.map((edge) => edge.node.name)).toEqual(
      expect.arrayContaining(['长沙市妇联', '长沙县妇联']),
    );

    const cities = [];
    const filter = { level: 'CITY', kind: 'FEDERATION' } as const;
    for await (const city of client.paginate.organizations({ filter })) cities.push(city.name);
    expect(cities).toHaveLength(14);
    expect(cities).toContain('湘西土家族苗族自治州妇联');
    // kind: null lists every kind: the departments, committees and centres filed at city level.
    const everyKind = await client.organizations({
      filter: { level: 'CITY', kind: null },
      first: 0,
    });
    const [cityUnits] = await rows<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM organization WHERE level = 'CITY'`,
    );
    expect(everyKind.organizations.totalCount).toBe(cityUnits!.count);
    expect(cityUnits!.count).toBeGreaterThan(14);

    const counties = await client.organizations({
      filter: { within: '4301', level: 'COUNTY' },
      first: 0,
    });
    const [{ count }] = (await rows<{ count: number }>(
      sql`SELECT count(*)::int AS count FROM organization WHERE level = 'COUNTY' AND code LIKE '4301%'`,
    )) as [{ count: number }];
    expect(counties.organizations.totalCount).toBe(count);
  });

  it('node: any object by its global id', async () => {
    const { organization } = await client.organization({ code: '4301' });
    const { node } = await client.node({ id: organization!.id });
    expect(node).toMatchObject({ __typename: 'Organization', code: '4301', name: '长沙市妇联' });
  });
});

describe('raw documents', () => {
  it('sends a string with variables', async () => {
    const result = await client.raw<{ organization: { name: string } }>(
      'query ($code: String) { organization(code: $code) { name } }',
      { code: '4301' },
    );
    expect(result.organization.name).toBe('长沙市妇联');
  });

  it('sends a typed document and returns its typed result', async () => {
    const result = await client.raw(OrganizationDocument, { code: '4301' });
    expect(result.organization?.parent?.code).toBe('43');
  });

  it('prints a parsed document that kept no source', async () => {
    const document = parse(
      `query Printed($code: String!, $withParent: Boolean = true) {
        city: organization(code: $code) {
          ...Unit
          parent @include(if: $withParent) { name }
          children(first: 2, filter: { level: COUNTY, search: "区" }) {
            edges { node { ... on Organization { name } } }
          }
        }
      }
      fragment Unit on Organization { code name }`,
      { noLocation: true },
    );
    const result = await client.raw<Record<string, any>>(document, { code: '4301' });
    expect(result.city).toMatchObject({ code: '4301', parent: { name: '湖南省妇联' } });
    for (const edge of result.city.children.edges) expect(edge.node.name).toContain('区');
  });
});

describe('errors, typed', () => {
  it('knows every code the server can send, and no other', () => {
    expect([...ERROR_CODES].sort()).toEqual([...SERVER_ERROR_CODES].sort());
  });

  it('knows every reason of every code, as the server defines them and the schema lists them', async () => {
    const schema = buildSchema(
      await readFile(new URL('../../../schema/schema.graphql', import.meta.url), 'utf8'),
    );
    for (const code of ERROR_CODES) {
      const server = Object.keys(SERVER_ERROR_REASONS[code]).sort();
      expect([...ERROR_REASONS[code]].sort(), code).toEqual(server);
      const listed = schema.getType(reasonEnumName(code));
      const values = listed instanceof GraphQLEnumType ? listed.getValues() : [];
      expect(values.map((value) => value.name).sort(), code).toEqual(server);
    }
  });

  it('a resolver error: FulianError with its code, path, extensions and partial data', async () => {
    const failure = await client.organization({ code: '43', id: 'T3JnYW5pemF0aW9uOjE=' }).then(
      () => null,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(FulianError);
    expect(failure).toMatchObject({
      code: 'BAD_USER_INPUT',
      path: ['organization'],
      extensions: { code: 'BAD_USER_INPUT', field: 'id' },
      data: { organization: null },
      status: 200,
    });
  });

  it('an invalid cursor and an invalid document are BAD_USER_INPUT, and not retried', async () => {
    const before = requests;
    await expect(client.children({ code: '43', after: 'not-a-cursor' })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'after' },
    });
    const invalid = await client.raw('{ organization(code: "43") { nope } }').catch((e) => e);
    expect(invalid).toBeInstanceOf(FulianError);
    expect(invalid).toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { reason: 'GRAPHQL_VALIDATION_FAILED' },
    });
    expect(requests - before).toBe(2);
  });

  it('paging below a unit that does not exist fails with NOT_FOUND', async () => {
    const pages = client.paginate.descendants({ code: '4399', level: 'VILLAGE' });
    await expect(pages.next()).rejects.toMatchObject({
      name: 'FulianError',
      code: 'NOT_FOUND',
      path: ['organization'],
    });
  });

  it('an HTTP error without GraphQL errors: FulianHttpError with the status', async () => {
    const wrongPath = createClient({ endpoint: new URL('/nope', live.endpoint) });
    const failure = await wrongPath.organization({ code: '43' }).catch((error) => error);
    expect(failure).toBeInstanceOf(FulianHttpError);
    expect(failure).toMatchObject({ status: 404, body: '{"error":"not found"}' });
  });

  it('no server at all: FulianNetworkError, after the retries it is allowed', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));

    const retries: number[] = [];
    const unreachable = createClient({
      endpoint: `http://127.0.0.1:${port}/graphql`,
      retry: { retries: 2, baseDelayMs: 2, onRetry: (event) => retries.push(event.attempt) },
    });
    const failure = await unreachable.organization({ code: '43' }).catch((error) => error);
    expect(failure).toBeInstanceOf(FulianNetworkError);
    expect((failure as Error).cause).toBeInstanceOf(Error);
    expect(retries).toEqual([1, 2]);
  });

  it('an aborted call rejects with the abort reason itself, without retrying', async () => {
    const before = requests;
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(
      client.organization({ code: '43' }, { signal: controller.signal }),
    ).rejects.toThrow('stop');
    expect(requests).toBe(before + 1);
  });
});
