/** The request lists of the app's pages, each one page of an index shaped for it. */
import { authorize } from '../authorization';
import { clampPage, type PageInput } from '../paging';
import type { CoreDeps } from '../ports';
import type { AccessRequest, CallerIdentity, Page } from '../types';

/** A list use case: the caller and an optional page (size clamped to 1–100, default 20). */
export type ListRequests = (caller: CallerIdentity, page?: PageInput) => Promise<Page<AccessRequest>>;

type Deps = Pick<CoreDeps, 'requests'>;

/** The caller's own requests, newest first. */
export function makeListMyRequests(deps: Deps): ListRequests {
  return async (caller, page) => {
    authorize('listMyRequests', caller);
    return deps.requests.listByRequester(caller.userId, clampPage(page));
  };
}

/**
 * Pending requests the caller may decide, newest first. Never the caller's own: approvers are
 * resolved without the requester, and a stale list naming them is filtered here as well. Only
 * `pending` ones: an index keyed by phase also holds approved requests waiting to be scheduled.
 */
export function makeListPendingApprovals(deps: Deps): ListRequests {
  return async (caller, page) => {
    authorize('listPendingApprovals', caller);
    const result = await deps.requests.listPendingForApprover(caller.userId, clampPage(page));
    return {
      ...result,
      items: result.items.filter((r) => r.status === 'pending' && r.requester.id !== caller.userId),
    };
  };
}

/** Requests the caller approved or rejected, most recent decision first. */
export function makeListMyApprovals(deps: Deps): ListRequests {
  return async (caller, page) => {
    authorize('listMyApprovals', caller);
    return deps.requests.listDecidedBy(caller.userId, clampPage(page));
  };
}

/** Scheduled and in-progress access where the caller is the requester or an approver. */
export function makeListActiveAccess(deps: Deps): ListRequests {
  return async (caller, page) => {
    authorize('listActiveAccess', caller);
    return deps.requests.listActiveFor(caller.userId, clampPage(page));
  };
}

/** Ended and revoked access where the caller is the requester or an approver, most recent first. */
export function makeListEndedAccess(deps: Deps): ListRequests {
  return async (caller, page) => {
    authorize('listEndedAccess', caller);
    return deps.requests.listEndedFor(caller.userId, clampPage(page));
  };
}

/** Every request, newest first (auditors). */
export function makeListAuditRequests(deps: Deps): ListRequests {
  return async (caller, page) => {
    authorize('listAuditRequests', caller);
    return deps.requests.listAll(clampPage(page));
  };
}

/** Every elevated access session (scheduled, in progress, ended, revoked), newest start first (auditors). */
export function makeListAuditSessions(deps: Deps): ListRequests {
  return async (caller, page) => {
    authorize('listAuditSessions', caller);
    return deps.requests.listSessions(clampPage(page));
  };
}

/** Break-glass access whose review is still needed, newest first (auditors and admins). */
export function makeListReviewsPending(deps: Deps): ListRequests {
  return async (caller, page) => {
    authorize('listReviewsPending', caller);
    return deps.requests.listReviewsPending(clampPage(page));
  };
}
