import { Field, InputType } from 'type-graphql';
import type { ActivityKind } from '../../db/tables.js';
import { ActivityKindEnum } from './activity.type.js';

@InputType({ description: "Narrows an organization's activities." })
export class ActivityFilter {
  @Field(() => ActivityKindEnum, { nullable: true })
  kind?: ActivityKind | null;

  @Field(() => String, {
    nullable: true,
    description: 'Only activities whose period overlaps this one: 2020, 2020Q3, 2020-05/2021-02, …',
  })
  period?: string | null;

  @Field(() => String, { nullable: true, description: 'Only activities tagged with this theme.' })
  theme?: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'A substring (Chinese) of the title or description, e.g. 培训; index-backed.',
  })
  search?: string | null;
}

@InputType({ description: 'Narrows the list of all activities.' })
export class RootActivityFilter extends ActivityFilter {
  @Field(() => String, {
    nullable: true,
    description:
      'Only activities organized inside this subtree: an organization id or division code.',
  })
  within?: string | null;
}
