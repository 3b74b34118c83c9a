/**
 * What the request workflow's state machine (built by the CDK stack) and the workflow-tasks
 * function agree on: why a state calls a step, what a step may ask the machine to do next, the
 * error names the machine retries on, and which stored statuses reach the router.
 */

/** Why the workflow calls a step (the task's `action` input). */
export const WORKFLOW_ACTIONS = ['begin', 'advance', 'expire', 'grant', 'revoke', 'fail'] as const;
export type WorkflowAction = (typeof WORKFLOW_ACTIONS)[number];

/** What the workflow does after a step (the step result's `next`). */
export const WORKFLOW_NEXT = [
  'advance',
  'awaitDecision',
  'awaitStart',
  'awaitEnd',
  'awaitReview',
  'pollGrant',
  'pollRevoke',
  'done',
] as const;
export type WorkflowNext = (typeof WORKFLOW_NEXT)[number];

/** The error name a workflow step fails with when it should be retried later (with backoff). */
export const WORKFLOW_RETRYABLE_ERROR = 'RetryableError';

/**
 * The error name of a last step (one the state machine ends with) whose work is not finished
 * yet, e.g. a deletion Identity Center still reports IN_PROGRESS: the state machine runs the
 * step again after a pause, and the step picks up where it left off.
 */
export const WORKFLOW_UNFINISHED_ERROR = 'StepUnfinished';

/**
 * The error name of a last step that found more to wait for (the end of access moved by an
 * extension, break-glass access waiting for its review): the state machine catches it and goes
 * on with `Advance`, which routes to the wait.
 */
export const WORKFLOW_CONTINUES_ERROR = 'StepContinues';

/**
 * Stored request statuses only people cause: the requests stream delivers a change into one of
 * these to the router, which resumes the workflow. The core's transition table derives the same
 * list (`PEOPLE_STATUSES` in the lifecycle rules; a test keeps the two equal).
 */
export const ROUTED_STATUSES = ['approved', 'rejected', 'cancelled', 'revoked'] as const;
