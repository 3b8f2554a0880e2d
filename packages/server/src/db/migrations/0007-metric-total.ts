import { sql, type Kysely } from 'kysely';
import type { MigrationPhase } from './phase.js';

/**
 * Maintained subtree totals. `metric_total` holds, per unit (from the cities down), metric, period
 * and counting basis (APPROVED: approved figures only; SUBMITTED: approved or submitted), what
 * the unit's subtree adds up to under the roll-up rules. `metric_total_step(units, …)`
 * computes a unit's total from its own figures and its children's stored totals: the write
 * paths store its rows (children first, so a unit's total builds on fresh ones below), and the
 * reads compute a group's total with it from the group's children, so no unit's total is
 * written by every writer in a province (see metric_total_min_depth).
 *
 * The rules live in this one function and in the database with the totals they produced, so
 * a change of rule is a migration that replaces the function and rebuilds the table:
 *
 * - No double counting: a unit's own aggregatable SUBTREE figure is its total; nothing below
 *   enters it ("cut"). Otherwise its own SELF figure and its children's totals combine by the
 *   metric's tree rule (SUM and AVERAGE keep the sum and the number of figures, MAX and MIN
 *   the extreme), with the set of the counted figures' qualifiers.
 * - Ratios pair their parts per unit: a unit's parts count when it gave both with the same
 *   scope; a SUBTREE part cuts off that part below, so the pairs below stop counting. The
 *   uncovered parts (and those of them without an uncovered partner) are counted per part, and
 *   the units' classes (entered, covered, unpaired) are kept for each of the four ways the
 *   units above can cut the parts (`units`: 4 × 3 counts), since a cut above turns an entered
 *   unit below into a covered or unpaired one.
 * - A single metric's `units` are entered, covered and unpaired units under no cut; under a
 *   cut above, every entered or covered unit is covered.
 */
export const QUALIFIER_LIST = ['EXACT', 'AT_LEAST', 'NEARLY', 'ABOUT', 'AT_MOST'];

