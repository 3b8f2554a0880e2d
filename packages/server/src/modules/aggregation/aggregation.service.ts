import type { Context } from '../../context.js';
import type { MetricDefinitionRow, OrganizationLevel, SubmissionStatus } from '../../db/tables.js';
import { badInput } from '../../errors.js';
import { compareDecimal } from '../../lib/decimal.js';
import { requireByReference } from '../organization/organization.reference.js';
import { parsePeriod, type Period } from '../../period/period.js';
import {
  aggregateQuery,
  type AggregateRow,
  type AggregateStatement,
  type PathRange,
} from './aggregation.repository.js';
import { totalsQuery } from './aggregation.totals.js';
import { combineQualifiers, ratioQualifier } from './aggregation.qualifier.js';
import type { AggregateNullReason, Explained } from './aggregation.type.js';

/** A series covers at most this many periods (ten years of months). */
export const MAX_SERIES_PERIODS = 120;

export async function resolveWithin(
  { loaders }: Context,
  within: string | null | undefined,
): Promise<PathRange | null> {
  if (!within) return null;
  const row = await requireByReference(loaders.organization, within, 'within');
  return { path: row.path };
}

/**
 * The statement that answers aggregates of groups at `level`: the maintained totals, but for
 * the national root, whose total is not kept (nor are the provinces' it would read; see
 * migration 0007): it is computed from the figures.
 */
export function statementFor(level: OrganizationLevel): AggregateStatement {
  return level === 'NATIONAL' ? aggregateQuery : totalsQuery;
}

/** Approved figures only, unless the caller asks for submitted ones too. */
export function countedStatuses(includeSubmitted: boolean | null | undefined): SubmissionStatus[] {
  return includeSubmitted ? ['APPROVED', 'SUBMITTED'] : ['APPROVED'];
}

/** Parses an aggregate's period; spans are refused, since reports are per year, quarter or month. */
export function aggregatePeriod(text: string, field = 'period'): Period {
  const period = parsePeriod(text, field);
  if (period.type === 'SPAN' || period.type === 'DAY') {
    throw badInput(
      `Aggregates are per year, quarter or month, not per ${period.type.toLowerCase()}`,
      field,
    );
  }
  return period;
}

/**
 * Every period from `from` to `to`, both included, of their common type.
 *
 * @example
 * enumeratePeriods('2019', '2021').map((p) => p.canonical); // ['2019', '2020', '2021']
 */
export function enumeratePeriods(fromText: string, toText: string): Period[] {
  const from = aggregatePeriod(fromText, 'from');
  const to = aggregatePeriod(toText, 'to');
  if (from.type !== to.type) {
    throw badInput(`from and to must be the same kind of period (${from.type}, ${to.type})`, 'to');
  }
  if (from.start > to.start) throw badInput('to comes before from', 'to');
  const periods: Period[] = [];
  let current = from;
  while (current.start <= to.start) {
    if (periods.length === MAX_SERIES_PERIODS) {
      throw badInput(`A series covers at most ${MAX_SERIES_PERIODS} periods`, 'to');
    }
    periods.push(current);
    current = following(current);
  }
  return periods;
}

function following(period: Period): Period {
  const year = Number(period.start.slice(0, 4));
  const month = Number(period.start.slice(5, 7));
  switch (period.type) {
    case 'YEAR':
      return parsePeriod(String(year + 1));
    case 'QUARTER': {
      const quarter = (month - 1) / 3 + 1;
      return parsePeriod(quarter === 4 ? `${year + 1}Q1` : `${year}Q${quarter + 1}`);
    }
    case 'MONTH':
      return parsePeriod(
        month === 12 ? `${year + 1}-01` : `${year}-${String(month + 1).padStart(2, '0')}`,
      );
    default:
      throw badInput(`Cannot step through ${period.type.toLowerCase()} periods`, 'from');
  }
}

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
