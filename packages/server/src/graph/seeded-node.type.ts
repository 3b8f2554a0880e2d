import { Field, ID, ObjectType } from 'type-graphql';
import { toGlobalId } from './global-id.js';

/**
 * What every record taken from the seed documents (a document, an activity, an honor, a
 * programme, a work plan) begins with: its global id and its stable key. No field returns this
 * type and it implements no interface, so the schema never lists it; type-graphql puts its
 * fields first in each subclass, in the order the subclasses declared them themselves before.
 */
@ObjectType('SeededNode')
export abstract class SeededNode<Row extends { id: number; seed_key: string | null }> {
  @Field(() => ID)
  id: string;

  @Field(() => String, { nullable: true, description: 'Stable key in seeds/documents.' })
  key: string | null;

  /** The database row, for field resolvers. */
  readonly row: Row;

  protected constructor(typeName: string, row: Row) {
    this.row = row;
    this.id = toGlobalId(typeName, row.id);
    this.key = row.seed_key;
  }
}
