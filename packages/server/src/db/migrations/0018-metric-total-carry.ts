import { sql, type Kysely } from 'kysely';
import { QUALIFIER_LIST } from './0007-metric-total.js';
import * as rollupStore from './0016-metric-rollup-store.js';
import type { MigrationPhase } from './phase.js';

/**
 * A write's totals carried up the chain as differences. metric_rollup_store (migration 0016)
 * recomputed every unit above the changed one with metric_total_step, which reads the unit's
 * own figures and all its children's rows (some 20 villages' for a township) to change one
 * child's share: most of what the totals add to an approval. A unit's row is its own figures
 * combined with the sums of its children's rows, so above the changed unit the new row follows
 * from the stored one, the child's rows before and after the write, and whether the unit's own
 * SUBTREE figures cut the chain (looked up by metric, period and unit):
 *
 * - Sums (the value and figures of SUM and AVERAGE, a ratio's numerator and denominator, the
 *   uncovered and unpaired counts) move by the child's difference unless the unit's own
 *   SUBTREE figure (a ratio's: of the part) cuts it off. A value is null when no figure counts
 *   (`figures` 0), a ratio's parts when no pair does (`units[1]`, the entered units under no
 *   cut above, 0).
 * - The unit classes (`units`) move by the child's, each class under the cuts above taking the
 *   child's class under those cuts and the unit's own, as the step sums them. A row left with
 *   no unit in any class has no figure below it: it is deleted, as the step gives none.
 * - MAX and MIN move when the child's extreme grows past the unit's or the child did not hold
 *   the unit's; a qualifier set when the child's only grew, or when one qualifier is left for
 *   every counted figure. Otherwise (an extreme or a qualifier that may have gone) the metric
 *   is recomputed with the step, as before, from the children's rows already brought up to date.
 *
 * The changed unit's own rows are still recomputed with the step: its own figures changed.
 * The locks, their order and the coverage are 0016's: a unit's stored row is read under its
 * lock, after every writer below that held it before has added its difference and committed.
 * Only the function changes (same signature): the stored rows are exact and stay.
 */
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(CARRY_STORE_FUNCTION).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION metric_rollup_store(integer, integer, text[], text[], text, text[])`.execute(
    db,
  );
  await rollupStore.up(db);
}

/** SQL: the child's change in `column` (or an array element), after − before, null as 0. */
const delta = (column: string) => `(coalesce(n.${column}, 0) - coalesce(o.${column}, 0))`;

/** SQL: the qualifiers of the sets `a` and `b`, in QUALIFIER_LIST order (as the step's). */
export function union(a: string, b: string): string {
  const items = QUALIFIER_LIST.map(
    (qualifier) =>
      `CASE WHEN '${qualifier}' = ANY(${a}) OR '${qualifier}' = ANY(${b}) THEN '${qualifier}' END`,
  );
  return `array_remove(ARRAY[${items.join(', ')}]::text[], NULL)`;
}

/**
 * SQL: the unit's qualifier set `column` after the child's change, given the number of
 * figures (or pairs) it then counts, `count`; null where it does not follow from the stored
 * set (setMoved). A set is the qualifiers of the counted figures: none counted, none; the
 * child's set only grew, the union; one qualifier in the union, it is every counted figure's.
 */
const movedSet = (column: string, count: string) =>
  `CASE WHEN ${count} > 0 THEN ${union(`s.${column}`, `n.${column}`)} END`;

/** SQL: whether movedSet gives the unit's set `column` (otherwise the step does). */
export const setMoved = (column: string, count: string) => `(${count} = 0
      OR coalesce(o.${column}, '{}') <@ coalesce(n.${column}, '{}')
      OR cardinality(${union(`s.${column}`, `n.${column}`)}) = 1)`;

/**
 * SQL: a ratio's unit classes after the child's change. Class j under the cuts k above
 * (k = 2 × numerator covered + denominator covered, the step's order) takes the child's class
 * j under those cuts and the unit's own.
 */
function ratioUnits(): string {
  const slots: string[] = [];
  for (let k = 0; k < 4; k += 1) {
    const coveredN = k >= 2;
    const coveredD = k % 2 === 1;
    for (let j = 0; j < 3; j += 1) {
      const child = (n: boolean, d: boolean) =>
        delta(`units[${(n ? 6 : 0) + (d ? 3 : 0) + j + 1}]`);
      slots.push(`coalesce(s.units[${k * 3 + j + 1}], 0) + CASE
          WHEN k.cut_n AND k.cut_d THEN ${child(true, true)}
          WHEN k.cut_n THEN ${child(true, coveredD)}
          WHEN k.cut_d THEN ${child(coveredN, true)}
          ELSE ${child(coveredN, coveredD)} END`);
    }
  }
  return `ARRAY[${slots.join(',\n        ')}]`;
}

/** SQL: a single metric's classes (entered, covered, unpaired); a cut covers those below. */
const SINGLE_UNITS = `ARRAY[
          coalesce(s.units[1], 0) + CASE WHEN k.cut_m THEN 0 ELSE ${delta('units[1]')} END,
          coalesce(s.units[2], 0) + ${delta('units[2]')}
            + CASE WHEN k.cut_m THEN ${delta('units[1]')} ELSE 0 END,
          coalesce(s.units[3], 0) + ${delta('units[3]')}]`;

/**
 * SQL: whether the unit's own aggregatable SUBTREE figure of `code` counts under the basis;
 * looked up only where `guard` (SQL, with its AND) holds.
 */
const cuts = (code: string, guard: string) => `${guard}EXISTS (
          SELECT 1 FROM metric_value v
          WHERE v.metric_code = ${code} AND v.period = changed_period
            AND v.organization_id = this_unit AND v.submission_id IS NOT NULL
            AND v.scope = 'SUBTREE' AND v.aggregatable
            AND (v.submission_status = 'APPROVED'
              OR (d.basis = 'SUBMITTED' AND v.submission_status = 'SUBMITTED')))`;

/**
 * A single metric's extreme (MAX: `greatest`, `<`): the child's grew or stayed, the greater of
 * it and the unit's; it fell but was below the unit's, the unit's; otherwise not `moved`.
 */
const extreme = (pick: 'greatest' | 'least', below: '<' | '>') => {
  const grew = `(o.value IS NULL OR coalesce(n.value ${below === '<' ? '>=' : '<='} o.value, false))`;
  return {
    value: `CASE WHEN ${grew} THEN ${pick}(s.value, n.value) ELSE s.value END`,
    moved: `(${grew} OR coalesce(o.value ${below} s.value, false))`,
  };
};
export const MAX = extreme('greatest', '<');
export const MIN = extreme('least', '>');

/**
 * SQL: the unit's rows of the metrics and bases whose child rows differ (`child_before`,
 * `child_after`), moved from its stored rows (`unit_before`); `gone` where no unit is left in
 * any class, `stepped` where the change does not follow (the step recomputes the metric).
 * The cuts and the new classes are kept from being pulled up (OFFSET 0): flattened, every
 * reference to them repeated their lookups and expressions (five times slower at Hunan scale).
 */
export const carried = (guard = '') => `
    SELECT d.code, d.basis, d.rule, c.figures, c.units,
      CASE
        WHEN d.rule = 'RATIO' OR c.cut_m THEN s.value
        WHEN c.figures = 0 THEN NULL
        WHEN d.rule = 'MAX' THEN ${MAX.value}
        WHEN d.rule = 'MIN' THEN ${MIN.value}
        ELSE coalesce(s.value, 0) + ${delta('value')} END AS value,
      CASE WHEN d.rule = 'RATIO' OR c.cut_m THEN s.qualifiers
        ELSE ${movedSet('qualifiers', 'c.figures')} END AS qualifiers,
      CASE WHEN d.rule <> 'RATIO' OR c.cut THEN s.numerator WHEN c.units[1] = 0 THEN NULL
        ELSE coalesce(s.numerator, 0) + ${delta('numerator')} END AS numerator,
      CASE WHEN d.rule <> 'RATIO' OR c.cut THEN s.numerator_qualifiers
        ELSE ${movedSet('numerator_qualifiers', 'c.units[1]')} END AS numerator_qualifiers,
      CASE WHEN d.rule <> 'RATIO' OR c.cut THEN s.denominator WHEN c.units[1] = 0 THEN NULL
        ELSE coalesce(s.denominator, 0) + ${delta('denominator')} END AS denominator,
      CASE WHEN d.rule <> 'RATIO' OR c.cut THEN s.denominator_qualifiers
        ELSE ${movedSet('denominator_qualifiers', 'c.units[1]')} END AS denominator_qualifiers,
      coalesce(s.numerator_uncovered, 0)
        + CASE WHEN c.cut_n THEN 0 ELSE ${delta('numerator_uncovered')} END AS numerator_uncovered,
      coalesce(s.denominator_uncovered, 0)
        + CASE WHEN c.cut_d THEN 0 ELSE ${delta('denominator_uncovered')} END
        AS denominator_uncovered,
      coalesce(s.numerator_unpaired, 0) + CASE WHEN c.cut_n THEN 0
        WHEN c.cut_d THEN ${delta('numerator_uncovered')}
        ELSE ${delta('numerator_unpaired')} END AS numerator_unpaired,
      coalesce(s.denominator_unpaired, 0) + CASE WHEN c.cut_d THEN 0
        WHEN c.cut_n THEN ${delta('denominator_uncovered')}
        ELSE ${delta('denominator_unpaired')} END AS denominator_unpaired,
      c.units[1] + c.units[2] + c.units[3] = 0 AS gone,
      CASE
        WHEN d.rule = 'RATIO' THEN NOT c.cut AND NOT (${setMoved('numerator_qualifiers', 'c.units[1]')}
          AND ${setMoved('denominator_qualifiers', 'c.units[1]')})
        WHEN c.cut_m THEN false
        ELSE NOT (${setMoved('qualifiers', 'c.figures')} AND CASE d.rule
          WHEN 'MAX' THEN c.figures = 0 OR ${MAX.moved}
          WHEN 'MIN' THEN c.figures = 0 OR ${MIN.moved}
          ELSE true END) END AS stepped
    FROM unnest(child_before) AS o
    FULL JOIN unnest(child_after) AS n ON n.metric_code = o.metric_code AND n.basis = o.basis
    CROSS JOIN LATERAL (
      SELECT coalesce(n.metric_code, o.metric_code) AS code, coalesce(n.basis, o.basis) AS basis,
        m.tree_aggregation AS rule, m.numerator_code, m.denominator_code
      FROM metric_definition m WHERE m.code = coalesce(n.metric_code, o.metric_code)
    ) AS d
    LEFT JOIN unnest(unit_before) AS s ON s.metric_code = d.code AND s.basis = d.basis
    CROSS JOIN LATERAL (
      SELECT k.*, k.cut_n OR k.cut_d AS cut,
        CASE WHEN d.rule = 'RATIO' THEN 0
          WHEN k.cut_m THEN s.figures ELSE coalesce(s.figures, 0) + ${delta('figures')} END
          AS figures,
        CASE WHEN d.rule = 'RATIO' THEN ${ratioUnits()}
          ELSE ${SINGLE_UNITS} END AS units
      FROM (
        SELECT d.rule <> 'RATIO' AND ${cuts('d.code', guard)} AS cut_m,
          d.rule = 'RATIO' AND ${cuts('d.numerator_code', guard)} AS cut_n,
          d.rule = 'RATIO' AND ${cuts('d.denominator_code', guard)} AS cut_d
        OFFSET 0
      ) AS k
      OFFSET 0
    ) AS c
    WHERE o IS DISTINCT FROM n`;

/** The carry with every cut looked up (0018, 0019). */
export const CARRIED = carried();

/** The columns of metric_total after its key, in order. */
export const TOTAL_COLUMNS = [
  'value',
  'figures',
  'qualifiers',
  'numerator',
  'numerator_qualifiers',
  'denominator',
  'denominator_qualifiers',
  'numerator_uncovered',
  'denominator_uncovered',
  'numerator_unpaired',
  'denominator_unpaired',
  'units',
];

/**
 * metric_rollup_store(unit, submission, removed, present, period, bases), as in migration
 * 0016 but for the totals of the units above the changed one: each unit's rows of the changed
 * metrics are moved by its child's change (CARRIED), those that cannot be are recomputed with
 * metric_total_step, and the unit's rows before and after are handed to the next unit up.
 */
const CARRY_STORE_FUNCTION = `${rollupStore.storeFunctionHead(
  'CREATE OR REPLACE',
  `    this_unit integer;
    stepped text[];
    unit_before metric_total[];
    child_before metric_total[];
    child_after metric_total[];
`,
)}
  BEGIN
