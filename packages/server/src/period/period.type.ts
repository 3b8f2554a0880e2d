import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { PERIOD_TYPES, type Period as ParsedPeriod, type PeriodType } from './period.js';

export const PeriodTypeEnum = Object.fromEntries(PERIOD_TYPES.map((type) => [type, type])) as {
  [K in PeriodType]: K;
};
registerEnumType(PeriodTypeEnum, {
  name: 'PeriodType',
  description: 'Year, quarter, month, day, or a span of two of one kind (2018/2022).',
});

@ObjectType({ description: 'A reporting period and the days it covers, both ends inclusive.' })
export class Period {
  @Field(() => String, {
    description: 'As written: 2020, 2020Q1, 2020-05, 2020-05-12, 2018/2022, 2020-05/2021-02.',
  })
  text: string;

  @Field(() => PeriodTypeEnum)
  type: PeriodType;

  @Field(() => String, { description: 'First day, YYYY-MM-DD.' })
  start: string;

  @Field(() => String, { description: 'Last day, YYYY-MM-DD.' })
  end: string;

  constructor(period: ParsedPeriod) {
    this.text = period.canonical;
    this.type = period.type;
    this.start = period.start;
    this.end = period.end;
  }

  /** The period of a row's period columns, or null when the row has none. */
  static fromColumns(row: {
    period: string | null;
    period_type: PeriodType | null;
    period_start: string | null;
    period_end: string | null;
  }): Period | null {
    if (row.period === null || row.period_type === null) return null;
    return new Period({
      canonical: row.period,
      type: row.period_type,
      start: row.period_start!,
      end: row.period_end!,
    });
  }
}
