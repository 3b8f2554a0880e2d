import {
  GraphQLObjectType,
  GraphQLScalarType,
  type GraphQLFieldResolver,
  type GraphQLResolveInfo,
  type GraphQLSchema,
} from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type Storage = ReturnType<typeof getMetadataStorage>;
type Handler = Storage['queries'][number] | Storage['fieldResolvers'][number];
type Param = NonNullable<Handler['params']>[number];
/** A class as type-graphql's metadata names it (resolver, object, input or arguments class). */
type ClassTarget = Handler['target'];
type Call = [
  root: unknown,
  args: Record<string, unknown>,
  context: unknown,
  info: GraphQLResolveInfo,
];
/** One parameter's value for a call, or NEEDS_CONVERSION when type-graphql would convert it. */
type ParamValue = (...call: Call) => unknown;

const NEEDS_CONVERSION = Symbol('needs conversion');

/**
 * Calls the resolver methods of queries and of field resolvers directly, instead of through
 * type-graphql's wrapper, wherever the two give the same parameters, and reads plain fields
 * without it. type-graphql hands every argument to an `async` validation step even with
 * `validate: false`: a promise per argument, a `Promise.all` and a sort of the parameters on
 * every call, ~20% of what a tree of figures allocates (docs/performance.md). A field keeps type-graphql's resolver when anything stands
 * between the call and the method (`@Authorized`, middleware, a custom parameter), and so does
 * a call whose arguments type-graphql would turn into instances of an input class: such a call
 * is passed to the original resolver. `resolvers` are the classes the schema was built from;
 * it must have been built without `globalMiddlewares`, which the metadata does not list.
 */
export function withDirectResolvers(
  schema: GraphQLSchema,
  resolvers: readonly ClassTarget[],
): GraphQLSchema {
  const storage = getMetadataStorage();
  const inputClasses = new Set(storage.inputTypes.map((type) => type.target));
  const built = new Set(resolvers);
  const query = schema.getQueryType();
  for (const handler of storage.queries) {
    if (query && built.has(handler.target)) direct(query, handler, inputClasses, storage);
  }
  for (const handler of storage.fieldResolvers) {
    if (handler.kind !== 'external' || !built.has(handler.target)) continue;
    const objectClass = handler.getObjectType?.();
    const objectType = storage.objectTypes.find((type) => type.target === objectClass);
    // The type whose own field this resolves (a subclass's copy of it is left as it is).
    const own = objectType?.fields?.some(
      (field) => field.schemaName === handler.schemaName && field.target === objectClass,
    );
    const type = objectType && own ? schema.getType(objectType.name) : undefined;
    if (type instanceof GraphQLObjectType) direct(type, handler, inputClasses, storage);
  }
  // A field without a resolver method reads its property, as type-graphql's basic resolver
  // does, without the call record and middleware dispatch that resolver makes for each value.
  // So does a field on a getter, as type-graphql's resolver does for a root of the getter's
  // class (one of another kind it would copy into the class first; the graph's resolvers
  // return their classes). Where the property has the field's name the field has no resolver
  // at all: graphql-js reads it alike, and the compiled executor (compiled-execution.ts) reads
  // it inline, where a resolver would cost a call, a resolve info and a result handler per value.
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!(type instanceof GraphQLObjectType)) continue;
    for (const field of objectType.fields ?? []) {
      const handlers = storage.fieldResolvers.filter(
        (handler) =>
          (handler.kind === 'internal' || built.has(handler.target)) &&
          handler.getObjectType?.() === field.target &&
          handler.methodName === field.name,
      );
      const resolved = handlers.some((handler) => !isGetter(handler));
      const own = field.target === objectType.target;
      const guarded =
        field.roles !== undefined ||
        Boolean(field.middlewares?.length) ||
        handlers.some((handler) => handler.roles !== undefined || handler.middlewares?.length);
      const graphqlField = type.getFields()[field.schemaName];
      if (resolved || !own || guarded || !graphqlField?.resolve) continue;
      const { name } = field;
      graphqlField.resolve =
        name === field.schemaName ? undefined : (root) => (root as Record<string, unknown>)[name];
    }
  }
  return schema;
}

/** Whether a field of an object type's own is declared on a getter (not a method). */
function isGetter(handler: Storage['fieldResolvers'][number]): boolean {
  if (handler.kind !== 'internal') return false;
  const { prototype } = handler.target as { prototype: object };
  return Object.getOwnPropertyDescriptor(prototype, handler.methodName)?.get !== undefined;
}

