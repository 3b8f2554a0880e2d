import { GraphQLScalarType, Kind } from 'graphql';
import {
  DECIMAL_MAX_INTEGER_DIGITS,
  DECIMAL_MAX_SCALE,
  fitsFigureColumns,
  isDecimal,
  normalizeDecimal,
} from '../lib/decimal.js';

/**
 * Exact decimals cross the API as strings ("3380000", "33.91"), so no figure is rounded by a
 * client's floating point. Inputs may also be written as GraphQL integers.
 */
export const DecimalScalar = new GraphQLScalarType<string, string>({
  name: 'Decimal',
  description:
    'An exact decimal number as a string, e.g. "3380000" or "33.91". Never rounded; use it for arithmetic and display. Inputs accept a string or an integer literal.',
  serialize(value) {
    if (typeof value !== 'string' || !isDecimal(value)) {
      throw new TypeError(`Decimal cannot represent ${JSON.stringify(value)}`);
    }
    return normalizeDecimal(value);
  },
  parseValue(value) {
    return parseDecimal(
      typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value,
    );
  },
  parseLiteral(ast) {
    if (ast.kind === Kind.STRING || ast.kind === Kind.INT) return parseDecimal(ast.value);
    throw new TypeError('Decimal is written as a string, e.g. "33.91"');
  },
});

function parseDecimal(value: unknown): string {
  if (typeof value !== 'string' || !isDecimal(value)) {
    throw new TypeError(`${preview(value)} is not an exact decimal, e.g. "33.91"`);
  }
  if (!fitsFigureColumns(value)) {
    throw new TypeError(
      `${preview(value)} is too long: a Decimal has at most ${DECIMAL_MAX_INTEGER_DIGITS} digits before the point and ${DECIMAL_MAX_SCALE} after`,
    );
  }
  return normalizeDecimal(value);
}

/** The value as an error message shows it, cut short. */
function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}… (${text.length} characters)` : text;
}
