import { GraphQLScalarType, Kind } from 'graphql';

/**
 * A figure as people type it, passed on unread: the server reads it with the shared number
 * reader (`lib/typed-number.ts`) against the metric it is for, and a value it cannot read is a
 * problem at its input path. Refusing it here, at variable coercion, would refuse the whole
 * request and hide every other problem of a dry run.
 */
export const TypedNumberScalar = new GraphQLScalarType<string | number, string>({
  name: 'TypedNumber',
  description:
    'A number as a string or a JSON number: an exact decimal ("3380000", "33.91") or as people type it: "338万", "1.2万", "33.91%" (percentages only), "2,679", full-width digits, "三百". Read against the metric; a value that cannot be read is reported at its path.',
  serialize(value) {
    if (typeof value !== 'string') {
      throw new TypeError(`TypedNumber cannot represent ${JSON.stringify(value)}`);
    }
    return value;
  },
  parseValue(value) {
    if (typeof value === 'string' || typeof value === 'number') return value;
    throw new TypeError('A TypedNumber is a string or a number, e.g. "338万" or 2679');
  },
  parseLiteral(ast) {
    // An integer or float literal keeps its digits as written, so no float rounds it.
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT || ast.kind === Kind.FLOAT) {
      return ast.value;
    }
    throw new TypeError('A TypedNumber is a string or a number, e.g. "338万" or 2679');
  },
});
