import { AwsServiceError } from '../common/aws-json-server';
import {
  isAwsSdkService,
  sdkErrorPrefix,
  SdkCallError,
  withExceptionSuffix,
  type AwsClientPool,
} from './aws-clients';
import type { SchedulingClock } from './clock';
import type { TaskMeta } from './definition';
import { AbortedError, StatesError } from './errors';
import { isJsonObject, parseJson, toJson, type Json, type JsonObject } from './json';
import { functionNameOf, type LambdaRegistry } from './lambdas';
import type { Execution, ExecutionRegistry } from './registry';
import type { TaskTokens } from './tokens';
import type { StartExecutionInput } from './types';

/**
 * Task-resource dispatch: what runs behind a task's `Resource` (Lambda functions, the SDK
 * integrations, nested executions), request/response or `.waitForTaskToken`.
 */

/** The Step Functions API operations by name, as `makeSfnOperations` builds them. */
export type SfnOperations = Record<string, (input: Record<string, unknown>) => unknown>;

export interface DispatchContext {
  registry: ExecutionRegistry;
  tokens: TaskTokens;
  clock: SchedulingClock;
  lambdas: LambdaRegistry;
  pool: AwsClientPool;
  /** The service's own StartExecution (nested executions). */
  startExecution: (input: StartExecutionInput) => { executionArn: string; startDate: Date };
  /** The service's API operations, for `aws-sdk:sfn:*` without a configured endpoint. */
  sfnOperations: () => SfnOperations;
}

function sdkMetadata(requestId: string): JsonObject {
  return {
    SdkHttpMetadata: {
      AllHttpHeaders: { 'Content-Type': ['application/json'], 'x-amzn-RequestId': [requestId] },
      HttpHeaders: { 'Content-Type': 'application/json', 'x-amzn-RequestId': requestId },
      HttpStatusCode: 200,
    },
    SdkResponseMetadata: { RequestId: requestId },
  };
}

export function resourceLabels(meta: TaskMeta): { resourceType: string; resource: string } {
  const match = /^arn:aws[\w-]*:states:::([^:]+):(.+)$/.exec(meta.resource);
  if (meta.parsed.kind === 'aws-sdk') {
    return {
      resourceType: `aws-sdk:${meta.parsed.service}`,
      resource: meta.resource.split(':').slice(-1)[0] ?? '',
    };
  }
  if (match?.[1] && match[2]) return { resourceType: match[1], resource: match[2] };
  return { resourceType: 'lambda', resource: meta.resource };
}

function requireString(params: JsonObject, field: string, errorName: string): string {
  const value = params[field];
  if (typeof value !== 'string' || value.length === 0) {
    throw new StatesError(errorName, `The field "${field}" is required and must be a string`);
  }
  return value;
}

export class TaskDispatcher {
  private readonly registry: ExecutionRegistry;
  private readonly tokens: TaskTokens;
  private readonly clock: SchedulingClock;
  private readonly lambdas: LambdaRegistry;
  private readonly pool: AwsClientPool;

  constructor(private readonly context: DispatchContext) {
    this.registry = context.registry;
    this.tokens = context.tokens;
    this.clock = context.clock;
    this.lambdas = context.lambdas;
    this.pool = context.pool;
  }

  /** Runs the integration behind a task resource. */
  async dispatch(
    exec: Execution,
    meta: TaskMeta,
    payload: Json,
    token: string | undefined,
    heartbeatSeconds: number | undefined,
    signal: AbortSignal,
  ): Promise<Json> {
    const parsed = meta.parsed;
    switch (parsed.kind) {
      case 'lambda-arn':
        return this.invokeLambda(exec, parsed.functionName, payload);
      case 'lambda-invoke':
        return this.withPattern(exec, meta, parsed.pattern, token, heartbeatSeconds, signal, () =>
          this.lambdaInvoke(exec, payload),
        );
      case 'dynamodb':
        return this.sdkCall('dynamodb', parsed.action, payload, 'DynamoDB', signal, true);
      case 'sns-publish':
        return this.withPattern(exec, meta, parsed.pattern, token, heartbeatSeconds, signal, () =>
          this.sdkCall('sns', 'publish', payload, 'SNS', signal, true),
        );
      case 'aws-sdk': {
        const service = parsed.service;
        if (!isAwsSdkService(service)) throw new StatesError('States.Runtime', `unknown service ${service}`);
        const prefix = sdkErrorPrefix(service);
        const call = () =>
          service === 'sfn' && !this.pool.hasEndpoint('sfn')
            ? this.sfnInProcess(parsed.action, payload)
            : this.sdkCall(service, parsed.action, payload, prefix, signal, false);
        return this.withPattern(exec, meta, parsed.pattern, token, heartbeatSeconds, signal, call);
      }
      case 'states-start':
        return this.startNested(exec, meta, payload, parsed.pattern, token, heartbeatSeconds, signal);
      case 'wait':
        throw new StatesError('States.Runtime', 'wait dispatched as a task');
    }
  }

