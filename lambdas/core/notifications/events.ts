/**
 * What people are told about: one notification event per status change, built from the request
 * as it stands after the step, who took it, their comment and, for failures, the reason.
 */
import type { AccessRequest, Actor, Extension, ExtensionStatus, RequestStatus } from '../types';

export const NOTIFICATION_EVENT_TYPES = [
  'pending',
  'approved',
  'rejected',
  'cancelled',
  'expired',
  'scheduled',
  'started',
  'ended',
  'revoked',
  'error',
  'repaired',
  /** The open stage's approvers who have not approved yet are reminded. */
  'reminder',
  /** The request escalated: the people added as approvers are told (`to`). */
  'escalated',
  'extension-requested',
  'extended',
  'extension-rejected',
  /** High priority: break-glass access was taken (approvers and every auditor channel). */
  'break-glass',
  /** Break-glass access still waits for its review. */
  'review-reminder',
  'reviewed',
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];

export interface NotificationEvent {
  type: NotificationEventType;
  /** The request as it is after the change. */
  request: AccessRequest;
  /** Who acted: a person, or TEAM itself (workflows, timeouts, the reconciler). */
  actor: Actor | 'system';
  /** The actor's comment (approve/reject/revoke), if any. */
  comment?: string;
  /** Why TEAM could not do what it should (error), or what it corrected (repaired). */
  errorReason?: string;
  /** When it happened (ISO 8601). */
  at: string;
  /** The people to address instead of the recipient matrix's `to` (e.g. those added by an escalation). */
  to?: Actor[];
}

/** What the caller may state explicitly; anything left out is taken from the request. */
export interface NotificationEventInput {
  actor?: Actor | 'system';
  comment?: string;
  errorReason?: string;
  at?: string;
  /** The people to address instead of the recipient matrix's `to` (the workflow passes the added approvers). */
  to?: Actor[];
}

/** The extension an extension event is about: the last one with the status that event announces. */
const EXTENSION_STATUS_OF: Partial<Record<NotificationEventType, ExtensionStatus>> = {
  'extension-requested': 'pending',
  extended: 'approved',
  'extension-rejected': 'rejected',
};

/** The extension `type` is about (undefined for other events, or when the request has none). */
export function extensionOfEvent(type: NotificationEventType, request: AccessRequest): Extension | undefined {
  const status = EXTENSION_STATUS_OF[type];
  if (status === undefined) return undefined;
  return [...(request.extensions ?? [])].reverse().find((extension) => extension.status === status);
}

const nonBlank = (value: string | undefined): string | undefined =>
  value !== undefined && value.trim() !== '' ? value : undefined;

/** The actor, comment and time the request itself records for a step. */
function recorded(
  type: NotificationEventType,
  request: AccessRequest,
): { actor: Actor | 'system'; comment?: string; at?: string } {
  switch (type) {
    case 'pending':
      return { actor: request.requester, at: request.createdAt };
    case 'approved':
    case 'rejected':
      return {
        actor: request.decidedBy ?? 'system',
        comment: request.decisionComment,
        at: request.decidedAt,
      };
    case 'cancelled':
      return { actor: request.requester, at: request.cancelledAt };
    case 'revoked':
      return { actor: request.revokedBy ?? 'system', comment: request.revokeComment, at: request.revokedAt };
    case 'started':
      return { actor: 'system', at: request.grantedAt };
    case 'ended':
      return { actor: 'system', at: request.endedAt };
    case 'break-glass':
      return { actor: request.requester, at: request.createdAt };
    case 'reviewed':
      return {
        actor: request.review?.by ?? 'system',
        comment: request.review?.comment,
        at: request.review?.at,
      };
    case 'extension-requested': {
      const extension = extensionOfEvent(type, request);
      return { actor: extension?.requestedBy ?? 'system', at: extension?.requestedAt };
    }
    case 'extended':
    case 'extension-rejected': {
      const extension = extensionOfEvent(type, request);
      return {
        // An extension that needed no approval was applied by TEAM as it was asked.
        actor: extension?.decidedBy ?? 'system',
        comment: extension?.comment,
        at: extension?.decidedAt ?? extension?.requestedAt,
      };
    }
    default:
      return { actor: 'system' };
  }
}

/**
 * A notification event for `type`: the actor, comment and time default to what the request
 * records for that step (decidedBy + decisionComment for approved/rejected, revokedBy +
 * revokeComment for revoked, the requester for pending/cancelled/break-glass, the reviewer for
 * reviewed, the extension's requester or decider for extension events, TEAM for the rest); an
 * error always carries a reason (the request's errorReason, else "Unknown error"). `to`, when
 * given, replaces the matrix's primary audience.
 */
export function buildNotificationEvent(
  type: NotificationEventType,
  request: AccessRequest,
  input: NotificationEventInput = {},
): NotificationEvent {
  const fromRequest = recorded(type, request);
  const event: NotificationEvent = {
    type,
    request,
    actor: input.actor ?? fromRequest.actor,
    at: input.at ?? fromRequest.at ?? request.updatedAt,
  };
  const comment = nonBlank(input.comment) ?? nonBlank(fromRequest.comment);
  if (comment !== undefined) event.comment = comment;
  if (input.to !== undefined) event.to = input.to.map((actor) => ({ ...actor }));
  const reason =
    nonBlank(input.errorReason) ?? (type === 'error' ? nonBlank(request.errorReason) : undefined);
  if (reason !== undefined) event.errorReason = reason;
  else if (type === 'error') event.errorReason = 'Unknown error';
  return event;
}

/** The event that announces a request reaching `status` (`in progress` is announced as `started`). */
export function notificationTypeForStatus(status: RequestStatus): NotificationEventType {
  return status === 'in progress' ? 'started' : status;
}
