import { sql, type Kysely } from 'kysely';
import type { Database, DocumentRow } from '../../db/tables.js';
import type { Ordering } from '../../graph/keyset.js';
import { onePage } from '../../graph/page-query.js';
import type { Page, PageWindow } from '../../graph/pagination.js';

/** Documents are listed in the order they were loaded (the seed loads them in file order). */
export const documentOrder: Ordering<DocumentRow> = {
  name: 'document',
  columns: [{ sql: sql`d.id`, kind: 'integer', value: (row) => row.id }],
};

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

export async function findDocumentPage(
  db: Kysely<Database>,
  window: PageWindow,
): Promise<Page<DocumentRow>> {
  return onePage(db, documentOrder, window, sql`SELECT d.* FROM document d WHERE true`);
}

export async function countDocuments(db: Kysely<Database>): Promise<number> {
  const row = await db
    .selectFrom('document')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
