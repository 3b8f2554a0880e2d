import { multiplyDecimal, normalizeDecimal } from '../../src/modules/metric/decimal.js';

/** Collapses every run of whitespace to one space, as seeds/README.md compares quotes. */
export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const DIGITS: Record<string, number> = {
  零: 0,
  〇: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
const SMALL_UNITS: Record<string, bigint> = { 十: 10n, 百: 100n, 千: 1000n };
const LARGE_UNITS: Record<string, bigint> = { 万: 10_000n, 亿: 100_000_000n };

/**
 * The number a figure's wording states, as an exact decimal: Arabic digits with a following
 * 万 or 亿 ("3.19万人次" → 31900, "338 万元" → 3380000, "450余万元" → 4500000), or Chinese numerals ("两个" → 2,
 * "百万女性" → 1000000, "十二件" → 12, "全省第一" → 1). Null when the wording has no number.
 */
export function statedNumber(wording: string): { numeral: string; value: string } | null {
  const arabic = /(\d+(?:\.\d+)?)\s*(?:余|多)?(万|亿)?/.exec(wording);
  if (arabic) {
    const [numeral, digits, unit] = arabic;
    const multiplier = unit ? String(LARGE_UNITS[unit]) : '1';
    return {
      numeral: numeral.trim(),
      value: multiplyDecimal(normalizeDecimal(digits!), multiplier),
    };
  }
  const chinese = /[零〇一二两三四五六七八九十百千万亿]+/.exec(wording);
  if (!chinese) return null;
  return { numeral: chinese[0], value: String(chineseNumber(chinese[0])) };
}

function chineseNumber(text: string): bigint {
  // 亿 closes everything before it, 万 closes the group since the last 亿, 十/百/千 scale the
  // digit before them (or an implied 一: 百 = 100).
  let yi = 0n;
  let wan = 0n;
  let section = 0n;
  let digit: bigint | null = null;
  for (const char of text) {
    if (char in DIGITS) {
      digit = BigInt(DIGITS[char]!);
    } else if (char in SMALL_UNITS) {
      section += (digit ?? 1n) * SMALL_UNITS[char]!;
      digit = null;
    } else if (char === '万') {
      wan = (section + (digit ?? (section === 0n ? 1n : 0n))) * LARGE_UNITS[char]!;
      section = 0n;
      digit = null;
    } else {
      const group = wan + section + (digit ?? 0n);
      yi = (yi + (group === 0n ? 1n : group)) * LARGE_UNITS[char]!;
      wan = 0n;
      section = 0n;
      digit = null;
    }
  }
  return yi + wan + section + (digit ?? 0n);
}