  /** Request/response, or `.waitForTaskToken`: run `call`, then wait for the token. */
  private async withPattern(
    exec: Execution,
    meta: TaskMeta,
    pattern: 'request' | 'token',
    token: string | undefined,
    heartbeatSeconds: number | undefined,
    signal: AbortSignal,
    call: () => Promise<Json>,
  ): Promise<Json> {
    if (pattern === 'request') return call();
    const taskToken = token ?? this.tokens.mintToken(exec);
    const waiting = this.tokens.awaitToken(exec, meta, taskToken, heartbeatSeconds, signal);
    waiting.catch(() => undefined);
    const submitted = await call();
    this.registry.record(exec, 'TaskSubmitted', 'taskSubmittedEventDetails', {
      ...resourceLabels(meta),
      output: JSON.stringify(submitted),
      outputDetails: { truncated: false },
    });
    return this.registry.passive(exec, waiting);
  }

  private countLambda(exec: Execution, name: string): void {
    exec.counters.lambdaInvocations[name] = (exec.counters.lambdaInvocations[name] ?? 0) + 1;
  }

  private invokeLambda(exec: Execution, nameOrArn: string, event: Json): Promise<Json> {
    this.countLambda(exec, functionNameOf(nameOrArn));
    return this.lambdas.invoke(nameOrArn, event);
  }

  /** `arn:aws:states:::lambda:invoke`: the Lambda API's response, with `Payload` parsed. */
  private async lambdaInvoke(exec: Execution, payload: Json): Promise<Json> {
    const params = isJsonObject(payload) ? payload : {};
    const functionName = requireString(params, 'FunctionName', 'Lambda.InvalidParameterValueException');
    const event = params['Payload'] ?? {};
    const requestId = crypto.randomUUID();
    if (params['InvocationType'] === 'Event') {
      this.registry.background++;
      this.countLambda(exec, functionNameOf(functionName));
      void this.lambdas
        .invoke(functionName, event)
        .catch(() => undefined)
        .finally(() => {
          this.registry.background--;
          this.registry.notify();
        });
      return { ...sdkMetadata(requestId), Payload: '', StatusCode: 202 };
    }
    const result = await this.invokeLambda(exec, functionName, event);
    return { ExecutedVersion: '$LATEST', Payload: result, ...sdkMetadata(requestId), StatusCode: 200 };
  }

  /**
   * A call through the real SDK client. Errors become `<prefix>.<Code>` (with `Exception`
   * appended for aws-sdk integrations, as Step Functions does).
   */
  private async sdkCall(
    service: Parameters<AwsClientPool['call']>[0],
    action: string,
    payload: Json,
    prefix: string,
    signal: AbortSignal,
    optimized: boolean,
  ): Promise<Json> {
    const params = isJsonObject(payload) ? payload : {};
    try {
      const output = await this.pool.call(service, action, params, signal);
      return optimized ? { ...output, ...sdkMetadata(crypto.randomUUID()) } : output;
    } catch (err) {
      if (err instanceof SdkCallError) {
        const code =
          optimized || err.code === 'SdkClientException' ? err.code : withExceptionSuffix(err.code);
        throw new StatesError(`${prefix}.${code}`, err.describe());
      }
      throw err;
    }
  }

