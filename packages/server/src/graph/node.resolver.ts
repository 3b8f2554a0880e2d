import type { GraphQLInterfaceType, GraphQLSchema } from 'graphql';
import { Arg, Ctx, ID, Query, Resolver, type ClassType } from 'type-graphql';
import type { Context } from '../context.js';
import { badInput } from '../errors.js';
import { fromGlobalId, rowIdOf } from './global-id.js';
import { Node } from './node.type.js';

/** How one Node type is fetched by the row id inside its global id. */
export interface NodeFetcher {
  /** The GraphQL type name, as written in the type's global ids. */
  readonly typeName: string;
  fetch(context: Context, rowId: number): Promise<Node | null>;
}

/**
 * A module's fetcher for one of its Node types. The class ties the fetch to the type: it must
 * answer an instance of that class (or null), and its name is the type's GraphQL name.
 */
export function nodeFetcher<T extends Node>(
  type: ClassType<T>,
  fetch: (context: Context, rowId: number) => Promise<T | null>,
): NodeFetcher {
  return { typeName: type.name, fetch };
}

/**
 * The `node` query over the fetchers the modules register. They sit in a Map, so a type name
 * taken from a client's id is only ever matched against a registered type, never against
 * what an object inherits (`__proto__`, `constructor`).
 */
export function nodeResolver(fetchers: readonly NodeFetcher[]): ClassType {
  const byType = new Map(fetchers.map((fetcher) => [fetcher.typeName, fetcher]));

  @Resolver()
  class NodeResolver {
    @Query(() => Node, {
      nullable: true,
      description: 'Any object by its global id; null when it does not exist.',
    })
    async node(@Ctx() context: Context, @Arg('id', () => ID) id: string): Promise<Node | null> {
      const { type, key } = fromGlobalId(id);
      const fetcher = byType.get(type);
      if (!fetcher) return null;
      const rowId = rowIdOf(key);
      if (rowId === null) throw badInput(`"${id}" is not a valid ${type} id`, 'id');
      return fetcher.fetch(context, rowId);
    }
  }
  return NodeResolver;
}

/**
 * Fails the schema build when a type implements Node without a registered fetcher (or a
 * fetcher names no such type), so `node` can never meet an id it cannot answer.
 */
export function assertEveryNodeFetched(
  schema: GraphQLSchema,
  fetchers: readonly NodeFetcher[],
): void {
  const node = schema.getType('Node') as GraphQLInterfaceType | undefined;
  const typeNames = new Set(node ? schema.getPossibleTypes(node).map((type) => type.name) : []);
  const registered = new Set(fetchers.map((fetcher) => fetcher.typeName));
  const missing = [...typeNames].filter((name) => !registered.has(name));
  const unknown = [...registered].filter((name) => !typeNames.has(name));
  if (missing.length > 0 || unknown.length > 0) {
    throw new Error(
      `Node fetchers do not match the schema: missing ${missing.join(', ') || 'none'}; registered for no Node type ${unknown.join(', ') || 'none'}`,
    );
  }
}
