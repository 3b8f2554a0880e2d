import { sql, type Kysely, type RawBuilder } from 'kysely';
import { keptPlan } from '../../db/kept-plan.js';
import type {
  Database,
  MetricDefinitionRow,
  MetricScope,
  MetricValueRow,
} from '../../db/tables.js';
import { keyset, orderingOf, type ListOrder, type OrderColumn } from '../../graph/keyset.js';
import { countPerKey, pagePerKey } from '../../graph/page-query.js';
import { toPage, type Page, type PageWindow } from '../../graph/pagination.js';

/**
 * The columns a figure shows or its fields read (`MetricValue`): lists of figures select these
 * alone. The rest are the roll-ups' and reports' (path, report, status, seed key) and the two
 * timestamps, which pg would parse into Dates on every row, ~300 rows per tree of figures.
 */
const FIGURE_COLUMNS = [
  'id',
  'organization_id',
  'metric_code',
  'period',
  'period_type',
  'period_start',
  'period_end',
  'as_of',
  'value',
  'unit',
  'wording',
  'qualifier',
  'scope',
  'aggregatable',
  'activity_id',
  'document_id',
  'quote',
] as const satisfies readonly (keyof MetricValueRow)[];

/** A figure as lists of figures read it. */
export type FigureRow = Pick<MetricValueRow, (typeof FIGURE_COLUMNS)[number]>;

export type FigureColumn = (typeof FIGURE_COLUMNS)[number];

/** The figure columns of `v`, as one fragment (kysely copies raw text without compiling it). */
export const FIGURE_OF_V = sql.raw(FIGURE_COLUMNS.map((name) => `v.${name}`).join(', '));

/**
 * What every narrowed list selects: the id (a pair without figures has a null one) and what
 * any order's cursor reads (valueColumns).
 */
const ALWAYS_SELECTED: readonly FigureColumn[] = ['id', 'metric_code', 'period_start', 'value'];

/** Those of `columns` (all when null) and ALWAYS_SELECTED, as a fragment on `v`. */
function figureColumnsOfV(columns: ReadonlySet<FigureColumn> | null): RawBuilder<unknown> {
  if (columns === null) return FIGURE_OF_V;
  const names = FIGURE_COLUMNS.filter(
    (name) => columns.has(name) || ALWAYS_SELECTED.includes(name),
  );
  return sql.raw(names.map((name) => `v.${name}`).join(', '));
}

export interface MetricValueFilter {
  metric?: string | null;
  /** Only values whose period lies inside these days. */
  within?: { start: string; end: string } | null;
  scope?: MetricScope | null;
}

/**
 * A metric with the kinds of period its figures are reported per: those of the templates
 * holding it, or a ratio's parts (an aggregate of a year reads a quarterly template's figures).
 */
export type ReportedMetric = MetricDefinitionRow & { reported_per: string[] };

/** SQL on the definition `d`: the kinds of period its figures are reported per. */
const REPORTED_PER = sql<string[]>`ARRAY(
  SELECT DISTINCT t.period_type FROM reporting_template t
  JOIN reporting_template_metric tm ON tm.template_id = t.id
  WHERE tm.metric_code IN (d.code, d.numerator_code, d.denominator_code))`;

function selectDefinitions(db: Kysely<Database>) {
  return db
    .selectFrom('metric_definition as d')
    .selectAll('d')
    .select(REPORTED_PER.as('reported_per'));
}

export async function findAllDefinitions(db: Kysely<Database>): Promise<ReportedMetric[]> {
  return selectDefinitions(db).orderBy('d.code').execute();
}

/**
 * A definition with the path that `pathQuery` (an organization's path, or null) answers, in
 * one statement: an aggregate's metric and its `within` unit; null when the catalogue has no
 * such code. Every roll-up and ranking inside a unit sends it first, and its planning cost
 * about twice its execution, so its plan is kept (`pathQuery` has two shapes, by code or id).
 */
