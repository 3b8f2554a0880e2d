import { createRequire } from 'node:module';
import {
  getOperationAST,
  getVariableValues,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { compileVariableParsing as CompileVariableParsing } from 'graphql-jit/dist/variables.js';
import type { RequestedCost } from './cost.js';
import type { TreeSizes } from './tree-size.js';

// graphql-jit's ES module build of this file names its imports without extensions, which
// Node cannot load; its CommonJS build is the one its own entry point runs.
const { compileVariableParsing } = createRequire(import.meta.url)('graphql-jit/dist/variables') as {
  compileVariableParsing: typeof CompileVariableParsing;
};

/** Costs kept per document: one per set of values of the variables the cost reads. */
const COSTS_PER_DOCUMENT = 64;

interface DocumentCosts {
  /** The variables whose values the cost depends on (see costReads). */
  variables: string[];
  /** Whether it has a field costed by the tree's counts (a `subtreeCost`). */
  readsTree: boolean;
  costs: Map<string, RequestedCost>;
}

/**
 * The requested cost of each document, remembered: Apollo hands every request of one query
 * string the same parsed and validated DocumentNode, and walking it again for the cost took
 * ~5% of a `node` request's CPU (docs/performance.md). A cost depends on the tree's counts and
 * on the variables a cost estimator reads, so both are in the key; a cursor or an id is not,
 * and the pages of one list share one entry.
 */
export class CostCache {
  private readonly documents = new WeakMap<DocumentNode, DocumentCosts>();
  private readonly parsers = new WeakMap<
    OperationDefinitionNode,
    ReturnType<typeof CompileVariableParsing> | null
  >();

  /**
   * The cost of the operation, from the cache or computed by `compute` (which throws for
   * variables that do not coerce, as before: those requests are never cached).
   */
  get(
    schema: GraphQLSchema,
    document: DocumentNode,
    operationName: string | undefined,
    variables: Record<string, unknown>,
    tree: TreeSizes,
    compute: () => RequestedCost,
  ): RequestedCost {
    // The operation graphql-js runs: the named one, or the only one.
    const operation = getOperationAST(document, operationName);
    if (!operation) return compute();
    const coerced = this.coerce(schema, operation, variables);
    if (!coerced) return compute();
    let entry = this.documents.get(document);
    if (!entry) {
      entry = { ...costReads(schema, document), costs: new Map() };
      this.documents.set(document, entry);
    }
    // Stale counts are read anew when a document that reads them is costed, as before.
    if (entry.readsTree) tree.refreshIfStale();
    const values = entry.variables.map((name) => coerced[name]);
    const key = JSON.stringify([operationName ?? null, tree.generation, values]);
    const known = entry.costs.get(key);
    if (known) return known;
    const cost = compute();
    // The oldest goes first: a client paging with a new `first` each time cannot grow it.
    if (entry.costs.size >= COSTS_PER_DOCUMENT) {
      const oldest = entry.costs.keys().next();
      if (!oldest.done) entry.costs.delete(oldest.value);
    }
    entry.costs.set(key, cost);
    return cost;
  }

  /**
   * The operation's variables coerced, or undefined when they do not coerce: by graphql-jit's
   * coercion, compiled once per operation, the one the compiled executor runs
   * (graph/compiled-execution.ts), instead of graphql-js's, which walks the variables'
   * definitions and types anew on every request. Those that do not coerce are costed by
   * `compute`, which refuses them with graphql-js's own error, as before; an operation
   * graphql-jit cannot compile is coerced by graphql-js.
   */
  private coerce(
    schema: GraphQLSchema,
    operation: OperationDefinitionNode,
    variables: Record<string, unknown>,
  ): Record<string, unknown> | undefined {
    let parse = this.parsers.get(operation);
    if (parse === undefined) {
      try {
        parse = compileVariableParsing(schema, operation.variableDefinitions ?? []);
      } catch {
        parse = null;
      }
      this.parsers.set(operation, parse);
    }
    if (parse === null) {
      const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables);
      return coerced.coerced;
    }
    // Either errors or the coerced values (the other member is undefined).
    const parsed = parse(variables) as { errors?: unknown; coerced?: Record<string, unknown> };
    return parsed.errors ? undefined : parsed.coerced;
  }
}

/**
 * What a document's cost can read (limits/cost.ts): the tree's counts when it has a field with
 * a `subtreeCost`, and the variables inside a directive's arguments (`@skip`, `@include`), a
 * page size (`first`, `last`), or any argument of a field whose cost is computed from its
 * arguments (a `subtreeCost`, or a `complexity` function).
 */
function costReads(
  schema: GraphQLSchema,
  document: DocumentNode,
): Pick<DocumentCosts, 'variables' | 'readsTree'> {
  const typeInfo = new TypeInfo(schema);
  const read = new Set<string>();
  let readsTree = false;
  // Whether each argument being visited (arguments nest in none but their own values) is read.
  const arguments_: boolean[] = [];
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field() {
        if (typeInfo.getFieldDef()?.extensions.subtreeCost !== undefined) readsTree = true;
      },
      Argument: {
        enter(argument) {
          const field = typeInfo.getFieldDef();
          const extensions = field?.extensions ?? {};
          arguments_.push(
            typeInfo.getDirective() !== null ||
              field === null ||
              argument.name.value === 'first' ||
              argument.name.value === 'last' ||
              extensions.subtreeCost !== undefined ||
              typeof extensions.complexity === 'function',
          );
        },
        leave() {
          arguments_.pop();
        },
      },
      Variable(variable) {
        if (arguments_.at(-1)) read.add(variable.name.value);
      },
    }),
  );
  return { variables: [...read].sort(), readsTree };
}
