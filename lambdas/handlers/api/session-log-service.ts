/**
 * Session activity logs in the handlers: the ports a deployment plugs in (the provider, the
 * query state per request, who follows a started query, who publishes its progress) and the
 * api's three operations over the core use cases. The api starts a query and hands it to the
 * session-logs function, which follows it to the end and publishes each change; the api's
 * `sessionLogQuery` looks at the provider once per call, so polling clients see progress too.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { authorize } from '../../core/authorization';
import { NotFoundError } from '../../core/errors';
import type { Clock, Directory, RequestRepository } from '../../core/ports';
import {
  makeGetSessionLogQuery,
  makeGetSessionLogs,
  makeStartSessionLogQuery,
  sessionWindow,
  type ClassifiedSessionLogRow,
  type SessionLogProvider,
  type SessionLogQueryStore,
  type SessionLogQueryView,
  type SessionLogsInput,
} from '../../core/session-logs';
import type { CallerIdentity, Page } from '../../core/types';
import type { SettingsDeps } from '../../core/settings/settings';
import { AppSyncRealtimePublisher } from '../router/realtime';
import { sessionLogQueryToGraphQL, type SessionLogState } from './shapes/session-logs';

/** A started query for the session-logs function to follow (its invocation payload). */
export interface SessionLogJob {
  requestId: string;
  queryId: string;
}

/**
 * Hands a started query to whoever follows it, without waiting for it to be followed. Never
 * throws: an unreachable follower costs only the live updates (`sessionLogQuery` still polls).
 */
export interface SessionLogFollower {
  dispatch(job: SessionLogJob): Promise<void>;
}

/** Fans a query's state out to the `onSessionLogQuery` subscribers of its request. */
export interface SessionLogPublisher {
  publishSessionLogQuery(view: SessionLogQueryView): Promise<void>;
}

/** What a deployment plugs in for session logs. */
export interface SessionLogPorts {
  /** Undefined when the deployment has none (`SESSION_LOG_PROVIDER=none`): all DISABLED. */
  provider?: SessionLogProvider;
  queries: SessionLogQueryStore;
  /** The api's way to the session-logs function. */
  follower?: SessionLogFollower;
  /** The session-logs function's way to subscribers. */
  publisher?: SessionLogPublisher;
}

/** Where a failed dispatch is reported (Powertools Logger fits). */
export interface WarnLog {
  warn(message: string, ...extra: unknown[]): void;
}

/** No provider: nothing is ever stored, every state is DISABLED. */
export function disabledSessionLogs(_clock?: Clock): SessionLogPorts {
  const refuse = async (): Promise<never> => {
    throw new Error('No session-log provider is configured, so no session-log query is stored.');
  };
  return { queries: { get: async () => undefined, start: refuse, update: refuse } };
}

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

/**
 * The query store as both the api and the follower use it: a look taken before the query ended
 * (so QUEUED or RUNNING) is not stored over the FINISHED or FAILED someone else stored meanwhile.
 * The repository's write is conditional on the query id only, so a look that lands between this
 * read and that write can still go back a state; the next look puts it right (states only move
 * forward at the provider).
 */
export function forwardOnly(store: SessionLogQueryStore): SessionLogQueryStore {
  return {
    get: (requestId) => store.get(requestId),
    start: (record, replacing) => store.start(record, replacing),
    async update(requestId, queryId, changes) {
      if (changes.status === 'QUEUED' || changes.status === 'RUNNING') {
        const current = await store.get(requestId);
        const ended = current?.status === 'FINISHED' || current?.status === 'FAILED';
        if (current?.queryId === queryId && ended) return;
      }
      await store.update(requestId, queryId, changes);
    },
  };
}

/** Request ids that can exist (the core checks the same before any lookup). */
const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;

/**
 * The api's session-log operations over the core use cases. Without a provider the feature is
 * hidden: readers get DISABLED (and no rows) whatever the request's status, others are refused.
 */
export function makeSessionLogService(deps: SessionLogServiceDeps): SessionLogService {
  const { provider, queries, follower } = deps.sessionLogs;
  const core = {
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
    const request = REQUEST_ID.test(requestId) ? await deps.requests.get(requestId) : undefined;
    if (request === undefined) throw new NotFoundError('This request does not exist.');
    authorize(operation, caller, request);
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
      // The core stores the new query through this store: that is how we learn its id, and
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

/** Hands started queries to the session-logs function as asynchronous (`Event`) invocations. */
export class LambdaSessionLogFollower implements SessionLogFollower {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
    private readonly log: WarnLog,
  ) {}

  async dispatch(job: SessionLogJob): Promise<void> {
    try {
      const out = await this.client.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(job)),
        }),
      );
      if (out.StatusCode !== 202) throw new Error(`Lambda answered HTTP ${String(out.StatusCode)}`);
    } catch (error) {
      this.log.warn('Could not hand a session-log query to the session-logs function', {
        ...job,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

export const PUBLISH_SESSION_LOG_QUERY = /* GraphQL */ `
  mutation PublishSessionLogQuery($input: PublishSessionLogQueryInput!) {
    publishSessionLogQuery(input: $input) {
      requestId
      status
      progress
      error
      windowStart
      windowEnd
      rowCount
      updatedAt
    }
  }
`;

/**
 * The IAM-only `publishSessionLogQuery` mutation over the router's signed AppSync client. It
 * selects every field: AppSync pushes subscribers only what the publisher selected.
 */
export class AppSyncSessionLogPublisher extends AppSyncRealtimePublisher implements SessionLogPublisher {
  async publishSessionLogQuery(view: SessionLogQueryView): Promise<void> {
    await this.send(PUBLISH_SESSION_LOG_QUERY, { input: sessionLogQueryToGraphQL(view) });
  }
}
