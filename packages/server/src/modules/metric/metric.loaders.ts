import DataLoader, { type CacheMap } from 'dataloader';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/tables.js';
import type { BatchGate } from '../../graph/batch-gate.js';
import { FieldMemo } from '../../graph/field-memo.js';
import { groupedLoader, type GroupedKey } from '../../graph/grouped-loader.js';
import type { Page, PageWindow } from '../../graph/pagination.js';
import { byIdLoader, byParentLoader, requiredLoader } from '../../graph/row-loaders.js';
import {
  countValues,
  findDefinitions,
  findValuePages,
  findValuePagesByMetric,
  findValuesByActivities,
  findValuesByIds,
  type FigureColumn,
  type FigureRow,
  type MetricValueFilter,
  type ReportedMetric,
  type ValueOrderField,
} from './metric.repository.js';
import type { ListOrder } from '../../graph/keyset.js';

export interface ValuePageArgs {
  filter: MetricValueFilter;
  order: ListOrder<ValueOrderField>;
  window: PageWindow;
}
/**
 * A request for one unit's page of figures, with its shape: what the request asks but its unit
 * and, when it names one, its metric. Requests of one shape are answered by one statement.
 */
export interface ValuePageKey extends GroupedKey<ValuePageArgs> {
  readonly shape: string;
  /** The columns its fields read (all when null); a statement selects those of all its keys. */
  readonly columns: ReadonlySet<FigureColumn> | null;
  /** The shape, the metric and the columns: with the unit, the key's place in the cache. */
  readonly signature: string;
}

/** What a page request's key holds but its unit: worked out once per field of a request. */
export type ValuePageRequest = Omit<ValuePageKey, 'id'>;

/**
 * A page request's shape and signature, written once, here (the cache key and the batch's
 * grouping both read them); the shape as a flat array, which JSON writes faster than the nested
 * arguments.
 */
export function valuePageRequest(
  args: ValuePageArgs,
  columns: ReadonlySet<FigureColumn> | null,
): ValuePageRequest {
  const { filter, order, window } = args;
  const shape = JSON.stringify([
    // Pages named by metric share one statement whatever their metric (findValuePagesByMetric).
    filter.metric ? true : (filter.metric ?? null),
    filter.within?.start ?? null,
    filter.within?.end ?? null,
    filter.scope,
    order.field,
    order.direction,
    window.limit,
    window.backward,
    window.after,
    window.before,
  ]);
  // The shape is a JSON array, so where it ends is known and the metric after it is whole.
  const read = columns === null ? '*' : [...columns].sort().join(',');
  return { args, shape, columns, signature: `${shape}|${read}|${filter.metric ?? ''}` };
}

export function createMetricLoaders(db: Kysely<Database>, gate: BatchGate) {
  const definitionByCode = new DataLoader<string, ReportedMetric | null>(async (codes) => {
    const rows = await findDefinitions(db, codes);
    const found = new Map(rows.map((row) => [row.code, row]));
    return codes.map((code) => found.get(code) ?? null);
  });

  const valueById = byIdLoader((ids) => findValuesByIds(db, ids));

  const valuesByActivity = byParentLoader(
    (ids) => findValuesByActivities(db, ids),
    (row) => row.activity_id!,
  );

  // Pages of figures named by metric are batched across metrics (findValuePagesByMetric), and
  // held while a list of units is in flight (BatchGate): a tree's figures at every level then
  // cost one statement. A page is null when its metric is not defined.
  const valuePages = new DataLoader<ValuePageKey, Page<FigureRow> | null, ValuePageKey>(
    async (keys) => {
      const groups = new Map<string, { args: ValuePageArgs; keys: ValuePageKey[] }>();
      for (const key of keys) {
        const group = groups.get(key.shape) ?? { args: key.args, keys: [] };
        group.keys.push(key);
        groups.set(key.shape, group);
      }
      const pages = new Map<ValuePageKey, Page<FigureRow> | null>();
      await Promise.all(
        [...groups.values()].map(async ({ args, keys: grouped }) => {
          if (args.filter.metric) {
            const pairs = grouped.map((key) => ({ id: key.id, metric: key.args.filter.metric! }));
            const found = await findValuePagesByMetric(
              db,
              pairs,
              args.filter,
              args.order,
              args.window,
              columnsOfAll(grouped),
            );
            grouped.forEach((key, index) => pages.set(key, found[index] ?? null));
          } else {
            const ids = [...new Set(grouped.map((key) => key.id))];
            const found = await findValuePages(db, ids, args.filter, args.order, args.window);
            for (const key of grouped) pages.set(key, found.get(key.id)!);
          }
        }),
      );
      return keys.map((key) => pages.get(key)!);
    },
    { cacheMap: new PageCache(), batchScheduleFn: gate.schedule },
  );

  const valueCounts = groupedLoader<MetricValueFilter, number>(
    (ids, filter) => countValues(db, ids, filter),
    () => 0,
  );

  const requiredDefinition = requiredLoader('metric_definition', definitionByCode);
  return {
    definitionByCode,
    requiredDefinition,
    valueById,
    valuesByActivity,
    valuePages,
    /** The page request of each field of figures (OrganizationContentResolver.metricValues). */
    valuePageRequests: new FieldMemo<ValuePageRequest>(),
    valueCounts,
  };
}

/**
 * The page loader's cache, by signature, then unit: a key's text (unit and signature) is not
 * built and hashed for each of a tree's 302 loads; a signature is one string per field, whose
 * hash is kept.
 */
class PageCache<Value> implements CacheMap<ValuePageKey, Value> {
  readonly #bySignature = new Map<string, Map<number, Value>>();

  get(key: ValuePageKey): Value | undefined {
    return this.#bySignature.get(key.signature)?.get(key.id);
  }

  set(key: ValuePageKey, value: Value): void {
    let byUnit = this.#bySignature.get(key.signature);
    if (byUnit === undefined) this.#bySignature.set(key.signature, (byUnit = new Map()));
    byUnit.set(key.id, value);
  }

  delete(key: ValuePageKey): void {
    this.#bySignature.get(key.signature)?.delete(key.id);
  }

  clear(): void {
    this.#bySignature.clear();
  }
}

/** The columns some key of a batch reads; null (every column) when one of them reads all. */
function columnsOfAll(keys: readonly ValuePageKey[]): ReadonlySet<FigureColumn> | null {
  const columns = new Set<FigureColumn>();
  for (const key of keys) {
    if (key.columns === null) return null;
    for (const column of key.columns) columns.add(column);
  }
  return columns;
}
