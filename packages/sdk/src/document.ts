/**
 * Turns what `client.raw` accepts into the text sent to the server, without the `graphql`
 * package: a string or a TypedDocumentString as is, a parsed document by its source when it kept
 * one (graphql-tag does), otherwise printed here.
 */
export function documentText(document: unknown): string {
  if (typeof document === 'string' || document instanceof String) return String(document);
  if (isAst(document)) {
    const source = (document as { loc?: { source?: { body?: unknown } } }).loc?.source?.body;
    return typeof source === 'string' ? source : print(document);
  }
  throw new TypeError('Expected a GraphQL document: a string or a parsed DocumentNode');
}

/**
 * Whether a document holds a mutation. It errs on the side of "yes" (the word `mutation`
 * anywhere outside comments and strings), because the answer decides whether a failed request
 * may be sent again.
 */
export function isMutation(text: string): boolean {
  const code = text.replace(/"""[\s\S]*?"""|"(?:[^"\\\n]|\\.)*"|#[^\n\r]*/g, ' ');
  return /(^|[^\w$])mutation(?![\w$])/.test(code);
}

interface AstNode {
  readonly kind: string;
  // The printer reads each node kind's own fields; GraphQL's AST types are not imported here.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
  readonly [field: string]: any;
}

function isAst(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && (value as AstNode).kind === 'Document';
}

const list = (nodes: readonly AstNode[] | undefined, separator = ' ') =>
  (nodes ?? []).map(print).join(separator);

const wrapped = (open: string, nodes: readonly AstNode[] | undefined, close: string) =>
  nodes?.length ? `${open}${list(nodes, ', ')}${close}` : '';

const directives = (node: AstNode) => (node.directives?.length ? ` ${list(node.directives)}` : '');

/** Prints an executable GraphQL document on few lines; enough for the server to parse. */
function print(node: AstNode): string {
  switch (node.kind) {
    case 'Document':
      return list(node.definitions, '\n');
    case 'OperationDefinition':
      return `${node.operation}${node.name ? ` ${node.name.value}` : ''}${wrapped(
        '(',
        node.variableDefinitions,
        ')',
      )}${directives(node)} ${print(node.selectionSet)}`;
    case 'FragmentDefinition':
      return `fragment ${node.name.value} on ${node.typeCondition.name.value}${directives(
        node,
      )} ${print(node.selectionSet)}`;
    case 'SelectionSet':
      return `{ ${list(node.selections)} }`;
    case 'Field':
      return `${node.alias ? `${node.alias.value}: ` : ''}${node.name.value}${wrapped(
        '(',
        node.arguments,
        ')',
      )}${directives(node)}${node.selectionSet ? ` ${print(node.selectionSet)}` : ''}`;
    case 'FragmentSpread':
      return `...${node.name.value}${directives(node)}`;
    case 'InlineFragment':
      return `...${node.typeCondition ? ` on ${node.typeCondition.name.value}` : ''}${directives(
        node,
      )} ${print(node.selectionSet)}`;
    case 'VariableDefinition':
      return `${print(node.variable)}: ${print(node.type)}${
        node.defaultValue ? ` = ${print(node.defaultValue)}` : ''
      }${directives(node)}`;
    case 'Directive':
      return `@${node.name.value}${wrapped('(', node.arguments, ')')}`;
    case 'Argument':
    case 'ObjectField':
      return `${node.name.value}: ${print(node.value)}`;
    case 'Variable':
      return `$${node.name.value}`;
    case 'NamedType':
      return node.name.value;
    case 'ListType':
      return `[${print(node.type)}]`;
    case 'NonNullType':
      return `${print(node.type)}!`;
    case 'IntValue':
    case 'FloatValue':
    case 'EnumValue':
      return node.value;
    case 'StringValue':
      // JSON's escapes are all valid in a GraphQL string.
      return JSON.stringify(node.value);
    case 'BooleanValue':
      return node.value ? 'true' : 'false';
    case 'NullValue':
      return 'null';
    case 'ListValue':
      return `[${list(node.values, ', ')}]`;
    case 'ObjectValue':
      return `{${list(node.fields, ', ')}}`;
    default:
      throw new TypeError(`Cannot print a GraphQL ${node.kind} node`);
  }
}
