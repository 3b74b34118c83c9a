/**
 * Reading one request and its audit trail: the people on the request and auditors. And how
 * every operation on one request finds it (`authorizedRequest`).
 */
import { authorize, type ApiOperation } from '../authorization';
import { clampPage, type PageInput } from '../paging';
import type { CoreDeps, RequestRepository } from '../ports';
import type { AccessRequest, AuditEvent, CallerIdentity, Page } from '../types';

/** What a request id can look like (they are UUIDs); any other value names no request. */
export const REQUEST_ID = /^[A-Za-z0-9-]{1,64}$/;

/** The operations on one stored request. */
export type RequestOperation = Extract<
  ApiOperation,
  | 'getRequest'
  | 'listRequestEvents'
  | 'approveRequest'
  | 'rejectRequest'
  | 'cancelRequest'
  | 'revokeRequest'
  | 'extendRequest'
  | 'approveExtension'
  | 'rejectExtension'
  | 'reviewRequest'
  | 'startSessionLogQuery'
  | 'getSessionLogs'
>;

/**
 * The request `requestId` names, once `caller` may do `operation` on it. A request that does not
 * exist, and a value that cannot be a request id, are refused exactly like a request the caller
 * may not see: the operation's ForbiddenError, same type and message. So no answer tells anyone
 * whether a request they may not see exists.
 */
export async function authorizedRequest(
  deps: { requests: Pick<RequestRepository, 'get'> },
  caller: CallerIdentity,
  requestId: unknown,
  operation: RequestOperation,
): Promise<AccessRequest> {
  const request =
    typeof requestId === 'string' && REQUEST_ID.test(requestId)
      ? await deps.requests.get(requestId)
      : undefined;
  // Without a request to decide on, authorize refuses every operation on one request.
  authorize(operation, caller, request);
  return request as AccessRequest;
}

/**
 * One request, for its requester, its listed approvers and auditors; refused alike to everyone
 * else and for a request that does not exist.
 */
export function makeGetRequest(
  deps: Pick<CoreDeps, 'requests'>,
): (caller: CallerIdentity, requestId: string) => Promise<AccessRequest> {
  return (caller, requestId) => authorizedRequest(deps, caller, requestId, 'getRequest');
}

/** A request's audit trail, oldest first, for the same people who may read the request. */
export function makeListRequestEvents(
  deps: Pick<CoreDeps, 'requests'>,
): (caller: CallerIdentity, requestId: string, page?: PageInput) => Promise<Page<AuditEvent>> {
  return async (caller, requestId, page) => {
    await authorizedRequest(deps, caller, requestId, 'listRequestEvents');
    return deps.requests.listEvents(requestId, clampPage(page));
  };
}
