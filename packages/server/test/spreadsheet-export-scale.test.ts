import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM } from '../src/auth/viewer.js';
import { createSchema } from '../src/schema.js';
import { openTable, writeTable } from '../src/spreadsheet/table.export.js';
import { seedTestMetrics } from './helpers/reporting.js';
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
