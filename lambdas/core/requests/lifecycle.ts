/**
 * The request lifecycle: the only status changes a request may go through, who may cause each,
 * and how statuses group into the phases the list pages show.
 */
import { ForbiddenError, IllegalTransitionError } from '../errors';
import { TERMINAL_STATUSES } from '../types';
import type { AuditAction, RequestPhase, RequestStatus } from '../types';

export type LifecycleAction =
  'approve' | 'reject' | 'cancel' | 'revoke' | 'expire' | 'schedule' | 'start' | 'end' | 'fail';

/** Who takes an action, relative to the request (the requester never counts as its approver). */
export type LifecycleActor = 'requester' | 'approver' | 'system';

export interface Transition {
  action: LifecycleAction;
  from: RequestStatus;
  to: RequestStatus;
  actors: readonly LifecycleActor[];
}

export const LIFECYCLE_ACTIONS: readonly LifecycleAction[] = [
  'approve',
  'reject',
  'cancel',
  'revoke',
  'expire',
  'schedule',
  'start',
  'end',
  'fail',
];

export const LIFECYCLE_ACTORS: readonly LifecycleActor[] = ['requester', 'approver', 'system'];

/** The status each action leads to, whatever the status it starts from. */
const TARGET: Readonly<Record<LifecycleAction, RequestStatus>> = {
  approve: 'approved',
  reject: 'rejected',
  cancel: 'cancelled',
  revoke: 'revoked',
  expire: 'expired',
  schedule: 'scheduled',
  start: 'in progress',
  end: 'ended',
  fail: 'error',
};

const fail = (from: RequestStatus): Transition => ({ action: 'fail', from, to: 'error', actors: ['system'] });

/** Every allowed transition. Anything not listed here is illegal. */
export const TRANSITIONS: readonly Transition[] = [
  { action: 'approve', from: 'pending', to: 'approved', actors: ['approver'] },
  { action: 'reject', from: 'pending', to: 'rejected', actors: ['approver'] },
  { action: 'cancel', from: 'pending', to: 'cancelled', actors: ['requester'] },
  { action: 'expire', from: 'pending', to: 'expired', actors: ['system'] },
  // Only when no approval is required: the use case decides that, the lifecycle allows the edge.
  { action: 'schedule', from: 'pending', to: 'scheduled', actors: ['system'] },
  { action: 'schedule', from: 'approved', to: 'scheduled', actors: ['system'] },
  // Only after Identity Center confirmed the account assignment.
  { action: 'start', from: 'scheduled', to: 'in progress', actors: ['system'] },
  { action: 'revoke', from: 'scheduled', to: 'revoked', actors: ['requester', 'approver'] },
  { action: 'cancel', from: 'scheduled', to: 'cancelled', actors: ['requester'] },
  { action: 'end', from: 'in progress', to: 'ended', actors: ['system'] },
  { action: 'revoke', from: 'in progress', to: 'revoked', actors: ['requester', 'approver'] },
  fail('pending'),
  fail('approved'),
  fail('scheduled'),
  fail('in progress'),
  // A revoked request still has its access removed by the workflow; when that removal fails for
  // good the request must say so, hence the one edge out of a status that is otherwise final.
  fail('revoked'),
];

/**
 * Statuses only people cause (approved, rejected, cancelled, revoked): the request's workflow
 * waits for them and the router resumes it. Every other change is the workflow's own.
 */
export const PEOPLE_STATUSES: readonly RequestStatus[] = [
  ...new Set(TRANSITIONS.filter((t) => !t.actors.includes('system')).map((t) => t.to)),
];

/** The status an action leads to. */
export function targetOf(action: LifecycleAction): RequestStatus {
  return TARGET[action];
}

const ACTOR_WORDS: Readonly<Record<LifecycleActor, string>> = {
  requester: 'The requester',
  approver: 'An approver',
  system: 'TEAM',
};

const ACTION_WORDS: Readonly<Record<LifecycleAction, string>> = {
  approve: 'approve this request',
  reject: 'reject this request',
  cancel: 'cancel this request',
  revoke: 'revoke this request',
  expire: 'expire this request',
  schedule: 'schedule this request',
  start: 'start this request',
  end: 'end this request',
  fail: 'mark this request as failed',
};

/**
 * The status a request moves to when `actor` takes `action` while it is `current`.
 * Throws IllegalTransitionError (naming both statuses) when the action is not allowed from
 * `current`, ForbiddenError when it is but not for this actor.
 */
export function nextStatus(
  current: RequestStatus,
  action: LifecycleAction,
  actor: LifecycleActor,
): RequestStatus {
  const transition = TRANSITIONS.find((t) => t.from === current && t.action === action);
  if (!transition) throw new IllegalTransitionError(current, TARGET[action]);
  if (!transition.actors.includes(actor)) {
    throw new ForbiddenError(`${ACTOR_WORDS[actor]} may not ${ACTION_WORDS[action]}.`);
  }
  return transition.to;
}

/** Whether `actor` may take `action` on a request that is `current` (no exception). */
export function canTransition(
  current: RequestStatus,
  action: LifecycleAction,
  actor: LifecycleActor,
): boolean {
  return TRANSITIONS.some((t) => t.from === current && t.action === action && t.actors.includes(actor));
}

/** The actions `actor` may take on a request that is `current` (for the UI's buttons). */
export function allowedActions(current: RequestStatus, actor: LifecycleActor): LifecycleAction[] {
  return TRANSITIONS.filter((t) => t.from === current && t.actors.includes(actor)).map((t) => t.action);
}

const PHASE: Readonly<Record<RequestStatus, RequestPhase>> = {
  pending: 'pending',
  approved: 'pending',
  scheduled: 'active',
  'in progress': 'active',
  ended: 'ended',
  // A request revoked while scheduled was never granted, but it belongs with the ended ones:
  // that is where requesters and approvers look for access that is over.
  revoked: 'ended',
  rejected: 'closed',
  cancelled: 'closed',
  expired: 'closed',
  error: 'closed',
};

/** The list-page phase of a status. */
export function phaseOf(status: RequestStatus): RequestPhase {
  return PHASE[status];
}

/**
 * Whether nothing more happens to a request in this status from people's point of view.
 * `revoked` counts as terminal although the system may still move it to `error` (see TRANSITIONS).
 */
export function isTerminal(status: RequestStatus): boolean {
  return TERMINAL_STATUSES.includes(status);
}

const AUDIT_ACTION: Readonly<Record<LifecycleAction, AuditAction>> = {
  approve: 'approved',
  reject: 'rejected',
  cancel: 'cancelled',
  revoke: 'revoked',
  expire: 'expired',
  schedule: 'scheduled',
  start: 'started',
  end: 'ended',
  fail: 'failed',
};

/** The audit event action recorded for a lifecycle action. */
export function auditActionFor(action: LifecycleAction): AuditAction {
  return AUDIT_ACTION[action];
}
