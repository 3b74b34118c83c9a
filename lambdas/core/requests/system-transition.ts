/** The status changes the workflow's steps make (scheduling, granting, ending, expiry, failure). */
import { ConflictError, IllegalTransitionError, NotFoundError } from '../errors';
import type { CoreDeps } from '../ports';
import type { AccessRequest } from '../types';
import { targetOf } from './lifecycle';
import { writeStatusChange } from './status-change';

/** The lifecycle actions only the workflow takes. */
export type SystemAction = 'schedule' | 'start' | 'end' | 'expire' | 'fail';

export interface SystemTransitionDetails {
  /** When it happened (ISO 8601), e.g. when Identity Center confirmed the assignment; default now. */
  at?: string;
  /** Why the request failed (for `fail`). */
  errorReason?: string;
}

/** Attempts against a moving request before giving up (each attempt re-reads it). */
const MAX_ATTEMPTS = 3;

/**
 * Applies a workflow's status change: `schedule` (approved, or pending without approval
 * required), `start` (sets grantedAt), `end` (sets endedAt), `expire`, `fail` (sets
 * errorReason and failedAt). Idempotent: a request already in the target status comes back unchanged, so a
 * retried workflow step never fails. Any other status gives IllegalTransitionError. `end` on a
 * revoked request records endedAt (the assignment is gone) and keeps it revoked.
 *
 * Given the request as the caller just read it, the first attempt decides on that copy instead
 * of reading it again: the write is conditional on its version, so a copy that is no longer
 * current only costs a second attempt on the stored one.
 */
export function makeApplySystemTransition(
  deps: Pick<CoreDeps, 'requests' | 'clock'>,
): (
  request: AccessRequest | string,
  action: SystemAction,
  details?: SystemTransitionDetails,
) => Promise<AccessRequest> {
  return async (given, action, details = {}) => {
    const requestId = typeof given === 'string' ? given : given.id;
    let known = typeof given === 'string' ? undefined : given;
    for (let attempt = 1; ; attempt += 1) {
      const request = known ?? (await deps.requests.get(requestId));
      known = undefined;
      if (request === undefined) throw new NotFoundError(`Request ${requestId} does not exist.`);
      try {
        return await apply(deps, request, action, details);
      } catch (error) {
        // Another writer moved the request between our read and write: decide again on what is
        // stored now (it may already be where we wanted it, or the change may now be illegal).
        if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  };
}

async function apply(
  deps: Pick<CoreDeps, 'requests' | 'clock'>,
  request: AccessRequest,
  action: SystemAction,
  details: SystemTransitionDetails,
): Promise<AccessRequest> {
  const target = targetOf(action);
  const now = deps.clock.now();
  const at = details.at ?? now.toISOString();

  if (action === 'end' && request.status === 'revoked') {
    if (request.endedAt !== undefined) return request;
    return writeStatusChange(deps.requests, request, {
      action,
      role: 'system',
      actor: 'system',
      at: now,
      patch: { endedAt: at },
      keepStatus: true,
    });
  }
  if (request.status === target) return request;
  if (action === 'schedule' && request.status === 'pending' && request.approvalRequired) {
    throw new IllegalTransitionError(request.status, target, 'it needs an approver’s decision first');
  }

  const patch: Partial<AccessRequest> = {};
  if (action === 'start') patch.grantedAt = at;
  if (action === 'end') {
    patch.endedAt = at;
    // An extension still waiting when access ends can no longer apply.
    if (request.extensions?.some((e) => e.status === 'pending')) {
      patch.extensions = request.extensions.map((e) =>
        e.status === 'pending'
          ? { ...e, status: 'cancelled', decidedAt: at, comment: 'Access ended before it was decided.' }
          : e,
      );
    }
  }
  if (action === 'fail') {
    patch.errorReason = details.errorReason?.trim() || 'Unknown error';
    patch.failedAt = at;
  }
  return writeStatusChange(deps.requests, request, {
    action,
    role: 'system',
    actor: 'system',
    at: now,
    patch,
    ...(action === 'fail' && patch.errorReason !== undefined && { detail: patch.errorReason }),
  });
}
