import { sql, type RawBuilder } from 'kysely';
import { badInput } from '../errors.js';
import { codeEnum } from './enum.js';
import type { PageWindow } from './pagination.js';

/**
 * The kinds of value a sort key holds. Each is checked when a cursor is read back, so a
 * made-up cursor is refused as bad input instead of failing in the database.
 */
const kinds = {
  string: { valid: (value: unknown) => typeof value === 'string', cast: null },
  integer: {
    valid: (value: unknown) =>
      Number.isInteger(value) && Math.abs(value as number) <= 2_147_483_647,
    cast: 'int',
  },
  bigint: { valid: (value: unknown) => Number.isSafeInteger(value), cast: 'bigint' },
  date: {
    valid: (value: unknown) =>
      typeof value === 'string' &&
      /^\d{4}-\d{2}-\d{2}$/.test(value) &&
      !Number.isNaN(Date.parse(value)) &&
      new Date(value).toISOString().startsWith(value),
    cast: 'date',
  },
  decimal: {
    valid: (value: unknown) => typeof value === 'string' && /^-?\d{1,20}(\.\d{1,10})?$/.test(value),
    cast: 'numeric',
  },
} as const;

/** One column of a list's order: its SQL expression, and how to read its value from a row. */
export interface OrderColumn<Row> {
  sql: RawBuilder<unknown>;
  kind: keyof typeof kinds;
  value: (row: Row) => string | number;
}

/**
 * An order a list can be read in. The columns together place every row uniquely (the last
 * is a unique key) and hold no NULL, and they all run the same way, so a single row
 * comparison finds where a cursor's row was in either direction.
 *
 * @example
 * const byName: Ordering<OrganizationRow> = {
 *   name: 'organization:NAME',
 *   columns: [
 *     { sql: sql`o.name`, kind: 'string', value: (row) => row.name },
 *     { sql: sql`o.id`, kind: 'integer', value: (row) => row.id },
 *   ],
 * };
 */
export interface Ordering<Row> {
  /** Written into every cursor, so that a cursor of another list or order is refused. */
  name: string;
  columns: readonly OrderColumn<Row>[];
  descending?: boolean;
}

export const ORDER_DIRECTIONS = ['ASC', 'DESC'] as const;
export type OrderDirection = (typeof ORDER_DIRECTIONS)[number];
export const OrderDirectionEnum = codeEnum(
  ORDER_DIRECTIONS,
  'OrderDirection',
  'Which way a list runs: ASC (A to Z, earliest first, smallest first) or DESC.',
);

/** An order as a client asks for it: one of the list's order fields, either way. */
export interface ListOrder<Field extends string> {
  field: Field;
  direction: OrderDirection;
}

/**
 * The ordering of a list by one of its order fields, either way. Its name, and so every
 * cursor, says list, field and direction: a cursor of one order is refused by another.
 */
export function orderingOf<Row, Field extends string>(
  list: string,
  columns: Record<Field, readonly OrderColumn<Row>[]>,
  order: ListOrder<Field>,
): Ordering<Row> {
  return {
    name: `${list}:${order.field}:${order.direction}`,
    columns: columns[order.field],
    descending: order.direction === 'DESC',
  };
}

/** What a row's cursor encodes: the ordering's name and the row's values of its columns. */
export function sortKeyOf<Row>(ordering: Ordering<Row>, row: Row): string {
  return JSON.stringify([ordering.name, ...ordering.columns.map((column) => column.value(row))]);
}

function readSortKey<Row>(
  ordering: Ordering<Row>,
  sortKey: string,
  field: 'after' | 'before',
): (string | number)[] {
  let values: unknown;
  try {
    values = JSON.parse(sortKey);
  } catch {
    values = null;
  }
  const fits =
    Array.isArray(values) &&
    values.length === ordering.columns.length + 1 &&
    values[0] === ordering.name &&
    ordering.columns.every((column, i) => kinds[column.kind].valid(values[i + 1]));
  if (!fits) throw badInput('The cursor does not belong to this list', field);
  return (values as (string | number)[]).slice(1);
}

/** The parts of a statement that read one page of a list: bounds, order and row limit. */
export interface KeysetClauses {
  /** `AND …` conditions keeping the rows strictly between the window's cursors (or nothing). */
  where: RawBuilder<unknown>;
  /** `ORDER BY …` in reading order: from the end when the window reads backwards. */
  orderBy: RawBuilder<unknown>;
  /** `LIMIT limit + 1`: the extra row tells `toPage` that more follow. */
  limit: RawBuilder<unknown>;
}

/**
 * The clauses that read a window's page of a list in an order, for `toPage` to turn into a
 * page. An index on the ordering's columns (with the list's filter in front) serves them in
 * either direction.
 */
export function keyset<Row>(ordering: Ordering<Row>, window: PageWindow): KeysetClauses {
  const columns = sql.join(ordering.columns.map((column) => column.sql));
  const descending = ordering.descending ?? false;
  const bound = (sortKey: string | null, field: 'after' | 'before', above: boolean) => {
    if (sortKey === null) return sql``;
    const values = sql.join(
      readSortKey(ordering, sortKey, field).map((value, i) => {
        const cast = kinds[ordering.columns[i]!.kind].cast;
        return cast === null ? sql`${value}` : sql`${value}::${sql.raw(cast)}`;
      }),
    );
    return sql`AND (${columns}) ${sql.raw(above ? '>' : '<')} (${values})`;
  };
  const direction = sql.raw(descending !== window.backward ? 'DESC' : 'ASC');
  return {
    where: sql`${bound(window.after, 'after', !descending)} ${bound(window.before, 'before', descending)}`,
    orderBy: sql`ORDER BY ${sql.join(ordering.columns.map((column) => sql`${column.sql} ${direction}`))}`,
    limit: sql`LIMIT ${window.limit + 1}`,
  };
}
