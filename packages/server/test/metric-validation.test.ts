import { describe, expect, it } from 'vitest';
import type { MetricDefinitionRow } from '../src/db/tables.js';
import { compareDecimal, normalizeDecimal } from '../src/lib/decimal.js';
import { multiplyDecimal } from '../src/lib/typed-number.js';
import { isAggregatable, validateMetricValue } from '../src/modules/metric/metric.validation.js';

const definition = (overrides: Partial<MetricDefinitionRow>): MetricDefinitionRow => ({
  code: 'training.sessions',
  name_zh: '培训班期数',
  name_en: 'Training sessions held',
  description: null,
  unit: 'SESSION',
  value_type: 'INTEGER',
  time_aggregation: 'SUM',
  tree_aggregation: 'SUM',
  numerator_code: null,
  denominator_code: null,
  factor: null,
  ...overrides,
});

const sessions = definition({});
const sales = definition({ code: 'livestream.sales', unit: 'YUAN', value_type: 'DECIMAL' });
const share = definition({
  code: 'village_committee.women_share',
  unit: 'PERCENT',
  value_type: 'PERCENT',
  time_aggregation: 'LAST',
  tree_aggregation: 'RATIO',
  numerator_code: 'village_committee.women_members',
  denominator_code: 'village_committee.members',
  factor: '100',
});
const rank = definition({
  code: 'livestream.sales_volume_rank',
  unit: 'RANK',
  time_aggregation: 'NONE',
  tree_aggregation: 'NONE',
});

function failure(fn: () => unknown): { message: string; field: unknown; code: unknown } {
  try {
    fn();
  } catch (error) {
    const { message, extensions } = error as {
      message: string;
      extensions: Record<string, unknown>;
    };
    return { message, field: extensions.field, code: extensions.code };
  }
  throw new Error('expected a failure');
}

describe('exact decimals', () => {
  it('normalizes, compares and multiplies without floating point', () => {
    expect(normalizeDecimal('033.910')).toBe('33.91');
    expect(normalizeDecimal('-0.00')).toBe('0');
    expect(normalizeDecimal('-0')).toBe('0');
    expect(normalizeDecimal('-00.50')).toBe('-0.5');
    // Canonical already: returned as it is.
    for (const text of ['0', '-0.5', '3380000', '33.91', '-12.000001']) {
      expect(normalizeDecimal(text)).toBe(text);
    }
    expect(compareDecimal('100.0', '100')).toBe(0);
    expect(compareDecimal('99.999999999999999999', '100')).toBe(-1);
    expect(multiplyDecimal('3.19', '10000')).toBe('31900');
    expect(multiplyDecimal('0.1', '0.2')).toBe('0.02');
    expect(multiplyDecimal('12345678901234567.89', '100000000')).toBe('1234567890123456789000000');
  });
});

describe('validateMetricValue', () => {
  it('accepts a figure that fits its metric and returns it normalized with its period', () => {
    const valid = validateMetricValue(
      sales,
      { metric: 'livestream.sales', period: '2020-07', value: '3380000.00', unit: 'YUAN' },
      'values.0',
    );
    expect(valid).toMatchObject({
      value: '3380000',
      unit: 'YUAN',
      asOf: null,
      aggregatable: true,
      period: { canonical: '2020-07', type: 'MONTH', start: '2020-07-01', end: '2020-07-31' },
    });
  });

  it.each([
    [
      'an unknown metric',
      null,
      { metric: 'training.nonsense', period: '2020', value: '1' },
      'values.0.metric',
      /Unknown metric "training.nonsense"/,
    ],
    [
      'a malformed period',
      sessions,
      { metric: 'training.sessions', period: '2020Q5', value: '1' },
      'values.0.period',
      /quarter 5/,
    ],
    [
      'a backwards span',
      sessions,
      { metric: 'training.sessions', period: '2023/2018', value: '1' },
      'values.0.period',
      /run forward/,
    ],
    [
      'a negative count',
      sessions,
      { metric: 'training.sessions', period: '2020', value: '-3' },
      'values.0.value',
      /cannot be negative/,
    ],
    [
      'a fractional count',
      sessions,
      { metric: 'training.sessions', period: '2020', value: '2.5' },
      'values.0.value',
      /whole count/,
    ],
    [
      'a percentage above 100',
      share,
      { metric: share.code, period: '2020', value: '100.01', unit: 'PERCENT' },
      'values.0.value',
      /at most 100/,
    ],
    [
      'a value in the wrong unit',
      sales,
      { metric: 'livestream.sales', period: '2020', value: '338', unit: 'PERSON' },
      'values.0.unit',
      /counted in YUAN, got PERSON/,
    ],
    [
      'a float written as text',
      sales,
      { metric: 'livestream.sales', period: '2020', value: '3.38e6' },
      'values.0.value',
      /not an exact decimal/,
    ],
    [
      'rank zero',
      rank,
      { metric: rank.code, period: '2020', value: '0' },
      'values.0.value',
      /a rank/,
    ],
    [
      'an as-of date that is not a day',
      sessions,
      { metric: 'training.sessions', period: '2020', value: '1', asOf: '2021-02' },
      'values.0.asOf',
      /not a date/,
    ],
  ])('rejects %s as BAD_USER_INPUT naming the field', (_, metric, input, field, reason) => {
    const error = failure(() => validateMetricValue(metric, input, 'values.0'));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(error.message).toMatch(reason);
  });

  it('names bare fields when no prefix is given', () => {
    expect(
      failure(() =>
        validateMetricValue(sessions, { metric: 'training.sessions', period: 'x', value: '1' }),
      ).field,
    ).toBe('period');
  });

  it('marks percentages, ratios and NONE metrics as not aggregatable', () => {
    expect(isAggregatable(sessions)).toBe(true);
    expect(isAggregatable(share)).toBe(false);
    expect(isAggregatable(rank)).toBe(false);
    expect(
      isAggregatable(
        definition({ unit: 'PERCENT', value_type: 'PERCENT', tree_aggregation: 'NONE' }),
      ),
    ).toBe(false);
    expect(isAggregatable(definition({ time_aggregation: 'LAST', tree_aggregation: 'SUM' }))).toBe(
      true,
    );
  });
});