${rollupStore.FIND_METRICS_AND_UNITS}    FOR i IN 1 .. coalesce(cardinality(target_units), 0) LOOP
      this_unit := target_units[i];
      PERFORM pg_advisory_xact_lock(15, this_unit);
${rollupStore.coverageDifference('this_unit')}      IF cardinality(counted_bases) > 0 THEN
        unit_before := ARRAY(
          SELECT t FROM metric_total t
          WHERE t.organization_id = this_unit AND t.metric_code = ANY(codes)
            AND t.period = changed_period AND t.basis = ANY(counted_bases));
        IF i = 1 THEN
          stepped := codes;
        ELSE
          WITH carried AS (${CARRIED}
          ),
          planned AS (
            SELECT c.*, bool_or(c.stepped) OVER (PARTITION BY c.code) AS by_step
            FROM carried c
          ),
          kept AS (
            INSERT INTO metric_total AS t
            SELECT this_unit, p.code, changed_period, p.basis, ${TOTAL_COLUMNS.map((c) => `p.${c}`).join(', ')}
            FROM planned p WHERE NOT p.by_step AND NOT p.gone
            ON CONFLICT (organization_id, metric_code, period, basis) DO UPDATE
            SET ${TOTAL_COLUMNS.map((c) => `${c} = excluded.${c}`).join(', ')}
          ),
          dropped AS (
            DELETE FROM metric_total t USING planned p
            WHERE t.organization_id = this_unit AND t.metric_code = p.code
              AND t.period = changed_period AND t.basis = p.basis AND p.gone AND NOT p.by_step
          )
          SELECT ARRAY(SELECT DISTINCT p.code FROM planned p WHERE p.by_step) INTO stepped;
        END IF;
        IF cardinality(stepped) > 0 THEN
          DELETE FROM metric_total t
          WHERE t.organization_id = this_unit AND t.metric_code = ANY(stepped)
            AND t.period = changed_period AND t.basis = ANY(counted_bases);
          INSERT INTO metric_total
          SELECT s.organization_id, s.metric_code, s.period, s.basis, ${TOTAL_COLUMNS.map((c) => `s.${c}`).join(', ')}
          FROM metric_total_step(ARRAY[this_unit], stepped, ARRAY[changed_period], counted_bases) s;
        END IF;
        IF i < cardinality(target_units) THEN
          child_before := unit_before;
          child_after := ARRAY(
            SELECT t FROM metric_total t
            WHERE t.organization_id = this_unit AND t.metric_code = ANY(codes)
              AND t.period = changed_period AND t.basis = ANY(counted_bases));
        END IF;
      ELSIF d_codes IS NULL THEN
        RETURN;
      END IF;
    END LOOP;
${rollupStore.COVERAGE_UPSERT}  END $$`;
