import { AwsServiceError } from '../common/aws-json-server';
import { isAwsSdkService } from './aws-clients';
import type { SchedulingClock } from './clock';
import { applySubstitutions, prepareDefinition, type PreparedDefinition } from './definition';
import { DefinitionError } from './errors';
import type { Json } from './json';
import type { CreateStateMachineInput, ExecutionCounters, ExecutionStatus } from './types';

/**
 * The execution registry: state machines and executions as the service records them, the tasks
 * waiting for a token, and the bookkeeping every part shares (history events, ending an
 * execution, change notification and the idle test).
 */

export interface StateMachineRecord {
  arn: string;
  name: string;
  roleArn: string;
  definitionText: string;
  prepared: PreparedDefinition;
  creationDate: number;
}

export interface HistoryRecord {
  timestamp: number;
  type: string;
  id: number;
  previousEventId: number;
  detailsKey?: string;
  details?: Record<string, unknown>;
}

export interface EnrichSlot {
  kind: 'input' | 'output';
  name: string;
  details: Record<string, unknown>;
}

export interface ContextState {
  Name: string;
  EnteredTime: string;
  RetryCount: number;
}

export interface Execution {
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

export interface TokenWaiter {
  exec: Execution;
  stateName: string;
  resource: string;
  resolve: (output: Json) => void;
  reject: (err: Error) => void;
  heartbeat: () => void;
}

const NAME_SPECIALS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/;

/** Execution and state machine names: 1–80 characters, no whitespace, specials or controls. */
export function isValidName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || NAME_SPECIALS.test(name)) return false;
  for (const char of name) {
    const code = char.charCodeAt(0);
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return false;
  }
  return true;
}
const STATE_MACHINE_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:stateMachine:([^:]+)$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:execution:([^:]+):([^:]+)$/;

export const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

export function paginate<T>(items: T[], maxResults: number | undefined, nextToken: string | undefined) {
  const start = nextToken ? Number.parseInt(Buffer.from(nextToken, 'base64url').toString('utf8'), 10) : 0;
  if (!Number.isInteger(start) || start < 0)
    throw new AwsServiceError('InvalidToken', 'Invalid pagination token');
  const size = maxResults && maxResults > 0 ? Math.min(maxResults, 1000) : 100;
  const page = items.slice(start, start + size);
  const next =
    start + size < items.length ? Buffer.from(String(start + size)).toString('base64url') : undefined;
  return { page, nextToken: next };
}

export class ExecutionRegistry {
  readonly stateMachines = new Map<string, StateMachineRecord>();
  readonly executions = new Map<string, Execution>();
  readonly running = new Set<Execution>();
  /** Tasks waiting for SendTaskSuccess/Failure, by token. */
  readonly waiting = new Map<string, TokenWaiter>();
  /** `InvocationType: Event` Lambda calls still running (the service is not idle meanwhile). */
  background = 0;
  private changeWaiters: Array<() => void> = [];

  constructor(
    private readonly clock: SchedulingClock,
    private readonly accountId: string,
  ) {}

  /** A state machine record: substitutions applied, prepared for the library (`InvalidDefinition` if not). */
  buildRecord(arn: string, input: CreateStateMachineInput): StateMachineRecord {
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

  requireStateMachine(arn: string): StateMachineRecord {
    if (!STATE_MACHINE_ARN.test(arn)) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
    const sm = this.stateMachines.get(arn);
    if (!sm) throw new AwsServiceError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return sm;
  }

  requireExecution(arn: string): Execution {
    if (!EXECUTION_ARN.test(arn)) throw new AwsServiceError('InvalidArn', `Invalid Arn: '${arn}'`);
    const exec = this.executions.get(arn);
    if (!exec) throw new AwsServiceError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return exec;
  }

  /** Ends a running execution: status, history event, its waits and tokens, its `.sync` children. */
  finish(
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

  /** Appends a history event, timestamped by the clock. */
  record(exec: Execution, type: string, detailsKey?: string, details?: Record<string, unknown>): void {
    const id = exec.events.length + 1;
    const entry: HistoryRecord = { timestamp: this.clock.now(), type, id, previousEventId: id - 1 };
    if (detailsKey && details) {
      entry.detailsKey = detailsKey;
      entry.details = details;
    }
    exec.events.push(entry);
  }

  /** Wakes `idle()` so it looks again. */
  notify(): void {
    const waiters = this.changeWaiters;
    this.changeWaiters = [];
    for (const resolve of waiters) resolve();
  }

  quiescent(): boolean {
    if (this.background > 0) return false;
    for (const exec of this.running) {
      if (exec.active === 0 || exec.passive < exec.active) return false;
    }
    return true;
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

  /** Counts a task of `exec` as waiting (on the clock, a token or a child) until `promise` settles. */
  async passive<T>(exec: Execution, promise: Promise<T>): Promise<T> {
    exec.passive++;
    this.notify();
    try {
      return await promise;
    } finally {
      exec.passive--;
      this.notify();
    }
  }
}
