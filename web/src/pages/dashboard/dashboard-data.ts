/**
 * What the dashboard shows, derived from the API's answer: series, totals, rates and the tables
 * that give each chart's numbers (the table view and the CSV download read the same columns, so
 * they cannot disagree).
 */
import type { Dashboard, DashboardCount, DashboardDay, DurationDistribution } from '../../api/model';
import type { CsvValue } from '../../components/csv';
import { formatDuration } from '../../i18n/format';
import type { MessageKey, Translate } from '../../i18n';

/** The counts of a day, by name (every field of a day but its date). */
export type DayField = Exclude<keyof DashboardDay, 'date'>;

/**
 * Every count of a day, in the order of the CSV: first those the per-day chart draws (its table
 * view shows just these, so it fits the page), then the others.
 */
export const DAY_FIELDS = [
  'created',
  'approved',
  'autoApproved',
  'breakGlass',
  'rejected',
  'cancelled',
  'expired',
  'failed',
  'granted',
  'ended',
  'revoked',
  'extensions',
  'hoursGranted',
  'sensitiveSessions',
] as const satisfies readonly DayField[];

/** Compiles only when `T` is `true`. */
type Assert<T extends true> = T;
/** Compiles only while DAY_FIELDS names every count the API gives for a day. */
export type DayFieldsAreExhaustive = Assert<[DayField] extends [(typeof DAY_FIELDS)[number]] ? true : false>;

/** What became of requests, as the per-day chart and the outcome breakdown show them. */
export const OUTCOMES = [
  'approved',
  'autoApproved',
  'breakGlass',
  'rejected',
  'cancelled',
  'expired',
  'failed',
] as const satisfies readonly DayField[];

export function dayLabel(field: DayField, t: Translate): string {
  return t(`dashboard.column.${field}` satisfies MessageKey);
}

export type Totals = Record<DayField, number>;

/** The sum of each count over the days. */
export function totalsOf(days: readonly DashboardDay[]): Totals {
  const totals = Object.fromEntries(DAY_FIELDS.map((f) => [f, 0])) as Totals;
  for (const day of days) for (const field of DAY_FIELDS) totals[field] += day[field];
  return totals;
}

/** A share of a whole; `rate` is null when the whole is 0 (nothing to divide). */
export interface Rate {
  part: number;
  whole: number;
  rate: number | null;
}

function rate(part: number, whole: number): Rate {
  return { part, whole, rate: whole > 0 ? part / whole : null };
}

/** Requests that expired without a decision, of those that were decided or expired. */
export function expiredRate(totals: Totals): Rate {
  return rate(totals.expired, totals.approved + totals.rejected + totals.expired);
}

/** Requests that ended in error, of the access Identity Center was asked for. */
export function errorRate(totals: Totals): Rate {
  return rate(totals.failed, totals.granted + totals.failed);
}

/** A column of a table view and of its CSV: the cell shown, and the raw value exported. */
export interface DataColumn<Row> {
  id: string;
  header: string;
  cell: (row: Row) => string;
  csv: (row: Row) => CsvValue;
  /** In the CSV only, not in the table view. */
  csvOnly?: boolean;
}

/** Formats of the page's locale. */
export interface Formats {
  number: (value: number) => string;
  percent: (value: number) => string;
  /** A UTC date in full ("Sep 1, 2026"). */
  date: (date: string) => string;
  /** A UTC date on an axis ("Sep 1"). */
  shortDate: (date: string | Date) => string;
  duration: (seconds: number) => string;
}

export function formatsFor(locale: string, t: Translate): Formats {
  const number = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });
  const percent = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
  const full = new Intl.DateTimeFormat(locale, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
  const short = new Intl.DateTimeFormat(locale, { month: 'short', day: 'numeric', timeZone: 'UTC' });
  const asDate = (value: string | Date) => (value instanceof Date ? value : new Date(`${value}T00:00:00Z`));
  return {
    number: (value) => number.format(value),
    percent: (value) => percent.format(value),
    date: (date) => full.format(asDate(date)),
    shortDate: (date) => short.format(asDate(date)),
    duration: (seconds) => formatDuration(seconds, t),
  };
}

/** The per-day table: the date and the counts the chart draws; the CSV has every count. */
export function dayColumns(t: Translate, f: Formats): DataColumn<DashboardDay>[] {
  const charted = new Set<DayField>(['created', ...OUTCOMES]);
  return [
    { id: 'date', header: t('dashboard.column.date'), cell: (d) => f.date(d.date), csv: (d) => d.date },
    ...DAY_FIELDS.map((field) => ({
      id: field,
      header: dayLabel(field, t),
      cell: (d: DashboardDay) => f.number(d[field]),
      csv: (d: DashboardDay) => d[field],
      csvOnly: !charted.has(field),
    })),
  ];
}

/** The sensitive-session table: the date and its count. */
export function sensitiveColumns(t: Translate, f: Formats): DataColumn<DashboardDay>[] {
  return [
    { id: 'date', header: t('dashboard.column.date'), cell: (d) => f.date(d.date), csv: (d) => d.date },
    {
      id: 'sensitiveSessions',
      header: dayLabel('sensitiveSessions', t),
      cell: (d) => f.number(d.sensitiveSessions),
      csv: (d) => d.sensitiveSessions,
    },
  ];
}

/** One outcome with its total over the range. */
export interface OutcomeRow {
  outcome: (typeof OUTCOMES)[number];
  title: string;
  count: number;
  share: number | null;
}

