import {
  GraphQLError,
  Kind,
  type ASTNode,
  type ASTVisitor,
  type DocumentNode,
  type FragmentDefinitionNode,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import type { ErrorReason } from '../errors.js';
import type { Limits } from './limits.js';

type LimitReason = Extract<
  ErrorReason<'BAD_USER_INPUT'>,
  'DEPTH_LIMIT' | 'ALIAS_LIMIT' | 'DIRECTIVE_LIMIT'
>;

function limitError(
  reason: LimitReason,
  message: string,
  node: ASTNode,
  limit: number,
  found: number,
): GraphQLError {
  return new GraphQLError(message, {
    nodes: [node],
    extensions: { code: 'BAD_USER_INPUT', reason, limit, found },
  });
}

/**
 * Refuses operations nested deeper than `max` fields. Fragments count where they are spread;
 * introspection (`__schema`, `__type`) is not counted, so tools can still read the schema.
 */
export function maxDepthRule(max: number): ValidationRule {
  return (context: ValidationContext) => {
    // A fragment's own depth does not depend on where it is spread: remembering it keeps a
    // document of many nested spreads linear to check.
    const fragmentDepths = new Map<string, number>();
    const inProgress = new Set<string>();

    const fragmentDepth = (fragment: FragmentDefinitionNode): number => {
      const name = fragment.name.value;
      const known = fragmentDepths.get(name);
      if (known !== undefined) return known;
      // A cycle is reported by graphql-js's own NoFragmentCyclesRule; count it as flat here.
      if (inProgress.has(name)) return 0;
      inProgress.add(name);
      const depth = selectionDepth(fragment.selectionSet);
      inProgress.delete(name);
      fragmentDepths.set(name, depth);
      return depth;
    };

    const selectionDepth = (selectionSet: SelectionSetNode): number => {
      let deepest = 0;
      for (const selection of selectionSet.selections) {
        let depth = 0;
        switch (selection.kind) {
          case Kind.FIELD:
            if (selection.name.value.startsWith('__')) continue;
            depth = 1 + (selection.selectionSet ? selectionDepth(selection.selectionSet) : 0);
            break;
          case Kind.INLINE_FRAGMENT:
            depth = selectionDepth(selection.selectionSet);
            break;
          case Kind.FRAGMENT_SPREAD: {
            const fragment = context.getFragment(selection.name.value);
            depth = fragment ? fragmentDepth(fragment) : 0;
            break;
          }
        }
        deepest = Math.max(deepest, depth);
      }
      return deepest;
    };

    return {
      OperationDefinition(operation) {
        const depth = selectionDepth(operation.selectionSet);
        if (depth > max) {
          context.reportError(
            limitError(
              'DEPTH_LIMIT',
              `The operation is ${depth} fields deep; the limit is ${max}`,
              operation,
              max,
              depth,
            ),
          );
        }
      },
    };
  };
}

/**
 * Refuses documents with more than `max` of one kind of node: aliased fields (alias batching of
 * one expensive field) or directives (directive overloading).
 */
function maxCountRule(
  max: number,
  counted: 'aliases' | 'directives',
  reason: 'ALIAS_LIMIT' | 'DIRECTIVE_LIMIT',
): ValidationRule {
  return (context: ValidationContext) => {
    let found = 0;
    const leave = (document: DocumentNode) => {
      if (found <= max) return;
      const message = `The document has ${found} ${counted}; the limit is ${max}`;
      context.reportError(limitError(reason, message, document, max, found));
    };
    const count: ASTVisitor =
      counted === 'aliases'
        ? {
            Field(field) {
              if (field.alias) found += 1;
            },
          }
        : {
            Directive() {
              found += 1;
            },
          };
    return { ...count, Document: { leave } };
  };
}

export const maxAliasesRule = (max: number) => maxCountRule(max, 'aliases', 'ALIAS_LIMIT');
export const maxDirectivesRule = (max: number) =>
  maxCountRule(max, 'directives', 'DIRECTIVE_LIMIT');

/**
 * The document limits every operation is validated against, over HTTP and WebSocket alike
 * (beside graphql-js's specified rules).
 */
export function documentLimitRules(
  limits: Pick<Limits, 'maxDepth' | 'maxAliases' | 'maxDirectives'>,
): ValidationRule[] {
  return [
    maxDepthRule(limits.maxDepth),
    maxAliasesRule(limits.maxAliases),
    maxDirectivesRule(limits.maxDirectives),
  ];
}
