const DIGITS: Readonly<Record<string, bigint>> = {
  零: 0n,
  〇: 0n,
  一: 1n,
  二: 2n,
  两: 2n,
  三: 3n,
  四: 4n,
  五: 5n,
  六: 6n,
  七: 7n,
  八: 8n,
  九: 9n,
};
const SMALL_UNITS: Readonly<Record<string, bigint>> = { 十: 10n, 百: 100n, 千: 1000n };
const LARGE_UNITS: Readonly<Record<string, bigint>> = { 万: 10_000n, 亿: 100_000_000n };

/**
 * The whole number a simple Chinese numeral writes (`三百` → 300, `一千零五` → 1005, `十二` →
 * 12, `百万` → 1000000, `两亿三千万` → 230000000), or null when it is not one or could be
 * read two ways. A leading unit stands for one of it (`百` = 100). A digit after 百, 千, 万
 * or 亿 with no 零 between is refused: `一千二` is 1200 colloquially and 1002 by the letter.
 * Two digits in a row (`二〇二〇`), units out of order (`十百`) and a repeated 万 or 亿 are
 * refused too.
 *
 * @example
 * readChineseNumeral('三百'); // 300n
 * readChineseNumeral('一千二'); // null
 */
export function readChineseNumeral(text: string): bigint | null {
  if (text === '零' || text === '〇') return 0n;
  // Groups close at 亿 (everything before it) and 万 (the part since the last 亿); `section`
  // is the part below 10000 being read; `digit` waits for the unit that scales it; `lastUnit`
  // is the unit read last, so units must come in falling order.
  let yi = 0n;
  let wan: bigint | null = null;
  let section = 0n;
  let digit: bigint | null = null;
  let lastUnit: bigint | null = null;
  let zero = false;
  let afterZero = false;
  let started = false;
  for (const char of text) {
    const value = DIGITS[char];
    if (value !== undefined) {
      if (digit !== null) return null;
      if (value === 0n) {
        if (zero || !started) return null;
        zero = true;
        continue;
      }
      digit = value;
      afterZero = zero;
      zero = false;
      started = true;
      continue;
    }
    const small = SMALL_UNITS[char];
    if (small !== undefined) {
      if (lastUnit !== null && small >= lastUnit) return null;
      // An implied one (十二, 百万) opens the numeral only; after 零 the digit is written.
      if (digit === null && started) return null;
      section += (digit ?? 1n) * small;
      lastUnit = small;
      digit = null;
      afterZero = false;
      started = true;
      continue;
    }
    const large = LARGE_UNITS[char];
    if (large === undefined || zero) return null;
    if (digit !== null && !digitMayStand(lastUnit, afterZero)) return null;
    let group = section + (digit ?? 0n);
    if (group === 0n) {
      if (started) return null;
      group = 1n;
    }
    if (large === 10_000n) {
      if (wan !== null) return null;
      wan = group * large;
    } else {
      if (yi !== 0n || wan !== null) return null;
      yi = group * large;
    }
    section = 0n;
    digit = null;
    lastUnit = large;
    afterZero = false;
    started = true;
  }
  if (zero) return null;
  if (digit !== null && !digitMayStand(lastUnit, afterZero)) return null;
  return yi + (wan ?? 0n) + section + (digit ?? 0n);
}

/** Whether a digit with no unit after it is unambiguous: first, after 十, or after 零. */
function digitMayStand(lastUnit: bigint | null, afterZero: boolean): boolean {
  return afterZero || lastUnit === null || lastUnit === 10n;
}
