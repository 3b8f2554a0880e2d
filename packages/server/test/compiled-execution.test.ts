import { execute, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createContext } from '../src/context.js';
import { toGlobalId } from '../src/graph/global-id.js';
import { createSchema } from '../src/schema.js';
import { createGraphQLClient, errorCodes } from './helpers/graphql-client.js';
import { seedHandTree } from './helpers/reporting.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
let client: Awaited<ReturnType<typeof createGraphQLClient>>;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  client = await createGraphQLClient(database);
});
afterAll(async () => {
  await client.server.stop();
  await database.close();
});

/** graphql-js's own answer, the oracle: the same schema and a context of its own. */
async function byGraphQLJs(query: string, variables: Record<string, unknown> = {}) {
  const result = await execute({
    schema: await createSchema(),
    document: parse(query),
    variableValues: variables,
    contextValue: createContext(database.db, 'oracle'),
  });
  return {
    data: result.data,
    errors: result.errors?.map(({ message, path }) => ({ message, path })),
  };
}

/** The server's answer, twice (compiled, then from the compiled operations kept). */
async function served(query: string, variables: Record<string, unknown> = {}) {
  const first = await client.execute(query, variables);
  const second = await client.execute(query, variables);
  expect(second.data).toEqual(first.data);
  return {
    data: first.data,
    errors: first.errors?.map(({ message, path }) => ({ message, path })),
    codes: errorCodes(first),
  };
}

const TREE = `
  query Tree($first: Int!, $withCounts: Boolean!, $skipCodes: Boolean!) {
    organization(code: "43") {
      __typename
      ...unit
      ancestors { name }
      children(first: $first) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges {
          cursor
          node {
            ...unit
            counties: descendantCount(level: COUNTY) @include(if: $withCounts)
            kids: children(first: 1) { edges { node { ...unit @skip(if: $skipCodes) name } } }
          }
        }
      }
    }
  }
  fragment unit on Organization { id code name level depth }
`;

describe('compiled execution answers as graphql-js does', () => {
  it('a nested tree with fragments, aliases and variables', async () => {
    for (const variables of [
      { first: 2, withCounts: true, skipCodes: false },
      { first: 3, withCounts: false, skipCodes: true },
    ]) {
      const answer = await served(TREE, variables);
      expect(answer.errors).toBeUndefined();
      expect(answer.data).toEqual((await byGraphQLJs(TREE, variables)).data);
    }
  });

  it('one fragment spread under differing @skip and @include', async () => {
    const query = `
      query ($only: Boolean!) {
        organization(code: "4301") {
          a: parent { ...named @skip(if: $only) }
          b: parent { ...named @include(if: $only) }
        }
      }
      fragment named on Organization { name code }
    `;
    for (const only of [true, false]) {
      const answer = await served(query, { only });
      expect(answer.data).toEqual((await byGraphQLJs(query, { only })).data);
      const picked = (answer.data as { organization: Record<string, unknown> }).organization;
      expect(picked[only ? 'b' : 'a']).toEqual({ name: '省妇联', code: '43' });
      expect(picked[only ? 'a' : 'b']).toEqual({});
    }
  });

  it('node lookups through the interface, and a missing one', async () => {
    const query = `
      query ($a: ID!, $b: ID!) {
        a: node(id: $a) { __typename id ... on Organization { name } }
        b: node(id: $b) { __typename ... on Organization { code } }
        missing: organization(code: "4399") { name }
      }
    `;
    const variables = { a: toGlobalId('Organization', 6), b: toGlobalId('Organization', 10) };
    const answer = await served(query, variables);
    expect(answer.data).toEqual((await byGraphQLJs(query, variables)).data);
    expect(answer.errors).toEqual((await byGraphQLJs(query, variables)).errors);
  });

  it('introspection', async () => {
    const query = `{
      __schema { queryType { name } types { name kind } }
      __type(name: "Organization") { fields { name args { name defaultValue } type { name kind } } }
    }`;
    expect((await served(query)).data).toEqual((await byGraphQLJs(query)).data);
  });

  it('a resolver’s coded error keeps its code and path', async () => {
    const query = `{
      viewer { kind organization { name } }
      a: organization(code: "43") { name }
      b: organization(code: "43", id: "x") { name }
      s: submission(id: "x") { id }
    }`;
    const answer = await served(query);
    const oracle = await byGraphQLJs(query);
    expect(answer.data).toEqual(oracle.data);
    expect(answer.errors).toEqual(oracle.errors);
    expect(answer.codes.length).toBeGreaterThan(0);
    expect(answer.codes).not.toContain('INTERNAL');
  });
});

describe('bad variables are the caller’s mistake', () => {
  it('answers BAD_USER_INPUT for a value of the wrong type, a missing one and an unknown enum', async () => {
    const query = `query ($first: Int!, $level: OrganizationLevel) {
      organizations(first: $first, filter: { level: $level }) { totalCount }
    }`;
    for (const variables of [
      { first: 'two' },
      { level: 'CITY' },
      { first: 2, level: 'PLANET' },
      { first: 2 ** 40 },
    ]) {
      const answer = await served(query, variables);
      expect(answer.codes).toEqual(['BAD_USER_INPUT']);
      expect(answer.data).toBeUndefined();
    }
    expect((await served(query, { first: 2, level: 'CITY' })).data).toEqual({
      organizations: { totalCount: 3 },
    });
  });
});