export function outcomeRows(totals: Totals, t: Translate): OutcomeRow[] {
  const sum = OUTCOMES.reduce((acc, o) => acc + totals[o], 0);
  return OUTCOMES.map((outcome) => ({
    outcome,
    title: dayLabel(outcome, t),
    count: totals[outcome],
    share: sum > 0 ? totals[outcome] / sum : null,
  }));
}

export function outcomeColumns(t: Translate, f: Formats): DataColumn<OutcomeRow>[] {
  return [
    { id: 'outcome', header: t('dashboard.column.outcome'), cell: (r) => r.title, csv: (r) => r.title },
    { id: 'count', header: t('dashboard.column.count'), cell: (r) => f.number(r.count), csv: (r) => r.count },
    {
      id: 'share',
      header: t('dashboard.column.share'),
      cell: (r) => (r.share === null ? '' : f.percent(r.share)),
      // A fraction a spreadsheet can compute with, rounded to what a percentage shows.
      csv: (r) => (r.share === null ? null : Math.round(r.share * 10_000) / 10_000),
    },
  ];
}

/** A bucket of a duration distribution with the label people read. */
export interface BucketRow {
  label: string;
  upToSeconds: number | null;
  count: number;
  share: number | null;
}

/** "Up to 1 min", "1 min to 5 min", …, "Over 1 d": each bucket with the bound below it. */
export function bucketRows(distribution: DurationDistribution, t: Translate, f: Formats): BucketRow[] {
  let previous: number | null = null;
  return distribution.buckets.map((bucket) => {
    const label: string =
      bucket.upToSeconds === null
        ? previous === null
          ? t('dashboard.column.duration')
          : t('dashboard.bucket.over', { from: f.duration(previous) })
        : previous === null
          ? t('dashboard.bucket.upTo', { to: f.duration(bucket.upToSeconds) })
          : t('dashboard.bucket.between', { from: f.duration(previous), to: f.duration(bucket.upToSeconds) });
    previous = bucket.upToSeconds;
    return {
      label,
      upToSeconds: bucket.upToSeconds,
      count: bucket.count,
      share: distribution.count > 0 ? bucket.count / distribution.count : null,
    };
  });
}

export function bucketColumns(t: Translate, f: Formats): DataColumn<BucketRow>[] {
  return [
    { id: 'duration', header: t('dashboard.column.duration'), cell: (r) => r.label, csv: (r) => r.label },
    {
      id: 'upToSeconds',
      header: t('dashboard.column.upToSeconds'),
      cell: (r) => (r.upToSeconds === null ? '' : f.number(r.upToSeconds)),
      csv: (r) => r.upToSeconds,
    },
    { id: 'count', header: t('dashboard.column.count'), cell: (r) => f.number(r.count), csv: (r) => r.count },
    {
      id: 'share',
      header: t('dashboard.column.share'),
      cell: (r) => (r.share === null ? '' : f.percent(r.share)),
      csv: (r) => (r.share === null ? null : Math.round(r.share * 10_000) / 10_000),
    },
  ];
}

/** An entry of a top list with its rank and the label its chart shows. */
export interface TopRow extends DashboardCount {
  rank: number;
  /** The name, or the name and id where two entries share a name (a chart's categories must differ). */
  label: string;
}

export function topRows(counts: readonly DashboardCount[]): TopRow[] {
  const seen = new Map<string, number>();
  for (const c of counts) seen.set(c.name, (seen.get(c.name) ?? 0) + 1);
  return counts.map((c, i) => ({
    ...c,
    rank: i + 1,
    label: (seen.get(c.name) ?? 0) > 1 || c.name === '' ? `${c.name} (${c.id})` : c.name,
  }));
}

export function topColumns(t: Translate, f: Formats): DataColumn<TopRow>[] {
  return [
    { id: 'rank', header: t('dashboard.column.rank'), cell: (r) => f.number(r.rank), csv: (r) => r.rank },
    { id: 'name', header: t('dashboard.column.name'), cell: (r) => r.name, csv: (r) => r.name },
    { id: 'count', header: t('dashboard.column.count'), cell: (r) => f.number(r.count), csv: (r) => r.count },
    { id: 'id', header: t('dashboard.column.id'), cell: (r) => r.id, csv: (r) => r.id },
  ];
}

/** The top lists of the answer, in the order the page shows them. */
export const TOP_LISTS = [
  {
    key: 'topAccounts',
    title: 'dashboard.top.accounts',
    description: 'dashboard.top.accounts.description',
    unit: 'dashboard.top.requests',
    slug: 'top-accounts',
  },
  {
    key: 'topPermissionSets',
    title: 'dashboard.top.permissionSets',
    description: 'dashboard.top.permissionSets.description',
    unit: 'dashboard.top.requests',
    slug: 'top-permission-sets',
  },
  {
    key: 'topRequesters',
    title: 'dashboard.top.requesters',
    description: 'dashboard.top.requesters.description',
    unit: 'dashboard.top.requests',
    slug: 'top-requesters',
  },
  {
    key: 'topApprovers',
    title: 'dashboard.top.approvers',
    description: 'dashboard.top.approvers.description',
    unit: 'dashboard.top.decisions',
    slug: 'top-approvers',
  },
] as const satisfies readonly {
  key: keyof Dashboard;
  title: MessageKey;
  description: MessageKey;
  unit: MessageKey;
  slug: string;
}[];
