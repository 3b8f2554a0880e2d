import { badInput } from '../errors.js';
import { UnreachableCaseError } from '../unreachable.js';

export const PERIOD_TYPES = ['YEAR', 'QUARTER', 'MONTH', 'DAY', 'SPAN'] as const;
export type PeriodType = (typeof PERIOD_TYPES)[number];

/** A reporting period: its canonical text and the dates it covers, both ends inclusive. */
export interface Period {
  canonical: string;
  type: PeriodType;
  /** First day, 'YYYY-MM-DD'. */
  start: string;
  /** Last day, 'YYYY-MM-DD'. */
  end: string;
}

type SimpleType = Exclude<PeriodType, 'SPAN'>;

const FORMS: { type: SimpleType; pattern: RegExp }[] = [
  { type: 'YEAR', pattern: /^(\d{4})$/ },
  { type: 'QUARTER', pattern: /^(\d{4})Q(\d+)$/ },
  { type: 'MONTH', pattern: /^(\d{4})-(\d{2})$/ },
  { type: 'DAY', pattern: /^(\d{4})-(\d{2})-(\d{2})$/ },
];

// Reports from before the federation's founding (1949) or far in the future are typing slips.
const FIRST_YEAR = 1949;
const LAST_YEAR = 2100;

/**
 * Parses a period in one of its written forms: a year `2020`, a quarter `2020Q1`, a month
 * `2020-05`, a day `2020-05-12`, or a span of two periods of the same form, `2018/2022` or
 * `2020-05/2021-02`, running forward. Throws BAD_USER_INPUT naming `field` otherwise.
 *
 * @example
 * parsePeriod('2020-05/2021-02');
 * // { canonical: '2020-05/2021-02', type: 'SPAN', start: '2020-05-01', end: '2021-02-28' }
 */
export function parsePeriod(text: string, field = 'period'): Period {
  const trimmed = text.trim();
  const parts = trimmed.split('/');
  if (parts.length > 2) throw badInput(`"${text}" is not a period: at most one "/"`, field);
  if (parts.length === 1) return parseSimple(trimmed, text, field);

  const from = parseSimple(parts[0]!.trim(), text, field);
  const to = parseSimple(parts[1]!.trim(), text, field);
  if (from.type !== to.type) {
    throw badInput(
      `"${text}" is not a period: both ends of a span must have the same form (${from.type.toLowerCase()} and ${to.type.toLowerCase()})`,
      field,
    );
  }
  if (from.start >= to.start) {
    throw badInput(`"${text}" is not a period: a span must run forward in time`, field);
  }
  return {
    canonical: `${from.canonical}/${to.canonical}`,
    type: 'SPAN',
    start: from.start,
    end: to.end,
  };
}

/**
 * Parses an as-of date ('YYYY-MM-DD') of a snapshot figure and returns it unchanged when valid.
 */
export function parseDate(text: string, field = 'asOf'): string {
  const period = parsePeriod(text, field);
  if (period.type !== 'DAY') throw badInput(`"${text}" is not a date (YYYY-MM-DD)`, field);
  return period.start;
}

function parseSimple(text: string, original: string, field: string): Period & { type: SimpleType } {
  for (const { type, pattern } of FORMS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const year = Number(match[1]);
    if (year < FIRST_YEAR || year > LAST_YEAR) {
      throw badInput(
        `"${original}" is not a period: year ${year} is outside ${FIRST_YEAR}–${LAST_YEAR}`,
        field,
      );
    }
    switch (type) {
      case 'YEAR':
        return { canonical: text, type, start: `${text}-01-01`, end: `${text}-12-31` };
      case 'QUARTER': {
        const quarter = Number(match[2]);
        if (quarter < 1 || quarter > 4) {
          throw badInput(`"${original}" is not a period: quarter ${quarter} is not 1–4`, field);
        }
        const first = (quarter - 1) * 3 + 1;
        return {
          canonical: `${year}Q${quarter}`,
          type,
          start: isoDate(year, first, 1),
          end: isoDate(year, first + 2, daysInMonth(year, first + 2)),
        };
      }
      case 'MONTH': {
        const month = checkMonth(Number(match[2]), original, field);
        return {
          canonical: text,
          type,
          start: isoDate(year, month, 1),
          end: isoDate(year, month, daysInMonth(year, month)),
        };
      }
      case 'DAY': {
        const month = checkMonth(Number(match[2]), original, field);
        const day = Number(match[3]);
        if (day < 1 || day > daysInMonth(year, month)) {
          throw badInput(`"${original}" is not a period: ${text} is not a calendar day`, field);
        }
        return { canonical: text, type, start: text, end: text };
      }
      default:
        throw new UnreachableCaseError(type);
    }
  }
  throw badInput(
    `"${original}" is not a period: write a year (2020), quarter (2020Q1), month (2020-05), day (2020-05-12) or span (2018/2022)`,
    field,
  );
}

function checkMonth(month: number, original: string, field: string): number {
  if (month < 1 || month > 12) {
    throw badInput(`"${original}" is not a period: month ${month} is not 1–12`, field);
  }
  return month;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}
