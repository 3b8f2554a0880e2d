import { sql, type Kysely } from 'kysely';
import type { MigrationPhase } from './phase.js';

const list = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '));

const UNITS = [
  'SESSION',
  'PERSON_TIME',
  'PERSON',
  'HOUSEHOLD',
  'ORGANIZATION',
  'EVENT',
  'CASE',
  'YUAN',
  'PERCENT',
  'RANK',
  'ITEM',
  'PROJECT',
  'VISIT',
  'ARTICLE',
  'HOUR',
  'SQUARE_METER',
];
const TIME_AGGREGATIONS = ['SUM', 'AVERAGE', 'LAST', 'MAX', 'MIN', 'NONE'];
const PERIOD_TYPES = ['YEAR', 'QUARTER', 'MONTH', 'DAY', 'SPAN'];
const QUALIFIERS = ['EXACT', 'AT_LEAST', 'NEARLY', 'ABOUT', 'AT_MOST'];
const ACTIVITY_KINDS = [
  'TRAINING',
  'CAMPAIGN',
  'LIVESTREAM',
  'COMPETITION',
  'SCREENING',
  'SELECTION',
  'LECTURE',
  'FORUM',
  'FESTIVAL',
  'PILOT',
  'SERVICE',
  'MEETING',
  'CELEBRATION',
  'RESEARCH',
  'CONSTRUCTION',
];

