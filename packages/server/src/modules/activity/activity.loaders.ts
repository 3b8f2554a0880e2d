import type { Kysely } from 'kysely';
import type { ActivityRow, Database } from '../../db/tables.js';
import { groupedLoader } from '../../graph/grouped-loader.js';
import { emptyPage, type Page, type PageWindow } from '../../graph/pagination.js';
import { byIdLoader, byParentLoader } from '../../graph/row-loaders.js';
import {
  countActivities,
  findActivitiesByIds,
  findActivitiesByProgrammes,
  findActivityPages,
  findCoOrganizers,
  type ActivityOrderField,
  type ActivityQuery,
} from './activity.repository.js';
import type { ListOrder } from '../../graph/keyset.js';

export function createActivityLoaders(db: Kysely<Database>) {
  const byId = byIdLoader((ids) => findActivitiesByIds(db, ids));
  const prime = (rows: Iterable<ActivityRow>) => {
    for (const row of rows) byId.prime(row.id, row);
  };

  const pages = groupedLoader<
    { query: ActivityQuery; order: ListOrder<ActivityOrderField>; window: PageWindow },
    Page<ActivityRow>
  >(async (ids, { query, order, window }) => {
    const result = await findActivityPages(db, ids, query, order, window);
    prime([...result.values()].flatMap((page) => page.rows));
    return result;
  }, emptyPage);

  const counts = groupedLoader<ActivityQuery, number>(
    (ids, query) => countActivities(db, ids, query),
    () => 0,
  );

  const coOrganizerIds = byParentLoader(
    (ids) => findCoOrganizers(db, ids),
    (row) => row.activity_id,
  );

  const byProgramme = byParentLoader(
    async (ids) => {
      const rows = await findActivitiesByProgrammes(db, ids);
      prime(rows);
      return rows;
    },
    (row) => row.programme_id!,
  );

  return { byId, pages, counts, coOrganizerIds, byProgramme, prime };
}
