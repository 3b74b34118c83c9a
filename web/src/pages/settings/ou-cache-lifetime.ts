/**
 * The OU cache lifetime of the settings as people read and enter it: an amount in hours or days
 * instead of a raw number of hours, shown as "7 days" (never as an ISO duration).
 */
import {
  MAX_OU_CACHE_LIFETIME_HOURS,
  MIN_OU_CACHE_LIFETIME_HOURS,
} from '../../../../lambdas/contract/patterns';
import type { Translate } from '../../i18n';
import { formatTimer } from './approval-timers';

export const LIFETIME_UNITS = ['hours', 'days'] as const;
export type LifetimeUnit = (typeof LIFETIME_UNITS)[number];

const UNIT_HOURS: Readonly<Record<LifetimeUnit, number>> = { hours: 1, days: 24 };

/** An amount and its unit, as the form holds them. */
export interface LifetimeValue {
  amount: string;
  unit: LifetimeUnit;
}

/** Hours in days when they are whole days (168 → 7 days), else in hours (36 → 36 hours). */
export function lifetimeValueOf(hours: number): LifetimeValue {
  if (hours > 0 && hours % UNIT_HOURS.days === 0) {
    return { amount: String(hours / UNIT_HOURS.days), unit: 'days' };
  }
  return { amount: String(hours), unit: 'hours' };
}

/** The hours a form value stands for; undefined when the amount is not a whole number. */
export function lifetimeHoursOf(value: LifetimeValue): number | undefined {
  const trimmed = value.amount.trim();
  if (!/^\d+$/.test(trimmed)) return undefined;
  return Number(trimmed) * UNIT_HOURS[value.unit];
}

/** What is wrong with a lifetime: it is required, whole, from 1 hour to 30 days. */
export function checkLifetime(value: LifetimeValue, t: Translate): string | undefined {
  if (value.amount.trim() === '') return t('validation.required');
  const hours = lifetimeHoursOf(value);
  if (hours === undefined) return t('settings.error.timerWhole');
  if (hours < MIN_OU_CACHE_LIFETIME_HOURS || hours > MAX_OU_CACHE_LIFETIME_HOURS) {
    return t('settings.error.ouCacheLifetimeRange');
  }
  return undefined;
}

/** "1 hour", "36 hours" → "1 day 12 hours", "7 days" (7 日 in Japanese). */
export function formatLifetime(hours: number, t: Translate, locale: string): string {
  return formatTimer(hours * 60, t, locale);
}
