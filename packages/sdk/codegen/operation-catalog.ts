import {
  Kind,
  parse,
  print,
  TokenKind,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type Token,
} from 'graphql';

/** One operation document of the SDK, as the client and the README see it. */
export interface OperationEntry {
  /** The operation's name in the document, e.g. `OrganizationTree`. */
  name: string;
  /** The client method, e.g. `organizationTree`. */
  method: string;
  kind: 'query' | 'mutation';
  /** The comment written right above the operation. */
  description: string;
  variables: { name: string; type: string }[];
  /**
   * The response keys from the result down to the connection the operation pages through
   * (the field that takes `$after`, or the one connection below it), or null when it does not
   * page.
   */
  connection: string[] | null;
  /**
   * The variable a mutation carries its idempotency key in (`$idempotencyKey`), or null: the
   * client retries a mutation only when this variable holds a key.
   */
  idempotencyKey: string | null;
}

export interface OperationSource {
  location: string;
  text: string;
}

/**
 * Reads the operations out of the SDK's documents and checks the conventions the client relies
 * on: every operation named in PascalCase, no subscriptions, and every operation that takes
 * `$after` takes `$first`, `$last` and `$before` too and pages exactly one connection, with all
 * four, that selects `edges { node }` and
 * `pageInfo { startCursor endCursor hasPreviousPage hasNextPage }`, so that it pages both ways.
 */
export function readCatalog(sources: OperationSource[]): OperationEntry[] {
  const parsed = sources.map((source) => ({ source, document: parse(source.text) }));
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const { document } of parsed) {
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) {
        fragments.set(definition.name.value, definition);
      }
    }
  }
  const entries = parsed.flatMap(({ source, document }) =>
    document.definitions
      .filter((definition) => definition.kind === Kind.OPERATION_DEFINITION)
      .map((operation) => describe(operation, fragments, source.location)),
  );
  const methods = new Set<string>();
  for (const entry of entries) {
    if (methods.has(entry.method)) throw new Error(`Two operations are named ${entry.name}`);
    methods.add(entry.method);
  }
  // Code-unit order, so the generated files are the same whatever the locale.
  return entries.sort((a, b) => (a.method < b.method ? -1 : a.method > b.method ? 1 : 0));
}

function describe(
  operation: OperationDefinitionNode,
  fragments: Map<string, FragmentDefinitionNode>,
  location: string,
): OperationEntry {
  const name = operation.name?.value;
  if (!name || !/^[A-Z][A-Za-z0-9]*$/.test(name)) {
    throw new Error(`${location}: every operation needs a PascalCase name, got "${name ?? ''}"`);
  }
  if (operation.operation === 'subscription') {
    throw new Error(`${location}: ${name} is a subscription; the SDK speaks HTTP only`);
  }
  const description = leadingComment(operation);
  if (!description) throw new Error(`${location}: write a comment above ${name} to describe it`);
  const variables = (operation.variableDefinitions ?? []).map((definition) => ({
    name: definition.variable.name.value,
    type: print(definition.type),
  }));
  return {
    name,
    method: name[0]!.toLowerCase() + name.slice(1),
    kind: operation.operation,
    description,
    variables,
    connection: findConnection(operation, name, fragments),
    idempotencyKey: operation.operation === 'mutation' ? findIdempotencyKey(operation) : null,
  };
}

/** The `#` lines directly above a definition, joined into one sentence or paragraph. */
function leadingComment(operation: OperationDefinitionNode): string {
  const lines: string[] = [];
  let next: Token | undefined = operation.loc?.startToken;
  let token = next?.prev ?? null;
  while (token && token.kind === TokenKind.COMMENT && next && token.line === next.line - 1) {
    lines.unshift((token.value ?? '').trim());
    next = token;
    token = token.prev;
  }
  return lines.join(' ');
}

/** The variables of a paged operation: Relay's forward and backward page arguments. */
const PAGE_VARIABLES = ['first', 'after', 'last', 'before'] as const;

