import { sql, type RawBuilder } from 'kysely';
import { pathDepth } from '../../db/path.js';
import type { SubmissionStatus } from '../../db/tables.js';
import { parsePeriod } from '../../period/period.js';
import { periodParts } from './aggregation.period.js';
import { DECIMAL_PLACES, type PathRange } from './aggregation.spec.js';
import { inSubtree } from './aggregation.statement.js';

/** Whose figures, for which periods, a time-resolved figure set holds. */
export interface FigureSelection {
  codes: readonly string[];
  /** Canonical asked periods. */
  periods: readonly string[];
  statuses: readonly SubmissionStatus[];
  within: PathRange | null;
  /** A further condition on the figures (`v`), such as a mapped series' roots. */
  inRoots?: RawBuilder<unknown>;
}

/**
 * The CTEs that resolve each unit's figures over time, before anything is combined along the
 * tree, for each asked period:
 *
 * - `asked_part`: every period whose figures can make up an asked one (the period itself, and
 *   the years, quarters and months inside it), with the periods enclosing it (periodParts).
 * - `period_figure`: the submitted figures of those periods, with their submission's status and
 *   whether it counts (`included`), from the columns the roll-up index holds (an index-only
 *   scan: the period's end comes from `asked_part`). A metric whose time aggregation is NONE takes only figures of
 *   the asked period itself.
 * - `counted_period_figure`: the figures whose status counts, each `kept` unless a counted
 *   figure of the same unit and metric for an enclosing period beats it: a unit's own year
 *   figure beats its quarters.
 *   Most units report one figure per metric inside a period: that figure is theirs as it is,
 *   and only the others are grouped.
 * - `figure`: one row per unit, metric and asked period with the kept figures combined by the
 *   metric's time aggregation (SUM adds them, LAST takes the latest period's, AVERAGE their
 *   mean rounded to DECIMAL_PLACES, MAX and MIN the extreme), the periods combined and the
 *   periods missing (those of the finest kind combined that no kept figure covers); and the
 *   figures whose status does not count, one row each, for the coverage of unapproved units.
 *   Its columns are those the tree statements read: organization_id, path, depth,
 *   metric_code, period (the asked one), value, qualifier, scope, aggregatable, included,
 *   periods_combined, periods_missing.
 *
 * A combined figure's qualifier is the latest figure's for LAST and otherwise the figures'
 * combined one (combineQualifiers: EXACT, their shared approximate one, or ABOUT). Figures of
 * one unit that differ in scope (SELF for one quarter, SUBTREE for another) make no figure the
 * tree can count: the combination is not aggregatable, so the unit is counted as unpaired.
 */
export function timeResolvedFigureCtes(selection: FigureSelection): RawBuilder<unknown> {
  const parts = selection.periods.flatMap((period) => periodParts(parsePeriod(period)));
  const column = <K extends keyof (typeof parts)[number]>(key: K) => parts.map((part) => part[key]);
  const reduced = sql`CASE
      WHEN count(DISTINCT k.qualifier) FILTER (WHERE k.qualifier <> 'EXACT') = 0 THEN 'EXACT'
      WHEN count(DISTINCT k.qualifier) FILTER (WHERE k.qualifier <> 'EXACT') = 1
        THEN max(k.qualifier) FILTER (WHERE k.qualifier <> 'EXACT')
      ELSE 'ABOUT' END`;
  return sql`asked_part AS MATERIALIZED (
      SELECT s.asked, s.period, s.ends, s.grain, string_to_array(s.enclosing, ',') AS enclosing
      FROM unnest(${column('asked')}::text[], ${column('period')}::text[],
        ${column('end')}::date[], ${column('grain')}::int[],
        ${parts.map((part) => part.enclosing.join(','))}::text[])
        AS s(asked, period, ends, grain, enclosing)
    ),
    time_rule AS (
      SELECT code, time_aggregation AS rule FROM metric_definition
      WHERE code = ANY(${[...selection.codes]}::text[])
    ),
    period_figure AS MATERIALIZED (
      SELECT v.organization_id, v.organization_path, v.metric_code, s.asked, v.period, s.grain,
        s.enclosing, s.ends AS period_end, v.value, v.qualifier, v.scope, v.aggregatable,
        v.submission_status AS status,
        v.submission_status = ANY(${[...selection.statuses]}::text[]) AS included
      FROM asked_part s
      JOIN metric_value v ON v.period = s.period
      JOIN time_rule r ON r.code = v.metric_code
      WHERE v.submission_id IS NOT NULL AND v.metric_code = ANY(${[...selection.codes]}::text[])
        AND (s.period = s.asked OR r.rule <> 'NONE')
        ${inSubtree('v.organization_path', selection.within)} ${selection.inRoots ?? sql``}
    ),
    counted_period_figure AS MATERIALIZED (
      SELECT f.*, NOT (f.enclosing && array_agg(f.period) OVER unit_periods) AS kept,
        count(*) OVER unit_periods AS reported
      FROM period_figure f
      WHERE f.included
      WINDOW unit_periods AS (PARTITION BY f.organization_id, f.metric_code, f.asked)
    ),
    resolved_figure AS (
      SELECT k.organization_id, k.organization_path, k.metric_code, k.asked, k.value,
        k.qualifier, k.scope, k.aggregatable, ARRAY[k.period] AS periods_combined,
        k.grain AS finest
      FROM counted_period_figure k
      WHERE k.reported = 1
      UNION ALL
      SELECT k.organization_id, k.organization_path, k.metric_code, k.asked,
        CASE r.rule
          WHEN 'LAST' THEN (array_agg(k.value ORDER BY k.period_end DESC))[1]
          WHEN 'AVERAGE' THEN CASE WHEN count(*) = 1 THEN min(k.value)
            ELSE round(avg(k.value), ${sql.lit(DECIMAL_PLACES)}) END
          WHEN 'MAX' THEN max(k.value)
          WHEN 'MIN' THEN min(k.value)
          ELSE sum(k.value) END AS value,
        CASE WHEN r.rule = 'LAST' THEN (array_agg(k.qualifier ORDER BY k.period_end DESC))[1]
          ELSE ${reduced} END AS qualifier,
        min(k.scope) AS scope,
        bool_and(k.aggregatable) AND min(k.scope) = max(k.scope) AS aggregatable,
        array_agg(k.period ORDER BY k.period) AS periods_combined,
        max(k.grain) AS finest
      FROM counted_period_figure k
      JOIN time_rule r ON r.code = k.metric_code
      WHERE k.kept AND k.reported > 1
      GROUP BY k.organization_id, k.organization_path, k.metric_code, k.asked, r.rule
    ),
    figure AS MATERIALIZED (
      SELECT r.organization_id, r.organization_path AS path,
        ${pathDepth('r.organization_path')} AS depth, r.metric_code, r.asked AS period,
        r.value, r.qualifier, r.scope, r.aggregatable, true AS included, r.periods_combined,
        CASE WHEN r.periods_combined = ARRAY[r.asked] THEN '{}'::text[] ELSE ARRAY(
          SELECT s.period FROM asked_part s
          WHERE s.asked = r.asked AND s.grain = r.finest
            AND NOT (s.period = ANY(r.periods_combined) OR s.enclosing && r.periods_combined)
          ORDER BY s.period) END AS periods_missing
      FROM resolved_figure r
      UNION ALL
      SELECT f.organization_id, f.organization_path, ${pathDepth('f.organization_path')},
        f.metric_code, f.asked, f.value, f.qualifier, f.scope, f.aggregatable, false,
        NULL::text[], NULL::text[]
      FROM period_figure f
      WHERE NOT f.included
    )`;
}
