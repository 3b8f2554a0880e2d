import JSZip from 'jszip';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Viewer } from '../src/auth/viewer.js';
import type { ReportingTemplateRow } from '../src/db/tables.js';
import { UserError } from '../src/errors.js';
import { transitionSubmission } from '../src/modules/submission/submission.transition.js';
import { buildTemplateWorkbook } from '../src/spreadsheet/template.export.js';
import { commitImport } from '../src/spreadsheet/workbook.commit.js';
import { planImport } from '../src/spreadsheet/workbook.import.js';
import { MAX_INFLATED_BYTES, MAX_WORKBOOK_BYTES } from '../src/spreadsheet/workbook.open.js';
import {
  organizationByCode,
  seedHandTree,
  seedTemplate,
  seedTestMetrics,
  staff,
} from './helpers/reporting.js';
import { bytesOf, fill, footprint, load, unitSheets, valueCell } from './helpers/spreadsheet.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-database.js';

let database: TestDatabase;
let template: ReportingTemplateRow;
let editorA: Viewer;
let editorB: Viewer;
let provinceAdmin: Viewer;

beforeAll(async () => {
  database = await createTestDatabase();
  await seedHandTree(database.db);
  await seedTestMetrics(database.db);
  await seedTemplate(database.db, 'test-annual', ['CITY', 'COUNTY']);
  await seedTemplate(database.db, 'other', ['CITY', 'COUNTY'], ['test.rank']);
  template = await database.db
    .selectFrom('reporting_template')
    .selectAll()
    .where('code', '=', 'test-annual')
    .executeTakeFirstOrThrow();
  editorA = await staff(database.db, 'EDITOR', '4301');
  editorB = await staff(database.db, 'EDITOR', '4302');
  provinceAdmin = await staff(database.db, 'PROVINCE_ADMIN', '43');
});
afterAll(() => database.close());

async function templateFor(code: string, viewer = editorA, allBelow = false, period = '2020') {
  const unit = await organizationByCode(database.db, code);
  return bytesOf(
    await buildTemplateWorkbook(database.db, viewer, { template, period, unit, allBelow }),
  );
}

const request = (bytes: Buffer, period = '2020') => ({ template, period, bytes });

/** The figures a unit's 2020 report holds, by metric. */
async function figures(code: string): Promise<Record<string, string>> {
  const unit = await organizationByCode(database.db, code);
  const rows = await database.db
    .selectFrom('metric_value')
    .select(['metric_code', sql<string>`value::text`.as('value')])
    .where('organization_id', '=', unit.id)
    .where('period', '=', '2020')
    .where('submission_id', 'is not', null)
    .execute();
  return Object.fromEntries(
    rows.map((row) => [
      row.metric_code,
      String(Number(row.value)) === row.value ? row.value : row.value.replace(/\.?0+$/, ''),
    ]),
  );
}

async function refusal(promise: Promise<unknown>): Promise<Record<string, unknown>> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UserError);
  return (error as UserError).extensions;
}

describe('a template workbook', () => {
  it('has a sheet per unit with Chinese headers, metric names and units, and a hidden sheet', async () => {
    const workbook = await load(await templateFor('4301', editorA, true));
    const sheets = unitSheets(workbook);
    expect(sheets.map((sheet) => sheet.name)).toEqual([
      '4301 A市妇联',
      '430101 A1县妇联',
      '430102 A2县妇联',
    ]);
    const sheet = sheets[0]!;
    expect(sheet.getRow(3).values).toEqual([
      undefined,
      '指标代码',
      '指标名称',
      '计量单位',
      '本期数值',
      '上期数值（2019）',
      '说明',
    ]);
    expect(sheet.getRow(4).values).toEqual([undefined, 'test.sessions', '培训班期数', '期']);
    // Only the value column is open; the sheet is protected and the inputs validated.
    expect(valueCell(sheet, 'test.sessions').protection?.locked).toBe(false);
    expect(sheet.getCell('B4').protection?.locked).not.toBe(false);
    expect(valueCell(sheet, 'test.women_share').dataValidation).toMatchObject({
      type: 'decimal',
      operator: 'between',
      formulae: [0, 100],
    });
    const meta = workbook.getWorksheet('_fulian')!;
    expect(meta.state).toBe('veryHidden');
    expect(meta.getRow(2).values).toEqual([undefined, 'template', 'test-annual']);
    expect(meta.getRow(3).values).toEqual([undefined, 'period', '2020']);
  });

  it('is refused to a caller who may not read the unit’s drafts', async () => {
    await expect(templateFor('430101', editorB)).rejects.toMatchObject({
      extensions: { code: 'FORBIDDEN' },
    });
  });
});

