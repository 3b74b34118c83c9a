/**
 * Session-log use cases: start (or reuse) the query of a request's session, look at its progress,
 * read its classified rows page by page. The server decides what is queried: the only client
 * input is the request id, and only the request's requester, approvers and auditors get anywhere.
 */
import { z } from 'zod';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Clock, Directory, RequestRepository } from '../ports';
import { clampPage } from '../paging';
import { authorizedRequest } from '../requests/read-requests';
import { loadSettings, type SettingsDeps } from '../settings/settings';
import type { AccessRequest, CallerIdentity, Page } from '../types';
import { classifyActions, type ClassifiedSessionLogRow } from './classify';
import type {
  ProviderQueryProgress,
  ProviderQueryStatus,
  SessionLogProvider,
  SessionLogQueryChanges,
  SessionLogQueryRecord,
  SessionLogQueryStore,
  SessionLogQueryView,
  SessionLogRow,
} from './ports';
import { sessionLogQuerySpec, sessionWindow, type SessionWindow } from './window';

/** Results of an ended session are kept (and reused) this long. */
export const FINAL_RESULTS_TTL_SECONDS = 5 * 24 * 60 * 60;
/** Results of a session still going on are only good for reading them now. */
export const LIVE_RESULTS_TTL_SECONDS = 60 * 60;
/** A query still QUEUED/RUNNING after this long is treated as lost and run again. */
export const IN_FLIGHT_REUSE_MS = 5 * 60 * 1000;
/** Provider page size while collecting write actions only (most calls are reads). */
const WRITE_ONLY_SCAN_PAGE = 250;
/** Provider pages read per call at most: a page may come back short, with a cursor to go on. */
const MAX_PROVIDER_PAGES_PER_CALL = 8;

export interface SessionLogDeps {
  requests: Pick<RequestRepository, 'get'>;
  queries: SessionLogQueryStore;
  /** Undefined when the deployment has no session-log provider: queries report DISABLED. */
  provider?: SessionLogProvider;
  clock: Clock;
  /** Resolves the requester's IdC user name; without it the requester's email is used. */
  directory?: Pick<Directory, 'getUser'>;
}

export interface SessionLogsInput {
  cursor?: string | null;
  limit?: number | null;
  writeOnly?: boolean | null;
}

/**
 * The request whose session logs the caller wants, once the caller may `operation` on it; a
 * request that does not exist (or an id that cannot exist) is refused like one the caller may
 * not see (`authorizedRequest`).
 */
export function readableRequest(
  deps: Pick<SessionLogDeps, 'requests'>,
  caller: CallerIdentity,
  requestId: string,
  operation: 'startSessionLogQuery' | 'getSessionLogs',
): Promise<AccessRequest> {
  return authorizedRequest(deps, caller, requestId, operation);
}

/** What the API shows of a stored query, with the live statistics of a look at the provider. */
export function viewOf(record: SessionLogQueryRecord, live?: ProviderQueryProgress): SessionLogQueryView {
  const view: SessionLogQueryView = {
    requestId: record.requestId,
    status: record.status,
    windowStart: record.windowStart,
    windowEnd: record.windowEnd,
    updatedAt: record.updatedAt,
  };
  if (record.progress !== undefined) view.progress = record.progress;
  if (record.error !== undefined) view.error = record.error;
  if (record.rowCount !== undefined) view.rowCount = record.rowCount;
  if (live?.eventsScanned !== undefined) view.eventsScanned = live.eventsScanned;
  if (live?.eventsMatched !== undefined) view.eventsMatched = live.eventsMatched;
  return view;
}

function disabledView(requestId: string, window: SessionWindow, now: Date): SessionLogQueryView {
  return {
    requestId,
    status: 'DISABLED',
    windowStart: window.start,
    windowEnd: window.end,
    updatedAt: now.toISOString(),
  };
}

const epochSeconds = (date: Date) => Math.floor(date.getTime() / 1000);