  /** `aws-sdk:sfn:*` without a configured endpoint: this very service, in-process. */
  private async sfnInProcess(action: string, payload: Json): Promise<Json> {
    const operation = this.context.sfnOperations()[action.charAt(0).toUpperCase() + action.slice(1)];
    if (!operation) throw new StatesError('Sfn.SfnException', `${action} is not implemented locally`);
    const params = isJsonObject(payload) ? payload : {};
    const input: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(params))
      input[key.charAt(0).toLowerCase() + key.slice(1)] = value;
    try {
      return pascalKeys(toJson(await operation(input)));
    } catch (err) {
      if (err instanceof AwsServiceError)
        throw new StatesError(`Sfn.${withExceptionSuffix(err.type)}`, err.message);
      throw err;
    }
  }

  /** `arn:aws:states:::states:startExecution[.sync[:2]|.waitForTaskToken]`. */
  private async startNested(
    exec: Execution,
    meta: TaskMeta,
    payload: Json,
    pattern: 'request' | 'token' | 'sync' | 'sync2',
    token: string | undefined,
    heartbeatSeconds: number | undefined,
    signal: AbortSignal,
  ): Promise<Json> {
    const params = isJsonObject(payload) ? payload : {};
    const start = (): { executionArn: string; startDate: Date } => {
      const stateMachineArn = requireString(params, 'StateMachineArn', 'StepFunctions.InvalidArnException');
      const rawInput = params['Input'];
      const input =
        rawInput === undefined ? '{}' : typeof rawInput === 'string' ? rawInput : JSON.stringify(rawInput);
      const request: StartExecutionInput = { stateMachineArn, input };
      if (typeof params['Name'] === 'string') request.name = params['Name'];
      try {
        return this.context.startExecution(request);
      } catch (err) {
        if (err instanceof AwsServiceError) {
          throw new StatesError(`StepFunctions.${withExceptionSuffix(err.type)}`, err.message);
        }
        throw err;
      }
    };
    const requestOutput = (started: { executionArn: string; startDate: Date }): Json => ({
      ExecutionArn: started.executionArn,
      StartDate: started.startDate.getTime(),
      ...sdkMetadata(crypto.randomUUID()),
    });
    if (pattern === 'request' || pattern === 'token') {
      return this.withPattern(exec, meta, pattern, token, heartbeatSeconds, signal, async () =>
        requestOutput(start()),
      );
    }
    const started = start();
    const child = this.registry.executions.get(started.executionArn);
    if (!child) throw new StatesError('States.Runtime', 'child execution vanished');
    exec.syncChildren.add(child.arn);
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new AbortedError());
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      await this.registry.passive(exec, Promise.race([child.done, aborted]));
    } catch (err) {
      // A timed-out or stopped parent task takes its .sync child with it, like the real service.
      if (child.status === 'RUNNING' && !exec.abort.signal.aborted) {
        this.registry.finish(child, 'ABORTED', { cause: `parent task ${meta.name} of ${exec.arn} ended` });
      }
      throw err;
    } finally {
      exec.syncChildren.delete(child.arn);
    }
    const parse = pattern === 'sync2';
    const description: JsonObject = {
      ExecutionArn: child.arn,
      Input: parse ? child.parsedInput : child.input,
      InputDetails: { Included: true },
      Name: child.name,
      RedriveCount: 0,
      RedriveStatus: 'NOT_REDRIVABLE',
      StartDate: child.startDate,
      StateMachineArn: child.sm.arn,
      Status: child.status,
      StopDate: child.stopDate ?? this.clock.now(),
    };
    if (child.status === 'SUCCEEDED') {
      const output = child.output ?? 'null';
      description['Output'] = parse ? (parseJson(output) ?? null) : output;
      description['OutputDetails'] = { Included: true };
      return description;
    }
    if (child.error !== undefined) description['Error'] = child.error;
    if (child.cause !== undefined) description['Cause'] = child.cause;
    throw new StatesError('States.TaskFailed', JSON.stringify(description));
  }
}

function pascalKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(pascalKeys);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value))
    out[key.charAt(0).toUpperCase() + key.slice(1)] = pascalKeys(item);
  return out;
}
