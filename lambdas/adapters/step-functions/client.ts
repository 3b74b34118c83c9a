/** Step Functions executions and task tokens, over the SDK client. */
import {
  DescribeExecutionCommand,
  SendTaskFailureCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { ConflictError } from '../../core/errors';
import { awsCall, awsErrorName } from '../errors';

const SERVICE = 'AWS Step Functions';

export interface StartExecutionResult {
  executionArn: string;
  /** True when an execution of this name with the same input already existed. */
  alreadyStarted: boolean;
}

/** Why a task token could not be completed: the wait it belonged to is over or never was. */
export type TaskTokenProblem = 'TaskTimedOut' | 'TaskDoesNotExist' | 'InvalidToken';

export type TaskTokenResult = { ok: true } | { ok: false; problem: TaskTokenProblem; message: string };

const TOKEN_PROBLEMS: readonly string[] = ['TaskTimedOut', 'TaskDoesNotExist', 'InvalidToken'];

/** The ARN Step Functions gives the execution `name` of a standard state machine. */
export function executionArnFor(stateMachineArn: string, name: string): string {
  const match = /^(arn:aws[\w-]*:states:[^:]*:[^:]*):stateMachine:([^:]+)/.exec(stateMachineArn);
  if (!match) throw new Error(`Not a state machine ARN: ${stateMachineArn}`);
  return `${match[1]}:execution:${match[2]}:${name}`;
}

/** Structural JSON equality (key order does not matter). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every(
      (k) =>
        Object.hasOwn(b, k) &&
        jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]),
    )
  );
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * What the router and the workflow's steps need from Step Functions: start a request's workflow
 * once (the execution name is the request id, so a repeated stream record is harmless), resume a
 * waiting task by its token, and stop an execution.
 */
export class StepFunctionsAdapter {
  constructor(private readonly client: SFNClient) {}

  /**
   * Starts an execution named `name`. If one with that name exists and was started with the
   * same input, that is success (`alreadyStarted`); with another input it is a ConflictError.
   */
  async startExecution(stateMachineArn: string, name: string, input: unknown): Promise<StartExecutionResult> {
    const text = JSON.stringify(input ?? {});
    try {
      const out = await awsCall(SERVICE, 'StartExecution', () =>
        this.client.send(new StartExecutionCommand({ stateMachineArn, name, input: text })),
      );
      if (!out.executionArn) throw new Error('StartExecution returned no execution ARN');
      return { executionArn: out.executionArn, alreadyStarted: false };
    } catch (err) {
      if (awsErrorName(err) !== 'ExecutionAlreadyExists') throw err;
    }
    const executionArn = executionArnFor(stateMachineArn, name);
    const existing = await awsCall(SERVICE, 'DescribeExecution', () =>
      this.client.send(new DescribeExecutionCommand({ executionArn })),
    );
    if (!jsonEqual(parseJson(existing.input), JSON.parse(text))) {
      throw new ConflictError(`An execution named ${name} already exists with a different input.`);
    }
    return { executionArn, alreadyStarted: true };
  }

  /** Completes a waiting task with `output` (serialized as JSON). */
  sendTaskSuccess(taskToken: string, output: unknown): Promise<TaskTokenResult> {
    return this.completeTask('SendTaskSuccess', () =>
      this.client.send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output ?? {}) })),
    );
  }

  /** Fails a waiting task with an error name (what Catch matches) and a cause. */
  sendTaskFailure(taskToken: string, error: string, cause?: string): Promise<TaskTokenResult> {
    return this.completeTask('SendTaskFailure', () =>
      this.client.send(new SendTaskFailureCommand({ taskToken, error, ...(cause ? { cause } : {}) })),
    );
  }

  /** Stops a running execution; false when there is no such execution. */
  async stopExecution(executionArn: string, error?: string, cause?: string): Promise<boolean> {
    try {
      await awsCall(SERVICE, 'StopExecution', () =>
        this.client.send(
          new StopExecutionCommand({
            executionArn,
            ...(error ? { error } : {}),
            ...(cause ? { cause } : {}),
          }),
        ),
      );
      return true;
    } catch (err) {
      if (awsErrorName(err) === 'ExecutionDoesNotExist') return false;
      throw err;
    }
  }

  private async completeTask(operation: string, run: () => Promise<unknown>): Promise<TaskTokenResult> {
    try {
      await awsCall(SERVICE, operation, run);
      return { ok: true };
    } catch (err) {
      const name = awsErrorName(err);
      if (name !== undefined && TOKEN_PROBLEMS.includes(name)) {
        return {
          ok: false,
          problem: name as TaskTokenProblem,
          message: err instanceof Error ? err.message : String(err),
        };
      }
      throw err;
    }
  }
}
