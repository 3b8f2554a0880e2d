import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database } from '../db/tables.js';

// The tables the seed loader keeps in step with seeds/, and the two statements it writes
// them with: an upsert that touches only rows that differ, and a delete of the seed-owned
// rows that are gone.

export type Row = Record<string, unknown>;

/** A table the loader keeps in step with the seeds: its columns and their SQL types. */
export interface TableSpec {
  table: keyof Database;
  columns: Partial<Record<string, string>>;
  /** The unique key a row is matched on. */
  key: string[];
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

type ColumnOf<T extends keyof Database> = keyof Database[T] & string;

/** A spec whose column names, key included, are checked against its table's row type. */
function tableSpec<T extends keyof Database>(
  spec: Omit<TableSpec, 'table' | 'columns' | 'key'> & {
    table: T;
    columns: { [C in ColumnOf<T>]?: string };
    key: ColumnOf<T>[];
  },
): TableSpec & { table: T } {
  return spec;
}

const OWNED_BY_SEED = sql`seed_key IS NOT NULL`;

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

export const PROGRAMME = tableSpec({
  table: 'programme',
  columns: {
    seed_key: 'text',
    organization_id: 'int',
    name: 'text',
    corrected_name: 'text',
    kind: 'text',
    themes: 'text[]',
    document_id: 'int',
    quote: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
});

const PERIOD_COLUMNS = {
  period: 'text',
  period_type: 'text',
  period_start: 'date',
  period_end: 'date',
};

export const ACTIVITY = tableSpec({
  table: 'activity',
  columns: {
    seed_key: 'text',
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
    document_id: 'int',
    quote: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
  touch: true,
});

export const ACTIVITY_CO_ORGANIZER = tableSpec({
  table: 'activity_co_organizer',
  columns: { activity_id: 'int', organization_id: 'int' },
  key: ['activity_id', 'organization_id'],
  owned: sql`activity_id IN (SELECT id FROM activity WHERE seed_key IS NOT NULL)`,
});

export const METRIC_VALUE = tableSpec({
  table: 'metric_value',
  columns: {
    seed_key: 'text',
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
    document_id: 'int',
    quote: 'text',
    activity_id: 'int',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
  // A document figure linked to a report (seedReporting) is the report's from then on: the
  // workflow edits it, with its audit and version, and a later load must not put the
  // document's value back.
  held: sql`t.submission_id IS NOT NULL`,
  touch: true,
});

export const HONOR = tableSpec({
  table: 'honor',
  columns: {
    seed_key: 'text',
    recipient_id: 'int',
    title: 'text',
    corrected_title: 'text',
    awarded_by_id: 'int',
    awarded_by_name: 'text',
    ...PERIOD_COLUMNS,
    document_id: 'int',
    quote: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
});

export const WORK_PLAN = tableSpec({
  table: 'work_plan',
  columns: {
    seed_key: 'text',
    organization_id: 'int',
    title: 'text',
    ...PERIOD_COLUMNS,
    document_id: 'int',
    quote: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
});

export const WORK_PLAN_SECTION = tableSpec({
  table: 'work_plan_section',
  columns: { work_plan_id: 'int', position: 'int', number: 'text', title: 'text', quote: 'text' },
  key: ['work_plan_id', 'position'],
  owned: sql`work_plan_id IN (SELECT id FROM work_plan WHERE seed_key IS NOT NULL)`,
});

export const WORK_PLAN_ITEM = tableSpec({
  table: 'work_plan_item',
  columns: {
    section_id: 'int',
    position: 'int',
    number: 'text',
    title: 'text',
    corrected_title: 'text',
    lead_department_id: 'int',
    quote: 'text',
  },
  key: ['section_id', 'position'],
  owned: sql`section_id IN (SELECT s.id FROM work_plan_section s JOIN work_plan w ON w.id = s.work_plan_id WHERE w.seed_key IS NOT NULL)`,
});

export const WORK_PLAN_TARGET = tableSpec({
  table: 'work_plan_target',
  columns: {
    item_id: 'int',
    position: 'int',
    metric_code: 'text',
    value: 'numeric',
    unit: 'text',
    wording: 'text',
    qualifier: 'text',
    quote: 'text',
  },
  key: ['item_id', 'position'],
  owned: sql`item_id IN (SELECT i.id FROM work_plan_item i JOIN work_plan_section s ON s.id = i.section_id JOIN work_plan w ON w.id = s.work_plan_id WHERE w.seed_key IS NOT NULL)`,
});

export const LIAISON_ASSIGNMENT = tableSpec({
  table: 'liaison_assignment',
  columns: {
    seed_key: 'text',
    organization_id: 'int',
    leader_name: 'text',
    note: 'text',
    document_id: 'int',
    quote: 'text',
  },
  key: ['seed_key'],
  owned: OWNED_BY_SEED,
});

export const LIAISON_ASSIGNMENT_COUNTY = tableSpec({
  table: 'liaison_assignment_county',
  columns: { assignment_id: 'int', organization_id: 'int', position: 'int' },
  key: ['assignment_id', 'organization_id'],
  owned: sql`assignment_id IN (SELECT id FROM liaison_assignment WHERE seed_key IS NOT NULL)`,
});

export const LIAISON = tableSpec({
  table: 'liaison',
  columns: { assignment_id: 'int', position: 'int', name: 'text', phone: 'text' },
  key: ['assignment_id', 'position'],
  owned: sql`assignment_id IN (SELECT id FROM liaison_assignment WHERE seed_key IS NOT NULL)`,
});

/**
 * Inserts the rows that are new and updates the ones that differ, in one statement; rows
 * equal to what is stored are not touched (updated_at keeps its value). Returns how many
 * rows were written.
 */
export async function upsert(db: Kysely<Database>, spec: TableSpec, rows: Row[]): Promise<number> {
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

/** Deletes the seed-owned rows whose keys are not among `keys`. Returns how many. */
export async function deleteStale(
  db: Kysely<Database>,
  spec: TableSpec,
  keys: Row[],
): Promise<number> {
  const result = await sql`
    DELETE FROM ${sql.table(spec.table)} AS t
    WHERE ${spec.owned} ${spec.held ? sql`AND NOT (${spec.held})` : sql``}
      AND (${sql.raw(spec.key.join(', '))}) NOT IN (
        SELECT ${sql.raw(spec.key.join(', '))}
        FROM jsonb_to_recordset(${JSON.stringify(keys)}::jsonb) AS r(${recordType(spec, spec.key)}))`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}

function recordType(spec: TableSpec, names: string[]): RawBuilder<unknown> {
  return sql.raw(names.map((name) => `${name} ${spec.columns[name]}`).join(', '));
}
