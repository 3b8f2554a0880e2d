import type { RawBuilder } from 'kysely';
import type {
  MetricDefinitionRow,
  OrganizationLevel,
  Qualifier,
  SubmissionStatus,
} from '../../db/tables.js';
import type { PageWindow } from '../../graph/pagination.js';

/**
 * Ratios, averages, shares and growth rates are exact numeric quotients rounded half away
 * from zero (PostgreSQL's round) to this many decimal places; sums are never rounded.
 */
export const DECIMAL_PLACES = 4;

/** An organization's subtree, by its root's path; null means the whole tree. */
export interface PathRange {
  path: string;
}

/** What to aggregate: one metric (and for a RATIO its two parts) over some periods. */
export interface AggregateSpec {
  metric: MetricDefinitionRow;
  /** Canonical periods, in the order the answer lists them. */
  periods: string[];
  periodType: string;
  /** The kinds of period the metric's figures (a ratio's parts') are reported per. */
  reportedPer: readonly string[];
  /** The submission statuses whose figures count (APPROVED, and SUBMITTED when asked). */
  statuses: SubmissionStatus[];
  within: PathRange | null;
  /** Which of AggregateRow's coverage columns to count (the others are null). */
  coverage: CoverageCounts;
  /**
   * Whether the rows must carry the group's own reported figure and its children's aggregate
   * (`reported*`, `children_*`; a roll-up's `reported` and `sumOfChildren`). The stored totals
   * do not keep them, so the totals' statement computes a stored group's total anew with
   * metric_total_step when they are asked for, and otherwise reads its stored row (and leaves
   * them null). Unset means asked for: `fulian rollup verify` compares them.
   */
  breakdown?: boolean;
}

/**
 * The coverage counts an aggregate can give: none; the units whose figures entered the value,
 * were covered by a SUBTREE figure or could not enter (contributing, covered, unpaired); or
 * those and the reports the templates expect (expected, unapproved, missing), which are
 * counted per expected unit.
 */
export type CoverageCounts = 'NONE' | 'UNITS' | 'ALL';

/** Which units get a row: the federations at one level (paged by path), or given ids. */
export type GroupSelection =
  | { kind: 'level'; level: OrganizationLevel; window: PageWindow | null }
  | { kind: 'ids'; ids: number[] };

/**
 * A unit with the predecessors whose subtrees a series maps to it (docs/reporting.md, "A tree
 * that changes"): each root is counted for one period, and the roots of a period and the unit's
 * subtree do not overlap. Only the statement from the figures answers it: the maintained
 * totals are per subtree, and a union of subtrees has none.
 */
export interface MappedSelection {
  kind: 'mapped';
  unit: { id: number; path: string };
  roots: MappedRoot[];
}

/** A closed unit whose subtree's figures of `period` count as its successor's. */
export interface MappedRoot {
  id: number;
  path: string;
  period: string;
}

/**
 * A statement answering an aggregate: `aggregateQuery` from the figures (the oracle) or
 * `totalsQuery` from the maintained totals; both return the same rows.
 */
export type AggregateStatement = (
  spec: AggregateSpec,
  groups: GroupSelection,
) => RawBuilder<AggregateRow>;

/** One unit × period of an aggregate, as SQL computed it. */
export interface AggregateRow {
  organization_id: number;
  path: string;
  period: string;
  value: string | null;
  qualifiers: Qualifier[] | null;
  children_value: string | null;
  children_qualifiers: Qualifier[] | null;
  reported: string | null;
  reported_qualifier: Qualifier | null;
  numerator: string | null;
  numerator_qualifiers: Qualifier[] | null;
  denominator: string | null;
  denominator_qualifiers: Qualifier[] | null;
  children_numerator: string | null;
  children_numerator_qualifiers: Qualifier[] | null;
  children_denominator: string | null;
  children_denominator_qualifiers: Qualifier[] | null;
  /** For a ratio: units whose uncovered numerator (denominator) has no partner to pair with. */
  numerator_unpaired: number;
  denominator_unpaired: number;
  /** The coverage counts: null unless the spec asked for them. */
  contributing: number | null;
  covered: number | null;
  unpaired: number | null;
  /**
   * The periods whose figures the units in the value combined (the asked period itself when
   * they reported it), and those inside it some of them gave no figure for.
   */
  periods_combined: string[] | null;
  periods_missing: string[] | null;
  expected: number | null;
  unapproved: number | null;
  missing: number | null;
}

/** A ratio's two part metrics. */
export interface RatioParts {
  numerator: string;
  denominator: string;
}

export function ratioParts(metric: MetricDefinitionRow): RatioParts | null {
  return metric.tree_aggregation === 'RATIO'
    ? { numerator: metric.numerator_code!, denominator: metric.denominator_code! }
    : null;
}

/** The metrics whose figures an aggregate reads: the metric itself, and a ratio's parts. */
export function metricCodes(metric: MetricDefinitionRow): string[] {
  const parts = ratioParts(metric);
  return parts ? [metric.code, parts.numerator, parts.denominator] : [metric.code];
}
