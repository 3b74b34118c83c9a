/**
 * The dashboard's range of days. The API counts by UTC date, so every range here is a pair of
 * UTC dates (`YYYY-MM-DD`, both included) and "today" is today in UTC, whatever the browser's
 * time zone.
 */
import type { DateRangePickerProps } from '@cloudscape-design/components/date-range-picker';
import type { Translate } from '../../i18n';

/** Most days the API answers for at once. */
export const MAX_RANGE_DAYS = 366;

/** UTC dates, both included. */
export interface DayRange {
  from: string;
  to: string;
}

const DAY_MS = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The UTC date of an instant. */
export function utcDate(at: number): string {
  return new Date(at).toISOString().slice(0, 10);
}

/** Milliseconds of a date's UTC midnight, or undefined for what is not a real date. */
export function dateMs(date: string): number | undefined {
  const match = ISO_DATE.exec(date);
  if (!match) return undefined;
  const [year, month, day] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  const ms = Date.UTC(year, month - 1, day);
  return utcDate(ms) === date ? ms : undefined;
}

export function addDays(date: string, days: number): string {
  return utcDate((dateMs(date) ?? 0) + days * DAY_MS);
}

/** A month arithmetic that keeps to the last day of shorter months (Mar 31 − 1 month = Feb 28). */
function addMonths(date: string, months: number): string {
  const ms = dateMs(date) ?? 0;
  const d = new Date(ms);
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(d.getUTCDate(), lastDay));
  return utcDate(target.getTime());
}

/** How many days a range holds, both ends included. */
export function daysIn(range: DayRange): number {
  return Math.round(((dateMs(range.to) ?? 0) - (dateMs(range.from) ?? 0)) / DAY_MS) + 1;
}

/** The relative ranges offered: the last 7, 30 and 90 days (today included). */
export const RELATIVE_OPTIONS: readonly DateRangePickerProps.RelativeOption[] = [
  { key: 'last-7-days', amount: 7, unit: 'day', type: 'relative' },
  { key: 'last-30-days', amount: 30, unit: 'day', type: 'relative' },
  { key: 'last-90-days', amount: 90, unit: 'day', type: 'relative' },
];

/** What the page opens with: the last 30 days. */
export const DEFAULT_RANGE: DateRangePickerProps.RelativeValue = {
  key: 'last-30-days',
  amount: 30,
  unit: 'day',
  type: 'relative',
};

/** Units a custom relative range may use. */
export const RELATIVE_UNITS: DateRangePickerProps.TimeUnit[] = ['day', 'week', 'month'];

/**
 * The UTC dates of the picker's value: a relative range ends today (UTC) and holds `amount`
 * whole days, weeks or months; an absolute one is its two dates. Undefined while incomplete.
 */
export function rangeOf(value: DateRangePickerProps.Value | null, today: string): DayRange | undefined {
  if (!value) return undefined;
  if (value.type === 'absolute') {
    const from = value.startDate.slice(0, 10);
    const to = value.endDate.slice(0, 10);
    return dateMs(from) === undefined || dateMs(to) === undefined ? undefined : { from, to };
  }
  const amount = Math.max(1, Math.floor(value.amount));
  switch (value.unit) {
    case 'week':
      return { from: addDays(today, 1 - amount * 7), to: today };
    case 'month':
      return { from: addDays(addMonths(today, -amount), 1), to: today };
    case 'year':
      return { from: addDays(addMonths(today, -12 * amount), 1), to: today };
    case 'day':
      return { from: addDays(today, 1 - amount), to: today };
    default:
      // Seconds, minutes, hours: today is the smallest range of days.
      return { from: today, to: today };
  }
}

/** Whether the picker's value is a range the API answers; the reason when not. */
export function validateRange(
  value: DateRangePickerProps.Value | null,
  today: string,
  t: Translate,
): DateRangePickerProps.ValidationResult {
  const invalid = (errorMessage: string) => ({ valid: false as const, errorMessage });
  if (value?.type === 'absolute') {
    if (!value.startDate || !value.endDate) return invalid(t('dashboard.range.error.incomplete'));
    if (!rangeOf(value, today)) return invalid(t('dashboard.range.error.format'));
  }
  const range = rangeOf(value, today);
  if (!range) return invalid(t('dashboard.range.error.incomplete'));
  if (range.from > range.to) return invalid(t('dashboard.range.error.order'));
  if (range.to > today) return invalid(t('dashboard.range.error.future'));
  if (daysIn(range) > MAX_RANGE_DAYS) {
    return invalid(t('dashboard.range.error.tooLong', { max: MAX_RANGE_DAYS }));
  }
  return { valid: true };
}

/** A calendar day of the picker (a local Date at midnight) as the date it shows. */
export function pickerDate(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`;
}

/** The file-name part of a range: `2026-08-03_2026-09-01`. */
export function rangeSlug(range: DayRange): string {
  return `${range.from}_${range.to}`;
}
