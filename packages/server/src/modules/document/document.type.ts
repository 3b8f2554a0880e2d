import { Field, ObjectType } from 'type-graphql';
import { DOCUMENT_KINDS, type DocumentKind, type DocumentRow } from '../../db/tables.js';
import { codeEnum } from '../../graph/enum.js';
import { Node } from '../../graph/node.type.js';
import { SeededNode } from '../../graph/seeded-node.type.js';

export const DocumentKindEnum = codeEnum(
  DOCUMENT_KINDS,
  'DocumentKind',
  'What kind of source: a news report, an official document, an annual summary, …',
);

@ObjectType({ implements: Node, description: 'A source document the figures and records cite.' })
export class Document extends SeededNode<DocumentRow> implements Node {
  @Field(() => String)
  title: string;

  @Field(() => DocumentKindEnum)
  kind: DocumentKind;

  @Field(() => String, { nullable: true, description: 'Document number, e.g. 岳妇发〔2021〕5号.' })
  number: string | null;

  @Field(() => String, { nullable: true, description: 'Publisher when not a unit, e.g. 今日女报.' })
  publisher: string | null;

  @Field(() => String, { nullable: true })
  author: string | null;

  @Field(() => String, {
    nullable: true,
    description: 'Date as precise as the source gives it: 2021, 2021-02 or 2021-02-09.',
  })
  date: string | null;

  @Field(() => String, { nullable: true, description: 'The source file the records quote.' })
  sourceFile: string | null;

  constructor(row: DocumentRow) {
    super('Document', row);
    this.title = row.title;
    this.kind = row.kind;
    this.number = row.number;
    this.publisher = row.publisher;
    this.author = row.author;
    this.date = row.date_text;
    this.sourceFile = row.source_file;
  }
}

@ObjectType({ description: 'Where a record comes from: its document and the exact words quoted.' })
export class Source {
  @Field(() => String, {
    nullable: true,
    description: 'The fragment of the document that states the fact, as written.',
  })
  quote: string | null;

  /** Resolved through the document loader. */
  readonly documentId: number | null;

  constructor(row: { document_id: number | null; quote: string | null }) {
    this.documentId = row.document_id;
    this.quote = row.quote;
  }

  /** The source a record cites: none when it names neither a document nor a quote. */
  static of(row: { document_id: number | null; quote: string | null }): Source | null {
    return row.document_id === null && row.quote === null ? null : new Source(row);
  }
}
