/**
 * How long a credential's database answer is reused: a revoked key or a moved organization
 * is seen by every process at most this long after the change commits (docs/security.md).
 */
export const CREDENTIAL_CACHE_MS = 500;

/**
 * Remembers what `load` found for a key for `ttlMs`, so a caller sending many requests costs
 * one statement per interval instead of one per request. Concurrent misses for one key share
 * one load. Nothing is kept for a key `load` finds nothing for, or fails on: an unknown
 * credential is looked up every time, so a new one works at once.
 */
export class LookupCache<K, V> {
  readonly #entries = new Map<K, { value: Promise<V | undefined>; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: K, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const at = this.now();
    const entry = this.#entries.get(key);
    if (entry && entry.expires > at) return entry.value;
    this.#sweep(at);
    const fresh = { value: load(), expires: at + this.ttlMs };
    // Only this load's own entry is dropped: a later one may have replaced it meanwhile.
    const forget = () => {
      if (this.#entries.get(key) === fresh) this.#entries.delete(key);
    };
    fresh.value.then((found) => found === undefined && forget(), forget);
    this.#entries.set(key, fresh);
    return fresh.value;
  }

  /**
   * Drops expired entries now and then, so keys seen once do not pile up: at most once per
   * interval, a pass over the (small: callers of the last interval) map.
   */
  #lastSweep = 0;
  #sweep(at: number): void {
    if (at - this.#lastSweep < this.ttlMs) return;
    this.#lastSweep = at;
    for (const [key, entry] of this.#entries) {
      if (entry.expires <= at) this.#entries.delete(key);
    }
  }
}
