import {
  GraphQLError,
  Kind,
  OperationTypeNode,
  type ASTNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { ErrorReason } from '../errors.js';
import type { RequestHooks, RequestPart } from '../request-hooks.js';

/*
 * Checks every operation's input at the boundary, before any resolver runs, so no resolver has
 * to. PostgreSQL text cannot hold the NUL character (U+0000): a string carrying one fails the
 * statement it reaches, whichever column it was meant for.
 */

const NUL = '\u0000';

/** The refusal of a NUL: at a literal's node, or for a variable with the status Apollo sends. */
function nulError(field: string, at: { nodes: readonly ASTNode[] } | { status: 400 }) {
  return new GraphQLError(`${field} contains a NUL character (U+0000), which text cannot hold`, {
    ...('nodes' in at ? { nodes: at.nodes } : {}),
    extensions: {
      code: 'BAD_USER_INPUT',
      reason: 'NUL_CHARACTER' satisfies ErrorReason<'BAD_USER_INPUT'>,
      field,
      ...('status' in at ? { http: { status: at.status } } : {}),
    },
  });
}

/** Refuses string literals with NUL, naming the argument and input fields that hold them. */
export const noNulCharacterRule: ValidationRule = (context: ValidationContext) => ({
  StringValue(node, _key, parent, _path, ancestors) {
    if (!node.value.includes(NUL)) return;
    const names: string[] = [];
    // The direct parent is not among graphql-js's ancestors.
    for (const ancestor of [...ancestors, parent]) {
      if (!ancestor || Array.isArray(ancestor) || !('kind' in ancestor)) continue;
      const astNode = ancestor as ASTNode;
      if (astNode.kind === Kind.ARGUMENT || astNode.kind === Kind.OBJECT_FIELD) {
        names.push(astNode.name.value);
      }
    }
    context.reportError(nulError(names.join('.') || 'value', { nodes: [node] }));
  },
});

/**
 * The first string with NUL among the variables, as a path ("filter.search", "values.0.value"),
 * or null. Variables are walked as JSON, before they are coerced to the schema's types, with a
 * stack of its own rather than recursion, so no nesting depth can overflow the call stack.
 */
function findNulCharacter(variables: Record<string, unknown>): string | null {
  interface Step {
    value: unknown;
    key: string;
    parent: Step | null;
  }
  const pending: Step[] = [{ value: variables, key: '', parent: null }];
  for (let step = pending.pop(); step; step = pending.pop()) {
    if (typeof step.value === 'string' && step.value.includes(NUL)) {
      const path: string[] = [];
      for (let at: Step | null = step; at?.parent; at = at.parent) path.unshift(at.key);
      return path.join('.');
    }
    if (step.value !== null && typeof step.value === 'object') {
      for (const [key, value] of Object.entries(step.value).reverse()) {
        pending.push({ value, key, parent: step });
      }
    }
  }
  return null;
}

/** The error for variables that carry NUL, or null when none does. */
export function nulInVariables(
  variables: Record<string, unknown> | undefined,
): GraphQLError | null {
  const field = findNulCharacter(variables ?? {});
  return field === null ? null : nulError(field, { status: 400 });
}

/** Over HTTP, variables are checked as literals are, before anything is charged or run. */
const nulVariablesHooks: RequestHooks = {
  didResolveOperation: async ({ request }) => {
    const refused = nulInVariables(request.variables);
    if (refused) throw refused;
  },
};
export const nulVariablesPart: RequestPart = { requestDidStart: () => nulVariablesHooks };

/**
 * Over HTTP a subscription has no stream to answer on: it is refused before it runs, pointing
 * to the WebSocket endpoint where subscriptions are served.
 */
export const noSubscriptionOverHttpRule: ValidationRule = (context: ValidationContext) => ({
  OperationDefinition(node) {
    if (node.operation !== OperationTypeNode.SUBSCRIPTION) return;
    context.reportError(
      new GraphQLError(
        'Subscriptions are served over WebSocket (graphql-ws) at /graphql, not over HTTP',
        {
          nodes: [node],
          extensions: {
            code: 'BAD_USER_INPUT',
            reason: 'SUBSCRIPTION_OVER_HTTP' satisfies ErrorReason<'BAD_USER_INPUT'>,
          },
        },
      ),
    );
  },
});
