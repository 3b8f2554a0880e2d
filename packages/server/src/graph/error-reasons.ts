import { GraphQLEnumType, GraphQLSchema } from 'graphql';
import { ERROR_CODES, ERROR_REASONS } from '../errors.js';

/** The enum listing a code's reasons: `BAD_USER_INPUT` → `BadUserInputReason`. */
export function reasonEnumName(code: string): string {
  const words = code.toLowerCase().split('_');
  return `${words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('')}Reason`;
}

/**
 * The schema with one enum per error code that has reasons, each value described: no field
 * returns them (reasons travel in `extensions`), they are there so the contract a client reads
 * (schema/schema.graphql, introspection) lists every reason it may switch on.
 */
export function withErrorReasons(schema: GraphQLSchema): GraphQLSchema {
  const enums = ERROR_CODES.flatMap((code) => {
    const reasons = Object.entries(ERROR_REASONS[code]);
    if (reasons.length === 0) return [];
    return new GraphQLEnumType({
      name: reasonEnumName(code),
      description: `The closed set of \`extensions.reason\` of a ${code} error, which may also carry none. Used by no field: listed for clients (the SDK exports it as ERROR_REASONS.${code}).`,
      values: Object.fromEntries(reasons.map(([reason, description]) => [reason, { description }])),
    });
  });
  const config = schema.toConfig();
  return new GraphQLSchema({ ...config, types: [...config.types, ...enums] });
}