// Triggers keep the totals, so a server that knows nothing of them still keeps them right.
export const phase: MigrationPhase = 'expand';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    CREATE TABLE metric_total (
      organization_id integer NOT NULL REFERENCES organization (id),
      metric_code text NOT NULL REFERENCES metric_definition (code),
      period text NOT NULL,
      basis text NOT NULL CHECK (basis IN ('APPROVED', 'SUBMITTED')),
      value numeric,
      figures integer NOT NULL,
      qualifiers text[],
      numerator numeric,
      numerator_qualifiers text[],
      denominator numeric,
      denominator_qualifiers text[],
      numerator_uncovered integer NOT NULL,
      denominator_uncovered integer NOT NULL,
      numerator_unpaired integer NOT NULL,
      denominator_unpaired integer NOT NULL,
      units integer[] NOT NULL,
      PRIMARY KEY (organization_id, metric_code, period, basis)
    )`.execute(db);
  // The national root's and the provinces' totals are not stored: every approval in a
  // province would queue on its province's row. A province's total is computed from its
  // cities' when read (14 rows for Hunan); the root's is left to the figures' statement.
  await sql`
    CREATE FUNCTION metric_total_min_depth() RETURNS integer
    LANGUAGE sql IMMUTABLE AS 'SELECT 2'`.execute(db);
  await sql.raw(stepFunction()).execute(db);
  await sql.raw(rebuildFunction()).execute(db);
  await sql`SELECT metric_total_rebuild()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DROP FUNCTION metric_total_rebuild()`.execute(db);
  await sql`DROP FUNCTION metric_total_step(integer[], text[], text[], text[])`.execute(db);
  await sql`DROP FUNCTION metric_total_min_depth()`.execute(db);
  await sql`DROP TABLE metric_total`.execute(db);
}

/**
 * The statement creating (or, with `replace`, replacing) metric_total_rebuild, which stores
 * every unit's totals with the step function `step`, deepest units first.
 */
export function rebuildFunction(step = 'metric_total_step', replace = false): string {
  return `
    CREATE ${replace ? 'OR REPLACE ' : ''}FUNCTION metric_total_rebuild() RETURNS void
    LANGUAGE plpgsql AS $$
    DECLARE
      unit_depth integer;
    BEGIN
      DELETE FROM metric_total;
      FOR unit_depth IN
        SELECT DISTINCT depth FROM organization WHERE depth >= metric_total_min_depth()
        ORDER BY depth DESC
      LOOP
        INSERT INTO metric_total
        SELECT s.organization_id, s.metric_code, s.period, s.basis, s.value, s.figures,
          s.qualifiers, s.numerator, s.numerator_qualifiers, s.denominator,
          s.denominator_qualifiers, s.numerator_uncovered, s.denominator_uncovered,
          s.numerator_unpaired, s.denominator_unpaired, s.units
        FROM ${step}(
          ARRAY(SELECT id FROM organization WHERE depth = unit_depth),
          ARRAY(SELECT code FROM metric_definition),
          NULL, ARRAY['APPROVED', 'SUBMITTED']) s;
      END LOOP;
    END $$`;
}

/** Flags, one per qualifier, that some row's `column` (a qualifier set) holds it. */
function flags(prefix: string, column: string): string {
  return QUALIFIER_LIST.map(
    (qualifier) => `bool_or(s.${column} @> ARRAY['${qualifier}']) AS ${prefix}_${qualifier}`,
  ).join(',\n');
}

/**
 * The qualifier set, in QUALIFIER_LIST order, of the flags `prefix_*` (from the children)
 * when `below` holds and of `own` (a qualifier or null); null unless `present`.
 */
function qualifierSet(present: string, prefix: string, below: string, own: string): string {
  const items = QUALIFIER_LIST.map(
    (qualifier) =>
      `CASE WHEN ${own} = '${qualifier}' OR (${below} AND coalesce(${prefix}_${qualifier}, false)) THEN '${qualifier}' END`,
  );
  return `CASE WHEN ${present} THEN array_remove(ARRAY[${items.join(', ')}]::text[], NULL) END`;
}

/** Sums of the children's class counts, and the class counts of a ratio's unit. */
function unitSums(): string {
  return Array.from({ length: 12 }, (_, i) => `sum(s.units[${i + 1}]) AS u${i + 1}`).join(', ');
}

/** A ratio unit's class counts under each way the units above can cut its parts. */
function ratioUnits(r: string): string {
  const classes: string[] = [];
  for (let k = 0; k < 4; k += 1) {
    const coveredN = k >= 2;
    const coveredD = k % 2 === 1;
    const entered = `(${r}.paired AND ${!coveredN} AND ${!coveredD})`;
    const uncovered = `((${r}.a AND ${!coveredN}) OR (${r}.b AND ${!coveredD}))`;
    const covered = `(NOT ${entered} AND (${r}.a OR ${r}.b) AND NOT ${uncovered})`;
    const unpaired = `(${r}.x AND NOT ${entered} AND NOT ${covered})`;
    [entered, covered, unpaired].forEach((own, j) => {
      // The units below see this unit's cuts on top of the cuts above it.
      const child = (n: boolean, d: boolean) =>
        `coalesce(${r}.u${(n ? 6 : 0) + (d ? 3 : 0) + j + 1}, 0)`;
      const below = `CASE WHEN ${r}.cut_n AND ${r}.cut_d THEN ${child(true, true)}
        WHEN ${r}.cut_n THEN ${child(true, coveredD)}
        WHEN ${r}.cut_d THEN ${child(coveredN, true)}
        ELSE ${child(coveredN, coveredD)} END`;
      classes.push(`(${own})::int + ${below}`);
    });
  }
  return `ARRAY[${classes.join(',\n')}]`;
}

/**
 * `own`: the target units' figures that the step reads (the metric's, or a ratio's parts'),
 * once per basis they count under, as (unit, code, period, basis, role, value, qualifier,
 * scope, aggregatable). Migration 0009 replaces it.
 */
export const OWN_FIGURES_BY_UNIT = `
      SELECT v.organization_id AS unit, r.code, v.period, b.basis, r.role,
        v.value, v.qualifier, v.scope, v.aggregatable
      FROM unnest(target) AS t(id)
      JOIN metric_value v ON v.organization_id = t.id
      JOIN reads r ON r.read_code = v.metric_code
      JOIN unnest(bases) AS b(basis) ON v.submission_status = 'APPROVED'
        OR (b.basis = 'SUBMITTED' AND v.submission_status = 'SUBMITTED')
      WHERE v.submission_id IS NOT NULL AND (periods IS NULL OR v.period = ANY(periods))`;

/**
 * `below`'s rows: the target units' children's stored totals of the metrics, periods and
 * bases asked for, as `s`, with the child as `c`. Migration 0017 replaces it.
 */
export const CHILD_TOTALS_BY_UNIT = `FROM unnest(target) AS t(id)
      JOIN organization c ON c.parent_id = t.id
      JOIN metric_total s ON s.organization_id = c.id
      WHERE s.metric_code = ANY(codes) AND (periods IS NULL OR s.period = ANY(periods))
        AND s.basis = ANY(bases)`;

/** The statement creating (or, with `replace`, replacing) metric_total_step, or `name`. */
export function stepFunction(
  ownFigures = OWN_FIGURES_BY_UNIT,
  replace = false,
  childTotals = CHILD_TOTALS_BY_UNIT,
  name = 'metric_total_step',
): string {
  return `
    CREATE ${replace ? 'OR REPLACE ' : ''}FUNCTION ${name}(target integer[], codes text[], periods text[], bases text[])
    RETURNS TABLE (
      organization_id integer, metric_code text, period text, basis text,
      value numeric, figures integer, qualifiers text[],
      numerator numeric, numerator_qualifiers text[],
      denominator numeric, denominator_qualifiers text[],
      numerator_uncovered integer, denominator_uncovered integer,
      numerator_unpaired integer, denominator_unpaired integer,
      units integer[],
      children_value numeric, children_figures integer, children_qualifiers text[],
      children_numerator numeric, children_numerator_qualifiers text[],
      children_denominator numeric, children_denominator_qualifiers text[],
      reported numeric, reported_qualifier text
    )
    LANGUAGE sql STABLE AS $fn$
    WITH metric AS (
      SELECT d.code, d.tree_aggregation AS rule, d.numerator_code AS num, d.denominator_code AS den
      FROM metric_definition d
      WHERE d.code = ANY(codes) AND d.tree_aggregation IN ('SUM', 'AVERAGE', 'MAX', 'MIN', 'RATIO')
    ),
    reads AS (
      SELECT m.code, r.read_code, r.role
      FROM metric m
      CROSS JOIN LATERAL (VALUES (m.code, 'metric'), (m.num, 'numerator'), (m.den, 'denominator'))
        AS r(read_code, role)
      WHERE r.read_code IS NOT NULL
    ),
    own AS (${ownFigures}),
    mine AS (
      SELECT unit, code, period, basis,
        max(value) FILTER (WHERE role = 'metric' AND aggregatable) AS v,
        max(qualifier) FILTER (WHERE role = 'metric' AND aggregatable) AS q,
        bool_or(role = 'metric' AND aggregatable AND scope = 'SUBTREE') AS cut,
        bool_or(role = 'metric' AND NOT aggregatable) AS odd,
        max(value) FILTER (WHERE role = 'metric' AND scope = 'SUBTREE') AS subtree_value,
        max(qualifier) FILTER (WHERE role = 'metric' AND scope = 'SUBTREE') AS subtree_qualifier,
        max(value) FILTER (WHERE role = 'metric') AS any_value,
        max(qualifier) FILTER (WHERE role = 'metric') AS any_qualifier,
        max(value) FILTER (WHERE role = 'numerator' AND aggregatable) AS nv,
        max(qualifier) FILTER (WHERE role = 'numerator' AND aggregatable) AS nq,
        max(scope) FILTER (WHERE role = 'numerator' AND aggregatable) AS ns,
        max(value) FILTER (WHERE role = 'denominator' AND aggregatable) AS dv,
        max(qualifier) FILTER (WHERE role = 'denominator' AND aggregatable) AS dq,
        max(scope) FILTER (WHERE role = 'denominator' AND aggregatable) AS ds
      FROM own GROUP BY unit, code, period, basis
    ),
    below AS (
      SELECT c.parent_id AS b_unit, s.metric_code AS b_code, s.period AS b_period,
        s.basis AS b_basis,
        sum(s.value) AS sum_value, max(s.value) AS max_value, min(s.value) AS min_value,
        sum(s.figures)::int AS b_figures,
        ${flags('vq', 'qualifiers')},
        sum(s.numerator) AS b_numerator, ${flags('nqf', 'numerator_qualifiers')},
        sum(s.denominator) AS b_denominator, ${flags('dqf', 'denominator_qualifiers')},
        sum(s.numerator_uncovered)::int AS nu, sum(s.denominator_uncovered)::int AS du,
        sum(s.numerator_unpaired)::int AS np, sum(s.denominator_unpaired)::int AS dp,
        ${unitSums()}
      ${childTotals}
      GROUP BY c.parent_id, s.metric_code, s.period, s.basis
    ),
    joined AS (
      SELECT coalesce(m.unit, b.b_unit) AS unit_id, coalesce(m.code, b.b_code) AS code,
        coalesce(m.period, b.b_period) AS per, coalesce(m.basis, b.b_basis) AS bas,
        m.unit IS NOT NULL AS x, coalesce(m.cut, false) AS cut1, coalesce(m.odd, false) AS odd1,
        m.v, m.q, m.subtree_value, m.subtree_qualifier, m.any_value, m.any_qualifier,
        m.nv IS NOT NULL AS a, m.dv IS NOT NULL AS b,
        coalesce(m.nv IS NOT NULL AND m.dv IS NOT NULL AND m.ns = m.ds, false) AS paired,
        coalesce(m.ns = 'SUBTREE', false) AS cut_n, coalesce(m.ds = 'SUBTREE', false) AS cut_d,
        m.nv, m.nq, m.dv, m.dq, b.*
      FROM mine m
      FULL JOIN below b ON b.b_unit = m.unit AND b.b_code = m.code AND b.b_period = m.period
        AND b.b_basis = m.basis
    ),
    single AS (
      SELECT j.*, d.rule,
        CASE WHEN j.cut1 THEN j.v
          WHEN d.rule IN ('SUM', 'AVERAGE') THEN
            CASE WHEN j.v IS NOT NULL OR j.sum_value IS NOT NULL
              THEN coalesce(j.v, 0) + coalesce(j.sum_value, 0) END
          WHEN d.rule = 'MAX' THEN greatest(j.v, j.max_value)
          ELSE least(j.v, j.min_value) END AS total,
        CASE WHEN j.cut1 THEN 1
          ELSE (j.v IS NOT NULL)::int + coalesce(j.b_figures, 0) END AS total_figures,
        CASE d.rule WHEN 'MAX' THEN j.max_value WHEN 'MIN' THEN j.min_value
          ELSE j.sum_value END AS children_total
      FROM joined j JOIN metric d ON d.code = j.code
      WHERE d.rule <> 'RATIO'
    ),
    ratio AS (
      SELECT j.*, (j.cut_n OR j.cut_d) AS cut,
        CASE WHEN j.paired OR (NOT (j.cut_n OR j.cut_d) AND j.b_numerator IS NOT NULL)
          THEN CASE WHEN j.paired THEN j.nv ELSE 0 END
            + CASE WHEN j.cut_n OR j.cut_d THEN 0 ELSE coalesce(j.b_numerator, 0) END
          END AS n_total,
        CASE WHEN j.paired OR (NOT (j.cut_n OR j.cut_d) AND j.b_denominator IS NOT NULL)
          THEN CASE WHEN j.paired THEN j.dv ELSE 0 END
            + CASE WHEN j.cut_n OR j.cut_d THEN 0 ELSE coalesce(j.b_denominator, 0) END
          END AS d_total
      FROM joined j JOIN metric d ON d.code = j.code
      WHERE d.rule = 'RATIO'
    )
    SELECT s.unit_id, s.code, s.per, s.bas,
      s.total, s.total_figures,
      ${qualifierSet('s.total_figures > 0', 's.vq', 'NOT s.cut1', 's.q')},
      NULL::numeric, NULL::text[], NULL::numeric, NULL::text[], 0, 0, 0, 0,
      ARRAY[
        CASE WHEN s.cut1 THEN 1 ELSE (s.v IS NOT NULL)::int + coalesce(s.u1, 0) END,
        CASE WHEN s.cut1 THEN coalesce(s.u1, 0) + coalesce(s.u2, 0) ELSE coalesce(s.u2, 0) END,
        s.odd1::int + coalesce(s.u3, 0)
      ],
      s.children_total, coalesce(s.b_figures, 0),
      ${qualifierSet('coalesce(s.b_figures, 0) > 0', 's.vq', 'true', 'NULL')},
      NULL::numeric, NULL::text[], NULL::numeric, NULL::text[],
      s.subtree_value, s.subtree_qualifier
    FROM single s
    UNION ALL
    SELECT r.unit_id, r.code, r.per, r.bas,
      NULL::numeric, 0, NULL::text[],
      r.n_total,
      ${qualifierSet('r.n_total IS NOT NULL', 'r.nqf', 'NOT r.cut', 'CASE WHEN r.paired THEN r.nq END')},
      r.d_total,
      ${qualifierSet('r.d_total IS NOT NULL', 'r.dqf', 'NOT r.cut', 'CASE WHEN r.paired THEN r.dq END')},
      r.a::int + CASE WHEN r.cut_n THEN 0 ELSE coalesce(r.nu, 0) END,
      r.b::int + CASE WHEN r.cut_d THEN 0 ELSE coalesce(r.du, 0) END,
      (r.a AND NOT r.paired)::int
        + CASE WHEN r.cut_n THEN 0 WHEN r.cut_d THEN coalesce(r.nu, 0) ELSE coalesce(r.np, 0) END,
      (r.b AND NOT r.paired)::int
        + CASE WHEN r.cut_d THEN 0 WHEN r.cut_n THEN coalesce(r.du, 0) ELSE coalesce(r.dp, 0) END,
      ${ratioUnits('r')},
      NULL::numeric, 0, NULL::text[],
      r.b_numerator,
      ${qualifierSet('r.b_numerator IS NOT NULL', 'r.nqf', 'true', 'NULL')},
      r.b_denominator,
      ${qualifierSet('r.b_denominator IS NOT NULL', 'r.dqf', 'true', 'NULL')},
      r.any_value, r.any_qualifier
    FROM ratio r
    $fn$`;
}
