/**
 * Where the dashboard's counters live: per-day totals and histograms, per-day counts of each
 * account, permission set, requester and approver, the gauges of "now", and per request the keys
 * of the events already counted.
 */
import type { AggregateEvent, DayCounter, Dimension, Gauge, HistogramName } from './events';

/** The totals of one UTC day. */
export interface DayTotals {
  day: string;
  counts: Partial<Record<DayCounter, number>>;
  /** Bucket counts by index (missing buckets are 0). */
  histograms: Partial<Record<HistogramName, number[]>>;
}

/** The counts of one dimension on one day, by id, with the name each was last counted under. */
export interface DimensionDay {
  day: string;
  entries: Record<string, { count: number; name: string }>;
}

export interface GaugeValues {
  values: Partial<Record<Gauge, number>>;
  /** When any counter was last changed. */
  updatedAt?: string;
}

/** Everything the counters hold, as the backfill computes it. */
export interface AggregateSnapshot {
  days: DayTotals[];
  dimensions: Record<Dimension, DimensionDay[]>;
  gauges: Partial<Record<Gauge, number>>;
  /** Per subject (request id), the keys of its counted events. */
  applied: Record<string, string[]>;
  updatedAt: string;
}

export interface AggregateStore {
  /** The keys of the events already counted for a request (empty when none). */
  appliedEvents(subjectId: string): Promise<ReadonlySet<string>>;
  /**
   * Adds `events` to the counters and marks them counted, atomically; ConflictError (and nothing
   * written) when one of them was counted meanwhile.
   */
  apply(subjectId: string, events: readonly AggregateEvent[], at: string): Promise<void>;
  /** Day totals from `from` to `to` (UTC dates, inclusive), days without any missing. */
  readDays(from: string, to: string): Promise<DayTotals[]>;
  readDimension(dimension: Dimension, from: string, to: string): Promise<DimensionDay[]>;
  readGauges(): Promise<GaugeValues>;
  /** Replaces every counter and mark with `snapshot` (the backfill). */
  replaceAll(snapshot: AggregateSnapshot): Promise<void>;
}
