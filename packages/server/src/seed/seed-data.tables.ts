import { sql, type Insertable, type InsertType, type Kysely, type RawBuilder } from 'kysely';
import type {
  Database,
  OptionalPeriodColumns,
  PeriodColumns,
  SourcedColumns,
} from '../db/tables.js';

// The tables the seed loader keeps in step with seeds/, and the two statements it writes
// them with: an upsert that touches only rows that differ, and a delete of the seed-owned
// rows that are gone.

/** The types a column is read as from the JSON rows the statements send. */
type SqlType = 'text' | 'text[]' | 'int' | 'numeric' | 'date' | 'boolean';

/**
 * A table the loader keeps in step with the seeds: which columns of table T it writes
 * (C) with their SQL types, and the unique key (K, among them) a row is matched on. The
 * parameters default to any table, as the statements see a spec.
 */
export interface TableSpec<
  T extends keyof Database = keyof Database,
  C extends string = string,
  K extends C = C,
> {
  table: T;
  columns: Readonly<Record<C, SqlType>>;
  key: readonly K[];
  /** Which existing rows belong to the seeds, so the ones no longer in them are deleted. */
  owned: RawBuilder<unknown>;
  /**
   * Rows the seeds wrote but something else has since taken over (alias `t`): the seeds
   * neither update nor delete them.
   */
  held?: RawBuilder<unknown>;
  /** Whether the table has an updated_at to set when a row changes. */
  touch?: boolean;
}

/** The columns of T an insert may give (not the ones the database always computes). */
type WritableColumn<T extends keyof Database> = keyof Insertable<Database[T]> & string;

/** What the seeds write into column C of T: its insert type, never left to the default. */
type ColumnValue<T extends keyof Database, C> = C extends keyof Database[T]
  ? Exclude<InsertType<Database[T][C]>, undefined>
  : never;

/**
 * A row written with spec S: exactly its columns, each of the type its table gives it; a
 * key column is never null, as a null key would match no row.
 */
export type SeedRow<S extends TableSpec> =
  S extends TableSpec<infer T, infer C, infer K>
    ? {
        [Column in C]: Column extends K
          ? NonNullable<ColumnValue<T, Column>>
          : ColumnValue<T, Column>;
      }
    : never;

/** R, provided it has no property that Shape lacks (each such property must be `never`). */
export type Exactly<Shape, R extends Shape> = R & { [P in Exclude<keyof R, keyof Shape>]: never };

/** The SQL types a JSON value of TypeScript type V may be read as. */
type SqlTypeOf<V> =
  NonNullable<V> extends number
    ? 'int'
    : NonNullable<V> extends boolean
      ? 'boolean'
      : NonNullable<V> extends readonly string[]
        ? 'text[]'
        : NonNullable<V> extends string
          ? 'text' | 'date' | 'numeric'
          : never;

/** Columns C of T with an SQL type that fits each one's values. */
type ColumnTypes<T extends keyof Database, C extends WritableColumn<T>> = {
  [Column in C]: SqlTypeOf<ColumnValue<T, Column>>;
};

/** A spec whose columns, and key among them, are checked against its table's row type. */
function tableSpec<T extends keyof Database, C extends WritableColumn<T>, K extends C>(
  spec: Omit<TableSpec, 'table' | 'columns' | 'key'> & {
    table: T;
    columns: ColumnTypes<T, C>;
    key: readonly K[];
  },
): TableSpec<T, C, K> {
  return spec;
}

const OWNED_BY_SEED = sql`seed_key IS NOT NULL`;

/** SQL types for a group of columns, every one named. */
type SqlTypes<Columns> = { [C in keyof Columns]-?: SqlTypeOf<Columns[C]> };

const PERIOD_COLUMNS: SqlTypes<PeriodColumns | OptionalPeriodColumns> = {
  period: 'text',
  period_type: 'text',
  period_start: 'date',
  period_end: 'date',
};

const SOURCED_COLUMNS: SqlTypes<SourcedColumns> = {
  seed_key: 'text',
  document_id: 'int',
  quote: 'text',
};

/** The tables whose rows a document gives, each with its seed key, document and quote. */
type SourcedTable = {
  [T in keyof Database]: Database[T] extends SourcedColumns ? T : never;
}[keyof Database];

/**
 * A table of records read from documents: matched on their seed key, and deleted when the
 * seeds no longer hold them.
 */
