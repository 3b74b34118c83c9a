/**
 * The summary of a session's calls: counts, calls per service, write and sensitive actions,
 * access-denied errors and source IPs, each list bounded so a summary stays a small item
 * whatever the session did; and whether the session needs an auditor's look.
 */
import { classifyActions } from '../session-logs/classify';
import type { SessionLogRow } from '../session-logs/ports';
import type { ActionCalls, DeniedCalls, ServiceCalls, SessionActivitySummary, SourceIpCalls } from './ports';

/** Longest lists a summary keeps (most calls first). */
export const SUMMARY_LIST_LIMITS = {
  services: 50,
  writeActions: 100,
  sensitiveActions: 100,
  accessDenied: 50,
  sourceIps: 20,
} as const;

/**
 * Error codes that mean "not allowed": IAM's and S3's `AccessDenied…`, EC2's
 * `(Client.)UnauthorizedOperation`, SNS's `AuthorizationError`, and the `Unauthorized…` /
 * `Forbidden…` of other services.
 */
const DENIED_CODE = /AccessDenied|Unauthorized|AuthorizationError|Forbidden/i;

/** Whether a call was refused for lack of permission. */
export function isAccessDenied(errorCode: string | undefined): boolean {
  return errorCode !== undefined && DENIED_CODE.test(errorCode);
}

const actionKey = (source: string, name: string) => `${source}\u0000${name}`;

/** Most calls first, then by the given name: the same rows always give the same lists. */
function top<T extends { calls: number }>(items: Iterable<T>, name: (item: T) => string, limit: number): T[] {
  return [...items]
    .sort((a, b) => b.calls - a.calls || (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0))
    .slice(0, limit);
}

function countAction(map: Map<string, ActionCalls>, source: string, name: string, errorCode?: string) {
  const key = actionKey(source, name);
  const entry = map.get(key) ?? { eventSource: source, eventName: name, calls: 0, succeeded: 0, denied: 0 };
  entry.calls += 1;
  if (errorCode === undefined) entry.succeeded += 1;
  else if (isAccessDenied(errorCode)) entry.denied += 1;
  map.set(key, entry);
}

/**
 * Summarizes a session's calls. `sensitiveActions` are the entries of Settings.sensitiveActions;
 * `truncated` says the rows are only the first ones of a longer session.
 */
export function summarizeActivity(
  rows: readonly SessionLogRow[],
  sensitiveActions: readonly string[],
  options: { truncated?: boolean } = {},
): SessionActivitySummary {
  const services = new Map<string, ServiceCalls>();
  const writes = new Map<string, ActionCalls>();
  const sensitive = new Map<string, ActionCalls>();
  const denied = new Map<string, DeniedCalls>();
  const ips = new Map<string, SourceIpCalls>();
  const summary: SessionActivitySummary = {
    totalCalls: 0,
    readCalls: 0,
    writeCalls: 0,
    failedCalls: 0,
    accessDeniedCalls: 0,
    sensitiveCalls: 0,
    sensitiveDeniedCalls: 0,
    services: [],
    writeActions: [],
    sensitiveActions: [],
    accessDenied: [],
    sourceIps: [],
    truncated: options.truncated === true,
  };
  let first: number | undefined;
  let last: number | undefined;

  for (const row of classifyActions(rows, sensitiveActions)) {
    summary.totalCalls += 1;
    const error = row.errorCode;
    const refused = isAccessDenied(error);
    if (row.readOnly) summary.readCalls += 1;
    else summary.writeCalls += 1;
    if (error !== undefined) summary.failedCalls += 1;
    if (refused) summary.accessDeniedCalls += 1;

    const service = services.get(row.eventSource) ?? { eventSource: row.eventSource, calls: 0, writes: 0 };
    service.calls += 1;
    if (!row.readOnly) service.writes += 1;
    services.set(row.eventSource, service);

    if (!row.readOnly) countAction(writes, row.eventSource, row.eventName, error);
    if (row.sensitive) {
      countAction(sensitive, row.eventSource, row.eventName, error);
      if (error === undefined) summary.sensitiveCalls += 1;
      else if (refused) summary.sensitiveDeniedCalls += 1;
    }
    if (refused && error !== undefined) {
      const key = `${actionKey(row.eventSource, row.eventName)}\u0000${error}`;
      const entry = denied.get(key) ?? {
        eventSource: row.eventSource,
        eventName: row.eventName,
        errorCode: error,
        calls: 0,
      };
      entry.calls += 1;
      denied.set(key, entry);
    }
    if (row.sourceIp !== undefined) {
      const entry = ips.get(row.sourceIp) ?? { sourceIp: row.sourceIp, calls: 0 };
      entry.calls += 1;
      ips.set(row.sourceIp, entry);
    }
    const at = Date.parse(row.eventTime);
    if (Number.isFinite(at)) {
      if (first === undefined || at < first) first = at;
      if (last === undefined || at > last) last = at;
    }
  }

  const actionName = (a: { eventSource: string; eventName: string }) => `${a.eventSource}:${a.eventName}`;
  summary.services = top(services.values(), (s) => s.eventSource, SUMMARY_LIST_LIMITS.services);
  summary.writeActions = top(writes.values(), actionName, SUMMARY_LIST_LIMITS.writeActions);
  summary.sensitiveActions = top(sensitive.values(), actionName, SUMMARY_LIST_LIMITS.sensitiveActions);
  summary.accessDenied = top(
    denied.values(),
    (d) => `${actionName(d)}:${d.errorCode}`,
    SUMMARY_LIST_LIMITS.accessDenied,
  );
  summary.sourceIps = top(ips.values(), (i) => i.sourceIp, SUMMARY_LIST_LIMITS.sourceIps);
  if (first !== undefined) summary.firstCallAt = new Date(first).toISOString();
  if (last !== undefined) summary.lastCallAt = new Date(last).toISOString();
  return summary;
}

/**
 * Whether a session needs an auditor's look: it used a sensitive action successfully, or it
 * made more calls than a summary reads (what was not read may hold one). Sensitive actions that
 * were refused do not flag a session on their own: they changed nothing, and the summary lists
 * them (`sensitiveDeniedCalls`, `accessDenied`) for whoever looks.
 */
export function needsReview(activity: SessionActivitySummary): boolean {
  return activity.sensitiveCalls > 0 || activity.truncated;
}
