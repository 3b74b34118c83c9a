/**
 * The one conditional status write every change of a request's status goes through: the
 * transition checked against the status read, the new status and its audit event written
 * together, conditionally on the status and version read.
 */
import { auditEventId } from '../audit';
import { ConflictError } from '../errors';
import type { RequestRepository } from '../ports';
import type { AccessRequest, Actor, AuditAction, AuditEvent } from '../types';
import { auditActionFor, nextStatus, type LifecycleAction, type LifecycleActor } from './lifecycle';

/** What a change of a request records besides the request itself. */
interface RecordedChange {
  /** Who acted ('system' for the workflow's steps). */
  actor: Actor | 'system';
  at: Date;
  /** Fields set on the request (decidedBy, revokedAt, approvals...). */
  patch?: Partial<AccessRequest>;
  comment?: string;
  detail?: string;
  /** The approvers changed (their index items are rewritten). */
  approversChanged?: boolean;
}

/** What a status change writes besides the status. */
export interface StatusChange extends RecordedChange {
  action: LifecycleAction;
  role: LifecycleActor;
  /** When the status stays as it is (recording endedAt on a revoked request). */
  keepStatus?: boolean;
}

/** A change that keeps the status: an approval that does not complete, an extension, a review. */
export interface RequestChange extends RecordedChange {
  /** The audit action recorded; null: none (bookkeeping only the workflow reads). */
  auditAction: AuditAction | null;
}

/**
 * Moves a request along the lifecycle: checks the transition against the status read (throws
 * IllegalTransitionError / ForbiddenError), then writes the new status with its audit event,
 * conditionally on the status and version read (ConflictError when someone got there first).
 */
export function writeStatusChange(
  requests: RequestRepository,
  request: AccessRequest,
  change: StatusChange,
): Promise<AccessRequest> {
  const to = change.keepStatus ? request.status : nextStatus(request.status, change.action, change.role);
  return write(requests, request, to, auditActionFor(change.action), change);
}

/**
 * Changes a request without moving its status, with its audit event, conditionally on the status
 * and version read (ConflictError when someone got there first).
 */
export function writeRequestChange(
  requests: RequestRepository,
  request: AccessRequest,
  change: RequestChange,
): Promise<AccessRequest> {
  return write(requests, request, request.status, change.auditAction, change);
}

async function write(
  requests: RequestRepository,
  request: AccessRequest,
  to: AccessRequest['status'],
  action: AuditAction | null,
  change: RecordedChange,
): Promise<AccessRequest> {
  const at = change.at.toISOString();
  const next: AccessRequest = {
    ...request,
    ...change.patch,
    status: to,
    updatedAt: at,
    version: request.version + 1,
  };
  let event: AuditEvent | undefined;
  if (action !== null) {
    event = {
      requestId: request.id,
      id: auditEventId(at, next.version),
      at,
      action,
      actor: change.actor,
      fromStatus: request.status,
      toStatus: to,
    };
    if (change.comment !== undefined) event.comment = change.comment;
    if (change.detail !== undefined) event.detail = change.detail;
  }
  await requests.update(
    next,
    { status: request.status, version: request.version },
    event,
    change.approversChanged ? { approversChanged: true } : {},
  );
  return next;
}

/** Turns a conditional-write failure into a message a person understands. */
export function decidedMeanwhile(request: AccessRequest, error: unknown): unknown {
  if (!(error instanceof ConflictError)) return error;
  return new ConflictError(
    `The request for ${request.permissionSetName} in ${request.accountName} changed while you were acting on it; reload it and try again.`,
  );
}
