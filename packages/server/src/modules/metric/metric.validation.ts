import type { MetricDefinitionRow, MetricUnit } from '../../db/tables.js';
import { badInput, UserError } from '../../errors.js';
import { parseDate, parsePeriod, type Period } from '../../period/period.js';
import {
  DECIMAL_MAX_INTEGER_DIGITS,
  DECIMAL_MAX_SCALE,
  compareDecimal,
  fitsFigureColumns,
  isDecimal,
  isWholeDecimal,
  normalizeDecimal,
} from '../../lib/decimal.js';

/** A figure as a client or a seed file states it, before it is checked. */
export interface MetricValueInput {
  metric: string;
  period: string;
  /** Exact decimal, normalized to the metric's unit (338 万元 → "3380000"). */
  value: string;
  /** When given, must equal the metric's unit. */
  unit?: string | null;
  asOf?: string | null;
}

/** A figure that fits its metric: what the metric_value row is built from. */
export interface ValidMetricValue {
  definition: MetricDefinitionRow;
  period: Period;
  asOf: string | null;
  /** Canonical decimal. */
  value: string;
  unit: MetricUnit;
  /** Whether the value may enter a roll-up as it is (see docs/metrics.md). */
  aggregatable: boolean;
}

/**
 * Checks one figure against its metric definition and throws BAD_USER_INPUT naming the field
 * (`<field>.metric`, `.period`, `.asOf`, `.value`, `.unit`) and the reason: an unknown metric,
 * a malformed period, a value that is not an exact decimal, a negative or fractional count, a
 * percentage above 100, a unit other than the metric's. The seed loader and the submission
 * API both call it, so a figure is held to the same rules whichever way it arrives.
 *
 * @example
 * const definition = await loaders.metric.definitionByCode.load('training.sessions');
 * validateMetricValue(definition, { metric: 'training.sessions', period: '2020', value: '2679' }, 'values.0');
 */
export function validateMetricValue(
  definition: MetricDefinitionRow | null | undefined,
  input: MetricValueInput,
  field = '',
): ValidMetricValue {
  const at = (name: string) => (field ? `${field}.${name}` : name);
  if (!definition) throw badInput(`Unknown metric "${input.metric}"`, at('metric'));
  const period = parsePeriod(input.period, at('period'));
  const asOf = input.asOf == null ? null : parseDate(input.asOf, at('asOf'));

  const name = `${definition.code} (${definition.name_zh})`;
  if (input.unit != null && input.unit !== definition.unit) {
    throw badInput(
      `Wrong unit for ${name}: it is counted in ${definition.unit}, got ${input.unit}`,
      at('unit'),
    );
  }
  const value = validateAmount(input.value, definition, name, at('value'));
  return {
    definition,
    period,
    asOf,
    value,
    unit: definition.unit,
    aggregatable: isAggregatable(definition),
  };
}

/**
 * Checks an amount against the rules of a unit and value type, and returns it normalized:
 * an exact decimal, never negative, whole for counts, 1 or more for ranks, at most 100 for
 * percentages. `name` says what the amount is, for the message.
 */
export function validateAmount(
  amount: string,
  rules: Pick<MetricDefinitionRow, 'unit' | 'value_type'>,
  name: string,
  field: string,
): string {
  // Each refusal in English and in Chinese: the spreadsheet import shows the Chinese to the
  // person who typed the cell; the API carries both (extensions.zh).
  const refuse = (en: string, zh: string) => new UserError('BAD_USER_INPUT', en, { field, zh });
  if (!isDecimal(amount)) {
    throw refuse(
      `"${amount}" is not an exact decimal number (digits, optionally a "." and more digits)`,
      `“${amount}”不是精确的十进制数`,
    );
  }
  // Checked before any arithmetic, as the database's figure columns would refuse it in SQL.
  if (!fitsFigureColumns(amount)) {
    throw refuse(
      `${name} has at most ${DECIMAL_MAX_INTEGER_DIGITS} digits before the point and ${DECIMAL_MAX_SCALE} after`,
      `整数部分最多 ${DECIMAL_MAX_INTEGER_DIGITS} 位，小数部分最多 ${DECIMAL_MAX_SCALE} 位`,
    );
  }
  const value = normalizeDecimal(amount);
  if (compareDecimal(value, '0') < 0) {
    throw refuse(`${name} cannot be negative, got ${value}`, `不能为负数（填的是 ${value}）`);
  }
  if (rules.value_type === 'INTEGER' && !isWholeDecimal(value)) {
    throw refuse(`${name} is a whole count, got ${value}`, `应为整数（填的是 ${value}）`);
  }
  if (rules.unit === 'RANK' && (!isWholeDecimal(value) || compareDecimal(value, '1') < 0)) {
    throw refuse(
      `${name} is a rank: a whole number from 1, got ${value}`,
      `名次应为从 1 开始的整数（填的是 ${value}）`,
    );
  }
  if (
    (rules.value_type === 'PERCENT' || rules.unit === 'PERCENT') &&
    compareDecimal(value, '100') > 0
  ) {
    throw refuse(
      `${name} is a percentage: at most 100, got ${value}`,
      `百分比不能超过 100（填的是 ${value}）`,
    );
  }
  return value;
}

/**
 * Whether a stored value of this metric may be rolled up as it is. A RATIO metric is
 * recomputed from its numerator and denominator at every level, so a stored percentage,
 * which arrives without its base, is kept for display but never summed or averaged; NONE
 * metrics (ranks, rates of unknown base) never combine at all.
 */
export function isAggregatable(definition: MetricDefinitionRow): boolean {
  return (
    definition.tree_aggregation !== 'NONE' &&
    definition.tree_aggregation !== 'RATIO' &&
    definition.value_type !== 'PERCENT'
  );
}
