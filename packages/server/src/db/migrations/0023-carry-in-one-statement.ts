import { sql, type Kysely } from 'kysely';
import * as carryWithoutOwnCuts from './0022-carry-without-own-cuts.js';
import { carried, TOTAL_COLUMNS } from './0018-metric-total-carry.js';
import * as rollupStore from './0016-metric-rollup-store.js';
import type { MigrationPhase } from './phase.js';

/**
 * The changed unit's difference is carried to all its stored ancestors in one statement. Under
 * migration 0022 each ancestor read its rows, carried its child's difference and handed its
 * rows up, one level after the other: for a village's report three reads and three carry
 * statements, each planned once but started (its expressions built, its relations locked) on
 * every call. A unit's total is its own figures combined with its children's, so while no
 * unit between the changed one and an ancestor cuts the chain with its own SUBTREE figure,
 * the ancestor's subtree changed by the changed unit's difference and nothing else: the carry
 * (0018's rules: sums and classes move by it; an extreme grows to the changed unit's or stays
 * when the changed unit did not hold it; a qualifier set takes the changed unit's when that
 * only grew; otherwise the step) applies to every ancestor with the changed unit's rows before
 * and after, and each ancestor's own cuts are looked up as before. The ancestors' rows are read
 * by key within that statement rather than before it. Above an ancestor that has a SUBTREE figure
 * of the period, every changed metric takes the step, level by level from the lowest, reading
 * the children's rows already brought up to date (in the bench's data no township or county
 * has one).
 *
 * All the units' locks are taken, deepest first, before any ancestor's rows are read, as
 * before each unit's own read; the changed unit's rows and the coverage are 0019's. Same
 * answers, same signature: only the function changes, the rows stay.
 */
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(oneStatementStoreFunction()).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await carryWithoutOwnCuts.up(db);
}

/** Replaces `from` in `text` by `to`, exactly `count` times (so a changed fragment fails loudly). */
export function replaceExactly(text: string, from: string, to: string, count: number): string {
  const parts = text.split(from);
  if (parts.length !== count + 1) {
    throw new Error(`expected ${count} of ${JSON.stringify(from)}, found ${parts.length - 1}`);
  }
  return parts.join(to);
}

/**
 * SQL: 0018's carry of the changed unit's rows (`child_before`, `child_after`) to every
 * ancestor `a` at once (`above_units`, deepest first; `above_cuts`, whether each has a SUBTREE
 * figure of the period), its stored rows `s` joined by key with their row ids (`id`, null for
 * a row not stored yet); `blocked` where a unit between the changed one and the ancestor may
 * cut, so that the changed unit's difference is not the ancestor's subtree's.
 */
export const CARRIED_ABOVE = (() => {
  let text = carried('a.own_cuts AND ');
  text = replaceExactly(
    text,
    'SELECT d.code, d.basis, d.rule,',
    'SELECT a.id AS unit, a.blocked, s.ctid AS id, d.code, d.basis, d.rule,',
    1,
  );
  text = replaceExactly(
    text,
    'LEFT JOIN unnest(unit_before) AS s ON s.metric_code = d.code AND s.basis = d.basis',
    `CROSS JOIN (
      SELECT u.id, u.own_cuts, coalesce(true = ANY(above_cuts[1:u.ord - 1]), false) AS blocked
      FROM unnest(above_units, above_cuts) WITH ORDINALITY AS u(id, own_cuts, ord)
    ) AS a
    LEFT JOIN metric_total s ON s.organization_id = a.id AND s.metric_code = d.code
      AND s.period = changed_period AND s.basis = d.basis`,
    1,
  );
  return replaceExactly(text, 'v.organization_id = this_unit', 'v.organization_id = a.id', 3);
})();

const list = (prefix: string) => TOTAL_COLUMNS.map((c) => `${prefix}${c}`).join(', ');

/** SQL: unit `unit`'s rows of the metrics `metrics` replaced by metric_total_step's. */
const stepRows = (unit: string, metrics: string) => `
          INSERT INTO metric_total AS t
          SELECT s.organization_id, s.metric_code, s.period, s.basis, ${list('s.')}
          FROM metric_total_step(ARRAY[${unit}], ${metrics}, ARRAY[changed_period], counted_bases) s`;

/** SQL: the carried rows (`carried`) with `by_step`, whether the unit's metric takes the step. */
const PLANNED = `SELECT c.*, bool_or(c.stepped OR c.blocked) OVER (PARTITION BY c.unit, c.code) AS by_step
        FROM carried c`;

