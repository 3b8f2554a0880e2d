import { sql, type Kysely } from 'kysely';
import { PATH_SEGMENT_LENGTH } from '../path.js';
import type { MigrationPhase } from './phase.js';

/**
 * The coverage of expected reports (expected, unapproved, missing), kept like the totals so a
 * roll-up reads O(groups) rows for it instead of looking at every expected unit below each
 * group (~2,000 per city with villages expected).
 *
 * - `subtree_federation_count`: per unit, how many federations its subtree holds (the unit
 *   included) per level and validity (valid_from, valid_to; ±infinity when open). A read
 *   sums the rows of the expected levels whose validity overlaps the period. Statement
 *   triggers on organization keep it, from the transition tables.
 * - `metric_coverage`: per unit (from metric_total_min_depth() down, as the totals), metric,
 *   period and level, how many federations of that level in its subtree that existed during
 *   the period reported a figure of the metric (a ratio: or of its parts) in a submission of
 *   any status (`reported`), and how many of them have one approved (`approved`), or
 *   approved or submitted (`submitted`). The counts are additive: a unit's rows are its own
 *   flags plus the sum of its children's (metric_coverage_step), so a group above the stored
 *   depth is computed from its children's rows when read. Kept per level, a read filters by
 *   the levels the templates expect without the counts depending on the templates.
 */
// New tables kept by triggers and by the writers' one totals call: a server of the previous
// release neither reads them nor writes coverage (see docs/operations.md on rolling upgrades).
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE subtree_federation_count (
      organization_id integer NOT NULL REFERENCES organization (id) ON DELETE CASCADE,
      level text NOT NULL,
      valid_from date NOT NULL,
      valid_to date NOT NULL,
      units integer NOT NULL,
      PRIMARY KEY (organization_id, level, valid_from, valid_to)
    )`.execute(db);
  // The rows a change brought to zero, found without reading the table.
  await sql`
    CREATE INDEX subtree_federation_count_zero_idx ON subtree_federation_count (organization_id)
    WHERE units = 0`.execute(db);
  await sql`
    CREATE TABLE metric_coverage (
      organization_id integer NOT NULL REFERENCES organization (id),
      metric_code text NOT NULL REFERENCES metric_definition (code),
      period text NOT NULL,
      level text NOT NULL,
      reported integer NOT NULL,
      approved integer NOT NULL,
      submitted integer NOT NULL,
      PRIMARY KEY (organization_id, metric_code, period, level)
    )`.execute(db);
  await sql.raw(coverageStepFunction()).execute(db);
  await sql.raw(BUILD_FUNCTION).execute(db);
  await sql.raw(STORE_FUNCTION).execute(db);
  for (const statement of countTriggers()) await sql.raw(statement).execute(db);
  for (const event of ['INSERT', 'UPDATE', 'DELETE'] as const) {
    const tables = {
      INSERT: 'NEW TABLE AS new_unit',
      UPDATE: 'OLD TABLE AS old_unit NEW TABLE AS new_unit',
      DELETE: 'OLD TABLE AS old_unit',
    }[event];
    await sql
      .raw(
        `
      CREATE TRIGGER organization_federation_count_${event.toLowerCase()}
      AFTER ${event} ON organization REFERENCING ${tables}
      FOR EACH STATEMENT EXECUTE FUNCTION organization_federation_count_${event.toLowerCase()}()`,
      )
      .execute(db);
  }
  await sql.raw(REBUILD_FUNCTION).execute(db);
  await sql`SELECT metric_coverage_rebuild()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const event of ['insert', 'update', 'delete']) {
    await sql
      .raw(`DROP TRIGGER organization_federation_count_${event} ON organization`)
      .execute(db);
    await sql.raw(`DROP FUNCTION organization_federation_count_${event}()`).execute(db);
  }
  await sql`DROP FUNCTION metric_coverage_rebuild()`.execute(db);
  await sql`DROP FUNCTION metric_coverage_store(integer[], text[], text)`.execute(db);
  await sql`DROP FUNCTION metric_coverage_build(integer[], text[])`.execute(db);
  await sql`DROP FUNCTION metric_coverage_step(integer[], text[], text[])`.execute(db);
  await sql`DROP TABLE metric_coverage`.execute(db);
  await sql`DROP TABLE subtree_federation_count`.execute(db);
}

/** SQL: the path of the ancestor at depth `depth` of the unit whose path is `path`. */
const ancestorPath = (path: string, depth: string) =>
  `left(${path}, ${PATH_SEGMENT_LENGTH} * (${depth} + 1))`;

/**
 * `below`'s rows: the target units' children's stored coverage of the metrics and periods
 * asked for, as `s`, with the child as `c`.
 */
export const CHILD_COVERAGE_BY_UNIT = `FROM unnest(target) AS t(id)
    JOIN organization c ON c.parent_id = t.id
    JOIN metric_coverage s ON s.organization_id = c.id
    WHERE s.metric_code = ANY(codes) AND (periods IS NULL OR s.period = ANY(periods))`;

