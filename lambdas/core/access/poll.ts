/**
 * Following an asynchronous Identity Center operation to its end inside one task, with a
 * bounded backoff: the task returns before its Lambda timeout and the workflow polls again.
 */
import type { AccountAssignments, AssignmentOperationKind, AssignmentOperationStatus } from '../ports';
import { isRetryableAccessError } from './errors';

/**
 * Pauses before each status check within one call (real milliseconds), tuned to how long
 * Identity Center takes (docs/performance.md, "Identity Center at real speed": a median of about
 * 3 s, rarely more than 10 s): the first check after 4 s, then 7, 10, 15 and 20 s. A typical
 * assignment is seen done at the first or second check (1.4 checks on average, where checks
 * from 250 ms on took 4.3), which keeps the sso-admin API's 20 calls per second for work rather
 * than status checks, and costs about the same wait: an assignment is seen done 1.6 s after it
 * ended on average. 20 s in all, well inside the 60 s the workflow-tasks function may run;
 * an operation still in progress then is polled again by the workflow after a Wait state.
 */
export const DEFAULT_POLL_DELAYS_MS: readonly number[] = [4000, 3000, 3000, 5000, 5000];

/**
 * The schedule of an operation that was already pending when the call began (the workflow
 * waited before asking again): check at once, then as `delaysMs` after its first pause.
 */
export function continuingDelays(delaysMs: readonly number[]): number[] {
  return [0, ...delaysMs.slice(1)];
}

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
