/**
 * What people are told about: one notification event per status change, built from the request
 * as it stands after the step, who took it, their comment and, for failures, the reason.
 */
import type { AccessRequest, Actor, RequestStatus } from '../types';

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
}

/** What the caller may state explicitly; anything left out is taken from the request. */
export interface NotificationEventInput {
  actor?: Actor | 'system';
  comment?: string;
  errorReason?: string;
  at?: string;
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
    default:
      return { actor: 'system' };
  }
}

/**
 * A notification event for `type`: the actor, comment and time default to what the request
 * records for that step (decidedBy + decisionComment for approved/rejected, revokedBy +
 * revokeComment for revoked, the requester for pending/cancelled, TEAM for the rest); an error
 * always carries a reason (the request's errorReason, else "Unknown error").
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
