import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { Database, OrganizationRow } from '../../db/tables.js';
import type { BatchGate } from '../../graph/batch-gate.js';
import { groupedLoader } from '../../graph/grouped-loader.js';
import { byIdLoader, requiredLoader, type RequiredLoader } from '../../graph/row-loaders.js';
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

/**
 * The organization module's loaders of one request, each built when first read: most requests
 * read one of them (a lookup by id or by code), and building all five DataLoaders, with their
 * caches and the grouped loaders' key maps, was a fixed cost of every request that reads one
 * (docs/performance.md, issue 14). Every row any of them fetches is primed into `byId`, so
 * `parent` of a fetched child costs nothing when the parent was fetched too.
 */
export class OrganizationLoaders {
  #byId?: DataLoader<number, OrganizationRow | null>;
  #required?: RequiredLoader<number, OrganizationRow>;
  #byCode?: DataLoader<string, OrganizationRow | null>;
  #ancestors?: DataLoader<number, OrganizationRow[]>;
  #pages?: ReturnType<typeof pagesLoader>;
  #counts?: ReturnType<typeof countsLoader>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly gate: BatchGate,
  ) {}

  get byId(): DataLoader<number, OrganizationRow | null> {
    return (this.#byId ??= byIdLoader((ids) => findByIds(this.db, ids)));
  }

  get required(): RequiredLoader<number, OrganizationRow> {
    return (this.#required ??= requiredLoader('organization', this.byId));
  }

  get byCode(): DataLoader<string, OrganizationRow | null> {
    return (this.#byCode ??= new DataLoader<string, OrganizationRow | null>(async (codes) => {
      const rows = await findByCodes(this.db, codes);
      this.prime(rows);
      const found = new Map(rows.map((row) => [row.code, row]));
      return codes.map((code) => found.get(code) ?? null);
    }));
  }

  get ancestors(): DataLoader<number, OrganizationRow[]> {
    return (this.#ancestors ??= new DataLoader<number, OrganizationRow[]>(async (ids) => {
      const grouped = groupByKey(await findAncestors(this.db, ids));
      this.prime([...grouped.values()].flat());
      return ids.map((id) => grouped.get(id) ?? []);
    }));
  }

  get pages(): ReturnType<typeof pagesLoader> {
    return (this.#pages ??= pagesLoader(this.db, this.gate, this.prime));
  }

  get counts(): ReturnType<typeof countsLoader> {
    return (this.#counts ??= countsLoader(this.db));
  }

  /** Puts rows fetched elsewhere into `byId`'s cache. */
  readonly prime = (rows: Iterable<OrganizationRow>): void => {
    const { byId } = this;
    for (const row of rows) byId.prime(row.id, row);
  };
}

function pagesLoader(
  db: Kysely<Database>,
  gate: BatchGate,
  prime: (rows: Iterable<OrganizationRow>) => void,
) {
  return groupedLoader<
    RelatedArgs & { order: ListOrder<OrganizationOrderField>; window: PageWindow },
    Page<OrganizationRow>
  >(async (ids, { relation, filter, order, window }) => {
    // A list of units brings in fields that ask for figures: they wait for it (BatchGate).
    const result = await gate.track(findPages(db, relation, ids, filter, order, window));
    prime([...result.values()].flatMap((page) => page.rows));
    return result;
  }, emptyPage);
}

function countsLoader(db: Kysely<Database>) {
  return groupedLoader<RelatedArgs, number>(
    (ids, { relation, filter }) => countRelated(db, relation, ids, filter),
    () => 0,
  );
}
