/**
 * The request lists (my requests, approvals, access, audit): root query fields that each take
 * only paging arguments and return a page of requests, one generated document apiece.
 */
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import {
  ActiveAccessDocument,
  AuditRequestsDocument,
  AuditSessionsDocument,
  EndedAccessDocument,
  MyApprovalsDocument,
  MyRequestsDocument,
  PendingApprovalsDocument,
  ReviewsPendingDocument,
  type MyRequestsQuery,
  type MyRequestsQueryVariables,
} from '../../../graphql/generated/operations';

/** A document whose result is a page of requests under the field it is listed by. */
type RequestListDocuments<T> = {
  [K in keyof T]: DocumentTypeDecoration<
    Record<K, MyRequestsQuery['myRequests']>,
    MyRequestsQueryVariables
  > & { toString(): string };
};

/** Checks each document against the field it is listed under. */
function requestLists<T extends RequestListDocuments<T>>(lists: T): T {
  return lists;
}

/** Each list's document, by the root field it reads. */
export const REQUEST_LISTS = requestLists({
  myRequests: MyRequestsDocument,
  pendingApprovals: PendingApprovalsDocument,
  myApprovals: MyApprovalsDocument,
  activeAccess: ActiveAccessDocument,
  endedAccess: EndedAccessDocument,
  auditRequests: AuditRequestsDocument,
  auditSessions: AuditSessionsDocument,
  reviewsPending: ReviewsPendingDocument,
});

export type RequestListName = keyof typeof REQUEST_LISTS;