export async function findDefinitionWithPath(
  db: Kysely<Database>,
  code: string,
  pathQuery: RawBuilder<string>,
): Promise<{ definition: ReportedMetric; path: string | null } | null> {
  const result = await keptPlan(sql<ReportedMetric & { within_path: string | null }>`
    SELECT d.*, ${REPORTED_PER} AS reported_per, (${pathQuery}) AS within_path
    FROM metric_definition d WHERE d.code = ${code}`).execute(db);
  const [row] = result.rows;
  if (!row) return null;
  const { within_path: path, ...definition } = row;
  return { definition, path };
}

export async function findDefinitions(
  db: Kysely<Database>,
  codes: readonly string[],
): Promise<ReportedMetric[]> {
  if (codes.length === 0) return [];
  return selectDefinitions(db)
    .where('d.code', 'in', [...codes])
    .execute();
}

export async function findValuesByIds(
  db: Kysely<Database>,
  ids: readonly number[],
): Promise<MetricValueRow[]> {
  if (ids.length === 0) return [];
  const result = await sql<MetricValueRow>`
    SELECT * FROM metric_value v
    WHERE v.id = ANY(${[...ids]}::int[]) ${NOT_IN_UNSUBMITTED_REPORT}`.execute(db);
  return result.rows;
}

/** The figures each activity produced, in catalogue and period order. */
export async function findValuesByActivities(
  db: Kysely<Database>,
  activityIds: readonly number[],
): Promise<MetricValueRow[]> {
  if (activityIds.length === 0) return [];
  return db
    .selectFrom('metric_value')
    .selectAll()
    .where('activity_id', 'in', [...activityIds])
    .orderBy('metric_code')
    .orderBy('period_start')
    .orderBy('id')
    .execute();
}

export const VALUE_ORDER_FIELDS = ['METRIC', 'PERIOD', 'VALUE'] as const;
export type ValueOrderField = (typeof VALUE_ORDER_FIELDS)[number];

const column = {
  metric: { sql: sql`v.metric_code`, kind: 'string', value: (row) => row.metric_code },
  period: { sql: sql`v.period_start`, kind: 'date', value: (row) => row.period_start },
  value: { sql: sql`v.value`, kind: 'decimal', value: (row) => row.value },
  id: { sql: sql`v.id`, kind: 'integer', value: (row) => row.id },
} satisfies Record<string, OrderColumn<FigureRow>>;

/** The orders of an organization's figures; the id, unique, breaks ties. */
const valueColumns: Record<ValueOrderField, OrderColumn<FigureRow>[]> = {
  // On the (organization_id, metric_code, period_start, id) index.
  METRIC: [column.metric, column.period, column.id],
  PERIOD: [column.period, column.metric, column.id],
  // The figure itself, exact: best used with a metric, whose figures share a unit.
  VALUE: [column.value, column.id],
};

/** The order figures are listed in unless asked for another: by metric, then period. */
export const METRIC_ORDER: ListOrder<ValueOrderField> = { field: 'METRIC', direction: 'ASC' };

export function valueOrdering(order: ListOrder<ValueOrderField>) {
  return orderingOf('value', valueColumns, order);
}

/**
 * One page of each key organization's figures, in one statement: a lateral subquery per
 * organization walks the (organization_id, metric_code, period_start, id) index.
 */
export async function findValuePages(
  db: Kysely<Database>,
  organizationIds: readonly number[],
  filter: MetricValueFilter,
  order: ListOrder<ValueOrderField>,
  window: PageWindow,
): Promise<Map<number, Page<FigureRow>>> {
  const ordering = valueOrdering(order);
  return pagePerKey(db, { ids: organizationIds }, ordering, window, valuesOfKey(filter));
}

function valuesOfKey(filter: MetricValueFilter): RawBuilder<unknown> {
  return sql`
    SELECT ${FIGURE_OF_V} FROM metric_value v
    WHERE v.organization_id = k.id ${filterConditions(filter)}`;
}

