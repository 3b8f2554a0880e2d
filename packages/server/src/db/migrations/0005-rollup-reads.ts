import { sql, type Kysely } from 'kysely';

/**
 * What a roll-up reads of a submitted figure, in one index. A roll-up reads every figure of a
 * metric and period inside a subtree, and whether its submission's status counts: the status
 * is copied onto the figure (kept by triggers, so no write path can forget it) and the
 * one-figure-per-unit index carries it with the columns the roll-up reads. The figures then
 * come from an index-only scan, without a heap page per figure or a join with every
 * submission. The index keeps its name: write errors are told apart by it.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE metric_value ADD COLUMN submission_status text`.execute(db);
  await sql`
    UPDATE metric_value v SET submission_status = s.status
    FROM submission s WHERE s.id = v.submission_id`.execute(db);
  await sql`
    ALTER TABLE metric_value ADD CONSTRAINT metric_value_submission_status_present
    CHECK ((submission_id IS NULL) = (submission_status IS NULL))`.execute(db);
  await sql`
    CREATE FUNCTION metric_value_take_submission_status() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.submission_status := (SELECT status FROM submission WHERE id = NEW.submission_id);
      RETURN NEW;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER metric_value_submission_status
    BEFORE INSERT OR UPDATE OF submission_id ON metric_value
    FOR EACH ROW EXECUTE FUNCTION metric_value_take_submission_status()`.execute(db);
  await sql`
    CREATE FUNCTION submission_pass_status_to_figures() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE metric_value SET submission_status = NEW.status WHERE submission_id = NEW.id;
      RETURN NULL;
    END $$`.execute(db);
  await sql`
    CREATE TRIGGER submission_status_to_figures
    AFTER UPDATE OF status ON submission
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION submission_pass_status_to_figures()`.execute(db);
  await sql`DROP INDEX metric_value_submitted_period_key`.execute(db);
  await sql`
    CREATE UNIQUE INDEX metric_value_submitted_period_key
    ON metric_value (metric_code, period, organization_id)
    INCLUDE (submission_status, submission_id, value, qualifier, scope, aggregatable)
    WHERE submission_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP INDEX metric_value_submitted_period_key`.execute(db);
  await sql`
    CREATE UNIQUE INDEX metric_value_submitted_period_key
    ON metric_value (metric_code, period, organization_id) WHERE submission_id IS NOT NULL`.execute(
    db,
  );
  await sql`DROP TRIGGER submission_status_to_figures ON submission`.execute(db);
  await sql`DROP FUNCTION submission_pass_status_to_figures()`.execute(db);
  await sql`DROP TRIGGER metric_value_submission_status ON metric_value`.execute(db);
  await sql`DROP FUNCTION metric_value_take_submission_status()`.execute(db);
  await sql`ALTER TABLE metric_value DROP COLUMN submission_status`.execute(db);
}
