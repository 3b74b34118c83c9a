/** People's decisions on a request: approve, reject, cancel, revoke. */
import { actorOf } from '../audit';
import { relationOf } from '../authorization';
import { ConflictError, IllegalTransitionError } from '../errors';
import type { CoreDeps } from '../ports';
import { loadSettings } from '../settings/settings';
import type { AccessRequest, Actor, Approval, CallerIdentity } from '../types';
import { addApproval, progressOf, progressText, stageForApproval, stagesOf } from './approval-plan';
import { validateComment } from './decision-input';
import { nextStatus, targetOf } from './lifecycle';
import { authorizedRequest } from './read-requests';
import { decidedMeanwhile, writeRequestChange, writeStatusChange } from './status-change';

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

/** Attempts of a decision against a request others change at the same time (approvals racing). */
const MAX_DECISION_ATTEMPTS = 4;

function makeDecision(deps: DecisionDeps, decision: 'approve' | 'reject') {
  return async (caller: CallerIdentity, input: CommentedActionInput): Promise<AccessRequest> => {
    const operation = decision === 'approve' ? 'approveRequest' : 'rejectRequest';
    let request = await authorizedRequest(deps, caller, input.requestId, operation);
    let comment: string | undefined;
    let commentChecked = false;
    for (let attempt = 1; ; attempt += 1) {
      const now = deps.clock.now();
      refuseIfExpired(request, now, decision);
      // The lifecycle is checked before the comment, so a late approver learns the real reason.
      nextStatus(request.status, decision, 'approver');
      if (!commentChecked) {
        const settings = await loadSettings(deps);
        comment = validateComment(input.comment, { required: settings.commentsRequired, field: 'comment' });
        commentChecked = true;
      }
      try {
        return decision === 'approve'
          ? await approve(deps, request, actorOf(caller), now, comment)
          : await reject(deps, request, actorOf(caller), now, comment);
      } catch (error) {
        // Approvals of a request that needs several race each other: each one that still counts
        // is applied to the request as it is now. Anything else that changed it decides again.
        if (!(error instanceof ConflictError) || attempt >= MAX_DECISION_ATTEMPTS) {
          throw decidedMeanwhile(request, error);
        }
        request = await authorizedRequest(deps, caller, input.requestId, operation);
      }
    }
  };
}

/**
 * One approval: recorded with who, when and the comment; when it completes the last stage the
 * request is approved (and its workflow resumed), else it stays pending and, when a stage just
 * opened, the workflow is resumed to tell that stage's approvers.
 */
async function approve(
  deps: DecisionDeps,
  request: AccessRequest,
  actor: Actor,
  now: Date,
  comment: string | undefined,
): Promise<AccessRequest> {
  const stages = stagesOf(request);
  const before = progressOf(stages, request.approvals ?? []);
  const stage = stageForApproval(before, actor.id);
  const approval: Approval = { by: actor, at: now.toISOString(), stage };
  if (comment !== undefined) approval.comment = comment;
  const { approvals, complete, progress } = addApproval(stages, request.approvals ?? [], approval);
  const detail = progress.required > 1 ? progressText(progress) : undefined;
  if (complete) {
    const patch: Partial<AccessRequest> = { decidedBy: actor, decidedAt: now.toISOString(), approvals };
    if (comment !== undefined) patch.decisionComment = comment;
    const decided = await writeStatusChange(deps.requests, request, {
      action: 'approve',
      role: 'approver',
      actor,
      at: now,
      patch,
      ...(comment !== undefined && { comment }),
      ...(detail !== undefined && { detail }),
    });
    return relayed(deps, decided);
  }
  const recorded = await writeRequestChange(deps.requests, request, {
    auditAction: 'approval-recorded',
    actor,
    at: now,
    patch: { approvals },
    ...(comment !== undefined && { comment }),
    ...(detail !== undefined && { detail }),
  });
  return progress.current !== before.current ? relayed(deps, recorded) : recorded;
}

/** Any listed approver may reject while the request is pending, whatever stage is open. */
async function reject(
  deps: DecisionDeps,
  request: AccessRequest,
  actor: Actor,
  now: Date,
  comment: string | undefined,
): Promise<AccessRequest> {
  const patch: Partial<AccessRequest> = { decidedBy: actor, decidedAt: now.toISOString() };
  if (comment !== undefined) patch.decisionComment = comment;
  const decided = await writeStatusChange(deps.requests, request, {
    action: 'reject',
    role: 'approver',
    actor,
    at: now,
    patch,
    ...(comment !== undefined && { comment }),
  });
  return relayed(deps, decided);
}

/**
 * Approves a pending request: only an approver listed on it who is not its requester, of the
 * stage that is open and who has not approved it yet (ForbiddenError otherwise; see
 * approval-plan.ts), only while it is pending and not past its expiry (IllegalTransitionError
 * otherwise), with a comment when the settings require one. The request is approved once every
 * stage has its approvals; until then each approval is recorded and the request stays pending.
 * Approvals racing each other all count; a rejection written first wins over them.
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
