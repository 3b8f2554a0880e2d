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
