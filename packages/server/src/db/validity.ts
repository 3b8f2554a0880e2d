import { sql, type RawBuilder } from 'kysely';

/**
 * SQL: the organization `alias` existed on some day from `start` to `end` (both included):
 * it opened on or before `end` (a null valid_from: since before the first edition loaded) and
 * was not closed by `start` (valid_to is the first day it no longer exists). The tree as of a
 * day is the units that existed from that day to that day; a reporting period's units are
 * those that existed on any of its days, so a unit closed or opened inside a period belongs
 * to it, and one closed before its first day or opened after its last does not.
 *
 * @example
 * sql`SELECT id FROM organization o WHERE ${existedDuring('o', sql`${'2023-01-01'}::date`, sql`${'2023-12-31'}::date`)}`
 */
export function existedDuring(
  alias: string,
  start: RawBuilder<unknown>,
  end: RawBuilder<unknown>,
): RawBuilder<boolean> {
  const from = sql.ref(`${alias}.valid_from`);
  const to = sql.ref(`${alias}.valid_to`);
  return sql<boolean>`(${from} IS NULL OR ${from} <= ${end}) AND (${to} IS NULL OR ${to} > ${start})`;
}

/** The same for known days ('YYYY-MM-DD'), sent as parameters. */
export function existedBetween(alias: string, start: string, end: string): RawBuilder<boolean> {
  return existedDuring(alias, sql`${start}::date`, sql`${end}::date`);
}
