/**
 * Helpers both session-log providers share: re-checking the query values at the boundary,
 * time formats, and turning result cells into SessionLogRow.
 */
import {
  SessionLogProviderError,
  type SessionLogQuerySpec,
  type SessionLogRow,
} from '../../core/session-logs/ports';
import { IDC_USER_NAME, ISO_UTC } from '../../core/session-logs/window';
import { ACCOUNT_ID, PERMISSION_SET_NAME } from '../../contract/patterns';

/** Attempts per AWS call, throttling included (the SDK backs off between them). */
export const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * Re-checks a spec where it leaves the core: a provider binds these values as parameters, and a
 * value outside its pattern never reaches AWS even if a caller skipped `sessionLogQuerySpec`.
 */
export function assertSafeSpec(spec: SessionLogQuerySpec): void {
  const checks: [string, string, RegExp][] = [
    ['account id', spec.accountId, ACCOUNT_ID],
    ['user name', spec.userName, IDC_USER_NAME],
    ['permission set name', spec.permissionSetName, PERMISSION_SET_NAME],
    ['window start', spec.windowStart, ISO_UTC],
    ['window end', spec.windowEnd, ISO_UTC],
  ];
  for (const [what, value, pattern] of checks) {
    if (!pattern.test(value))
      throw new SessionLogProviderError(`The session-log query's ${what} is not valid.`);
  }
  if (Date.parse(spec.windowStart) > Date.parse(spec.windowEnd)) {
    throw new SessionLogProviderError("The session-log query's window ends before it starts.");
  }
}

/**
 * Puts values into the `?` placeholders of a fixed statement as SQL string literals. Used for
 * CloudTrail Lake, whose StartQuery takes QueryParameters only for its own dashboard queries, so a
 * statement has to carry its values. Each value has already passed its strict pattern
 * (`assertSafeSpec`), none can hold a quote; quotes are doubled anyway and control characters
 * refused, so even a missed check cannot end the literal.
 */
export function bindLiterals(statement: string, values: readonly string[]): string {
  const parts = statement.split('?');
  if (parts.length - 1 !== values.length) {
    throw new SessionLogProviderError(
      `The session-log statement has ${parts.length - 1} placeholders for ${values.length} values.`,
    );
  }
  return parts.reduce((out, part, i) => {
    if (i === 0) return part;
    const value = values[i - 1] ?? '';
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u001f\u007f]/.test(value)) {
      throw new SessionLogProviderError('A session-log query value holds a control character.');
    }
    return `${out}'${value.replace(/'/g, "''")}'${part}`;
  }, '');
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** Whole seconds: the start rounds down and the end up, so the window never shrinks. */
export function wholeSeconds(iso: string, round: 'down' | 'up'): Date {
  const ms = Date.parse(iso);
  return new Date((round === 'down' ? Math.floor(ms / 1000) : Math.ceil(ms / 1000)) * 1000);
}

/** `YYYY-MM-DD HH:MM:SS` (UTC): the timestamp text Trino compares `eventTime` with. */
export function trinoTimestamp(date: Date): string {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

/** `YYYY-MM-DDTHH:MM:SSZ`: how CloudTrail writes `eventTime` in its log files. */
export function cloudTrailTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const TIME_TEXT = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:Z|UTC)?$/;

/** A result timestamp (`2026-03-02 09:00:00.000` or ISO) as ISO 8601 UTC; other text unchanged. */
export function isoEventTime(value: string): string {
  const m = TIME_TEXT.exec(value.trim());
  if (!m) return value;
  const ms = Date.parse(`${m[1]}T${m[2]}Z`);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : value;
}

const present = (value: string | undefined | null): string | undefined =>
  value === undefined || value === null || value === '' || value === 'null' ? undefined : value;

/** The cells of one result row by lower-case column name. */
export type ResultCells = Record<string, string | undefined>;

/** A result row as SessionLogRow; the user name is the role session name of the principal id. */
export function rowFromCells(cells: ResultCells): SessionLogRow {
  const readOnly = present(cells.readonly)?.toLowerCase();
  const principalId = present(cells.principalid) ?? '';
  const colon = principalId.indexOf(':');
  const row: SessionLogRow = {
    eventId: present(cells.eventid) ?? '',
    eventTime: isoEventTime(present(cells.eventtime) ?? ''),
    eventName: present(cells.eventname) ?? '',
    eventSource: present(cells.eventsource) ?? '',
    accountId: present(cells.recipientaccountid) ?? '',
    userName: colon >= 0 ? principalId.slice(colon + 1) : principalId,
  };
  const optional = {
    awsRegion: present(cells.awsregion),
    sourceIp: present(cells.sourceipaddress),
    userAgent: present(cells.useragent),
    errorCode: present(cells.errorcode),
  };
  for (const [key, value] of Object.entries(optional)) {
    if (value !== undefined) row[key as keyof typeof optional] = value;
  }
  if (readOnly === 'true' || readOnly === 'false') row.readOnly = readOnly === 'true';
  return row;
}
