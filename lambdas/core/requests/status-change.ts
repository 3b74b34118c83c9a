/**
 * The one conditional status write every change of a request's status goes through: the
 * transition checked against the status read, the new status and its audit event written
 * together, conditionally on the status and version read.
 */
import { auditEventId } from '../audit';
import { ConflictError } from '../errors';
import type { RequestRepository } from '../ports';
import type { AccessRequest, Actor, AuditEvent } from '../types';
import { auditActionFor, nextStatus, type LifecycleAction, type LifecycleActor } from './lifecycle';

/** What a status change writes besides the status. */
export interface StatusChange {
  action: LifecycleAction;
  role: LifecycleActor;
  /** Who acted ('system' for the workflow's steps). */
  actor: Actor | 'system';
  at: Date;
  /** Fields set on the request together with the status (decidedBy, revokedAt...). */
  patch?: Partial<AccessRequest>;
  comment?: string;
  detail?: string;
  /** When the status stays as it is (recording endedAt on a revoked request). */
  keepStatus?: boolean;
}

/**
 * Moves a request along the lifecycle: checks the transition against the status read (throws
 * IllegalTransitionError / ForbiddenError), then writes the new status with its audit event,
 * conditionally on the status and version read (ConflictError when someone got there first).
 */
export async function writeStatusChange(
  requests: RequestRepository,
  request: AccessRequest,
  change: StatusChange,
): Promise<AccessRequest> {
  const to = change.keepStatus ? request.status : nextStatus(request.status, change.action, change.role);
  const at = change.at.toISOString();
  const next: AccessRequest = {
    ...request,
    ...change.patch,
    status: to,
    updatedAt: at,
    version: request.version + 1,
  };
  const event: AuditEvent = {
    requestId: request.id,
    id: auditEventId(at, next.version),
    at,
    action: auditActionFor(change.action),
    actor: change.actor,
    fromStatus: request.status,
    toStatus: to,
  };
  if (change.comment !== undefined) event.comment = change.comment;
  if (change.detail !== undefined) event.detail = change.detail;
  await requests.update(next, { status: request.status, version: request.version }, event);
  return next;
}

/** Turns a conditional-write failure into a message a person understands. */
export function decidedMeanwhile(request: AccessRequest, error: unknown): unknown {
  if (!(error instanceof ConflictError)) return error;
  return new ConflictError(
    `The request for ${request.permissionSetName} in ${request.accountName} changed while you were acting on it; reload it and try again.`,
  );
}
