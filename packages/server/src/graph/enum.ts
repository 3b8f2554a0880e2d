import { registerEnumType } from 'type-graphql';

/**
 * Registers a closed list of codes as a GraphQL enum whose values are the codes themselves,
 * and returns the enum object for `@Field(() => …)`.
 */
export function codeEnum<T extends string>(
  values: readonly T[],
  name: string,
  description: string,
): { [K in T]: K } {
  const enumObject = Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };
  registerEnumType(enumObject, { name, description });
  return enumObject;
}
