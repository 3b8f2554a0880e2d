import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedData } from '../src/seed/seed-data.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

// The seed data files departments, committees, activity centres and zone federations beside
// the division tree: what a count holds by default shows only with it loaded.
let database: TestDatabase;
let execute: Awaited<ReturnType<typeof createGraphQLClient>>['execute'];

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  await seedData(database.db);
  ({ execute } = await createGraphQLClient(database));
});
afterAll(() => database.close());

async function unitsBelowHunan(level: string, kind: string | null): Promise<number> {
  const result = await sql<{ count: number }>`
    SELECT count(*)::int AS count FROM organization d, organization o
    WHERE o.code = '43' AND d.path > o.path AND d.path < left(o.path, -1) || '0'
      AND d.level = ${level} ${kind === null ? sql`` : sql`AND d.kind = ${kind}`}`.execute(
    database.db,
  );
  return result.rows[0]!.count;
}

describe('which units a list or count holds', () => {
  it('counts the federations by default: 14 cities, not the 31 units filed at city level', async () => {
    const result = await execute(`{ organization(code: "43") {
      all: descendantCount
      cities: descendantCount(level: CITY)
      counties: descendantCount(level: COUNTY)
      townships: descendantCount(level: TOWNSHIP)
      villages: descendantCount(level: VILLAGE)
      cityUnits: descendantCount(level: CITY, filter: { kind: null })
      departments: descendantCount(level: CITY, filter: { kind: DEPARTMENT })
    } }`);
    expect(result.errors).toBeUndefined();
    const counts = result.data.organization;
    expect(counts).toMatchObject({ cities: 14, townships: 2_008, villages: 29_534 });
    // 134 counties and the federations of Yueyang's three development zones, which the
    // documents name at county level and which report like a county.
    expect(counts.counties).toBe(await unitsBelowHunan('COUNTY', 'FEDERATION'));
    expect(counts.counties).toBe(137);
    expect(counts.all).toBe(14 + 137 + 2_008 + 29_534);
    expect(counts.cityUnits).toBe(await unitsBelowHunan('CITY', null));
    expect(counts.cityUnits).toBe(31);
    expect(counts.departments).toBe(await unitsBelowHunan('CITY', 'DEPARTMENT'));
  });

  it('gives lists and counts the same filter and the same default', async () => {
    const result = await execute(`{ organization(code: "43") {
      count: descendantCount(level: CITY)
      list: descendants(level: CITY, first: 100) { totalCount edges { node { kind } } }
      everyCount: descendantCount(level: CITY, filter: { kind: null })
      everyList: descendants(level: CITY, filter: { kind: null }) { totalCount }
      centresCount: descendantCount(level: CITY, filter: { kind: ACTIVITY_CENTER })
      centresList: descendants(filter: { level: CITY, kind: ACTIVITY_CENTER }) { totalCount }
      children(first: 100) { totalCount edges { node { level kind } } }
    }
    organizations(filter: { level: CITY }) { totalCount }
    everyOrganization: organizations(filter: { level: CITY, kind: null }) { totalCount } }`);
    expect(result.errors).toBeUndefined();
    const { organization, organizations, everyOrganization } = result.data;
    expect(organization.list.totalCount).toBe(organization.count);
    expect(organization.list.edges.every((edge: any) => edge.node.kind === 'FEDERATION')).toBe(
      true,
    );
    expect(organization.everyList.totalCount).toBe(organization.everyCount);
    expect(organization.centresList.totalCount).toBe(organization.centresCount);
    expect(organization.centresCount).toBeGreaterThan(0);
    // The README's first query: Hunan's children are its 14 city federations.
    expect(organization.children.totalCount).toBe(14);
    expect(organization.children.edges.map((edge: any) => edge.node.level)).toEqual(
      Array(14).fill('CITY'),
    );
    expect(organizations.totalCount).toBe(14);
    expect(everyOrganization.totalCount).toBe(31);
  });
});
