/**
 * The cost estimate of an unpaged list whose length the data keeps small (a plan's sections,
 * an activity's co-organizers): one for the batch plus `expected` items, instead of the full
 * page a request-cost limit otherwise assumes for every list. Pass it as a field's
 * `complexity`.
 */
export function boundedList(expected: number) {
  return ({ childComplexity }: { childComplexity: number }): number =>
    1 + expected * childComplexity;
}

/** Which part of the tree a field reads: units at `level` (all when null) inside `within`. */
export interface SubtreeRead {
  /** An organization id or division code; null for the whole tree. */
  within: string | null;
  level: string | null;
}

/** A field whose work grows with the subtree it reads, as `subtreeCost` declares it. */
export interface SubtreeCost {
  /** What the field reads, from its arguments; null when these arguments read no subtree. */
  reads(args: Record<string, unknown>): SubtreeRead | null;
  /** How many units one point pays for (limits/cost.ts; docs/security.md lists them). */
  unitsPerPoint: number;
}

/**
 * Declares that a field costs points in proportion to the units it reads, estimated from the
 * tree before it runs (limits/cost.ts). Pass the result to type-graphql's `@Extensions`. A
 * field that reads below its parent, whose place in the tree is not known before execution,
 * reads `within: null`: it is costed as if its parent were the whole tree.
 */
export function subtreeCost(
  unitsPerPoint: number,
  reads: SubtreeCost['reads'],
): { subtreeCost: SubtreeCost } {
  return { subtreeCost: { reads, unitsPerPoint } };
}

/** An optional string argument as the cost estimate reads it. */
export function stringArg(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}
