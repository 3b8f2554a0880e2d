import { PATH_SEGMENT_LENGTH as SEGMENT } from '@fulian/server';
import { sql, type RawBuilder } from 'kysely';
import type { UnitRef } from './lookups.js';

/** One aggregate the hand-written statements compute: a metric, or a ratio of two. */
export interface AggregateShape {
  metric: string;
  ratio: { numerator: string; denominator: string; factor: string } | null;
  period: string;
  within: UnitRef;
  /** The level whose units get a row, and their depth (every such unit sits at one depth). */
  level: string;
  depth: number;
  /** The levels the templates holding the metric expect reports from. */
  expectedLevels: string[];
  /** Whether to count expected, unapproved and missing units too. */
  coverage: boolean;
}

/**
 * The approved aggregate of a metric for every unit at one level inside a subtree, in one
 * statement, as a person who knows the schema writes it: every figure of the metric and
 * period once, each assigned to its group by the prefix of its path (one hash aggregate, no
 * join per group), figures under an approved subtree total at or below the group left out.
 * The totals above a figure are found through the ids its path lists (a hash join per
 * ancestor), not by comparing every figure with every total.
 *
 * Columns: code, path, value, qualifiers and (for a ratio) numerator, numerator_qualifiers,
 * denominator, denominator_qualifiers; with coverage, contributing, expected, unapproved,
 * missing.
 */
export function aggregateStatement(shape: AggregateShape): RawBuilder<unknown> {
  const { within, depth } = shape;
  const prefix = SEGMENT * (depth + 1);
  // A ratio's stored percentages count for coverage (a unit that gave one has reported), never
  // for the value, which is recomputed from the parts.
  const codes = shape.ratio
    ? [shape.metric, shape.ratio.numerator, shape.ratio.denominator]
    : [shape.metric];
  const counted = (code: string) => sql`metric_code = ${code} AND in_value`;
  // A ratio's part enters the value only beside the other part of the same unit and scope.
  const partner = shape.ratio
    ? {
        join: sql`LEFT JOIN counted p ON p.org = c.org AND p.scope = c.scope AND p.aggregatable
          AND p.cover_depth < ${depth}
          AND p.metric_code = CASE c.metric_code
            WHEN ${shape.ratio.numerator} THEN ${shape.ratio.denominator}::text
            WHEN ${shape.ratio.denominator} THEN ${shape.ratio.numerator}::text END`,
        found: sql`p.org IS NOT NULL`,
      }
    : { join: sql``, found: sql`true` };
  const sums = shape.ratio
    ? sql`
        sum(value) FILTER (WHERE ${counted(shape.ratio.numerator)}) AS numerator,
        array_agg(DISTINCT qualifier) FILTER (WHERE ${counted(shape.ratio.numerator)}) AS numerator_qualifiers,
        sum(value) FILTER (WHERE ${counted(shape.ratio.denominator)}) AS denominator,
        array_agg(DISTINCT qualifier) FILTER (WHERE ${counted(shape.ratio.denominator)}) AS denominator_qualifiers,`
    : sql`
        sum(value) FILTER (WHERE ${counted(shape.metric)}) AS value,
        array_agg(DISTINCT qualifier) FILTER (WHERE ${counted(shape.metric)}) AS qualifiers,`;
  const value = shape.ratio
    ? sql`CASE WHEN s.denominator > 0
          THEN round(s.numerator * ${shape.ratio.factor}::numeric / s.denominator, 4) END AS value,
        NULL::text[] AS qualifiers, s.numerator, s.numerator_qualifiers, s.denominator,
        s.denominator_qualifiers`
    : sql`s.value, s.qualifiers`;
  const coverage = shape.coverage
    ? sql`,
      state AS (
        SELECT org, bool_or(approved) AS approved, bool_or(NOT approved) AS pending
        FROM v GROUP BY org
      ),
      coverage AS (
        SELECT left(e.path, ${prefix}) AS group_path, count(*)::int AS expected,
          count(*) FILTER (WHERE NOT st.approved AND st.pending)::int AS unapproved,
          count(*) FILTER (WHERE st.org IS NULL)::int AS missing
        FROM organization e LEFT JOIN state st ON st.org = e.id
        WHERE e.kind = 'FEDERATION' AND e.level = ANY(${shape.expectedLevels}::text[])
          AND e.path >= ${within.path} AND e.path < ${within.upperPath} AND e.depth >= ${depth}
        GROUP BY 1
      )`
    : sql``;
  const coverageColumns = shape.coverage
    ? sql`, coalesce(s.contributing, 0)::int AS contributing, coalesce(c.expected, 0) AS expected,
        coalesce(c.unapproved, 0) AS unapproved, coalesce(c.missing, 0) AS missing`
    : sql``;
  return sql`
    WITH v AS (
      SELECT mv.organization_id AS org, mv.organization_path AS path,
        length(mv.organization_path) / ${sql.lit(SEGMENT)} - 1 AS depth, mv.metric_code, mv.value,
        mv.qualifier, mv.scope, mv.aggregatable, mv.submission_status = 'APPROVED' AS approved
      FROM metric_value mv
      WHERE mv.submission_id IS NOT NULL AND mv.metric_code = ANY(${codes}::text[])
        AND mv.period = ${shape.period}
        AND mv.organization_path >= ${within.path} AND mv.organization_path < ${within.upperPath}
    ),
    covers AS (
      SELECT org, depth, metric_code FROM v WHERE approved AND aggregatable AND scope = 'SUBTREE'
    ),
    covered AS (
      SELECT v.org, v.metric_code, max(c.depth) AS depth
      FROM v
      CROSS JOIN LATERAL unnest(string_to_array(rtrim(v.path, '/'), '/')::int[]) AS above(id)
      JOIN covers c ON c.org = above.id AND c.org <> v.org AND c.metric_code = v.metric_code
      WHERE v.approved
      GROUP BY v.org, v.metric_code
    ),
    counted AS (
      SELECT v.org, v.metric_code, v.value, v.qualifier, v.aggregatable, v.scope,
        left(v.path, ${prefix}) AS group_path, coalesce(cd.depth, -1) AS cover_depth
      FROM v LEFT JOIN covered cd ON cd.org = v.org AND cd.metric_code = v.metric_code
      WHERE v.approved AND v.depth >= ${depth}
    ),
    paired AS (
      SELECT c.*, c.aggregatable AND c.cover_depth < ${depth} AND ${partner.found} AS in_value
      FROM counted c ${partner.join}
    ),
    sums AS (
      SELECT group_path, ${sums} count(DISTINCT org) FILTER (WHERE in_value) AS contributing
      FROM paired GROUP BY group_path
    )${coverage}
    SELECT g.code, g.path, ${value} ${coverageColumns}
    FROM organization g
    LEFT JOIN sums s ON s.group_path = g.path
    ${shape.coverage ? sql`LEFT JOIN coverage c ON c.group_path = g.path` : sql``}
    WHERE g.level = ${shape.level} AND g.kind = 'FEDERATION'
      AND g.path >= ${within.path} AND g.path < ${within.upperPath}
    ORDER BY g.path`;
}
