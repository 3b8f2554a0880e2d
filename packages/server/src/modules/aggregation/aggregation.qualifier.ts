import type { Qualifier } from '../../db/tables.js';

/**
 * How exact a combination of figures is: EXACT when every part is; the parts' one approximate
 * qualifier when they share it (a sum with an AT_LEAST part is itself AT_LEAST); ABOUT when
 * approximate parts disagree (an AT_LEAST plus an AT_MOST bounds nothing).
 *
 * @example
 * combineQualifiers(['EXACT', 'AT_LEAST']); // 'AT_LEAST'
 * combineQualifiers(['AT_LEAST', 'NEARLY']); // 'ABOUT'
 */
export function combineQualifiers(qualifiers: readonly Qualifier[] | null): Qualifier {
  const approximate = new Set((qualifiers ?? []).filter((qualifier) => qualifier !== 'EXACT'));
  if (approximate.size === 0) return 'EXACT';
  if (approximate.size === 1) return [...approximate][0]!;
  return 'ABOUT';
}

/**
 * The qualifier of numerator ÷ denominator: a lower bound on the denominator is an upper
 * bound on the quotient and the other way round; NEARLY (just under) on the denominator puts
 * the quotient just over, which only ABOUT describes.
 */
export function ratioQualifier(
  numerator: readonly Qualifier[] | null,
  denominator: readonly Qualifier[] | null,
): Qualifier {
  const flipped = (denominator ?? []).map((qualifier): Qualifier => {
    switch (qualifier) {
      case 'AT_LEAST':
        return 'AT_MOST';
      case 'AT_MOST':
        return 'AT_LEAST';
      case 'NEARLY':
        return 'ABOUT';
      default:
        return qualifier;
    }
  });
  return combineQualifiers([...(numerator ?? []), ...flipped]);
}
