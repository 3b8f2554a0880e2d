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