/** Whether a stored query can answer for `window` instead of running a new one. */
function reusable(
  record: SessionLogQueryRecord,
  window: SessionWindow,
  provider: SessionLogProvider,
  now: Date,
): boolean {
  if (record.provider !== provider.name || record.queryId === undefined) return false;
  if (record.status === 'FAILED' || record.status === 'DISABLED') return false;
  const sameFinalWindow =
    window.final && record.windowStart === window.start && record.windowEnd === window.end;
  if (sameFinalWindow) return true;
  // Two viewers (or a double click) of a live session share the query already running.
  const inFlight = record.status === 'QUEUED' || record.status === 'RUNNING';
  return inFlight && now.getTime() - Date.parse(record.startedAt) < IN_FLIGHT_REUSE_MS;
}

async function userNameOf(deps: Pick<SessionLogDeps, 'directory'>, request: AccessRequest) {
  if (!deps.directory) return undefined;
  return (await deps.directory.getUser(request.requester.id))?.userName;
}

/**
 * Starts the session-log query of a request, or reuses one: an ended session's FINISHED (or
 * still running) query is reused for five days; a session still going on is queried again up to
 * now (unless a query for it is already running). Readers: the requester, the request's
 * approvers and auditors.
 */
export function makeStartSessionLogQuery(
  deps: SessionLogDeps,
): (caller: CallerIdentity, requestId: string) => Promise<SessionLogQueryView> {
  return async (caller, requestId) => {
    const request = await readableRequest(deps, caller, requestId, 'startSessionLogQuery');
    const now = deps.clock.now();
    const window = sessionWindow(request, now);
    const provider = deps.provider;
    if (!provider) return disabledView(request.id, window, now);

    const existing = await deps.queries.get(request.id);
    if (existing && reusable(existing, window, provider, now)) return viewOf(existing);

    const spec = sessionLogQuerySpec(request, now, { userName: await userNameOf(deps, request) });
    const { queryId } = await provider.start(spec);
    const at = now.toISOString();
    const ttl = window.final ? FINAL_RESULTS_TTL_SECONDS : LIVE_RESULTS_TTL_SECONDS;
    const record: SessionLogQueryRecord = {
      requestId: request.id,
      queryId,
      status: 'QUEUED',
      provider: provider.name,
      startedAt: at,
      windowStart: spec.windowStart,
      windowEnd: spec.windowEnd,
      updatedAt: at,
      expiresAt: epochSeconds(now) + ttl,
    };
    try {
      await deps.queries.start(record, existing?.queryId);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // Someone else started a query for this request meanwhile: theirs answers for both.
      const current = await deps.queries.get(request.id);
      if (current) return viewOf(current);
      throw err;
    }
    return viewOf(record);
  };
}

/** The stored state a provider status moves a query to. */
export function changesFor(status: ProviderQueryStatus, at: string): SessionLogQueryChanges {
  const changes: SessionLogQueryChanges = { updatedAt: at };
  switch (status.state) {
    case 'QUEUED':
    case 'RUNNING':
      changes.status = status.state;
      if (status.progress?.percent !== undefined) {
        changes.progress = Math.max(0, Math.min(100, Math.round(status.progress.percent)));
      }
      return changes;
    case 'FINISHED':
      changes.status = 'FINISHED';
      changes.progress = 100;
      if (status.progress?.eventsMatched !== undefined) changes.rowCount = status.progress.eventsMatched;
      return changes;
    case 'FAILED':
      changes.status = 'FAILED';
      changes.error = status.error ?? 'The session-log query failed.';
      return changes;
    case 'CANCELLED':
      changes.status = 'FAILED';
      changes.error = status.error ?? 'The session-log query was cancelled.';
      return changes;
    case 'TIMED_OUT':
      changes.status = 'FAILED';
      changes.error = status.error ?? 'The session-log query took too long and timed out.';
      return changes;
  }
}

/**
 * The state of a request's session-log query (undefined when none was started). A query still
 * QUEUED/RUNNING is looked at once per call — callers poll, nothing here waits — and its stored
 * state follows (FINISHED with the row count, or FAILED with the reason).
 */
export function makeGetSessionLogQuery(
  deps: SessionLogDeps,
): (caller: CallerIdentity, requestId: string) => Promise<SessionLogQueryView | undefined> {
  return async (caller, requestId) => {
    const request = await readableRequest(deps, caller, requestId, 'getSessionLogs');
    const now = deps.clock.now();
    const provider = deps.provider;
    if (!provider) return disabledView(request.id, sessionWindow(request, now), now);
    const record = await deps.queries.get(request.id);
    if (!record) return undefined;
    const active = record.status === 'QUEUED' || record.status === 'RUNNING';
    if (!active || record.queryId === undefined || record.provider !== provider.name) return viewOf(record);

    const status = await provider.status(record.queryId);
    const changes = changesFor(status, now.toISOString());
    try {
      await deps.queries.update(record.requestId, record.queryId, changes);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // A newer query replaced this one while we looked: report that one.
      const current = await deps.queries.get(request.id);
      return current ? viewOf(current) : undefined;
    }
    return viewOf({ ...record, ...changes }, status.progress);
  };
}

