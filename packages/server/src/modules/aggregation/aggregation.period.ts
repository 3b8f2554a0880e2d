import { badInput } from '../../errors.js';
import { parsePeriod, type Period } from '../../period/period.js';

/** A series covers at most this many periods (ten years of months). */
export const MAX_SERIES_PERIODS = 120;

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
