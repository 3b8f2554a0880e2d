import { Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { PageInfo, type ConnectionSource } from './pagination.js';

/**
 * Builds the Relay connection and edge types for a node type. Resolvers return a
 * ConnectionSource: its getters answer edges and pageInfo, its count answers totalCount.
 */
export function connectionType<Node extends object>(nodeType: ClassType<Node>, name: string) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => String)
    cursor!: string;

    @Field(() => nodeType)
    node!: Node;
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, {
      description: 'How many nodes match, across all pages (counted only when asked for).',
    })
    totalCount(): Promise<number> {
      // type-graphql calls this on a copy of the resolver's ConnectionSource.
      return (this as unknown as Pick<ConnectionSource<Node>, 'count'>).count();
    }
  }
  return Connection;
}
