/**
 * Values from the command line that are more than strings: whole hours, a start time (`now`,
 * `+30m`, an ISO date-time), a length of time (`90s`, `10m`, `1h30m`), a port.
 */
import { usageError } from './errors';

const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `90s`, `10m`, `2h`, `1h30m`, `1d` (or a number of seconds) in milliseconds; undefined if not one. */
export function parseSpan(value: string): number | undefined {
  const text = value.trim().toLowerCase();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/^(\d+[dhms])+$/.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)([dhms])/g))
    total += Number(amount) * (UNIT_MS[unit ?? 's'] ?? 0);
  return total;
}

/** A positive length of time for `flag`. */
export function parseTimeout(value: string, flag: string): number {
  const ms = parseSpan(value);
  if (ms === undefined || ms <= 0) {
    throw usageError(`${flag} takes a length of time such as 90s, 10m, 2h or 1h30m (got "${value}").`);
  }
  return ms;
}

/** Whole hours from 1 to `max`. */
export function parseHours(value: string | undefined, flag = '--hours', max = 8000): number {
  if (value === undefined) throw usageError(`${flag} is required: how many hours of access.`);
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || Number(value) > max) {
    throw usageError(`${flag} takes whole hours from 1 to ${max} (got "${value}").`);
  }
  return Number(value);
}

/**
 * The start of access as an ISO date-time, or undefined for now: `now`, `+30m` / `+2h` / `+1h30m`
 * from now, or an ISO 8601 date-time (without an offset it is local time).
 */
export function parseStart(value: string | undefined, now: number): string | undefined {
  if (value === undefined || value.trim().toLowerCase() === 'now') return undefined;
  const text = value.trim();
  if (text.startsWith('+')) {
    const ms = parseSpan(text.slice(1));
    if (ms === undefined) {
      throw usageError(
        `--start +<time> takes a length of time such as +30m, +2h or +1h30m (got "${value}").`,
      );
    }
    return new Date(now + ms).toISOString();
  }
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.test(text)) {
    throw usageError(
      `--start takes "now", a time from now such as +30m, or an ISO date-time such as 2025-03-04T14:00 (got "${value}").`,
    );
  }
  // A date alone is midnight local time, like a date-time without an offset.
  const date = new Date(/[T ]/i.test(text) ? text.replace(' ', 'T') : `${text}T00:00`);
  if (Number.isNaN(date.getTime())) throw usageError(`--start: "${value}" is not a valid date-time.`);
  if (date.getTime() < now - 5 * 60_000) throw usageError(`--start: ${value} is in the past.`);
  return date.toISOString();
}

/** A TCP port (1–65535). */
export function parsePort(value: string, flag: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 65535) {
    throw usageError(`${flag} takes a TCP port from 1 to 65535 (got "${value}").`);
  }
  return Number(value);
}

/** A positive whole number of items. */
export function parseLimit(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < 1 || Number(value) > 1000) {
    throw usageError(`--limit takes a number from 1 to 1000 (got "${value}").`);
  }
  return Number(value);
}