/**
 * metric_coverage_step(target, codes, periods): the coverage rows of the target units, for
 * the metrics `codes` (those with a tree rule) and the periods (null: all), from each unit's
 * own figures and its children's stored rows. A unit's own flags: it is a federation, it
 * existed during the figure's period (db/validity.ts), and it has a figure of the metric or
 * of a ratio's part in a submission (any status, drafts included); approved and submitted
 * by the statuses of those figures. Written to be planned without its arguments' values,
 * like metric_total_step (migration 0009): a unit's figures are looked up by unit and metric.
 * Migration 0017 replaces `childRows`.
 */
export function coverageStepFunction(childRows = CHILD_COVERAGE_BY_UNIT, replace = false): string {
  return `
  CREATE ${replace ? 'OR REPLACE ' : ''}FUNCTION metric_coverage_step(target integer[], codes text[], periods text[])
  RETURNS TABLE (organization_id integer, metric_code text, period text, level text,
    reported integer, approved integer, submitted integer)
  LANGUAGE sql STABLE AS $fn$
  WITH reads AS (
    SELECT d.code, r.read_code
    FROM metric_definition d
    CROSS JOIN LATERAL (VALUES (d.code), (d.numerator_code), (d.denominator_code)) AS r(read_code)
    WHERE d.code = ANY(codes) AND d.tree_aggregation IN ('SUM', 'AVERAGE', 'MAX', 'MIN', 'RATIO')
      AND r.read_code IS NOT NULL
  ),
  own AS (
    SELECT o.id AS unit, r.code, v.period, o.level, 1 AS reported,
      max((v.submission_status = 'APPROVED')::int) AS approved,
      max((v.submission_status IN ('APPROVED', 'SUBMITTED'))::int) AS submitted
    FROM unnest(target) AS t(id)
    JOIN organization o ON o.id = t.id AND o.kind = 'FEDERATION'
    CROSS JOIN reads r
    CROSS JOIN LATERAL (
      SELECT v.period, v.period_start, v.period_end, v.submission_status
      FROM metric_value v
      WHERE v.organization_id = t.id AND v.metric_code = r.read_code
        AND v.submission_id IS NOT NULL AND (periods IS NULL OR v.period = ANY(periods))
      OFFSET 0
    ) v
    WHERE (o.valid_from IS NULL OR o.valid_from <= v.period_end)
      AND (o.valid_to IS NULL OR o.valid_to > v.period_start)
    GROUP BY o.id, r.code, v.period, o.level
  ),
  below AS (
    SELECT c.parent_id AS unit, s.metric_code AS code, s.period, s.level, s.reported,
      s.approved, s.submitted
    ${childRows}
  )
  SELECT unit, code, period, level, sum(reported)::int, sum(approved)::int, sum(submitted)::int
  FROM (SELECT * FROM own UNION ALL SELECT * FROM below) AS counted
  GROUP BY unit, code, period, level
  $fn$`;
}

/**
 * metric_coverage_build(units, periods): replaces the stored rows of the units (null: every
 * unit) from the stored depth down, for the periods (null: all), deepest first, so each
 * depth builds on the fresh rows below. The rebuild and a change of the tree use it.
 */
const BUILD_FUNCTION = `
  CREATE FUNCTION metric_coverage_build(target_units integer[], target_periods text[])
  RETURNS void
  LANGUAGE plpgsql AS $$
  DECLARE
    unit_depth integer;
    depth_units integer[];
  BEGIN
    FOR unit_depth IN
      SELECT DISTINCT depth FROM organization
      WHERE depth >= metric_total_min_depth() AND (target_units IS NULL OR id = ANY(target_units))
      ORDER BY depth DESC
    LOOP
      depth_units := ARRAY(SELECT id FROM organization WHERE depth = unit_depth
        AND (target_units IS NULL OR id = ANY(target_units)));
      DELETE FROM metric_coverage c
      WHERE c.organization_id = ANY(depth_units)
        AND (target_periods IS NULL OR c.period = ANY(target_periods));
      INSERT INTO metric_coverage
      SELECT * FROM metric_coverage_step(depth_units, ARRAY(SELECT code FROM metric_definition),
        target_periods);
    END LOOP;
  END $$`;

/**
 * metric_coverage_store(units, codes, period): a write's coverage, run per unit deepest first
 * under the totals' advisory lock on the unit (migration 0011): recomputes the unit's rows of
 * the changed metrics and period, and stops as soon as a unit's rows come out unchanged, as
 * nothing above it changes then (a draft's second figure of a metric stops at its unit).
 */
