/**
 * The reconciler Lambda, run on a schedule (EventBridge) and on an admin's demand (the api
 * invokes it asynchronously, `reconcileNow`): repairs grants that drifted from the requests
 * behind them or from Identity Center (see `makeReconcile`). Either event carries nothing the
 * run needs; an admin's request is logged with who asked and why. The answer is a summary of
 * what it did.
 *
 * A daily schedule sends `{ kind: 'check-policies' }` instead: the policy check (stale
 * references in eligibility and approver policies, `makeCheckPolicies`) runs and stores its
 * report for the admin pages. An admin's `rebuildDashboard` sends `{ kind: 'rebuild-dashboard' }`:
 * the dashboard's counters are rebuilt from every request (`makeRebuildDashboard`).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import { makeReconcile, type ReconcileReport } from '../core/access';
import { makeRebuildDashboard, type RebuildReport } from '../core/dashboard';
import { makeCheckPolicies } from '../core/policies/policy-check';
import { ConfigError } from './config';
import { reconcilerDepsFromEnvironment, type ReconcilerPorts } from './reconciler/compose';

export type { ReconcilerPorts } from './reconciler/compose';

/** The event of an admin's `reconcileNow` (ReconciliationRequest); anything else is the schedule. */
const adminRequest = z.object({
  kind: z.literal('reconcile-now'),
  requestedBy: z.object({ id: z.string(), email: z.string() }),
  requestedAt: z.string(),
  reason: z.string().optional(),
});

/** The event of the daily policy check (or an admin's demand for one). */
const policyCheckRequest = z.object({ kind: z.literal('check-policies') });

/** The event of an admin's `rebuildDashboard` (DashboardRebuildRequest). */
const rebuildRequest = z.object({
  kind: z.literal('rebuild-dashboard'),
  requestedBy: z.object({ id: z.string(), email: z.string() }),
  requestedAt: z.string(),
  reason: z.string().optional(),
});

export interface ReconcilerOptions {
  deps?: () => ReconcilerPorts;
  logger?: Logger;
}

/** What a policy check found, in numbers (the report itself is stored). */
export interface PolicyCheckResult {
  checkedAt: string;
  policiesChecked: number;
  policiesWithStaleReferences: number;
}

/** What a run did, in numbers, plus the details of what did not finish. */
export interface ReconcilerResult {
  grantsChecked: number;
  removed: number;
  reapplied: number;
  released: number;
  ended: number;
  unfinished: ReconcileReport['unfinished'];
}

/** Builds the handler over its ports (tests and the local cloud pass their own). */
export function makeReconcilerHandler(
  options: ReconcilerOptions = {},
): (event?: unknown) => Promise<ReconcilerResult> {
  const logger = options.logger ?? new Logger({ serviceName: 'team-reconciler' });
  const depsOf = options.deps ?? reconcilerDepsFromEnvironment;
  return async (event) => {
    const asked = adminRequest.safeParse(event);
    if (asked.success) {
      logger.info('Reconciliation started by an admin', {
        requestedBy: asked.data.requestedBy.id,
        requestedAt: asked.data.requestedAt,
        ...(asked.data.reason !== undefined ? { reason: asked.data.reason } : {}),
      });
    }
    const report = await makeReconcile(depsOf())();
    const result: ReconcilerResult = {
      grantsChecked: report.grantsChecked,
      removed: report.removed.length,
      reapplied: report.reapplied.length,
      released: report.released.length,
      ended: report.ended.length,
      unfinished: report.unfinished,
    };
    const repairs = [...report.removed, ...report.reapplied, ...report.released, ...report.ended];
    if (repairs.length > 0) logger.info('Reconciler repaired grants', { ...result, details: repairs });
    if (report.unfinished.length > 0)
      logger.warn('Reconciler left repairs unfinished', { unfinished: report.unfinished });
    return result;
  };
}

/** Builds the policy check's handler over its ports (tests and the local cloud pass their own). */
export function makePolicyCheckHandler(options: ReconcilerOptions = {}): () => Promise<PolicyCheckResult> {
  const logger = options.logger ?? new Logger({ serviceName: 'team-reconciler' });
  const depsOf = options.deps ?? reconcilerDepsFromEnvironment;
  return async () => {
    const report = await makeCheckPolicies(depsOf())();
    const result: PolicyCheckResult = {
      checkedAt: report.checkedAt,
      policiesChecked: report.eligibilityPoliciesChecked + report.approverPoliciesChecked,
      policiesWithStaleReferences: report.findings.length,
    };
    if (report.findings.length > 0) logger.warn('Policies name things that no longer exist', { ...result });
    else logger.info('Policy check found nothing stale', { ...result });
    return result;
  };
}

/** Builds the dashboard rebuild's handler (an admin's `rebuildDashboard`). */
export function makeDashboardRebuildHandler(
  options: ReconcilerOptions = {},
): (event: unknown) => Promise<RebuildReport> {
  const logger = options.logger ?? new Logger({ serviceName: 'team-reconciler' });
  const depsOf = options.deps ?? reconcilerDepsFromEnvironment;
  return async (event) => {
    const asked = rebuildRequest.parse(event);
    const deps = depsOf();
    if (deps.aggregates === undefined) {
      throw new ConfigError('TEAM handler configuration is incomplete: AGGREGATES_TABLE is not set.');
    }
    logger.info('Dashboard rebuild started by an admin', {
      requestedBy: asked.requestedBy.id,
      requestedAt: asked.requestedAt,
      ...(asked.reason !== undefined ? { reason: asked.reason } : {}),
    });
    const report = await makeRebuildDashboard({ ...deps, aggregates: deps.aggregates })();
    logger.info('Dashboard counters rebuilt', { ...report });
    return report;
  };
}

/**
 * The Lambda entry point: the policy check on its daily event, the dashboard's rebuild on an
 * admin's demand, the reconciliation otherwise.
 */
export function makeReconcilerEntry(
  options: ReconcilerOptions = {},
): (event?: unknown) => Promise<ReconcilerResult | PolicyCheckResult | RebuildReport> {
  const reconcile = makeReconcilerHandler(options);
  const checkPolicies = makePolicyCheckHandler(options);
  const rebuild = makeDashboardRebuildHandler(options);
  return (event) => {
    if (policyCheckRequest.safeParse(event).success) return checkPolicies();
    if (rebuildRequest.safeParse(event).success) return rebuild(event);
    return reconcile(event);
  };
}

/** The Lambda entry point. */
export const handler = makeReconcilerEntry();
