/**
 * Exact decimal arithmetic on strings, for the few places that must reason about a figure in
 * JavaScript (validation, reading what people type). Figures never pass through a float: the
 * database keeps them as numeric, and this code works on scaled BigInts.
 */

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
/** A decimal in canonical form, or "-0": no leading zeros, no trailing fractional zeros. */
const CANONICAL = /^-?(?:0|[1-9]\d*)(?:\.\d*[1-9])?$/;

/**
 * The most digits a figure may have before and after the point: numeric(30, 10), what the
 * database's figure columns hold (migration 0006-decimal-limits).
 */
export const DECIMAL_MAX_INTEGER_DIGITS = 20;
export const DECIMAL_MAX_SCALE = 10;

/**
 * Whether a decimal fits the figure columns, its digits counted as written less leading and
 * trailing zeros, before any conversion, so a megabyte of digits costs no more than reading it.
 */
export function fitsFigureColumns(text: string): boolean {
  const [whole = '', fraction = ''] = text.replace(/^-/, '').split('.');
  return (
    whole.replace(/^0+/, '').length <= DECIMAL_MAX_INTEGER_DIGITS &&
    fraction.replace(/0+$/, '').length <= DECIMAL_MAX_SCALE
  );
}

/** Whether text is a plain decimal number: optional minus, digits, optional fraction. */
export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

/**
 * The canonical form of a decimal: no leading zeros, no trailing fractional zeros, no "-0".
 *
 * @example
 * normalizeDecimal('033.910'); // '33.91'
 */
export function normalizeDecimal(text: string): string {
  // Most decimals arrive canonical already (the database's numeric output of a figure): they
  // are returned as they are, without the trip through a BigInt and back.
  if (CANONICAL.test(text) && text !== '-0') return text;
  const { units, scale } = toScaled(text);
  return fromScaled(units, scale);
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const left = toScaled(a);
  const right = toScaled(b);
  const scale = Math.max(left.scale, right.scale);
  const x = left.units * 10n ** BigInt(scale - left.scale);
  const y = right.units * 10n ** BigInt(scale - right.scale);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Whether the decimal has no fractional part. */
export function isWholeDecimal(text: string): boolean {
  return !normalizeDecimal(text).includes('.');
}

/** A decimal as an integer number of units of 10^-scale ("-1.25" → -125n, scale 2). */
export function toScaled(text: string): { units: bigint; scale: number } {
  const match = DECIMAL.exec(text);
  if (!match) throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ''] = match;
  const units = BigInt(`${whole}${fraction}`);
  return { units: sign === '-' ? -units : units, scale: fraction.length };
}

/** The canonical decimal of units × 10^-scale. */
export function fromScaled(units: bigint, scale: number): string {
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  const text = fraction ? `${whole}.${fraction}` : whole;
  return negative && text !== '0' ? `-${text}` : text;
}
