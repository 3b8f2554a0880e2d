import { sql, type Kysely, type RawBuilder } from 'kysely';
import type {
  Database,
  OrganizationKind,
  OrganizationLevel,
  OrganizationRow,
} from '../../db/tables.js';
import { keptPlanText } from '../../db/kept-plan.js';
import { pathInSubtree } from '../../db/path.js';
import { preparedStatement } from '../../db/prepared-statement.js';
import { organizationSearchCondition } from '../../db/organization-search.js';
import { existedDuring } from '../../db/validity.js';
import { UnreachableCaseError } from '../../unreachable.js';
import { orderingOf, type ListOrder, type OrderColumn } from '../../graph/keyset.js';
import {
  countOf,
  countPerKey,
  nestedPagesPerKey,
  onePage,
  type NestedKeys,
} from '../../graph/page-query.js';
import type { Keyed, Page, PageWindow } from '../../graph/pagination.js';
import type { RelatedPageRequest } from './organization.page-request.js';

export interface OrganizationFilter {
  level?: OrganizationLevel | null;
  kind?: OrganizationKind | null;
  /** A substring of the name or its pinyin (db/organization-search.ts). */
  search?: string | null;
  /** The day the tree stands on ('YYYY-MM-DD'); unset or null: today. */
  asOf?: string | null;
}

export const ORGANIZATION_ORDER_FIELDS = ['TREE', 'NAME', 'CODE'] as const;
export type OrganizationOrderField = (typeof ORGANIZATION_ORDER_FIELDS)[number];

const byPath: OrderColumn<OrganizationRow> = {
  sql: sql`o.path`,
  kind: 'string',
  value: (row) => row.path,
};

/** The orders of organization lists; the path, unique, breaks ties. */
const organizationColumns: Record<OrganizationOrderField, OrderColumn<OrganizationRow>[]> = {
  // By path: every unit comes right after its parent, on the (level, path) index.
  TREE: [byPath],
  NAME: [{ sql: sql`o.name`, kind: 'string', value: (row) => row.name }, byPath],
  // Units without a division code (departments, zones) sort before every code.
  CODE: [
    { sql: sql`coalesce(o.code, '')`, kind: 'string', value: (row) => row.code ?? '' },
    byPath,
  ],
};

/** The order organization lists have unless asked for another. */
export const TREE_ORDER: ListOrder<OrganizationOrderField> = { field: 'TREE', direction: 'ASC' };

export function organizationOrdering(order: ListOrder<OrganizationOrderField>) {
  return orderingOf('organization', organizationColumns, order);
}

/** The columns of OrganizationRow, every one and no other (the type checks both ways). */
const ROW_COLUMNS = Object.keys({
  id: true,
  code: true,
  seed_key: true,
  name: true,
  region_name: true,
  level: true,
  kind: true,
  parent_id: true,
  path: true,
  depth: true,
  valid_from: true,
  valid_to: true,
  successor_id: true,
} satisfies Record<keyof OrganizationRow, true>) as (keyof OrganizationRow)[];

/** Each alias's list of columns, built once: a list names them on every request. */
const rowColumnsOf = new Map<string, RawBuilder<unknown>>();

/** SQL: OrganizationRow's columns of the organization read as `alias`. */
export function organizationRowColumns(alias: string): RawBuilder<unknown> {
  let columns = rowColumnsOf.get(alias);
  if (columns === undefined) {
    columns = sql.join(ROW_COLUMNS.map((column) => sql.ref(`${alias}.${column}`)));
    rowColumnsOf.set(alias, columns);
  }
  return columns;
}

/** The columns each order's cursor reads (`organizationColumns` above). */
const ORDER_COLUMNS: Record<OrganizationOrderField, readonly (keyof OrganizationRow)[]> = {
  TREE: ['path'],
  NAME: ['name', 'path'],
  CODE: ['code', 'path'],
};

/** Each narrowed list of columns, by its names: a bounded set, built once each. */
const narrowColumnsOf = new Map<string, RawBuilder<unknown>>();

/**
 * SQL: the columns of the organization read as `o` that a list's nodes and its cursors read,
 * in the row's order (so one set of columns is one statement text); every column for null.
 */
