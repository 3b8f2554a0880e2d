import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { Database, OrganizationRow } from '../../db/tables.js';
import type { BatchGate } from '../../graph/batch-gate.js';
import { groupedLoader } from '../../graph/grouped-loader.js';
import { byIdLoader, requiredLoader } from '../../graph/row-loaders.js';
import { emptyPage, groupByKey, type Page, type PageWindow } from '../../graph/pagination.js';
import {
  countRelated,
  findAncestors,
  findByCodes,
  findByIds,
  findPages,
  type OrganizationFilter,
  type OrganizationOrderField,
  type Relation,
} from './organization.repository.js';
import type { ListOrder } from '../../graph/keyset.js';

export interface RelatedArgs {
  relation: Relation;
  filter: OrganizationFilter;
}

export type OrganizationLoaders = ReturnType<typeof createOrganizationLoaders>;

export function createOrganizationLoaders(db: Kysely<Database>, gate: BatchGate) {
  const byId = byIdLoader((ids) => findByIds(db, ids));

  // Every row any loader fetches is primed into byId, so `parent` of a fetched child costs
  // nothing when the parent was fetched too.
  const prime = (rows: Iterable<OrganizationRow>) => {
    for (const row of rows) byId.prime(row.id, row);
  };

  const byCode = new DataLoader<string, OrganizationRow | null>(async (codes) => {
    const rows = await findByCodes(db, codes);
    prime(rows);
    const found = new Map(rows.map((row) => [row.code, row]));
    return codes.map((code) => found.get(code) ?? null);
  });

  const ancestors = new DataLoader<number, OrganizationRow[]>(async (ids) => {
    const grouped = groupByKey(await findAncestors(db, ids));
    prime([...grouped.values()].flat());
    return ids.map((id) => grouped.get(id) ?? []);
  });

  const pages = groupedLoader<
    RelatedArgs & { order: ListOrder<OrganizationOrderField>; window: PageWindow },
    Page<OrganizationRow>
  >(async (ids, { relation, filter, order, window }) => {
    // A list of units brings in fields that ask for figures: they wait for it (BatchGate).
    const result = await gate.track(findPages(db, relation, ids, filter, order, window));
    prime([...result.values()].flatMap((page) => page.rows));
    return result;
  }, emptyPage);

  const counts = groupedLoader<RelatedArgs, number>(
    (ids, { relation, filter }) => countRelated(db, relation, ids, filter),
    () => 0,
  );

  const required = requiredLoader('organization', byId);
  return { byId, required, byCode, ancestors, pages, counts, prime };
}
