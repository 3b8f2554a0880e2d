import { badInput } from '../../errors.js';
import { parsePeriod, type Period } from '../../period/period.js';

/** A series covers at most this many periods (ten years of months). */
export const MAX_SERIES_PERIODS = 120;

/**
 * Parses an aggregate's period: a year, quarter or month, or a span of them, which the figures
 * of finer periods inside it make up (periodParts); days are refused, since reports are per
 * year, quarter or month.
 */
export function aggregatePeriod(text: string, field = 'period'): Period {
  const period = parsePeriod(text, field);
  const kind =
    period.type === 'SPAN' ? parsePeriod(period.canonical.split('/')[0]!).type : period.type;
  if (kind === 'DAY') {
    throw badInput(
      'Aggregates are per year, quarter or month, or a span of them, not per day',
      field,
    );
  }
  return period;
}

/**
 * How coarse a period is: a span of periods holds years, a year quarters, a quarter months.
 * A figure for a coarser period beats the figures of the finer ones inside it.
 */
const GRAIN = { SPAN: 0, YEAR: 1, QUARTER: 2, MONTH: 3 } as const;
type ReportedType = keyof typeof GRAIN;

/** One period whose figures can make up an asked period, and the periods it lies in. */
export interface PeriodPart {
  asked: string;
  period: string;
  /** Its last day, 'YYYY-MM-DD': the latest period is the one a LAST takes. */
  end: string;
  grain: number;
  /** The periods between it and the asked one (the asked one included): each would beat it. */
  enclosing: string[];
}

/**
 * The periods whose figures an aggregate of `asked` combines: the asked period itself, and
 * every year, quarter and month inside it with the coarser periods enclosing each, so a unit's
 * figure for a period beats its figures for the periods inside.
 *
 * @example
 * periodParts(parsePeriod('2020Q2')).map((part) => part.period); // ['2020Q2', '2020-04', '2020-05', '2020-06']
 */
export function periodParts(asked: Period): PeriodPart[] {
  const parts: PeriodPart[] = [];
  const add = (period: Period, enclosing: string[]): void => {
    parts.push({
      asked: asked.canonical,
      period: period.canonical,
      end: period.end,
      grain: GRAIN[period.type as ReportedType],
      enclosing,
    });
    const inner = innerPeriods(period);
    for (const part of inner) add(part, [...enclosing, period.canonical]);
  };
  add(asked, []);
  return parts;
}

/** The periods one step finer that make up a period: a span's, a year's quarters, a quarter's months. */
function innerPeriods(period: Period): Period[] {
  switch (period.type) {
    case 'SPAN': {
      const [from, to] = period.canonical.split('/') as [string, string];
      return enumeratePeriods(from, to, 'period');
    }
    case 'YEAR':
      return [1, 2, 3, 4].map((quarter) => parsePeriod(`${period.canonical}Q${quarter}`));
    case 'QUARTER': {
      const first = Number(period.start.slice(5, 7));
      const year = period.start.slice(0, 4);
      return [0, 1, 2].map((k) => parsePeriod(`${year}-${String(first + k).padStart(2, '0')}`));
    }
    default:
      return [];
  }
}

/** The kinds of reports whose figures can make up a period of this kind: the same or finer. */
export function reportedTypesWithin(type: string): ReportedType[] {
  const grain = GRAIN[type as ReportedType] ?? GRAIN.MONTH;
  return (Object.keys(GRAIN) as ReportedType[]).filter((kind) => GRAIN[kind] >= grain);
}

/**
 * Every period from `from` to `to`, both included, of their common type.
 *
 * @example
 * enumeratePeriods('2019', '2021').map((p) => p.canonical); // ['2019', '2020', '2021']
 */
export function enumeratePeriods(fromText: string, toText: string, field?: string): Period[] {
  const from = stepPeriod(fromText, field ?? 'from');
  const to = stepPeriod(toText, field ?? 'to');
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

/** A period a series steps through: a year, quarter or month. */
function stepPeriod(text: string, field: string): Period {
  const period = parsePeriod(text, field);
  if (period.type === 'SPAN' || period.type === 'DAY') {
    throw badInput(
      `A series steps through years, quarters or months, not ${period.type.toLowerCase()}s`,
      field,
    );
  }
  return period;
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
