/**
 * Following an asynchronous Identity Center operation to its end inside one task, with a
 * bounded backoff: the task returns before its Lambda timeout and the workflow polls again.
 */
import type { AccountAssignments, AssignmentOperationKind, AssignmentOperationStatus } from '../ports';
import { isRetryableAccessError } from './errors';

/**
 * Pauses before each status check within one call (real milliseconds): about 17 s in all, well
 * inside the 60 s the workflow-tasks function may run. Assignments usually settle in seconds.
 */
export const DEFAULT_POLL_DELAYS_MS: readonly number[] = [250, 500, 1000, 2000, 3000, 5000, 5000];

/** Real-time pause (the workflow's own waits are Step Functions states, never this). */
export const realSleep = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    setTimeout(resolve, ms);
  });

export interface PollOptions {
  sleep: (ms: number) => Promise<void>;
  delaysMs: readonly number[];
}

/**
 * The operation's status after waiting at most the sum of `delaysMs`: SUCCEEDED, FAILED (with
 * Identity Center's reason) or still IN_PROGRESS. A status call that is throttled or fails
 * transiently counts as "not known yet"; other errors are thrown.
 */
export async function pollOperation(
  assignments: AccountAssignments,
  operationId: string,
  kind: AssignmentOperationKind,
  options: PollOptions,
): Promise<AssignmentOperationStatus> {
  for (const delay of options.delaysMs) {
    await options.sleep(delay);
    try {
      const status = await assignments.status(operationId, kind);
      if (status.status !== 'IN_PROGRESS') return status;
    } catch (error) {
      if (!isRetryableAccessError(error)) throw error;
    }
  }
  return { status: 'IN_PROGRESS' };
}
