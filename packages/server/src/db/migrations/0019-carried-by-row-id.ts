import { sql, type Kysely } from 'kysely';
import * as rollupStore from './0016-metric-rollup-store.js';
import * as totalCarry from './0018-metric-total-carry.js';
import { CARRIED, TOTAL_COLUMNS } from './0018-metric-total-carry.js';
import type { MigrationPhase } from './phase.js';

/**
 * A write looks each stored total of the chain up once. metric_rollup_store (migration 0018)
 * read a unit's rows, upserted the carried ones by key (a look-up for the conflict, another
 * for the new version's index entry) and read the rows again for the unit above: four index
 * look-ups of the same township or county row per write. The rows above a village are
 * rewritten by every write below them, and a dead version is only removed once no snapshot
 * can see it: while any transaction of the cluster stays open (a bulk load, a long report),
 * each look-up walks every version left since, and a profile of approvals on the bench data
 * showed most of the function's time in that walk (heap_hot_search_buffer, buffer look-ups,
 * pruning attempts).
 *
 * Now the unit's rows are read once with their row ids; the carried rows are updated, and the
 * rows a step replaces or a write empties deleted, by row id; and the rows handed to the unit
 * above are the rows read, with those the write replaced swapped for what it returned. The
 * row ids stay valid for the call: every writer of a unit's totals holds the unit's advisory
 * lock (key 15) from before it reads them to the end of its transaction. The coverage, the
 * locks and their order are 0016's; the rows are exact and stay.
 */
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(rowIdStoreFunction()).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await totalCarry.up(db);
}

const list = (prefix: string) => TOTAL_COLUMNS.map((c) => `${prefix}${c}`).join(', ');

/**
 * metric_rollup_store(unit, submission, removed, present, period, bases), as in migration
 * 0018, with the unit's stored rows (`unit_before`) read once with their row ids
 * (`before_ids`), and the rows it writes returned (`written`) instead of read again.
 * `replaced_codes` and `replaced_bases` are the rows the carry updated, inserted or deleted.
 * `carry` is the carried rows' SQL; `declared` and `beforeCarry` (PL/pgSQL) add variables and
 * statements run before it, for each unit above the changed one.
 */
export const rowIdStoreFunction = (
  carry = CARRIED,
  declared = '',
  beforeCarry = '',
) => `${rollupStore.storeFunctionHead(
  'CREATE OR REPLACE',
  `    this_unit integer;
    stepped text[];
    unit_before metric_total[];
    before_ids tid[];
    written metric_total[];
    replaced_codes text[];
    replaced_bases text[];
    child_before metric_total[];
    child_after metric_total[];
`,
  declared,
)}
  BEGIN
${rollupStore.FIND_METRICS_AND_UNITS}    FOR i IN 1 .. coalesce(cardinality(target_units), 0) LOOP
      this_unit := target_units[i];
      PERFORM pg_advisory_xact_lock(15, this_unit);
${rollupStore.coverageDifference('this_unit')}      IF cardinality(counted_bases) > 0 THEN
        SELECT coalesce(array_agg(t), '{}'), coalesce(array_agg(t.ctid), '{}')
        INTO unit_before, before_ids
        FROM metric_total t
        WHERE t.organization_id = this_unit AND t.metric_code = ANY(codes)
          AND t.period = changed_period AND t.basis = ANY(counted_bases);
        IF i = 1 THEN
          stepped := codes;
          written := '{}';
          replaced_codes := '{}';
          replaced_bases := '{}';
        ELSE${beforeCarry}
          WITH carried AS (${carry}
          ),
          planned AS (
            SELECT c.*, bool_or(c.stepped) OVER (PARTITION BY c.code) AS by_step, b.id
            FROM carried c
            LEFT JOIN (
              SELECT u.metric_code, u.basis, before_ids[u.ordinality] AS id
              FROM unnest(unit_before) WITH ORDINALITY AS u
            ) AS b ON b.metric_code = c.code AND b.basis = c.basis
          ),
          updated AS (
            UPDATE metric_total AS t
            SET ${TOTAL_COLUMNS.map((c) => `${c} = p.${c}`).join(', ')}
            FROM planned p
            WHERE t.ctid = p.id AND NOT p.by_step AND NOT p.gone
            RETURNING t
          ),
          inserted AS (
            INSERT INTO metric_total AS t
            SELECT this_unit, p.code, changed_period, p.basis, ${list('p.')}
            FROM planned p WHERE p.id IS NULL AND NOT p.by_step AND NOT p.gone
            RETURNING t
          ),
          dropped AS (
            DELETE FROM metric_total t USING planned p
            WHERE t.ctid = p.id AND p.gone AND NOT p.by_step
          )
          SELECT ARRAY(SELECT DISTINCT p.code FROM planned p WHERE p.by_step),
            ARRAY(SELECT u.t FROM updated u UNION ALL SELECT n.t FROM inserted n),
            ARRAY(SELECT p.code FROM planned p WHERE NOT p.by_step),
            ARRAY(SELECT p.basis FROM planned p WHERE NOT p.by_step)
          INTO stepped, written, replaced_codes, replaced_bases;
        END IF;
        IF cardinality(stepped) > 0 THEN
          DELETE FROM metric_total t
          WHERE t.ctid = ANY(before_ids) AND t.metric_code = ANY(stepped);
          WITH fresh AS (
            INSERT INTO metric_total AS t
            SELECT s.organization_id, s.metric_code, s.period, s.basis, ${list('s.')}
            FROM metric_total_step(ARRAY[this_unit], stepped, ARRAY[changed_period], counted_bases) s
            RETURNING t
          )
          SELECT written || ARRAY(SELECT f.t FROM fresh f) INTO written;
        END IF;
        IF i < cardinality(target_units) THEN
          child_before := unit_before;
          child_after := written || ARRAY(
            SELECT u FROM unnest(unit_before) AS u
            WHERE u.metric_code <> ALL(stepped) AND NOT EXISTS (
              SELECT 1 FROM unnest(replaced_codes, replaced_bases) AS r(code, basis)
              WHERE r.code = u.metric_code AND r.basis = u.basis));
        END IF;
      ELSIF d_codes IS NULL THEN
        RETURN;
      END IF;
    END LOOP;
${rollupStore.COVERAGE_UPSERT}  END $$`;
