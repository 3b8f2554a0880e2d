import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../src/auth/viewer.js';
import { createSchema } from '../src/schema.js';
import { openTable, writeTable } from '../src/spreadsheet/table.export.js';
import { insertApprovedSessions, seedTemplate, seedTestMetrics } from './helpers/reporting.js';
import { createTestDatabase, seedHunan, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHunan(database.db);
  await seedTestMetrics(database.db);
});
afterAll(() => database.close());

/** A sink that keeps nothing: the export's memory is its own, not the file's. */
function discard(): Writable & { bytes: number } {
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      sink.bytes += chunk.length;
      done();
    },
  }) as Writable & { bytes: number };
  sink.bytes = 0;
  return sink;
}

describe('a province-wide export', () => {
  it('streams a roll-up of every village in Hunan, page by page, to the last row', async () => {
    const villages = await database.db
      .selectFrom('organization')
      .select((eb) => eb.fn.countAll<string>().as('count'))
      .where('level', '=', 'VILLAGE')
      .where('kind', '=', 'FEDERATION')
      .executeTakeFirstOrThrow();
    expect(Number(villages.count)).toBe(29_534);
    const source = await openTable(await createSchema(), database.db, SYSTEM, {
      kind: 'ROLLUP',
      format: 'XLSX',
      args: { metric: 'test.sessions', period: '2020', level: 'VILLAGE', within: '43' },
    });
    const sink = discard();
    expect(await writeTable(source, 'XLSX', sink)).toBe(29_534);
    expect(sink.bytes).toBeGreaterThan(29_534 * 20);
  }, 600_000);
});

describe('a contributions table', () => {
  it('pages a group past 100 contributions to the last one', async () => {
    // 250 approved village reports under Changsha: three pages of one group's contributions.
    const templateId = await seedTemplate(database.db, 'test-villages', ['VILLAGE']);
    const villages = await database.db
      .selectFrom('organization')
      .select(['id'])
      .where('level', '=', 'VILLAGE')
      .where('kind', '=', 'FEDERATION')
      .where('path', 'like', `${await cityPath('4301')}%`)
      .orderBy('path')
      .limit(250)
      .execute();
    expect(villages).toHaveLength(250);
    for (const village of villages) {
      await insertApprovedSessions(database.db, templateId, village.id, '2021', '1');
    }
    const source = await openTable(await createSchema(), database.db, SYSTEM, {
      kind: 'CONTRIBUTIONS',
      format: 'CSV',
      args: { metric: 'test.sessions', period: '2021', level: 'CITY', within: '4301' },
    });
    const sink = discard();
    expect(await writeTable(source, 'CSV', sink)).toBe(250);
  }, 600_000);
});

async function cityPath(code: string): Promise<string> {
  const row = await database.db
    .selectFrom('organization')
    .select('path')
    .where('code', '=', code)
    .executeTakeFirstOrThrow();
  return row.path;
}
