import type { Clock, IdGenerator } from '../../lambdas/core/ports';

/** The instant every test world starts at (a Monday morning, UTC). */
export const DEFAULT_TEST_TIME = '2026-03-02T09:00:00.000Z';

/** A clock that only moves when a test moves it. */
export class FixedClock implements Clock {
  private current: number;

  constructor(start: Date | string = DEFAULT_TEST_TIME) {
    this.current = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** The current time as ISO 8601 (what the core stores). */
  iso(): string {
    return this.now().toISOString();
  }

  set(at: Date | string): void {
    this.current = new Date(at).getTime();
  }

  /** Moves the clock forward (or back, with negative amounts). */
  advance(by: { ms?: number; seconds?: number; minutes?: number; hours?: number; days?: number }): void {
    this.current +=
      (by.ms ?? 0) +
      (by.seconds ?? 0) * 1_000 +
      (by.minutes ?? 0) * 60_000 +
      (by.hours ?? 0) * 3_600_000 +
      (by.days ?? 0) * 86_400_000;
  }
}

/**
 * Deterministic ids shaped like UUIDs (v4 layout), numbered from 1 so they also sort in the
 * order they were issued.
 */
export class SequentialIds implements IdGenerator {
  private next = 1;

  constructor(private readonly prefix = '0000') {}

  newId(): string {
    const n = this.next;
    this.next += 1;
    return `${this.prefix.padStart(8, '0').slice(0, 8)}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
  }

  /** How many ids were handed out. */
  get issued(): number {
    return this.next - 1;
  }
}
