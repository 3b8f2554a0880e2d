import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { Organization } from '../organization/organization.type.js';
import { ViewerIdentity } from './viewer.type.js';

@Resolver(() => ViewerIdentity)
export class ViewerResolver {
  @Query(() => ViewerIdentity, {
    description:
      'Who the server takes the caller to be: staff (role and organization), API key or anonymous.',
  })
  viewer(@Ctx() { viewer }: Context): ViewerIdentity {
    return new ViewerIdentity(viewer);
  }

  @FieldResolver(() => Organization, {
    nullable: true,
    description: 'Staff: the organization the role is held at; its subtree is their reach.',
  })
  async organization(
    @Root() identity: ViewerIdentity,
    @Ctx() { loaders }: Context,
  ): Promise<Organization | null> {
    if (identity.viewer.kind !== 'staff') return null;
    const row = await loaders.organization.byId.load(identity.viewer.organization.id);
    return row ? new Organization(row) : null;
  }
}
