import DataLoader from 'dataloader';

/** A key for a per-parent list: the parent's id plus the arguments that shape the list. */
export interface GroupedKey<Args> {
  id: number;
  args: Args;
}

/**
 * A DataLoader for lists hanging off many parents (children pages, counts, …). Keys that share
 * the same arguments are answered by one call to `fetch` with all their parent ids, so a
 * nested query costs one statement per list field, not one per parent.
 */
export function groupedLoader<Args, Value>(
  fetch: (ids: number[], args: Args) => Promise<Map<number, Value>>,
  missing: (id: number) => Value,
): DataLoader<GroupedKey<Args>, Value, string> {
  // Each arguments object is serialized once, for the cache key and the grouping both: a list's
  // fields share theirs (a tree's 148 children fields, 3 requests), and none is changed once
  // it is in a key.
  const signatures = new WeakMap<object, string>();
  const signatureOf = ({ args }: GroupedKey<Args>): string => {
    if (typeof args !== 'object' || args === null) return JSON.stringify(args);
    let signature = signatures.get(args);
    if (signature === undefined) {
      signature = JSON.stringify(args);
      signatures.set(args, signature);
    }
    return signature;
  };
  return new DataLoader<GroupedKey<Args>, Value, string>(
    async (keys) => {
      const groups = new Map<string, { args: Args; ids: number[] }>();
      for (const key of keys) {
        const signature = signatureOf(key);
        const group = groups.get(signature) ?? { args: key.args, ids: [] };
        group.ids.push(key.id);
        groups.set(signature, group);
      }
      const answers = new Map<string, Map<number, Value>>();
      await Promise.all(
        [...groups].map(async ([signature, group]) => {
          answers.set(signature, await fetch([...new Set(group.ids)], group.args));
        }),
      );
      return keys.map((key) => answers.get(signatureOf(key))?.get(key.id) ?? missing(key.id));
    },
    { cacheKeyFn: (key) => `${key.id}|${signatureOf(key)}` },
  );
}
