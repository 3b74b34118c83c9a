/** Reading one request and its audit trail: the people on the request and auditors. */
import { authorize } from '../authorization';
import { NotFoundError } from '../errors';
import { clampPage, type PageInput } from '../paging';
import type { CoreDeps } from '../ports';
import type { AccessRequest, AuditEvent, CallerIdentity, Page } from '../types';

async function readable(
  deps: Pick<CoreDeps, 'requests'>,
  caller: CallerIdentity,
  requestId: string,
  operation: 'getRequest' | 'listRequestEvents',
): Promise<AccessRequest> {
  const request = requestId ? await deps.requests.get(requestId) : undefined;
  if (request === undefined) throw new NotFoundError('This request does not exist.');
  authorize(operation, caller, request);
  return request;
}

/** One request, for its requester, its listed approvers and auditors. */
export function makeGetRequest(
  deps: Pick<CoreDeps, 'requests'>,
): (caller: CallerIdentity, requestId: string) => Promise<AccessRequest> {
  return (caller, requestId) => readable(deps, caller, requestId, 'getRequest');
}

/** A request's audit trail, oldest first, for the same people who may read the request. */
export function makeListRequestEvents(
  deps: Pick<CoreDeps, 'requests'>,
): (caller: CallerIdentity, requestId: string, page?: PageInput) => Promise<Page<AuditEvent>> {
  return async (caller, requestId, page) => {
    await readable(deps, caller, requestId, 'listRequestEvents');
    return deps.requests.listEvents(requestId, clampPage(page));
  };
}
