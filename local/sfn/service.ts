import './polyfill';
import {
  ExecutionError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { AwsServiceError, type RunningService } from '../common/aws-json-server';
import {
  AwsClientPool,
  isAwsSdkService,
  sdkErrorPrefix,
  SdkCallError,
  withExceptionSuffix,
  type AwsClientOptions,
} from './aws-clients';
import { WallClock, type SchedulingClock } from './clock';
import {
  applySubstitutions,
  CONTINUE_ERROR,
  prepareDefinition,
  UNCAUGHT_STATE,
  type PreparedDefinition,
  type Retrier,
  type TaskMeta,
} from './definition';
import { AbortedError, DefinitionError, StatesError, toStatesError } from './errors';
import { isJsonObject, parseJson, toJson, type Json, type JsonObject } from './json';
import { functionNameOf, LambdaRegistry, type LambdaHandler } from './lambdas';
import { makeSfnOperations, startStepFunctionsEndpoint } from './endpoint';

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

interface StateMachineRecord {
  arn: string;
  name: string;
  roleArn: string;
  definitionText: string;
  prepared: PreparedDefinition;
  creationDate: number;
}

interface HistoryRecord {
  timestamp: number;
  type: string;
  id: number;
  previousEventId: number;
  detailsKey?: string;
  details?: Record<string, unknown>;
}

interface EnrichSlot {
  kind: 'input' | 'output';
  name: string;
  details: Record<string, unknown>;
}

interface ContextState {
  Name: string;
  EnteredTime: string;
  RetryCount: number;
}

interface Execution {
  arn: string;
  name: string;
  sm: StateMachineRecord;
  prepared: PreparedDefinition;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  input: string;
  parsedInput: Json;
  output?: string;
  error?: string;
  cause?: string;
  events: HistoryRecord[];
  enrich: EnrichSlot[];
  counters: Omit<ExecutionCounters, 'stateTransitions'>;
  abort: AbortController;
  libAbort?: () => void;
  /** Task handlers in progress, and how many of them are waiting on the clock/a token/a child. */
  active: number;
  passive: number;
  contextState: ContextState;
  currentState?: string;
  stateEnteredAt: number;
  entryId: number;
  pendingToken?: string;
  ops: Map<string, Promise<Json>>;
  tokens: Set<string>;
  syncChildren: Set<string>;
  done: Promise<void>;
  resolveDone: () => void;
  cancelTimeout?: () => void;
}

interface TokenWaiter {
  exec: Execution;
  stateName: string;
  resource: string;
  resolve: (output: Json) => void;
  reject: (err: Error) => void;
  heartbeat: () => void;
}

const TOKEN_PREFIX = 'LSFN';
/** Hand control back to the library well before its own 24.8-day guard fires (wall clock). */
const CONTINUE_AFTER_MS = 20 * 24 * 60 * 60 * 1000;
const NAME_SPECIALS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** Execution and state machine names: 1–80 characters, no whitespace, specials or controls. */
function isValidName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || NAME_SPECIALS.test(name)) return false;
  for (const char of name) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return false;
  }
  return true;
}
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:execution:([^:]+):([^:]+)$/;
const TIMESTAMP_PATTERN =
  /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function iso(ms: number): string {
  return new Date(ms).toISOString();
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

function isTimeoutError(name: string): boolean {
  return name === 'States.Timeout' || name === 'States.HeartbeatTimeout';
}

/** Index of the retrier that handles `error`, with the real service's wildcard rules. */
function findRetrier(retriers: Retrier[], error: string): number {
  if (error === 'States.Runtime') return -1;
  return retriers.findIndex((r) => {
    const names = r.ErrorEquals;
    if (names.includes(error)) return true;
    if (error === 'States.DataLimitExceeded') return false;
    if (names.includes('States.ALL')) return true;
    if (names.includes('States.TaskFailed') && !isTimeoutError(error)) return true;
    return error === 'States.HeartbeatTimeout' && names.includes('States.Timeout');
  });
}

function resourceLabels(meta: TaskMeta): { resourceType: string; resource: string } {
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

/**
 * The local Step Functions service: state machines, executions, task tokens, history and
 * counters, running ASL with aws-local-stepfunctions on a controllable clock.
 */
export class StepFunctionsService {
  readonly clock: SchedulingClock;
  readonly region: string;
  readonly accountId: string;
  private readonly lambdas: LambdaRegistry;
  private readonly pool: AwsClientPool;
  private readonly random: () => number;
  private readonly continueAfterMs: number;
  private readonly stateMachines = new Map<string, StateMachineRecord>();
  private readonly executions = new Map<string, Execution>();
  private readonly running = new Set<Execution>();
  private readonly waiting = new Map<string, TokenWaiter>();
  private changeWaiters: Array<() => void> = [];
  private background = 0;
  private removeSettler?: () => void;
  private endpoint?: RunningService;
  private sfnOperations?: Record<string, (input: Record<string, unknown>) => unknown>;

  constructor(options: StepFunctionsServiceOptions = {}) {
    this.clock = options.clock ?? new WallClock();
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.lambdas = new LambdaRegistry(this.region, this.accountId);
    for (const [name, handler] of Object.entries(options.lambdas ?? {})) this.lambdas.register(name, handler);
    this.pool = new AwsClientPool({ region: this.region, ...options.aws });
    this.random = options.random ?? Math.random;
    this.continueAfterMs = options.continueAfterMs ?? CONTINUE_AFTER_MS;
    const settling = this.clock as { addSettler?: (settler: () => Promise<void>) => () => void };
    if (typeof settling.addSettler === 'function')
      this.removeSettler = settling.addSettler(() => this.idle());
  }

  // ---------------------------------------------------------------- registry

  /** Registers an in-process Lambda handler under a function name or ARN. */
  registerLambda(nameOrArn: string, handler: LambdaHandler): void {
    this.lambdas.register(nameOrArn, handler);
  }

  /** The ARN a state machine called `name` gets in this service. */
  stateMachineArn(name: string): string {
    return `arn:aws:states:${this.region}:${this.accountId}:stateMachine:${name}`;
  }

  /**
   * Registers a state machine. Same name and definition again is a no-op; a different
   * definition is `StateMachineAlreadyExists` (use `updateStateMachine`). Invalid or
   * non-local-runnable definitions are `InvalidDefinition`.
   */
  createStateMachine(input: CreateStateMachineInput): { stateMachineArn: string; creationDate: Date } {
    if (!isValidName(input.name)) throw new AwsServiceError('InvalidName', `Invalid name: ${input.name}`);
    const arn = this.stateMachineArn(input.name);
    const record = this.buildRecord(arn, input);
    const existing = this.stateMachines.get(arn);
    if (existing) {
      if (existing.definitionText !== record.definitionText) {
        throw new AwsServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
      }
      return { stateMachineArn: arn, creationDate: new Date(existing.creationDate) };
    }
    this.stateMachines.set(arn, record);
    return { stateMachineArn: arn, creationDate: new Date(record.creationDate) };
  }

  /** Replaces a state machine's definition; running executions keep the one they started with. */
  updateStateMachine(input: {
    stateMachineArn: string;
    definition: unknown;
    definitionSubstitutions?: Record<string, string>;
  }): {
    updateDate: Date;
  } {
    const existing = this.requireStateMachine(input.stateMachineArn);
    const record = this.buildRecord(existing.arn, {
      ...input,
      name: existing.name,
      roleArn: existing.roleArn,
    });
    record.creationDate = existing.creationDate;
    this.stateMachines.set(existing.arn, record);
    return { updateDate: new Date(this.clock.now()) };
  }

  /** Describes a registered state machine (definition as registered, after substitutions). */
  describeStateMachine(stateMachineArn: string) {
    const sm = this.requireStateMachine(stateMachineArn);
    return {
      stateMachineArn: sm.arn,
      name: sm.name,
      status: 'ACTIVE' as const,
      definition: sm.definitionText,
      roleArn: sm.roleArn,
      type: 'STANDARD' as const,
      creationDate: new Date(sm.creationDate),
    };
  }

  /** Lists registered state machines. */
  listStateMachines() {
    return {
      stateMachines: [...this.stateMachines.values()].map((sm) => ({
        stateMachineArn: sm.arn,
        name: sm.name,
        type: 'STANDARD' as const,
        creationDate: new Date(sm.creationDate),
      })),
    };
  }

  private buildRecord(arn: string, input: CreateStateMachineInput): StateMachineRecord {
    const raw = typeof input.definition === 'string' ? input.definition : JSON.stringify(input.definition);
    if (typeof raw !== 'string') throw new AwsServiceError('InvalidDefinition', 'definition is required');
    const definitionText = applySubstitutions(raw, input.definitionSubstitutions);
    let prepared: PreparedDefinition;
    try {
      prepared = prepareDefinition(definitionText);
      for (const meta of prepared.tasks.values()) {
        if (meta.parsed.kind === 'aws-sdk' && !isAwsSdkService(meta.parsed.service)) {
          throw new DefinitionError(
            `state ${meta.name}: aws-sdk service ${meta.parsed.service} is not available locally`,
          );
        }
      }
    } catch (err) {
      if (err instanceof DefinitionError) throw new AwsServiceError('InvalidDefinition', err.message);
      throw err;
    }
    const name = STATE_MACHINE_ARN.exec(arn)?.[1] ?? input.name;
    return {
      arn,
      name,
      roleArn: input.roleArn ?? `arn:aws:iam::${this.accountId}:role/local-stepfunctions-${name}`,
      definitionText,
      prepared,
      creationDate: this.clock.now(),
    };
  }

  private requireStateMachine(arn: string): StateMachineRecord {
    if (!STATE_MACHINE_ARN.test(arn)) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
    const sm = this.stateMachines.get(arn);
    if (!sm) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return sm;
  }

  private requireExecution(arn: string): Execution {
    if (!EXECUTION_ARN.test(arn)) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
    const exec = this.executions.get(arn);
    if (!exec) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return exec;
  }

  // ---------------------------------------------------------------- executions

  /**
   * Starts an execution. Names are unique per state machine: the same name and input while the
   * first is still running returns that execution (idempotent, like the real service); anything
   * else is `ExecutionAlreadyExists`.
   */
  startExecution(input: StartExecutionInput): { executionArn: string; startDate: Date } {
    const sm = this.requireStateMachine(input.stateMachineArn);
    const name = input.name ?? crypto.randomUUID();
    if (!isValidName(name)) throw new AwsServiceError('InvalidName', `Invalid Name: '${name}'`);
    const text =
      input.input === undefined
        ? '{}'
        : typeof input.input === 'string'
          ? input.input
          : JSON.stringify(input.input);
    const parsedInput = parseJson(text);
    if (parsedInput === undefined) {
      throw new AwsServiceError(
        'InvalidExecutionInput',
        'Invalid State Machine Execution Input: input is not valid JSON',
      );
    }
    const arn = `arn:aws:states:${this.region}:${this.accountId}:execution:${sm.name}:${name}`;
    const existing = this.executions.get(arn);
    if (existing) {
      if (existing.status === 'RUNNING' && existing.input === text) {
        return { executionArn: arn, startDate: new Date(existing.startDate) };
      }
      throw new AwsServiceError('ExecutionAlreadyExists', `Execution Already Exists: '${arn}'`);
    }
    const now = this.clock.now();
    let resolveDone!: () => void;
    const done = new Promise<void>((resolve) => {
      resolveDone = resolve;
    });
    const exec: Execution = {
      arn,
      name,
      sm,
      prepared: sm.prepared,
      status: 'RUNNING',
      startDate: now,
      input: text,
      parsedInput,
      events: [],
      enrich: [],
      counters: { statesEntered: 0, retries: 0, taskInvocations: {}, lambdaInvocations: {} },
      abort: new AbortController(),
      active: 0,
      passive: 0,
      contextState: { Name: '', EnteredTime: iso(now), RetryCount: 0 },
      stateEnteredAt: now,
      entryId: 0,
      ops: new Map(),
      tokens: new Set(),
      syncChildren: new Set(),
      done,
      resolveDone,
    };
    this.executions.set(arn, exec);
    this.running.add(exec);
    this.record(exec, 'ExecutionStarted', 'executionStartedEventDetails', {
      input: text,
      inputDetails: { truncated: false },
      roleArn: sm.roleArn,
    });
    // Like the real service, the call returns before the first state runs.
    queueMicrotask(() => this.launch(exec));
    return { executionArn: arn, startDate: new Date(now) };
  }

  /** Describes an execution (`ExecutionDoesNotExist` when unknown). */
  describeExecution(executionArn: string): ExecutionDescription {
    const exec = this.requireExecution(executionArn);
    const out: ExecutionDescription = {
      executionArn: exec.arn,
      stateMachineArn: exec.sm.arn,
      name: exec.name,
      status: exec.status,
      startDate: new Date(exec.startDate),
      input: exec.input,
      inputDetails: { included: true },
      redriveCount: 0,
    };
    if (exec.stopDate !== undefined) out.stopDate = new Date(exec.stopDate);
    if (exec.output !== undefined) {
      out.output = exec.output;
      out.outputDetails = { included: true };
    }
    if (exec.error !== undefined) out.error = exec.error;
    if (exec.cause !== undefined) out.cause = exec.cause;
    return out;
  }

  /** Stops a running execution (status ABORTED); its waits end, its `.sync` children stop too. */
  stopExecution(input: { executionArn: string; error?: string; cause?: string }): { stopDate: Date } {
    const exec = this.requireExecution(input.executionArn);
    if (exec.status === 'RUNNING') {
      const details: { error?: string; cause?: string } = {};
      if (input.error !== undefined) details.error = input.error;
      if (input.cause !== undefined) details.cause = input.cause;
      this.finish(exec, 'ABORTED', details);
    }
    return { stopDate: new Date(exec.stopDate ?? this.clock.now()) };
  }

  /** Lists executions, newest first, optionally of one state machine and/or status. */
  listExecutions(
    input: {
      stateMachineArn?: string;
      statusFilter?: ExecutionStatus;
      maxResults?: number;
      nextToken?: string;
    } = {},
  ): { executions: ExecutionListItem[]; nextToken?: string } {
    if (input.stateMachineArn !== undefined) this.requireStateMachine(input.stateMachineArn);
    const all = [...this.executions.values()]
      .filter((e) => input.stateMachineArn === undefined || e.sm.arn === input.stateMachineArn)
      .filter((e) => input.statusFilter === undefined || e.status === input.statusFilter)
      .reverse()
      .sort((a, b) => b.startDate - a.startDate);
    const { page, nextToken } = paginate(all, input.maxResults, input.nextToken);
    const executions = page.map((e) => {
      const item: ExecutionListItem = {
        executionArn: e.arn,
        stateMachineArn: e.sm.arn,
        name: e.name,
        status: e.status,
        startDate: new Date(e.startDate),
      };
      if (e.stopDate !== undefined) item.stopDate = new Date(e.stopDate);
      return item;
    });
    return nextToken === undefined ? { executions } : { executions, nextToken };
  }

  /**
   * The execution's history: execution events, states entered/exited, and every task attempt
   * (scheduled, started, submitted, succeeded/failed/timed out), timestamped by the clock.
   */
  async getExecutionHistory(input: {
    executionArn: string;
    maxResults?: number;
    nextToken?: string;
    reverseOrder?: boolean;
    includeExecutionData?: boolean;
  }): Promise<{ events: HistoryEvent[]; nextToken?: string }> {
    const exec = this.requireExecution(input.executionArn);
    for (let i = 0; i < 20 && exec.enrich.length > 0; i++) await tick();
    const includeData = input.includeExecutionData ?? true;
    const ordered = input.reverseOrder ? [...exec.events].reverse() : exec.events;
    const { page, nextToken } = paginate(ordered, input.maxResults, input.nextToken);
    const events = page.map((r) => {
      const event: HistoryEvent = {
        timestamp: new Date(r.timestamp),
        type: r.type,
        id: r.id,
        previousEventId: r.previousEventId,
      };
      if (r.detailsKey && r.details) {
        const details = { ...r.details };
        if (!includeData) {
          for (const field of ['input', 'output', 'parameters']) delete details[field];
        }
        event[r.detailsKey as `${string}EventDetails`] = details;
      }
      return event;
    });
    return nextToken === undefined ? { events } : { events, nextToken };
  }

  /** Counters of one execution (state transitions, task invocations by resource, …). */
  executionCounters(executionArn: string): ExecutionCounters {
    const exec = this.requireExecution(executionArn);
    return {
      statesEntered: exec.counters.statesEntered,
      retries: exec.counters.retries,
      stateTransitions: exec.counters.statesEntered + exec.counters.retries,
      taskInvocations: { ...exec.counters.taskInvocations },
      lambdaInvocations: { ...exec.counters.lambdaInvocations },
    };
  }

  /** Counters summed over all executions, plus executions by status. */
  stats(): ExecutionCounters & { executions: Record<ExecutionStatus, number> } {
    const total: ExecutionCounters & { executions: Record<ExecutionStatus, number> } = {
      statesEntered: 0,
      retries: 0,
      stateTransitions: 0,
      taskInvocations: {},
      lambdaInvocations: {},
      executions: { RUNNING: 0, SUCCEEDED: 0, FAILED: 0, TIMED_OUT: 0, ABORTED: 0 },
    };
    for (const exec of this.executions.values()) {
      total.executions[exec.status]++;
      total.statesEntered += exec.counters.statesEntered;
      total.retries += exec.counters.retries;
      for (const [k, v] of Object.entries(exec.counters.taskInvocations)) {
        total.taskInvocations[k] = (total.taskInvocations[k] ?? 0) + v;
      }
      for (const [k, v] of Object.entries(exec.counters.lambdaInvocations)) {
        total.lambdaInvocations[k] = (total.lambdaInvocations[k] ?? 0) + v;
      }
    }
    total.stateTransitions = total.statesEntered + total.retries;
    return total;
  }

  /** Resolves with the description once the execution has ended. */
  async waitFor(executionArn: string): Promise<ExecutionDescription> {
    const exec = this.requireExecution(executionArn);
    await exec.done;
    return this.describeExecution(executionArn);
  }

  /**
   * Resolves when nothing can make progress without outside help: every running execution is
   * waiting on the clock, a task token or a child execution (or there is none).
   */
  async idle(): Promise<void> {
    for (;;) {
      await tick();
      if (this.quiescent()) {
        await tick();
        if (this.quiescent()) return;
        continue;
      }
      await new Promise<void>((resolve) => this.changeWaiters.push(resolve));
    }
  }

  /** Tasks currently waiting for a task token, optionally of one execution. */
  pendingTaskTokens(executionArn?: string): PendingTaskToken[] {
    return [...this.waiting.entries()]
      .filter(([, w]) => executionArn === undefined || w.exec.arn === executionArn)
      .map(([taskToken, w]) => ({
        taskToken,
        executionArn: w.exec.arn,
        stateName: w.stateName,
        resource: w.resource,
      }));
  }

  // ---------------------------------------------------------------- task tokens

  /** Completes a `.waitForTaskToken` task with `output` (JSON text). */
  sendTaskSuccess(input: { taskToken: string; output: string }): Record<string, never> {
    const waiter = this.requireWaiter(input.taskToken);
    const output = parseJson(input.output);
    if (output === undefined) throw new AwsServiceError('InvalidOutput', 'Invalid Output: not valid JSON');
    waiter.resolve(output);
    return {};
  }

  /** Fails a `.waitForTaskToken` task with `error` (the name Retry/Catch match) and `cause`. */
  sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }): Record<string, never> {
    const waiter = this.requireWaiter(input.taskToken);
    waiter.reject(new StatesError(input.error ?? '', input.cause ?? ''));
    return {};
  }

  /** Restarts a task's `HeartbeatSeconds` countdown. */
  sendTaskHeartbeat(input: { taskToken: string }): Record<string, never> {
    this.requireWaiter(input.taskToken).heartbeat();
    return {};
  }

  private requireWaiter(token: string): TokenWaiter {
    const waiter = this.waiting.get(token);
    if (waiter) return waiter;
    const executionArn = decodeToken(token);
    if (executionArn === undefined) throw new AwsServiceError('InvalidToken', 'Invalid Token');
    if (!this.executions.has(executionArn))
      throw new AwsServiceError('TaskDoesNotExist', 'Task Does Not Exist');
    throw new AwsServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
  }

  private mintToken(exec: Execution): string {
    const body = JSON.stringify({ e: exec.arn, n: crypto.randomUUID() });
    return TOKEN_PREFIX + Buffer.from(body).toString('base64url');
  }

  // ---------------------------------------------------------------- HTTP endpoint

  /** Serves the Step Functions API (AWS JSON 1.0) on 127.0.0.1; port 0 picks a free port. */
  async listen(port = 0): Promise<{ url: string; port: number }> {
    if (!this.endpoint) this.endpoint = await startStepFunctionsEndpoint(this, port);
    return { url: this.endpoint.url, port: this.endpoint.port };
  }

  /** The endpoint URL once `listen()` has resolved. */
  get url(): string | undefined {
    return this.endpoint?.url;
  }

  /** Stops every running execution, the HTTP endpoint and the SDK clients. */
  async stop(): Promise<void> {
    for (const exec of [...this.running]) {
      this.finish(exec, 'ABORTED', {
        error: 'Local.Shutdown',
        cause: 'the local Step Functions service stopped',
      });
    }
    this.removeSettler?.();
    this.removeSettler = undefined;
    const endpoint = this.endpoint;
    this.endpoint = undefined;
    await endpoint?.stop();
    this.pool.destroy();
    this.notify();
  }

  // ---------------------------------------------------------------- running

  private launch(exec: Execution): void {
    if (exec.status !== 'RUNNING') return;
    const prepared = exec.prepared;
    // The library looks up `States[next]` synchronously between leaving one state and entering
    // the next: the one hook where entry times, `$$.State` and history can follow our clock.
    const states = new Proxy(prepared.runnable.States, {
      get: (target, prop, receiver) => {
        if (typeof prop === 'string') {
          this.onTransition(exec, Object.prototype.hasOwnProperty.call(target, prop) ? prop : undefined);
        }
        return Reflect.get(target, prop, receiver) as unknown;
      },
    });
    const definition: StateMachineDefinition = { ...prepared.runnable, States: states };
    const machine = new StateMachine(definition, { validationOptions: { noValidate: true } });
    const handlers: Record<string, (input: Json) => Promise<Json>> = {};
    const retryIntervalOverrides: Record<string, number> = {};
    for (const name of prepared.tasks.keys()) {
      handlers[name] = (input) => this.runTask(exec, name, input);
      retryIntervalOverrides[name] = 0;
    }
    // Minted when Parameters read `$$.Task.Token`; the library calls the task handler
    // synchronously right after, which takes it over (see runTask).
    const task = {};
    Object.defineProperty(task, 'Token', {
      enumerable: true,
      get: () => (exec.pendingToken ??= this.mintToken(exec)),
    });
    const executionInfo = { Id: exec.arn, Name: exec.name, RoleArn: exec.sm.roleArn, RedriveCount: 0 };
    const options: RunOptions = {
      overrides: { taskResourceLocalHandlers: handlers, retryIntervalOverrides },
      noThrowOnAbort: true,
      context: {
        Execution: executionInfo,
        LocalExecution: { ...executionInfo, Input: exec.parsedInput, StartTime: iso(exec.startDate) },
        StateMachine: { Id: exec.sm.arn, Name: exec.sm.name },
        State: exec.contextState,
        Task: task,
      },
    };
    if (prepared.timeoutSeconds !== undefined) {
      exec.cancelTimeout = this.clock.schedule(exec.startDate + prepared.timeoutSeconds * 1000, () =>
        this.finish(exec, 'TIMED_OUT', { error: 'States.Timeout', cause: 'The execution timed out' }),
      );
    }
    let run: ReturnType<StateMachine['run']>;
    try {
      run = machine.run(exec.parsedInput, options);
    } catch (err) {
      const e = toStatesError(err);
      this.finish(exec, 'FAILED', { error: e.name, cause: e.message });
      return;
    }
    exec.libAbort = run.abort;
    void this.consumeLibraryEvents(exec, run.eventLogs);
    run.result.then(
      (output) => this.finish(exec, 'SUCCEEDED', { output: JSON.stringify(output) }),
      (err: unknown) => {
        const cause = err instanceof ExecutionError && err.cause instanceof Error ? err.cause : err;
        const e = toStatesError(cause);
        this.finish(exec, 'FAILED', { error: e.name, cause: e.message });
      },
    );
  }

  /** Called synchronously whenever the library looks up the next state: exit + entry events. */
  private onTransition(exec: Execution, next: string | undefined): void {
    if (exec.status !== 'RUNNING') return;
    const current = exec.currentState;
    if (current !== undefined && next !== UNCAUGHT_STATE) {
      const type = exec.prepared.stateTypes.get(current) ?? 'Task';
      const details: Record<string, unknown> = { name: current };
      this.record(exec, `${type}StateExited`, 'stateExitedEventDetails', details);
      exec.enrich.push({ kind: 'output', name: current, details });
    }
    exec.currentState = undefined;
    if (next === undefined || next === UNCAUGHT_STATE) return;
    const now = this.clock.now();
    exec.currentState = next;
    exec.entryId++;
    exec.pendingToken = undefined;
    exec.stateEnteredAt = now;
    exec.contextState.Name = next;
    exec.contextState.EnteredTime = iso(now);
    exec.contextState.RetryCount = 0;
    exec.counters.statesEntered++;
    const type = exec.prepared.stateTypes.get(next) ?? 'Task';
    const details: Record<string, unknown> = { name: next };
    this.record(exec, `${type}StateEntered`, 'stateEnteredEventDetails', details);
    exec.enrich.push({ kind: 'input', name: next, details });
  }

  /** Fills state input/output into history from the library's own event log. */
  private async consumeLibraryEvents(exec: Execution, events: AsyncGenerator<unknown>): Promise<void> {
    try {
      for await (const raw of events) {
        const event = raw as {
          type?: string;
          index?: number;
          state?: { name?: string; input?: unknown; output?: unknown };
        };
        if (event.index !== undefined || !event.state?.name) continue;
        const kind =
          event.type === 'StateEntered' ? 'input' : event.type === 'StateExited' ? 'output' : undefined;
        const head = exec.enrich[0];
        if (!kind || !head || head.kind !== kind || head.name !== event.state.name) continue;
        exec.enrich.shift();
        const value = kind === 'input' ? event.state.input : event.state.output;
        head.details[kind] = JSON.stringify(value ?? null);
        head.details[`${kind}Details`] = { truncated: false };
      }
    } catch {
      // History data is a convenience; a broken event stream must not affect the run.
    } finally {
      exec.enrich.length = 0;
    }
  }

  private finish(
    exec: Execution,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    details: { output?: string; error?: string; cause?: string },
  ): void {
    if (exec.status !== 'RUNNING') return;
    exec.status = status;
    exec.stopDate = this.clock.now();
    if (details.output !== undefined) exec.output = details.output;
    if (details.error !== undefined) exec.error = details.error;
    if (details.cause !== undefined) exec.cause = details.cause;
    const info: Record<string, unknown> = {};
    if (details.error !== undefined) info['error'] = details.error;
    if (details.cause !== undefined) info['cause'] = details.cause;
    switch (status) {
      case 'SUCCEEDED':
        this.record(exec, 'ExecutionSucceeded', 'executionSucceededEventDetails', {
          output: details.output,
          outputDetails: { truncated: false },
        });
        break;
      case 'FAILED':
        this.record(exec, 'ExecutionFailed', 'executionFailedEventDetails', info);
        break;
      case 'ABORTED':
        this.record(exec, 'ExecutionAborted', 'executionAbortedEventDetails', info);
        break;
      case 'TIMED_OUT':
        this.record(exec, 'ExecutionTimedOut', 'executionTimedOutEventDetails', info);
        break;
    }
    exec.cancelTimeout?.();
    exec.abort.abort();
    if (status === 'ABORTED' || status === 'TIMED_OUT') exec.libAbort?.();
    for (const token of exec.tokens) this.waiting.delete(token);
    exec.tokens.clear();
    if (status !== 'SUCCEEDED') {
      for (const childArn of exec.syncChildren) {
        const child = this.executions.get(childArn);
        if (child?.status === 'RUNNING') {
          this.finish(child, 'ABORTED', { cause: `parent execution ${exec.arn} ended (${status})` });
        }
      }
    }
    this.running.delete(exec);
    exec.resolveDone();
    this.notify();
  }

  private record(
    exec: Execution,
    type: string,
    detailsKey?: string,
    details?: Record<string, unknown>,
  ): void {
    const id = exec.events.length + 1;
    const entry: HistoryRecord = { timestamp: this.clock.now(), type, id, previousEventId: id - 1 };
    if (detailsKey && details) {
      entry.detailsKey = detailsKey;
      entry.details = details;
    }
    exec.events.push(entry);
  }

  private notify(): void {
    const waiters = this.changeWaiters;
    this.changeWaiters = [];
    for (const resolve of waiters) resolve();
  }

  private quiescent(): boolean {
    if (this.background > 0) return false;
    for (const exec of this.running) {
      if (exec.active === 0 || exec.passive < exec.active) return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- tasks

  /** The library's Task handler: one call per state entry (plus continuations, see below). */
  private runTask(exec: Execution, name: string, wrapped: Json): Promise<Json> {
    // Read synchronously: the library evaluated Parameters (minting the token) just before.
    const token = exec.pendingToken;
    exec.pendingToken = undefined;
    const meta = exec.prepared.tasks.get(name);
    if (!meta) return Promise.reject(new StatesError('States.Runtime', `unknown task state ${name}`));
    const key = meta.topLevel ? `${exec.entryId}:${name}` : undefined;
    let op = key === undefined ? undefined : exec.ops.get(key);
    if (!op) {
      op = this.executeTask(exec, meta, wrapped, token);
      if (key !== undefined) {
        exec.ops.set(key, op);
        const forget = () => exec.ops.delete(key);
        op.then(forget, forget);
      }
    }
    // A task may wait for months on the wall clock, but the library arms a real timer for each
    // attempt (at most ~24.8 days). Before it fires we hand back CONTINUE_ERROR; the library's
    // retrier for it calls us again and we re-attach to the same operation.
    // A stopped execution settles at once, even if an in-process Lambda never returns.
    const pending = op;
    const signal = exec.abort.signal;
    return new Promise<Json>((resolve, reject) => {
      const done = (action: () => void) => {
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        action();
      };
      const onAbort = () => done(() => reject(new AbortedError()));
      const timer = setTimeout(
        () => done(() => reject(new StatesError(CONTINUE_ERROR, 'still running'))),
        this.continueAfterMs,
      );
      timer.unref();
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
      pending.then(
        (value) => done(() => resolve(value)),
        (err: unknown) => done(() => reject(err instanceof Error ? err : toStatesError(err))),
      );
    });
  }

  private async executeTask(
    exec: Execution,
    meta: TaskMeta,
    wrapped: Json,
    token: string | undefined,
  ): Promise<Json> {
    exec.active++;
    this.notify();
    try {
      const envelope = isJsonObject(wrapped) ? wrapped : {};
      const payload = envelope['p'] ?? null;
      if (meta.parsed.kind === 'wait') return await this.runWait(exec, meta, envelope);
      const timeoutSeconds = meta.timeoutSeconds ?? positiveInteger(envelope['t'], 'TimeoutSecondsPath');
      const heartbeatSeconds =
        meta.heartbeatSeconds ?? positiveInteger(envelope['h'], 'HeartbeatSecondsPath');
      const attempts = meta.retry.map(() => 0);
      for (;;) {
        try {
          return await this.attempt(exec, meta, payload, timeoutSeconds, heartbeatSeconds, token);
        } catch (err) {
          if (exec.abort.signal.aborted) throw err;
          const error = toStatesError(err);
          const index = findRetrier(meta.retry, error.name);
          const retrier = meta.retry[index];
          if (!retrier) throw error;
          const used = attempts[index] ?? 0;
          if (used >= (retrier.MaxAttempts ?? 3)) throw error;
          attempts[index] = used + 1;
          exec.counters.retries++;
          exec.contextState.RetryCount++;
          await this.sleepUntil(exec, this.clock.now() + this.backoffMs(retrier, used), exec.abort.signal);
        }
      }
    } finally {
      exec.active--;
      this.notify();
    }
  }

  private backoffMs(retrier: Retrier, attempt: number): number {
    let seconds = (retrier.IntervalSeconds ?? 1) * Math.pow(retrier.BackoffRate ?? 2, attempt);
    if (retrier.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, retrier.MaxDelaySeconds);
    const ms = seconds * 1000;
    return retrier.JitterStrategy === 'FULL' ? Math.floor(this.random() * ms) : ms;
  }

  private async runWait(exec: Execution, meta: TaskMeta, envelope: JsonObject): Promise<Json> {
    let target: number;
    const entered = meta.topLevel ? exec.stateEnteredAt : this.clock.now();
    if (meta.waitSeconds !== undefined) {
      target = entered + meta.waitSeconds * 1000;
    } else if (meta.waitTimestamp !== undefined) {
      target = timestampOf(meta.waitTimestamp, meta.name);
    } else if ('s' in envelope) {
      const seconds = envelope['s'];
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
        throw new StatesError(
          'States.Runtime',
          `state ${meta.name}: SecondsPath must point to a non-negative integer`,
        );
      }
      target = entered + seconds * 1000;
    } else {
      const timestamp = envelope['ts'];
      if (typeof timestamp !== 'string') {
        throw new StatesError(
          'States.Runtime',
          `state ${meta.name}: TimestampPath must point to a timestamp string`,
        );
      }
      target = timestampOf(timestamp, meta.name);
    }
    await this.sleepUntil(exec, target, exec.abort.signal);
    return envelope['p'] ?? null;
  }

  /** One attempt of a task: history events, timeout and heartbeat on the clock, dispatch. */
  private async attempt(
    exec: Execution,
    meta: TaskMeta,
    payload: Json,
    timeoutSeconds: number | undefined,
    heartbeatSeconds: number | undefined,
    token: string | undefined,
  ): Promise<Json> {
    const isLambdaArn = meta.parsed.kind === 'lambda-arn';
    const labels = resourceLabels(meta);
    exec.counters.taskInvocations[meta.resource] = (exec.counters.taskInvocations[meta.resource] ?? 0) + 1;
    if (isLambdaArn) {
      const details: Record<string, unknown> = { resource: meta.resource, input: JSON.stringify(payload) };
      if (timeoutSeconds !== undefined) details['timeoutInSeconds'] = timeoutSeconds;
      this.record(exec, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', details);
      this.record(exec, 'LambdaFunctionStarted');
    } else {
      const details: Record<string, unknown> = {
        ...labels,
        region: this.region,
        parameters: JSON.stringify(payload),
      };
      if (timeoutSeconds !== undefined) details['timeoutInSeconds'] = timeoutSeconds;
      if (heartbeatSeconds !== undefined) details['heartbeatInSeconds'] = heartbeatSeconds;
      this.record(exec, 'TaskScheduled', 'taskScheduledEventDetails', details);
      this.record(exec, 'TaskStarted', 'taskStartedEventDetails', labels);
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    exec.abort.signal.addEventListener('abort', onAbort, { once: true });
    let cancelTimeout: (() => void) | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      if (timeoutSeconds !== undefined) {
        cancelTimeout = this.clock.schedule(this.clock.now() + timeoutSeconds * 1000, () =>
          reject(new StatesError('States.Timeout', `Task timed out after ${timeoutSeconds} seconds`)),
        );
      }
    });
    timedOut.catch(() => undefined);
    try {
      const output = await Promise.race([
        this.dispatch(exec, meta, payload, token, heartbeatSeconds, controller.signal),
        timedOut,
      ]);
      if (isLambdaArn) {
        this.record(exec, 'LambdaFunctionSucceeded', 'lambdaFunctionSucceededEventDetails', {
          output: JSON.stringify(output),
          outputDetails: { truncated: false },
        });
      } else {
        this.record(exec, 'TaskSucceeded', 'taskSucceededEventDetails', {
          ...labels,
          output: JSON.stringify(output),
          outputDetails: { truncated: false },
        });
      }
      return output;
    } catch (err) {
      const error = toStatesError(err);
      if (!exec.abort.signal.aborted) {
        const info = { error: error.name, cause: error.message };
        const timeout = isTimeoutError(error.name);
        if (isLambdaArn) {
          this.record(
            exec,
            timeout ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed',
            timeout ? 'lambdaFunctionTimedOutEventDetails' : 'lambdaFunctionFailedEventDetails',
            info,
          );
        } else {
          this.record(
            exec,
            timeout ? 'TaskTimedOut' : 'TaskFailed',
            timeout ? 'taskTimedOutEventDetails' : 'taskFailedEventDetails',
            { ...labels, ...info },
          );
        }
      }
      throw error;
    } finally {
      cancelTimeout?.();
      exec.abort.signal.removeEventListener('abort', onAbort);
      controller.abort();
    }
  }

  /** Runs the integration behind a task resource. */
  private async dispatch(
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
    const taskToken = token ?? this.mintToken(exec);
    const waiting = this.awaitToken(exec, meta, taskToken, heartbeatSeconds, signal);
    waiting.catch(() => undefined);
    const submitted = await call();
    this.record(exec, 'TaskSubmitted', 'taskSubmittedEventDetails', {
      ...resourceLabels(meta),
      output: JSON.stringify(submitted),
      outputDetails: { truncated: false },
    });
    return this.passive(exec, waiting);
  }

  /** Registers a token (before the integration runs, so it may answer at once) and waits for it. */
  private awaitToken(
    exec: Execution,
    meta: TaskMeta,
    token: string,
    heartbeatSeconds: number | undefined,
    signal: AbortSignal,
  ): Promise<Json> {
    return new Promise<Json>((resolve, reject) => {
      let cancelHeartbeat: (() => void) | undefined;
      const armHeartbeat = () => {
        cancelHeartbeat?.();
        if (heartbeatSeconds === undefined) return;
        cancelHeartbeat = this.clock.schedule(this.clock.now() + heartbeatSeconds * 1000, () =>
          settle(() =>
            reject(
              new StatesError('States.HeartbeatTimeout', `No heartbeat for ${heartbeatSeconds} seconds`),
            ),
          ),
        );
      };
      const settle = (action: () => void) => {
        if (this.waiting.get(token)?.exec !== exec) return;
        this.waiting.delete(token);
        exec.tokens.delete(token);
        cancelHeartbeat?.();
        signal.removeEventListener('abort', onAbort);
        action();
      };
      const onAbort = () => settle(() => reject(new AbortedError()));
      this.waiting.set(token, {
        exec,
        stateName: meta.name,
        resource: meta.resource,
        resolve: (output) => settle(() => resolve(output)),
        reject: (err) => settle(() => reject(err)),
        heartbeat: armHeartbeat,
      });
      exec.tokens.add(token);
      signal.addEventListener('abort', onAbort, { once: true });
      armHeartbeat();
    });
  }

  private async passive<T>(exec: Execution, promise: Promise<T>): Promise<T> {
    exec.passive++;
    this.notify();
    try {
      return await promise;
    } finally {
      exec.passive--;
      this.notify();
    }
  }

  private sleepUntil(exec: Execution, at: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(new AbortedError());
    if (at <= this.clock.now()) return Promise.resolve();
    return this.passive(
      exec,
      new Promise<void>((resolve, reject) => {
        const onAbort = () => {
          cancel();
          reject(new AbortedError());
        };
        const cancel = this.clock.schedule(at, () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        });
        signal.addEventListener('abort', onAbort, { once: true });
      }),
    );
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
      this.background++;
      this.countLambda(exec, functionNameOf(functionName));
      void this.lambdas
        .invoke(functionName, event)
        .catch(() => undefined)
        .finally(() => {
          this.background--;
          this.notify();
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
    this.sfnOperations ??= makeSfnOperations(this);
    const operation = this.sfnOperations[action.charAt(0).toUpperCase() + action.slice(1)];
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
        return this.startExecution(request);
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
    const child = this.executions.get(started.executionArn);
    if (!child) throw new StatesError('States.Runtime', 'child execution vanished');
    exec.syncChildren.add(child.arn);
    const aborted = new Promise<never>((_, reject) => {
      const onAbort = () => reject(new AbortedError());
      if (signal.aborted) onAbort();
      else signal.addEventListener('abort', onAbort, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      await this.passive(exec, Promise.race([child.done, aborted]));
    } catch (err) {
      // A timed-out or stopped parent task takes its .sync child with it, like the real service.
      if (child.status === 'RUNNING' && !exec.abort.signal.aborted) {
        this.finish(child, 'ABORTED', { cause: `parent task ${meta.name} of ${exec.arn} ended` });
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

function positiveInteger(value: Json | undefined, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new StatesError('States.Runtime', `${field} must point to a positive integer`);
  }
  return value;
}

function timestampOf(value: string, state: string): number {
  if (!TIMESTAMP_PATTERN.test(value)) {
    throw new StatesError('States.Runtime', `state ${state}: ${value} is not an RFC 3339 timestamp`);
  }
  return Date.parse(value);
}

function decodeToken(token: string): string | undefined {
  if (!token.startsWith(TOKEN_PREFIX)) return undefined;
  try {
    const body: unknown = JSON.parse(
      Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'),
    );
    if (isJsonObject(toJson(body))) {
      const arn = (body as { e?: unknown }).e;
      return typeof arn === 'string' ? arn : undefined;
    }
  } catch {
    return undefined;
  }
  return undefined;
}

function pascalKeys(value: Json): Json {
  if (Array.isArray(value)) return value.map(pascalKeys);
  if (!isJsonObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value))
    out[key.charAt(0).toUpperCase() + key.slice(1)] = pascalKeys(item);
  return out;
}

function paginate<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined) {
  const start = nextToken ? Number.parseInt(Buffer.from(nextToken, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new AwsServiceError('InvalidToken', 'Invalid pagination token');
  const size = maxResults && maxResults > 0 ? Math.min(maxResults, 1000) : 100;
  const page = items.slice(start, start + size);
  const next =
    start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { page, nextToken: next };
}

/** Creates the local Step Functions service (see StepFunctionsService). */
export function createStepFunctionsService(options: StepFunctionsServiceOptions = {}): StepFunctionsService {
  return new StepFunctionsService(options);
}
