import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseDate, parsePeriod } from '../src/period/period.js';

const SEEDS = join(import.meta.dirname, '../../../seeds');

describe('parsePeriod', () => {
  it.each([
    ['2020', { canonical: '2020', type: 'YEAR', start: '2020-01-01', end: '2020-12-31' }],
    ['2020Q1', { canonical: '2020Q1', type: 'QUARTER', start: '2020-01-01', end: '2020-03-31' }],
    ['2020Q4', { canonical: '2020Q4', type: 'QUARTER', start: '2020-10-01', end: '2020-12-31' }],
    ['2020-02', { canonical: '2020-02', type: 'MONTH', start: '2020-02-01', end: '2020-02-29' }],
    ['2021-02', { canonical: '2021-02', type: 'MONTH', start: '2021-02-01', end: '2021-02-28' }],
    [
      '2020-05-12',
      { canonical: '2020-05-12', type: 'DAY', start: '2020-05-12', end: '2020-05-12' },
    ],
    ['2018/2022', { canonical: '2018/2022', type: 'SPAN', start: '2018-01-01', end: '2022-12-31' }],
    [
      '2020-05/2021-02',
      { canonical: '2020-05/2021-02', type: 'SPAN', start: '2020-05-01', end: '2021-02-28' },
    ],
    [
      '2020Q2/2020Q3',
      { canonical: '2020Q2/2020Q3', type: 'SPAN', start: '2020-04-01', end: '2020-09-30' },
    ],
    [
      ' 2019 / 2021 ',
      { canonical: '2019/2021', type: 'SPAN', start: '2019-01-01', end: '2021-12-31' },
    ],
  ])('reads %s', (text, expected) => {
    expect(parsePeriod(text)).toEqual(expected);
  });

  it.each([
    ['2020Q5', /quarter 5 is not 1–4/],
    ['2020Q0', /quarter 0 is not 1–4/],
    ['2023/2018', /must run forward/],
    ['2020/2020', /must run forward/],
    ['2020-13', /month 13 is not 1–12/],
    ['2021-02-29', /not a calendar day/],
    ['2020/2021-02', /same form/],
    ['2018/2020/2022', /at most one/],
    ['1066', /outside 1949–2100/],
    ['2020年', /not a period/],
    ['', /not a period/],
    ['garbage', /not a period/],
  ])('rejects %s as bad input naming the field', (text, reason) => {
    let error: unknown;
    try {
      parsePeriod(text, 'filter.period');
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({
      message: expect.stringMatching(reason),
      extensions: { code: 'BAD_USER_INPUT', field: 'filter.period' },
    });
  });

  it('reads as-of dates only as days', () => {
    expect(parseDate('2021-11-19')).toBe('2021-11-19');
    expect(() => parseDate('2021-11')).toThrow(/not a date/);
  });

  it('reads every period, as-of date and document date that appears in seeds/', () => {
    const found = new Map<string, string>();
    const visit = (node: unknown, file: string): void => {
      if (Array.isArray(node)) return node.forEach((child) => visit(child, file));
      if (node === null || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (['period', 'as_of', 'date'].includes(key) && value !== null) {
          found.set(String(value), file);
        }
        visit(value, file);
      }
    };
    const files = readdirSync(join(SEEDS, 'documents')).filter((name) => name.endsWith('.yaml'));
    for (const file of files) {
      visit(parse(readFileSync(join(SEEDS, 'documents', file), 'utf8')), file);
    }
    expect(found.size).toBeGreaterThan(3);
    for (const [text, file] of found) {
      const period = parsePeriod(text, file);
      // Formatting the parsed period gives back what the seeds wrote.
      expect(period.canonical, file).toBe(text);
      expect(period.start <= period.end, file).toBe(true);
    }
  });
});
