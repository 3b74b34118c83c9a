import type { AwsClientOptions } from './aws-clients';
import type { SchedulingClock } from './clock';
import type { Json, JsonObject } from './json';
import type { LambdaHandler } from './lambdas';

/** The service's public types: options, API inputs and the API-shaped answers. */

/** Execution statuses, as the Step Functions API names them. */
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface StepFunctionsServiceOptions {
  /** Drives Wait states, timeouts and retry back-off. Defaults to the wall clock. */
  clock?: SchedulingClock;
  region?: string;
  accountId?: string;
  /** In-process Lambda handlers by function name or ARN. */
  lambdas?: Record<string, LambdaHandler>;
  /** Region, credentials and endpoints for the `aws-sdk:*` and `dynamodb:*` integrations. */
  aws?: AwsClientOptions;
  /** Random source for `JitterStrategy: FULL` (tests pass a seeded one). */
  random?: () => number;
  /**
   * Real milliseconds a task may stay pending before it is handed back to the library and
   * re-attached (keeps the library's own real-time guard from firing). Tests lower it.
   */
  continueAfterMs?: number;
}

export interface CreateStateMachineInput {
  name: string;
  /** ASL as an object or JSON text. */
  definition: unknown;
  /** `${key}` placeholders to replace in the definition, like CloudFormation's. */
  definitionSubstitutions?: Record<string, string>;
  roleArn?: string;
}

export interface StartExecutionInput {
  stateMachineArn: string;
  name?: string;
  /** JSON text, or a JSON object/array that is serialised for you. Defaults to `{}`. */
  input?: string | JsonObject | Json[];
  traceHeader?: string;
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  inputDetails: { included: boolean };
  output?: string;
  outputDetails?: { included: boolean };
  error?: string;
  cause?: string;
  redriveCount: number;
}

export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
}

export interface HistoryEvent {
  timestamp: Date;
  type: string;
  id: number;
  previousEventId: number;
  [detailsKey: `${string}EventDetails`]: Record<string, unknown> | undefined;
}

/** What one execution did, for benchmarks and tests. */
export interface ExecutionCounters {
  /** Top-level states entered. */
  statesEntered: number;
  /** Task attempts repeated because of a Retry rule. */
  retries: number;
  /** statesEntered + retries: what Step Functions bills as state transitions. */
  stateTransitions: number;
  /** Task attempts by `Resource` (Wait states excluded). */
  taskInvocations: Record<string, number>;
  /** Lambda invocations by function name. */
  lambdaInvocations: Record<string, number>;
}

/** A task waiting for SendTaskSuccess/Failure, as `pendingTaskTokens()` lists it. */
export interface PendingTaskToken {
  taskToken: string;
  executionArn: string;
  stateName: string;
  resource: string;
}
