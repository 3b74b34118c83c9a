/**
 * The auditors' side of session review: the flagged sessions still to review (or reviewed), one
 * session's summary, and marking a flagged session reviewed with a comment. Auditors and admins
 * only; nobody reviews their own session.
 */
import { actorOf } from '../audit';
import { authorize } from '../authorization';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../errors';
import { clampPage, type PageInput } from '../paging';
import type { Clock, RequestRepository } from '../ports';
import { REQUEST_ID } from '../requests/read-requests';
import type { CallerIdentity, Page } from '../types';
import { validateMarkSessionReviewed } from './mark-session-reviewed-input';
import type { SessionReviewList, SessionSummary, SessionSummaryStore } from './ports';
import { recordSessionReview, type SessionCounter } from './store';

export interface ListSessionsToReviewInput extends PageInput {
  /** Which flagged sessions: still to review (default) or reviewed. */
  state?: SessionReviewList | null;
}

/** Flagged sessions in one review state, most recently ended first (auditors and admins). */
export function makeListSessionsToReview(deps: {
  summaries: Pick<SessionSummaryStore, 'listByReviewState'>;
}): (caller: CallerIdentity, input?: ListSessionsToReviewInput) => Promise<Page<SessionSummary>> {
  return async (caller, input = {}) => {
    authorize('listSessionsToReview', caller);
    return deps.summaries.listByReviewState(input.state ?? 'to-review', clampPage(input));
  };
}

/**
 * The summary of one session (auditors and admins): pending, computed or unavailable;
 * undefined when the request has none (not ended yet, never granted, or no provider).
 */
export function makeGetSessionSummary(deps: {
  summaries: Pick<SessionSummaryStore, 'get'>;
}): (caller: CallerIdentity, requestId: string) => Promise<SessionSummary | undefined> {
  return async (caller, requestId) => {
    authorize('getSessionSummary', caller);
    if (!REQUEST_ID.test(requestId)) return undefined;
    return deps.summaries.get(requestId);
  };
}

export interface SessionReviewDeps {
  summaries: Pick<SessionSummaryStore, 'get' | 'putReview'>;
  requests: Pick<RequestRepository, 'get'>;
  clock: Clock;
  /** Counts the review for the dashboard. */
  dashboard?: SessionCounter;
}

/**
 * Marks a flagged session reviewed, with the auditor's comment (required): recorded on the
 * summary and on the request's audit trail together. Refused for one's own session
 * (Unauthorized), for a session that needs no review (ValidationError), and once reviewed
 * (Conflict).
 */
export function makeMarkSessionReviewed(
  deps: SessionReviewDeps,
): (caller: CallerIdentity, input: unknown) => Promise<SessionSummary> {
  return async (caller, input) => {
    authorize('markSessionReviewed', caller);
    const valid = validateMarkSessionReviewed(input);
    const summary = await deps.summaries.get(valid.requestId);
    if (!summary) throw new NotFoundError('This request has no session summary.');
    if (summary.requester.id === caller.userId) {
      throw new ForbiddenError('You may not review your own session; another auditor has to.');
    }
    if (summary.reviewState === 'reviewed') {
      const by = summary.reviewedBy;
      throw new ConflictError(`This session was already reviewed${by ? ` by ${by.name ?? by.email}` : ''}.`);
    }
    if (summary.reviewState !== 'to-review') {
      throw new ValidationError(
        summary.reviewState === 'pending'
          ? 'The summary of this session is not computed yet, so it cannot be reviewed.'
          : 'This session used no sensitive action, so it needs no review.',
        'requestId',
      );
    }
    const request = await deps.requests.get(summary.requestId);
    try {
      return await recordSessionReview(deps, summary, {
        by: actorOf(caller),
        at: deps.clock.now(),
        comment: valid.comment,
        requestVersion: request?.version ?? 0,
      });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      const now = await deps.summaries.get(summary.requestId);
      const by = now?.reviewedBy;
      throw new ConflictError(
        now?.reviewState === 'reviewed'
          ? `This session was reviewed meanwhile${by ? ` by ${by.name ?? by.email}` : ''}.`
          : 'This session changed while you were reviewing it. Refresh and try again.',
      );
    }
  };
}