describe('a filled workbook', () => {
  it('is dry-run cell by cell: what was read, what it means, what would change, what is wrong', async () => {
    const bytes = await fill(await templateFor('430101'), {
      'test.sessions': '338万',
      'test.sales': '1.2万',
      'test.members': '2,679',
      'test.women_members': '三百',
      'test.women_share': '33.91%',
      'test.rank': '第一',
    });
    const before = await footprint(database.db);
    const plan = await planImport(database.db, editorA, request(bytes));
    expect(await footprint(database.db)).toEqual(before);
    const cells = plan.sheets[0]!.cells.map(
      ({ cell, metric, read, value, applied, change, problem }) => ({
        cell,
        metric,
        read,
        value,
        applied,
        change,
        problem: problem?.code ?? null,
      }),
    );
    expect(cells).toEqual([
      {
        cell: 'D4',
        metric: 'test.sessions',
        read: '338万',
        value: '3380000',
        applied: ['WAN'],
        change: 'ADDED',
        problem: null,
      },
      {
        cell: 'D5',
        metric: 'test.sales',
        read: '1.2万',
        value: '12000',
        applied: ['WAN'],
        change: 'ADDED',
        problem: null,
      },
      {
        cell: 'D6',
        metric: 'test.members',
        read: '2,679',
        value: '2679',
        applied: ['THOUSANDS_SEPARATOR'],
        change: 'ADDED',
        problem: null,
      },
      {
        cell: 'D7',
        metric: 'test.women_members',
        read: '三百',
        value: '300',
        applied: ['CHINESE_NUMERAL'],
        change: 'ADDED',
        problem: null,
      },
      {
        cell: 'D8',
        metric: 'test.women_share',
        read: '33.91%',
        value: '33.91',
        applied: ['PERCENT_SIGN'],
        change: 'ADDED',
        problem: null,
      },
      {
        cell: 'D9',
        metric: 'test.rank',
        read: '第一',
        value: null,
        applied: [],
        change: null,
        problem: 'NOT_A_NUMBER',
      },
    ]);
    expect(plan.problemCount).toBe(1);
    const problem = plan.sheets[0]!.cells[5]!.problem!;
    expect(problem.zh).toContain('不是数字');
    expect(problem.en).toContain('not a number');
  });

  it('reports every bad cell on its own, never one failure for the file', async () => {
    const bytes = await fill(await templateFor('430101'), {
      'test.sessions': '-5',
      'test.sales': '12,34',
      'test.members': '1.5',
      'test.women_members': { formula: 'B4*2' },
      'test.women_share': '120',
      'test.rank': '3%',
    });
    const plan = await planImport(database.db, editorA, request(bytes));
    expect(plan.sheets[0]!.cells.map((cell) => [cell.cell, cell.problem?.code])).toEqual([
      ['D4', 'VALUE_INVALID'],
      ['D5', 'BAD_SEPARATOR'],
      ['D6', 'VALUE_INVALID'],
      ['D7', 'FORMULA_WITHOUT_RESULT'],
      ['D8', 'VALUE_INVALID'],
      ['D9', 'PERCENT_NOT_ALLOWED'],
    ]);
    // Each rule's refusal in words the person who typed the cell reads.
    const zh = (cell: string) =>
      plan.sheets[0]!.cells.find((found) => found.cell === cell)!.problem!.zh;
    expect(zh('D4')).toBe('不能为负数（填的是 -5）');
    expect(zh('D6')).toBe('应为整数（填的是 1.5）');
    expect(zh('D8')).toBe('百分比不能超过 100（填的是 120）');
    const before = await footprint(database.db);
    expect(await refusal(commitImport(database.db, editorA, request(bytes)))).toMatchObject({
      code: 'BAD_USER_INPUT',
      problemCount: 6,
    });
    expect(await footprint(database.db)).toEqual(before);
  });

  it('uses a formula’s saved result and a percent cell’s shown value, and finds moved rows by code', async () => {
    const workbook = await load(await templateFor('430102'));
    const sheet = unitSheets(workbook)[0]!;
    valueCell(sheet, 'test.sessions').value = { formula: '10+2', result: 12 };
    const share = valueCell(sheet, 'test.women_share');
    share.value = 0.3391;
    // Its own style object: exceljs shares one among cells loaded with the same style.
    share.style = { ...share.style, numFmt: '0.00%' };
    // Someone sorts the rows: the sales row moves to the bottom, a blank row opens above it.
    const sales = sheet.getRow(5).values;
    sheet.spliceRows(5, 1);
    sheet.addRow([]);
    sheet.addRow(sales as unknown[]);
    valueCell(sheet, 'test.sales').value = 99.5;
    const plan = await planImport(database.db, editorA, request(await bytesOf(workbook)));
    const byMetric = Object.fromEntries(plan.sheets[0]!.cells.map((cell) => [cell.metric, cell]));
    expect(byMetric['test.sessions']).toMatchObject({ value: '12', applied: ['FORMULA_RESULT'] });
    expect(byMetric['test.women_share']).toMatchObject({
      value: '33.91',
      applied: ['PERCENT_FORMAT'],
    });
    expect(byMetric['test.sales']).toMatchObject({ cell: 'D10', value: '99.5', change: 'ADDED' });
    expect(plan.problemCount).toBe(0);
  });

  it('round-trips exactly: commit, export again, and the same figures come back unchanged', async () => {
    const filled = await fill(await templateFor('430101'), {
      'test.sessions': '２６７９',
      'test.sales': '3380000.55',
      'test.members': 1200,
      'test.women_members': '三百',
      'test.women_share': '25%',
      'test.rank': '',
    });
    const result = await commitImport(database.db, editorA, request(filled));
    expect(result.units).toMatchObject([
      { sheet: '430101 A1县妇联', outcome: 'SAVED', changes: 5 },
    ]);
    expect(result.units[0]!.submission).toMatchObject({ status: 'DRAFT', version: 2 });
    expect(await figures('430101')).toEqual({
      'test.sessions': '2679',
      'test.sales': '3380000.55',
      'test.members': '1200',
      'test.women_members': '300',
      'test.women_share': '25',
    });

    const again = await load(await templateFor('430101'));
    const sheet = unitSheets(again)[0]!;
    expect(valueCell(sheet, 'test.sales').value).toBe(3380000.55);
    expect(valueCell(sheet, 'test.women_members').value).toBe(300);
    const plan = await planImport(database.db, editorA, request(await bytesOf(again)));
    expect(plan.sheets[0]!.cells.map((cell) => cell.change)).toEqual(Array(6).fill('UNCHANGED'));
  });

  it('commits a double upload once: the second changes nothing', async () => {
    const filled = await fill(await templateFor('430101'), { 'test.rank': '3' });
    const first = await commitImport(database.db, editorA, request(filled));
    expect(first.units[0]).toMatchObject({ outcome: 'SAVED', changes: 1 });
    const before = await footprint(database.db);
    const second = await commitImport(database.db, editorA, request(filled));
    expect(second.units[0]).toMatchObject({ outcome: 'UNCHANGED' });
    expect(await footprint(database.db)).toEqual(before);
  });

  it('is a CONFLICT naming the sheet when the report changed since the download, writing nothing', async () => {
    const stale = await fill(await templateFor('430101'), { 'test.rank': '4' });
    await commitImport(
      database.db,
      editorA,
      request(await fill(await templateFor('430101'), { 'test.rank': '5' })),
    );
    const before = await footprint(database.db);
    expect(await refusal(commitImport(database.db, editorA, request(stale)))).toMatchObject({
      code: 'CONFLICT',
      reason: 'VERSION',
      sheet: '430101 A1县妇联',
    });
    expect(await footprint(database.db)).toEqual(before);
  });
});

