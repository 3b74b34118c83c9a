/**
 * Clocks for the local Step Functions runner. Every wait in a workflow (Wait states, task
 * timeouts, heartbeats, retry back-off) is a timer on one of these, never a raw `setTimeout`
 * with the full delay: Node fires timers above 2^31-1 ms (~24.8 days) immediately, and TEAM
 * waits for months.
 */

/** A clock that can also call back at a given instant. Times are epoch milliseconds. */
export interface SchedulingClock {
  now(): number;
  /** Calls `callback` once the clock reaches `at`; returns a function that cancels the timer. */
  schedule(at: number, callback: () => void): () => void;
}

/** Something that resolves once the system driven by the clock has nothing left to do now. */
export type Settler = () => Promise<void>;

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock that only moves when told to (tests, benchmarks). Timers fire in time order, each
 * after whatever the previous one set off has settled (see `addSettler`), so
 * `advance(90 days)` runs a whole workflow through its waits without any real waiting.
 */
export class ManualClock implements SchedulingClock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];
  private readonly settlers = new Set<Settler>();

  constructor(start: number | Date = Date.now()) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): number {
    return this.current;
  }

  schedule(at: number, callback: () => void): () => void {
    const timer: Timer = { at, seq: this.seq++, callback };
    this.timers.push(timer);
    this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
    if (at <= this.current) queueMicrotask(() => this.fireDue());
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** Registers a hook awaited between timer firings; returns a function that removes it. */
  addSettler(settler: Settler): () => void {
    this.settlers.add(settler);
    return () => this.settlers.delete(settler);
  }

  /** Number of timers not yet fired. */
  pendingTimers(): number {
    return this.timers.length;
  }

  /** When the next timer fires, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    return this.timers[0]?.at;
  }

  /** Waits until everything registered with `addSettler` has nothing runnable left. */
  async settle(): Promise<void> {
    await tick();
    for (const settler of [...this.settlers]) await settler();
    await tick();
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way, in order. */
  async advance(ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot advance by ${ms} ms`);
    await this.advanceTo(this.current + ms);
  }

  /** Moves time forward to `target` (never backwards), firing due timers in order. */
  async advanceTo(target: number | Date): Promise<void> {
    const end = typeof target === 'number' ? target : target.getTime();
    await this.settle();
    for (;;) {
      const next = this.timers[0];
      if (!next || next.at > end) break;
      this.current = Math.max(this.current, next.at);
      this.fireDue();
      await this.settle();
    }
    this.current = Math.max(this.current, end);
    await this.settle();
  }

  /**
   * Moves time forward by `ms` at once and fires what falls due, without waiting for anything
   * to settle (for drivers that run alongside the work, where nothing is ever quite idle).
   */
  skip(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`cannot skip ${ms} ms`);
    this.current += ms;
    this.fireDue();
  }

  /**
   * Fires timers, jumping time to each, until none is left (task timeouts included).
   * Throws after `maxSteps` firings, which means something reschedules forever.
   */
  async runUntilIdle(maxSteps = 10_000): Promise<void> {
    await this.settle();
    for (let step = 0; ; step++) {
      const next = this.timers[0];
      if (!next) return;
      if (step >= maxSteps) throw new Error(`ManualClock.runUntilIdle: still busy after ${maxSteps} timers`);
      this.current = Math.max(this.current, next.at);
      this.fireDue();
      await this.settle();
    }
  }

  private fireDue(): void {
    while (this.timers[0] && this.timers[0].at <= this.current) {
      const timer = this.timers.shift();
      timer?.callback();
    }
  }
}

/** Longest single real timer we arm; longer waits are re-armed in slices. */
const MAX_SLICE_MS = 6 * 60 * 60 * 1000;

/** The real clock for `npm start`. Long waits are sliced so no timer overflows. */
export class WallClock implements SchedulingClock {
  now(): number {
    return Date.now();
  }

  schedule(at: number, callback: () => void): () => void {
    let handle: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      if (cancelled) return;
      const remaining = at - Date.now();
      if (remaining <= 0) {
        handle = undefined;
        callback();
        return;
      }
      handle = setTimeout(arm, Math.min(remaining, MAX_SLICE_MS));
    };
    if (at <= Date.now()) queueMicrotask(arm);
    else arm();
    return () => {
      cancelled = true;
      if (handle) clearTimeout(handle);
    };
  }
}
