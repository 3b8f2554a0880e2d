import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database, MetricDefinitionRow, ReportingTemplateRow } from '../../db/tables.js';

type Db = Kysely<Database> | Transaction<Database>;

export async function findTemplatesByIds(
  db: Db,
  ids: readonly number[],
): Promise<ReportingTemplateRow[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('reporting_template')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
}

export async function findTemplatesByCodes(
  db: Db,
  codes: readonly string[],
): Promise<ReportingTemplateRow[]> {
  if (codes.length === 0) return [];
  return db
    .selectFrom('reporting_template')
    .selectAll()
    .where('code', 'in', [...codes])
    .execute();
}

export async function findAllTemplates(db: Db): Promise<ReportingTemplateRow[]> {
  return db.selectFrom('reporting_template').selectAll().orderBy('code').execute();
}

/** The metric definitions of a template, in the template's order. */
export async function findTemplateDefinitions(
  db: Db,
  templateIds: readonly number[],
): Promise<(MetricDefinitionRow & { template_id: number; position: number })[]> {
  if (templateIds.length === 0) return [];
  const result = await sql<MetricDefinitionRow & { template_id: number; position: number }>`
    SELECT d.*, tm.template_id, tm.position
    FROM reporting_template_metric tm JOIN metric_definition d ON d.code = tm.metric_code
    WHERE tm.template_id = ANY(${[...templateIds]}::int[])
    ORDER BY tm.template_id, tm.position`.execute(db);
  return result.rows;
}
