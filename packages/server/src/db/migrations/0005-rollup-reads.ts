import { sql, type Kysely } from 'kysely';
import type { MigrationPhase } from './phase.js';

// The copied columns are filled by triggers, so a server that writes figures without them still
// writes complete rows.
export const phase: MigrationPhase = 'expand';

/**
 * What a roll-up reads of a submitted figure, in one index. A roll-up reads every figure of a
 * metric and period inside a subtree, with its unit's place in the tree and whether its
 * submission's status counts. The figure carries copies of both, its unit's path and its
 * submission's status (kept by triggers, so no write path can forget them), and an index
 * ordered by metric, period and path carries the columns a roll-up reads: the figures of one
 * subtree come from one index-only range scan, whatever the size of the rest of the country,
 * with no join to the organizations or the submissions.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    ALTER TABLE metric_value ADD COLUMN organization_path text,
      ADD COLUMN submission_status text`.execute(db);
  await sql`
    UPDATE metric_value v SET organization_path = o.path,
      submission_status = (SELECT s.status FROM submission s WHERE s.id = v.submission_id)
    FROM organization o WHERE o.id = v.organization_id`.execute(db);
  await sql`
    ALTER TABLE metric_value ALTER COLUMN organization_path SET NOT NULL,
      ADD CONSTRAINT metric_value_submission_status_present
        CHECK ((submission_id IS NULL) = (submission_status IS NULL))`.execute(db);
  await sql`
    CREATE FUNCTION metric_value_copy_unit_and_status() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.organization_path := (SELECT path FROM organization WHERE id = NEW.organization_id);
      NEW.submission_status := (SELECT status FROM submission WHERE id = NEW.submission_id);
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER metric_value_unit_and_status
    BEFORE INSERT OR UPDATE OF organization_id, submission_id ON metric_value
    FOR EACH ROW EXECUTE FUNCTION metric_value_copy_unit_and_status()`.execute(db);
  await passToFigures(db, 'submission', 'status', 'submission_status', 'submission_id');
  // Nothing moves a unit today; should something ever rewrite a path, its figures follow.
  await passToFigures(db, 'organization', 'path', 'organization_path', 'organization_id');
  await sql`
    CREATE INDEX metric_value_rollup_idx
    ON metric_value (metric_code, period, organization_path)
    INCLUDE (organization_id, submission_status, value, qualifier, scope, aggregatable)
    WHERE submission_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX metric_value_rollup_idx`.execute(db);
  for (const [table, column] of [
    ['organization', 'path'],
    ['submission', 'status'],
  ] as const) {
    await sql`DROP TRIGGER ${sql.raw(`${table}_${column}_to_figures`)} ON ${sql.table(table)}`.execute(
      db,
    );
    await sql`DROP FUNCTION ${sql.raw(`${table}_pass_${column}_to_figures`)}()`.execute(db);
  }
  await sql`DROP TRIGGER metric_value_unit_and_status ON metric_value`.execute(db);
  await sql`DROP FUNCTION metric_value_copy_unit_and_status()`.execute(db);
  await sql`
    ALTER TABLE metric_value DROP CONSTRAINT metric_value_submission_status_present,
      DROP COLUMN submission_status, DROP COLUMN organization_path`.execute(db);
}

/**
 * When `column` of a row of `table` changes, the figures pointing at the row (by `key`) get
 * the new value in their copy `copy`. Names are this file's literals, never input.
 */
async function passToFigures(
  db: Kysely<any>,
  table: 'submission' | 'organization',
  column: string,
  copy: string,
  key: string,
): Promise<void> {
  const name = (kind: string) => sql.raw(`${table}_${kind}`);
  await sql`
    CREATE FUNCTION ${name(`pass_${column}_to_figures`)}() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE metric_value SET ${sql.raw(copy)} = NEW.${sql.raw(column)}
      WHERE ${sql.raw(key)} = NEW.id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER ${name(`${column}_to_figures`)}
    AFTER UPDATE OF ${sql.raw(column)} ON ${sql.table(table)}
    FOR EACH ROW WHEN (OLD.${sql.raw(column)} IS DISTINCT FROM NEW.${sql.raw(column)})
    EXECUTE FUNCTION ${name(`pass_${column}_to_figures`)}()`.execute(db);
}
