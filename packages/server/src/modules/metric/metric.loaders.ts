import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { Database, MetricDefinitionRow, MetricValueRow } from '../../db/tables.js';
import { groupedLoader } from '../../graph/grouped-loader.js';
import type { Page, PageWindow } from '../../graph/pagination.js';
import { byIdLoader, byParentLoader } from '../../graph/row-loaders.js';
import {
  countValues,
  findDefinitions,
  findValuePages,
  findValuesByActivities,
  findValuesByIds,
  type MetricValueFilter,
} from './metric.repository.js';

export function createMetricLoaders(db: Kysely<Database>) {
  const definitionByCode = new DataLoader<string, MetricDefinitionRow | null>(async (codes) => {
    const rows = await findDefinitions(db, codes);
    const found = new Map(rows.map((row) => [row.code, row]));
    return codes.map((code) => found.get(code) ?? null);
  });

  const valueById = byIdLoader((ids) => findValuesByIds(db, ids));

  const valuesByActivity = byParentLoader(
    (ids) => findValuesByActivities(db, ids),
    (row) => row.activity_id!,
  );

  const valuePages = groupedLoader<
    { filter: MetricValueFilter; window: PageWindow },
    Page<MetricValueRow>
  >(
    (ids, { filter, window }) => findValuePages(db, ids, filter, window),
    () => ({ rows: [], hasNextPage: false }),
  );

  const valueCounts = groupedLoader<MetricValueFilter, number>(
    (ids, filter) => countValues(db, ids, filter),
    () => 0,
  );

  return { definitionByCode, valueById, valuesByActivity, valuePages, valueCounts };
}
