import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../src/graph/global-id.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  ({ execute } = await createGraphQLClient(database));
});
afterAll(() => database.close());

describe('organization lookups', () => {
  it('finds an organization by code and by global id, and answers null for unknown ones', async () => {
    const byCode = await execute(
      `{ organization(code: "4301") { id code name regionName level kind depth parent { code } } }`,
    );
    expect(byCode.errors).toBeUndefined();
    expect(byCode.data.organization).toMatchObject({
      code: '4301',
      name: '长沙市妇联',
      regionName: '长沙市',
      level: 'CITY',
      kind: 'FEDERATION',
      depth: 2,
      parent: { code: '43' },
    });
    const byId = await execute(
      `query($id: ID!) { organization(id: $id) { code } node(id: $id) { ... on Organization { name } } }`,
      {
        id: byCode.data.organization.id,
      },
    );
    expect(byId.data).toEqual({ organization: { code: '4301' }, node: { name: '长沙市妇联' } });

    const unknown = await execute(
      `query($id: ID!) { organization(code: "4399") { id } byId: organization(id: $id) { id } node(id: $id) { id } }`,
      {
        id: toGlobalId('Organization', 99_999_999),
      },
    );
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data).toEqual({ organization: null, byId: null, node: null });
  });

  it('lists ancestors root first', async () => {
    const result = await execute(
      `{ organization(code: "430223119209") { name ancestors { code level } } }`,
    );
    expect(result.data.organization.ancestors).toEqual([
      { code: null, level: 'NATIONAL' },
      { code: '43', level: 'PROVINCE' },
      { code: '4302', level: 'CITY' },
      { code: '430223', level: 'COUNTY' },
      { code: '430223119', level: 'TOWNSHIP' },
    ]);
  });
});

