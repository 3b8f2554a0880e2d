import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import { buildSubgraphSchema } from '@apollo/subgraph';
import {
  execute,
  isObjectType,
  Kind,
  parse,
  printSchema,
  visit,
  type ConstDirectiveNode,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { createResolversMap, type ClassType } from 'type-graphql';
import type { Context } from '../context.js';
import { badInput } from '../errors.js';

/**
 * The Federation 2 version the subgraph speaks and the one directive it uses. 2.3 is read by
 * every router and gateway in use (Apollo Router, Apollo Gateway, Hive Gateway).
 */
const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';

/** The key field a representation names its entity by, and its value. */
export interface EntityKey {
  field: string;
  value: string;
}

/** How one entity type (a type other subgraphs may extend) is found by its keys. */
export interface EntityResolver {
  /** The GraphQL type name, as representations write it in `__typename`. */
  readonly typeName: string;
  /** Each key is one scalar field; a representation names the entity by one of them. */
  readonly keys: readonly string[];
  resolve(context: Context, key: EntityKey): Promise<object | null>;
}

/**
 * A module's entity: `@key` on each of `keys`, resolved by `resolve`, which looks the entity
 * up as the module's own lookup query does (its loaders, its rules on who reads what).
 */
export function entityResolver<T extends object>(
  type: ClassType<T>,
  keys: readonly string[],
  resolve: (context: Context, key: EntityKey) => Promise<T | null>,
): EntityResolver {
  return { typeName: type.name, keys, resolve };
}

/**
 * The schema as an Apollo Federation 2 subgraph, the way type-graphql's federation example
 * builds one: the schema's SDL, with `@key` on the entity types, goes to @apollo/subgraph's
 * buildSubgraphSchema with the schema's own resolvers (auth checks included, as type-graphql
 * wraps them) and a `__resolveReference` per entity. A schema rebuilt from SDL loses what SDL
 * cannot carry, the fields' extensions, which hold their cost (limits/cost.ts): they are put
 * back on the built fields, as buildSubgraphSchema itself puts back their resolvers.
 */
export function buildSubgraph(
  schema: GraphQLSchema,
  entities: readonly EntityResolver[],
): GraphQLSchema {
  const byType = new Map(entities.map((entity) => [entity.typeName, entity]));
  for (const entity of entities) {
    const type = schema.getType(entity.typeName);
    if (!isObjectType(type) || entity.keys.some((key) => !type.getFields()[key])) {
      throw new Error(`No object type ${entity.typeName} with fields ${entity.keys.join(', ')}`);
    }
  }
  const keyed = visit(parse(printSchema(schema)), {
    ObjectTypeDefinition(node) {
      const entity = byType.get(node.name.value);
      if (!entity) return undefined;
      return {
        ...node,
        directives: [...(node.directives ?? []), ...entity.keys.map(keyDirective)],
      };
    },
  });
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const entity of entities) {
    const resolveReference = (reference: Record<string, unknown>, context: Context) => {
      const key = keyOf(entity, reference);
      return key ? entity.resolve(context, key) : null;
    };
    resolvers[entity.typeName] = {
      ...resolvers[entity.typeName],
      __resolveReference: resolveReference,
    };
  }
  const subgraph = buildSubgraphSchema({
    typeDefs: {
      ...keyed,
      definitions: [...parse(FEDERATION_LINK).definitions, ...keyed.definitions],
    },
    resolvers: resolvers as never,
  });

  for (const type of Object.values(schema.getTypeMap())) {
    const built = subgraph.getType(type.name);
    if (!isObjectType(type) || !isObjectType(built)) continue;
    const fields = built.getFields();
    for (const [name, field] of Object.entries(type.getFields())) {
      const target = fields[name];
      if (target) target.extensions = field.extensions;
    }
  }
  guardEntities(subgraph, byType);
  return subgraph;
}

/**
 * The subgraph's SDL as routers and composition tools read it: what `_service { sdl }` answers,
 * the federation definitions it links included.
 */
