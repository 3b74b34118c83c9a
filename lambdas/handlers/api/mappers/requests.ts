/**
 * Requests, their audit trail, the caller and the request form: the core's values as the
 * schema's types (`Request`, `AuditEvent`, `Me`, `RequestFormOptions`). Every field is named
 * explicitly, so nothing stored on a request that the schema does not describe (index
 * attributes, the workflow's task token) ever reaches a client, and a field the schema gains is
 * a type error here until it is mapped.
 */
import type {
  Actor as GraphQLActor,
  AuditAction as GraphQLAuditAction,
  AuditEvent as GraphQLAuditEvent,
  EligibleAccount as GraphQLEligibleAccount,
  Me,
  Persona,
  Request,
  RequestApprovers as GraphQLRequestApprovers,
  RequestFormOptions as GraphQLRequestFormOptions,
} from '../../../../graphql/generated/schema';
import type { RequestApproversView } from '../../../core/requests/request-approvers';
import type { RequestFormOptions } from '../../../core/requests/request-form';
import type {
  AccessRequest,
  Actor,
  AuditAction,
  AuditEvent,
  CallerIdentity,
  EligibleAccount,
  Page,
} from '../../../core/types';
import { statusToGraphQL } from '../../../adapters/appsync/graphql-values';

const AUDIT_ACTION_TO_GRAPHQL = {
  created: 'CREATED',
  approved: 'APPROVED',
  rejected: 'REJECTED',
  cancelled: 'CANCELLED',
  expired: 'EXPIRED',
  scheduled: 'SCHEDULED',
  started: 'STARTED',
  ended: 'ENDED',
  revoked: 'REVOKED',
  failed: 'FAILED',
  notified: 'NOTIFIED',
  'notification-failed': 'NOTIFICATION_FAILED',
  repaired: 'REPAIRED',
} as const satisfies Record<AuditAction, GraphQLAuditAction>;

/** `'notification-failed'` → `NOTIFICATION_FAILED`; every other action is its upper-case self. */
export function auditActionToGraphQL(action: AuditAction): GraphQLAuditAction {
  return AUDIT_ACTION_TO_GRAPHQL[action];
}

/** A GraphQL `Actor`: email is never null (empty when Identity Center has none). */
export function actorToGraphQL(actor: Actor): GraphQLActor {
  return { id: actor.id, email: actor.email ?? '', name: actor.name ?? null };
}

/** A GraphQL `Request`. */
export function requestToGraphQL(r: AccessRequest): Request {
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
    importedFrom: r.importedFrom === 'original-team' ? 'ORIGINAL_TEAM' : null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  };
}

/** A GraphQL `AuditEvent`: what TEAM itself did has no actor. */
export function auditEventToGraphQL(e: AuditEvent): GraphQLAuditEvent {
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

/** A GraphQL `Me`: personas never include APPROVER (that depends on each request). */
export function meToGraphQL(caller: CallerIdentity): Me {
  const personas: Persona[] = [
    'REQUESTER',
    ...(caller.isAuditor ? (['AUDITOR'] as const) : []),
    ...(caller.isAdmin ? (['ADMIN'] as const) : []),
  ];
  return {
    userId: caller.userId,
    userName: caller.userName,
    email: caller.email,
    displayName: caller.displayName ?? null,
    isAdmin: caller.isAdmin,
    isAuditor: caller.isAuditor,
    personas,
  };
}

/** A GraphQL `EligibleAccount`. */
export function eligibleAccountToGraphQL(account: EligibleAccount): GraphQLEligibleAccount {
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
export function requestFormToGraphQL(
  options: RequestFormOptions,
  expiryHours: number,
): GraphQLRequestFormOptions {
  return {
    accounts: options.accounts.map(eligibleAccountToGraphQL),
    ticketRequired: options.ticketRequired,
    commentsRequired: options.commentsRequired,
    maxDurationHours: options.maxDurationHours,
    approvalWorkflow: options.approvalWorkflow,
    expiryHours,
  };
}

/** A GraphQL `RequestApprovers`: the people the form shows, without their email addresses. */
export function requestApproversToGraphQL(view: RequestApproversView): GraphQLRequestApprovers {
  return {
    approvalRequired: view.approvalRequired,
    approvers: view.approvers.map((a) => ({
      id: a.id,
      name: a.name ?? null,
      groups: a.groups.map((g) => ({ id: g.id, name: g.name })),
      named: a.named,
    })),
  };
}