function direct(
  type: GraphQLObjectType,
  handler: Handler,
  inputClasses: ReadonlySet<ClassTarget>,
  storage: Storage,
): void {
  const field = type.getFields()[handler.schemaName];
  const original = field?.resolve;
  if (!field || !original || handler.roles !== undefined || handler.middlewares?.length) return;
  const values: ParamValue[] = [];
  for (const param of [...(handler.params ?? [])].sort((a, b) => a.index - b.index)) {
    const value = paramValue(param, inputClasses, storage);
    if (!value) return;
    values.push(value);
  }
  const Target = handler.target as new () => Record<string, (...params: unknown[]) => unknown>;
  // type-graphql's default container keeps one instance per resolver class too.
  const instance = new Target();
  const method = instance[handler.methodName]!;
  const resolve: GraphQLFieldResolver<unknown, unknown> = (root, args, context, info) => {
    const params = new Array<unknown>(values.length);
    for (let i = 0; i < values.length; i += 1) {
      const value = values[i]!(root, args, context, info);
      if (value === NEEDS_CONVERSION) return original(root, args, context, info);
      params[i] = value;
    }
    return method.apply(instance, params);
  };
  field.resolve = resolve;
}

/** How a parameter's value is read from the call; undefined for a kind type-graphql must read. */
function paramValue(
  param: Param,
  inputClasses: ReadonlySet<ClassTarget>,
  storage: Storage,
): ParamValue | undefined {
  switch (param.kind) {
    case 'root': {
      const { propertyName, getType } = param;
      return (root) => {
        const value = propertyName ? (root as Record<string, unknown>)[propertyName] : root;
        return getType && !unchanged(value, getType()) ? NEEDS_CONVERSION : value;
      };
    }
    case 'context': {
      const { propertyName } = param;
      return propertyName
        ? (_root, _args, context) => (context as Record<string, unknown>)[propertyName]
        : (_root, _args, context) => context;
    }
    case 'info':
      return (_root, _args, _context, info) => info;
    case 'arg': {
      const { name } = param;
      if (!inputClasses.has(param.getType() as ClassTarget)) return (_root, args) => args[name];
      return (_root, args) => (args[name] == null ? args[name] : NEEDS_CONVERSION);
    }
    case 'args':
      return argsValue(param.getType() as new () => object, inputClasses, storage);
    case 'pubSub':
    case 'custom':
      return undefined;
  }
}

/**
 * An `@Args()` class built as type-graphql builds it (helpers/types.ts, `convertToType`): an
 * instance holding the arguments given, without the class's fields that were not. type-graphql
 * constructs the class and deletes the fields not given, which leaves V8 a slow dictionary
 * object per call; a class whose fields have no initializers (its instances start with every
 * field undefined) gives the same instance from its prototype and the arguments given alone.
 * A class with initializers is left to type-graphql.
 */
function argsValue(
  ArgsClass: new () => object,
  inputClasses: ReadonlySet<ClassTarget>,
  storage: Storage,
): ParamValue | undefined {
  if (Object.values(new ArgsClass()).some((value) => value !== undefined)) return undefined;
  const fields: { name: string; input: boolean }[] = [];
  for (let target = ArgsClass; target.prototype !== undefined;) {
    const argsType = storage.argumentTypes.find((type) => type.target === target);
    for (const field of argsType?.fields ?? []) {
      fields.push({ name: field.name, input: inputClasses.has(field.getType() as ClassTarget) });
    }
    target = Object.getPrototypeOf(target) as new () => object;
  }
  const { prototype } = ArgsClass;
  return (_root, args) => {
    const instance = Object.create(prototype) as Record<string, unknown>;
    for (const { name, input } of fields) {
      const value = args[name];
      if (value === undefined) continue;
      if (input && value !== null) return NEEDS_CONVERSION;
      instance[name] = value;
    }
    return instance;
  };
}

const SIMPLE_TYPES: readonly unknown[] = [String, Boolean, Number, Date, Array, Promise];

/** Whether type-graphql passes a root value to a parameter typed `Target` as it is. */
function unchanged(value: unknown, Target: unknown): boolean {
  return (
    value == null ||
    Target instanceof GraphQLScalarType ||
    (typeof Target === 'function' && value instanceof Target) ||
    SIMPLE_TYPES.includes((value as object).constructor)
  );
}
