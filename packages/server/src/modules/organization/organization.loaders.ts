import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';
import type { Database, OrganizationRow } from '../../db/tables.js';
import type { BatchGate } from '../../graph/batch-gate.js';
import { groupedLoader, type GroupedKey } from '../../graph/grouped-loader.js';
import { byIdLoader, requiredLoader, type RequiredLoader } from '../../graph/row-loaders.js';
import { FieldMemo } from '../../graph/field-memo.js';
import { emptyPage, groupByKey, type Page } from '../../graph/pagination.js';
import type { RelatedArgs, RelatedPageRequest } from './organization.page-request.js';
import {
  countRelated,
  findAncestors,
  findByCodes,
  findByIds,
  findPages,
  findWithPages,
  type OrganizationKey,
  type PagesOfLevel,
} from './organization.repository.js';

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
  #pages?: DataLoader<GroupedKey<RelatedPageRequest>, Page<OrganizationRow>, string>;
  #counts?: ReturnType<typeof countsLoader>;
  #pageRequests?: FieldMemo<RelatedPageRequest>;

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

  get pages(): DataLoader<GroupedKey<RelatedPageRequest>, Page<OrganizationRow>, string> {
    return (this.#pages ??= groupedLoader<RelatedPageRequest, Page<OrganizationRow>>(
      async (ids, request) => {
        // A list of units brings in fields that ask for figures: they wait for it (BatchGate).
        const levels = await this.gate.track(findPages(this.db, ids, request));
        this.#primePages(levels);
        return levels[0]!.pages;
      },
      emptyPage,
    ));
  }

  /**
   * The organization a key names, with the page of units below it that its `children` field
   * will ask for, in one statement; what it fetched answers that field and lookups by id.
   */
  async withPages(
    key: OrganizationKey,
    request: RelatedPageRequest,
  ): Promise<OrganizationRow | null> {
    const { row, levels } = await this.gate.track(findWithPages(this.db, key, request));
    if (row !== null) this.prime([row]);
    this.#primePages(levels);
    return row;
  }

  /**
   * Puts pages of units into `pages`' cache under the request they answer, their rows into
   * `byId`'s: the pages a statement fetched for the fields below answer them when they ask
   * (priming a key of the batch being loaded, already in the cache, changes nothing).
   */
  #primePages(levels: readonly PagesOfLevel[]): void {
    for (const { request, pages } of levels) {
      for (const [id, page] of pages) {
        this.prime(page.rows);
        this.pages.prime({ id, args: request }, page);
      }
    }
  }

  get counts(): ReturnType<typeof countsLoader> {
    return (this.#counts ??= countsLoader(this.db));
  }

  /** The page request of each `children` field (OrganizationResolver.children). */
  get pageRequests(): FieldMemo<RelatedPageRequest> {
    return (this.#pageRequests ??= new FieldMemo());
  }

  /** Puts rows fetched elsewhere into `byId`'s cache. */
  readonly prime = (rows: Iterable<OrganizationRow>): void => {
    const { byId } = this;
    for (const row of rows) byId.prime(row.id, row);
  };
}

function countsLoader(db: Kysely<Database>) {
  return groupedLoader<RelatedArgs, number>(
    (ids, { relation, filter }) => countRelated(db, relation, ids, filter),
    () => 0,
  );
}
