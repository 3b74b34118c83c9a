/**
 * Session review: what a session did, summarized from its session logs once it ended, and
 * whether an auditor looked at it. The stored record (`SessionSummary`, table `SessionSummaries`)
 * and the ports the use cases need. Not to be confused with the review of break-glass access
 * (`AccessRequest.review`), which approvers give to the request itself.
 */
import type { AccessRequest, Actor, AuditEvent, Page, PageRequest } from '../types';

/**
 * Where the summary stands: `pending` while it waits for the session's logs (first look, a
 * retry, or a query still running), `complete` once computed from the logs (possibly from none:
 * the session made no call), `unavailable` when the logs could not be read before the
 * late-delivery window closed.
 */
export const SESSION_SUMMARY_STATUSES = ['pending', 'complete', 'unavailable'] as const;
export type SessionSummaryStatus = (typeof SESSION_SUMMARY_STATUSES)[number];

/**
 * Whether the session needs an auditor's look: `pending` until the summary is computed,
 * `to-review` when it is flagged, `reviewed` once an auditor marked it, `not-needed` otherwise.
 */
export const SESSION_REVIEW_STATES = ['pending', 'to-review', 'reviewed', 'not-needed'] as const;
export type SessionReviewState = (typeof SESSION_REVIEW_STATES)[number];

/** The lists of flagged sessions: still to review, or reviewed. */
export const SESSION_REVIEW_LISTS = ['to-review', 'reviewed'] as const;
export type SessionReviewList = (typeof SESSION_REVIEW_LISTS)[number];

/** Calls made to one AWS service. */
export interface ServiceCalls {
  eventSource: string;
  calls: number;
  /** Calls that were not read-only. */
  writes: number;
}

/** Calls of one action (`eventSource:eventName`). */
export interface ActionCalls {
  eventSource: string;
  eventName: string;
  calls: number;
  /** Calls without an error code. */
  succeeded: number;
  /** Calls refused for lack of permission. */
  denied: number;
}

/** Calls of one action refused with one error code. */
export interface DeniedCalls {
  eventSource: string;
  eventName: string;
  errorCode: string;
  calls: number;
}

/** Calls from one source IP address (or the AWS service that acted for the user). */
export interface SourceIpCalls {
  sourceIp: string;
  calls: number;
}

/** What the session's logs show, in numbers and bounded lists (most calls first). */
export interface SessionActivitySummary {
  totalCalls: number;
  readCalls: number;
  writeCalls: number;
  /** Calls with any error code (access denied included). */
  failedCalls: number;
  accessDeniedCalls: number;
  /** Successful calls of sensitive actions (Settings.sensitiveActions): what flags a session. */
  sensitiveCalls: number;
  /** Sensitive actions attempted and refused for lack of permission. */
  sensitiveDeniedCalls: number;
  firstCallAt?: string;
  lastCallAt?: string;
  services: ServiceCalls[];
  /** Actions that were not read-only. */
  writeActions: ActionCalls[];
  /** Actions of the sensitive list, succeeded or not. */
  sensitiveActions: ActionCalls[];
  accessDenied: DeniedCalls[];
  sourceIps: SourceIpCalls[];
  /** The session made more calls than a summary reads: what follows is of the first ones only. */
  truncated: boolean;
}

/** The stored summary of one ended session, keyed by its request. */
export interface SessionSummary {
  requestId: string;
  accountId: string;
  accountName: string;
  permissionSetArn: string;
  permissionSetName: string;
  requester: Actor;
  /** The requester's IAM Identity Center user name (the role session name the logs show). */
  userName?: string;
  /** When Identity Center confirmed the access. */
  grantedAt: string;
  /** When access ended (its time was up, or it was revoked). */
  endedAt: string;
  endStatus: 'ended' | 'revoked';
  breakGlass: boolean;
  status: SessionSummaryStatus;
  /** The session-log provider the summary is (to be) computed with. */
  provider: string;
  /** Looks at the logs that found nothing or failed. */
  attempts: number;
  /** While pending: when the next look is due. */
  dueAt?: string;
  /** While a look's query runs at the provider. */
  queryId?: string;
  queryStartedAt?: string;
  /** Why the last look failed, in plain words. */
  lastError?: string;
  /** When the summary was computed (complete or unavailable). */
  computedAt?: string;
  windowStart?: string;
  windowEnd?: string;
  activity?: SessionActivitySummary;
  /** The session used sensitive actions (or made more calls than a summary reads). */
  flagged: boolean;
  reviewState: SessionReviewState;
  reviewedBy?: Actor;
  reviewedAt?: string;
  reviewComment?: string;
  createdAt: string;
  updatedAt: string;
  /** Incremented on every write; writes are conditional on it. */
  version: number;
}

/**
 * The summaries. Every change is conditional: `create` only where none exists, `put` and
 * `putReview` only on the version read (ConflictError otherwise).
 */
export interface SessionSummaryStore {
  /** Stores a new (pending) summary; false, and nothing written, when the request has one. */
  create(summary: SessionSummary): Promise<boolean>;
  get(requestId: string): Promise<SessionSummary | undefined>;
  /** Pending summaries due at or before `now`, earliest first, at most `limit`. */
  listDue(now: string, limit: number): Promise<SessionSummary[]>;
  /** Replaces the summary while its stored version is `expectedVersion`. */
  put(next: SessionSummary, expectedVersion: number): Promise<void>;
  /**
   * Stores a review: the summary (while its stored version is `expectedVersion` and it is still
   * to review) together with its audit event on the request's trail, in one write.
   */
  putReview(next: SessionSummary, expectedVersion: number, event: AuditEvent): Promise<void>;
  /** Flagged sessions in one review state, most recently ended first. */
  listByReviewState(state: SessionReviewList, page: PageRequest): Promise<Page<SessionSummary>>;
}

/**
 * What the end of access tells session review: the workflow's end step and the end of revoked
 * access call it once access is gone (repeating a call is harmless).
 */
export interface SessionEndedSink {
  sessionEnded(request: AccessRequest): Promise<void>;
}
