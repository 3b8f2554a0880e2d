import type { Random } from '../random.js';
import type { TemplateMetric } from './submissions.js';
import type { UnitLevel } from './units.js';

// The figures of the generated reports: each unit's own, the SUBTREE totals some units report
// instead, ratios recomputed from their parts, and how a figure is written.

/**
 * What a unit at each level reports of its own work, relative to a village: a county
 * federation with its staff runs a dozen times what one village women's federation does.
 */
export const LEVEL_SIZE: Record<UnitLevel, number> = {
  VILLAGE: 1,
  TOWNSHIP: 4,
  COUNTY: 12,
  CITY: 30,
  PROVINCE: 60,
};

/** A village federation's typical yearly figure, by the metric's unit. */
export const VILLAGE_MEDIAN: Record<string, number> = {
  SESSION: 1.5,
  PERSON_TIME: 60,
  PERSON: 25,
  HOUSEHOLD: 2,
  ORGANIZATION: 1,
  EVENT: 2,
  CASE: 0.6,
  YUAN: 6_000,
  ITEM: 1.5,
  PROJECT: 0.4,
  VISIT: 8,
  ARTICLE: 1,
  HOUR: 10,
  SQUARE_METER: 80,
};

/** Figures left blank in a report that was otherwise filled in. */
export const MISSING_VALUE = 0.06;
/** Figures given as approximate (余, 约, 近) at county level and above. */
export const APPROXIMATE = 0.05;

/** The template's metrics with what every figure computation looks up, computed once. */
export interface MetricShape {
  metrics: readonly TemplateMetric[];
  position: Map<string, number>;
  /** RATIO metrics whose parts are both in the template. */
  ratios: { ratio: number; numerator: number; denominator: number; factor: number }[];
  /** Each metric's family: a RATIO metric and its parts share one (and one scope). */
  family: Map<string, string>;
  /**
   * Whether a figure of each metric may be rolled up as it is; as the server decides it, not
   * for ratios (recomputed from their parts), percentages or ranks.
   */
  aggregatable: boolean[];
}

export function metricShape(metrics: readonly TemplateMetric[]): MetricShape {
  const position = new Map(metrics.map((metric, index) => [metric.code, index]));
  const ratios = metrics.flatMap((metric, ratio) => {
    const numerator = position.get(metric.numerator ?? '');
    const denominator = position.get(metric.denominator ?? '');
    return metric.treeAggregation === 'RATIO' &&
      numerator !== undefined &&
      denominator !== undefined
      ? [{ ratio, numerator, denominator, factor: Number(metric.factor ?? 1) }]
      : [];
  });
  const family = new Map(metrics.map((metric) => [metric.code, metric.code]));
  for (const { ratio, numerator, denominator } of ratios) {
    family.set(metrics[numerator]!.code, metrics[ratio]!.code);
    family.set(metrics[denominator]!.code, metrics[ratio]!.code);
  }
  const aggregatable = metrics.map(
    (metric) =>
      metric.treeAggregation !== 'NONE' &&
      metric.treeAggregation !== 'RATIO' &&
      metric.valueType !== 'PERCENT',
  );
  return { metrics, position, ratios, family, aggregatable };
}

export const NO_FAMILIES: ReadonlySet<string> = new Set();

export interface Figures {
  /** Exact decimal strings, undefined where the figure is left blank. */
  values: (string | undefined)[];
  qualifiers: (string | undefined)[];
  /** The amounts as numbers (blank ones too, for subtree totals of the real activity). */
  amounts: Float64Array;
}