/**
 * One page of figures for each (organization, metric) pair, in one statement: the pages of
 * several metrics (a dashboard's two figures per unit) share a statement that
 * `findValuePages` would send once per metric, and the statement says which metrics exist,
 * so an unknown metric costs no statement of its own. `filter.metric` is ignored; each pair
 * names its own. In the pairs' order; null for a pair whose metric is not defined. With
 * `columns`, the rows hold only those (and ALWAYS_SELECTED): the fields asked read no others,
 * and pg parses ~5,000 values fewer for a tree's 302 pairs.
 */
export async function findValuePagesByMetric(
  db: Kysely<Database>,
  pairs: readonly { id: number; metric: string }[],
  filter: MetricValueFilter,
  order: ListOrder<ValueOrderField>,
  window: PageWindow,
  columns: ReadonlySet<FigureColumn> | null = null,
): Promise<(Page<FigureRow> | null)[]> {
  const page = keyset(valueOrdering(order), window);
  // The pairs travel as their units' ids and their metrics' places in a list of the metrics
  // named, each as one comma-separated text: pg would quote and escape every element of an
  // array (a tree's 302 pairs repeat two metric codes).
  const codes = new Map<string, number>();
  const ids: number[] = [];
  const places: number[] = [];
  for (const pair of pairs) {
    let place = codes.get(pair.metric);
    if (place === undefined) codes.set(pair.metric, (place = codes.size + 1));
    ids.push(pair.id);
    places.push(place);
  }
  // A pair of a defined metric gives at least one row (its figures, or nulls when it has
  // none); a pair of an undefined metric gives none. Each row says its pair's place.
  const result = await keptPlan(sql<FigureRow & { scope_pair: number }>`
    SELECT v.*, k.pair::int AS scope_pair
    FROM unnest(string_to_array(${ids.join(',')}, ',')::int[],
      string_to_array(${places.join(',')}, ',')::int[]) WITH ORDINALITY AS k(id, place, pair)
    JOIN metric_definition d ON d.code = (${[...codes.keys()]}::text[])[k.place]
    LEFT JOIN LATERAL (
      SELECT ${figureColumnsOfV(columns)} FROM metric_value v
      WHERE v.organization_id = k.id AND v.metric_code = d.code
        ${filterConditions({ ...filter, metric: null })} ${page.where}
      ${page.orderBy} ${page.limit}
    ) v ON true`).execute(db);
  const grouped: (FigureRow[] | undefined)[] = new Array(pairs.length);
  for (const row of result.rows) {
    const list = (grouped[row.scope_pair - 1] ??= []);
    // The row is the figure, its tag left on it: a copy without it would cost a new object
    // of every column per row. A pair without figures has one row of nulls.
    if (row.id !== null) list.push(row);
  }
  return pairs.map((_, index) => {
    const rows = grouped[index];
    return rows ? toPage(rows, window) : null;
  });
}

export async function countValues(
  db: Kysely<Database>,
  organizationIds: readonly number[],
  filter: MetricValueFilter,
): Promise<Map<number, number>> {
  return countPerKey(db, { ids: organizationIds }, valuesOfKey(filter));
}

/**
 * A figure of a report that is still a draft or was returned is internal to the report (read
 * through Submission.values by those who may); lists of figures show the rest.
 */
const NOT_IN_UNSUBMITTED_REPORT = sql`AND (v.submission_id IS NULL
  OR v.submission_status IN ('SUBMITTED', 'APPROVED'))`;

function filterConditions(filter: MetricValueFilter): RawBuilder<unknown> {
  const conditions: RawBuilder<unknown>[] = [NOT_IN_UNSUBMITTED_REPORT];
  if (filter.metric) conditions.push(sql`AND v.metric_code = ${filter.metric}`);
  if (filter.within) {
    conditions.push(
      sql`AND v.period_start >= ${filter.within.start}::date AND v.period_end <= ${filter.within.end}::date`,
    );
  }
  if (filter.scope) conditions.push(sql`AND v.scope = ${filter.scope}`);
  return sql.join(conditions, sql` `);
}
