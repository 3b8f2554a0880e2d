import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readChineseNumeral } from '../src/lib/chinese-numeral.js';
import { readTypedNumber, type TypedNumber } from '../src/lib/typed-number.js';

// Fixed seeds: a failure is the same failure on every run and every machine.
const RUNS = { seed: 17, numRuns: 300 };

/** A canonical decimal (no leading or trailing zeros, no "-0"), built as text. */
const canonicalDecimal = fc
  .tuple(
    fc.boolean(),
    fc.bigInt({ min: 0n, max: 10n ** 20n }),
    fc.option(fc.stringMatching(/^\d{0,7}[1-9]$/), { nil: undefined }),
  )
  .map(([negative, whole, fraction]) => {
    const text = fraction ? `${whole}.${fraction}` : String(whole);
    return negative && text !== '0' ? `-${text}` : text;
  });

/** The decimal point moved `places` to the right, by string handling alone (the oracle). */
function shiftRight(decimal: string, places: number): string {
  const negative = decimal.startsWith('-');
  const [whole, fraction = ''] = decimal.replace('-', '').split('.') as [string, string?];
  const digits = `${whole}${fraction.padEnd(places, '0')}`;
  const point = whole.length + places;
  const result = `${digits.slice(0, point).replace(/^0+(?=\d)/, '')}.${digits.slice(point)}`
    .replace(/\.?0*$/, (tail) => (tail.startsWith('.') ? '' : tail))
    .replace(/\.$/, '');
  return negative && result !== '0' ? `-${result}` : result;
}

/** The standard written Chinese form of n (0 < n < 10^12): 一千零五, 一万零五百, 十二. */
function chineseOf(n: bigint): string {
  const DIGIT = '零一二三四五六七八九';
  const UNIT = ['', '十', '百', '千'];
  const digits = String(n).padStart(12, '0');
  let text = '';
  let zero = false;
  for (let p = 11; p >= 0; p--) {
    const d = Number(digits[11 - p]);
    if (d === 0) {
      if (text) zero = true;
    } else {
      if (zero) text += '零';
      zero = false;
      text += `${DIGIT[d]}${UNIT[p % 4]}`;
    }
    if (p % 4 === 0 && p > 0 && /[1-9]/.test(digits.slice(11 - p - 3, 12 - p))) {
      text += p === 8 ? '亿' : '万';
    }
  }
  return text.startsWith('一十') ? text.slice(1) : text;
}

const FULL_WIDTH = (text: string) =>
  text.replace(/[!-~]/g, (char) => String.fromCharCode(char.charCodeAt(0) + 0xfee0));

const number = (value: string, applied: string[]): TypedNumber => ({
  kind: 'number',
  value,
  applied: applied as never,
});

