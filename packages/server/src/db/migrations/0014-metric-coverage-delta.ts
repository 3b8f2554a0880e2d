import { sql, type Kysely } from 'kysely';
import { PATH_SEGMENT_LENGTH } from '../path.js';
import {
  countDelta,
  REBUILD_FUNCTION,
  STORE_FUNCTION,
  UNIT_COLUMNS,
} from './0013-metric-coverage.js';
import type { MigrationPhase } from './phase.js';

/**
 * The coverage's counts add up (a unit's rows are its own flags plus its children's rows), so
 * neither a write nor the rebuild needs to go through the tree depth by depth:
 *
 * - metric_coverage_store recomputes only the changed unit's rows and adds their difference
 *   to the unit and each ancestor in one statement, instead of recomputing every ancestor from
 *   its children (a lookup of the children's rows per level, which more than doubled the
 *   cost of an approval over the totals').
 * - metric_coverage_rebuild counts every reporting unit's own flags once and adds them to the
 *   unit and its stored ancestors in one grouped statement, instead of one step per depth.
 *
 * The rows 0013 built are exact and stay: only the functions change (same signatures, so a
 * server of the previous release calls them as before).
 */
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(DELTA_STORE_FUNCTION).execute(db);
  await sql.raw(SET_REBUILD_FUNCTION).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION metric_coverage_store(integer[], text[], text)`.execute(db);
  await sql.raw(STORE_FUNCTION).execute(db);
  await sql`DROP FUNCTION metric_coverage_rebuild()`.execute(db);
  await sql.raw(REBUILD_FUNCTION).execute(db);
}

/**
 * PL/pgSQL: the coverage difference (`d_reported`, `d_approved`, `d_submitted` by the metric
 * codes and levels the arrays `codes` and `levels` name) added to every unit of
 * `target_units`, inserted where a unit has no row; a row whose `reported` falls to 0 goes.
 */
export const coverageUpsert = (
  codes: string,
  levels: string,
) => `    INSERT INTO metric_coverage AS c
    SELECT t.id, d.code, changed_period, d.level, d.reported, d.approved, d.submitted
    FROM unnest(target_units) AS t(id)
    CROSS JOIN unnest(${codes}, ${levels}, d_reported, d_approved, d_submitted)
      AS d(code, level, reported, approved, submitted)
    ON CONFLICT (organization_id, metric_code, period, level) DO UPDATE
    SET reported = c.reported + excluded.reported, approved = c.approved + excluded.approved,
      submitted = c.submitted + excluded.submitted;
    IF EXISTS (SELECT 1 FROM unnest(d_reported) AS d(r) WHERE d.r < 0) THEN
      DELETE FROM metric_coverage c
      WHERE c.organization_id = ANY(target_units) AND c.metric_code = ANY(${codes})
        AND c.period = changed_period AND c.reported = 0;
    END IF;