/** A unit's own figures for one year: magnitudes by level and unit size, growing yearly. */
export function ownFigures(
  random: Random,
  shape: MetricShape,
  level: UnitLevel,
  size: number,
  yearIndex: number,
): Figures {
  const { metrics } = shape;
  const amounts = new Float64Array(metrics.length);
  const values: (string | undefined)[] = [];
  const qualifiers: (string | undefined)[] = [];
  const growth = 1 + 0.06 * yearIndex;
  metrics.forEach((metric, m) => {
    if (metric.treeAggregation === 'RATIO') return;
    amounts[m] =
      metric.treeAggregation === 'NONE'
        ? random.int(1, 20)
        : (VILLAGE_MEDIAN[metric.unit] ?? 5) *
          LEVEL_SIZE[level] *
          size *
          growth *
          random.logNormal(1, 0.25);
  });
  // A ratio's numerator is a share of its denominator (women among committee members).
  for (const { numerator, denominator } of shape.ratios) {
    const share = Math.min(1, Math.max(0, 0.32 + 0.08 * random.normal()));
    amounts[denominator] = Math.max(1, Math.round(amounts[denominator]!));
    amounts[numerator] = Math.round(amounts[denominator]! * share);
  }
  metrics.forEach((metric, m) => {
    if (metric.treeAggregation === 'RATIO') return;
    if (random.chance(MISSING_VALUE)) return;
    const approximate = level !== 'VILLAGE' && level !== 'TOWNSHIP' && random.chance(APPROXIMATE);
    const amount = approximate ? roughly(amounts[m]!) : amounts[m]!;
    values[m] = decimal(amount, metric.valueType);
    if (approximate) qualifiers[m] = random.pick(APPROXIMATE_QUALIFIERS);
  });
  fillRatios(shape, values, qualifiers);
  return { values, qualifiers, amounts };
}

export const APPROXIMATE_QUALIFIERS = ['AT_LEAST', 'ABOUT', 'NEARLY'] as const;

/**
 * A city's or province's figures: its own for most metrics, the subtree's total (its own
 * work plus everything below, a little off as reported totals are, often "余") for the
 * metrics it reports that way.
 */
export function subtreeFigures(
  random: Random,
  shape: MetricShape,
  own: Figures,
  sums: Float64Array,
  subtree: ReadonlySet<string>,
): Figures {
  const { metrics } = shape;
  const values = [...own.values];
  const qualifiers = [...own.qualifiers];
  metrics.forEach((metric, m) => {
    if (metric.treeAggregation === 'RATIO' || !subtree.has(shape.family.get(metric.code)!)) return;
    const total = (own.amounts[m]! + sums[m]!) * (0.97 + 0.08 * random.next());
    const approximate = random.chance(0.3);
    values[m] = decimal(approximate ? roughly(total) : total, metric.valueType);
    qualifiers[m] = approximate ? 'AT_LEAST' : undefined;
  });
  fillRatios(shape, values, qualifiers);
  return { values, qualifiers, amounts: own.amounts };
}

/** A RATIO metric's figure, computed from its parts when both are there (else left blank). */
export function fillRatios(
  shape: MetricShape,
  values: (string | undefined)[],
  qualifiers: (string | undefined)[],
): void {
  for (const { ratio, numerator, denominator, factor } of shape.ratios) {
    const top = values[numerator];
    const bottom = values[denominator];
    values[ratio] =
      top === undefined || bottom === undefined || Number(bottom) === 0
        ? undefined
        : ((Number(top) / Number(bottom)) * factor).toFixed(1);
    qualifiers[ratio] = undefined;
  }
}

export function addTo(sums: Float64Array, amounts: Float64Array): void {
  for (let m = 0; m < sums.length; m += 1) sums[m]! += amounts[m]!;
}

/** Two significant digits, as "1200余" rounds a figure. */
export function roughly(amount: number): number {
  if (amount < 10) return Math.round(amount);
  const magnitude = 10 ** (Math.floor(Math.log10(amount)) - 1);
  return Math.floor(amount / magnitude) * magnitude;
}

export function decimal(amount: number, valueType: TemplateMetric['valueType']): string {
  return valueType === 'INTEGER' ? String(Math.max(0, Math.round(amount))) : amount.toFixed(2);
}

export function wording(value: string, qualifier: string): string {
  switch (qualifier) {
    case 'AT_LEAST':
      return `${value}余`;
    case 'ABOUT':
      return `约${value}`;
    default:
      return `近${value}`;
  }
}
