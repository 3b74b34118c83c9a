/** People's decisions on a request: approve, reject, cancel, revoke. */
import { actorOf } from '../audit';
import { relationOf } from '../authorization';
import { IllegalTransitionError } from '../errors';
import type { CoreDeps } from '../ports';
import { loadSettings } from '../settings/settings';
import type { AccessRequest, CallerIdentity } from '../types';
import { validateComment } from './decision-input';
import { nextStatus, targetOf } from './lifecycle';
import { authorizedRequest } from './read-requests';
import { decidedMeanwhile, writeStatusChange } from './status-change';

type DecisionDeps = Pick<CoreDeps, 'requests' | 'settings' | 'clock' | 'fallback' | 'decisionRelay'>;

/** The decided request, once its waiting workflow was told (see DecisionRelay). */
async function relayed(
  deps: Pick<CoreDeps, 'decisionRelay'>,
  decided: AccessRequest,
): Promise<AccessRequest> {
  await deps.decisionRelay?.resume(decided);
  return decided;
}

/** Input of approve, reject and revoke: which request, and the comment (required per settings). */
export interface CommentedActionInput {
  requestId: string;
  comment?: string | null;
}

/** Input of cancel. */
export interface RequestRef {
  requestId: string;
}

/**
 * A pending request past its expiry time is expired even if the workflow has not recorded it
 * yet: nobody may decide it any more.
 */
function refuseIfExpired(request: AccessRequest, now: Date, attempted: 'approve' | 'reject'): void {
  if (
    request.status === 'pending' &&
    request.expiresAt !== undefined &&
    now.getTime() >= Date.parse(request.expiresAt)
  ) {
    throw new IllegalTransitionError('expired', targetOf(attempted), `it expired at ${request.expiresAt}`);
  }
}

function makeDecision(deps: DecisionDeps, decision: 'approve' | 'reject') {
  return async (caller: CallerIdentity, input: CommentedActionInput): Promise<AccessRequest> => {
    const operation = decision === 'approve' ? 'approveRequest' : 'rejectRequest';
    const request = await authorizedRequest(deps, caller, input.requestId, operation);
    const now = deps.clock.now();
    refuseIfExpired(request, now, decision);
    // The lifecycle is checked before the comment, so a late approver learns the real reason.
    nextStatus(request.status, decision, 'approver');
    const settings = await loadSettings(deps);
    const comment = validateComment(input.comment, { required: settings.commentsRequired, field: 'comment' });
    const actor = actorOf(caller);
    const patch: Partial<AccessRequest> = { decidedBy: actor, decidedAt: now.toISOString() };
    if (comment !== undefined) patch.decisionComment = comment;
    let decided: AccessRequest;
    try {
      decided = await writeStatusChange(deps.requests, request, {
        action: decision,
        role: 'approver',
        actor,
        at: now,
        patch,
        ...(comment !== undefined && { comment }),
      });
    } catch (error) {
      throw decidedMeanwhile(request, error);
    }
    return relayed(deps, decided);
  };
}

/**
 * Approves a pending request: only an approver listed on it who is not its requester, only
 * while it is pending and not past its expiry (IllegalTransitionError otherwise), with a comment
 * when the settings require one. A concurrent decision makes exactly one win (ConflictError).
 */
export function makeApproveRequest(
  deps: DecisionDeps,
): (caller: CallerIdentity, input: CommentedActionInput) => Promise<AccessRequest> {
  return makeDecision(deps, 'approve');
}

/** Rejects a pending request; same rules as approving. */
export function makeRejectRequest(
  deps: DecisionDeps,
): (caller: CallerIdentity, input: CommentedActionInput) => Promise<AccessRequest> {
  return makeDecision(deps, 'reject');
}

/** Cancels the caller's own request while it is pending or scheduled (not yet granted). */
export function makeCancelRequest(
  deps: Pick<CoreDeps, 'requests' | 'clock' | 'decisionRelay'>,
): (caller: CallerIdentity, input: RequestRef) => Promise<AccessRequest> {
  return async (caller, input) => {
    const request = await authorizedRequest(deps, caller, input.requestId, 'cancelRequest');
    const now = deps.clock.now();
    const actor = actorOf(caller);
    let decided: AccessRequest;
    try {
      decided = await writeStatusChange(deps.requests, request, {
        action: 'cancel',
        role: 'requester',
        actor,
        at: now,
        patch: { cancelledAt: now.toISOString() },
      });
    } catch (error) {
      throw decidedMeanwhile(request, error);
    }
    return relayed(deps, decided);
  };
}

/**
 * Revokes access early, while scheduled or in progress: the requester or a listed approver,
 * with a comment when the settings require one. The workflow then removes the assignment.
 */
export function makeRevokeRequest(
  deps: DecisionDeps,
): (caller: CallerIdentity, input: CommentedActionInput) => Promise<AccessRequest> {
  return async (caller, input) => {
    const request = await authorizedRequest(deps, caller, input.requestId, 'revokeRequest');
    const role = relationOf(caller, request).isRequester ? 'requester' : 'approver';
    nextStatus(request.status, 'revoke', role);
    const settings = await loadSettings(deps);
    const comment = validateComment(input.comment, {
      required: settings.commentsRequired,
      // The input field is `comment`, as for approve and reject; the message says which comment.
      field: 'comment',
      label: 'Revoke comment',
    });
    const now = deps.clock.now();
    const actor = actorOf(caller);
    const patch: Partial<AccessRequest> = { revokedBy: actor, revokedAt: now.toISOString() };
    if (comment !== undefined) patch.revokeComment = comment;
    let decided: AccessRequest;
    try {
      decided = await writeStatusChange(deps.requests, request, {
        action: 'revoke',
        role,
        actor,
        at: now,
        patch,
        ...(comment !== undefined && { comment }),
      });
    } catch (error) {
      throw decidedMeanwhile(request, error);
    }
    return relayed(deps, decided);
  };
}
