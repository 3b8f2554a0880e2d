import { Field, Float, Int, InterfaceType, ObjectType } from 'type-graphql';
import { connectionType } from '../../graph/connection.type.js';
import type { ConnectionSource } from '../../graph/pagination.js';
import { DecimalScalar } from '../../graph/decimal.scalar.js';
import { codeEnum } from '../../graph/enum.js';
import { MetricDefinition, MetricScopeEnum, QualifierEnum } from '../metric/metric.type.js';
import type { MetricScope, Qualifier, SubmissionStatus } from '../../db/tables.js';
import { parsePeriod } from '../../period/period.js';
import { Period } from '../../period/period.type.js';
import { SubmissionStatusEnum } from '../submission/submission.type.js';
import type { AggregateRow } from './aggregation.spec.js';
import type { ContributionArgs, ContributionRow, RankedRow } from './aggregation.repository.js';

export const AGGREGATE_NULL_REASONS = [
  'NO_DATA',
  'NUMERATOR_MISSING',
  'DENOMINATOR_MISSING',
  'DENOMINATOR_ZERO',
  'PARTS_UNPAIRED',
  'PREVIOUS_MISSING',
  'PREVIOUS_ZERO',
] as const;
export type AggregateNullReason = (typeof AGGREGATE_NULL_REASONS)[number];

export const AggregateNullReasonEnum = codeEnum(
  AGGREGATE_NULL_REASONS,
  'AggregateNullReason',
  'Why an aggregate is null: no counted figure (NO_DATA); a ratio missing a part, dividing by zero, or whose parts were given but never both by the same unit (PARTS_UNPAIRED); a growth rate without a previous value or from zero. Never a guess.',
);

@ObjectType({
  description:
    'Whose figures an aggregate holds. mappedFrom: for a series, the closed units (predecessors of the unit, transitively) whose figures of the period count as the unit’s. expected: the federations the templates holding the metric expect a report from; contributing: units (expected or not) whose counted figures entered it; covered: units whose counted figures a SUBTREE figure inside the row already includes; unpaired: units whose counted figures could not enter it (for a ratio: one part without the other, or the two with different scopes, or a stored percentage without its parts); unapproved: expected units whose figures wait for approval; missing: expected units with no figure at all. expected = expected units contributing, covered or unpaired + unapproved + missing.',
})
export class Coverage {
  @Field(() => Int)
  expected!: number;

  @Field(() => Int)
  contributing!: number;

  @Field(() => Int)
  covered!: number;

  @Field(() => Int)
  unpaired!: number;

  @Field(() => Int)
  missing!: number;

  @Field(() => Int)
  unapproved!: number;

  /** The closed units whose figures a series mapped to its unit (the field resolver's ids). */
  mappedFromIds!: number[];

  @Field(() => [Period], {
    description:
      'The periods whose figures entered the value, in time order: the asked period itself where units reported it; otherwise the finer periods inside it (quarters, months) that their figures were combined from by the metric’s time aggregation.',
  })
  periodsCombined!: Period[];

  @Field(() => [Period], {
    description:
      'Periods inside the asked one that any one unit whose figures entered the value gave no figure for, while it gave figures for others of the same kind (a missing quarter), in time order. A period another unit reported is listed too, so it can be in periodsCombined as well. Empty when every such unit covered the whole period.',
  })
  periodsMissing!: Period[];
}

/** The arguments a row's contributions are read with. */
export interface ContributionSource {
  groupId: number;
  args: ContributionArgs;
}

@InterfaceType('Aggregate', {
  description:
    'An aggregated figure, explained: the value, how exact it is, why it is null if it is, a ratio’s parts, and whose figures it holds.',
})
export abstract class AggregateValue {
  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'The aggregate, exact (ratios and averages rounded to 4 places); null with a reason.',
  })
  value: string | null;

  @Field(() => Float, { nullable: true, description: 'The value as a float, for charts.' })
  valueFloat: number | null;

  @Field(() => QualifierEnum, {
    nullable: true,
    description:
      'AT_LEAST when a part is AT_LEAST, and so on (docs/reporting.md); null when the value is null, since there is no figure to qualify.',
  })
  qualifier: Qualifier | null;

  @Field(() => AggregateNullReasonEnum, { nullable: true })
  reason: AggregateNullReason | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'For a ratio: the sum of the numerators of the units that gave both parts.',
  })
  numerator: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'For a ratio: the sum of the denominators of the units that gave both parts.',
  })
  denominator: string | null;

  /** Null when the request selects no coverage, which then is not computed. */
  @Field(() => Coverage)
  coverage: Coverage | null;

  constructor(explained: Explained, row: AggregateRow, mappedFrom: number[] = []) {
    this.value = explained.value;
    this.valueFloat = explained.value === null ? null : Number(explained.value);
    this.qualifier = explained.qualifier;
    this.reason = explained.reason;
    this.numerator = row.numerator;
    this.denominator = row.denominator;
    this.coverage =
      row.expected === null
        ? null
        : {
            expected: row.expected,
            contributing: row.contributing!,
            covered: row.covered!,
            unpaired: row.unpaired!,
            missing: row.missing!,
            unapproved: row.unapproved!,
            mappedFromIds: mappedFrom,
            periodsCombined: periodsOf(row.periods_combined),
            periodsMissing: periodsOf(row.periods_missing),
          };
  }
}

/**
 * Periods in time order: by first day, an enclosing period before the ones inside it (2020,
 * 2020Q1, 2020-01). The statements give them sorted as text, which puts 2020-10 before 2020Q1.
 */
function periodsOf(texts: readonly string[] | null): Period[] {
  return (texts ?? [])
    .map((text) => parsePeriod(text))
    .sort((a, b) => byText(a.start, b.start) || byText(b.end, a.end))
    .map((period) => new Period(period));
}

