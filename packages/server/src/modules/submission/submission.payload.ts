import { Field, ObjectType } from 'type-graphql';
import type { MetricScope, Qualifier } from '../../db/tables.js';
import { DecimalScalar } from '../../graph/decimal.scalar.js';
import { codeEnum } from '../../graph/enum.js';
import { MetricScopeEnum, QualifierEnum } from '../metric/metric.type.js';
import { NORMALIZATIONS, type Normalization } from '../../lib/typed-number.js';
import type { Normalized, Problem, ValueChange, ValueState } from './submission.save-plan.js';
import { Submission } from './submission.type.js';

// What the submission mutations answer: the submission written, and for a save the figures it
// changed and the problems it found.

export const ValueChangeKindEnum = codeEnum(
  ['ADDED', 'CHANGED', 'REMOVED'] as const,
  'ValueChangeKind',
  'How a figure of a submission changes.',
);

@ObjectType({ description: 'A figure of a submission as it was or will be.' })
export class SubmissionValueState {
  @Field(() => DecimalScalar)
  value!: string;

  @Field(() => QualifierEnum)
  qualifier!: Qualifier;

  @Field(() => MetricScopeEnum)
  scope!: MetricScope;

  @Field(() => String, { nullable: true })
  wording!: string | null;

  @Field(() => String, { nullable: true })
  asOf!: string | null;

  static of(state: ValueState | null): SubmissionValueState | null {
    return state === null ? null : Object.assign(new SubmissionValueState(), state);
  }
}

@ObjectType({ description: 'One figure added, changed or removed by saveSubmissionValues.' })
export class SubmissionValueChange {
  @Field(() => String)
  metric: string;

  @Field(() => ValueChangeKindEnum)
  kind: ValueChange['kind'];

  @Field(() => SubmissionValueState, { nullable: true })
  before: SubmissionValueState | null;

  @Field(() => SubmissionValueState, { nullable: true })
  after: SubmissionValueState | null;

  constructor(change: ValueChange) {
    this.metric = change.metric;
    this.kind = change.kind;
    this.before = SubmissionValueState.of(change.before);
    this.after = SubmissionValueState.of(change.after);
  }
}

@ObjectType({ description: 'A problem with one part of the input, named by its path.' })
export class InputProblem {
  @Field(() => String, { description: 'Where in the input, e.g. values.3.value.' })
  path!: string;

  @Field(() => String)
  message!: string;

  static of(problem: Problem): InputProblem {
    return Object.assign(new InputProblem(), problem);
  }
}

export const NumberNormalizationEnum = codeEnum(
  Object.keys(NORMALIZATIONS) as Normalization[],
  'NumberNormalization',
  'What the server did to read a typed number: FULL_WIDTH digits, a THOUSANDS_SEPARATOR, WAN (万 × 10,000), YI (亿 × 100,000,000), a PERCENT_SIGN, a CHINESE_NUMERAL; PERCENT_FORMAT and FORMULA_RESULT are spreadsheet cells’.',
);

@ObjectType({ description: 'A value read from what was typed, and how.' })
export class InputNormalization {
  @Field(() => String, { description: 'Where in the input, e.g. values.0.value.' })
  path!: string;

  @Field(() => String, { description: 'The value as sent, e.g. 338万.' })
  input!: string;

  @Field(() => DecimalScalar, { description: 'The exact decimal it was read as, e.g. 3380000.' })
  value!: string;

  @Field(() => [NumberNormalizationEnum])
  applied!: Normalization[];

  @Field(() => String, { description: 'What was done, in words.' })
  message!: string;

  static of(normalized: Normalized): InputNormalization {
    return Object.assign(new InputNormalization(), {
      ...normalized,
      message: normalized.applied.map((step) => NORMALIZATIONS[step].en).join('; '),
    });
  }
}

@ObjectType()
export class CreateSubmissionPayload {
  @Field(() => Submission)
  submission!: Submission;

  @Field(() => Boolean, {
    description: 'True when this answers a retry with a used idempotency key: nothing was written.',
  })
  replayed!: boolean;
}

@ObjectType()
export class SaveSubmissionValuesPayload {
  @Field(() => Submission, {
    description: 'The submission after the save (as it is, for a dry run or a replay).',
  })
  submission!: Submission;

  @Field(() => [SubmissionValueChange], {
    description:
      'What changed, or for a dry run what would change; a replay repeats the first answer.',
  })
  changes!: SubmissionValueChange[];

  @Field(() => Boolean)
  narrativeChanged!: boolean;

  @Field(() => [InputProblem], {
    description:
      'Every problem found, by input path. Only a dry run returns problems; a real save with problems fails with BAD_USER_INPUT carrying the same list in extensions.problems.',
  })
  problems!: InputProblem[];

  @Field(() => [InputNormalization], {
    description:
      'Every value read from what was typed (338万 → 3380000, 33.91% → 33.91), by input path: a dry run shows how each would be stored.',
  })
  normalized!: InputNormalization[];

  @Field(() => Boolean)
  dryRun!: boolean;

  @Field(() => Boolean)
  replayed!: boolean;
}
