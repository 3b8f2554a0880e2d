import type { MetricUnit } from '@fulian/sdk';
import { UNIT_NAMES } from './words';

/** Numbers and dates as a Chinese reader expects them: 2,679 · 338万 · 2021年1月31日. */

const DATE = new Intl.DateTimeFormat('zh-CN', {
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  timeZone: 'Asia/Shanghai',
});
const DATE_TIME = new Intl.DateTimeFormat('zh-CN', {
  year: 'numeric',
  month: 'long',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hour12: false,
  timeZone: 'Asia/Shanghai',
});
const COUNT = new Intl.NumberFormat('zh-CN');
const PERCENT = new Intl.NumberFormat('zh-CN', { style: 'percent', maximumFractionDigits: 1 });

/**
 * An exact decimal string grouped by thousands without going through a float, so 3380000.5
 * stays 3,380,000.5; 万 and 亿 beside it for large numbers, as Chinese reports write them.
 */
export function decimal(value: string | null | undefined, unit?: MetricUnit | null): string {
  if (value === null || value === undefined) return '—';
  const [whole = '0', fraction] = value.split('.');
  const sign = whole.startsWith('-') ? '-' : '';
  const digits = sign ? whole.slice(1) : whole;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `${sign}${grouped}${fraction ? `.${fraction}` : ''}`;
  if (!unit) return text;
  return unit === 'PERCENT' ? `${text}%` : `${text} ${UNIT_NAMES[unit]}`;
}

/** A count of units or reports. */
export const count = (value: number): string => COUNT.format(value);

/** A share given as a fraction (0.25 → 25%). */
export const percent = (fraction: number | null | undefined): string =>
  fraction === null || fraction === undefined ? '—' : PERCENT.format(fraction);

/** A share given as an exact percentage string ("33.91" → 33.91%). */
export const percentText = (value: string | null | undefined): string =>
  value === null || value === undefined ? '—' : `${value}%`;

export const date = (iso: string | null | undefined): string =>
  iso ? DATE.format(new Date(iso.length === 10 ? `${iso}T00:00:00+08:00` : iso)) : '—';

export const dateTime = (iso: string | null | undefined): string =>
  iso ? DATE_TIME.format(new Date(iso)) : '—';

/** A period as the reports name it: 2020年, 2021年第一季度, 2021年3月. */
export function period(text: string): string {
  const quarter = /^(\d{4})-Q([1-4])$/.exec(text);
  if (quarter) return `${quarter[1]}年第${'一二三四'[Number(quarter[2]) - 1]}季度`;
  const month = /^(\d{4})-(\d{2})$/.exec(text);
  if (month) return `${month[1]}年${Number(month[2])}月`;
  return /^\d{4}$/.test(text) ? `${text}年` : text;
}