`;

/**
 * metric_coverage_store(units, codes, period): `units` are the changed unit then its stored
 * ancestors, deepest first (applyTotalsChange). Under the unit's advisory lock it recomputes
 * the unit's rows of the changed metrics and period (metric_coverage_step) and compares them
 * with the stored ones; nothing changed (a draft's second figure of a metric) ends it there.
 * Otherwise it takes the ancestors' locks, deepest first like metric_total_store (the same
 * keys, so a writer holding them already takes nothing new, and no writer waits for a
 * deeper lock while holding a shallower one), and adds the difference to the unit and every
 * ancestor in one upsert. A row whose `reported` falls to 0 is deleted: the rebuild stores no
 * such row (approved ≤ submitted ≤ reported, so the whole row is 0), and verify compares them.
 * The lock on the unit keeps its children's rows as committed by every writer below that
 * held it before, as those writers' differences reach the unit under the same lock.
 */
const DELTA_STORE_FUNCTION = `
  CREATE OR REPLACE FUNCTION metric_coverage_store(
    target_units integer[], changed_codes text[], changed_period text)
  RETURNS void
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan
  AS $$
  DECLARE
    unit integer := target_units[1];
    above integer;
    codes text[];
    levels text[];
    d_reported integer[];
    d_approved integer[];
    d_submitted integer[];
  BEGIN
    IF unit IS NULL THEN
      RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(15, unit);
    WITH fresh AS (
      SELECT * FROM metric_coverage_step(ARRAY[unit], changed_codes, ARRAY[changed_period])
    ),
    stored AS (
      SELECT c.metric_code, c.level, c.reported, c.approved, c.submitted
      FROM metric_coverage c
      WHERE c.organization_id = unit AND c.metric_code = ANY(changed_codes)
        AND c.period = changed_period
    )
    SELECT array_agg(coalesce(f.metric_code, s.metric_code)),
      array_agg(coalesce(f.level, s.level)),
      array_agg(coalesce(f.reported, 0) - coalesce(s.reported, 0)),
      array_agg(coalesce(f.approved, 0) - coalesce(s.approved, 0)),
      array_agg(coalesce(f.submitted, 0) - coalesce(s.submitted, 0))
    INTO codes, levels, d_reported, d_approved, d_submitted
    FROM fresh f
    FULL JOIN stored s ON s.metric_code = f.metric_code AND s.level = f.level
    WHERE (f.reported, f.approved, f.submitted)
      IS DISTINCT FROM (s.reported, s.approved, s.submitted);
    IF codes IS NULL THEN
      RETURN;
    END IF;
    FOREACH above IN ARRAY target_units[2:] LOOP
      PERFORM pg_advisory_xact_lock(15, above);
    END LOOP;
${coverageUpsert('codes', 'levels')}  END $$`;

/** SQL: the id of the ancestor at depth `depth` of the unit whose path is `path`. */
const ancestorId = (path: string, depth: string) =>
  `substr(${path}, ${PATH_SEGMENT_LENGTH} * ${depth} + 1, ${PATH_SEGMENT_LENGTH - 1})::integer`;

/**
 * metric_coverage_rebuild(): subtree_federation_count as before; metric_coverage in one
 * statement: each reporting unit's own flags (as metric_coverage_step defines them: a
 * federation that existed during the period with a figure of the metric or a ratio's part in
 * a submission of any status), counted at itself and at each ancestor from the stored depth
 * down, the ancestors' ids read from its path, grouped and summed.
 */
const SET_REBUILD_FUNCTION = `
  CREATE OR REPLACE FUNCTION metric_coverage_rebuild() RETURNS void
  LANGUAGE plpgsql AS $$
  BEGIN
    DELETE FROM subtree_federation_count;
    ${countDelta(`SELECT ${UNIT_COLUMNS}, 1 AS sign FROM organization`)};
    DELETE FROM metric_coverage;
    INSERT INTO metric_coverage
    SELECT ${ancestorId('own.path', 'k.depth')}, own.code, own.period, own.level,
      count(*), sum(own.approved), sum(own.submitted)
    FROM (
      SELECT o.path, o.depth, r.code, v.period, o.level,
        max((v.submission_status = 'APPROVED')::int) AS approved,
        max((v.submission_status IN ('APPROVED', 'SUBMITTED'))::int) AS submitted
      FROM metric_definition r
      CROSS JOIN LATERAL (VALUES (r.code), (r.numerator_code), (r.denominator_code))
        AS p(read_code)
      JOIN metric_value v ON v.metric_code = p.read_code AND v.submission_id IS NOT NULL
      JOIN organization o ON o.id = v.organization_id AND o.kind = 'FEDERATION'
      WHERE r.tree_aggregation IN ('SUM', 'AVERAGE', 'MAX', 'MIN', 'RATIO')
        AND (o.valid_from IS NULL OR o.valid_from <= v.period_end)
        AND (o.valid_to IS NULL OR o.valid_to > v.period_start)
      GROUP BY o.id, r.code, v.period, o.level
    ) own
    CROSS JOIN generate_series(metric_total_min_depth(), own.depth) AS k(depth)
    GROUP BY 1, own.code, own.period, own.level;
  END $$`;
