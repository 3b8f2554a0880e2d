import { sql, type Kysely } from 'kysely';
import { MAX, MIN, setMoved, TOTAL_COLUMNS, union } from './0018-metric-total-carry.js';
import * as carryInOneStatement from './0023-carry-in-one-statement.js';
import {
  CARRIED_ABOVE,
  oneStatementStoreFunction,
  replaceExactly,
} from './0023-carry-in-one-statement.js';
import type { MigrationPhase } from './phase.js';

/**
 * An ancestor's qualifier set takes the step only when no unit below it shows that the set
 * kept what the changed unit's figures had. Migration 0023 carries the changed unit's rows to
 * every ancestor at once; a set follows from the carry when the changed unit's only grew or
 * when one qualifier is left (0018), and otherwise it was recomputed. Level by level (0022),
 * the unit above a township whose set followed saw the township's set keep every qualifier it
 * had (it is the union of the old set and the changed unit's new one) and carried its own;
 * 0023 stepped every ancestor whose set held two qualifiers, so returning a village whose
 * county and city had mixed qualifiers (the bench's SUBMITTED totals: 122 of 4,690 counties'
 * rows, 82 of 490 cities') recomputed both from their children.
 *
 * Now a set also follows at an ancestor above the lowest one (the township, for a village)
 * when the lowest one's set follows by the one-qualifier rule and it still counts a figure:
 * its new set is that one qualifier, which every old figure of the changed unit had, so every
 * ancestor above it (none cuts, or the ancestor is stepped anyway) keeps them too, and its new
 * set is its old one with the changed unit's new qualifiers added, as the carry gives it. The
 * lowest ancestor's stored row is looked up by key, and only for a row whose set does not
 * follow by itself. The statement keeps only the columns its writes read. Extremes and cuts
 * take the step as in 0023. Same answers, same signature: only the function changes.
 */
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(SETS_HELD_BELOW_FUNCTION).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await carryInOneStatement.up(db);
}

/**
 * SQL: 0023's carried rows with the ancestor's place in the chain (`ord`, 1 for the lowest),
 * its cuts, whether each set follows from the carry by 0018's rules alone (`figures_set`,
 * `numerator_set`, `denominator_set`), whether an extreme does (`extreme_moved`), and the
 * changed unit's new sets and changes in figures and pairs.
 */
const CARRIED_WITH_SETS = (() => {
  // 0018's own `stepped`, which PLANNED_WITH_SETS replaces, is not computed.
  const from = CARRIED_ABOVE.indexOf(
    "CASE\n        WHEN d.rule = 'RATIO' THEN NOT c.cut AND NOT (",
  );
  const to = CARRIED_ABOVE.indexOf('END AS stepped');
  if (from < 0 || to < from) throw new Error('carried: no stepped column');
  let text = replaceExactly(
    CARRIED_ABOVE,
    CARRIED_ABOVE.slice(from, to + 'END AS stepped'.length),
    'NULL::boolean AS stepped',
    1,
  );
  text = replaceExactly(
    text,
    'SELECT u.id, u.own_cuts, coalesce',
    'SELECT u.id, u.ord, u.own_cuts, coalesce',
    1,
  );
  return replaceExactly(
    text,
    'SELECT a.id AS unit, a.blocked, s.ctid AS id,',
    `SELECT a.id AS unit, a.ord, a.blocked, s.ctid AS id, c.cut, c.cut_m,
      CASE WHEN d.rule <> 'RATIO' THEN ${setMoved('qualifiers', 'c.figures')} END AS figures_set,
      CASE WHEN d.rule = 'RATIO' THEN ${setMoved('numerator_qualifiers', 'c.units[1]')} END
        AS numerator_set,
      CASE WHEN d.rule = 'RATIO' THEN ${setMoved('denominator_qualifiers', 'c.units[1]')} END
        AS denominator_set,
      CASE d.rule
        WHEN 'MAX' THEN c.figures = 0 OR ${MAX.moved}
        WHEN 'MIN' THEN c.figures = 0 OR ${MIN.moved}
        ELSE true END AS extreme_moved,
      (coalesce(n.figures, 0) - coalesce(o.figures, 0)) AS figures_delta,
      (coalesce(n.units[1], 0) - coalesce(o.units[1], 0)) AS pairs_delta,
      n.qualifiers AS n_qualifiers, n.numerator_qualifiers AS n_numerator_qualifiers,
      n.denominator_qualifiers AS n_denominator_qualifiers,`,
    1,
  );
})();

/**
 * SQL: whether the lowest ancestor's set `column` follows by 0018's one-qualifier rule and it
 * still counts (`count`: its stored count, `delta`: the changed unit's change), looked up by
 * key for a higher ancestor's row whose set does not follow by itself (few: an OR stops at
 * true). Then the lowest ancestor's new set holds the changed unit's old qualifiers, and so
 * does every ancestor's above it (no cut between, or it is blocked).
 */
const heldBelow = (column: string, count: string, delta: string) => `(c.ord > 1 AND EXISTS (
              SELECT 1 FROM metric_total b
              WHERE b.organization_id = above_units[1] AND b.metric_code = c.code
                AND b.period = changed_period AND b.basis = c.basis
                AND b.${count} + c.${delta} > 0
                AND cardinality(${union(`b.${column}`, `c.n_${column}`)}) = 1))`;

/**
 * SQL: the carried rows with `by_step`, 0018's rule with the sets held below; only the columns
 * the writes read are kept.
 */
const PLANNED_WITH_SETS = `SELECT c.unit, c.id, c.code, c.basis, c.gone, ${TOTAL_COLUMNS.map((column) => `c.${column}`).join(', ')},
        bool_or(c.blocked OR CASE
          WHEN c.rule = 'RATIO' THEN NOT c.cut AND NOT (
            (c.numerator_set OR ${heldBelow('numerator_qualifiers', 'units[1]', 'pairs_delta')})
            AND (c.denominator_set OR ${heldBelow('denominator_qualifiers', 'units[1]', 'pairs_delta')}))
          WHEN c.cut_m THEN false
          ELSE NOT ((c.figures_set OR ${heldBelow('qualifiers', 'figures', 'figures_delta')})
            AND c.extreme_moved) END) OVER (PARTITION BY c.unit, c.code) AS by_step
        FROM carried c`;

const SETS_HELD_BELOW_FUNCTION = oneStatementStoreFunction(CARRIED_WITH_SETS, PLANNED_WITH_SETS);