describe('refused with nothing written', () => {
  async function refusedWithNothingWritten(bytes: Buffer, viewer = editorA, period = '2020') {
    const before = await footprint(database.db);
    const extensions = await refusal(commitImport(database.db, viewer, request(bytes, period)));
    expect(await footprint(database.db)).toEqual(before);
    return extensions;
  }

  it('not a workbook', async () => {
    expect(await refusedWithNothingWritten(Buffer.from('id,value\n1,2\n'))).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'NOT_A_WORKBOOK',
    });
    const zip = new JSZip();
    zip.file('readme.txt', 'a zip, but no workbook');
    const plainZip = await zip.generateAsync({ type: 'nodebuffer' });
    expect(await refusedWithNothingWritten(plainZip)).toMatchObject({ reason: 'NOT_A_WORKBOOK' });
  });

  it('over the size limit', async () => {
    const large = Buffer.concat([await templateFor('430101'), Buffer.alloc(MAX_WORKBOOK_BYTES)]);
    expect(await refusedWithNothingWritten(large)).toMatchObject({ reason: 'TOO_LARGE' });
  });

  it('a zip bomb: a small file whose parts inflate past the limit', async () => {
    const zip = await JSZip.loadAsync(await templateFor('430101'));
    zip.file('xl/media/padding.bin', Buffer.alloc(MAX_INFLATED_BYTES + 1024 * 1024));
    const bomb = await zip.generateAsync({
      type: 'nodebuffer',
      compression: 'DEFLATE',
      compressionOptions: { level: 1 },
    });
    expect(bomb.length).toBeLessThan(MAX_WORKBOOK_BYTES);
    expect(await refusedWithNothingWritten(bomb)).toMatchObject({ reason: 'ZIP_BOMB' });
  });

  it('a template or period that does not match', async () => {
    const other = await database.db
      .selectFrom('reporting_template')
      .selectAll()
      .where('code', '=', 'other')
      .executeTakeFirstOrThrow();
    const bytes = await fill(await templateFor('430101'), { 'test.rank': '7' });
    const before = await footprint(database.db);
    expect(
      await refusal(commitImport(database.db, editorA, { template: other, period: '2020', bytes })),
    ).toMatchObject({ reason: 'TEMPLATE_MISMATCH' });
    expect(await footprint(database.db)).toEqual(before);
    expect(await refusedWithNothingWritten(bytes, editorA, '2021')).toMatchObject({
      reason: 'PERIOD_MISMATCH',
    });
  });

  it('a unit outside the caller’s scope', async () => {
    const bytes = await fill(await templateFor('430101'), { 'test.rank': '8' });
    expect(await refusedWithNothingWritten(bytes, editorB)).toMatchObject({
      code: 'FORBIDDEN',
      reason: 'OUT_OF_SCOPE',
      sheet: '430101 A1县妇联',
    });
  });

  it('a locked (approved) report', async () => {
    const bytes = await fill(await templateFor('430102'), { 'test.sessions': '10' });
    const done = await commitImport(database.db, editorA, request(bytes));
    const submission = done.units[0]!.submission!;
    const submitted = await transitionSubmission(database.db, editorA, 'submit', {
      submissionId: submission.id,
      expectedVersion: submission.version,
    });
    const reviewerA = await staff(database.db, 'REVIEWER', '4301');
    await transitionSubmission(database.db, reviewerA, 'approve', {
      submissionId: submission.id,
      expectedVersion: submitted.version,
    });
    const change = await fill(await templateFor('430102', provinceAdmin), {
      'test.sessions': '11',
    });
    expect(await refusedWithNothingWritten(change, provinceAdmin)).toMatchObject({
      code: 'LOCKED',
      sheet: '430102 A2县妇联',
    });
  });
});
