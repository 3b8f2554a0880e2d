import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Database, SubmissionStatus } from '../../db/tables.js';
import { PATH_SEGMENT_LENGTH, pathInSubtree } from '../../db/path.js';
import {
  DECIMAL_PLACES,
  groupCtes,
  NO_EXPECTED_COUNTS,
  metricCodes,
  treeFunction,
  type AggregateRow,
  type AggregateSpec,
  type GroupSelection,
} from './aggregation.repository.js';

/**
 * The counting bases totals are kept for: approved figures only, and approved or submitted
 * ones. A figure counts under a basis when its submission's status is one of its statuses.
 */
export const BASES = ['APPROVED', 'SUBMITTED'] as const;
export type Basis = (typeof BASES)[number];
const COUNTED: readonly SubmissionStatus[] = ['APPROVED', 'SUBMITTED'];

/** The basis whose totals hold the figures of these statuses. */
export function basisOf(statuses: readonly SubmissionStatus[]): Basis {
  return statuses.includes('SUBMITTED') ? 'SUBMITTED' : 'APPROVED';
}

/**
 * Serializes the writers of one unit's totals (first key of pg_advisory_xact_lock's two-key
 * form; nothing else in the server takes advisory locks).
 */
const TOTALS_LOCK = 15;

/** What a write changed: a submission's status, or some of its figures. */
export interface TotalsChange {
  submission: { id: number; organization_id: number; period: string };
  /** The submission's status before and after: nothing changes unless one of them counts. */
  statuses: readonly SubmissionStatus[];
  /** Metrics whose figures the write removed; the submission's current figures are added. */
  removedMetrics?: readonly string[];
}

/**
 * Brings the stored totals of the unit and every unit above it (down from the cities: the
 * provinces' are computed when read) up to date with a change, inside the writer's transaction. Each unit's
 * total is recomputed from its own figures and its children's stored totals, deepest first.
 * Before reading its children, the writer takes the unit's lock, so the children it reads are
 * those committed by every writer that held it before: two approvals under one city queue on
 * the city, and the second builds on the first's county total. Locks are taken deepest first
 * and after every other lock of the transaction, so writers cannot deadlock on them; writers
 * in different cities share no lock at all, as the province's total is never stored.
 */
export async function applyTotalsChange(
  trx: Kysely<Database>,
  change: TotalsChange,
): Promise<void> {
  if (!change.statuses.some((status) => COUNTED.includes(status))) return;
  const { submission } = change;
  const changed = sql`(
    SELECT metric_code FROM metric_value WHERE submission_id = ${submission.id}
    UNION SELECT unnest(${[...(change.removedMetrics ?? [])]}::text[]))`;
  const [affected] = (
    await sql<{ units: number[]; codes: string[] }>`
      SELECT
        ARRAY(
          SELECT a.id FROM organization u
          JOIN organization a ON a.path = ANY(ARRAY(
            SELECT left(u.path, ${sql.lit(PATH_SEGMENT_LENGTH)} * k)
            FROM generate_series(2, u.depth + 1) AS k))
          WHERE u.id = ${submission.organization_id} AND a.depth >= metric_total_min_depth()
          ORDER BY a.depth DESC) AS units,
        ARRAY(
          SELECT code FROM metric_definition
          WHERE code IN ${changed} OR numerator_code IN ${changed}
            OR denominator_code IN ${changed}
          ORDER BY code) AS codes`.execute(trx)
  ).rows;
  if (!affected || affected.codes.length === 0) return;
  for (const unit of affected.units) {
    await sql`SELECT pg_advisory_xact_lock(${sql.lit(TOTALS_LOCK)}, ${unit})`.execute(trx);
    await sql`
      DELETE FROM metric_total
      WHERE organization_id = ${unit} AND metric_code = ANY(${affected.codes}::text[])
        AND period = ${submission.period}`.execute(trx);
    await sql`
      INSERT INTO metric_total
      SELECT ${STORED_COLUMNS}
      FROM metric_total_step(ARRAY[${unit}]::int[], ${affected.codes}::text[],
        ARRAY[${submission.period}]::text[], ${[...BASES]}::text[]) s`.execute(trx);
  }
}

/**
 * Rebuilds every stored total from the figures, level by level from the leaves up, one
 * set-based statement per level (the seed and the bulk loader, after writing figures
 * directly).
 */
export async function rebuildTotals(db: Kysely<Database>): Promise<void> {
  await sql`SELECT metric_total_rebuild()`.execute(db);
}

const STORED_COLUMNS = sql`s.organization_id, s.metric_code, s.period, s.basis, s.value,
  s.figures, s.qualifiers, s.numerator, s.numerator_qualifiers, s.denominator,
  s.denominator_qualifiers, s.numerator_uncovered, s.denominator_uncovered,
  s.numerator_unpaired, s.denominator_unpaired, s.units`;

