import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { badInput } from '../errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Page size: ${DEFAULT_PAGE_SIZE} by default, at most ${MAX_PAGE_SIZE}.`,
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

/** A validated page request: how many rows, and the sort key to start after. */
export interface PageWindow {
  limit: number;
  after: string | null;
}

export function pageWindow(args: PageArgs): PageWindow {
  const limit = args.first ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
    throw badInput(`first must be between 0 and ${MAX_PAGE_SIZE}, got ${limit}`, 'first');
  }
  return { limit, after: args.after == null ? null : decodeCursor(args.after) };
}

export function encodeCursor(sortKey: string): string {
  return Buffer.from(`cursor:${sortKey}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  // A cursor is ours, so one that decodes to NUL (which no sort key holds) was made up.
  if (
    !decoded.startsWith('cursor:') ||
    decoded.includes('\u0000') ||
    encodeCursor(decoded.slice(7)) !== cursor
  ) {
    throw badInput(`"${cursor}" is not a valid cursor`, 'after');
  }
  return decoded.slice(7);
}

/** One page of rows as fetched: a repository asks for limit + 1 rows to learn if more follow. */
export interface Page<Row> {
  rows: Row[];
  hasNextPage: boolean;
}

export function toPage<Row>(rows: Row[], limit: number): Page<Row> {
  return { rows: rows.slice(0, limit), hasNextPage: rows.length > limit };
}

/** A row of a batched statement, tagged with the key (a parent's id) it was fetched for. */
export type Keyed<Row> = Row & { scope_key: number };

/** The rows of a batched statement by the key each was fetched for, in statement order. */
export function groupByKey<Row>(rows: readonly Keyed<Row>[]): Map<number, Row[]> {
  const grouped = new Map<number, Row[]>();
  for (const { scope_key, ...row } of rows) {
    const list = grouped.get(scope_key) ?? [];
    // The row without its tag is the Row the statement selected beside it.
    list.push(row as Row);
    grouped.set(scope_key, list);
  }
  return grouped;
}

/**
 * One page per key from a batched statement that fetched up to limit + 1 rows for each key
 * (a lateral subquery per key); a key without rows gets an empty page.
 */
export function pagesByKey<Row>(
  keys: readonly number[],
  rows: readonly Keyed<Row>[],
  limit: number,
): Map<number, Page<Row>> {
  const grouped = groupByKey(rows);
  return new Map(keys.map((key) => [key, toPage(grouped.get(key) ?? [], limit)]));
}

/** The counts of a batched statement, by the key each was counted for. */
export function countsByKey(rows: readonly Keyed<{ count: number }>[]): Map<number, number> {
  return new Map(rows.map((row) => [row.scope_key, row.count]));
}

/** Reads a cursor whose sort key is a non-negative integer: a row id, a position. */
export function integerCursor(after: string): number {
  const value = Number(after);
  if (!Number.isSafeInteger(value) || value < 0) throw foreignCursor();
  return value;
}

type CursorPart = 'string' | 'integer';
type CursorValues<Parts extends readonly CursorPart[]> = {
  -readonly [I in keyof Parts]: Parts[I] extends 'integer' ? number : string;
};

/** The sort key of a row ordered by several columns, read back by `tupleCursor`. */
export function tupleSortKey(values: readonly (string | number)[]): string {
  return JSON.stringify(values);
}

/**
 * Reads a cursor whose sort key `tupleSortKey` wrote from the given kinds of value.
 *
 * @example
 * const [metric, start, id] = tupleCursor(window.after, ['string', 'string', 'integer']);
 */
export function tupleCursor<const Parts extends readonly CursorPart[]>(
  after: string,
  parts: Parts,
): CursorValues<Parts> {
  let values: unknown;
  try {
    values = JSON.parse(after);
  } catch {
    throw foreignCursor();
  }
  const fits =
    Array.isArray(values) &&
    values.length === parts.length &&
    parts.every((part, i) =>
      part === 'integer' ? Number.isSafeInteger(values[i]) : typeof values[i] === 'string',
    );
  if (!fits) throw foreignCursor();
  return values as CursorValues<Parts>;
}

function foreignCursor() {
  return badInput('The cursor does not belong to this list', 'after');
}

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/**
 * What a connection type holds before its fields resolve: the page's nodes with their sort keys,
 * and a counter that runs only if the client asks for totalCount.
 */
export class ConnectionSource<Node> {
  constructor(
    readonly nodes: Node[],
    readonly sortKey: (node: Node) => string,
    readonly hasNextPage: boolean,
    /** Runs only when the client selects totalCount. */
    readonly count: () => Promise<number>,
  ) {}

  get edges(): { cursor: string; node: Node }[] {
    return this.nodes.map((node) => ({ cursor: encodeCursor(this.sortKey(node)), node }));
  }

  get pageInfo(): PageInfo {
    const last = this.nodes.at(-1);
    return {
      hasNextPage: this.hasNextPage,
      endCursor: last ? encodeCursor(this.sortKey(last)) : null,
    };
  }
}
