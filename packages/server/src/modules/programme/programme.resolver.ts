import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { Activity } from '../activity/activity.type.js';
import { Organization } from '../organization/organization.type.js';
import { Programme } from './programme.type.js';

@Resolver(() => Programme)
export class ProgrammeResolver {
  @FieldResolver(() => Organization, { description: 'The unit that runs it.' })
  async organization(
    @Root() programme: Programme,
    @Ctx() { loaders }: Context,
  ): Promise<Organization> {
    return new Organization(
      await loaders.organization.required.load(programme.row.organization_id),
    );
  }

  @FieldResolver(() => [Activity], { description: 'Activities carried out under it.' })
  async activities(@Root() programme: Programme, @Ctx() { loaders }: Context): Promise<Activity[]> {
    const rows = await loaders.activity.byProgramme.load(programme.row.id);
    return rows.map((row) => new Activity(row));
  }
}
