import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { Organization } from '../organization/organization.type.js';
import { Honor } from './honor.type.js';

@Resolver(() => Honor)
export class HonorResolver {
  @FieldResolver(() => Organization, { description: 'The unit honoured.' })
  async recipient(@Root() honor: Honor, @Ctx() { loaders }: Context): Promise<Organization> {
    return new Organization(await loaders.organization.required.load(honor.row.recipient_id));
  }

  @FieldResolver(() => Organization, {
    nullable: true,
    description: 'The awarding unit, when it is a unit of the network.',
  })
  async awardedBy(@Root() honor: Honor, @Ctx() { loaders }: Context): Promise<Organization | null> {
    if (honor.row.awarded_by_id === null) return null;
    const row = await loaders.organization.byId.load(honor.row.awarded_by_id);
    return row ? new Organization(row) : null;
  }
}
