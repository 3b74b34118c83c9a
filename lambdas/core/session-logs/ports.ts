/**
 * Session activity logs: the data a log query returns and the ports the use cases need (the log
 * provider — CloudTrail Lake or Athena —, the store of per-request query state, who follows a
 * started query and who publishes its progress).
 */
import { DomainError } from '../errors';

/** One API call of the session, as the provider reports it. */
export interface SessionLogRow {
  eventId: string;
  /** ISO 8601 UTC. */
  eventTime: string;
  eventName: string;
  eventSource: string;
  awsRegion?: string;
  /** Source IP address, or the AWS service that acted for the user (`AWS Internal`). */
  sourceIp?: string;
  userAgent?: string;
  /** As CloudTrail recorded it; undefined when the event does not say. */
  readOnly?: boolean;
  errorCode?: string;
  accountId: string;
  /** The role session name: the IAM Identity Center user name. */
  userName: string;
}

/**
 * Everything a provider needs to find one session's activity. Every value comes from the stored
 * request and passed a strict pattern (see `sessionLogQuerySpec`); providers still bind them as
 * query parameters, never as SQL text.
 */
export interface SessionLogQuerySpec {
  /** 12 digits. */
  accountId: string;
  /** IAM Identity Center user name, `[\w+=,.@-]{1,128}`. */
  userName: string;
  /** Permission set name, `[\w+=,.@-]{1,32}`. */
  permissionSetName: string;
  /** ISO 8601 UTC, inclusive. */
  windowStart: string;
  /** ISO 8601 UTC, inclusive. */
  windowEnd: string;
}

export const PROVIDER_QUERY_STATES = [
  'QUEUED',
  'RUNNING',
  'FINISHED',
  'FAILED',
  'CANCELLED',
  'TIMED_OUT',
] as const;
export type ProviderQueryState = (typeof PROVIDER_QUERY_STATES)[number];

export interface ProviderQueryProgress {
  eventsScanned?: number;
  eventsMatched?: number;
  bytesScanned?: number;
  /** 0–100, only when the provider can tell. */
  percent?: number;
}

export interface ProviderQueryStatus {
  state: ProviderQueryState;
  progress?: ProviderQueryProgress;
  /** Why the query failed, in the provider's words. */
  error?: string;
}

/** A session-log source: CloudTrail Lake, Athena over an organization trail, or a fake. */
export interface SessionLogProvider {
  /** Stored with the query state (`cloudtrail-lake`, `athena`) so a changed deployment re-runs. */
  readonly name: string;
  start(spec: SessionLogQuerySpec): Promise<{ queryId: string }>;
  /** One look at the query; never waits for it to change. */
  status(queryId: string): Promise<ProviderQueryStatus>;
  /**
   * One page of a FINISHED query's rows, oldest first. The same (queryId, cursor, limit) always
   * returns the same page.
   */
  results(
    queryId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ rows: SessionLogRow[]; nextCursor?: string }>;
}

/** A provider refused or could not run a query; the message is safe to show. */
export class SessionLogProviderError extends DomainError {
  readonly errorType = 'SessionLogProviderError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

export type SessionLogQueryStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'DISABLED';

/** The stored state of one request's session-log query (table `SessionLogQueries`). */
export interface SessionLogQueryRecord {
  requestId: string;
  /** The provider's query id, once started. */
  queryId?: string;
  status: SessionLogQueryStatus;
  provider: string;
  startedAt: string;
  windowStart: string;
  windowEnd: string;
  /** Percent done, when the provider reports it. */
  progress?: number;
  rowCount?: number;
  error?: string;
  updatedAt: string;
  /** Epoch seconds; the record is not served at or after this time (DynamoDB TTL). */
  expiresAt: number;
}

export type SessionLogQueryChanges = Partial<
  Pick<SessionLogQueryRecord, 'status' | 'progress' | 'rowCount' | 'error' | 'queryId' | 'expiresAt'>
> & { updatedAt: string };

/** What the API shows of a request's session-log query. */
export interface SessionLogQueryView {
  requestId: string;
  status: SessionLogQueryStatus;
  /** Percent done while QUEUED/RUNNING, when the provider tells. */
  progress?: number;
  error?: string;
  windowStart: string;
  windowEnd: string;
  rowCount?: number;
  updatedAt: string;
  /** Live statistics of this look at the provider (not stored). */
  eventsScanned?: number;
  eventsMatched?: number;
}

/**
 * A query's state as the api answers it: a view, or DISABLED without a window when the request
 * was never granted (there is no session to search).
 */
export type SessionLogState = Omit<SessionLogQueryView, 'windowStart' | 'windowEnd'> &
  Partial<Pick<SessionLogQueryView, 'windowStart' | 'windowEnd'>>;

/**
 * Query state per request. `start` is conditional: `replacing` is the query id the caller saw
 * (undefined: none, or expired); a mismatch throws ConflictError. `update` applies only while
 * `queryId` is still the stored one (else ConflictError). Expired records read as undefined.
 */
export interface SessionLogQueryStore {
  get(requestId: string): Promise<SessionLogQueryRecord | undefined>;
  start(record: SessionLogQueryRecord, replacing?: string): Promise<void>;
  update(requestId: string, queryId: string, changes: SessionLogQueryChanges): Promise<void>;
}

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

/** What a deployment plugs in for the api's session-log operations. */
export interface SessionLogPorts {
  /** Undefined when the deployment has none (`SESSION_LOG_PROVIDER=none`): all DISABLED. */
  provider?: SessionLogProvider;
  queries: SessionLogQueryStore;
  /** The api's way to the session-logs function. */
  follower?: SessionLogFollower;
}
