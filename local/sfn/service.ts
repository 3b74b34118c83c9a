import { AwsServiceError } from '../common/aws-json-server';
import { AwsClientPool } from './aws-clients';
import { WallClock, type SchedulingClock } from './clock';
import { TaskDispatcher, type SfnOperations } from './dispatch';
import { StatesError } from './errors';
import { ExecutionRunner } from './execution-runner';
import { parseJson } from './json';
import { LambdaRegistry, type LambdaHandler } from './lambdas';
import { ExecutionRegistry, isValidName, iso, paginate, tick, type Execution } from './registry';
import { TaskRunner } from './task-runner';
import { TaskTokens } from './tokens';
import type {
  CreateStateMachineInput,
  ExecutionCounters,
  ExecutionDescription,
  ExecutionListItem,
  ExecutionStatus,
  HistoryEvent,
  PendingTaskToken,
  StartExecutionInput,
  StepFunctionsServiceOptions,
} from './types';

/** Hand control back to the library well before its own 24.8-day guard fires (wall clock). */
const CONTINUE_AFTER_MS = 20 * 24 * 60 * 60 * 1000;

/**
 * The local Step Functions service without its HTTP endpoint: the API over the execution
 * registry, the execution runner and task tokens. The API operations (endpoint.ts) take this
 * class; `StepFunctionsService` (server.ts) hands them back in and adds `listen()`, so this
 * module never imports the endpoint.
 */
export class StepFunctionsServiceBase {
  readonly clock: SchedulingClock;
  readonly region: string;
  readonly accountId: string;
  private readonly lambdas: LambdaRegistry;
  private readonly pool: AwsClientPool;
  private readonly registry: ExecutionRegistry;
  private readonly tokens: TaskTokens;
  private readonly runner: ExecutionRunner;
  private removeSettler?: () => void;
  private sfnOperations?: SfnOperations;

  /** `operations` builds the API operations by name, for in-process `aws-sdk:sfn:*` tasks. */
  constructor(
    options: StepFunctionsServiceOptions,
    operations: (service: StepFunctionsServiceBase) => SfnOperations,
  ) {
    this.clock = options.clock ?? new WallClock();
    this.region = options.region ?? 'us-east-1';
    this.accountId = options.accountId ?? '123456789012';
    this.lambdas = new LambdaRegistry(this.region, this.accountId);
    for (const [name, handler] of Object.entries(options.lambdas ?? {})) this.lambdas.register(name, handler);
    this.pool = new AwsClientPool({ region: this.region, ...options.aws });
    this.registry = new ExecutionRegistry(this.clock, this.accountId);
    this.tokens = new TaskTokens(this.registry, this.clock);
    const dispatcher = new TaskDispatcher({
      registry: this.registry,
      tokens: this.tokens,
      clock: this.clock,
      lambdas: this.lambdas,
      pool: this.pool,
      startExecution: (input) => this.startExecution(input),
      sfnOperations: () => (this.sfnOperations ??= operations(this)),
    });
    const tasks = new TaskRunner({
      registry: this.registry,
      dispatcher,
      clock: this.clock,
      region: this.region,
      random: options.random ?? Math.random,
      continueAfterMs: options.continueAfterMs ?? CONTINUE_AFTER_MS,
    });
    this.runner = new ExecutionRunner(this.registry, this.tokens, tasks, this.clock);
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
    const record = this.registry.buildRecord(arn, input);
    const existing = this.registry.stateMachines.get(arn);
    if (existing) {
      if (existing.definitionText !== record.definitionText) {
        throw new AwsServiceError('StateMachineAlreadyExists', `State Machine Already Exists: '${arn}'`);
      }
      return { stateMachineArn: arn, creationDate: new Date(existing.creationDate) };
    }
    this.registry.stateMachines.set(arn, record);
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
    const existing = this.registry.requireStateMachine(input.stateMachineArn);
    const record = this.registry.buildRecord(existing.arn, {
      ...input,
      name: existing.name,
      roleArn: existing.roleArn,
    });
    record.creationDate = existing.creationDate;
    this.registry.stateMachines.set(existing.arn, record);
    return { updateDate: new Date(this.clock.now()) };
  }

