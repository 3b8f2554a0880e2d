import type { MetricDefinitionRow } from '../../db/tables.js';
import { compareDecimal } from '../../lib/decimal.js';
import { combineQualifiers, ratioQualifier } from './aggregation.qualifier.js';
import type { AggregateRow } from './aggregation.spec.js';
import type { AggregateNullReason, Explained } from './aggregation.type.js';

/**
 * The value of an aggregate row (or of the units below it) with its qualifier, or null with
 * the reason and no qualifier: a missing figure is neither exact nor approximate.
 */
export function explain(
  metric: MetricDefinitionRow,
  row: AggregateRow,
  part: 'value' | 'children',
): Explained {
  if (metric.tree_aggregation === 'RATIO') {
    const numerator = part === 'value' ? row.numerator : row.children_numerator;
    const denominator = part === 'value' ? row.denominator : row.children_denominator;
    const value = part === 'value' ? row.value : row.children_value;
    // The unpaired parts explain a ratio with no pair at all; below the group they are not
    // counted, and that reason is never shown.
    const unpaired =
      part === 'value'
        ? { numerators: row.numerator_unpaired, denominators: row.denominator_unpaired }
        : { numerators: 0, denominators: 0 };
    if (value === null) {
      return {
        value,
        qualifier: null,
        reason: ratioReason(numerator, denominator, unpaired),
      };
    }
    const qualifier = ratioQualifier(
      part === 'value' ? row.numerator_qualifiers : row.children_numerator_qualifiers,
      part === 'value' ? row.denominator_qualifiers : row.children_denominator_qualifiers,
    );
    return { value, qualifier, reason: null };
  }
  const value = part === 'value' ? row.value : row.children_value;
  if (value === null) return { value, qualifier: null, reason: 'NO_DATA' };
  const qualifiers = part === 'value' ? row.qualifiers : row.children_qualifiers;
  return { value, qualifier: combineQualifiers(qualifiers), reason: null };
}

/**
 * Why a ratio is null. Its parts are summed over the units that gave both, so either both
 * sums exist (and the denominator is zero) or neither does; then the parts given without a
 * partner tell which part is missing, or that both were given but never by the same unit.
 */
function ratioReason(
  numerator: string | null,
  denominator: string | null,
  unpaired: { numerators: number; denominators: number },
): AggregateNullReason {
  if (numerator !== null && denominator !== null && compareDecimal(denominator, '0') === 0) {
    return 'DENOMINATOR_ZERO';
  }
  if (unpaired.numerators === 0 && unpaired.denominators === 0) return 'NO_DATA';
  if (unpaired.numerators === 0) return 'NUMERATOR_MISSING';
  if (unpaired.denominators === 0) return 'DENOMINATOR_MISSING';
  return 'PARTS_UNPAIRED';
}

/** Why a series point has no growth rate, when it has none. */
export function growthReason(
  value: string | null,
  previous: string | null,
  growthRate: string | null,
): AggregateNullReason | null {
  if (growthRate !== null) return null;
  if (value === null) return 'NO_DATA';
  if (previous === null) return 'PREVIOUS_MISSING';
  return 'PREVIOUS_ZERO';
}
