/**
 * The RequestWorkflow port over Step Functions (see the port's comment for the contract with
 * the workflow definition).
 */
import { beginWaitSeconds } from '../../core/access';
import type { RequestWorkflow } from '../../core/ports';
import type { AccessRequest, RequestStatus } from '../../core/types';
import type { StepFunctionsAdapter } from './client';

/** Where the adapter reports what it skipped or found already done. */
export interface WorkflowLog {
  info(message: string, ...extra: unknown[]): void;
  warn(message: string, ...extra: unknown[]): void;
}

type WorkflowStart = Pick<AccessRequest, 'id' | 'approvalRequired' | 'expiresAt' | 'createdAt'> &
  Partial<Pick<AccessRequest, 'approvalTimers'>>;

/**
 * The execution input of a request's workflow: its id and how long the first state may wait for
 * the decision (its timeout: until the first reminder, escalation or the expiry). The workflow reads everything else.
 */
export function workflowInput(request: WorkflowStart): { requestId: string; waitSeconds: number } {
  return { requestId: request.id, waitSeconds: beginWaitSeconds(request) };
}

/**
 * Starts one execution per request (named after the request id, so starting twice finds the
 * first) and resumes the stored wait with the new status. `stateMachineArn` is read on each
 * call: undefined means the workflow is not deployed (yet), and nothing is started.
 */
export class StepFunctionsRequestWorkflow implements RequestWorkflow {
  private warned = false;

  constructor(
    private readonly sfn: Pick<StepFunctionsAdapter, 'startExecution' | 'sendTaskSuccess'>,
    private readonly stateMachineArn: () => string | undefined,
    private readonly log: WorkflowLog,
  ) {}

  async start(request: WorkflowStart): Promise<void> {
    const arn = this.stateMachineArn();
    if (arn === undefined) {
      if (!this.warned) this.log.warn('No workflow state machine is configured; requests are not started.');
      this.warned = true;
      return;
    }
    const result = await this.sfn.startExecution(arn, request.id, workflowInput(request));
    if (result.alreadyStarted) this.log.info('Workflow already started', { requestId: request.id });
  }

  async signal(
    request: Pick<AccessRequest, 'id'> & { workflowToken?: string },
    status: RequestStatus,
  ): Promise<void> {
    const token = request.workflowToken;
    if (token === undefined || token === '') return;
    const result = await this.sfn.sendTaskSuccess(token, { status });
    if (!result.ok) {
      // The wait is over (signalled before, timed out, or moved on): the workflow re-reads the
      // status whenever it registers a wait, so nothing is lost.
      this.log.info('Workflow wait already resumed', { requestId: request.id, problem: result.problem });
    }
  }
}