// Migrations take Kysely<any>: they describe the schema as it was at their time, not as the
// row types in tables.ts describe it now.
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('metric_definition')
    .addColumn('code', 'text', (col) =>
      col.primaryKey().check(sql`code ~ '^[a-z0-9_]+(\\.[a-z0-9_]+)+$'`),
    )
    .addColumn('name_zh', 'text', (col) => col.notNull())
    .addColumn('name_en', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('unit', 'text', (col) => col.notNull().check(sql`unit IN (${list(UNITS)})`))
    .addColumn('value_type', 'text', (col) =>
      col.notNull().check(sql`value_type IN ('INTEGER', 'DECIMAL', 'PERCENT')`),
    )
    .addColumn('time_aggregation', 'text', (col) =>
      col.notNull().check(sql`time_aggregation IN (${list(TIME_AGGREGATIONS)})`),
    )
    .addColumn('tree_aggregation', 'text', (col) =>
      col.notNull().check(sql`tree_aggregation IN (${list([...TIME_AGGREGATIONS, 'RATIO'])})`),
    )
    .addColumn('numerator_code', 'text', (col) => col.references('metric_definition.code'))
    .addColumn('denominator_code', 'text', (col) => col.references('metric_definition.code'))
    .addColumn('factor', 'numeric', (col) => col.check(sql`factor > 0`))
    // A RATIO metric is recomputed from its two parts at every level, so it must name them.
    .addCheckConstraint(
      'metric_definition_ratio_parts',
      sql`(tree_aggregation = 'RATIO') = (numerator_code IS NOT NULL AND denominator_code IS NOT NULL AND factor IS NOT NULL)`,
    )
    .addCheckConstraint(
      'metric_definition_ratio_unit',
      sql`tree_aggregation <> 'RATIO' OR value_type IN ('PERCENT', 'DECIMAL')`,
    )
    .execute();

  await db.schema
    .createTable('document')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('seed_key', 'text', (col) => col.unique())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('kind', 'text', (col) =>
      col
        .notNull()
        .check(
          sql`kind IN ('NEWS_REPORT', 'OFFICIAL_DOCUMENT', 'ANNUAL_SUMMARY', 'WORK_PLAN', 'CONGRESS_REPORT')`,
        ),
    )
    .addColumn('number', 'text')
    .addColumn('issuer_id', 'integer', (col) => col.references('organization.id'))
    .addColumn('publisher', 'text')
    .addColumn('author', 'text')
    // The date as precise as the source gives it ('2021', '2021-02', '2021-02-09'), and the
    // first day it can mean, for sorting and ranges.
    .addColumn('date_text', 'text')
    .addColumn('date_start', 'date')
    .addColumn('source_file', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('document_issuer_idx')
    .on('document')
    .columns(['issuer_id', 'date_start'])
    .execute();

  // Chinese has no word boundaries and its words are mostly two characters long, which
  // pg_trgm's trigrams cannot index. Every one- and two-character substring of the text makes
  // a GIN-indexable array: a term's grams contained in a row's grams is the index condition,
  // and LIKE rechecks the exact substring.
  await sql`
    CREATE FUNCTION search_grams(input text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$
      SELECT coalesce(array_agg(DISTINCT substr(lower(input), i, n)), '{}')
      FROM generate_series(1, char_length(input)) AS i, (VALUES (1), (2)) AS g(n)
      WHERE i + n - 1 <= char_length(input)
    $$`.execute(db);

  await db.schema
    .createTable('programme')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('seed_key', 'text', (col) => col.unique())
    .addColumn('organization_id', 'integer', (col) => col.notNull().references('organization.id'))
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('corrected_name', 'text')
    .addColumn('kind', 'text', (col) =>
      col.notNull().check(sql`kind IN ('BRAND', 'PROGRAMME', 'PROJECT', 'CAMPAIGN')`),
    )
    .addColumn('themes', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    .addColumn('document_id', 'integer', (col) => col.references('document.id'))
    .addColumn('quote', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('programme_organization_idx')
    .on('programme')
    .columns(['organization_id', 'id'])
    .execute();

  await db.schema
    .createTable('activity')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('seed_key', 'text', (col) => col.unique())
    .addColumn('organization_id', 'integer', (col) => col.notNull().references('organization.id'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('corrected_title', 'text')
    .addColumn('description', 'text')
    .addColumn('kind', 'text', (col) => col.notNull().check(sql`kind IN (${list(ACTIVITY_KINDS)})`))
    .addColumn('period', 'text')
    .addColumn('period_type', 'text', (col) =>
      col.check(sql`period_type IN (${list(PERIOD_TYPES)})`),
    )
    .addColumn('period_start', 'date')
    .addColumn('period_end', 'date')
    .addColumn('lead_department_id', 'integer', (col) => col.references('organization.id'))
    .addColumn('programme_id', 'integer', (col) => col.references('programme.id'))
    .addColumn('themes', sql`text[]`, (col) => col.notNull().defaultTo(sql`'{}'`))
    // Key activities listed in an annex of an official document: annex number and row.
    .addColumn('annex', 'text')
    .addColumn('sequence', 'integer')
    .addColumn('document_id', 'integer', (col) => col.references('document.id'))
    .addColumn('quote', 'text')
    .addColumn('search_grams', sql`text[]`, (col) =>
      col
        .generatedAlwaysAs(
          sql`search_grams(title || ' ' || coalesce(corrected_title, '') || ' ' || coalesce(description, ''))`,
        )
        .stored(),
    )
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint(
      'activity_period_parts',
      sql`(period IS NULL) = (period_type IS NULL) AND (period IS NULL) = (period_start IS NULL) AND (period IS NULL) = (period_end IS NULL)`,
    )
    .execute();
  await db.schema
    .createIndex('activity_organization_idx')
    .on('activity')
    .columns(['organization_id', 'period_start', 'id'])
    .execute();
  await db.schema
    .createIndex('activity_programme_idx')
    .on('activity')
    .column('programme_id')
    .execute();
  await sql`CREATE INDEX activity_themes_idx ON activity USING gin (themes)`.execute(db);
  await sql`CREATE INDEX activity_search_idx ON activity USING gin (search_grams)`.execute(db);

  await db.schema
    .createTable('activity_co_organizer')
    .addColumn('activity_id', 'integer', (col) =>
      col.notNull().references('activity.id').onDelete('cascade'),
    )
    .addColumn('organization_id', 'integer', (col) => col.notNull().references('organization.id'))
    .addPrimaryKeyConstraint('activity_co_organizer_pkey', ['activity_id', 'organization_id'])
    .execute();
  await db.schema
    .createIndex('activity_co_organizer_organization_idx')
    .on('activity_co_organizer')
    .columns(['organization_id', 'activity_id'])
    .execute();

  await db.schema
    .createTable('metric_value')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    // The natural key of a figure loaded from seeds/, so a second load updates it in place.
    .addColumn('seed_key', 'text', (col) => col.unique())
    .addColumn('organization_id', 'integer', (col) => col.notNull().references('organization.id'))
    .addColumn('metric_code', 'text', (col) => col.notNull().references('metric_definition.code'))
    .addColumn('period', 'text', (col) => col.notNull())
    .addColumn('period_type', 'text', (col) =>
      col.notNull().check(sql`period_type IN (${list(PERIOD_TYPES)})`),
    )
    .addColumn('period_start', 'date', (col) => col.notNull())
    .addColumn('period_end', 'date', (col) => col.notNull())
    .addColumn('as_of', 'date')
    .addColumn('value', 'numeric', (col) => col.notNull())
    .addColumn('unit', 'text', (col) => col.notNull().check(sql`unit IN (${list(UNITS)})`))
    .addColumn('wording', 'text')
    .addColumn('qualifier', 'text', (col) =>
      col
        .notNull()
        .defaultTo('EXACT')
        .check(sql`qualifier IN (${list(QUALIFIERS)})`),
    )
    .addColumn('scope', 'text', (col) =>
      col
        .notNull()
        .defaultTo('SELF')
        .check(sql`scope IN ('SELF', 'SUBTREE')`),
    )
    .addColumn('aggregatable', 'boolean', (col) => col.notNull().defaultTo(true))
    .addColumn('document_id', 'integer', (col) => col.references('document.id'))
    .addColumn('quote', 'text')
    .addColumn('activity_id', 'integer', (col) =>
      col.references('activity.id').onDelete('set null'),
    )
    .addColumn('submission_id', 'integer')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addCheckConstraint('metric_value_period_order', sql`period_start <= period_end`)
    .execute();
  await db.schema
    .createIndex('metric_value_metric_period_idx')
    .on('metric_value')
    .columns(['metric_code', 'period_start', 'organization_id'])
    .execute();
  await db.schema
    .createIndex('metric_value_organization_idx')
    .on('metric_value')
    .columns(['organization_id', 'metric_code', 'period_start', 'id'])
    .execute();
  await db.schema
    .createIndex('metric_value_activity_idx')
    .on('metric_value')
    .column('activity_id')
    .execute();
  await db.schema
    .createIndex('metric_value_document_idx')
    .on('metric_value')
    .column('document_id')
    .execute();

  await db.schema
    .createTable('honor')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('seed_key', 'text', (col) => col.unique())
    .addColumn('recipient_id', 'integer', (col) => col.notNull().references('organization.id'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('corrected_title', 'text')
    // The awarding body: a unit of the network when it is one, else its name as written.
    .addColumn('awarded_by_id', 'integer', (col) => col.references('organization.id'))
    .addColumn('awarded_by_name', 'text')
    .addColumn('period', 'text')
    .addColumn('period_type', 'text', (col) =>
      col.check(sql`period_type IN (${list(PERIOD_TYPES)})`),
    )
    .addColumn('period_start', 'date')
    .addColumn('period_end', 'date')
    .addColumn('document_id', 'integer', (col) => col.references('document.id'))
    .addColumn('quote', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('honor_recipient_idx')
    .on('honor')
    .columns(['recipient_id', 'period_start', 'id'])
    .execute();

  await db.schema
    .createTable('work_plan')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('seed_key', 'text', (col) => col.unique())
    .addColumn('organization_id', 'integer', (col) => col.notNull().references('organization.id'))
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('period', 'text', (col) => col.notNull())
    .addColumn('period_type', 'text', (col) =>
      col.notNull().check(sql`period_type IN (${list(PERIOD_TYPES)})`),
    )
    .addColumn('period_start', 'date', (col) => col.notNull())
    .addColumn('period_end', 'date', (col) => col.notNull())
    .addColumn('document_id', 'integer', (col) => col.references('document.id'))
    .addColumn('quote', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('work_plan_organization_idx')
    .on('work_plan')
    .columns(['organization_id', 'period_start', 'id'])
    .execute();

  await db.schema
    .createTable('work_plan_section')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('work_plan_id', 'integer', (col) =>
      col.notNull().references('work_plan.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('number', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('quote', 'text')
    .addUniqueConstraint('work_plan_section_position_key', ['work_plan_id', 'position'])
    .execute();

  await db.schema
    .createTable('work_plan_item')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('section_id', 'integer', (col) =>
      col.notNull().references('work_plan_section.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('number', 'text', (col) => col.notNull())
    .addColumn('title', 'text', (col) => col.notNull())
    .addColumn('corrected_title', 'text')
    .addColumn('lead_department_id', 'integer', (col) => col.references('organization.id'))
    .addColumn('quote', 'text')
    .addUniqueConstraint('work_plan_item_position_key', ['section_id', 'position'])
    .execute();

  await db.schema
    .createTable('work_plan_target')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('item_id', 'integer', (col) =>
      col.notNull().references('work_plan_item.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('metric_code', 'text', (col) => col.references('metric_definition.code'))
    .addColumn('value', 'numeric', (col) => col.notNull())
    .addColumn('unit', 'text', (col) => col.notNull().check(sql`unit IN (${list(UNITS)})`))
    .addColumn('wording', 'text')
    .addColumn('qualifier', 'text', (col) =>
      col
        .notNull()
        .defaultTo('EXACT')
        .check(sql`qualifier IN (${list(QUALIFIERS)})`),
    )
    .addColumn('quote', 'text')
    .addUniqueConstraint('work_plan_target_position_key', ['item_id', 'position'])
    .execute();

  await db.schema
    .createTable('liaison_assignment')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('seed_key', 'text', (col) => col.unique())
    // The federation whose leadership member is assigned (Yueyang's, in annex 1).
    .addColumn('organization_id', 'integer', (col) => col.notNull().references('organization.id'))
    .addColumn('leader_name', 'text', (col) => col.notNull())
    .addColumn('note', 'text')
    .addColumn('document_id', 'integer', (col) => col.references('document.id'))
    .addColumn('quote', 'text')
    .execute();
  await db.schema
    .createIndex('liaison_assignment_organization_idx')
    .on('liaison_assignment')
    .columns(['organization_id', 'id'])
    .execute();

  await db.schema
    .createTable('liaison_assignment_county')
    .addColumn('assignment_id', 'integer', (col) =>
      col.notNull().references('liaison_assignment.id').onDelete('cascade'),
    )
    .addColumn('organization_id', 'integer', (col) => col.notNull().references('organization.id'))
    .addColumn('position', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('liaison_assignment_county_pkey', ['assignment_id', 'organization_id'])
    .execute();
  await db.schema
    .createIndex('liaison_assignment_county_organization_idx')
    .on('liaison_assignment_county')
    .column('organization_id')
    .execute();

  // Liaisons' names and phone numbers are personal data: stored, shown only to viewers the
  // access rules allow.
  await db.schema
    .createTable('liaison')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('assignment_id', 'integer', (col) =>
      col.notNull().references('liaison_assignment.id').onDelete('cascade'),
    )
    .addColumn('position', 'integer', (col) => col.notNull())
    .addColumn('name', 'text', (col) => col.notNull())
    .addColumn('phone', 'text')
    .addUniqueConstraint('liaison_position_key', ['assignment_id', 'position'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'liaison',
    'liaison_assignment_county',
    'liaison_assignment',
    'work_plan_target',
    'work_plan_item',
    'work_plan_section',
    'work_plan',
    'honor',
    'metric_value',
    'activity_co_organizer',
    'activity',
    'programme',
    'document',
    'metric_definition',
  ]) {
    await db.schema.dropTable(table).execute();
  }
  await sql`DROP FUNCTION search_grams(text)`.execute(db);
}
