/**
 * How things look in a terminal: times in the user's time zone, durations in words (never ISO
 * 8601 durations), statuses as people say them, names instead of ids, plain aligned tables.
 */

/** The system time zone, or the one given. */
export function resolveTimeZone(timeZone: string | undefined): string {
  return timeZone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function partsOf(date: Date, timeZone: string): Record<string, string> {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'short',
    });
    formatters.set(timeZone, formatter);
  }
  return Object.fromEntries(formatter.formatToParts(date).map((p) => [p.type, p.value]));
}

/** `2025-03-04 14:05` in `timeZone` (table cells; the zone is named once under the table). */
export function formatShortTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = partsOf(date, timeZone);
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}`;
}

/** `2025-03-04 14:05 GMT+1`: a time with its zone. */
export function formatTime(iso: string | null | undefined, timeZone: string): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const p = partsOf(date, timeZone);
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']} ${p['timeZoneName']}`;
}

const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;

/** A length of time in words: `45 minutes`, `2 hours`, `1 hour 30 minutes`, `3 days 2 hours`. */
export function formatDuration(ms: number): string {
  const totalMinutes = Math.round(Math.abs(ms) / 60_000);
  if (totalMinutes < 1) return plural(Math.round(Math.abs(ms) / 1000), 'second');
  const days = Math.floor(totalMinutes / 1440);
  const hours = Math.floor((totalMinutes % 1440) / 60);
  const minutes = totalMinutes % 60;
  const parts: string[] = [];
  if (days > 0) parts.push(plural(days, 'day'));
  if (hours > 0) parts.push(plural(hours, 'hour'));
  // Minutes matter for short spans only.
  if (minutes > 0 && days === 0) parts.push(plural(minutes, 'minute'));
  return parts.join(' ');
}

/** `in 5 minutes` / `5 minutes ago`, from `now`. */
export function formatRelative(iso: string, now: number): string {
  const delta = new Date(iso).getTime() - now;
  if (Math.abs(delta) < 60_000) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

/** Hours in words: `1 hour`, `8 hours`. */
export function formatHours(hours: number): string {
  return plural(hours, 'hour');
}

/** An ISO 8601 duration (`PT1H30M`, a permission set's session length) in words. */
export function formatIsoDuration(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(value);
  if (!match) return undefined;
  const [, d, h, m, s] = match;
  const ms = ((Number(d ?? 0) * 24 + Number(h ?? 0)) * 60 + Number(m ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
  return formatDuration(ms);
}

/** A request status as people say it: `IN_PROGRESS` → `in progress`. */
export function statusLabel(status: string): string {
  return status.toLowerCase().replace(/_/g, ' ');
}

/** A person: their name, else their email, else their id. */
export function actorName(
  actor: { name?: string | null; email?: string | null; id: string } | null | undefined,
): string {
  if (!actor) return 'TEAM';
  return actor.name || actor.email || actor.id;
}

/** `a`, `a or b`, `a, b or c` (or `and`). */
export function listInWords(items: readonly string[], conjunction: 'or' | 'and' = 'or'): string {
  if (items.length <= 1) return items[0] ?? '';
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

/** `Payments Production (563028194735)`. */
export function accountLabel(account: { id: string; name: string }): string {
  return account.name ? `${account.name} (${account.id})` : account.id;
}

const MAX_CELL = 40;

function cell(value: string): string {
  const flat = value.replace(/\s+/g, ' ');
  return flat.length > MAX_CELL ? `${flat.slice(0, MAX_CELL - 1)}…` : flat;
}

/** Width of a string in terminal columns (East Asian wide characters take two). */
export function displayWidth(value: string): number {
  let width = 0;
  for (const char of value) {
    const code = char.codePointAt(0) ?? 0;
    width +=
      /[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/u.test(
        char,
      ) ||
      (code >= 0x20000 && code <= 0x3fffd)
        ? 2
        : 1;
  }
  return width;
}

function pad(value: string, width: number): string {
  return value + ' '.repeat(Math.max(0, width - displayWidth(value)));
}

/** A plain table: a header row, then the rows, columns two spaces apart, long cells cut. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = [headers.map((h) => h), ...rows.map((row) => row.map(cell))];
  const widths = headers.map((_, i) => Math.max(...cells.map((row) => displayWidth(row[i] ?? ''))));
  return cells
    .map((row) =>
      row
        .map((value, i) => (i === row.length - 1 ? value : pad(value, widths[i] ?? 0)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Label/value lines, the labels padded to one width; undefined values are left out. */
export function fields(entries: readonly (readonly [string, string | undefined])[], indent = '  '): string {
  const shown = entries.filter((e): e is readonly [string, string] => e[1] !== undefined);
  const width = Math.max(0, ...shown.map(([label]) => label.length));
  return shown
    .map(([label, value]) => {
      const lines = value.split('\n');
      const rest = lines.slice(1).map((line) => `${indent}${' '.repeat(width + 2)}${line}`);
      return [`${indent}${label.padEnd(width)}  ${lines[0]}`, ...rest].join('\n');
    })
    .join('\n');
}