/**
 * metric_rollup_store(unit, submission, removed, present, period, bases): the units, metrics,
 * locks (all of them, deepest first, before any ancestor's rows are read) and coverage as in
 * migration 0019; the changed unit's rows by the step; every ancestor's by `carriedAbove` in
 * one statement (updated, inserted and deleted by row id or key, as in 0019; `planned` says
 * which take the step instead), then, from the lowest ancestor up, the step for each
 * ancestor's metrics that the carry does not give.
 */
export const oneStatementStoreFunction = (
  carriedAbove = CARRIED_ABOVE,
  planned = PLANNED,
) => `${rollupStore.storeFunctionHead(
  'CREATE OR REPLACE',
  `    this_unit integer;
    stepped text[];
    child_before metric_total[];
    child_ids tid[];
    child_after metric_total[];
    above_units integer[];
    above_cuts boolean[];
    stepped_units integer[];
    stepped_codes text[];
`,
)}
  BEGIN
${rollupStore.FIND_METRICS_AND_UNITS}    FOR i IN 1 .. coalesce(cardinality(target_units), 0) LOOP
      this_unit := target_units[i];
      PERFORM pg_advisory_xact_lock(15, this_unit);
${rollupStore.coverageDifference('this_unit')}      IF i = 1 THEN
        IF cardinality(counted_bases) > 0 THEN
          SELECT coalesce(array_agg(t), '{}'), coalesce(array_agg(t.ctid), '{}')
          INTO child_before, child_ids
          FROM metric_total t
          WHERE t.organization_id = this_unit AND t.metric_code = ANY(codes)
            AND t.period = changed_period AND t.basis = ANY(counted_bases);
          DELETE FROM metric_total t WHERE t.ctid = ANY(child_ids);
          WITH fresh AS (${stepRows('this_unit', 'codes')}
            RETURNING t
          )
          SELECT ARRAY(SELECT f.t FROM fresh f) INTO child_after;
        ELSIF d_codes IS NULL THEN
          RETURN;
        END IF;
      END IF;
    END LOOP;
    IF cardinality(counted_bases) > 0 AND cardinality(target_units) > 1 THEN
      above_units := target_units[2:];
      above_cuts := ARRAY(
        SELECT EXISTS (
          SELECT 1 FROM metric_value v
          WHERE v.organization_id = u.id AND v.period = changed_period
            AND v.submission_id IS NOT NULL AND v.scope = 'SUBTREE' AND v.aggregatable
            AND v.submission_status IN ('APPROVED', 'SUBMITTED'))
        FROM unnest(above_units) WITH ORDINALITY AS u(id, ord)
        ORDER BY u.ord);
      WITH carried AS (${carriedAbove}
      ),
      planned AS (
        ${planned}
      ),
      updated AS (
        UPDATE metric_total AS t
        SET ${TOTAL_COLUMNS.map((c) => `${c} = p.${c}`).join(', ')}
        FROM planned p
        WHERE t.ctid = p.id AND NOT p.by_step AND NOT p.gone
      ),
      inserted AS (
        INSERT INTO metric_total AS t
        SELECT p.unit, p.code, changed_period, p.basis, ${list('p.')}
        FROM planned p WHERE p.id IS NULL AND NOT p.by_step AND NOT p.gone
      ),
      dropped AS (
        DELETE FROM metric_total t USING planned p
        WHERE t.ctid = p.id AND p.gone AND NOT p.by_step
      )
      SELECT array_agg(s.unit), array_agg(s.code)
      INTO stepped_units, stepped_codes
      FROM (SELECT DISTINCT p.unit, p.code FROM planned p WHERE p.by_step) AS s;
      FOR i IN 1 .. CASE WHEN stepped_units IS NULL THEN 0 ELSE cardinality(above_units) END LOOP
        this_unit := above_units[i];
        stepped := ARRAY(
          SELECT s.code FROM unnest(stepped_units, stepped_codes) AS s(unit, code)
          WHERE s.unit = this_unit);
        IF cardinality(stepped) > 0 THEN
          DELETE FROM metric_total t
          WHERE t.organization_id = this_unit AND t.metric_code = ANY(stepped)
            AND t.period = changed_period AND t.basis = ANY(counted_bases);${stepRows('this_unit', 'stepped')};
        END IF;
      END LOOP;
    END IF;
${rollupStore.COVERAGE_UPSERT}  END $$`;
