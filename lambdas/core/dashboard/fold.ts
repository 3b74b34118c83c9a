/**
 * Counters computed in memory from events: what the backfill writes, and what the tests compare
 * the incremental path with.
 */
import { BUCKET_COUNT, DIMENSIONS, type AggregateEvent, type Dimension, type Gauge } from './events';
import type { AggregateSnapshot, DayTotals, DimensionDay } from './ports';

/** Folds events into a snapshot; subjects' events are marked counted. */
export class SnapshotBuilder {
  private readonly days = new Map<string, DayTotals>();
  private readonly dims = new Map<Dimension, Map<string, DimensionDay>>(
    DIMENSIONS.map((d) => [d, new Map()]),
  );
  private readonly gauges: Partial<Record<Gauge, number>> = {};
  private readonly applied: Record<string, string[]> = {};

  add(subjectId: string, events: readonly AggregateEvent[]): void {
    const keys = (this.applied[subjectId] ??= []);
    for (const event of events) {
      if (keys.includes(event.key)) continue;
      keys.push(event.key);
      addToDay(this.dayOf(event.day), event);
      for (const hit of event.dimensions ?? []) {
        const byDay = this.dims.get(hit.dimension)!;
        let day = byDay.get(event.day);
        if (!day) byDay.set(event.day, (day = { day: event.day, entries: {} }));
        const entry = (day.entries[hit.id] ??= { count: 0, name: hit.name });
        entry.count += 1;
        entry.name = hit.name;
      }
      for (const [gauge, delta] of Object.entries(event.gauges ?? {}) as [Gauge, number][]) {
        this.gauges[gauge] = (this.gauges[gauge] ?? 0) + delta;
      }
    }
  }

  build(at: string): AggregateSnapshot {
    const byDay = <T extends { day: string }>(values: Iterable<T>) =>
      [...values].sort((a, b) => a.day.localeCompare(b.day));
    return {
      days: byDay(this.days.values()),
      dimensions: Object.fromEntries(DIMENSIONS.map((d) => [d, byDay(this.dims.get(d)!.values())])) as Record<
        Dimension,
        DimensionDay[]
      >,
      gauges: { ...this.gauges },
      applied: this.applied,
      updatedAt: at,
    };
  }

  private dayOf(day: string): DayTotals {
    let totals = this.days.get(day);
    if (!totals) this.days.set(day, (totals = { day, counts: {}, histograms: {} }));
    return totals;
  }
}

/** Adds one event's counts and histogram entries to a day's totals. */
export function addToDay(totals: DayTotals, event: AggregateEvent): void {
  for (const [counter, n] of Object.entries(event.counts ?? {})) {
    const key = counter as keyof DayTotals['counts'];
    totals.counts[key] = (totals.counts[key] ?? 0) + n;
  }
  for (const [name, bucket] of Object.entries(event.histograms ?? {})) {
    const key = name as keyof DayTotals['histograms'];
    const buckets = (totals.histograms[key] ??= new Array<number>(BUCKET_COUNT).fill(0));
    buckets[bucket] = (buckets[bucket] ?? 0) + 1;
  }
}