describe('lists and pagination', () => {
  it('pages through all villages under 长沙市 by cursor, matching a direct count', async () => {
    const expected = await sql<{ count: number }>`
      SELECT count(*) AS count FROM organization WHERE level = 'VILLAGE' AND code LIKE '4301%'`.execute(
      database.db,
    );
    const seen = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    do {
      const result: any = await execute(
        `query($after: String) { organization(code: "4301") { descendants(level: VILLAGE, first: 100, after: $after) {
           totalCount edges { node { code level } } pageInfo { hasNextPage endCursor } } } }`,
        { after },
      );
      const connection = result.data.organization.descendants;
      expect(connection.totalCount).toBe(expected.rows[0]!.count);
      for (const { node } of connection.edges) {
        expect(node.level).toBe('VILLAGE');
        expect(node.code.startsWith('4301')).toBe(true);
        seen.add(node.code);
      }
      after = connection.pageInfo.hasNextPage ? connection.pageInfo.endCursor : null;
      pages += 1;
    } while (after);
    expect(seen.size).toBe(expected.rows[0]!.count);
    expect(pages).toBe(Math.ceil(seen.size / 100));
  });

  it('filters the root list by level, kind, subtree and name', async () => {
    const result = await execute(`{
      cities: organizations(filter: { level: CITY }, first: 20) { totalCount edges { node { code } } }
      inChangsha: organizations(filter: { within: "4301", level: COUNTY }) { totalCount }
      named: organizations(filter: { search: "长沙", level: COUNTY }) { edges { node { name } } }
      federations: organizations(filter: { kind: FEDERATION, level: PROVINCE }) { totalCount }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.cities.totalCount).toBe(14);
    expect(result.data.cities.edges.map((edge: any) => edge.node.code)).toEqual([
      '4301',
      '4302',
      '4303',
      '4304',
      '4305',
      '4306',
      '4307',
      '4308',
      '4309',
      '4310',
      '4311',
      '4312',
      '4313',
      '4331',
    ]);
    expect(result.data.inChangsha.totalCount).toBe(9);
    expect(result.data.named.edges).toEqual([{ node: { name: '长沙县妇联' } }]);
    expect(result.data.federations.totalCount).toBe(1);
  });

  it('counts descendants per level', async () => {
    const result = await execute(`{ organization(code: "43") {
      all: descendantCount cities: descendantCount(level: CITY) counties: descendantCount(level: COUNTY)
      townships: descendantCount(level: TOWNSHIP) villages: descendantCount(level: VILLAGE) } }`);
    expect(result.data.organization).toEqual({
      all: 31_690,
      cities: 14,
      counties: 134,
      townships: 2008,
      villages: 29_534,
    });
  });
});

describe('statement bounds', () => {
  it('reads only the columns a page of the root list asks for, with the answers of whole rows', async () => {
    const fields = [
      'id',
      'code',
      'name',
      'regionName',
      'level',
      'kind',
      'depth',
      'validFrom',
      'validTo',
    ];
    const list = (order: string, node: string) =>
      `{ organizations(filter: { within: "4301" }, first: 6, orderBy: ${order}) {
         pageInfo { endCursor } edges { cursor node { ${node} } } } }`;
    for (const order of [
      '{ field: TREE }',
      '{ field: NAME }',
      '{ field: CODE, direction: DESC }',
    ]) {
      // parent is a field resolver: the wide page reads whole rows.
      const wide = await execute(list(order, `${fields.join(' ')} parent { code }`));
      expect(wide.errors).toBeUndefined();
      expect(wide.statements[0]).toMatch(/successor_id/);
      const expected = wide.data.organizations.edges.map(({ cursor, node }: any) => {
        const { parent: _parent, ...plain } = node;
        return { cursor, node: plain };
      });
      const narrow = await execute(list(order, `... on Organization { ${fields.join(' ')} }`));
      expect(narrow.errors).toBeUndefined();
      expect(narrow.statements).toHaveLength(1);
      expect(narrow.statements[0]).not.toMatch(/successor_id/);
      expect(narrow.data).toEqual({
        organizations: { pageInfo: wide.data.organizations.pageInfo, edges: expected },
      });
      // Each field asked alone, with the cursors that the order reads.
      for (const field of fields) {
        const alone = await execute(list(order, field));
        expect(alone.data.organizations.edges).toEqual(
          expected.map(({ cursor, node }: any) => ({ cursor, node: { [field]: node[field] } })),
        );
      }
    }
  });

  it('keeps a narrowed page out of the lookups by id, which answer whole rows', async () => {
    // The parent is looked up by id once the county is found, after the list has its rows.
    const result = await execute(`{
      organizations(filter: { within: "43", level: CITY }, first: 1) { edges { node { code } } }
      organization(code: "430102") { parent { code name regionName parent { code } } }
    }`);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      organizations: { edges: [{ node: { code: '4301' } }] },
      organization: {
        parent: { code: '4301', name: '长沙市妇联', regionName: '长沙市', parent: { code: '43' } },
      },
    });
  });

  it('costs one statement for province → cities → counties → parent', async () => {
    const result =
      await execute(`{ organization(code: "43") { name children(first: 100) { edges { node { name
      children(first: 100) { edges { node { name parent { name } } } } } } } } }`);
    expect(result.errors).toBeUndefined();
    const counties = result.data.organization.children.edges.flatMap(
      (edge: any) => edge.node.children.edges,
    );
    expect(counties).toHaveLength(134);
    // The lookup brings the two levels below; every parent is a row it fetched.
    expect(result.statements).toHaveLength(1);
  });

  it('batches counts, ancestors and descendants across every city in one statement each', async () => {
    const result =
      await execute(`{ organizations(filter: { level: CITY }) { totalCount edges { node {
      ancestors { name } descendantCount(level: VILLAGE)
      children { totalCount } descendants(level: TOWNSHIP, first: 2) { totalCount edges { node { name } } } } } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.data.organizations.edges).toHaveLength(14);
    // list, its count, ancestors, village counts, children page + count, township page + count
    expect(result.statements.length).toBeLessThanOrEqual(8);
  });
});

describe("a list's children fetched with it", () => {
  // @include(if: true) changes no answer, but a field under a directive is never fetched ahead.
  const tree = (directive: string) => `{ organization(code: "43") { code
    children(first: 3, orderBy: { field: NAME, direction: DESC }) {
      pageInfo { hasNextPage } edges { cursor node { code name
        children(last: 2, filter: { asOf: "2023-06-30" }) ${directive} {
          pageInfo { hasNextPage hasPreviousPage } edges { cursor node { code
            children(first: 2) { pageInfo { hasNextPage } edges { node { code parent { code } } } }
          } }
        } } } } } }`;

  it('answers as the children fetched level by level do, in one statement with the unit', async () => {
    const ahead = await execute(tree(''));
    const apart = await execute(tree('@include(if: true)'));
    expect(ahead.errors).toBeUndefined();
    expect(apart.errors).toBeUndefined();
    expect(ahead.data).toEqual(apart.data);
    const cities = ahead.data.organization.children.edges;
    expect(cities).toHaveLength(3);
    const counties = cities.flatMap((city: any) => city.node.children.edges);
    expect(counties).toHaveLength(6);
    expect(counties.every((county: any) => county.node.children.edges.length === 2)).toBe(true);
    // The province with its cities, counties and townships; under the directive, the province
    // with its cities, then the counties with their townships.
    expect(ahead.statements).toHaveLength(1);
    expect(apart.statements).toHaveLength(2);
  });

  it('leaves the children of differently aliased fields and bad arguments to their own fields', async () => {
    const aliased = await execute(`{ organization(code: "43") { children(first: 2) { edges { node {
      a: children(first: 1) { edges { node { code } } } b: children(first: 2) { edges { node { code } } }
    } } } } }`);
    expect(aliased.errors).toBeUndefined();
    const city = aliased.data.organization.children.edges[0].node;
    expect(city.a.edges).toHaveLength(1);
    expect(city.b.edges).toHaveLength(2);
    expect(city.b.edges[0]).toEqual(city.a.edges[0]);

    const bad = await execute(`{ organization(code: "43") { children(first: 2) { edges { node {
      children(first: 1000) { edges { node { code } } } } } } } }`);
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('bad input', () => {
  it.each([
    ['first: -1', `{ organizations(first: -1) { totalCount } }`],
    ['first: 1000', `{ organizations(first: 1000) { totalCount } }`],
    ['a malformed cursor', `{ organizations(after: "not-a-cursor") { totalCount } }`],
    ['an unknown level', `{ organizations(filter: { level: PLANET }) { totalCount } }`],
    ['a malformed id', `{ organization(id: "%%%") { name } }`],
    ['both id and code', `{ organization(id: "x", code: "43") { name } }`],
    ['neither id nor code', `{ organization { name } }`],
    ['a syntax error', `{ organization(code: "43") { name `],
  ])('answers %s with BAD_USER_INPUT and no stack trace', async (_, query) => {
    const result = await execute(query);
    expect(errorCodes(result)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(result.errors)).not.toMatch(/stacktrace|\.ts:|at /);
  });

  it('reads a page of a subtree in one statement, the subtree named by code', async () => {
    const result = await execute(
      `{ organizations(filter: { within: "4301", level: COUNTY }, first: 3) { edges { node { code } } } }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.organizations.edges.map((edge: any) => edge.node.code)).toEqual([
      '430102',
      '430103',
      '430104',
    ]);
    expect(result.statements.length).toBe(1);
  });

  it('answers an unknown subtree with NOT_FOUND', async () => {
    const result = await execute(`{ organizations(filter: { within: "4399" }) { totalCount } }`);
    expect(errorCodes(result)).toEqual(['NOT_FOUND']);
  });
});