  /** Describes a registered state machine (definition as registered, after substitutions). */
  describeStateMachine(stateMachineArn: string) {
    const sm = this.registry.requireStateMachine(stateMachineArn);
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
      stateMachines: [...this.registry.stateMachines.values()].map((sm) => ({
        stateMachineArn: sm.arn,
        name: sm.name,
        type: 'STANDARD' as const,
        creationDate: new Date(sm.creationDate),
      })),
    };
  }

  // ---------------------------------------------------------------- executions

  /**
   * Starts an execution. Names are unique per state machine: the same name and input while the
   * first is still running returns that execution (idempotent, like the real service); anything
   * else is `ExecutionAlreadyExists`.
   */
  startExecution(input: StartExecutionInput): { executionArn: string; startDate: Date } {
    const sm = this.registry.requireStateMachine(input.stateMachineArn);
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
    const existing = this.registry.executions.get(arn);
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
    this.registry.executions.set(arn, exec);
    this.registry.running.add(exec);
    this.registry.record(exec, 'ExecutionStarted', 'executionStartedEventDetails', {
      input: text,
      inputDetails: { truncated: false },
      roleArn: sm.roleArn,
    });
    // Like the real service, the call returns before the first state runs.
    queueMicrotask(() => this.runner.launch(exec));
    return { executionArn: arn, startDate: new Date(now) };
  }

  /** Describes an execution (`ExecutionDoesNotExist` when unknown). */
  describeExecution(executionArn: string): ExecutionDescription {
    const exec = this.registry.requireExecution(executionArn);
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
    const exec = this.registry.requireExecution(input.executionArn);
    if (exec.status === 'RUNNING') {
      const details: { error?: string; cause?: string } = {};
      if (input.error !== undefined) details.error = input.error;
      if (input.cause !== undefined) details.cause = input.cause;
      this.registry.finish(exec, 'ABORTED', details);
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
    if (input.stateMachineArn !== undefined) this.registry.requireStateMachine(input.stateMachineArn);
    const all = [...this.registry.executions.values()]
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
    const exec = this.registry.requireExecution(input.executionArn);
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
    const exec = this.registry.requireExecution(executionArn);
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
    for (const exec of this.registry.executions.values()) {
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
    const exec = this.registry.requireExecution(executionArn);
    await exec.done;
    return this.describeExecution(executionArn);
  }

  /**
   * Resolves when nothing can make progress without outside help: every running execution is
   * waiting on the clock, a task token or a child execution (or there is none).
   */
  idle(): Promise<void> {
    return this.registry.idle();
  }

  /** Tasks currently waiting for a task token, optionally of one execution. */
  pendingTaskTokens(executionArn?: string): PendingTaskToken[] {
    return this.tokens.pendingTaskTokens(executionArn);
  }

  // ---------------------------------------------------------------- task tokens

  /** Completes a `.waitForTaskToken` task with `output` (JSON text). */
  sendTaskSuccess(input: { taskToken: string; output: string }): Record<string, never> {
    const waiter = this.tokens.requireWaiter(input.taskToken);
    const output = parseJson(input.output);
    if (output === undefined) throw new AwsServiceError('InvalidOutput', 'Invalid Output: not valid JSON');
    waiter.resolve(output);
    return {};
  }

  /** Fails a `.waitForTaskToken` task with `error` (the name Retry/Catch match) and `cause`. */
  sendTaskFailure(input: { taskToken: string; error?: string; cause?: string }): Record<string, never> {
    const waiter = this.tokens.requireWaiter(input.taskToken);
    waiter.reject(new StatesError(input.error ?? '', input.cause ?? ''));
    return {};
  }

  /** Restarts a task's `HeartbeatSeconds` countdown. */
  sendTaskHeartbeat(input: { taskToken: string }): Record<string, never> {
    this.tokens.requireWaiter(input.taskToken).heartbeat();
    return {};
  }

  // ---------------------------------------------------------------- lifecycle

  /** Stops every running execution, the HTTP endpoint and the SDK clients. */
  async stop(): Promise<void> {
    for (const exec of [...this.registry.running]) {
      this.registry.finish(exec, 'ABORTED', {
        error: 'Local.Shutdown',
        cause: 'the local Step Functions service stopped',
      });
    }
    this.removeSettler?.();
    this.removeSettler = undefined;
    await this.stopEndpoint();
    this.pool.destroy();
    this.registry.notify();
  }

  /** Stops the HTTP endpoint, if there is one (see StepFunctionsService). */
  protected stopEndpoint(): Promise<void> | undefined {
    return undefined;
  }
}
