/**
 * Reconciling on demand: an admin starts a run of the reconciler (`makeReconcile`) without
 * waiting for its schedule, e.g. after repairing Identity Center by hand. The run happens
 * elsewhere (the reconciler function, invoked asynchronously); the admin gets the time it was
 * started. A run is idempotent, so one started while another is under way repeats nothing.
 */
import { actorOf } from '../audit';
import { authorize } from '../authorization';
import type { Clock } from '../ports';
import type { Actor, CallerIdentity } from '../types';
import { validateReconcileNow } from './reconcile-now-input';

/** What the reconciler receives when an admin starts it. */
export interface ReconciliationRequest {
  /** Marks the event as an admin's request (the schedule's events carry none). */
  kind: 'reconcile-now';
  requestedBy: Actor;
  requestedAt: string;
  reason?: string;
}

/** An admin's demand to rebuild the dashboard's counters (the reconciler function runs it). */
export interface DashboardRebuildRequest {
  kind: 'rebuild-dashboard';
  requestedBy: Actor;
  requestedAt: string;
  reason?: string;
}

/** Starts a reconciliation (or a rebuild) and returns once it is handed over, without waiting for the run. */
export interface ReconcilerTrigger {
  start(request: ReconciliationRequest | DashboardRebuildRequest): Promise<void>;
}

export interface ReconciliationStarted {
  /** When the run was handed to the reconciler. */
  startedAt: string;
}

/**
 * Starts a reconciliation for an admin (ForbiddenError for anyone else) and answers when it was
 * started. A failure to hand it over is thrown: the admin must not be told it started.
 */
/**
 * Starts a rebuild of the dashboard's counters for an admin (ForbiddenError for anyone else) and
 * answers when it was started.
 */
export function makeStartDashboardRebuild(deps: {
  reconciler: ReconcilerTrigger;
  clock: Clock;
}): (caller: CallerIdentity, input: unknown) => Promise<ReconciliationStarted> {
  return async (caller, input) => {
    authorize('rebuildDashboard', caller);
    const valid = validateReconcileNow(input);
    const startedAt = deps.clock.now().toISOString();
    await deps.reconciler.start({
      kind: 'rebuild-dashboard',
      requestedBy: actorOf(caller),
      requestedAt: startedAt,
      ...(valid.reason !== undefined ? { reason: valid.reason } : {}),
    });
    return { startedAt };
  };
}

export function makeReconcileNow(deps: {
  reconciler: ReconcilerTrigger;
  clock: Clock;
}): (caller: CallerIdentity, input: unknown) => Promise<ReconciliationStarted> {
  return async (caller, input) => {
    authorize('reconcileNow', caller);
    const valid = validateReconcileNow(input);
    const startedAt = deps.clock.now().toISOString();
    await deps.reconciler.start({
      kind: 'reconcile-now',
      requestedBy: actorOf(caller),
      requestedAt: startedAt,
      ...(valid.reason !== undefined ? { reason: valid.reason } : {}),
    });
    return { startedAt };
  };
}
