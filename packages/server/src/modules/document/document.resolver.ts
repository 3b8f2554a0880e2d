import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import type { Context } from '../../context.js';
import { connectionType } from '../../graph/connection.type.js';
import { fromGlobalIdOf } from '../../graph/global-id.js';
import { sortKeyOf } from '../../graph/keyset.js';
import { ConnectionSource, PageArgs, pageWindow } from '../../graph/pagination.js';
import { Organization } from '../organization/organization.type.js';
import { countDocuments, documentOrder, findDocumentPage } from './document.repository.js';
import { Document, Source } from './document.type.js';

export const DocumentConnection = connectionType(Document, 'Document');

@Resolver(() => Document)
export class DocumentResolver {
  @Query(() => Document, { nullable: true, description: 'One source document by id.' })
  async document(
    @Ctx() { loaders }: Context,
    @Arg('id', () => ID) id: string,
  ): Promise<Document | null> {
    const row = await loaders.document.byId.load(fromGlobalIdOf('Document', id));
    return row ? new Document(row) : null;
  }

  @Query(() => DocumentConnection, { description: 'Every source document, in load order.' })
  async documents(
    @Ctx() { db }: Context,
    @Args(() => PageArgs) page: PageArgs,
  ): Promise<ConnectionSource<Document>> {
    const result = await findDocumentPage(db, pageWindow(page));
    return new ConnectionSource(
      result.rows.map((row) => new Document(row)),
      (document) => sortKeyOf(documentOrder, document.row),
      result,
      () => countDocuments(db),
    );
  }

  @FieldResolver(() => Organization, {
    nullable: true,
    description: 'The unit that issued it; null for a newspaper report.',
  })
  async issuer(
    @Root() document: Document,
    @Ctx() { loaders }: Context,
  ): Promise<Organization | null> {
    if (document.row.issuer_id === null) return null;
    const row = await loaders.organization.byId.load(document.row.issuer_id);
    return row ? new Organization(row) : null;
  }
}

@Resolver(() => Source)
export class SourceResolver {
  @FieldResolver(() => Document, { nullable: true })
  async document(@Root() source: Source, @Ctx() { loaders }: Context): Promise<Document | null> {
    if (source.documentId === null) return null;
    const row = await loaders.document.byId.load(source.documentId);
    return row ? new Document(row) : null;
  }
}
