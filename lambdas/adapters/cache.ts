import type { Clock } from '../core/ports';

/**
 * A per-container cache of promises with a time to live. Concurrent callers of a missing key
 * share one call; a failed call is not kept, so the next caller tries again.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: Promise<V>; expiresAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly clock: Clock,
    /** Entries kept at most; the oldest is dropped first (bounds memory in long-lived containers). */
    private readonly maxEntries = 1000,
  ) {}

  /** The cached value of `key`, or the result of `load` (cached for the TTL). */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const now = this.clock.now().getTime();
    const hit = this.entries.get(key);
    if (hit && hit.expiresAt > now) return hit.value;
    if (hit) this.entries.delete(key);
    const value = load();
    const entry = { value, expiresAt: now + this.ttlMs };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    return value;
  }

  /** Stores a known value (e.g. learnt from a list call). */
  set(key: string, value: V): void {
    this.entries.set(key, {
      value: Promise.resolve(value),
      expiresAt: this.clock.now().getTime() + this.ttlMs,
    });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
