/**
 * The api's session-log operations over the query use cases: the state of a request's query, its
 * rows, and starting one, which hands a new query to the session-logs function (the follower)
 * so its progress is pushed to subscribers. Without a provider the feature is hidden: readers get
 * DISABLED (and no rows) whatever the request's status, others are refused.
 */
import type { Clock, Directory, RequestRepository } from '../ports';
import type { SettingsDeps } from '../settings/settings';
import type { CallerIdentity, Page } from '../types';
import type { ClassifiedSessionLogRow } from './classify';
import type { SessionLogJob, SessionLogPorts, SessionLogQueryStore, SessionLogState } from './ports';
import {
  makeGetSessionLogQuery,
  makeGetSessionLogs,
  makeStartSessionLogQuery,
  readableRequest,
  type SessionLogsDeps,
  type SessionLogsInput,
} from './queries';
import { sessionWindow } from './window';

/** The api's session-log operations; each one authorizes the caller against the stored request. */
export interface SessionLogService {
  /** The query state of a request; undefined when none was started. One provider look at most. */
  state(caller: CallerIdentity, requestId: string): Promise<SessionLogState | undefined>;
  /** Starts (or reuses) the request's query and hands a new one to the follower. */
  start(caller: CallerIdentity, requestId: string): Promise<SessionLogState>;
  /** A page of the finished query's classified rows (an empty page when DISABLED). */
  events(
    caller: CallerIdentity,
    requestId: string,
    input?: SessionLogsInput,
  ): Promise<Page<ClassifiedSessionLogRow>>;
}

export interface SessionLogServiceDeps extends SettingsDeps {
  requests: Pick<RequestRepository, 'get'>;
  clock: Clock;
  /** Gives the requester's IAM Identity Center user name (the role session name). */
  directory?: Pick<Directory, 'getUser'>;
  sessionLogs: SessionLogPorts;
}

/** The api's session-log operations (see the module comment). */
export function makeSessionLogService(deps: SessionLogServiceDeps): SessionLogService {
  const { provider, queries, follower } = deps.sessionLogs;
  const core: SessionLogsDeps = {
    requests: deps.requests,
    queries,
    clock: deps.clock,
    settings: deps.settings,
    ...(provider ? { provider } : {}),
    ...(deps.directory ? { directory: deps.directory } : {}),
    ...(deps.fallback ? { fallback: deps.fallback } : {}),
  };
  const getState = makeGetSessionLogQuery(core);
  const getRows = makeGetSessionLogs(core);

  const disabled = async (
    caller: CallerIdentity,
    requestId: string,
    operation: 'getSessionLogs' | 'startSessionLogQuery',
  ): Promise<SessionLogState> => {
    const request = await readableRequest(deps, caller, requestId, operation);
    const now = deps.clock.now();
    const state: SessionLogState = {
      requestId: request.id,
      status: 'DISABLED',
      updatedAt: now.toISOString(),
    };
    try {
      const window = sessionWindow(request, now);
      return { ...state, windowStart: window.start, windowEnd: window.end };
    } catch {
      // Never granted: there is no window to show.
      return state;
    }
  };

  return {
    async state(caller, requestId) {
      if (!provider) return disabled(caller, requestId, 'getSessionLogs');
      return getState(caller, requestId);
    },

    async start(caller, requestId) {
      if (!provider) return disabled(caller, requestId, 'startSessionLogQuery');
      // The use case stores the new query through this store: that is how we learn its id, and
      // that it is new (a reused query is already being followed).
      let started: SessionLogJob | undefined;
      const recording: SessionLogQueryStore = {
        get: (id) => queries.get(id),
        update: (id, queryId, changes) => queries.update(id, queryId, changes),
        async start(record, replacing) {
          await queries.start(record, replacing);
          if (record.queryId !== undefined)
            started = { requestId: record.requestId, queryId: record.queryId };
        },
      };
      const view = await makeStartSessionLogQuery({ ...core, queries: recording })(caller, requestId);
      if (started && follower) await follower.dispatch(started);
      return view;
    },

    async events(caller, requestId, input = {}) {
      if (!provider) {
        await disabled(caller, requestId, 'getSessionLogs');
        return { items: [] };
      }
      return getRows(caller, requestId, input);
    },
  };
}
