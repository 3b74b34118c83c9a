/**
 * The workflow-tasks Lambda: every Task state of the request workflow's state machine calls it
 * with an `action` (why it is here), the request id and, when polling, the Identity Center
 * operation. One call does the status change, the notification and the grant or revoke that are
 * due, and answers what the state machine waits for next (`next`, `waitSeconds`, `operation`).
 * The first state also passes its task token (`begin` holds or releases the wait for the
 * decision).
 *
 * Failures worth repeating (throttling, conflicts, transient errors) are thrown as
 * `RetryableError`, which the state machine retries with jittered backoff; anything else fails
 * the task, and the state machine's catch path calls `fail`, which ends the request in `error`.
 * A state the workflow ends with (`last: true`) cannot route anywhere, so when its step is not
 * done it throws `StepUnfinished`, which the state machine retries after a pause, or, when the
 * step found more to wait for (an extension moved the end, a review is due), `StepContinues`,
 * which the state machine catches to go on with `Advance`.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { z } from 'zod';
import {
  accessErrorReason,
  isRetryableAccessError,
  makeRunWorkflowStep,
  type WorkflowDeps,
  type WorkflowStep,
  type WorkflowStepInput,
} from '../core/access';
import {
  WORKFLOW_ACTIONS,
  WORKFLOW_CONTINUES_ERROR,
  WORKFLOW_RETRYABLE_ERROR,
  WORKFLOW_UNFINISHED_ERROR,
  type WorkflowNext,
} from '../contract/workflow';
import { workflowTasksDepsFromEnvironment } from './workflow-tasks/compose';

/** The error name the state machine retries with backoff. */
export const RETRYABLE_ERROR = WORKFLOW_RETRYABLE_ERROR;

/** A failure that may go away when the step runs again later. */
export class RetryableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = RETRYABLE_ERROR;
  }
}

/** A last step whose work goes on (see the module comment). */
export class StepUnfinishedError extends Error {
  constructor(step: WorkflowStep) {
    super(`The step is not finished (${step.next}); it runs again shortly.`);
    this.name = WORKFLOW_UNFINISHED_ERROR;
  }
}

/** A last step that found more to wait for (see the module comment). */
export class StepContinuesError extends Error {
  constructor(step: WorkflowStep) {
    super(`The workflow goes on: ${step.next} (${step.waitSeconds} s).`);
    this.name = WORKFLOW_CONTINUES_ERROR;
  }
}

const WAITS: readonly WorkflowNext[] = ['awaitDecision', 'awaitStart', 'awaitEnd', 'awaitReview'];

/** What a Task state sends. */
export const workflowTaskEvent = z.object({
  action: z.enum(WORKFLOW_ACTIONS),
  requestId: z.string().min(1),
  taskToken: z.string().min(1).nullish(),
  last: z.boolean().nullish(),
  operation: z.object({ id: z.string().min(1), kind: z.enum(['CREATE', 'DELETE']) }).nullish(),
  error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).nullish(),
});

export interface WorkflowTasksOptions {
  /** The ports (default: built from the environment). */
  deps?: () => WorkflowDeps;
  logger?: Logger;
}

/** Builds the handler over its ports (tests and the local cloud pass their own). */
export function makeWorkflowTasksHandler(
  options: WorkflowTasksOptions = {},
): (event: unknown) => Promise<WorkflowStep> {
  const logger = options.logger ?? new Logger({ serviceName: 'team-workflow-tasks' });
  const depsOf = options.deps ?? workflowTasksDepsFromEnvironment;
  let run: ((input: WorkflowStepInput) => Promise<WorkflowStep>) | undefined;

  return async (event) => {
    const parsed = workflowTaskEvent.parse(event);
    const input: WorkflowStepInput = {
      action: parsed.action,
      requestId: parsed.requestId,
      ...(parsed.taskToken ? { taskToken: parsed.taskToken } : {}),
      ...(parsed.operation ? { operation: parsed.operation } : {}),
      ...(parsed.error ? { error: parsed.error } : {}),
    };
    run ??= makeRunWorkflowStep(depsOf());
    let step: WorkflowStep;
    try {
      step = await run(input);
    } catch (error) {
      const reason = accessErrorReason(error);
      if (isRetryableAccessError(error)) {
        logger.warn('Workflow step will be retried', {
          requestId: input.requestId,
          action: input.action,
          reason,
        });
        throw new RetryableError(reason, { cause: error });
      }
      logger.error('Workflow step failed', { requestId: input.requestId, action: input.action, reason });
      throw error;
    }
    logger.info('Workflow step', {
      requestId: input.requestId,
      action: input.action,
      next: step.next,
      status: step.status,
    });
    if (parsed.last && WAITS.includes(step.next)) throw new StepContinuesError(step);
    if (parsed.last && step.next !== 'done') throw new StepUnfinishedError(step);
    return step;
  };
}

/** The Lambda entry point. */
export const handler = makeWorkflowTasksHandler();
