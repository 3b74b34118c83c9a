/**
 * Requests, their audit trail, the caller and the request form: the core's values as the
 * schema's types (`Request`, `AuditEvent`, `Me`, `RequestFormOptions`). Every field is named
 * explicitly, so nothing stored on a request that the schema does not describe (index
 * attributes, the workflow's task token) ever reaches a client, and a field the schema gains is
 * a type error here until it is mapped.
 */
import type {
  Approval as GraphQLApproval,
  ApprovalProgress,
  Extension as GraphQLExtension,
  ExtensionStatus as GraphQLExtensionStatus,
  ReviewState as GraphQLReviewState,
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
import { requestProgress } from '../../../core/requests/approval-plan';
import { escalateAtOf, remindAtOf } from '../../../core/requests/approval-timers';
import { accessEndOf } from '../../../core/requests/extensions';
import type { ApproverCandidate } from '../../../core/policies/approvers';
import type { RequestApproversView } from '../../../core/requests/request-approvers';
import type { RequestFormOptions } from '../../../core/requests/request-form';
import type {
  AccessRequest,
  Actor,
  Approval,
  AuditAction,
  AuditEvent,
  CallerIdentity,
  EligibleAccount,
  Extension,
  ExtensionStatus,
  Page,
  ReviewState,
  Settings,
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
  'approval-recorded': 'APPROVAL_RECORDED',
  reminded: 'REMINDED',
  escalated: 'ESCALATED',
  'extension-requested': 'EXTENSION_REQUESTED',
  extended: 'EXTENDED',
  'extension-rejected': 'EXTENSION_REJECTED',
  'extension-cancelled': 'EXTENSION_CANCELLED',
  'break-glass': 'BREAK_GLASS',
  reviewed: 'REVIEWED',
  'session-reviewed': 'SESSION_REVIEWED',
} as const satisfies Record<AuditAction, GraphQLAuditAction>;

/** `'notification-failed'` → `NOTIFICATION_FAILED`: upper case, dashes as underscores. */
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
    approval: r.approvalRequired ? approvalToGraphQL(r) : null,
    endTime: accessEndOf(r),
    extensions: (r.extensions ?? []).map((e) => extensionToGraphQL(e)),
    maxTotalHours:
      r.extensionRules !== undefined && r.extensionRules.maxTotalHours > r.durationHours
        ? r.extensionRules.maxTotalHours
        : null,
    extensionApprovalRequired: r.approvalRequired && (r.extensionRules?.approvalRequired ?? true),
    breakGlass: r.breakGlass ? { incident: r.breakGlass.incident } : null,
    review: r.review
      ? {
          state: REVIEW_STATE[r.review.state],
          by: r.review.by ? actorToGraphQL(r.review.by) : null,
          at: r.review.at ?? null,
          comment: r.review.comment ?? null,
        }
      : null,
  };
}

const REVIEW_STATE = {
  needed: 'NEEDED',
  acknowledged: 'ACKNOWLEDGED',
  flagged: 'FLAGGED',
} as const satisfies Record<ReviewState, GraphQLReviewState>;

function approvalToGraphQL(r: AccessRequest): ApprovalProgress {
  const progress = requestProgress(r);
  const byId = new Map(r.approvers.map((a) => [a.id, a]));
  return {
    stages: progress.stages.map((stage) => ({
      index: stage.index,
      name: stage.name ?? null,
      required: stage.required,
      approvers: stage.approverIds
        .map((id) => byId.get(id))
        .filter((a) => a !== undefined)
        .map(actorToGraphQL),
      approvals: stage.approvals.map(approvalToGraphQLItem),
      complete: stage.complete,
    })),
    currentStage: r.status === 'pending' ? (progress.current ?? null) : null,
    approvalsGiven: progress.given,
    approvalsRequired: progress.required,
    remindAt: remindAtOf(r) ?? null,
    remindedAt: r.remindedAt ?? null,
    escalateAt: escalateAtOf(r) ?? null,
    escalatedAt: r.escalatedAt ?? null,
  };
}

function approvalToGraphQLItem(a: Approval): GraphQLApproval {
  return { by: actorToGraphQL(a.by), at: a.at, comment: a.comment ?? null, stage: a.stage };
}

function extensionToGraphQL(e: Extension): GraphQLExtension {
  return {
    id: e.id,
    hours: e.hours,
    reason: e.reason,
    requestedBy: actorToGraphQL(e.requestedBy),
    requestedAt: e.requestedAt,
    status: EXTENSION_STATUS[e.status],
    approvals: e.approvals.map(approvalToGraphQLItem),
    decision:
      e.decidedBy && e.decidedAt
        ? { by: actorToGraphQL(e.decidedBy), at: e.decidedAt, comment: e.comment ?? null }
        : null,
  };
}

const EXTENSION_STATUS = {
  pending: 'PENDING',
  approved: 'APPROVED',
  rejected: 'REJECTED',
  cancelled: 'CANCELLED',
} as const satisfies Record<ExtensionStatus, GraphQLExtensionStatus>;

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
      breakGlass: p.breakGlass === true,
      breakGlassMaxHours: p.breakGlass === true ? (p.breakGlassMaxHours ?? 1) : null,
    })),
  };
}

/** A GraphQL `RequestFormOptions` (the expiry timeout comes from the settings in force). */
export function requestFormToGraphQL(
  options: RequestFormOptions,
  settings: Pick<Settings, 'expiryHours' | 'breakGlassEnabled'>,
): GraphQLRequestFormOptions {
  return {
    accounts: options.accounts.map(eligibleAccountToGraphQL),
    ticketRequired: options.ticketRequired,
    commentsRequired: options.commentsRequired,
    maxDurationHours: options.maxDurationHours,
    approvalWorkflow: options.approvalWorkflow,
    expiryHours: settings.expiryHours,
    breakGlassEnabled: settings.breakGlassEnabled,
  };
}

/** A GraphQL `RequestApprovers`: the people the form shows, without their email addresses. */
export function requestApproversToGraphQL(view: RequestApproversView): GraphQLRequestApprovers {
  const candidate = (a: ApproverCandidate) => ({
    id: a.id,
    name: a.name ?? null,
    groups: a.groups.map((g) => ({ id: g.id, name: g.name })),
    named: a.named,
  });
  return {
    approvalRequired: view.approvalRequired,
    approvers: view.approvers.map(candidate),
    stages: view.stages.map((stage) => ({
      name: stage.name ?? null,
      required: stage.required,
      approvers: stage.approvers.map(candidate),
    })),
  };
}
