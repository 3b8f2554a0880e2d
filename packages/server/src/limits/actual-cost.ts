import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import type { Context } from '../context.js';
import { ownCost } from './cost.js';

/** What the fields a request resolved cost: read into `extensions.cost.actual`. */
export interface CostMeter {
  actual: number;
}

/**
 * Makes each field that costs something (limits/cost.ts, `ownCost`) add its cost to the
 * request's meter when it resolves. Only those fields are wrapped, once, when the schema is
 * built: an Apollo plugin's `willResolveField` would have Apollo wrap every field of the schema,
 * scalars included, with a closure and a promise per resolved field (docs/performance.md).
 */
export function meterResolvedFields(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    // Object types only (the shape test, as in cost.ts, survives a second copy of graphql):
    // an interface's fields resolve on the object types that implement it.
    if (type.name.startsWith('__') || !('isTypeOf' in type)) continue;
    for (const field of Object.values(type.getFields())) {
      const cost = ownCost(field);
      if (cost === 0) continue;
      const resolve: GraphQLFieldResolver<unknown, Context> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: Context, info) => {
        context.cost.actual += cost;
        return resolve(source, args, context, info);
      };
    }
  }
  return schema;
}
