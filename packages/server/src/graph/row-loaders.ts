import DataLoader from 'dataloader';

/**
 * A loader of rows by id: one statement per batch, answers in key order, null for ids that
 * do not exist.
 */
export function byIdLoader<Row extends { id: number }>(
  fetch: (ids: number[]) => Promise<Row[]>,
): DataLoader<number, Row | null> {
  return new DataLoader<number, Row | null>(async (ids) => {
    const rows = await fetch([...ids]);
    const found = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => found.get(id) ?? null);
  });
}

/**
 * A loader of the rows hanging off each parent (a plan's sections, an activity's figures):
 * one statement per batch; the fetch returns rows in the order each list should have.
 */
export function byParentLoader<Row>(
  fetch: (parentIds: number[]) => Promise<Row[]>,
  parentOf: (row: Row) => number,
): DataLoader<number, Row[]> {
  return new DataLoader<number, Row[]>(async (parentIds) => {
    const grouped = new Map<number, Row[]>();
    for (const row of await fetch([...parentIds])) {
      const list = grouped.get(parentOf(row)) ?? [];
      list.push(row);
      grouped.set(parentOf(row), list);
    }
    return parentIds.map((id) => grouped.get(id) ?? []);
  });
}

/** A row a foreign key points at was not there: our fault, logged with its table and key. */
export class MissingRowError extends Error {
  constructor(
    readonly table: string,
    readonly key: number | string,
  ) {
    super(`${table} ${key} is referenced but was not found`);
  }
}

/** Loads the row a foreign key points at, which must exist. */
export interface RequiredLoader<Key, Row> {
  load(key: Key): Promise<Row>;
}

/**
 * The loader behind a foreign key: the by-id (or by-code) loader's batch and cache, and a
 * `MissingRowError` naming the table and key instead of a null every caller would assert away.
 */
export function requiredLoader<Key extends number | string, Row>(
  table: string,
  loader: DataLoader<Key, Row | null>,
): RequiredLoader<Key, Row> {
  return {
    async load(key) {
      const row = await loader.load(key);
      if (row === null) throw new MissingRowError(table, key);
      return row;
    },
  };
}
