import { fileURLToPath } from 'node:url';
import { GraphQLError } from 'graphql';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, ERROR_REASONS, formatError, type ErrorCode } from '../src/errors.js';

const serverDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Every `reason` the server's code can put beside a `code`, read from the types the compiler
 * gives it: the third argument of each `new UserError(code, …)` and each object literal holding
 * both a `code` and a `reason` (errors made without UserError). A reason whose type is not a
 * set of string literals (a plain `string`) is reported as such, since it could be anything.
 */
function emittedReasons(): { code: string; reason: string; at: string }[] {
  const configFile = ts.findConfigFile(serverDir, ts.sys.fileExists, 'tsconfig.json');
  if (!configFile) throw new Error('no tsconfig.json for the server');
  const { config } = ts.readConfigFile(configFile, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, serverDir);
  const program = ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true });
  const checker = program.getTypeChecker();
  const found: { code: string; reason: string; at: string }[] = [];

  const literals = (type: ts.Type): string[] =>
    (type.isUnion() ? type.types : [type])
      .filter((part) => !(part.flags & (ts.TypeFlags.Undefined | ts.TypeFlags.Null)))
      .map((part) => (part.isStringLiteral() ? part.value : `<${checker.typeToString(part)}>`));

  // A literal written in place (`code: 'UNAVAILABLE'`, `'NUL_CHARACTER' satisfies …`) is read as
  // written, since the compiler widens it to string inside a mutable object.
  const valuesOf = (expression: ts.Expression): string[] => {
    let inner: ts.Expression = expression;
    while (ts.isSatisfiesExpression(inner) || ts.isParenthesizedExpression(inner)) {
      inner = inner.expression;
    }
    return ts.isStringLiteral(inner) ? [inner.text] : literals(checker.getTypeAtLocation(inner));
  };

  const record = (codes: string[], reasons: string[], node: ts.Node) => {
    const source = node.getSourceFile();
    const { line } = source.getLineAndCharacterOfPosition(node.getStart());
    const at = `${source.fileName.slice(serverDir.length)}:${line + 1}`;
    for (const code of codes) {
      for (const reason of reasons) found.push({ code, reason, at });
    }
  };

  const visit = (node: ts.Node) => {
    if (
      ts.isNewExpression(node) &&
      node.expression.getText() === 'UserError' &&
      node.arguments?.length === 3
    ) {
      const [code, , extensions] = node.arguments;
      const reason = checker.getTypeAtLocation(extensions!).getProperty('reason');
      if (reason) {
        record(valuesOf(code!), literals(checker.getTypeOfSymbolAtLocation(reason, node)), node);
      }
    }
    if (ts.isObjectLiteralExpression(node)) {
      const property = (name: string) =>
        node.properties.find((candidate) => candidate.name?.getText() === name);
      const code = property('code');
      const reason = property('reason');
      if (code && reason && ts.isPropertyAssignment(code)) {
        const reasons = ts.isPropertyAssignment(reason)
          ? valuesOf(reason.initializer)
          : literals(checker.getTypeAtLocation(reason.name!));
        record(valuesOf(code.initializer), reasons, node);
      }
    }
    ts.forEachChild(node, visit);
  };
  for (const file of program.getSourceFiles()) {
    // formatError folds Apollo's request codes into reasons at run time, checked below.
    if (file.fileName.startsWith(`${serverDir}src/`) && !file.fileName.endsWith('/errors.ts')) {
      visit(file);
    }
  }
  return found;
}

describe('error reasons', () => {
  it('every reason the server can send beside a code is one of that code’s, and each is sent', () => {
    const found = emittedReasons();
    const outside = found.filter(
      ({ code, reason }) =>
        !(ERROR_CODES as readonly string[]).includes(code) ||
        !Object.hasOwn(ERROR_REASONS[code as ErrorCode], reason),
    );
    expect(outside).toEqual([]);
    // No dead entry either: each listed reason is sent somewhere (Apollo's request codes by
    // formatError, the rest by the code found above).
    const sent = new Set(found.map(({ code, reason }) => `${code}.${reason}`));
    const requestCodes = [
      'GRAPHQL_PARSE_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
      'BAD_REQUEST',
      'OPERATION_RESOLUTION_FAILURE',
      'PERSISTED_QUERY_NOT_FOUND',
      'PERSISTED_QUERY_NOT_SUPPORTED',
    ];
    for (const reason of requestCodes) sent.add(`BAD_USER_INPUT.${reason}`);
    const listed = ERROR_CODES.flatMap((code) =>
      Object.keys(ERROR_REASONS[code]).map((reason) => `${code}.${reason}`),
    );
    expect(listed.filter((entry) => !sent.has(entry))).toEqual([]);
  }, 60_000);

  it('masks an error whose reason is not its code’s as INTERNAL', () => {
    const internal: unknown[] = [];
    const shape = (extensions: Record<string, unknown>) =>
      formatError(new GraphQLError('x', { extensions }).toJSON(), (formatted) => {
        internal.push(formatted);
        return 'correlation';
      });
    expect(shape({ code: 'CONFLICT', reason: 'VERSION' }).extensions).toEqual({
      code: 'CONFLICT',
      reason: 'VERSION',
    });
    expect(shape({ code: 'CONFLICT', reason: 'TIMEOUT' }).extensions).toEqual({
      code: 'INTERNAL',
      correlationId: 'correlation',
    });
    expect(shape({ code: 'GRAPHQL_PARSE_FAILED' }).extensions).toEqual({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_PARSE_FAILED',
    });
    expect(internal).toHaveLength(1);
  });
});
