import { Field, ID, InputType, Int } from 'type-graphql';
import type { MetricScope, MetricUnit, Qualifier } from '../../db/tables.js';
import { TypedNumberScalar } from '../../graph/typed-number.scalar.js';
import { MetricScopeEnum, MetricUnitEnum, QualifierEnum } from '../metric/metric.type.js';

@InputType()
export class CreateSubmissionInput {
  @Field(() => String, { description: 'The template: its code (annual-summary) or id.' })
  template!: string;

  @Field(() => String, { description: 'The submitting unit: an organization id or division code.' })
  organization!: string;

  @Field(() => String, {
    description: 'The period, of the template’s period type: 2020, 2020Q1, 2020-05.',
  })
  period!: string;

  @Field(() => String, { nullable: true })
  narrative?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A key the client makes up per intended change: a retry with the same key and input returns the first answer and writes nothing; the same key with another input is CONFLICT.',
  })
  idempotencyKey?: string | null;
}

@InputType({ description: 'One figure of a submission; its period is the submission’s.' })
export class SubmissionValueInput {
  @Field(() => String, { description: 'A metric code of the template, e.g. training.sessions.' })
  metric!: string;

  @Field(() => TypedNumberScalar, {
    description:
      'In the metric’s unit: "3380000" or "338万" for 338 万元, "33.91%" or "33.91" for a percentage. What was read is reported in normalized (and kept as the wording unless one is given).',
  })
  value!: string | number;

  @Field(() => MetricUnitEnum, {
    nullable: true,
    description: 'When given, must be the metric’s unit (a guard against unit slips).',
  })
  unit?: MetricUnit | null;

  @Field(() => QualifierEnum, { nullable: true, description: 'EXACT unless said otherwise.' })
  qualifier?: Qualifier | null;

  @Field(() => MetricScopeEnum, {
    nullable: true,
    description:
      'SELF (default): the unit’s own work. SUBTREE: the total of the unit and everything below it; roll-ups then use it as it is and never add the figures below on top.',
  })
  scope?: MetricScope | null;

  @Field(() => String, { nullable: true, description: 'The figure as written, e.g. 338 万元.' })
  wording?: string | null;

  @Field(() => String, { nullable: true, description: 'Snapshot date, YYYY-MM-DD.' })
  asOf?: string | null;
}

@InputType()
export class SaveSubmissionValuesInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'The version you read; a stale one is CONFLICT.' })
  expectedVersion!: number;

  @Field(() => [SubmissionValueInput], {
    nullable: true,
    description: 'Figures to add or replace, one per metric.',
  })
  values?: SubmissionValueInput[] | null;

  @Field(() => [String], { nullable: true, description: 'Metric codes whose figures to delete.' })
  remove?: string[] | null;

  @Field(() => String, {
    nullable: true,
    description: 'New narrative; absent leaves it, an empty string clears it.',
  })
  narrative?: string | null;

  @Field(() => String, { nullable: true, description: 'As in createSubmission.' })
  idempotencyKey?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Check everything and report what would change and every problem; write nothing.',
  })
  dryRun?: boolean | null;
}

@InputType()
export class SubmissionTransitionInput {
  @Field(() => ID)
  id!: string;

  @Field(() => Int, { description: 'The version you read; a stale one is CONFLICT.' })
  expectedVersion!: number;
}

@InputType()
export class ReturnSubmissionInput extends SubmissionTransitionInput {
  @Field(() => String, { description: 'What needs fixing; required.' })
  comment!: string;
}
