import { fromScaled, normalizeDecimal, toScaled } from './decimal.js';
import { readChineseNumeral } from './chinese-numeral.js';

export interface ReadOptions {
  /**
   * Whether the figure is a percentage, so that `33.91%` means 33.91; a percent sign on any
   * other figure is refused (PERCENT_NOT_ALLOWED) rather than silently dropped.
   */
  percent?: boolean;
}

/**
 * The one reader of numbers as people type them, in a spreadsheet cell or an API call:
 * `338万`, `1.2万`, `33.91%`, `2,679`, full-width digits (`２６７９`), simple Chinese numerals
 * (`三百`, `一千零五`), blank for "not reported". It returns the exact decimal and what it did
 * to get there, or why it refused, in Chinese and English. It never guesses: `1,23` (a comma
 * that does not group thousands), `一千二` (1200 or 1002?) and `450余` (a qualifier, not a
 * number) are refused.
 *
 * @example
 * readTypedNumber('338万'); // { kind: 'number', value: '3380000', applied: ['WAN'] }
 * readTypedNumber('  ');    // { kind: 'blank' }
 */
export function readTypedNumber(
  input: string | number | null | undefined,
  options: ReadOptions = {},
): TypedNumber {
  if (input == null) return { kind: 'blank' };
  if (typeof input === 'number') return readNumber(input);
  if (input.length > MAX_LENGTH) return refuse('TOO_LONG');
  const applied: Normalization[] = [];
  const halfWidth = toHalfWidth(input);
  if (halfWidth !== input) applied.push('FULL_WIDTH');
  const text = halfWidth.trim();
  if (text === '') return { kind: 'blank' };

  const arabic = ARABIC.exec(text);
  if (arabic) {
    const [, sign = '', grouped, plain, fraction = '', multiplier, percent] = arabic;
    if (multiplier && percent) return refuse('PERCENT_WITH_MULTIPLIER');
    if (grouped) applied.push('THOUSANDS_SEPARATOR');
    const digits = `${sign}${(grouped ?? plain ?? '').replaceAll(',', '')}${fraction}`;
    let value = normalizeDecimal(digits);
    if (multiplier) {
      applied.push(multiplier === '万' ? 'WAN' : 'YI');
      value = multiplyDecimal(value, multiplier === '万' ? '10000' : '100000000');
    }
    if (percent && options.percent === false) return refuse('PERCENT_NOT_ALLOWED');
    if (percent) applied.push('PERCENT_SIGN');
    return { kind: 'number', value, applied };
  }
  if (/\d,|,\d/.test(text) && /^[-\d,.]+\s*[万亿%]?$/.test(text)) return refuse('BAD_SEPARATOR');
  if (CHINESE.test(text)) {
    const value = readChineseNumeral(text);
    if (value === null) return refuse('BAD_CHINESE_NUMERAL');
    applied.push('CHINESE_NUMERAL');
    return { kind: 'number', value: value.toString(), applied };
  }
  return refuse('NOT_A_NUMBER');
}

/** What the reader did to a number, so a dry run can show it. */
export const NORMALIZATIONS = {
  FULL_WIDTH: { zh: '全角数字已转为半角', en: 'full-width characters read as ASCII' },
  THOUSANDS_SEPARATOR: { zh: '已去掉千位分隔符', en: 'thousands separators removed' },
  WAN: { zh: '“万”已乘以 10000', en: '万 multiplied by 10,000' },
  YI: { zh: '“亿”已乘以 100000000', en: '亿 multiplied by 100,000,000' },
  PERCENT_SIGN: {
    zh: '已去掉百分号（数值为百分数）',
    en: 'percent sign removed (the value is in percent)',
  },
  PERCENT_FORMAT: {
    zh: '百分比格式的单元格已乘以 100',
    en: 'a percent-formatted cell multiplied by 100',
  },
  CHINESE_NUMERAL: { zh: '中文数字已转为阿拉伯数字', en: 'Chinese numerals read as digits' },
  FORMULA_RESULT: {
    zh: '公式单元格，取其保存的计算结果',
    en: 'a formula: its saved result is used',
  },
} as const satisfies Record<string, Wording>;
export type Normalization = keyof typeof NORMALIZATIONS;

/** Why the reader refused, in both languages. */
export const REFUSALS = {
  NOT_A_NUMBER: {
    zh: '不是数字：请只填写数字（可带“万”“亿”或“%”）',
    en: 'not a number: write the number alone (万, 亿 or % allowed)',
  },
  BAD_SEPARATOR: {
    zh: '逗号位置不对：千位分隔符应每三位一个',
    en: 'misplaced comma: thousands separators group three digits',
  },
  BAD_CHINESE_NUMERAL: {
    zh: '无法确定的中文数字（如“一千二”请写作“一千二百”或 1200）',
    en: 'an ambiguous Chinese numeral (write 一千二百 or 1200, not 一千二)',
  },
  PERCENT_WITH_MULTIPLIER: {
    zh: '“万”“亿”与“%”不能同时使用',
    en: '万 or 亿 cannot be combined with %',
  },
  PERCENT_NOT_ALLOWED: {
    zh: '该指标不是百分数，不能带“%”',
    en: 'this metric is not a percentage: no % sign',
  },
  TOO_LONG: { zh: '内容过长，不是一个数字', en: 'too long to be a number' },
  NOT_FINITE: { zh: '不是有限的数字', en: 'not a finite number' },
} as const satisfies Record<string, Wording>;
export type Refusal = keyof typeof REFUSALS;

export interface Wording {
  zh: string;
  en: string;
}

export type TypedNumber =
  | { kind: 'blank' }
  | { kind: 'number'; value: string; applied: Normalization[] }
  | ({ kind: 'refused'; reason: Refusal } & Wording);

/** The exact product of two decimals, normalized. */
export function multiplyDecimal(a: string, b: string): string {
  const left = toScaled(a);
  const right = toScaled(b);
  return fromScaled(left.units * right.units, left.scale + right.scale);
}

/**
 * A JavaScript number as the exact decimal of its shortest round-trip form (what a spreadsheet
 * shows): 0.1 is "0.1", 1e-7 is "0.0000001", never a binary expansion.
 */
export function numberToDecimal(value: number): string | null {
  if (!Number.isFinite(value)) return null;
  const [mantissa = '0', exponent = '0'] = String(value).split('e');
  const { units, scale } = toScaled(mantissa);
  const shift = Number(exponent);
  return shift >= 0
    ? fromScaled(units * 10n ** BigInt(shift), scale)
    : fromScaled(units, scale - shift);
}

const MAX_LENGTH = 100;

// Sign, the integer part grouped by commas in threes or not at all, a fraction, then 万/亿
// and a percent sign, each optional; spaces are allowed before the last two ("338 万").
const ARABIC = /^(-)?(?:(\d{1,3}(?:,\d{3})+)|(\d+))(\.\d+)?(?:\s*(万|亿))?(?:\s*(%))?$/;
const CHINESE = /^[零〇一二两三四五六七八九十百千万亿]+$/;

function readNumber(value: number): TypedNumber {
  const decimal = numberToDecimal(value);
  return decimal === null ? refuse('NOT_FINITE') : { kind: 'number', value: decimal, applied: [] };
}

function refuse(reason: Refusal): TypedNumber {
  return { kind: 'refused', reason, ...REFUSALS[reason] };
}

/** Full-width digits and signs (U+FF01–FF5E), the ideographic space and the minus sign, as ASCII. */
function toHalfWidth(text: string): string {
  return text
    .replace(/[\uFF01-\uFF5E]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/\u2212/g, '-');
}
