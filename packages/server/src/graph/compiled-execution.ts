import type {
  GatewayExecutionResult,
  GatewayGraphQLRequestContext,
  GatewayInterface,
} from '@apollo/server-gateway-interface';
import { execute, GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** Compiled operations kept, the least recently run dropped first. */
export const COMPILED_OPERATIONS = 1_000;

/**
 * Runs Apollo's operations through graphql-jit: each operation is compiled once into a function
 * that resolves its fields without graphql-js's per-field work (argument values, resolve info
 * and completion rebuilt for every field of every request; docs/performance.md, issue 14).
 * Apollo Server 5 takes another executor only from a gateway, so this is one that serves the
 * schema it is given: parsing, validation and every plugin hook still run in Apollo as before.
 *
 * graphql-js still runs what graphql-jit does not: an operation it cannot compile, and a
 * request whose variables do not coerce (nothing has run then), so that a bad variable is
 * answered with graphql-js's own error, which Apollo codes BAD_USER_INPUT. Subscriptions do not
 * come here: they are refused over HTTP and served by graphql-ws (subscriptions.ts).
 */
export function compiledExecution(schema: GraphQLSchema): GatewayInterface {
  const compiled = new RecentlyRun(COMPILED_OPERATIONS);
  let announce:
    ((schemaContext: { apiSchema: GraphQLSchema; coreSupergraphSdl: string }) => void) | undefined;

  const executor = async (
    request: GatewayGraphQLRequestContext,
  ): Promise<GatewayExecutionResult> => {
    const { document, operationName, context, queryHash } = request;
    const variables = request.request.variables ?? {};
    // Without an operation Apollo resolved (a name the document lacks, two operations and no
    // name) graphql-js's refusal is the answer, which Apollo codes OPERATION_RESOLUTION_FAILURE.
    if (request.operation) {
      const key = `${operationName ?? ''}:${queryHash}`;
      let operation = compiled.get(key);
      if (operation === undefined) {
        operation = compile(schema, document, operationName);
        compiled.set(key, operation);
      }
      if (operation) {
        const result = await operation.query(undefined, context, variables);
        if ('data' in result) {
          if (!result.errors) return result;
          const errors = onePerNulledValue(result.data, result.errors).map(asGraphQLError);
          return { ...result, errors };
        }
      }
    }
    return execute({
      schema,
      document,
      operationName: request.request.operationName,
      contextValue: context,
      variableValues: variables,
    });
  };

  return {
    onSchemaLoadOrUpdate(callback) {
      announce = callback;
      return () => (announce = undefined);
    },
    load: async () => {
      // There is no supergraph: only Apollo's schema reporting reads it, and it is not used.
      announce?.({ apiSchema: schema, coreSupergraphSdl: '' });
      return { executor };
    },
    stop: async () => {},
  };
}

/** The compiled operation, or null when graphql-jit cannot compile it (graphql-js runs it). */
function compile(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null,
): CompiledQuery | null {
  const compiled = compileQuery(schema, document, operationName ?? undefined, {
    // graphql-jit's default reuses one skip/include condition for every path to a fragment's
    // field, which drops fields when one fragment is spread under differing directives.
    useExperimentalPathBasedSkipInclude: true,
  });
  return isCompiledQuery(compiled) ? compiled : null;
}

/**
 * graphql-js reports one error per value a non-null field's error nulled (the first; its
 * siblings stop or go unheard), graphql-jit each of them: this keeps the first error of each
 * value nulled, which is where the walk down an error's path first meets null.
 */
function onePerNulledValue(
  data: unknown,
  errors: readonly GraphQLError[],
): readonly GraphQLError[] {
  const nulled = new Set<string>();
  return errors.filter((error) => {
    const path = error.path ?? [];
    let value = data;
    let depth = 0;
    while (depth < path.length && value != null) {
      value = (value as Record<string | number, unknown>)[path[depth]!];
      depth += 1;
    }
    const key = JSON.stringify(path.slice(0, depth));
    if (nulled.has(key)) return false;
    nulled.add(key);
    return true;
  });
}

/**
 * graphql-jit's errors inherit graphql-js's, but leave `extensions` undefined when the
 * resolver's error had none, which Apollo's formatting reads through: the same error as
 * graphql-js would give it, with graphql-jit's locations (it keeps no AST nodes).
 */
function asGraphQLError(error: GraphQLError): GraphQLError {
  const { originalError } = error;
  const copy = new GraphQLError(error.message, {
    path: error.path,
    originalError: originalError instanceof Error ? originalError : undefined,
    extensions: error.extensions,
  });
  return Object.assign(copy, { locations: error.locations });
}

/** A map bounded to its `limit` most recently read or written entries. */
class RecentlyRun {
  private readonly entries = new Map<string, CompiledQuery | null>();

  constructor(private readonly limit: number) {}

  get(key: string): CompiledQuery | null | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: CompiledQuery | null): void {
    if (this.entries.size >= this.limit) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
  }
}
