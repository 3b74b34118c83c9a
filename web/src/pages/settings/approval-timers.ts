/**
 * The reminder and escalation delays of the settings as people read and enter them: an amount in
 * minutes, hours or days instead of a raw number of minutes.
 */
import type { Translate } from '../../i18n';

export const TIMER_UNITS = ['minutes', 'hours', 'days'] as const;
export type TimerUnit = (typeof TIMER_UNITS)[number];

/** Longest reminder or escalation delay: one week (the server's limit). */
export const MAX_TIMER_MINUTES = 10_080;

const UNIT_MINUTES: Readonly<Record<TimerUnit, number>> = { minutes: 1, hours: 60, days: 1440 };

/** An amount and its unit, as the form holds them. */
export interface TimerValue {
  amount: string;
  unit: TimerUnit;
}

/** Minutes in the largest unit that divides them evenly ("90" → 90 minutes, 120 → 2 hours). */
export function timerValueOf(minutes: number): TimerValue {
  if (minutes === 0) return { amount: '0', unit: 'hours' };
  if (minutes % UNIT_MINUTES.days === 0) return { amount: String(minutes / UNIT_MINUTES.days), unit: 'days' };
  if (minutes % UNIT_MINUTES.hours === 0) {
    return { amount: String(minutes / UNIT_MINUTES.hours), unit: 'hours' };
  }
  return { amount: String(minutes), unit: 'minutes' };
}

/** The minutes a form value stands for; undefined when the amount is not a whole number. */
export function minutesOf(value: TimerValue): number | undefined {
  const trimmed = value.amount.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  return Number(trimmed) * UNIT_MINUTES[value.unit];
}

/** What is wrong with a delay (an empty amount reads as 0: off). */
export function checkTimer(value: TimerValue, t: Translate): string | undefined {
  if (value.amount.trim() === '') return undefined;
  const minutes = minutesOf(value);
  if (minutes === undefined) return t('settings.error.timerWhole');
  if (minutes > MAX_TIMER_MINUTES) return t('settings.error.timerMax');
  return undefined;
}

/** "Never", "45 minutes", "2 hours", "1 day 4 hours 30 minutes". */
export function formatTimer(minutes: number, t: Translate, locale: string): string {
  if (minutes <= 0) return t('settings.timer.never');
  const plural = (count: number) => new Intl.PluralRules(locale).select(count) === 'one';
  const days = Math.floor(minutes / UNIT_MINUTES.days);
  const hours = Math.floor((minutes % UNIT_MINUTES.days) / UNIT_MINUTES.hours);
  const rest = minutes % UNIT_MINUTES.hours;
  const parts: string[] = [];
  const count = (n: number) => ({ count: n.toLocaleString(locale) });
  if (days > 0)
    parts.push(t(plural(days) ? 'settings.timer.days.one' : 'settings.timer.days.other', count(days)));
  if (hours > 0) parts.push(t(plural(hours) ? 'unit.hours.one' : 'unit.hours.other', count(hours)));
  if (rest > 0) {
    parts.push(t(plural(rest) ? 'settings.timer.minutes.one' : 'settings.timer.minutes.other', count(rest)));
  }
  return parts.join(' ');
}