/** Days ('YYYY-MM-DD') compare as text, character by character. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A value with its qualifier, or null with the reason and no qualifier. */
export type Explained =
  | { value: string; qualifier: Qualifier; reason: null }
  | { value: null; qualifier: null; reason: AggregateNullReason };

@ObjectType({
  implements: AggregateValue,
  description: 'A metric aggregated over one unit’s subtree.',
})
export class RollupRow extends AggregateValue {
  @Field(() => Period)
  period: Period;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'The unit’s own figure for its whole subtree (scope SUBTREE), if it reported one; `value` then uses it as it is. For a ratio: the unit’s own stored percentage, whatever its scope, shown beside the recomputed value and never used in it.',
  })
  reported: string | null;

  @Field(() => QualifierEnum, { nullable: true })
  reportedQualifier: Qualifier | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'The same aggregate over the units below only (for a ratio, recomputed from their parts): beside `reported`, it shows a reviewer the gap.',
  })
  sumOfChildren: string | null;

  @Field(() => QualifierEnum, { nullable: true })
  sumOfChildrenQualifier: Qualifier | null;

  readonly row: AggregateRow;
  readonly contributionSource: ContributionSource;

  constructor(
    explained: Explained,
    children: Explained,
    row: AggregateRow,
    period: Period,
    args: ContributionArgs,
  ) {
    super(explained, row);
    this.row = row;
    this.period = period;
    this.reported = row.reported;
    this.reportedQualifier = row.reported_qualifier;
    this.sumOfChildren = children.value;
    this.sumOfChildrenQualifier = children.qualifier;
    this.contributionSource = { groupId: row.organization_id, args };
  }
}

export const RollupConnection = connectionType(RollupRow, 'Rollup');

@ObjectType({ description: 'One figure under a roll-up row, and whether the row’s value adds it.' })
export class Contribution {
  @Field(() => String, { description: 'The metric (for a ratio: its numerator or denominator).' })
  metric: string;

  @Field(() => DecimalScalar)
  value: string;

  @Field(() => QualifierEnum)
  qualifier: Qualifier;

  @Field(() => Period, {
    description:
      'The figure’s own period: the asked one, or a quarter or month inside it that the unit’s figure was combined from.',
  })
  period: Period;

  @Field(() => MetricScopeEnum)
  scope: MetricScope;

  @Field(() => SubmissionStatusEnum)
  status: SubmissionStatus;

  @Field(() => Boolean, {
    description:
      'True when the row’s value adds this figure; false when a SUBTREE figure at or above it already includes it, when it is a ratio’s part its unit gave without the other part (with the same scope), when it is a stored percentage (the ratio is recomputed from its parts), or when its unit’s figure for an enclosing period beats it (its year figure beats its quarters).',
  })
  counted: boolean;

  readonly row: ContributionRow;

  constructor(row: ContributionRow) {
    this.row = row;
    this.metric = row.metric_code;
    this.value = row.value;
    this.qualifier = row.qualifier;
    this.period = new Period(parsePeriod(row.period));
    this.scope = row.scope;
    this.status = row.status;
    this.counted = row.counted;
  }
}

export const ContributionConnection = connectionType(Contribution, 'Contribution');

@ObjectType({ implements: AggregateValue, description: 'One unit’s place in a ranking.' })
export class RankingEntry extends AggregateValue {
  @Field(() => Int, {
    nullable: true,
    description: 'Competition rank with ties (1, 2, 2, 4); null for units without a value.',
  })
  rank: number | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'Percent of the total of the ranked units (SUM metrics only), rounded half away from zero to 4 places.',
  })
  shareOfTotal: string | null;

  readonly row: RankedRow;

  constructor(explained: Explained, row: RankedRow, rank: number | null, share: string | null) {
    super(explained, row);
    this.row = row;
    this.rank = rank;
    this.shareOfTotal = share;
  }
}

export const RankingEntryConnection = connectionType(RankingEntry, 'RankingEntry');

@ObjectType({ description: 'Units of one level ranked by a metric.' })
export class Ranking {
  @Field(() => MetricDefinition)
  metric!: MetricDefinition;

  @Field(() => Period)
  period!: Period;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'The sum over the ranked units (SUM metrics only).',
  })
  total!: string | null;

  @Field(() => QualifierEnum, { nullable: true })
  totalQualifier!: Qualifier | null;

  @Field(() => Int, { description: 'How many units have a value and so a rank.' })
  ranked!: number;

  @Field(() => RankingEntryConnection, { description: 'Best first; units without a value last.' })
  entries!: ConnectionSource<RankingEntry>;
}

@ObjectType({
  implements: AggregateValue,
  description: 'One period of a series, with its change from the previous one.',
})
export class SeriesPoint extends AggregateValue {
  @Field(() => Period)
  period: Period;

  @Field(() => DecimalScalar, {
    nullable: true,
    description: 'value − the previous period’s value, exact (percentage points for a ratio).',
  })
  change: string | null;

  @Field(() => DecimalScalar, {
    nullable: true,
    description:
      'change ÷ previous value × 100, rounded half away from zero to 4 places; null with growthReason.',
  })
  growthRate: string | null;

  @Field(() => AggregateNullReasonEnum, { nullable: true })
  growthReason: AggregateNullReason | null;

  constructor(
    explained: Explained,
    row: AggregateRow,
    period: Period,
    change: string | null,
    growthRate: string | null,
    growthReason: AggregateNullReason | null,
    mappedFrom: number[],
  ) {
    super(explained, row, mappedFrom);
    this.period = period;
    this.change = change;
    this.growthRate = growthRate;
    this.growthReason = growthReason;
  }
}
