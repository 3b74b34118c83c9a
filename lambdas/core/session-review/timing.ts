/**
 * When a session's logs are looked at: not before the session's credentials have expired and
 * CloudTrail has had time to deliver its events, then again with a growing delay while nothing
 * is found, until the late-delivery window closes.
 */
import { SESSION_TAIL_MS } from '../session-logs/window';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface SummaryTiming {
  /**
   * The first look, this long after access ended: the session's credentials may be used up to
   * an hour after the assignment is gone (the session window's tail), and CloudTrail delivers
   * most events within about 15 minutes.
   */
  firstLookAfterMs: number;
  /** After a look that found no call or failed, the next one waits this long, doubling each time. */
  retryDelayMs: number;
  /** The longest wait between two looks. */
  maxRetryDelayMs: number;
  /**
   * The late-delivery window, counted from the end of access: a look after it is the last one,
   * and what it finds is stored (no calls at all, or the reason the logs could not be read).
   */
  lateDeliveryWindowMs: number;
  /** A query still running at the provider when a run has to stop is looked at again after this. */
  pollAgainMs: number;
}

/** The deployed timing (the local cloud passes shorter ones). */
export const SUMMARY_TIMING: Readonly<SummaryTiming> = Object.freeze({
  firstLookAfterMs: SESSION_TAIL_MS + 15 * MINUTE_MS,
  retryDelayMs: 15 * MINUTE_MS,
  maxRetryDelayMs: 2 * HOUR_MS,
  lateDeliveryWindowMs: SESSION_TAIL_MS + 12 * HOUR_MS,
  pollAgainMs: MINUTE_MS,
});

/** The timing with `overrides` applied, every value at least 1 ms. */
export function summaryTiming(overrides: Partial<SummaryTiming> = {}): SummaryTiming {
  const merged = { ...SUMMARY_TIMING, ...overrides };
  const positive = (value: number) => Math.max(1, Math.trunc(value));
  return {
    firstLookAfterMs: positive(merged.firstLookAfterMs),
    retryDelayMs: positive(merged.retryDelayMs),
    maxRetryDelayMs: positive(Math.max(merged.retryDelayMs, merged.maxRetryDelayMs)),
    lateDeliveryWindowMs: positive(merged.lateDeliveryWindowMs),
    pollAgainMs: positive(merged.pollAgainMs),
  };
}

/** The wait before the next look after `attempts` looks that found nothing or failed (≥ 1). */
export function retryDelayMs(timing: SummaryTiming, attempts: number): number {
  const doublings = Math.max(0, Math.min(30, attempts - 1));
  return Math.min(timing.maxRetryDelayMs, timing.retryDelayMs * 2 ** doublings);
}

/** When the first look of a session that ended at `endedAt` is due. */
export function firstLookAt(timing: SummaryTiming, endedAt: string): number {
  return Date.parse(endedAt) + timing.firstLookAfterMs;
}

/** The end of the late-delivery window of a session that ended at `endedAt`. */
export function lateDeliveryEnd(timing: SummaryTiming, endedAt: string): number {
  return Date.parse(endedAt) + timing.lateDeliveryWindowMs;
}
