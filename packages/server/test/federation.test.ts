import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { ApolloGateway, LocalGraphQLDataSource, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenVerifier, issueToken, type TokenConfig } from '../src/auth/token.js';
import { toGlobalId } from '../src/graph/global-id.js';
import { createLogger } from '../src/logger.js';
import { seedData } from '../src/seed/seed-data.js';
import { createServer, type FulianServer } from '../src/server.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

const TOKENS: TokenConfig = {
  key: { kind: 'secret', secret: 'a-test-secret-of-at-least-thirty-two-bytes' },
  issuer: 'fulian-graph',
  audience: 'fulian-graph',
};
/** A mainland mobile number: what must never reach a caller without the right. */
const PHONE = /1[3-9][0-9]{9}/;

/**
 * A second subgraph, as an organization's membership registry might be: it knows units by
 * their division code only, and adds their member count to our Organization.
 */
const MEMBERS: Record<string, number> = { '4306': 412_000, '4301': 388_500, '43': 3_100_000 };
const MEMBERSHIP_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  type Organization @key(fields: "code") {
    code: String
    "Registered members of the unit's own federation."
    memberCount: Int
  }
  type Query {
    "The units with a registry, most members first."
    registries: [Organization!]!
  }
`;
const membership = buildSubgraphSchema({
  typeDefs: parse(MEMBERSHIP_SDL),
  resolvers: {
    Query: {
      registries: () =>
        Object.keys(MEMBERS)
          .sort((a, b) => MEMBERS[b]! - MEMBERS[a]!)
          .map((code) => ({ code })),
    },
    Organization: {
      __resolveReference: ({ code }: { code: string }) => ({ code }),
      memberCount: ({ code }: { code: string }) => MEMBERS[code] ?? null,
    },
  },
});

let database: TestDatabase;
let subgraph: FulianServer;
let subgraphUrl: string;
let gateway: ApolloServer<{ authorization?: string }>;
let gatewayUrl: string;
/** name and level of the units in the registry, by code, as our database has them. */
let units: Map<string, { id: number; name: string; level: string }>;
const tokenOf = (role: string, organization: string) =>
  issueToken(TOKENS, { subject: `${role}@${organization}`, role, organization } as never, '1h');

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  await seedData(database.db);
  const rows = await database.db
    .selectFrom('organization')
    .select(['id', 'code', 'name', 'level'])
    .where('code', 'in', Object.keys(MEMBERS))
    .execute();
  units = new Map(rows.map(({ code, ...unit }) => [code!, unit]));
  subgraph = await createServer({
    db: database.db,
    logger: createLogger('silent'),
    production: false,
    subgraph: true,
    auth: { verifyToken: await createTokenVerifier(TOKENS), allowAnonymous: true },
    limits: { costBudget: 2_000, rateLimit: null },
  });
  subgraphUrl = await subgraph.listen(0, '127.0.0.1');

  const sdl = (await post(subgraphUrl, '{ _service { sdl } }')).data._service.sdl as string;
  const composed = composeServices([
    { name: 'fulian', typeDefs: parse(sdl), url: subgraphUrl },
    { name: 'membership', typeDefs: parse(MEMBERSHIP_SDL), url: 'local:membership' },
  ]);
  if (composed.errors) throw new Error(composed.errors.map((e) => e.message).join('\n'));
  gateway = new ApolloServer({
    gateway: new ApolloGateway({
      supergraphSdl: composed.supergraphSdl,
      // The caller's credentials go to our subgraph with each request the plan makes.
      buildService: ({ name, url }) =>
        name === 'membership'
          ? new LocalGraphQLDataSource(membership)
          : new RemoteGraphQLDataSource<{ authorization?: string }>({
              url,
              willSendRequest({ request, context }) {
                if (context.authorization)
                  request.http?.headers.set('authorization', context.authorization);
              },
            }),
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    }),
  });
  ({ url: gatewayUrl } = await startStandaloneServer(gateway, {
    listen: { port: 0, host: '127.0.0.1' },
    context: async ({ req }) => ({ authorization: req.headers.authorization }),
  }));
});

afterAll(async () => {
  await gateway?.stop();
  await subgraph?.stop();
  await database?.close();
});

async function post(
  url: string,
  query: string,
  { token, variables }: { token?: string; variables?: Record<string, unknown> } = {},
): Promise<any> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

describe('the subgraph', () => {
  it('answers _service with the SDL committed as schema/subgraph.graphql', async () => {
    const result = await post(subgraphUrl, '{ _service { sdl } }');
    const committed = await readFile(
      new URL('../../../schema/subgraph.graphql', import.meta.url),
      'utf8',
    );
    expect(`${result.data._service.sdl}\n`).toBe(committed);
    expect(committed).toMatch(
      /^type Organization implements Node\n\s+@key\(fields: "id"\)\n\s+@key\(fields: "code"\)$/m,
    );
    expect(committed).toMatch(/^type MetricDefinition\n\s+@key\(fields: "code"\)$/m);
  });
});

describe('_entities', () => {
  const ENTITIES = `query ($representations: [_Any!]!) {
    _entities(representations: $representations) {
      ... on Organization { code name parent { code } }
      ... on MetricDefinition { metric: code name }
    }
  }`;

  it('finds organizations by code and by id, and metrics by code, in a bounded number of statements', async () => {
    const cities = await database.db
      .selectFrom('organization')
      .select(['id', 'code', 'name'])
      .where('level', '=', 'CITY')
      .where('kind', '=', 'FEDERATION')
      .orderBy('code')
      .execute();
    expect(cities).toHaveLength(14);
    const representations = [
      ...cities.slice(0, 7).map(({ code }) => ({ __typename: 'Organization', code })),
      ...cities
        .slice(7)
        .map(({ id }) => ({ __typename: 'Organization', id: toGlobalId('Organization', id) })),
      { __typename: 'MetricDefinition', code: 'training.sessions' },
      { __typename: 'Organization', code: '4399' },
      { __typename: 'Organization', code: null },
    ];
    const { result, statements } = await database.counting(() =>
      post(subgraphUrl, ENTITIES, { variables: { representations } }),
    );
    expect(result.errors).toBeUndefined();
    expect(result.data._entities).toEqual([
      ...cities.map(({ code, name }) => ({ code, name, parent: { code: '43' } })),
      { metric: 'training.sessions', name: expect.any(String) },
      null,
      null,
    ]);
    // By code, by id, the parents by id, the metric: one statement each, whatever N is.
    expect(statements.length).toBeLessThanOrEqual(4);
    // Costed like node: one for the batch, then per entity one plus its parent.
    expect(result.extensions.cost.requested).toBe(1 + representations.length * 2);
  });

  it('refuses a representation of a type that is no entity, or without a key, before any SQL', async () => {
    for (const [representation, field] of [
      [
        { __typename: 'Liaison', name: '张三', phone: '13900000000' },
        'representations.1.__typename',
      ],
      [{ __typename: 'Organization', name: '岳阳市妇联' }, 'representations.1'],
    ] as const) {
      const { result, statements } = await database.counting(() =>
        post(subgraphUrl, ENTITIES, {
          variables: {
            representations: [{ __typename: 'Organization', code: '43' }, representation],
          },
        }),
      );
      expect(result.errors[0], JSON.stringify(result)).toMatchObject({
        extensions: { code: 'BAD_USER_INPUT', field },
      });
      expect(statements).toEqual([]);
    }
  });
});

describe('through the gateway', () => {
  it('answers a query that spans both subgraphs, starting from either', async () => {
    const result = await post(
      gatewayUrl,
      `{
        organization(code: "4306") { name memberCount }
        registries { code name level memberCount }
      }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data.organization).toEqual({
      name: units.get('4306')!.name,
      memberCount: MEMBERS['4306'],
    });
    expect(result.data.registries).toEqual(
      ['43', '4306', '4301'].map((code) => ({
        code,
        name: units.get(code)!.name,
        level: units.get(code)!.level,
        memberCount: MEMBERS[code],
      })),
    );
  });

  const LIAISONS = `{
    organization(code: "4306") { memberCount liaisonAssignments { liaisons { name phone } } }
    registries { code liaisonAssignments { liaisons { name phone } } }
  }`;

  it("forwards the caller's credentials: staff who reach a unit read its liaisons", async () => {
    const result = await post(gatewayUrl, LIAISONS, { token: await tokenOf('VIEWER', '43') });
    expect(result.errors).toBeUndefined();
    const yueyang = result.data.registries.find((unit: any) => unit.code === '4306');
    for (const unit of [result.data.organization, yueyang]) {
      const liaisons = unit.liaisonAssignments.flatMap((a: any) => a.liaisons);
      expect(liaisons.length).toBeGreaterThan(0);
      expect(liaisons.some((l: any) => PHONE.test(l.phone ?? ''))).toBe(true);
    }
  });

  it('shows no personal data to a caller without the right, by either path', async () => {
    const county = await database.db
      .selectFrom('organization')
      .select('code')
      .where('parent_id', '=', units.get('4306')!.id)
      .orderBy('code')
      .executeTakeFirstOrThrow();
    for (const token of [undefined, await tokenOf('EDITOR', county.code!)]) {
      const result = await post(gatewayUrl, LIAISONS, { token });
      expect(result.data.organization.memberCount).toBe(MEMBERS['4306']);
      const liaisons = [result.data.organization, ...result.data.registries].flatMap((unit: any) =>
        unit.liaisonAssignments.flatMap((a: any) => a.liaisons),
      );
      expect(liaisons.length).toBeGreaterThan(0);
      expect(liaisons.every((l: any) => l.name === null && l.phone === null)).toBe(true);
      expect(new Set(result.errors.map((error: any) => error.extensions.code))).toEqual(
        new Set(['FORBIDDEN']),
      );
      expect(JSON.stringify(result)).not.toMatch(PHONE);
    }
  });

  it('refuses an over-budget query with our code, by either path, before any of our SQL', async () => {
    // 1 + 100 × (2 + 1 + 100 × 2) points, past the budget of 2,000.
    const deep =
      'children(first: 100) { edges { node { children(first: 100) { edges { node { name } } } } } }';
    for (const query of [
      `{ organization(code: "43") { memberCount ${deep} } }`,
      `{ registries { memberCount ${deep} } }`,
    ]) {
      const { result, statements } = await database.counting(() => post(gatewayUrl, query));
      expect(result.errors?.[0]?.extensions, JSON.stringify(result)).toMatchObject({
        code: 'BAD_USER_INPUT',
        reason: 'COST_LIMIT',
      });
      expect(statements).toEqual([]);
    }
  });
});