describe('the typed-number normalizer', () => {
  it('reads the forms the issue lists', () => {
    expect(readTypedNumber('338万')).toEqual(number('3380000', ['WAN']));
    expect(readTypedNumber('1.2万')).toEqual(number('12000', ['WAN']));
    expect(readTypedNumber('33.91%')).toEqual(number('33.91', ['PERCENT_SIGN']));
    expect(readTypedNumber('2,679')).toEqual(number('2679', ['THOUSANDS_SEPARATOR']));
    expect(readTypedNumber('２６７９')).toEqual(number('2679', ['FULL_WIDTH']));
    expect(readTypedNumber('三百')).toEqual(number('300', ['CHINESE_NUMERAL']));
    expect(readTypedNumber('')).toEqual({ kind: 'blank' });
    expect(readTypedNumber(null)).toEqual({ kind: 'blank' });
    expect(readTypedNumber(0.1)).toEqual(number('0.1', []));
  });

  it('accepts every canonical decimal as it is', () => {
    fc.assert(
      fc.property(canonicalDecimal, (decimal) => {
        expect(readTypedNumber(decimal)).toEqual(number(decimal, []));
        expect(readTypedNumber(` ${decimal}\u3000`)).toEqual(number(decimal, ['FULL_WIDTH']));
      }),
      RUNS,
    );
  });

  it('multiplies 万 and 亿 exactly and keeps a percentage in percent', () => {
    fc.assert(
      fc.property(canonicalDecimal, fc.constantFrom('', ' '), (decimal, space) => {
        expect(readTypedNumber(`${decimal}${space}万`)).toEqual(
          number(shiftRight(decimal, 4), ['WAN']),
        );
        expect(readTypedNumber(`${decimal}${space}亿`)).toEqual(
          number(shiftRight(decimal, 8), ['YI']),
        );
        expect(readTypedNumber(`${decimal}${space}%`)).toEqual(number(decimal, ['PERCENT_SIGN']));
      }),
      RUNS,
    );
  });

  it('reads thousands separators and full-width forms to the same value', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1000n, max: 10n ** 18n }), (n) => {
        const grouped = n.toLocaleString('en-US');
        expect(readTypedNumber(grouped)).toEqual(number(String(n), ['THOUSANDS_SEPARATOR']));
        expect(readTypedNumber(FULL_WIDTH(grouped))).toEqual(
          number(String(n), ['FULL_WIDTH', 'THOUSANDS_SEPARATOR']),
        );
      }),
      RUNS,
    );
  });

  it('reads Chinese numerals in their standard written form', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 1n, max: 10n ** 12n - 1n }), (n) => {
        expect(readTypedNumber(chineseOf(n))).toEqual(number(String(n), ['CHINESE_NUMERAL']));
      }),
      RUNS,
    );
    expect(chineseOf(1005n)).toBe('一千零五');
    expect(chineseOf(100050000n)).toBe('一亿零五万');
  });

  it('reads a spreadsheet number as the decimal the spreadsheet shows', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (n) => {
        const read = readTypedNumber(n);
        expect(read.kind).toBe('number');
        if (read.kind === 'number') expect(Number(read.value)).toBe(n === 0 ? 0 : n);
      }),
      RUNS,
    );
    expect(readTypedNumber(Number.POSITIVE_INFINITY)).toMatchObject({ reason: 'NOT_FINITE' });
  });

  it('refuses commas that do not group thousands', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[1-9]\d{0,2}$/),
        fc.stringMatching(/^(\d{1,2}|\d{4,6})$/),
        (head, tail) => {
          expect(readTypedNumber(`${head},${tail}`)).toMatchObject({ reason: 'BAD_SEPARATOR' });
        },
      ),
      RUNS,
    );
  });

  it('refuses a Chinese numeral that reads two ways, and anything with a word in it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...'一二三四五六七八九'),
        fc.constantFrom('百', '千', '万', '亿'),
        fc.constantFrom(...'一二三四五六七八九'),
        (a, unit, b) => {
          expect(readTypedNumber(`${a}${unit}${b}`)).toMatchObject({
            reason: 'BAD_CHINESE_NUMERAL',
          });
        },
      ),
      RUNS,
    );
    fc.assert(
      fc.property(
        canonicalDecimal,
        fc.constantFrom('余', '多', '约', 'abc', '人', '元'),
        (d, w) => {
          expect(readTypedNumber(`${d}${w}`)).toMatchObject({ kind: 'refused' });
          expect(readTypedNumber(`${w}${d}`)).toMatchObject({ kind: 'refused' });
        },
      ),
      RUNS,
    );
    expect(readTypedNumber('二〇二〇')).toMatchObject({ reason: 'BAD_CHINESE_NUMERAL' });
    expect(readTypedNumber('3万%')).toMatchObject({ reason: 'PERCENT_WITH_MULTIPLIER' });
    expect(readTypedNumber('1'.repeat(101))).toMatchObject({ reason: 'TOO_LONG' });
    // A percent sign is read only where the figure is a percentage.
    expect(readTypedNumber('45%', { percent: false })).toMatchObject({
      reason: 'PERCENT_NOT_ALLOWED',
    });
    expect(readTypedNumber('45%', { percent: true })).toEqual(number('45', ['PERCENT_SIGN']));
  });

  it('answers any text without throwing: blank, a canonical decimal, or a reason in both languages', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 30 }), (text) => {
        const read = readTypedNumber(text);
        if (read.kind === 'blank') expect(text.replace(/[\s\u3000]/g, '')).toBe('');
        if (read.kind === 'number') expect(read.value).toMatch(/^-?(0|[1-9]\d*)(\.\d*[1-9])?$/);
        if (read.kind === 'refused') expect(read.zh && read.en).toBeTruthy();
      }),
      RUNS,
    );
  });

  it('leaves a bare unit or 零 where it is unambiguous', () => {
    expect(readChineseNumeral('百万')).toBe(1_000_000n);
    expect(readChineseNumeral('零')).toBe(0n);
    expect(readChineseNumeral('一百零')).toBeNull();
    expect(readChineseNumeral('十百')).toBeNull();
  });
});
