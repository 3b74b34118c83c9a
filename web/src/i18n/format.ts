/**
 * Dates, times and durations in the user's locale and time zone (Intl only, no libraries).
 * The API speaks UTC ISO 8601; everything shown is converted here.
 */
import type { Translate } from './index';

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

function cachedFormat(locale: string, timeZone: string, options: Intl.DateTimeFormatOptions, kind: string) {
  const key = `${kind}|${locale}|${timeZone}`;
  let format = dateTimeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { ...options, timeZone });
    dateTimeFormats.set(key, format);
  }
  return format;
}

function toDate(value: string | number | Date): Date | undefined {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const DATE_TIME: Intl.DateTimeFormatOptions = {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  timeZoneName: 'short',
};

export interface DateTimeOptions {
  /** Show the seconds too (audit trails, API activity: when exactly). */
  seconds?: boolean;
}

function dateTimeFormat(locale: string, timeZone: string, options: DateTimeOptions) {
  return options.seconds
    ? cachedFormat(locale, timeZone, { ...DATE_TIME, second: '2-digit' }, 'datetime-seconds')
    : cachedFormat(locale, timeZone, DATE_TIME, 'datetime');
}

/** "Sep 1, 2026, 10:00 AM GMT+2" / "2026/09/01 10:00 JST"; '' for a missing or bad value. */
export function formatDateTime(
  value: string | number | Date | null | undefined,
  locale: string,
  timeZone: string,
  options: DateTimeOptions = {},
): string {
  if (value === null || value === undefined || value === '') return '';
  const date = toDate(value);
  if (!date) return String(value);
  return dateTimeFormat(locale, timeZone, options).format(date);
}

/**
 * `formatDateTime` cut in two where the time begins: ["Sep 1, 2026,", "10:00 AM GMT+2"], so a
 * narrow column can break the line there and nowhere else. Joined with a space they read as
 * `formatDateTime`. A missing value gives ['', '']; one that is no date, [value, ''].
 */
export function formatDateTimeParts(
  value: string | number | Date | null | undefined,
  locale: string,
  timeZone: string,
  options: DateTimeOptions = {},
): [string, string] {
  if (value === null || value === undefined || value === '') return ['', ''];
  const date = toDate(value);
  if (!date) return [String(value), ''];
  const parts = dateTimeFormat(locale, timeZone, options).formatToParts(date);
  const split = parts.findIndex((p) => p.type === 'hour' || p.type === 'dayPeriod');
  if (split <= 0) return [formatDateTime(date, locale, timeZone, options), ''];
  // format() writes a plain space where formatToParts() may give a narrow no-break one (V8).
  const join = (from: number, to?: number) =>
    parts
      .slice(from, to)
      .map((p) => p.value)
      .join('')
      .replace(/\u202f/g, ' ');
  return [join(0, split).trimEnd(), join(split).trimStart()];
}

const RELATIVE_STEPS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Number.POSITIVE_INFINITY],
];

/** "5 minutes ago", "yesterday", "now" / "5 分前", "昨日", "今"; '' for a missing or bad value. */
export function formatRelativeTime(
  value: string | number | Date | null | undefined,
  now: number,
  locale: string,
): string {
  if (value === null || value === undefined || value === '') return '';
  const date = toDate(value);
  if (!date) return String(value);
  let amount = (date.getTime() - now) / 1000;
  if (Math.abs(amount) < 45)
    return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(0, 'second');
  for (const [unit, size] of RELATIVE_STEPS) {
    if (Math.abs(amount) < size) {
      return new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }).format(Math.round(amount), unit);
    }
    amount /= size;
  }
  return formatDateTime(date, locale, 'UTC');
}

/** The UTC offset of a time zone at an instant, in minutes (e.g. 120 for UTC+02:00). */
export function timeZoneOffsetMinutes(timeZone: string, at: Date): number {
  const parts = cachedFormat(
    'en-US',
    timeZone,
    {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    },
    'parts',
  ).formatToParts(at);
  const get = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return Math.round((asUtc - Math.floor(at.getTime() / 1000) * 1000) / 60_000);
}

