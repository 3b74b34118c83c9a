/**
 * The ReconcilerTrigger port over Lambda: the api starts the reconciler function with an
 * asynchronous (`Event`) invocation and answers at once; Lambda queues the run. Unlike handing
 * over a session-log query, a failure is thrown: the admin must not be told a run started.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type {
  DashboardRebuildRequest,
  ReconcilerTrigger,
  ReconciliationRequest,
} from '../../core/access/reconcile-now';

/** Starts the reconciler function. */
export class LambdaReconcilerTrigger implements ReconcilerTrigger {
  /**
   * Both are asked for on use: the client is made only when an admin starts a run, and a missing
   * function name fails only this operation.
   */
  constructor(
    private readonly client: () => LambdaClient,
    private readonly functionName: () => string,
  ) {}

  async start(request: ReconciliationRequest | DashboardRebuildRequest): Promise<void> {
    const functionName = this.functionName();
    const out = await this.client().send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(request)),
      }),
    );
    if (out.StatusCode !== 202) {
      throw new Error(`The reconciler was not started: Lambda answered HTTP ${String(out.StatusCode)}.`);
    }
  }
}
