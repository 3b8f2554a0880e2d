import { ArgsType, Field, Int, ObjectType } from 'type-graphql';
import { badInput } from '../errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, {
    nullable: true,
    description: `Page size reading forwards: ${DEFAULT_PAGE_SIZE} by default, at most ${MAX_PAGE_SIZE}.`,
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;

  @Field(() => Int, {
    nullable: true,
    description: `Page size reading backwards from the end (or from before): at most ${MAX_PAGE_SIZE}; not with first.`,
  })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'The startCursor of the next page.' })
  before?: string | null;
}

/**
 * A validated page request: how many rows, which way, and the sort keys the rows lie
 * strictly between. Forwards it is the first `limit` rows after `after`; backwards the last
 * `limit` rows before `before` (Relay's cursor connections specification).
 */
export interface PageWindow {
  limit: number;
  backward: boolean;
  after: string | null;
  before: string | null;
}

export function pageWindow(args: PageArgs): PageWindow {
  if (args.first != null && args.last != null) {
    throw badInput('Ask for first or last, not both', 'last');
  }
  const backward = args.last != null;
  const limit = (backward ? args.last : args.first) ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_PAGE_SIZE) {
    const field = backward ? 'last' : 'first';
    throw badInput(`${field} must be between 0 and ${MAX_PAGE_SIZE}, got ${limit}`, field);
  }
  return {
    limit,
    backward,
    after: args.after == null ? null : decodeCursor(args.after, 'after'),
    before: args.before == null ? null : decodeCursor(args.before, 'before'),
  };
}

export function encodeCursor(sortKey: string): string {
  return Buffer.from(`cursor:${sortKey}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string, field: 'after' | 'before'): string {
  const decoded = Buffer.from(cursor, 'base64url').toString('utf8');
  // A cursor is ours, so one that decodes to NUL (which no sort key holds) was made up.
  if (
    !decoded.startsWith('cursor:') ||
    decoded.includes('\u0000') ||
    encodeCursor(decoded.slice(7)) !== cursor
  ) {
    throw badInput(`"${cursor}" is not a valid cursor`, field);
  }
  return decoded.slice(7);
}

/** One page of rows in list order, and whether rows lie beyond it either way. */
export interface Page<Row> {
  rows: Row[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

export function emptyPage<Row>(): Page<Row> {
  return { rows: [], hasNextPage: false, hasPreviousPage: false };
}

/**
 * The page from up to limit + 1 rows fetched in reading order (backwards: from the end), the
 * extra row telling that more follow. A page that starts from a cursor has rows behind it:
 * at least the cursor's own row, which Relay's specification lets us answer without a count.
 */
export function toPage<Row>(rows: Row[], window: PageWindow): Page<Row> {
  const more = rows.length > window.limit;
  const page = rows.slice(0, window.limit);
  if (window.backward) {
    return { rows: page.reverse(), hasNextPage: window.before !== null, hasPreviousPage: more };
  }
  return { rows: page, hasNextPage: more, hasPreviousPage: window.after !== null };
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
 * in reading order (a lateral subquery per key); a key without rows gets an empty page.
 */
export function pagesByKey<Row>(
  keys: readonly number[],
  rows: readonly Keyed<Row>[],
  window: PageWindow,
): Map<number, Page<Row>> {
  const grouped = groupByKey(rows);
  return new Map(keys.map((key) => [key, toPage(grouped.get(key) ?? [], window)]));
}

/** The counts of a batched statement, by the key each was counted for. */
export function countsByKey(rows: readonly Keyed<{ count: number }>[]): Map<number, number> {
  return new Map(rows.map((row) => [row.scope_key, row.count]));
}

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field(() => Boolean)
  hasNextPage!: boolean;

  @Field(() => Boolean)
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

/** An edge of a connection: its cursor is encoded only if the client selects it. */
class Edge<Node> {
  constructor(
    readonly node: Node,
    private readonly sortKey: (node: Node) => string,
  ) {}

  get cursor(): string {
    return encodeCursor(this.sortKey(this.node));
  }
}

/**
 * What a connection type holds before its fields resolve: the page's nodes with their sort keys,
 * and a counter that runs only if the client asks for totalCount.
 */
export class ConnectionSource<Node> {
  constructor(
    readonly nodes: Node[],
    readonly sortKey: (node: Node) => string,
    readonly page: Pick<Page<unknown>, 'hasNextPage' | 'hasPreviousPage'>,
    /** Runs only when the client selects totalCount. */
    readonly count: () => Promise<number>,
  ) {}

  get edges(): Edge<Node>[] {
    return this.nodes.map((node) => new Edge(node, this.sortKey));
  }

  get pageInfo(): PageInfo {
    const cursor = (node: Node | undefined) => (node ? encodeCursor(this.sortKey(node)) : null);
    return {
      hasNextPage: this.page.hasNextPage,
      hasPreviousPage: this.page.hasPreviousPage,
      startCursor: cursor(this.nodes[0]),
      endCursor: cursor(this.nodes.at(-1)),
    };
  }
}
