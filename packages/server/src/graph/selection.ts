import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the field being resolved selects a field called `name` anywhere below it, fragments
 * included, so a resolver can leave out work nobody asked for. @skip and @include are not
 * evaluated: a skipped field counts as selected, which costs work but never gives a wrong
 * answer.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean => {
    if (!set) return false;
    return set.selections.some((selection) => {
      switch (selection.kind) {
        case Kind.FIELD:
          return selection.name.value === name || visit(selection.selectionSet);
        case Kind.INLINE_FRAGMENT:
          return visit(selection.selectionSet);
        case Kind.FRAGMENT_SPREAD: {
          const fragment = selection.name.value;
          if (seen.has(fragment)) return false;
          seen.add(fragment);
          return visit(info.fragments[fragment]?.selectionSet);
        }
      }
    });
  };
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