export async function printSubgraph(subgraph: GraphQLSchema): Promise<string> {
  const result = await execute({ schema: subgraph, document: parse('{ _service { sdl } }') });
  const sdl = (result.data?._service as { sdl?: unknown } | undefined)?.sdl;
  if (typeof sdl !== 'string') throw new Error('The subgraph answered no _service SDL');
  return `${sdl}\n`;
}

function keyDirective(field: string): ConstDirectiveNode {
  return {
    kind: Kind.DIRECTIVE,
    name: { kind: Kind.NAME, value: 'key' },
    arguments: [
      {
        kind: Kind.ARGUMENT,
        name: { kind: Kind.NAME, value: 'fields' },
        value: { kind: Kind.STRING, value: field },
      },
    ],
  };
}

/**
 * The key a representation names its entity by (one of the entity's keys, as a string); null
 * when its key is null, which names no entity (a unit without a division code); undefined
 * when it holds none of the keys, which is no representation of the entity at all.
 */
function keyOf(
  entity: EntityResolver,
  reference: Record<string, unknown>,
): EntityKey | null | undefined {
  const field = entity.keys.find((key) => typeof reference[key] === 'string');
  if (field) return { field, value: reference[field] as string };
  return entity.keys.some((key) => reference[key] === null) ? null : undefined;
}

/**
 * `_entities` answers registered entities named by one of their keys, all checked before
 * anything resolves: left to itself, @apollo/subgraph hands back a representation of any other
 * object type as it came, so a caller could have our field resolvers run on an object it made
 * up. Its cost grows with the representations (entitiesCost).
 */
function guardEntities(subgraph: GraphQLSchema, byType: ReadonlyMap<string, EntityResolver>) {
  const field = subgraph.getQueryType()?.getFields()._entities;
  if (!field?.resolve) throw new Error('The subgraph has no _entities field');
  const resolve: GraphQLFieldResolver<unknown, Context> = field.resolve;
  field.resolve = (source, args: { representations: Record<string, unknown>[] }, context, info) => {
    args.representations.forEach((reference, index) => {
      const typeName = reference.__typename;
      const entity = typeof typeName === 'string' ? byType.get(typeName) : undefined;
      if (!entity) {
        throw badInput(
          `_entities resolves ${[...byType.keys()].join(', ')}; not "${String(typeName)}"`,
          `representations.${index}.__typename`,
        );
      }
      if (keyOf(entity, reference) === undefined) {
        throw badInput(
          `A ${entity.typeName} representation names it by ${entity.keys.join(' or ')}, a string`,
          `representations.${index}`,
        );
      }
    });
    return resolve(source, args, context, info);
  };
  field.extensions = { ...field.extensions, complexity: entitiesCost };
}

/** One point for the batch and, like `node`, one per entity fetched plus what it selects. */
function entitiesCost(options: { args: Record<string, unknown>; childComplexity: number }) {
  const { representations } = options.args;
  const count = Array.isArray(representations) ? representations.length : 0;
  return 1 + count * (1 + options.childComplexity);
}

/**
 * What the server adds as a subgraph. A router reads a subgraph's errors from a 2xx response
 * only: Apollo Gateway turns any other status into an INTERNAL_SERVER_ERROR of its own, our
 * code and reason buried in it. So every GraphQL answer is sent 200 with its errors (a
 * refusal's `retryAfter` included), as GraphQL over HTTP has it for `application/json`
 * responses. Apollo's inline tracing, which it turns on for a subgraph, is off: a trace carries
 * errors as they were thrown, before formatError masks them, to whoever asks for one.
 */
export const subgraphPlugins: ApolloServerPlugin<Context>[] = [
  {
    requestDidStart: async () => ({
      willSendResponse: async ({ response }) => {
        response.http.status = 200;
      },
    }),
  },
  ApolloServerPluginInlineTraceDisabled(),
];
