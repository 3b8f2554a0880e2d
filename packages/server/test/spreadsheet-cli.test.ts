import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../src/db/database.js';
import { migrateToLatest } from '../src/db/migrate.js';
import { run } from './helpers/cli-process.js';
import { seedHandTree, seedTemplate, seedTestMetrics } from './helpers/reporting.js';
import { load, unitSheets } from './helpers/spreadsheet.js';

let dir: string;

/** Runs the built CLI on the test's own PGlite data directory. */
function fulian(args: string[]) {
  return run(args, { FULIAN_DATA_DIR: path.join(dir, 'data') });
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'fulian-export-'));
  const db = createDatabase({ dataDir: path.join(dir, 'data') });
  await migrateToLatest(db);
  await seedHandTree(db);
  await seedTestMetrics(db);
  await seedTemplate(db, 'test-annual', ['CITY', 'COUNTY']);
  await db.destroy();
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('fulian export', () => {
  it('writes a roll-up workbook and a template workbook', async () => {
    const rollup = path.join(dir, 'rollup.xlsx');
    const done = await fulian([
      'export',
      'rollup',
      '--metric',
      'test.sessions',
      '--period',
      '2020',
      '--within',
      '43',
      '--by',
      'CITY',
      '-o',
      rollup,
    ]);
    expect(done).toMatchObject({ code: 0, stdout: `wrote ${rollup}\n` });
    const sheet = unitSheets(await load(await readFile(rollup)))[0]!;
    expect(sheet.getRow(5).getCell(1).value).toBe('代码 code');
    expect([6, 7, 8].map((row) => sheet.getRow(row).getCell(2).value)).toEqual([
      'A市妇联',
      'B市妇联',
      'C市妇联',
    ]);

    const template = path.join(dir, 'template.xlsx');
    const made = await fulian([
      'export',
      'template',
      '--template',
      'test-annual',
      '--period',
      '2020',
      '--unit',
      '4301',
      '--all-below',
      '-o',
      template,
    ]);
    expect(made.code).toBe(0);
    expect(unitSheets(await load(await readFile(template))).map((s) => s.name)).toEqual([
      '4301 A市妇联',
      '430101 A1县妇联',
      '430102 A2县妇联',
    ]);
  }, 120_000);

  it('says what is missing or wrong in one line and exits non-zero', async () => {
    const missing = await fulian([
      'export',
      'rollup',
      '--period',
      '2020',
      '-o',
      path.join(dir, 'x.xlsx'),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('rollup needs --metric, --by');
    const unknown = await fulian([
      'export',
      'rollup',
      '--metric',
      'no.such',
      '--period',
      '2020',
      '--by',
      'CITY',
      '-o',
      path.join(dir, 'x.xlsx'),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No metric "no.such"');
  }, 60_000);
});
