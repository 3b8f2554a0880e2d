import { sql, type Kysely } from 'kysely';
import type { MigrationPhase } from './phase.js';

/**
 * A write's totals in one database call. The writer used to send, per unit above the changed
 * one, a lock, a DELETE and an INSERT from metric_total_step, each planned afresh: planning
 * the step's large statement took most of an approval's time (10–27 ms per unit at Hunan
 * scale, four units per village report). `metric_total_store(units, codes, period, bases)`
 * runs the same three statements per unit, deepest first, inside PL/pgSQL, which prepares
 * each statement once per connection and keeps its plan. The plan is the generic one from
 * the first call on: the step's statement is written to be planned without its arguments'
 * values (migration 0009), and re-planning it for each call's values is the cost this removes.
 *
 * The lock is the writers' advisory lock on the unit (first key 15), taken before the unit's
 * children are read, so the totals it stores build on those committed by every writer that
 * held it before.
 */
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(storeFunction()).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION metric_total_store(integer[], text[], text, text[])`.execute(db);
}

/**
 * The statement creating (or, with `replace`, replacing) metric_total_store; `deleted`
 * narrows the totals each unit's DELETE removes (a condition on `t`, after AND).
 */
export function storeFunction(deleted = '', replace = false): string {
  return `
    CREATE ${replace ? 'OR REPLACE ' : ''}FUNCTION metric_total_store(
      target_units integer[], changed_codes text[], changed_period text, counted_bases text[])
    RETURNS void
    LANGUAGE plpgsql
    SET plan_cache_mode = force_generic_plan
    AS $$
    DECLARE
      unit integer;
    BEGIN
      FOREACH unit IN ARRAY target_units LOOP
        PERFORM pg_advisory_xact_lock(15, unit);
        DELETE FROM metric_total t
        WHERE t.organization_id = unit AND t.metric_code = ANY(changed_codes)
          AND t.period = changed_period${deleted};
        INSERT INTO metric_total
        SELECT s.organization_id, s.metric_code, s.period, s.basis, s.value, s.figures,
          s.qualifiers, s.numerator, s.numerator_qualifiers, s.denominator,
          s.denominator_qualifiers, s.numerator_uncovered, s.denominator_uncovered,
          s.numerator_unpaired, s.denominator_unpaired, s.units
        FROM metric_total_step(ARRAY[unit], changed_codes, ARRAY[changed_period],
          counted_bases) s;
      END LOOP;
    END $$`;
}
