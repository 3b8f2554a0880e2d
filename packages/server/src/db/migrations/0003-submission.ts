import { sql, type Kysely } from 'kysely';
import type { MigrationPhase } from './phase.js';

const list = (values: readonly string[]) => sql.raw(values.map((value) => `'${value}'`).join(', '));

const STATUSES = ['DRAFT', 'SUBMITTED', 'RETURNED', 'APPROVED'];
const SUBMITTING_LEVELS = ['PROVINCE', 'CITY', 'COUNTY', 'TOWNSHIP', 'VILLAGE'];
const AUDIT_ACTIONS = [
  'CREATE',
  'SUBMIT',
  'RETURN',
  'APPROVE',
  'UNAPPROVE',
  'REOPEN',
  'SET_VALUE',
  'REMOVE_VALUE',
  'SET_NARRATIVE',
];

export const phase: MigrationPhase = 'expand';

// Migrations take Kysely<any>: they describe the schema as it was at their time, not as the
// row types in tables.ts describe it now.
export async function up(db: Kysely<any>): Promise<void> {
  // A reporting template (DHIS2's data set): which metrics, which levels submit, how often,
  // and when the report is due (a number of days after the period's last day).
  await db.schema
    .createTable('reporting_template')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('code', 'text', (col) =>
      col
        .notNull()
        .unique()
        .check(sql`code ~ '^[a-z0-9]+(-[a-z0-9]+)*$'`),
    )
    .addColumn('name_zh', 'text', (col) => col.notNull())
    .addColumn('name_en', 'text', (col) => col.notNull())
    .addColumn('description', 'text')
    .addColumn('period_type', 'text', (col) =>
      col.notNull().check(sql`period_type IN ('YEAR', 'QUARTER', 'MONTH')`),
    )
    .addColumn('submitting_levels', sql`text[]`, (col) =>
      col
        .notNull()
        .check(
          sql`cardinality(submitting_levels) > 0 AND submitting_levels <@ ARRAY[${list(SUBMITTING_LEVELS)}]`,
        ),
    )
    .addColumn('due_days', 'integer', (col) => col.notNull().check(sql`due_days >= 0`))
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('reporting_template_metric')
    .addColumn('template_id', 'integer', (col) =>
      col.notNull().references('reporting_template.id').onDelete('cascade'),
    )
    .addColumn('metric_code', 'text', (col) => col.notNull().references('metric_definition.code'))
    .addColumn('position', 'integer', (col) => col.notNull())
    .addPrimaryKeyConstraint('reporting_template_metric_pkey', ['template_id', 'metric_code'])
    .addUniqueConstraint('reporting_template_metric_position_key', ['template_id', 'position'])
    .execute();
  await db.schema
    .createIndex('reporting_template_metric_metric_idx')
    .on('reporting_template_metric')
    .column('metric_code')
    .execute();

  // One submission per organization × template × period. `version` grows with every write,
  // so a client's expectedVersion detects a concurrent change; the latest actor and time of
  // each transition sit on the row, the full story in submission_audit.
  await db.schema
    .createTable('submission')
    .addColumn('id', 'integer', (col) => col.primaryKey().generatedByDefaultAsIdentity())
    .addColumn('template_id', 'integer', (col) => col.notNull().references('reporting_template.id'))
    .addColumn('organization_id', 'integer', (col) => col.notNull().references('organization.id'))
    .addColumn('period', 'text', (col) => col.notNull())
    .addColumn('period_type', 'text', (col) =>
      col.notNull().check(sql`period_type IN ('YEAR', 'QUARTER', 'MONTH')`),
    )
    .addColumn('period_start', 'date', (col) => col.notNull())
    .addColumn('period_end', 'date', (col) => col.notNull())
    .addColumn('status', 'text', (col) =>
      col
        .notNull()
        .defaultTo('DRAFT')
        .check(sql`status IN (${list(STATUSES)})`),
    )
    .addColumn('version', 'integer', (col) =>
      col
        .notNull()
        .defaultTo(1)
        .check(sql`version >= 1`),
    )
    .addColumn('narrative', 'text')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'text', (col) => col.notNull())
    .addColumn('updated_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'text', (col) => col.notNull())
    .addColumn('submitted_at', 'timestamptz')
    .addColumn('submitted_by', 'text')
    .addColumn('returned_at', 'timestamptz')
    .addColumn('returned_by', 'text')
    .addColumn('return_comment', 'text')
    .addColumn('approved_at', 'timestamptz')
    .addColumn('approved_by', 'text')
    .addUniqueConstraint('submission_template_period_organization_key', [
      'template_id',
      'period',
      'organization_id',
    ])
    .addCheckConstraint('submission_period_order', sql`period_start <= period_end`)
    .addCheckConstraint(
      'submission_approved_parts',
      sql`status <> 'APPROVED' OR (approved_at IS NOT NULL AND approved_by IS NOT NULL)`,
    )
    .addCheckConstraint(
      'submission_returned_parts',
      sql`status <> 'RETURNED' OR (returned_at IS NOT NULL AND return_comment IS NOT NULL)`,
    )
    .execute();
  await db.schema
    .createIndex('submission_organization_idx')
    .on('submission')
    .columns(['organization_id', 'period_start'])
    .execute();

  // Every transition and every value change, written in the transaction that made it.
  await db.schema
    .createTable('submission_audit')
    .addColumn('id', 'bigint', (col) => col.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('submission_id', 'integer', (col) =>
      col.notNull().references('submission.id').onDelete('cascade'),
    )
    .addColumn('at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('action', 'text', (col) =>
      col.notNull().check(sql`action IN (${list(AUDIT_ACTIONS)})`),
    )
    .addColumn('from_status', 'text', (col) => col.check(sql`from_status IN (${list(STATUSES)})`))
    .addColumn('to_status', 'text', (col) =>
      col.notNull().check(sql`to_status IN (${list(STATUSES)})`),
    )
    .addColumn('version', 'integer', (col) => col.notNull())
    .addColumn('metric_code', 'text')
    .addColumn('before', 'jsonb')
    .addColumn('after', 'jsonb')
    .addColumn('comment', 'text')
    .execute();
  await db.schema
    .createIndex('submission_audit_submission_idx')
    .on('submission_audit')
    .columns(['submission_id', 'id'])
    .execute();

  // A client's retry key, per actor: the request's hash and the answer, so a retry with the
  // same payload gets the first answer and another payload gets CONFLICT. The row is claimed
  // first thing in the request's transaction, so a concurrent retry waits for it to commit.
  await db.schema
    .createTable('idempotency_key')
    .addColumn('actor', 'text', (col) => col.notNull())
    .addColumn('key', 'text', (col) => col.notNull().check(sql`length(key) BETWEEN 1 AND 200`))
    .addColumn('operation', 'text', (col) => col.notNull())
    .addColumn('request_hash', 'text', (col) => col.notNull())
    .addColumn('response', 'jsonb')
    .addColumn('created_at', 'timestamptz', (col) => col.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('idempotency_key_pkey', ['actor', 'key'])
    .execute();

  await sql`
    ALTER TABLE metric_value
    ADD CONSTRAINT metric_value_submission_fk
    FOREIGN KEY (submission_id) REFERENCES submission (id) ON DELETE CASCADE`.execute(db);
  // One submitted figure per metric in a submission, and one official figure per unit, metric
  // and period across all templates, so a roll-up never meets two competing values. Ordered for
  // the aggregates, which look values up by metric and period.
  await sql`
    CREATE UNIQUE INDEX metric_value_submission_metric_key
    ON metric_value (submission_id, metric_code) WHERE submission_id IS NOT NULL`.execute(db);
  await sql`
    CREATE UNIQUE INDEX metric_value_submitted_period_key
    ON metric_value (metric_code, period, organization_id) WHERE submission_id IS NOT NULL`.execute(
    db,
  );
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX metric_value_submitted_period_key`.execute(db);
  await sql`DROP INDEX metric_value_submission_metric_key`.execute(db);
  await sql`ALTER TABLE metric_value DROP CONSTRAINT metric_value_submission_fk`.execute(db);
  for (const table of [
    'idempotency_key',
    'submission_audit',
    'submission',
    'reporting_template_metric',
    'reporting_template',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
