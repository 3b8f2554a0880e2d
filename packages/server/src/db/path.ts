import { sql, type RawBuilder } from 'kysely';

/**
 * The materialized path of an organization: its ancestors' ids and its own, root first, each
 * zero-padded and followed by '/', in a column collated "C". Byte order then puts a subtree in
 * one contiguous index range, from its root's path up to `subtreeUpperBound` of it.
 */

/**
 * The length of one step of a materialized path, so the path of a unit's ancestor at depth d
 * is the path's first (d + 1) × PATH_SEGMENT_LENGTH characters.
 */
export const PATH_SEGMENT_LENGTH = 11;

/** One step of a materialized path: the id zero-padded so byte order is numeric order. */
export function pathSegment(id: number): string {
  return `${String(id).padStart(PATH_SEGMENT_LENGTH - 1, '0')}/`;
}

/**
 * The exclusive upper bound of a subtree's paths: the path's final '/' raised to '0', the
 * next byte, so every path that starts with the root's path sorts below it.
 */
export function subtreeUpperBound(path: string): string {
  return `${path.slice(0, -1)}0`;
}

/** Whether `path` lies in the subtree whose root has the path `root` (the root included). */
export function isInSubtree(path: string, root: string): boolean {
  return path >= root && path < subtreeUpperBound(root);
}

/**
 * The root of a subtree in SQL: a path column of another row in the statement (its bound is
 * computed in SQL), a known path (its bound is computed here and sent as a parameter), or a
 * scalar subquery answering the root's path (evaluated once, so an index range still serves).
 */
export type SubtreeRoot = { column: string } | { path: string } | { pathQuery: RawBuilder<string> };

/**
 * SQL: the path in `column` lies in the subtree of `root`, as an index range; `below` leaves
 * the root itself out.
 *
 * @example
 * sql`SELECT * FROM organization o JOIN organization k ON ${pathInSubtree('o.path', { column: 'k.path' })}`
 */
export function pathInSubtree(
  column: string,
  root: SubtreeRoot,
  { below = false }: { below?: boolean } = {},
): RawBuilder<boolean> {
  const path = sql.ref(column);
  const [lower, upper] = subtreeBounds(root);
  return below
    ? sql<boolean>`${path} > ${lower} AND ${path} < ${upper}`
    : sql<boolean>`${path} >= ${lower} AND ${path} < ${upper}`;
}

/** SQL: a subtree's lower (its root's path, inclusive) and upper (exclusive) bound. */
function subtreeBounds(root: SubtreeRoot): [RawBuilder<unknown>, RawBuilder<unknown>] {
  if ('path' in root) return [sql`${root.path}`, sql`${subtreeUpperBound(root.path)}`];
  const rootPath = 'column' in root ? sql.ref(root.column) : sql`(${root.pathQuery})`;
  return [rootPath, sql`left(${rootPath}, -1) || '0'`];
}

/** SQL: the path of the ancestor at the depth in `depth` of the unit whose path is in `column`. */
export function ancestorPath(column: string, depth: string): RawBuilder<string> {
  return sql<string>`left(${sql.ref(column)}, ${sql.lit(PATH_SEGMENT_LENGTH)} * (${sql.ref(depth)} + 1))`;
}

/** SQL: the depth of the unit whose path is in `column` (the root is at depth 0). */
export function pathDepth(column: string): RawBuilder<number> {
  return sql<number>`length(${sql.ref(column)}) / ${sql.lit(PATH_SEGMENT_LENGTH)} - 1`;
}