/** Where the next page of logs starts: the provider page, rows of it already served. */
const cursorSchema = z.strictObject({
  q: z.string().min(1).max(512),
  c: z.string().min(1).max(8192).optional(),
  s: z.number().int().min(0).max(1000),
  n: z.number().int().min(1).max(1000),
  w: z.boolean(),
});
type LogCursor = z.infer<typeof cursorSchema>;

// btoa/atob rather than Buffer: the core runs unchanged outside Node too.
function encodeCursor(cursor: LogCursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify(cursor));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function parseCursorText(text: string): unknown {
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    return undefined;
  }
}

function decodeCursor(text: string, queryId: string, writeOnly: boolean): LogCursor {
  const result = cursorSchema.safeParse(text.length <= 16_384 ? parseCursorText(text) : undefined);
  if (!result.success || result.data.q !== queryId || result.data.w !== writeOnly) {
    throw new ValidationError(
      'This page token does not belong to these session logs; start from the first page.',
      'nextToken',
    );
  }
  return result.data;
}

export interface SessionLogsDeps extends SessionLogDeps, SettingsDeps {}

/**
 * A page of a request's session logs, oldest first, each call marked read-only or not and
 * sensitive or not (Settings.sensitiveActions). `writeOnly` leaves out read-only calls; such a
 * page may come back short with a cursor when many reads had to be skipped.
 */
export function makeGetSessionLogs(
  deps: SessionLogsDeps,
): (
  caller: CallerIdentity,
  requestId: string,
  input?: SessionLogsInput,
) => Promise<Page<ClassifiedSessionLogRow>> {
  return async (caller, requestId, input = {}) => {
    const request = await readableRequest(deps, caller, requestId, 'getSessionLogs');
    const provider = deps.provider;
    if (!provider) throw new ValidationError('No session-log provider is configured for this deployment.');
    const record = await deps.queries.get(request.id);
    if (!record || record.queryId === undefined || record.provider !== provider.name) {
      throw new NotFoundError('No session-log query was run for this request yet; start one first.');
    }
    if (record.status !== 'FINISHED') {
      throw new ValidationError(
        record.status === 'FAILED'
          ? `The session-log query failed: ${record.error ?? 'no reason given'}. Start it again.`
          : 'The session-log query has not finished yet.',
      );
    }
    const queryId = record.queryId;
    const writeOnlyView = input.writeOnly === true;
    const { limit } = clampPage({ limit: input.limit });
    let state: LogCursor = input.cursor
      ? decodeCursor(input.cursor, queryId, writeOnlyView)
      : { q: queryId, s: 0, n: writeOnlyView ? WRITE_ONLY_SCAN_PAGE : limit, w: writeOnlyView };
    const sensitive = (await loadSettings(deps)).sensitiveActions;

    const items: ClassifiedSessionLogRow[] = [];
    for (let pages = 0; pages < MAX_PROVIDER_PAGES_PER_CALL; pages++) {
      const page = await provider.results(queryId, state.c, state.n);
      const rows: SessionLogRow[] = page.rows.slice(state.s);
      const classified = classifyActions(rows, sensitive);
      for (const [i, row] of classified.entries()) {
        if (writeOnlyView && row.readOnly) continue;
        items.push(row);
        if (items.length === limit) {
          const served = state.s + i + 1;
          const next: LogCursor | undefined =
            served < page.rows.length
              ? { ...state, s: served }
              : page.nextCursor
                ? { ...state, c: page.nextCursor, s: 0 }
                : undefined;
          return next ? { items, nextCursor: encodeCursor(next) } : { items };
        }
      }
      if (!page.nextCursor) return { items };
      state = { ...state, c: page.nextCursor, s: 0 };
    }
    return { items, nextCursor: encodeCursor(state) };
  };
}
