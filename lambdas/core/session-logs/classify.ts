/**
 * What the logs table shows about each call: whether it only read, and whether it is one of the
 * actions admins flagged as sensitive (Settings.sensitiveActions).
 */
import type { SessionLogRow } from './ports';

export interface ClassifiedSessionLogRow extends Omit<SessionLogRow, 'readOnly'> {
  /** From the event when CloudTrail says; otherwise inferred from the action name. */
  readOnly: boolean;
  /** The action matches an entry of Settings.sensitiveActions. */
  sensitive: boolean;
}

/**
 * Action names that only read, for events that do not carry `readOnly`. The verb must end at a
 * capital, digit or the end of the name, so `Listen…` or `Getaway…` would not count as reads.
 */
const READ_VERB = /^(?:Get|BatchGet|List|Describe|Head|Search|Lookup|Query|Scan|Select|View)(?=[A-Z0-9]|$)/;

/** Whether an action only reads: CloudTrail's flag when present, else the action's verb. */
export function isReadOnlyAction(row: Pick<SessionLogRow, 'eventName' | 'readOnly'>): boolean {
  return row.readOnly ?? READ_VERB.test(row.eventName);
}

type Matcher = (eventSource: string, eventName: string) => boolean;

function textMatcher(pattern: string): (value: string) => boolean {
  const p = pattern.toLowerCase();
  if (p.endsWith('*')) {
    const prefix = p.slice(0, -1);
    return (value) => value.toLowerCase().startsWith(prefix);
  }
  return (value) => value.toLowerCase() === p;
}

/**
 * Compiles sensitive-action entries: `eventSource:eventName` or a bare `eventName`, compared
 * case-insensitively; a trailing `*` matches any suffix (`iam.amazonaws.com:Delete*`,
 * `iam.amazonaws.com:*`, `Delete*`). Blank entries are ignored.
 */
export function sensitiveActionMatcher(entries: readonly string[]): Matcher {
  const matchers: Matcher[] = [];
  for (const raw of entries) {
    const entry = raw.trim();
    if (entry === '') continue;
    const colon = entry.indexOf(':');
    if (colon < 0) {
      const name = textMatcher(entry);
      matchers.push((_source, eventName) => name(eventName));
      continue;
    }
    // Only a trailing `*` is a wildcard, so the event source is always compared exactly.
    const source = entry.slice(0, colon).toLowerCase();
    const namePart = entry.slice(colon + 1);
    if (source === '' || namePart === '') continue;
    const name = textMatcher(namePart);
    matchers.push((eventSource, eventName) => eventSource.toLowerCase() === source && name(eventName));
  }
  return (eventSource, eventName) => matchers.some((m) => m(eventSource, eventName));
}

/** Adds `readOnly` (resolved) and `sensitive` to each row. */
export function classifyActions(
  rows: readonly SessionLogRow[],
  sensitiveActions: readonly string[],
): ClassifiedSessionLogRow[] {
  const sensitive = sensitiveActionMatcher(sensitiveActions);
  return rows.map((row) => ({
    ...row,
    readOnly: isReadOnlyAction(row),
    sensitive: sensitive(row.eventSource, row.eventName),
  }));
}

/** The calls that changed something (the "write actions only" view). */
export function writeOnly<T extends Pick<ClassifiedSessionLogRow, 'readOnly'>>(rows: readonly T[]): T[] {
  return rows.filter((row) => !row.readOnly);
}
