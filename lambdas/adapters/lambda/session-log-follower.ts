/**
 * The SessionLogFollower port over Lambda: the api hands a started query to the session-logs
 * function as an asynchronous (`Event`) invocation and answers at once.
 */
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { SessionLogFollower, SessionLogJob } from '../../core/session-logs/ports';

/** Where a failed dispatch is reported (Powertools Logger fits). */
export interface WarnLog {
  warn(message: string, ...extra: unknown[]): void;
}

/** Hands started queries to the session-logs function. */
export class LambdaSessionLogFollower implements SessionLogFollower {
  constructor(
    private readonly client: LambdaClient,
    private readonly functionName: string,
    private readonly log: WarnLog,
  ) {}

  async dispatch(job: SessionLogJob): Promise<void> {
    try {
      const out = await this.client.send(
        new InvokeCommand({
          FunctionName: this.functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(job)),
        }),
      );
      if (out.StatusCode !== 202) throw new Error(`Lambda answered HTTP ${String(out.StatusCode)}`);
    } catch (error) {
      this.log.warn('Could not hand a session-log query to the session-logs function', {
        ...job,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
