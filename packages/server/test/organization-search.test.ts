import { sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../src/db/migrate.js';
import { migrations } from '../src/db/migrations/index.js';
import { organizationSearchCondition } from '../src/db/organization-search.js';
import { createGraphQLClient } from './helpers/graphql-client.js';
import { insertTokenOrganizations } from './helpers/organizations.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
let client: Awaited<ReturnType<typeof createGraphQLClient>>;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  // The planner's statistics, as autovacuum would have them on a loaded database.
  await sql`ANALYZE organization`.execute(database.db);
  client = await createGraphQLClient(database);
});
afterAll(async () => {
  await database?.close();
});

const SEARCH = `query ($search: String!) {
  organizations(filter: { search: $search }, first: 100) {
    totalCount
    edges { node { code name } }
  }
}`;

async function search(term: string): Promise<{ totalCount: number; codes: string[] }> {
  const result = await client.execute(SEARCH, { search: term });
  expect(result.errors).toBeUndefined();
  const found = result.data.organizations;
  return {
    totalCount: found.totalCount,
    codes: found.edges.map((edge: { node: { code: string } }) => edge.node.code).sort(),
  };
}

/** The codes whose stored readings or name hold `text`, read without the index. */
async function oracle(where: string, text: string): Promise<string[]> {
  const rows = await sql<{ code: string }>`
    SELECT code FROM organization WHERE ${sql.raw(where)} LIKE ${`%${text}%`} ORDER BY code`.execute(
    database.db,
  );
  return rows.rows.map((row) => row.code).sort();
}

describe('organization search by pinyin', () => {
  it('stores the full reading and the initials of each seeded name, polyphones read in context', async () => {
    const rows = await database.db
      .selectFrom('organization')
      .select(['code', 'name', 'name_pinyin', 'name_initials'])
      .where('code', 'in', ['43', '4301', '4306'])
      .orderBy('code')
      .execute();
    expect(rows).toEqual([
      { code: '43', name: '湖南省妇联', name_pinyin: 'hunanshengfulian', name_initials: 'hnsfl' },
      {
        code: '4301',
        name: '长沙市妇联',
        name_pinyin: 'changshashifulian',
        name_initials: 'cssfl',
      },
      { code: '4306', name: '岳阳市妇联', name_pinyin: 'yueyangshifulian', name_initials: 'yysfl' },
    ]);
    const missing = await sql<{ count: number }>`
      SELECT count(*)::int AS count FROM organization
      WHERE name_pinyin IS NULL OR name_initials IS NULL`.execute(database.db);
    expect(missing.rows[0]?.count).toBe(0);
  });

  it('finds 岳阳 by "Yueyang", "yueyang", "Yue Yang" and "yy", as it does by 岳阳', async () => {
    const chinese = await search('岳阳');
    expect(chinese.codes).toEqual(await oracle('name', '岳阳'));
    expect(chinese.codes).toContain('4306');

    const byPinyin = await oracle('name_pinyin', 'yueyang');
    for (const term of ['Yueyang', 'yueyang', 'Yue Yang', 'YUEYANG']) {
      const found = await search(term);
      expect(found.codes, term).toEqual(byPinyin);
      // Every unit named 岳阳… reads yueyang…: the Chinese answer is inside the pinyin one.
      expect(found.codes, term).toEqual(expect.arrayContaining(chinese.codes));
    }

    const initials = await search('yy');
    const byInitials = [
      ...new Set([
        ...(await oracle('name_initials', 'yy')),
        ...(await oracle('name_pinyin', 'yy')),
      ]),
    ].sort();
    expect(initials.totalCount).toBe(byInitials.length);
    expect(initials.codes).toContain('4306');
    expect(initials.codes.every((code) => byInitials.includes(code))).toBe(true);
  });

  it('finds nothing for a reading no name has', async () => {
    expect(await search('zzzzqqq')).toEqual({ totalCount: 0, codes: [] });
  });

  it.each(['岳阳', 'yueyang', 'yy'])('reads the gram index for %s', async (term) => {
    const plan = await sql<Record<string, string>>`
      EXPLAIN SELECT o.id FROM organization o WHERE ${organizationSearchCondition(term)}`.execute(
      database.db,
    );
    const text = plan.rows.map((row) => Object.values(row).join('')).join('\n');
    expect(text).toMatch(/Bitmap Index Scan on organization_search_idx/);
  });
});

describe('migration 0008 on a database loaded before it', () => {
  it('fills the readings of the rows already there', async () => {
    const earlier = await createTestDatabase();
    try {
      const migrator = new Migrator({
        db: earlier.db,
        provider: { getMigrations: async () => migrations },
      });
      const { error } = await migrator.migrateTo('0007-metric-total');
      if (error) throw error;
      await insertTokenOrganizations(earlier.db);
      await migrateToLatest(earlier.db);
      const rows = await earlier.db
        .selectFrom('organization')
        .select(['name', 'name_pinyin', 'name_initials'])
        .orderBy('id')
        .execute();
      expect(rows).toEqual([
        { name: '全国妇联', name_pinyin: 'quanguofulian', name_initials: 'qgfl' },
        { name: '湖南省妇联', name_pinyin: 'hunanshengfulian', name_initials: 'hnsfl' },
        { name: '长沙市妇联', name_pinyin: 'changshashifulian', name_initials: 'cssfl' },
      ]);
    } finally {
      await earlier.close();
    }
  });
});
