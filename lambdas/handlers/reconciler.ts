/**
 * The reconciler Lambda, run on a schedule (EventBridge): repairs grants that drifted from the
 * requests behind them or from Identity Center (see `makeReconcile`). The event carries nothing
 * it needs; the answer is a summary of what it did.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { makeReconcile, type ReconcileDeps, type ReconcileReport } from '../core/access';
import { reconcilerDepsFromEnvironment } from './reconciler/compose';

export interface ReconcilerOptions {
  deps?: () => ReconcileDeps;
  logger?: Logger;
}

/** What a run did, in numbers, plus the details of what did not finish. */
export interface ReconcilerResult {
  grantsChecked: number;
  removed: number;
  reapplied: number;
  released: number;
  unfinished: ReconcileReport['unfinished'];
}

/** Builds the handler over its ports (tests and the local cloud pass their own). */
export function makeReconcilerHandler(
  options: ReconcilerOptions = {},
): (event?: unknown) => Promise<ReconcilerResult> {
  const logger = options.logger ?? new Logger({ serviceName: 'team-reconciler' });
  const depsOf = options.deps ?? reconcilerDepsFromEnvironment;
  return async () => {
    const report = await makeReconcile(depsOf())();
    const result: ReconcilerResult = {
      grantsChecked: report.grantsChecked,
      removed: report.removed.length,
      reapplied: report.reapplied.length,
      released: report.released.length,
      unfinished: report.unfinished,
    };
    if (report.removed.length + report.reapplied.length + report.released.length > 0) {
      logger.info('Reconciler repaired grants', {
        ...result,
        details: [...report.removed, ...report.reapplied, ...report.released],
      });
    }
    if (report.unfinished.length > 0)
      logger.warn('Reconciler left repairs unfinished', { unfinished: report.unfinished });
    return result;
  };
}

/** The Lambda entry point. */
export const handler = makeReconcilerHandler();
