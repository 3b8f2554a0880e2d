import { sql, type Kysely } from 'kysely';
import { PATH_SEGMENT_LENGTH } from '../path.js';
import * as coverageDelta from './0014-metric-coverage-delta.js';
import type { MigrationPhase } from './phase.js';

/**
 * A write's totals and coverage in one function, metric_rollup_store, which also finds what
 * they are kept for. The writer used to send one statement that found the changed unit's
 * stored ancestors and the changed metrics, planned afresh on every write, and handed them to
 * metric_total_store (migrations 0011, 0012) and metric_coverage_store (migration 0014), each
 * taking the units' advisory locks in turn. Now a write sends the submission and what its
 * save removed; the function looks the units and metrics up with plans it keeps, takes each
 * unit's lock once, deepest first (the same keys in the same order as before), recomputes the
 * unit's totals and, under the changed unit's lock, the coverage difference, which it then
 * adds to every unit in one upsert, as metric_coverage_store did.
 *
 * Only functions are added: the stored rows keep their layout. metric_total_store and
 * metric_coverage_store stay for servers of the previous release.
 */
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(ROLLUP_STORE_FUNCTION).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION metric_rollup_store(integer, integer, text[], text[], text, text[])`.execute(
    db,
  );
}

/** SQL: the metrics with a roll-up whose figures (a ratio: or its parts') are among `codes`. */
export const metricsReading = (codes: string) => `ARRAY(
      SELECT code FROM metric_definition
      WHERE code = ANY(${codes}) OR numerator_code = ANY(${codes})
        OR denominator_code = ANY(${codes})
      ORDER BY code)`;

/**
 * PL/pgSQL of metric_rollup_store, shared with the migrations that replace it: the changed
 * metrics (`changed`, `codes`, `coverage_codes`; none ends the call) and the units to keep,
 * deepest first (`target_units`).
 */
export const FIND_METRICS_AND_UNITS = `    changed := ARRAY(
      SELECT v.metric_code FROM metric_value v WHERE v.submission_id = changed_submission
      UNION SELECT unnest(removed_codes));
    codes := ${metricsReading('changed')};
    IF cardinality(codes) = 0 THEN
      RETURN;
    END IF;
    coverage_codes := CASE WHEN present_codes IS NULL THEN codes
      ELSE ${metricsReading('present_codes')} END;
    target_units := ARRAY(
      SELECT a.id FROM organization u
      JOIN organization a ON a.path = ANY(ARRAY(
        SELECT left(u.path, ${PATH_SEGMENT_LENGTH} * (k + 1)) FROM generate_series(1, u.depth) AS k))
      WHERE u.id = changed_unit AND a.depth >= metric_total_min_depth()
      ORDER BY a.depth DESC);
`;

/**
 * PL/pgSQL: under the changed unit's lock (its id in the variable `unit`), the difference
 * between its recomputed coverage rows and the stored ones, into `d_codes` … `d_submitted`.
 */
export const coverageDifference = (
  unit: string,
) => `      IF i = 1 AND cardinality(coverage_codes) > 0 THEN
        WITH fresh AS (
          SELECT * FROM metric_coverage_step(ARRAY[${unit}], coverage_codes, ARRAY[changed_period])
        ),
        stored AS (
          SELECT c.metric_code, c.level, c.reported, c.approved, c.submitted
          FROM metric_coverage c
          WHERE c.organization_id = ${unit} AND c.metric_code = ANY(coverage_codes)
            AND c.period = changed_period
        )
        SELECT array_agg(coalesce(f.metric_code, s.metric_code)),
          array_agg(coalesce(f.level, s.level)),
          array_agg(coalesce(f.reported, 0) - coalesce(s.reported, 0)),
          array_agg(coalesce(f.approved, 0) - coalesce(s.approved, 0)),
          array_agg(coalesce(f.submitted, 0) - coalesce(s.submitted, 0))
        INTO d_codes, d_levels, d_reported, d_approved, d_submitted
        FROM fresh f
        FULL JOIN stored s ON s.metric_code = f.metric_code AND s.level = f.level
        WHERE (f.reported, f.approved, f.submitted)
          IS DISTINCT FROM (s.reported, s.approved, s.submitted);
      END IF;
`;

/** PL/pgSQL, after the loop: the coverage difference added to every unit kept. */
export const COVERAGE_UPSERT = `    IF d_codes IS NULL THEN
      RETURN;
    END IF;
${coverageDelta.coverageUpsert('d_codes', 'd_levels')}`;

/**
 * The store function's signature and declarations up to BEGIN: `variables` (PL/pgSQL
 * declarations, a line each) between the units' and the coverage difference's, `after`
 * right after those.
 */
export const storeFunctionHead = (
  create: 'CREATE' | 'CREATE OR REPLACE',
  variables: string,
  after = '',
) => `
  ${create} FUNCTION metric_rollup_store(
    changed_unit integer, changed_submission integer, removed_codes text[],
    present_codes text[], changed_period text, counted_bases text[])
  RETURNS void
  LANGUAGE plpgsql
  SET plan_cache_mode = force_generic_plan
  AS $$
  DECLARE
    target_units integer[];
    changed text[];
    codes text[];
    coverage_codes text[];
${variables}    d_codes text[];
    d_levels text[];
    d_reported integer[];
    d_approved integer[];
    d_submitted integer[];${after}`;

/**
 * metric_rollup_store(unit, submission, removed, present, period, bases): the changed unit is
 * the submission's; `removed` are the metrics a save removed figures of (the changed metrics
 * are those and the submission's current figures'); `present` are the metrics whose first
 * figure a save added or whose last it removed, for the coverage, or null when the status
 * moved into or out of a basis (then every changed metric's coverage may change); `bases`
 * are those whose totals change (none: only the coverage may).
 *
 * - The units: the changed unit and its ancestors from metric_total_min_depth() down,
 *   deepest first, each locked (key 15) before its children are read.
 * - The totals: each unit's rows of the changed metrics, period and bases are replaced by
 *   metric_total_step's, which builds on the children's rows just stored below.
 * - The coverage: under the changed unit's lock, its rows are recomputed
 *   (metric_coverage_step) and compared with the stored ones; the difference is added to it
 *   and every ancestor in one upsert once all their locks are held, and a row whose
 *   `reported` falls to 0 is deleted. Nothing changed and no totals to keep ends it at the
 *   changed unit, taking no further lock.
 */
const ROLLUP_STORE_FUNCTION = `${storeFunctionHead('CREATE', '    unit integer;\n')}
  BEGIN
${FIND_METRICS_AND_UNITS}    FOR i IN 1 .. coalesce(cardinality(target_units), 0) LOOP
      unit := target_units[i];
      PERFORM pg_advisory_xact_lock(15, unit);
${coverageDifference('unit')}      IF cardinality(counted_bases) > 0 THEN
        DELETE FROM metric_total t
        WHERE t.organization_id = unit AND t.metric_code = ANY(codes)
          AND t.period = changed_period AND t.basis = ANY(counted_bases);
        INSERT INTO metric_total
        SELECT s.organization_id, s.metric_code, s.period, s.basis, s.value, s.figures,
          s.qualifiers, s.numerator, s.numerator_qualifiers, s.denominator,
          s.denominator_qualifiers, s.numerator_uncovered, s.denominator_uncovered,
          s.numerator_unpaired, s.denominator_unpaired, s.units
        FROM metric_total_step(ARRAY[unit], codes, ARRAY[changed_period], counted_bases) s;
      ELSIF d_codes IS NULL THEN
        RETURN;
      END IF;
    END LOOP;
${COVERAGE_UPSERT}  END $$`;
