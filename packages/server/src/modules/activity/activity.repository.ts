import { sql, type Kysely, type RawBuilder } from 'kysely';
import { pathInSubtree } from '../../db/path.js';
import { containsPattern, termGrams } from '../../db/search-grams.js';
import type { ActivityKind, ActivityRow, Database, OrganizationRow } from '../../db/tables.js';
import { orderingOf, type ListOrder, type OrderColumn } from '../../graph/keyset.js';
import { countOf, countPerKey, onePage, pagePerKey } from '../../graph/page-query.js';
import type { Page, PageWindow } from '../../graph/pagination.js';

/** A validated activity filter: the period already parsed into its days. */
export interface ActivityQuery {
  kind?: ActivityKind | null;
  overlaps?: { start: string; end: string } | null;
  theme?: string | null;
  search?: string | null;
}

export const ACTIVITY_ORDER_FIELDS = ['LOADED', 'DATE'] as const;
export type ActivityOrderField = (typeof ACTIVITY_ORDER_FIELDS)[number];

const byId: OrderColumn<ActivityRow> = { sql: sql`a.id`, kind: 'integer', value: (row) => row.id };

/** The orders of activity lists; the id, unique, breaks ties. */
const activityColumns: Record<ActivityOrderField, OrderColumn<ActivityRow>[]> = {
  LOADED: [byId],
  // By the day the activity starts; an activity without a date sorts as the earliest.
  DATE: [
    {
      sql: sql`coalesce(a.period_start, DATE '0001-01-01')`,
      kind: 'date',
      value: (row) => row.period_start ?? '0001-01-01',
    },
    byId,
  ],
};

/** The order activity lists have unless asked for another: load order. */
export const LOADED_ORDER: ListOrder<ActivityOrderField> = { field: 'LOADED', direction: 'ASC' };

export function activityOrdering(order: ListOrder<ActivityOrderField>) {
  return orderingOf('activity', activityColumns, order);
}

export async function findActivitiesByIds(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<ActivityRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('activity')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

export async function findActivitiesByProgrammes(
  db: Kysely<Database>,
  programmeIds: readonly number[],
): Promise<ActivityRow[]> {
  if (programmeIds.length === 0) return [];
  return db
    .selectFrom('activity')
    .selectAll()
    .where('programme_id', 'in', [...programmeIds])
    .orderBy('id')
    .execute();
}

export async function findCoOrganizers(
  db: Kysely<Database>,
  activityIds: readonly number[],
): Promise<{ activity_id: number; organization_id: number }[]> {
  if (activityIds.length === 0) return [];
  return db
    .selectFrom('activity_co_organizer')
    .select(['activity_id', 'organization_id'])
    .where('activity_id', 'in', [...activityIds])
    .orderBy('activity_id')
    .orderBy('organization_id')
    .execute();
}

/**
 * One page of the activities each key organization organized or co-organized, in one
 * statement: a lateral subquery per organization reads its ids from the organizer index and
 * the co-organizer index.
 */
export async function findActivityPages(
  db: Kysely<Database>,
  organizationIds: readonly number[],
  query: ActivityQuery,
  order: ListOrder<ActivityOrderField>,
  window: PageWindow,
): Promise<Map<number, Page<ActivityRow>>> {
  const ordering = activityOrdering(order);
  return pagePerKey(db, { ids: organizationIds }, ordering, window, activitiesOfKey(query));
}

export async function countActivities(
  db: Kysely<Database>,
  organizationIds: readonly number[],
  query: ActivityQuery,
): Promise<Map<number, number>> {
  return countPerKey(db, { ids: organizationIds }, activitiesOfKey(query));
}

function activitiesOfKey(query: ActivityQuery): RawBuilder<unknown> {
  return sql`
    SELECT a.* FROM activity a
    WHERE a.id IN (
      SELECT id FROM activity WHERE organization_id = k.id
      UNION
      SELECT activity_id FROM activity_co_organizer WHERE organization_id = k.id
    ) ${conditions(query)}`;
}

/** The root list: activities organized inside one subtree (or anywhere), filtered. */
export async function findActivityPage(
  db: Kysely<Database>,
  within: OrganizationRow | null,
  query: ActivityQuery,
  order: ListOrder<ActivityOrderField>,
  window: PageWindow,
): Promise<Page<ActivityRow>> {
  return onePage(db, activityOrdering(order), window, activitiesWithin(within, query));
}

export async function countAllActivities(
  db: Kysely<Database>,
  within: OrganizationRow | null,
  query: ActivityQuery,
): Promise<number> {
  return countOf(db, activitiesWithin(within, query));
}

function activitiesWithin(
  within: OrganizationRow | null,
  query: ActivityQuery,
): RawBuilder<unknown> {
  return sql`
    SELECT a.* FROM activity a
    WHERE true ${withinCondition(within)} ${conditions(query)}`;
}

function withinCondition(within: OrganizationRow | null): RawBuilder<unknown> {
  if (within === null) return sql``;
  return sql`AND a.organization_id IN (
    SELECT o.id FROM organization o
    WHERE ${pathInSubtree('o.path', within)})`;
}

function conditions(query: ActivityQuery): RawBuilder<unknown> {
  const parts: RawBuilder<unknown>[] = [];
  if (query.kind) parts.push(sql`AND a.kind = ${query.kind}`);
  if (query.overlaps) {
    parts.push(
      sql`AND a.period_start <= ${query.overlaps.end}::date AND a.period_end >= ${query.overlaps.start}::date`,
    );
  }
  if (query.theme) parts.push(sql`AND a.themes @> ARRAY[${query.theme}]::text[]`);
  if (query.search) {
    // The gram index finds the rows holding every piece of the term; LIKE then keeps those
    // where the pieces are the term itself, in order.
    const term = query.search.toLowerCase();
    parts.push(sql`AND a.search_grams @> ${termGrams(term)}
      AND lower(a.title || ' ' || coalesce(a.corrected_title, '') || ' ' || coalesce(a.description, ''))
        LIKE ${containsPattern(term)}`);
  }
  return parts.length === 0 ? sql`` : sql.join(parts, sql` `);
}
