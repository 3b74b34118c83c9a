/**
 * Reading the dashboard: a few counter reads for a range of days, summed into what the page
 * shows. The cost depends on the number of days and of distinct accounts, permission sets and
 * people in them — never on the number of requests.
 */
import { z } from 'zod';
import { authorize, type CallerWithMachine } from '../authorization';
import { ValidationError } from '../errors';
import type { Clock } from '../ports';
import {
  BUCKET_BOUNDS_SECONDS,
  BUCKET_COUNT,
  DAY_COUNTERS,
  DIMENSIONS,
  type DayCounter,
  type Dimension,
  type Gauge,
  type HistogramName,
} from './events';
import type { AggregateStore, DimensionDay } from './ports';

/** Longest range one read covers. */
export const MAX_DASHBOARD_DAYS = 366;
/** Entries of each top list. */
export const TOP_ENTRIES = 10;

export interface DashboardDayView extends Record<DayCounter, number> {
  date: string;
}

export interface DurationDistributionView {
  count: number;
  p50Seconds: number | null;
  p95Seconds: number | null;
  buckets: { upToSeconds: number | null; count: number }[];
}

export interface TopEntry {
  id: string;
  name: string;
  count: number;
}

export interface DashboardView {
  from: string;
  to: string;
  days: DashboardDayView[];
  timeToDecision: DurationDistributionView;
  timeToAccess: DurationDistributionView;
  top: Record<Dimension, TopEntry[]>;
  activeNow: number;
  breakGlassReviewsPending: number;
  sessionsToReview: number;
  updatedAt: string | null;
}

const DAY_MS = 86_400_000;
const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-12-01.')
  .refine(
    (v) =>
      !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    'Not a calendar date.',
  );

/** Every UTC date from `from` to `to`, inclusive. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += DAY_MS) {
    out.push(new Date(t).toISOString().slice(0, 10));
  }
  return out;
}

/** Checks a range: two calendar dates, in order, at most MAX_DASHBOARD_DAYS long. */
export function validateRange(input: { from: string; to: string }): { from: string; to: string } {
  const from = date.safeParse(input.from);
  if (!from.success)
    throw new ValidationError(`From: ${from.error.issues[0]?.message ?? 'not a date'}`, 'from');
  const to = date.safeParse(input.to);
  if (!to.success) throw new ValidationError(`To: ${to.error.issues[0]?.message ?? 'not a date'}`, 'to');
  if (to.data < from.data) throw new ValidationError('The range ends before it starts.', 'to');
  const days = (Date.parse(to.data) - Date.parse(from.data)) / DAY_MS + 1;
  if (days > MAX_DASHBOARD_DAYS) {
    throw new ValidationError(`The range is ${days} days long; choose at most ${MAX_DASHBOARD_DAYS}.`, 'to');
  }
  return { from: from.data, to: to.data };
}

/**
 * The duration at or under which the share `p` of the counted durations falls: the upper bound of
 * the bucket where the share is reached (the last bound when it is reached in the open bucket).
 */
export function percentileOf(buckets: readonly number[], p: number): number | null {
  const total = buckets.reduce((n, c) => n + c, 0);
  if (total === 0) return null;
  const target = Math.ceil(p * total);
  let seen = 0;
  for (let i = 0; i < buckets.length; i += 1) {
    seen += buckets[i] ?? 0;
    if (seen >= target) return BUCKET_BOUNDS_SECONDS[Math.min(i, BUCKET_BOUNDS_SECONDS.length - 1)]!;
  }
  return BUCKET_BOUNDS_SECONDS[BUCKET_BOUNDS_SECONDS.length - 1]!;
}

function distribution(buckets: readonly number[]): DurationDistributionView {
  return {
    count: buckets.reduce((n, c) => n + c, 0),
    p50Seconds: percentileOf(buckets, 0.5),
    p95Seconds: percentileOf(buckets, 0.95),
    buckets: buckets.map((count, i) => ({ upToSeconds: BUCKET_BOUNDS_SECONDS[i] ?? null, count })),
  };
}

/** The most counted entries over the days, most first, ties by name. */
export function topEntries(days: readonly DimensionDay[], limit = TOP_ENTRIES): TopEntry[] {
  const sums = new Map<string, TopEntry>();
  // Days come oldest first: the latest name an id was counted under wins.
  for (const day of days) {
    for (const [id, { count, name }] of Object.entries(day.entries)) {
      const entry = sums.get(id);
      if (entry) {
        entry.count += count;
        entry.name = name;
      } else sums.set(id, { id, name, count });
    }
  }
  return [...sums.values()]
    .filter((e) => e.count > 0)
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .slice(0, limit);
}

export interface DashboardDeps {
  aggregates: AggregateStore;
  clock: Clock;
}

/** The dashboard between two UTC dates (auditors and admins, or an audit.read machine client). */
export function makeGetDashboard(
  deps: DashboardDeps,
): (caller: CallerWithMachine, input: { from: string; to: string }) => Promise<DashboardView> {
  return async (caller, input) => {
    authorize('getDashboard', caller);
    const { from, to } = validateRange(input);
    const [days, gauges, ...dims] = await Promise.all([
      deps.aggregates.readDays(from, to),
      deps.aggregates.readGauges(),
      ...DIMENSIONS.map((d) => deps.aggregates.readDimension(d, from, to)),
    ]);
    const byDay = new Map(days.map((d) => [d.day, d]));
    const histograms: Record<HistogramName, number[]> = {
      timeToDecision: new Array<number>(BUCKET_COUNT).fill(0),
      timeToAccess: new Array<number>(BUCKET_COUNT).fill(0),
    };
    for (const day of days) {
      for (const name of Object.keys(histograms) as HistogramName[]) {
        (day.histograms[name] ?? []).forEach((n, i) => (histograms[name][i]! += n));
      }
    }
    const top = Object.fromEntries(DIMENSIONS.map((d, i) => [d, topEntries(dims[i] ?? [])])) as Record<
      Dimension,
      TopEntry[]
    >;
    const gauge = (name: Gauge) => Math.max(0, gauges.values[name] ?? 0);
    return {
      from,
      to,
      days: datesBetween(from, to).map((d) => {
        const counts = byDay.get(d)?.counts ?? {};
        const view = { date: d } as DashboardDayView;
        for (const counter of DAY_COUNTERS) view[counter] = counts[counter] ?? 0;
        return view;
      }),
      timeToDecision: distribution(histograms.timeToDecision),
      timeToAccess: distribution(histograms.timeToAccess),
      top,
      activeNow: gauge('active'),
      breakGlassReviewsPending: gauge('breakGlassReviews'),
      sessionsToReview: gauge('sessionsToReview'),
      updatedAt: gauges.updatedAt ?? null,
    };
  };
}