function sourcedSpec<T extends SourcedTable, C extends WritableColumn<T>>(
  spec: Omit<TableSpec, 'table' | 'columns' | 'key' | 'owned'> & {
    table: T;
    columns: ColumnTypes<T, C>;
  },
): TableSpec<T, C | keyof SourcedColumns, 'seed_key'> {
  return {
    ...spec,
    columns: { ...SOURCED_COLUMNS, ...spec.columns },
    key: ['seed_key'],
    owned: OWNED_BY_SEED,
  };
}

/** Rows of a table below a seed record's table (by `column`), deleted with the seeds' rows. */
function ownedThrough(column: string, parent: SourcedTable): RawBuilder<unknown> {
  return sql`${sql.ref(column)} IN (SELECT id FROM ${sql.table(parent)} WHERE seed_key IS NOT NULL)`;
}

/** The tables whose rows stand in order under a parent row. */
type ListTable = 'work_plan_section' | 'work_plan_item' | 'work_plan_target' | 'liaison';

/**
 * The rows of an ordered list under a parent row (a plan's sections, an assignment's
 * liaisons): matched on the parent and the position, which this adds to `columns`.
 */
function listSpec<
  T extends ListTable,
  P extends WritableColumn<T>,
  C extends WritableColumn<T>,
>(spec: {
  table: T;
  parent: P;
  columns: ColumnTypes<T, C>;
  owned: RawBuilder<unknown>;
}): TableSpec<T, P | 'position' | C, P | 'position'> {
  const { table, parent, columns, owned } = spec;
  // A computed key widens to an index signature; it names exactly the parent column.
  const parentColumn = { [parent]: 'int' } as Record<P, 'int'>;
  return {
    table,
    columns: { ...parentColumn, position: 'int', ...columns },
    key: [parent, 'position'],
    owned,
  };
}

export const METRIC_DEFINITION = tableSpec({
  table: 'metric_definition',
  columns: {
    code: 'text',
    name_zh: 'text',
    name_en: 'text',
    description: 'text',
    unit: 'text',
    value_type: 'text',
    time_aggregation: 'text',
    tree_aggregation: 'text',
    numerator_code: 'text',
    denominator_code: 'text',
    factor: 'numeric',
  },
  key: ['code'],
  owned: sql`false`,
});

