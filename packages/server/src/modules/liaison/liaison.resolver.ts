import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { can } from '../../auth/permissions.js';
import type { Context } from '../../context.js';
import { boundedList } from '../../graph/complexity.js';
import { Source } from '../document/document.type.js';
import { Organization } from '../organization/organization.type.js';
import { withholdContacts } from './liaison.redact.js';
import { Liaison, LiaisonAssignment } from './liaison.type.js';

@Resolver(() => LiaisonAssignment)
export class LiaisonAssignmentResolver {
  @FieldResolver(() => Organization, { description: 'The federation whose leader is assigned.' })
  async organization(
    @Root() assignment: LiaisonAssignment,
    @Ctx() { loaders }: Context,
  ): Promise<Organization> {
    return new Organization(
      await loaders.organization.required.load(assignment.row.organization_id),
    );
  }

  @FieldResolver(() => [Organization], {
    description: 'The counties and zones assigned.',
    complexity: boundedList(5),
  })
  async counties(
    @Root() assignment: LiaisonAssignment,
    @Ctx() { loaders }: Context,
  ): Promise<Organization[]> {
    const links = await loaders.liaison.countyIds.load(assignment.row.id);
    const rows = await loaders.organization.byId.loadMany(
      links.map((link) => link.organization_id),
    );
    return rows.flatMap((row) => (row && !(row instanceof Error) ? [new Organization(row)] : []));
  }

  @FieldResolver(() => [Liaison], { complexity: boundedList(5) })
  async liaisons(
    @Root() assignment: LiaisonAssignment,
    @Ctx() { loaders }: Context,
  ): Promise<Liaison[]> {
    const [rows, organization] = await Promise.all([
      loaders.liaison.liaisons.load(assignment.row.id),
      loaders.organization.byId.load(assignment.row.organization_id),
    ]);
    return rows.map((row) => new Liaison(row, organization!));
  }

  @FieldResolver(() => Source, {
    nullable: true,
    description:
      'Where the assignment comes from. The quoted annex row names the liaisons and their phones: for viewers who may not read them (see Liaison.name) they are withheld from the quote as ＊＊＊.',
  })
  async source(
    @Root() { row }: LiaisonAssignment,
    @Ctx() { loaders, viewer }: Context,
  ): Promise<Source | null> {
    if (row.document_id === null && row.quote === null) return null;
    const organization = await loaders.organization.byId.load(row.organization_id);
    if (row.quote === null || can(viewer, 'read.internal', organization!)) return new Source(row);
    // Only a quote to mask needs the liaisons it names.
    const liaisons = await loaders.liaison.liaisons.load(row.id);
    return new Source({
      document_id: row.document_id,
      quote: withholdContacts(row.quote, liaisons),
    });
  }
}
