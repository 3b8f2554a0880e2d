import type { Kysely } from 'kysely';
import type { Database, DocumentRow } from '../../db/tables.js';
import { integerCursor, toPage, type Page, type PageWindow } from '../../graph/pagination.js';

export async function findDocumentsByIds(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<DocumentRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('document')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

/** Documents in the order they were loaded (the seed loads them in file order). */
export async function findDocumentPage(
  db: Kysely<Database>,
  window: PageWindow,
): Promise<Page<DocumentRow>> {
  let query = db
    .selectFrom('document')
    .selectAll()
    .orderBy('id')
    .limit(window.limit + 1);
  if (window.after !== null) query = query.where('id', '>', integerCursor(window.after));
  return toPage(await query.execute(), window.limit);
}

export async function countDocuments(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('document')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
