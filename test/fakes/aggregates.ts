/**
 * The dashboard's counters in memory, with the same contract as the DynamoDB store: counting a
 * batch of events is all or nothing, and refused (ConflictError) when one of them was counted.
 */
import { ConflictError } from '../../lambdas/core/errors';
import {
  addToDay,
  DIMENSIONS,
  type AggregateEvent,
  type AggregateSnapshot,
  type AggregateStore,
  type DayTotals,
  type Dimension,
  type DimensionDay,
  type Gauge,
  type GaugeValues,
} from '../../lambdas/core/dashboard';

export class InMemoryAggregateStore implements AggregateStore {
  private days = new Map<string, DayTotals>();
  private dims = new Map<Dimension, Map<string, DimensionDay>>(DIMENSIONS.map((d) => [d, new Map()]));
  private gauges: Partial<Record<Gauge, number>> = {};
  private applied = new Map<string, Set<string>>();
  private updatedAt: string | undefined;
  /** Calls of `apply`, for tests that count writes. */
  applyCalls = 0;
  /** Makes the next `apply` fail with this error (then cleared). */
  failNext: Error | undefined;

  appliedEvents(subjectId: string): Promise<ReadonlySet<string>> {
    return Promise.resolve(new Set(this.applied.get(subjectId) ?? []));
  }

  apply(subjectId: string, events: readonly AggregateEvent[], at: string): Promise<void> {
    this.applyCalls += 1;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      return Promise.reject(error);
    }
    const marks = this.applied.get(subjectId) ?? new Set<string>();
    if (events.some((e) => marks.has(e.key))) {
      return Promise.reject(new ConflictError(`Some events of ${subjectId} were counted meanwhile.`));
    }
    for (const event of events) {
      marks.add(event.key);
      let day = this.days.get(event.day);
      if (!day) this.days.set(event.day, (day = { day: event.day, counts: {}, histograms: {} }));
      addToDay(day, event);
      for (const hit of event.dimensions ?? []) {
        const byDay = this.dims.get(hit.dimension)!;
        let d = byDay.get(event.day);
        if (!d) byDay.set(event.day, (d = { day: event.day, entries: {} }));
        const entry = (d.entries[hit.id] ??= { count: 0, name: hit.name });
        entry.count += 1;
        entry.name = hit.name;
      }
      for (const [gauge, n] of Object.entries(event.gauges ?? {}) as [Gauge, number][]) {
        this.gauges[gauge] = (this.gauges[gauge] ?? 0) + n;
      }
    }
    this.applied.set(subjectId, marks);
    this.updatedAt = at;
    return Promise.resolve();
  }

  readDays(from: string, to: string): Promise<DayTotals[]> {
    return Promise.resolve(inRange([...this.days.values()], from, to).map((d) => structuredClone(d)));
  }

  readDimension(dimension: Dimension, from: string, to: string): Promise<DimensionDay[]> {
    return Promise.resolve(
      inRange([...this.dims.get(dimension)!.values()], from, to).map((d) => structuredClone(d)),
    );
  }

  readGauges(): Promise<GaugeValues> {
    return Promise.resolve({
      values: { ...this.gauges },
      ...(this.updatedAt !== undefined && { updatedAt: this.updatedAt }),
    });
  }

  replaceAll(snapshot: AggregateSnapshot): Promise<void> {
    this.days = new Map(snapshot.days.map((d) => [d.day, structuredClone(d)]));
    this.dims = new Map(
      DIMENSIONS.map((d) => [d, new Map(snapshot.dimensions[d].map((x) => [x.day, structuredClone(x)]))]),
    );
    this.gauges = { ...snapshot.gauges };
    this.applied = new Map(Object.entries(snapshot.applied).map(([id, keys]) => [id, new Set(keys)]));
    this.updatedAt = snapshot.updatedAt;
    return Promise.resolve();
  }
}

function inRange<T extends { day: string }>(values: T[], from: string, to: string): T[] {
  return values.filter((v) => v.day >= from && v.day <= to).sort((a, b) => a.day.localeCompare(b.day));
}
