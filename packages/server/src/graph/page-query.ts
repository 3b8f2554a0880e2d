import { sql, type Kysely, type RawBuilder } from 'kysely';
import { keptPlan } from '../db/kept-plan.js';
import type { Database } from '../db/tables.js';
import { keyset, type Ordering } from './keyset.js';
import {
  countsByKey,
  pagesByKey,
  toPage,
  type Keyed,
  type Page,
  type PageWindow,
} from './pagination.js';

/**
 * The statements every list runs. A list is given as its rows' `SELECT … FROM … WHERE …`,
 * which the page's bound, order and limit extend, and which a count wraps. A batched list's
 * statement reads the key it is fetched for as `k` (`k.id`, or any column of `keyTable`); a
 * batched page may also read tables that a `WITH …` clause given beside it computes once for
 * all keys.
 */

/** Where the keys of a batched statement come from. */
export interface KeySource {
  ids: readonly number[];
  /** A table whose rows the subquery reads as `k` (by default only `k.id` is there). */
  keyTable?: 'organization';
}

function keyRows({ ids, keyTable }: KeySource): {
  from: RawBuilder<unknown>;
  where: RawBuilder<unknown>;
} {
  if (keyTable === undefined)
    return { from: sql`unnest(${[...ids]}::int[]) AS k(id)`, where: sql`` };
  return { from: sql`${sql.table(keyTable)} k`, where: sql`WHERE k.id = ANY(${[...ids]}::int[])` };
}

/**
 * One page of a list; with `keepPlan`, its statement keeps its plan (db/kept-plan.ts), for a
 * list whose statements come in a bounded set of shapes and whose plan needs no value.
 */
export async function onePage<Row>(
  db: Kysely<Database>,
  ordering: Ordering<Row>,
  window: PageWindow,
  rows: RawBuilder<unknown>,
  { keepPlan = false }: { keepPlan?: boolean } = {},
): Promise<Page<Row>> {
  const page = keyset(ordering, window);
  const statement = sql<Row>`${rows} ${page.where} ${page.orderBy} ${page.limit}`;
  const result = await (keepPlan ? keptPlan(statement) : statement).execute(db);
  return toPage(result.rows, window);
}

/** How many rows a list holds. */
export async function countOf(db: Kysely<Database>, rows: RawBuilder<unknown>): Promise<number> {
  const result = await sql<{ count: number }>`SELECT count(*) AS count FROM (${rows}) r`.execute(
    db,
  );
  return result.rows[0]?.count ?? 0;
}

/**
 * One page for each key in one statement: a lateral subquery per key, which an index with the
 * key in front serves in either direction. A key without rows gets an empty page. With
 * `keepPlan`, as for `onePage`.
 */
export async function pagePerKey<Row>(
  db: Kysely<Database>,
  keys: KeySource,
  ordering: Ordering<Row>,
  window: PageWindow,
  rowsOfKey: RawBuilder<unknown>,
  {
    withClause = sql``,
    keepPlan = false,
  }: { withClause?: RawBuilder<unknown>; keepPlan?: boolean } = {},
): Promise<Map<number, Page<Row>>> {
  const page = keyset(ordering, window);
  const { from, where } = keyRows(keys);
  const statement = sql<Keyed<Row>>`
    ${withClause}
    SELECT r.*, k.id AS scope_key
    FROM ${from}
    CROSS JOIN LATERAL (${rowsOfKey} ${page.where} ${page.orderBy} ${page.limit}) r
    ${where}`;
  const result = await (keepPlan ? keptPlan(statement) : statement).execute(db);
  return pagesByKey(keys.ids, result.rows, window);
}

/** One level of a nested page: the rows of a key, their order and the window. */
export interface PageLevel<Row> {
  ordering: Ordering<Row>;
  window: PageWindow;
  rowsOfKey: RawBuilder<unknown>;
}

/**
 * The keys of a nested page: ids (as for pagePerKey), or the rows a statement selects, which
 * come back beside their pages (a unit looked up by code with its children).
 */
export type NestedKeys = KeySource | { rows: RawBuilder<unknown> };

/** The rows `NestedKeys` selected (none for ids), and each level's pages by key. */
export interface NestedPages<Row> {
  keyRows: Row[];
  levels: Map<number, Page<Row>>[];
}

