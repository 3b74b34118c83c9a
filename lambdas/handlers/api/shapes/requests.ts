/**
 * Requests, their audit trail and the request form: domain ↔ GraphQL shapes (schema types
 * `Request`, `AuditEvent`, `RequestFormOptions`, enums `RequestStatus` and `AuditAction`).
 * Every field is named explicitly, so nothing stored on a request that the schema does not
 * describe (index attributes, the workflow's task token) ever reaches a client.
 */
import { REQUEST_STATUSES } from '../../../core/types';
import type {
  AccessRequest,
  Actor,
  AuditAction,
  AuditEvent,
  EligibleAccount,
  Page,
  RequestStatus,
} from '../../../core/types';
import type { RequestFormOptions } from '../../../core/requests/request-form';

/** `'in progress'` → `IN_PROGRESS`; every other status is its upper-case self. */
export function statusToGraphQL(status: RequestStatus): string {
  return status.replace(/ /g, '_').toUpperCase();
}

/** The domain status of a GraphQL `RequestStatus`, or undefined for anything else. */
export function statusFromGraphQL(value: string): RequestStatus | undefined {
  return REQUEST_STATUSES.find((s) => statusToGraphQL(s) === value);
}

/** `'notification-failed'` → `NOTIFICATION_FAILED`; every other action is its upper-case self. */
export function auditActionToGraphQL(action: AuditAction): string {
  return action.replace(/-/g, '_').toUpperCase();
}

/** A GraphQL `Actor`: email is never null (empty when Identity Center has none). */
export function actorToGraphQL(actor: Actor) {
  return { id: actor.id, email: actor.email ?? '', name: actor.name ?? null };
}

/** A GraphQL `Request`. */
export function requestToGraphQL(r: AccessRequest) {
  return {
    id: r.id,
    requester: actorToGraphQL(r.requester),
    account: { id: r.accountId, name: r.accountName },
    permissionSet: { arn: r.permissionSetArn, name: r.permissionSetName },
    sessionDuration: r.sessionDuration ?? null,
    startTime: r.startTime,
    durationHours: r.durationHours,
    justification: r.justification,
    ticketNo: r.ticketNo ?? null,
    status: statusToGraphQL(r.status),
    approvalRequired: r.approvalRequired,
    approvers: r.approvers.map(actorToGraphQL),
    expiresAt: r.expiresAt ?? null,
    decision:
      r.decidedBy && r.decidedAt
        ? { by: actorToGraphQL(r.decidedBy), at: r.decidedAt, comment: r.decisionComment ?? null }
        : null,
    cancelledAt: r.cancelledAt ?? null,
    revoke:
      r.revokedBy && r.revokedAt
        ? { by: actorToGraphQL(r.revokedBy), at: r.revokedAt, comment: r.revokeComment ?? null }
        : null,
    grantedAt: r.grantedAt ?? null,
    endedAt: r.endedAt ?? null,
    errorReason: r.errorReason ?? null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** A GraphQL `AuditEvent`: what TEAM itself did has no actor. */
export function auditEventToGraphQL(e: AuditEvent) {
  return {
    id: e.id,
    requestId: e.requestId,
    at: e.at,
    action: auditActionToGraphQL(e.action),
    actor: e.actor === 'system' ? null : actorToGraphQL(e.actor),
    fromStatus: e.fromStatus ? statusToGraphQL(e.fromStatus) : null,
    toStatus: e.toStatus ? statusToGraphQL(e.toStatus) : null,
    comment: e.comment ?? null,
    detail: e.detail ?? null,
  };
}

/** A GraphQL `…Page`: the items mapped, `nextToken` null on the last page. */
export function pageToGraphQL<T, R>(
  page: Page<T>,
  map: (item: T) => R,
): { items: R[]; nextToken: string | null } {
  return { items: page.items.map(map), nextToken: page.nextCursor ?? null };
}

/** A GraphQL `EligibleAccount`. */
export function eligibleAccountToGraphQL(account: EligibleAccount) {
  return {
    id: account.id,
    name: account.name,
    permissionSets: account.permissionSets.map((p) => ({
      arn: p.arn,
      name: p.name,
      approvalRequired: p.approvalRequired,
      maxDurationHours: p.maxDurationHours,
    })),
  };
}

/** A GraphQL `RequestFormOptions` (the expiry timeout comes from the settings in force). */
export function requestFormToGraphQL(options: RequestFormOptions, expiryHours: number) {
  return {
    accounts: options.accounts.map(eligibleAccountToGraphQL),
    ticketRequired: options.ticketRequired,
    commentsRequired: options.commentsRequired,
    maxDurationHours: options.maxDurationHours,
    approvalWorkflow: options.approvalWorkflow,
    expiryHours,
  };
}