function findConnection(
  operation: OperationDefinitionNode,
  name: string,
  fragments: Map<string, FragmentDefinitionNode>,
): string[] | null {
  const declared = new Set(
    (operation.variableDefinitions ?? []).map((definition) => definition.variable.name.value),
  );
  if (!declared.has('after')) return null;
  const missing = PAGE_VARIABLES.filter((variable) => !declared.has(variable));
  if (missing.length > 0) {
    throw new Error(`${name} takes $after but not ${missing.map((v) => `$${v}`).join(', ')}`);
  }

  const pagers: { path: string[]; field: FieldNode }[] = [];
  const walk = (selectionSet: SelectionSetNode, path: string[]) => {
    for (const field of fieldsOf(selectionSet, fragments)) {
      const fieldPath = [...path, field.alias?.value ?? field.name.value];
      const takesAfter = field.arguments?.some(
        (argument) =>
          argument.value.kind === Kind.VARIABLE && argument.value.name.value === 'after',
      );
      if (takesAfter) pagers.push({ path: fieldPath, field });
      if (field.selectionSet) walk(field.selectionSet, fieldPath);
    }
  };
  walk(operation.selectionSet, []);
  const [pager, ...others] = pagers;
  if (!pager || others.length > 0) {
    throw new Error(`${name} must pass $after to exactly one field, found ${pagers.length}`);
  }
  const passed = new Set(
    (pager.field.arguments ?? []).flatMap((argument) =>
      argument.value.kind === Kind.VARIABLE && argument.value.name.value === argument.name.value
        ? [argument.name.value]
        : [],
    ),
  );
  const unpassed = PAGE_VARIABLES.filter((variable) => !passed.has(variable));
  if (unpassed.length > 0) {
    throw new Error(
      `${name} pages ${pager.path.join('.')} without ${unpassed.map((v) => `${v}: $${v}`).join(', ')}`,
    );
  }
  // The connection is the paged field itself, or (as in ranking { entries }) the one field
  // below it that selects edges and pageInfo.
  const inner = pager.field.selectionSet && connectionWithin(pager.field.selectionSet, fragments);
  if (!inner) {
    throw new Error(
      `${name} pages ${pager.path.join('.')} but selects no edges { node } with ` +
        'pageInfo { startCursor endCursor hasPreviousPage hasNextPage } there',
    );
  }
  return [...pager.path, ...inner];
}

/** The path to the one connection in a selection set ([] when it is one itself), or null. */
function connectionWithin(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): string[] | null {
  const isConnection = [
    ['edges', 'node'],
    ['pageInfo', 'startCursor'],
    ['pageInfo', 'endCursor'],
    ['pageInfo', 'hasPreviousPage'],
    ['pageInfo', 'hasNextPage'],
  ].every((keys) => selects(selectionSet, keys, fragments));
  if (isConnection) return [];
  const found = fieldsOf(selectionSet, fragments).flatMap((field) => {
    const rest = field.selectionSet && connectionWithin(field.selectionSet, fragments);
    return rest ? [[field.alias?.value ?? field.name.value, ...rest]] : [];
  });
  if (found.length > 1) throw new Error(`Paging is ambiguous: ${found.length} connections`);
  return found[0] ?? null;
}

function findIdempotencyKey(operation: OperationDefinitionNode): string | null {
  const found = (operation.variableDefinitions ?? []).some(
    (definition) => definition.variable.name.value === 'idempotencyKey',
  );
  return found ? 'idempotencyKey' : null;
}

/** The fields of a selection set, looking through fragment spreads and inline fragments. */
function fieldsOf(
  selectionSet: SelectionSetNode,
  fragments: Map<string, FragmentDefinitionNode>,
): FieldNode[] {
  return selectionSet.selections.flatMap((selection) => {
    switch (selection.kind) {
      case Kind.FIELD:
        return [selection];
      case Kind.INLINE_FRAGMENT:
        return fieldsOf(selection.selectionSet, fragments);
      case Kind.FRAGMENT_SPREAD: {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) throw new Error(`Unknown fragment ${selection.name.value}`);
        return fieldsOf(fragment.selectionSet, fragments);
      }
    }
  });
}

function selects(
  selectionSet: SelectionSetNode | undefined,
  keys: string[],
  fragments: Map<string, FragmentDefinitionNode>,
): boolean {
  const [key, ...rest] = keys;
  if (key === undefined) return true;
  if (!selectionSet) return false;
  return fieldsOf(selectionSet, fragments).some(
    (field) =>
      (field.alias?.value ?? field.name.value) === key &&
      selects(field.selectionSet, rest, fragments),
  );
}