/**
 * A page for each key and, in the same statement, a page for each row of those pages, level
 * below level (units, their children, their children's children): each level reads the rows
 * of the level above as its keys (`k`, with every column of those rows). The nested lists of a
 * request then cost one statement, not one per level. Every row a level fetched, the extra one
 * that tells more follow included, has a page at the next.
 */
export async function nestedPagesPerKey<Row extends { id: number }>(
  db: Kysely<Database>,
  keys: NestedKeys,
  levels: readonly PageLevel<Row>[],
  { keepPlan = false }: { keepPlan?: boolean } = {},
): Promise<NestedPages<Row>> {
  const [first] = levels;
  // Ids and one level are pagePerKey's statement, as every other list sends it.
  if ('ids' in keys && levels.length === 1 && first) {
    const pages = await pagePerKey(db, keys, first.ordering, first.window, first.rowsOfKey, {
      keepPlan,
    });
    return { keyRows: [], levels: [pages] };
  }
  const source = 'ids' in keys ? keyRows(keys) : { from: sql`key_rows k`, where: sql`` };
  const tables = levels.map((level, index) => {
    const page = keyset(level.ordering, level.window);
    const from = index === 0 ? source.from : sql`${sql.table(`level_${index - 1}`)} k`;
    return sql`${sql.table(`level_${index}`)} AS (
      SELECT r.*, k.id AS scope_key
      FROM ${from}
      CROSS JOIN LATERAL (${level.rowsOfKey} ${page.where} ${page.orderBy} ${page.limit}) r
      ${index === 0 ? source.where : sql``})`;
  });
  const parts = levels.map(
    (_, index) =>
      sql`SELECT ${sql.lit(index)} AS page_level, * FROM ${sql.table(`level_${index}`)}`,
  );
  if ('rows' in keys) {
    tables.unshift(sql`key_rows AS (${keys.rows})`);
    parts.unshift(sql`SELECT -1 AS page_level, *, id AS scope_key FROM key_rows`);
  }
  const statement = sql<Keyed<Row> & { page_level: number }>`
    WITH ${sql.join(tables)} ${sql.join(parts, sql` UNION ALL `)}`;
  const result = await (keepPlan ? keptPlan(statement) : statement).execute(db);
  const found: Row[] = [];
  const grouped = levels.map(() => new Map<number, Row[]>());
  for (const { page_level, scope_key, ...fields } of result.rows) {
    const row = fields as unknown as Row;
    if (page_level < 0) {
      found.push(row);
      continue;
    }
    const byKey = grouped[page_level]!;
    const list = byKey.get(scope_key) ?? [];
    list.push(row);
    byKey.set(scope_key, list);
  }
  let keyIds: readonly number[] = 'ids' in keys ? keys.ids : found.map((row) => row.id);
  const pages = levels.map((level, index) => {
    const byKey = grouped[index]!;
    const levelPages = new Map(
      keyIds.map((key) => [key, toPage(byKey.get(key) ?? [], level.window)] as const),
    );
    keyIds = [...byKey.values()].flat().map((row) => row.id);
    return levelPages;
  });
  return { keyRows: found, levels: pages };
}

/** How many rows each key's list holds, in one statement. */
export async function countPerKey(
  db: Kysely<Database>,
  keys: KeySource,
  rowsOfKey: RawBuilder<unknown>,
): Promise<Map<number, number>> {
  const { from, where } = keyRows(keys);
  const result = await sql<Keyed<{ count: number }>>`
    SELECT k.id AS scope_key, (SELECT count(*) FROM (${rowsOfKey}) r) AS count
    FROM ${from} ${where}`.execute(db);
  return countsByKey(result.rows);
}

/** A list hanging off each key (a report's history, its figures): its pages and its counts. */
export interface KeyedList<Row> {
  pages(
    db: Kysely<Database>,
    ids: readonly number[],
    window: PageWindow,
  ): Promise<Map<number, Page<Row>>>;
  counts(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, number>>;
}

/** The list of `rowsOfKey` for each key (`k.id`), paged in `ordering`. */
export function keyedList<Row>(
  ordering: Ordering<Row>,
  rowsOfKey: RawBuilder<unknown>,
): KeyedList<Row> {
  return {
    pages: (db, ids, window) => pagePerKey(db, { ids }, ordering, window, rowsOfKey),
    counts: (db, ids) => countPerKey(db, { ids }, rowsOfKey),
  };
}