export const DOCUMENT = tableSpec({
  table: 'document',
  columns: {
    seed_key: 'text',
    title: 'text',
    kind: 'text',
    number: 'text',
    issuer_id: 'int',
    publisher: 'text',
    author: 'text',
    date_text: 'text',
    date_start: 'date',
    source_file: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
});

export const PROGRAMME = sourcedSpec({
  table: 'programme',
  columns: {
    organization_id: 'int',
    name: 'text',
    corrected_name: 'text',
    kind: 'text',
    themes: 'text[]',
  },
});

export const ACTIVITY = sourcedSpec({
  table: 'activity',
  columns: {
    organization_id: 'int',
    title: 'text',
    corrected_title: 'text',
    description: 'text',
    kind: 'text',
    ...PERIOD_COLUMNS,
    lead_department_id: 'int',
    programme_id: 'int',
    themes: 'text[]',
    annex: 'text',
    sequence: 'int',
  },
  touch: true,
});

export const ACTIVITY_CO_ORGANIZER = tableSpec({
  table: 'activity_co_organizer',
  columns: { activity_id: 'int', organization_id: 'int' },
  key: ['activity_id', 'organization_id'],
  owned: ownedThrough('activity_id', 'activity'),
});

export const METRIC_VALUE = sourcedSpec({
  table: 'metric_value',
  columns: {
    organization_id: 'int',
    metric_code: 'text',
    ...PERIOD_COLUMNS,
    as_of: 'date',
    value: 'numeric',
    unit: 'text',
    wording: 'text',
    qualifier: 'text',
    scope: 'text',
    aggregatable: 'boolean',
    activity_id: 'int',
  },
  // A document figure linked to a report (seedReporting) is the report's from then on: the
  // workflow edits it, with its audit and version, and a later load must not put the
  // document's value back.
  held: sql`t.submission_id IS NOT NULL`,
  touch: true,
});

export const HONOR = sourcedSpec({
  table: 'honor',
  columns: {
    recipient_id: 'int',
    title: 'text',
    corrected_title: 'text',
    awarded_by_id: 'int',
    awarded_by_name: 'text',
    ...PERIOD_COLUMNS,
  },
});

export const WORK_PLAN = sourcedSpec({
  table: 'work_plan',
  columns: {
    organization_id: 'int',
    title: 'text',
    ...PERIOD_COLUMNS,
  },
});

export const WORK_PLAN_SECTION = listSpec({
  table: 'work_plan_section',
  parent: 'work_plan_id',
  columns: { number: 'text', title: 'text', quote: 'text' },
  owned: ownedThrough('work_plan_id', 'work_plan'),
});

export const WORK_PLAN_ITEM = listSpec({
  table: 'work_plan_item',
  parent: 'section_id',
  columns: {
    number: 'text',
    title: 'text',
    corrected_title: 'text',
    lead_department_id: 'int',
    quote: 'text',
  },
  owned: sql`section_id IN (SELECT s.id FROM work_plan_section s JOIN work_plan w ON w.id = s.work_plan_id WHERE w.seed_key IS NOT NULL)`,
});

export const WORK_PLAN_TARGET = listSpec({
  table: 'work_plan_target',
  parent: 'item_id',
  columns: {
    metric_code: 'text',
    value: 'numeric',
    unit: 'text',
    wording: 'text',
    qualifier: 'text',
    quote: 'text',
  },
  owned: sql`item_id IN (SELECT i.id FROM work_plan_item i JOIN work_plan_section s ON s.id = i.section_id JOIN work_plan w ON w.id = s.work_plan_id WHERE w.seed_key IS NOT NULL)`,
});

export const LIAISON_ASSIGNMENT = sourcedSpec({
  table: 'liaison_assignment',
  columns: {
    organization_id: 'int',
    leader_name: 'text',
    note: 'text',
  },
});

export const LIAISON_ASSIGNMENT_COUNTY = tableSpec({
  table: 'liaison_assignment_county',
  columns: { assignment_id: 'int', organization_id: 'int', position: 'int' },
  key: ['assignment_id', 'organization_id'],
  owned: ownedThrough('assignment_id', 'liaison_assignment'),
});

export const LIAISON = listSpec({
  table: 'liaison',
  parent: 'assignment_id',
  columns: { name: 'text', phone: 'text' },
  owned: ownedThrough('assignment_id', 'liaison_assignment'),
});

/**
 * Inserts the rows that are new and updates the ones that differ, in one statement; rows
 * equal to what is stored are not touched (updated_at keeps its value). Returns how many
 * rows were written.
 */
export async function upsert<S extends TableSpec>(
  db: Kysely<Database>,
  spec: S,
  rows: readonly SeedRow<S>[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const names = Object.keys(spec.columns);
  const list = sql.raw(names.join(', '));
  const updated = names.filter((name) => !spec.key.includes(name));
  const conflict =
    updated.length === 0
      ? sql`DO NOTHING`
      : sql`DO UPDATE SET ${sql.raw(
          [
            ...updated.map((name) => `${name} = excluded.${name}`),
            ...(spec.touch ? ['updated_at = now()'] : []),
          ].join(', '),
        )}
        WHERE ${spec.held ? sql`NOT (${spec.held}) AND` : sql``}
          (${sql.raw(updated.map((name) => `t.${name}`).join(', '))})
          IS DISTINCT FROM (${sql.raw(updated.map((name) => `excluded.${name}`).join(', '))})`;
  const result = await sql`
    INSERT INTO ${sql.table(spec.table)} AS t (${list})
    SELECT ${list} FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS r(${recordType(spec, names)})
    ON CONFLICT (${sql.raw(spec.key.join(', '))}) ${conflict}`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Deletes the seed-owned rows whose keys are not among those of `rows` (the rows just
 * written with `spec`). Returns how many.
 */
export async function deleteStale(
  db: Kysely<Database>,
  spec: TableSpec,
  rows: readonly object[],
): Promise<number> {
  // The replacer list keeps only the key columns, in key order.
  const keys = JSON.stringify(rows, [...spec.key]);
  const result = await sql`
    DELETE FROM ${sql.table(spec.table)} AS t
    WHERE ${spec.owned} ${spec.held ? sql`AND NOT (${spec.held})` : sql``}
      AND (${sql.raw(spec.key.join(', '))}) NOT IN (
        SELECT ${sql.raw(spec.key.join(', '))}
        FROM jsonb_to_recordset(${keys}::jsonb) AS r(${recordType(spec, spec.key)}))`.execute(db);
  return Number(result.numAffectedRows ?? 0);
}

function recordType(spec: TableSpec, names: readonly string[]): RawBuilder<unknown> {
  return sql.raw(names.map((name) => `${name} ${spec.columns[name]}`).join(', '));
}