/** "Europe/Paris (UTC+02:00)": what the form shows next to the start time. */
export function timeZoneLabel(timeZone: string, at: Date = new Date()): string {
  const offset = timeZoneOffsetMinutes(timeZone, at);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${timeZone} (UTC${sign}${hh}:${mm})`;
}

/** Local calendar date ("2026-09-01") and time ("10:05") of an instant in a time zone. */
export function zonedParts(at: Date, timeZone: string): { date: string; time: string } {
  const offset = timeZoneOffsetMinutes(timeZone, at);
  const local = new Date(at.getTime() + offset * 60_000);
  const iso = local.toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 16) };
}

/**
 * The instant of a local date ("2026-09-01") and time ("10:05") in a time zone, or undefined
 * for an impossible date or time. In a daylight-saving gap the later offset applies.
 */
export function zonedToUtc(date: string, time: string, timeZone: string): Date | undefined {
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!d || !t) return undefined;
  const [year, month, day, hour, minute] = [d[1], d[2], d[3], t[1], t[2]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  if (hour > 23 || minute > 59) return undefined;
  const guess = Date.UTC(year, month - 1, day, hour, minute);
  const check = new Date(guess);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    return undefined;
  }
  // Two passes settle the offset around daylight-saving changes.
  let result = guess - timeZoneOffsetMinutes(timeZone, new Date(guess)) * 60_000;
  result = guess - timeZoneOffsetMinutes(timeZone, new Date(result)) * 60_000;
  return new Date(result);
}

/** "1 hour" / "5 hours" / "5時間". */
export function formatHours(hours: number, t: Translate, locale: string): string {
  const rule = new Intl.PluralRules(locale).select(hours);
  return t(rule === 'one' ? 'unit.hours.one' : 'unit.hours.other', { count: hours.toLocaleString(locale) });
}

/**
 * An ISO 8601 duration of hours and minutes (a permission set's session duration, `PT1H`,
 * `PT1H30M`) as people read it: "1 hour", "1 h 30 min"; anything else is returned as it is.
 */
export function formatIsoDuration(value: string, t: Translate, locale: string): string {
  const match = /^PT(?:(\d+)H)?(?:(\d+)M)?$/.exec(value);
  if (!match || (match[1] === undefined && match[2] === undefined)) return value;
  const hours = Number(match[1] ?? 0);
  const minutes = Number(match[2] ?? 0);
  if (minutes === 0) return formatHours(hours, t, locale);
  if (hours === 0) return t('unit.minutes', { count: minutes });
  return t('time.hoursMinutes', { h: hours, m: String(minutes).padStart(2, '0') });
}

/** A remaining time, coarse to fine: "2 d 3 h", "1 h 05 min", "4 min 09 s". */
export function formatRemaining(ms: number, t: Translate): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  if (days > 0) return t('time.daysHours', { d: days, h: hours });
  if (hours > 0) return t('time.hoursMinutes', { h: hours, m: two(minutes) });
  return t('time.minutesSeconds', { m: minutes, s: two(seconds) });
}

/**
 * A duration in whole seconds as people read it, at most two units and never ISO 8601:
 * "45 s", "4 min", "2 h 5 min", "3 d 4 h". Minutes and hours are rounded to the nearest.
 */
export function formatDuration(seconds: number, t: Translate): string {
  const total = Math.max(0, Math.round(seconds));
  if (total < 60) return t('time.seconds', { s: total });
  const minutes = Math.round(total / 60);
  if (minutes < 60) return t('unit.minutes', { count: minutes });
  if (minutes < 24 * 60) {
    const h = Math.floor(minutes / 60);
    const m = minutes % 60;
    return m === 0 ? t('time.hours', { h }) : t('time.hoursMinutes', { h, m });
  }
  const hours = Math.round(total / 3600);
  const d = Math.floor(hours / 24);
  const h = hours % 24;
  return h === 0 ? t('time.days', { d }) : t('time.daysHours', { d, h });
}
