import { Field, InputType } from 'type-graphql';
import type { OrganizationKind, OrganizationLevel } from '../../db/tables.js';
import { OrganizationKindEnum, OrganizationLevelEnum } from './organization.type.js';

@InputType({ description: 'Narrows a list of organizations.' })
export class RelatedOrganizationFilter {
  @Field(() => OrganizationLevelEnum, { nullable: true })
  level?: OrganizationLevel | null;

  @Field(() => OrganizationKindEnum, { nullable: true })
  kind?: OrganizationKind | null;

  @Field(() => String, {
    nullable: true,
    description:
      'A substring of the name (长沙), or of its pinyin, full or initials, in any case and with or without spaces (Changsha, chang sha, cs).',
  })
  search?: string | null;
}

@InputType({ description: 'Narrows the list of all organizations.' })
export class OrganizationFilter extends RelatedOrganizationFilter {
  @Field(() => String, {
    nullable: true,
    description: 'Only units inside this subtree: an organization id or division code.',
  })
  within?: string | null;
}
