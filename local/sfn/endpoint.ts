import { z } from 'zod';
import { AwsServiceError, startAwsJsonService, type RunningService } from '../common/aws-json-server';
import type { StepFunctionsServiceBase } from './service';

/**
 * The Step Functions API over AWS JSON 1.0 (`X-Amz-Target: AWSStepFunctions.<Operation>`), so
 * the real `@aws-sdk/client-sfn` (the router's adapter, tests, the CLI) works unchanged.
 */

const executionStatus = z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);

const schemas = {
  StartExecution: z.object({
    stateMachineArn: z.string(),
    name: z.string().optional(),
    input: z.string().optional(),
    traceHeader: z.string().optional(),
  }),
  DescribeExecution: z.object({ executionArn: z.string() }),
  StopExecution: z.object({
    executionArn: z.string(),
    error: z.string().optional(),
    cause: z.string().optional(),
  }),
  ListExecutions: z.object({
    stateMachineArn: z.string().optional(),
    statusFilter: executionStatus.optional(),
    maxResults: z.number().int().min(0).max(1000).optional(),
    nextToken: z.string().optional(),
  }),
  GetExecutionHistory: z.object({
    executionArn: z.string(),
    maxResults: z.number().int().min(0).max(1000).optional(),
    nextToken: z.string().optional(),
    reverseOrder: z.boolean().optional(),
    includeExecutionData: z.boolean().optional(),
  }),
  SendTaskSuccess: z.object({ taskToken: z.string().min(1).max(2048), output: z.string() }),
  SendTaskFailure: z.object({
    taskToken: z.string().min(1).max(2048),
    error: z.string().optional(),
    cause: z.string().optional(),
  }),
  SendTaskHeartbeat: z.object({ taskToken: z.string().min(1).max(2048) }),
  DescribeStateMachine: z.object({ stateMachineArn: z.string() }),
  ListStateMachines: z.object({ maxResults: z.number().optional(), nextToken: z.string().optional() }),
};

function parse<T extends z.ZodType>(schema: T, input: Record<string, unknown>): z.infer<T> {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue?.path.join('.') || 'input';
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return result.data;
}

/** Drops undefined members, which the optional-field parsing leaves behind. */
function defined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

/**
 * The API operations by name, taking and returning API-shaped objects (camelCase members,
 * `Date` timestamps). Shared by the HTTP endpoint and in-process `aws-sdk:sfn:*` tasks.
 */
export function makeSfnOperations(
  service: StepFunctionsServiceBase,
): Record<string, (input: Record<string, unknown>) => unknown> {
  return {
    StartExecution: (input) => service.startExecution(defined(parse(schemas.StartExecution, input))),
    DescribeExecution: (input) =>
      service.describeExecution(parse(schemas.DescribeExecution, input).executionArn),
    StopExecution: (input) => service.stopExecution(defined(parse(schemas.StopExecution, input))),
    ListExecutions: (input) => service.listExecutions(defined(parse(schemas.ListExecutions, input))),
    GetExecutionHistory: (input) =>
      service.getExecutionHistory(defined(parse(schemas.GetExecutionHistory, input))),
    SendTaskSuccess: (input) => service.sendTaskSuccess(parse(schemas.SendTaskSuccess, input)),
    SendTaskFailure: (input) => service.sendTaskFailure(defined(parse(schemas.SendTaskFailure, input))),
    SendTaskHeartbeat: (input) => service.sendTaskHeartbeat(parse(schemas.SendTaskHeartbeat, input)),
    DescribeStateMachine: (input) =>
      service.describeStateMachine(parse(schemas.DescribeStateMachine, input).stateMachineArn),
    ListStateMachines: (input) => {
      parse(schemas.ListStateMachines, input);
      return service.listStateMachines();
    },
  };
}

/** AWS JSON carries timestamps as epoch seconds. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toWire(item);
    return out;
  }
  return value;
}

/** Serves `service` on 127.0.0.1:`port` (0 = a free port). */
export async function startStepFunctionsEndpoint(
  service: StepFunctionsServiceBase,
  port = 0,
): Promise<RunningService> {
  const operations = makeSfnOperations(service);
  const wire: Record<string, (input: Record<string, unknown>) => Promise<unknown>> = {};
  for (const [name, operation] of Object.entries(operations)) {
    wire[name] = async (input) => toWire(await operation(input));
  }
  return startAwsJsonService(
    {
      targetPrefix: 'AWSStepFunctions',
      jsonVersion: '1.0',
      operations: wire,
      throttlingError: 'ThrottlingException',
      internalError: 'InternalFailure',
    },
    port,
  );
}