export const STORE_FUNCTION = `
  CREATE FUNCTION metric_coverage_store(
    target_units integer[], changed_codes text[], changed_period text)
  RETURNS void
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan
  AS $$
  DECLARE
    unit integer;
    changed integer;
  BEGIN
    FOREACH unit IN ARRAY target_units LOOP
      PERFORM pg_advisory_xact_lock(15, unit);
      WITH fresh AS (
        SELECT * FROM metric_coverage_step(ARRAY[unit], changed_codes, ARRAY[changed_period])
      ),
      gone AS (
        DELETE FROM metric_coverage c
        WHERE c.organization_id = unit AND c.metric_code = ANY(changed_codes)
          AND c.period = changed_period AND NOT EXISTS (
            SELECT 1 FROM fresh f WHERE f.metric_code = c.metric_code AND f.level = c.level)
        RETURNING 1
      ),
      kept AS (
        INSERT INTO metric_coverage AS c
        SELECT * FROM fresh
        ON CONFLICT (organization_id, metric_code, period, level) DO UPDATE
        SET reported = excluded.reported, approved = excluded.approved,
          submitted = excluded.submitted
        WHERE (c.reported, c.approved, c.submitted)
          IS DISTINCT FROM (excluded.reported, excluded.approved, excluded.submitted)
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM gone) + (SELECT count(*) FROM kept) INTO changed;
      EXIT WHEN changed = 0;
    END LOOP;
  END $$`;

/**
 * `INSERT` into subtree_federation_count the federations of `rows` (a statement over
 * organization rows), counted `sign` times, at each of their ancestors and themselves.
 */
export function countDelta(rows: string): string {
  return `
    INSERT INTO subtree_federation_count AS c
      (organization_id, level, valid_from, valid_to, units)
    SELECT a.id, r.level, coalesce(r.valid_from, '-infinity'::date),
      coalesce(r.valid_to, 'infinity'::date), sum(r.sign)
    FROM (${rows}) AS r
    CROSS JOIN generate_series(0, r.depth) AS k(depth)
    JOIN organization a ON a.path = ${ancestorPath('r.path', 'k.depth')}
    WHERE r.kind = 'FEDERATION'
    GROUP BY a.id, r.level, coalesce(r.valid_from, '-infinity'::date),
      coalesce(r.valid_to, 'infinity'::date)
    ON CONFLICT (organization_id, level, valid_from, valid_to) DO UPDATE
    SET units = c.units + excluded.units`;
}

export const UNIT_COLUMNS = 'id, path, depth, level, kind, valid_from, valid_to';

/**
 * The trigger functions: the counts change by the rows inserted, deleted, or updated in what
 * they count. An update of a unit's validity, level, kind or path also changes which of its
 * figures make it a reporting unit: the coverage of it and its ancestors is rebuilt for the
 * periods of its figures (a division edition, rare; no advisory locks are taken, so it is
 * not meant to race with approvals under the same units).
 */
function countTriggers(): string[] {
  const moved = `
    SELECT ${UNIT_COLUMNS} FROM old_unit
    EXCEPT SELECT ${UNIT_COLUMNS} FROM new_unit`;
  const arrived = `
    SELECT ${UNIT_COLUMNS} FROM new_unit
    EXCEPT SELECT ${UNIT_COLUMNS} FROM old_unit`;
  const changedUnits = `SELECT * FROM (${moved}) m UNION SELECT * FROM (${arrived}) a`;
  return [
    `
    CREATE FUNCTION organization_federation_count_insert() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      ${countDelta(`SELECT ${UNIT_COLUMNS}, 1 AS sign FROM new_unit`)};
      RETURN NULL;
    END $$`,
    `
    CREATE FUNCTION organization_federation_count_delete() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      ${countDelta(`SELECT ${UNIT_COLUMNS}, -1 AS sign FROM old_unit`)};
      DELETE FROM subtree_federation_count WHERE units = 0;
      RETURN NULL;
    END $$`,
    `
    CREATE FUNCTION organization_federation_count_update() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      IF NOT EXISTS (${changedUnits}) THEN
        RETURN NULL;
      END IF;
      ${countDelta(`SELECT *, -1 AS sign FROM (${moved}) m UNION ALL SELECT *, 1 FROM (${arrived}) a`)};
      DELETE FROM subtree_federation_count WHERE units = 0;
      PERFORM metric_coverage_build(
        ARRAY(SELECT DISTINCT a.id FROM (${changedUnits}) r
          CROSS JOIN generate_series(metric_total_min_depth(), r.depth) AS k(depth)
          JOIN organization a ON a.path = ${ancestorPath('r.path', 'k.depth')}),
        periods)
      FROM (SELECT ARRAY(
        SELECT DISTINCT v.period FROM metric_value v
        WHERE v.submission_id IS NOT NULL
          AND v.organization_id IN (SELECT id FROM (${changedUnits}) r)) AS periods) p
      WHERE cardinality(p.periods) > 0;
      RETURN NULL;
    END $$`,
  ];
}

/**
 * metric_coverage_rebuild() builds both tables from the organizations and the figures
 * (rebuildTotals runs it after metric_total_rebuild: the seed and the bulk loader, which
 * writes organizations with triggers off).
 */
export const REBUILD_FUNCTION = `
  CREATE FUNCTION metric_coverage_rebuild() RETURNS void
  LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM subtree_federation_count;
    ${countDelta(`SELECT ${UNIT_COLUMNS}, 1 AS sign FROM organization`)};
    DELETE FROM metric_coverage;
    PERFORM metric_coverage_build(NULL, NULL);
  END $$`;
