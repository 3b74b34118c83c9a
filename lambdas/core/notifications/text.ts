/**
 * Text helpers shared by the message model and the channels: safe truncation, SNS subjects,
 * durations and start times in a person's time zone.
 */

/** Longest subject SNS accepts. */
export const SNS_SUBJECT_MAX = 100;

/** Locales messages can be rendered in (strings live in message.ts). */
export type NotificationLocale = 'en';

const INTL_LOCALE: Record<NotificationLocale, string> = { en: 'en-US' };

/**
 * `text` cut to at most `max` characters (UTF-16 units, what Slack and SNS count), ending with
 * `ellipsis` when cut. Never splits a surrogate pair, so an emoji or a rare CJK character is
 * either whole or gone.
 */
export function truncateText(text: string, max: number, ellipsis = '…'): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - ellipsis.length);
  let out = '';
  for (const ch of text) {
    if (out.length + ch.length > room) break;
    out += ch;
  }
  return `${out.trimEnd()}${ellipsis}`.slice(0, Math.max(max, 0));
}

/** One line: line breaks, tabs and other control characters become single spaces. */
export function singleLine(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * A subject SNS accepts: printable ASCII on one line (accents dropped, anything else becomes
 * "?"), starting with a visible character, at most 100 characters ("..." marks a cut).
 */
export function snsSubject(subject: string, max = SNS_SUBJECT_MAX): string {
  const ascii = singleLine(subject)
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(/[^\x20-\x7e]/g, '?');
  const text = ascii.trim() === '' ? 'TEAM notification' : ascii.trim();
  return truncateText(text, max, '...');
}

/** "1 hour", "8 hours". */
export function durationLabel(hours: number): string {
  return hours === 1 ? '1 hour' : `${hours} hours`;
}

/** True when `timeZone` is an IANA zone Intl knows. */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A time for people: "Monday, March 2, 2026 at 10:00 AM GMT+1" in `timeZone` (UTC when unknown
 * or absent). Returns the input unchanged when it is not a date.
 */
export function formatInTimeZone(iso: string, timeZone?: string, locale: NotificationLocale = 'en'): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const zone = timeZone !== undefined && timeZone !== '' && isTimeZone(timeZone) ? timeZone : 'UTC';
  return new Intl.DateTimeFormat(INTL_LOCALE[locale], {
    timeZone: zone,
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  }).format(at);
}
