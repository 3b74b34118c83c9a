/**
 * Counts calls per method and can make the next calls of a method fail, so tests can assert
 * caching and fan-out, and exercise failure paths, without mocking libraries.
 */
export class CallLog<M extends string> {
  private readonly counts = new Map<M, number>();
  /** Per method, what the next calls do: undefined lets a call through, an Error fails it. */
  private readonly failures = new Map<M, (Error | undefined)[]>();

  /** Records a call and throws the next failure queued for the method, if any. */
  hit(method: M): void {
    this.counts.set(method, (this.counts.get(method) ?? 0) + 1);
    const queued = this.failures.get(method);
    const failure = queued?.shift();
    if (failure !== undefined) throw failure;
  }

  count(method: M): number {
    return this.counts.get(method) ?? 0;
  }

  /** Calls of every method, for snapshot-style assertions. */
  all(): Partial<Record<M, number>> {
    return Object.fromEntries(this.counts) as Partial<Record<M, number>>;
  }

  total(): number {
    let sum = 0;
    for (const n of this.counts.values()) sum += n;
    return sum;
  }

  reset(): void {
    this.counts.clear();
  }

  /**
   * Makes the next `times` calls of the method throw `error` (after being counted), once
   * `after` further calls have gone through normally.
   */
  failNext(method: M, error: Error, times = 1, after = 0): void {
    const queued = this.failures.get(method) ?? [];
    for (let i = 0; i < after; i += 1) queued.push(undefined);
    for (let i = 0; i < times; i += 1) queued.push(error);
    this.failures.set(method, queued);
  }
}
