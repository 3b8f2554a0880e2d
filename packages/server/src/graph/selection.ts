import { Kind, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

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

/**
 * The names of the fields selected at the end of `path` below the field being resolved (for a
 * connection's nodes: `edges`, `node`), fragments included, whatever their type condition;
 * @skip and @include are not evaluated: more is named than asked, never less.
 */
export function fieldsSelectedAt(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>,
  path: readonly string[],
): Set<string> {
  const names = new Set<string>();
  const visit = (set: SelectionSetNode | undefined, depth: number): void => {
    for (const selection of set?.selections ?? []) {
      switch (selection.kind) {
        case Kind.FIELD:
          if (depth === path.length) names.add(selection.name.value);
          else if (selection.name.value === path[depth]) visit(selection.selectionSet, depth + 1);
          break;
        case Kind.INLINE_FRAGMENT:
          visit(selection.selectionSet, depth);
          break;
        case Kind.FRAGMENT_SPREAD:
          // Valid documents have no fragment cycles (graphql-js's NoFragmentCyclesRule).
          visit(info.fragments[selection.name.value]?.selectionSet, depth);
          break;
      }
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet, 0);
  return names;
}

/**
 * The nodes of the one field called `name` selected at the end of `path` below the field being
 * resolved, fragments included: what that field's resolver will get as its `fieldNodes`, for a
 * resolver that fetches ahead for it. Undefined when it is not selected, selected under more
 * than one response key, or under a directive (@skip, @include), where guessing could fetch
 * for a field nobody asked.
 */
export function fieldNodesAt(
  info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments'>,
  path: readonly string[],
  name: string,
): FieldNode[] | undefined {
  const found: FieldNode[] = [];
  let directed = false;
  const visit = (set: SelectionSetNode | undefined, depth: number): void => {
    for (const selection of set?.selections ?? []) {
      let inner: SelectionSetNode | undefined;
      switch (selection.kind) {
        case Kind.FIELD:
          if (depth === path.length && selection.name.value === name) found.push(selection);
          else if (depth < path.length && selection.name.value === path[depth])
            inner = selection.selectionSet;
          else continue;
          break;
        case Kind.INLINE_FRAGMENT:
          inner = selection.selectionSet;
          break;
        case Kind.FRAGMENT_SPREAD:
          inner = info.fragments[selection.name.value]?.selectionSet;
          break;
      }
      if (selection.directives?.length) directed = true;
      if (inner) visit(inner, selection.kind === Kind.FIELD ? depth + 1 : depth);
    }
  };
  for (const node of info.fieldNodes) visit(node.selectionSet, 0);
  const keys = new Set(found.map((node) => node.alias?.value ?? name));
  return found.length > 0 && keys.size === 1 && !directed ? found : undefined;
}

/**
 * The columns the fields named read, from a type's map of each plain field's columns; null
 * (every column) when one of them is not in the map, a field resolver that may read any.
 */
export function columnsReadBy<Column>(
  fieldColumns: ReadonlyMap<string, readonly Column[]>,
  fields: Iterable<string>,
): ReadonlySet<Column> | null {
  const columns = new Set<Column>();
  for (const field of fields) {
    const read = fieldColumns.get(field);
    if (read === undefined) return null;
    for (const column of read) columns.add(column);
  }
  return columns;
}
