/**
 * The two changes that matter to whoever counts sessions: a summary becoming final (computed,
 * flagged or not) and a flagged session being reviewed. Each happens in exactly one function
 * here, which every use case goes through.
 */
import { auditEventId } from '../audit';
import { ConflictError } from '../errors';
import type { DashboardRecorder } from '../dashboard/record';
import type { SessionReviewSource } from '../dashboard/rebuild';
import type { Actor, AuditEvent } from '../types';
import type { SessionActivitySummary, SessionSummary, SessionSummaryStore } from './ports';
import { needsReview } from './summarize';

/** What a final look found: the summary of the calls, or why the logs could not be read. */
/** Who counts flagged sessions and their reviews for the dashboard (never throws). */
export type SessionCounter = Pick<DashboardRecorder, 'recordSessionReview'>;

/** What the dashboard counts of a stored summary. */
function countOf(summary: SessionSummary) {
  return {
    requestId: summary.requestId,
    endedAt: summary.endedAt,
    flagged: summary.flagged,
    ...(summary.reviewedAt !== undefined && { reviewedAt: summary.reviewedAt }),
  };
}

export type SummaryOutcome =
  | { status: 'complete'; activity: SessionActivitySummary; windowStart: string; windowEnd: string }
  | { status: 'unavailable'; error: string; windowStart?: string; windowEnd?: string };

/**
 * Stores the final summary of a pending session (conditional on the version read): `complete`
 * with its activity, flagged for review when `needsReview` says so, or `unavailable` with the
 * reason (never flagged). Returns the stored summary; ConflictError when it changed meanwhile.
 */
export async function storeSessionSummary(
  deps: { summaries: Pick<SessionSummaryStore, 'put'>; dashboard?: SessionCounter },
  current: SessionSummary,
  outcome: SummaryOutcome,
  at: Date,
): Promise<SessionSummary> {
  if (current.status !== 'pending') {
    throw new ConflictError(`The session summary of request ${current.requestId} is already stored.`);
  }
  const {
    dueAt: _dueAt,
    queryId: _queryId,
    queryStartedAt: _queryStartedAt,
    lastError: _lastError,
    ...kept
  } = current;
  const flagged = outcome.status === 'complete' && needsReview(outcome.activity);
  const next: SessionSummary = {
    ...kept,
    status: outcome.status,
    computedAt: at.toISOString(),
    flagged,
    reviewState: flagged ? 'to-review' : 'not-needed',
    updatedAt: at.toISOString(),
    version: current.version + 1,
  };
  if (outcome.windowStart !== undefined) next.windowStart = outcome.windowStart;
  if (outcome.windowEnd !== undefined) next.windowEnd = outcome.windowEnd;
  if (outcome.status === 'complete') next.activity = outcome.activity;
  else next.lastError = outcome.error;
  await deps.summaries.put(next, current.version);
  await deps.dashboard?.recordSessionReview(countOf(next));
  return next;
}

/** The review an auditor gives a flagged session. */
export interface SessionReviewGiven {
  by: Actor;
  at: Date;
  comment: string;
  /** The request's version, which orders the audit event among the request's own events. */
  requestVersion: number;
}

/** What the audit trail says of a review. */
function reviewDetail(summary: SessionSummary): string {
  const calls = summary.activity?.sensitiveCalls ?? 0;
  const sensitive = `${calls} sensitive ${calls === 1 ? 'call' : 'calls'}`;
  return summary.activity?.truncated
    ? `Session activity reviewed (${sensitive}; more calls than the summary reads)`
    : `Session activity reviewed (${sensitive})`;
}

/**
 * Marks a flagged session reviewed: the summary moves from `to-review` to `reviewed` with who,
 * when and why, together with a `session-reviewed` event on the request's audit trail (one
 * conditional write). Returns the stored summary; ConflictError when it changed meanwhile.
 */
export async function recordSessionReview(
  deps: { summaries: Pick<SessionSummaryStore, 'putReview'>; dashboard?: SessionCounter },
  current: SessionSummary,
  review: SessionReviewGiven,
): Promise<SessionSummary> {
  if (current.reviewState !== 'to-review') {
    throw new ConflictError(`The session of request ${current.requestId} is not waiting for a review.`);
  }
  const at = review.at.toISOString();
  const next: SessionSummary = {
    ...current,
    reviewState: 'reviewed',
    reviewedBy: review.by,
    reviewedAt: at,
    reviewComment: review.comment,
    updatedAt: at,
    version: current.version + 1,
  };
  const event: AuditEvent = {
    requestId: current.requestId,
    id: auditEventId(at, review.requestVersion, 'session-review'),
    at,
    action: 'session-reviewed',
    actor: review.by,
    comment: review.comment,
    detail: reviewDetail(current),
  };
  await deps.summaries.putReview(next, current.version, event);
  await deps.dashboard?.recordSessionReview(countOf(next));
  return next;
}

/**
 * Every flagged session's counting facts, page by page (to review, then reviewed): what the
 * dashboard's rebuild folds. Sessions that needed no review count nothing.
 */
export function flaggedSessionFacts(
  summaries: Pick<SessionSummaryStore, 'listByReviewState'>,
): SessionReviewSource {
  const STATES = ['to-review', 'reviewed'] as const;
  return {
    async listAllFacts(cursor) {
      // The cursor names the list it belongs to: `<state index>:<the store's cursor>`.
      const split = cursor?.indexOf(':') ?? -1;
      const state = cursor === undefined ? 0 : Number(cursor.slice(0, split));
      const inner = cursor === undefined || split < 0 ? undefined : cursor.slice(split + 1) || undefined;
      const page = await summaries.listByReviewState(STATES[state] ?? 'reviewed', {
        limit: 100,
        ...(inner !== undefined && { cursor: inner }),
      });
      const next =
        page.nextCursor !== undefined
          ? `${state}:${page.nextCursor}`
          : state + 1 < STATES.length
            ? `${state + 1}:`
            : undefined;
      return { items: page.items.map(countOf), ...(next !== undefined && { nextCursor: next }) };
    },
  };
}