function listColumns(
  columns: ReadonlySet<keyof OrganizationRow> | null,
  order: ListOrder<OrganizationOrderField>,
): RawBuilder<unknown> {
  if (columns === null) return organizationRowColumns('o');
  const wanted = new Set<keyof OrganizationRow>(['id', ...columns, ...ORDER_COLUMNS[order.field]]);
  const names = ROW_COLUMNS.filter((column) => wanted.has(column));
  const key = names.join(',');
  let list = narrowColumnsOf.get(key);
  if (list === undefined) {
    list = sql.join(names.map((column) => sql.ref(`o.${column}`)));
    narrowColumnsOf.set(key, list);
  }
  return list;
}

/** Which organizations a batched page or count ranges over, relative to each key organization. */
export type Relation = 'children' | 'descendants';

// The loaders' lookups, compiled once, their plans kept: most requests send one of them, and
// planning one took longer than running it (docs/performance.md, issue 14).
const byIds = preparedStatement<OrganizationRow>(
  keptPlanText(`SELECT ${ROW_COLUMNS.join(', ')} FROM organization WHERE id = ANY($1::int[])`),
);
const byCodes = preparedStatement<OrganizationRow>(
  keptPlanText(`SELECT ${ROW_COLUMNS.join(', ')} FROM organization WHERE code = ANY($1::text[])`),
);

