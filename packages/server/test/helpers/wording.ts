import { readTypedNumber } from '../../src/lib/typed-number.js';

/** Collapses every run of whitespace to one space, as seeds/README.md compares quotes. */
export function collapse(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * The number a figure's wording states, as an exact decimal: Arabic digits with a following
 * 万 or 亿 ("3.19万人次" → 31900, "338 万元" → 3380000, "450余万元" → 4500000), or Chinese numerals ("两个" → 2,
 * "百万女性" → 1000000, "十二件" → 12, "全省第一" → 1). Null when the wording has no number.
 */
export function statedNumber(wording: string): { numeral: string; value: string } | null {
  // The number itself is read by the normalizer the API and the spreadsheet import use; this
  // only finds it in running text, where 余/多 may stand between the digits and 万.
  const arabic = /(\d+(?:\.\d+)?)\s*(?:余|多)?(万|亿)?/.exec(wording);
  const chinese = /[零〇一二两三四五六七八九十百千万亿]+/.exec(wording);
  const found = arabic
    ? { numeral: arabic[0].trim(), number: `${arabic[1]}${arabic[2] ?? ''}` }
    : chinese && { numeral: chinese[0], number: chinese[0] };
  if (!found) return null;
  const read = readTypedNumber(found.number);
  return read.kind === 'number' ? { numeral: found.numeral, value: read.value } : null;
}