/**
 * The aggregate of one metric for each selected unit and period from the stored totals: each
 * group's total is computed from its own figures and its children's totals
 * (metric_total_step), so a roll-up reads O(groups × children) rows, whatever the number of
 * figures below. The rows are those of aggregateQuery (the oracle `fulian rollup verify`
 * compares them with). The coverage of expected reports (expected, unapproved, missing) is
 * read per expected unit, by index, since it depends on the templates and not on the totals.
 * It is counted group by group (a lateral subquery per group): left to choose, PGlite's
 * planner counted every expected unit of the tree and then matched each with every group of
 * the page (3.2 million comparisons for a page of 100 villages).
 */
export function totalsQuery(spec: AggregateSpec, groups: GroupSelection): RawBuilder<AggregateRow> {
  const { metric } = spec;
  // Refuses the metrics that have no roll-up (NONE, LAST), as the figures' statement does.
  treeFunction(metric);
  const rule = metric.tree_aggregation;
  const places = sql.lit(DECIMAL_PLACES);
  const factor = metric.factor ?? '1';
  const value = (prefix: '' | 'children_') => {
    const column = (name: string) => sql.ref(`s.${prefix}${name}`);
    switch (rule) {
      case 'RATIO':
        return sql`CASE WHEN ${column('denominator')} > 0 THEN round(${column('numerator')} * ${factor}::numeric / ${column('denominator')}, ${places}) END`;
      case 'AVERAGE':
        return sql`round(${column('value')} / nullif(${column('figures')}, 0), ${places})`;
      default:
        return column('value');
    }
  };
  const ratio = rule === 'RATIO';
  const codes = metricCodes(metric);
  const unitColumns =
    spec.coverage === 'NONE'
      ? sql`NULL::int AS contributing, NULL::int AS covered, NULL::int AS unpaired`
      : sql`coalesce(s.units[1], 0) AS contributing, coalesce(s.units[2], 0) AS covered,
        coalesce(s.units[3], 0) AS unpaired`;
  const expected = spec.coverage === 'ALL';
  const expectedColumns = expected
    ? sql`coalesce(cv.expected, 0)::int AS expected,
        coalesce(cv.unapproved, 0)::int AS unapproved, coalesce(cv.missing, 0)::int AS missing`
    : NO_EXPECTED_COUNTS;
  const expectedCtes = expected
    ? sql`,
    levels AS (
      SELECT DISTINCT unnest(t.submitting_levels) AS level
      FROM reporting_template t
      JOIN reporting_template_metric tm ON tm.template_id = t.id
      WHERE tm.metric_code = ANY(${codes}::text[]) AND t.period_type = ${spec.periodType}
    ),
    coverage AS (
      SELECT g.id AS group_id, p.period, c.expected, c.unapproved, c.missing
      FROM grp g
      CROSS JOIN periods p
      CROSS JOIN LATERAL (
        SELECT count(*) AS expected,
          count(*) FILTER (WHERE u.figures > 0 AND NOT u.included) AS unapproved,
          count(*) FILTER (WHERE u.figures = 0) AS missing
        FROM organization e
        CROSS JOIN LATERAL (
          SELECT count(*) AS figures,
            coalesce(bool_or(v.submission_status = ANY(${spec.statuses}::text[])), false) AS included
          FROM metric_value v
          WHERE v.organization_id = e.id AND v.metric_code = ANY(${codes}::text[])
            AND v.period = p.period AND v.submission_id IS NOT NULL
        ) u
        WHERE ${pathInSubtree('e.path', { column: 'g.path' })}
          AND e.kind = 'FEDERATION' AND e.level IN (SELECT level FROM levels)
      ) c
    )`
    : sql``;
  return sql<AggregateRow>`
    WITH ${groupCtes(spec, groups)},
    step AS (
      SELECT * FROM metric_total_step(ARRAY(SELECT id FROM grp), ARRAY[${metric.code}]::text[],
        ${spec.periods}::text[], ARRAY[${basisOf(spec.statuses)}]::text[])
    )${expectedCtes}
    SELECT g.id AS organization_id, g.path, p.period,
      ${value('')} AS value,
      ${ratio ? sql`NULL::text[]` : sql`s.qualifiers`} AS qualifiers,
      ${value('children_')} AS children_value,
      ${ratio ? sql`NULL::text[]` : sql`s.children_qualifiers`} AS children_qualifiers,
      s.reported, s.reported_qualifier,
      s.numerator, s.numerator_qualifiers, s.denominator, s.denominator_qualifiers,
      s.children_numerator, s.children_numerator_qualifiers,
      s.children_denominator, s.children_denominator_qualifiers,
      coalesce(s.numerator_unpaired, 0)::int AS numerator_unpaired,
      coalesce(s.denominator_unpaired, 0)::int AS denominator_unpaired,
      ${unitColumns}, ${expectedColumns}
    FROM grp g
    CROSS JOIN periods p
    LEFT JOIN step s ON s.organization_id = g.id AND s.period = p.period
    ${expected ? sql`LEFT JOIN coverage cv ON cv.group_id = g.id AND cv.period = p.period` : sql``}
    ORDER BY g.path, p.ord`;
}