export async function findByIds(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<OrganizationRow[]> {
  if (ids.length === 0) return [];
  return (await byIds(db, [[...ids]])).rows;
}

export async function findByCodes(
  db: Kysely<Database>,
  codes: readonly string[],
): Promise<OrganizationRow[]> {
  if (codes.length === 0) return [];
  return (await byCodes(db, [[...codes]])).rows;
}

/** Ancestors of each organization (root first) in one statement, read off the materialized path. */
export async function findAncestors(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<Keyed<OrganizationRow>[]> {
  const result = await sql<Keyed<OrganizationRow>>`
    SELECT ${organizationRowColumns('a')}, o.id AS scope_key
    FROM organization o
    CROSS JOIN LATERAL unnest(string_to_array(rtrim(o.path, '/'), '/')::int[]) AS ancestor(id)
    JOIN organization a ON a.id = ancestor.id AND a.id <> o.id
    WHERE o.id = ANY(${[...ids]}::int[])
    ORDER BY o.id, a.depth`.execute(db);
  return result.rows;
}

/** The pages of one level of a nested page request, by the unit each was fetched for. */
export interface PagesOfLevel {
  request: RelatedPageRequest;
  pages: Map<number, Page<OrganizationRow>>;
}

/**
 * One page of children or descendants for each key organization, in one statement: a lateral
 * subquery per key walks the (parent_id, path) or (level, path) index in path order. A request
 * with a nested page fetches, in the same statement, that page for each row (and so on down):
 * the pages of each level, the key organizations' first.
 */
export async function findPages(
  db: Kysely<Database>,
  keyIds: readonly number[],
  request: RelatedPageRequest,
): Promise<PagesOfLevel[]> {
  const keys = { ids: keyIds, keyTable: 'organization' } as const;
  return (await nestedPages(db, keys, request)).levels;
}

/**
 * The organization a key names and, in the same statement, the page of units below it a
 * request asks for (with its nested pages): a lookup whose units below are asked for too.
 */
export async function findWithPages(
  db: Kysely<Database>,
  key: OrganizationKey,
  request: RelatedPageRequest,
): Promise<{ row: OrganizationRow | null; levels: PagesOfLevel[] }> {
  const rows = sql`SELECT ${organizationRowColumns('o')} FROM organization o WHERE ${named(key)}`;
  const { keyRows, levels } = await nestedPages(db, { rows }, request);
  return { row: keyRows[0] ?? null, levels };
}

async function nestedPages(
  db: Kysely<Database>,
  keys: NestedKeys,
  request: RelatedPageRequest,
): Promise<{ keyRows: OrganizationRow[]; levels: PagesOfLevel[] }> {
  const requests: RelatedPageRequest[] = [];
  for (let level: RelatedPageRequest | undefined = request; level; level = level.nested) {
    requests.push(level);
  }
  const levels = requests.map(({ relation, filter, order, window }) => ({
    ordering: organizationOrdering(order),
    window,
    rowsOfKey: relatedOfKey(relation, filter),
  }));
  // A unit's children are a few dozen rows on the parent's index whatever the unit, so their
  // plan is kept (planned in ~0.12 ms for ~0.1 ms of work); a subtree's size and a search's
  // plan depend on their values.
  const keepPlan = requests.every(
    ({ relation, filter }) => relation === 'children' && !filter.search,
  );
  const result = await nestedPagesPerKey(db, keys, levels, { keepPlan });
  return {
    keyRows: result.keyRows,
    levels: result.levels.map((pages, index) => ({ request: requests[index]!, pages })),
  };
}

/** How many children or descendants match, for each key organization, in one statement. */
export async function countRelated(
  db: Kysely<Database>,
  relation: Relation,
  keyIds: readonly number[],
  filter: OrganizationFilter,
): Promise<Map<number, number>> {
  const keys = { ids: keyIds, keyTable: 'organization' } as const;
  return countPerKey(db, keys, relatedOfKey(relation, filter));
}

function relatedOfKey(relation: Relation, filter: OrganizationFilter): RawBuilder<unknown> {
  return sql`
    SELECT ${organizationRowColumns('o')} FROM organization o
    WHERE ${relationCondition(relation)} ${filterConditions(filter)}`;
}

/** An organization as a reference names it: by division code or by row id. */
export type OrganizationKey = { code: string } | { id: number };

/**
 * The root list: every organization matching the filter, inside one subtree if given. With
 * `columns`, its rows hold only those, the id and what the order's cursor reads (a page of
 * villages named by code and name parses 4 of the 13 columns); null reads whole rows.
 */
export async function findPage(
  db: Kysely<Database>,
  within: OrganizationKey | null,
  filter: OrganizationFilter,
  order: ListOrder<OrganizationOrderField>,
  window: PageWindow,
  columns: ReadonlySet<keyof OrganizationRow> | null = null,
): Promise<Page<OrganizationRow>> {
  const rows = organizationsWithin(within, filter, listColumns(columns, order));
  // Its plan is kept but for a search, whose plan depends on the term (the gram index or not).
  return onePage(db, organizationOrdering(order), window, rows, { keepPlan: !filter.search });
}

export async function countAll(
  db: Kysely<Database>,
  within: OrganizationKey | null,
  filter: OrganizationFilter,
): Promise<number> {
  return countOf(db, organizationsWithin(within, filter));
}

function organizationsWithin(
  within: OrganizationKey | null,
  filter: OrganizationFilter,
  columns = organizationRowColumns('o'),
): RawBuilder<unknown> {
  return sql`
    SELECT ${columns} FROM organization o
    WHERE true ${withinCondition(within)} ${filterConditions(filter)}`;
}

function relationCondition(relation: Relation): RawBuilder<unknown> {
  switch (relation) {
    case 'children':
      return sql`o.parent_id = k.id`;
    case 'descendants':
      return pathInSubtree('o.path', { column: 'k.path' }, { below: true });
    default:
      throw new UnreachableCaseError(relation);
  }
}

/**
 * The subtree of the unit a key names, its path looked up inside the statement (a unit named
 * by no row bounds nothing, so the list is empty): the list costs no lookup of its own.
 */
function withinCondition(within: OrganizationKey | null): RawBuilder<unknown> {
  if (within === null) return sql``;
  return sql`AND ${pathInSubtree('o.path', { pathQuery: pathOf(within) })}`;
}

/** SQL: the path of the organization a key names, as a subquery (no row: no path). */
export function pathOf(key: OrganizationKey): RawBuilder<string> {
  return sql<string>`SELECT path FROM organization WHERE ${named(key)}`;
}

/** SQL: the condition on an organization row that it is the one a key names. */
function named(key: OrganizationKey): RawBuilder<unknown> {
  return 'code' in key ? sql`code = ${key.code}` : sql`id = ${key.id}`;
}

const OPEN_TODAY = sql`AND ${existedDuring('o', sql`current_date`, sql`current_date`)}`;

function filterConditions(filter: OrganizationFilter): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [];
  if (filter.level) conditions.push(sql`AND o.level = ${filter.level}`);
  if (filter.kind) conditions.push(sql`AND o.kind = ${filter.kind}`);
  if (filter.search) conditions.push(sql`AND ${organizationSearchCondition(filter.search)}`);
  // Only the units open that day: closed ones keep their history but leave the tree.
  if (filter.asOf) {
    const day = sql`${filter.asOf}::date`;
    conditions.push(sql`AND ${existedDuring('o', day, day)}`);
  } else conditions.push(OPEN_TODAY);
  return sql.join(conditions, sql` `);
}
