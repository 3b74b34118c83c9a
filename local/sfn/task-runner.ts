import type { SchedulingClock } from './clock';
import { CONTINUE_ERROR, type Retrier, type TaskMeta } from './definition';
import { resourceLabels, type TaskDispatcher } from './dispatch';
import { AbortedError, StatesError, toStatesError } from './errors';
import { isJsonObject, type Json, type JsonObject } from './json';
import type { Execution, ExecutionRegistry } from './registry';

/**
 * Running a Task state on the clock: Retry with back-off, TimeoutSeconds and HeartbeatSeconds,
 * Wait states (rewritten into tasks), and the history events of each attempt.
 */

export interface TaskRunnerContext {
  registry: ExecutionRegistry;
  dispatcher: TaskDispatcher;
  clock: SchedulingClock;
  region: string;
  /** Random source for `JitterStrategy: FULL`. */
  random: () => number;
  /** Real milliseconds before a pending task is handed back to the library (see runTask). */
  continueAfterMs: number;
}

const TIMESTAMP_PATTERN =
  /^\d{4}-(0[1-9]|1[012])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):([0-5]\d):([0-5]\d)(\.\d+)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$/;

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

export class TaskRunner {
  private readonly registry: ExecutionRegistry;
  private readonly dispatcher: TaskDispatcher;
  private readonly clock: SchedulingClock;
  private readonly region: string;
  private readonly random: () => number;
  private readonly continueAfterMs: number;

  constructor(context: TaskRunnerContext) {
    this.registry = context.registry;
    this.dispatcher = context.dispatcher;
    this.clock = context.clock;
    this.region = context.region;
    this.random = context.random;
    this.continueAfterMs = context.continueAfterMs;
  }

  /** The library's Task handler: one call per state entry (plus continuations, see below). */
  runTask(exec: Execution, name: string, wrapped: Json): Promise<Json> {
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
    this.registry.notify();
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
      this.registry.notify();
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
      this.registry.record(exec, 'LambdaFunctionScheduled', 'lambdaFunctionScheduledEventDetails', details);
      this.registry.record(exec, 'LambdaFunctionStarted');
    } else {
      const details: Record<string, unknown> = {
        ...labels,
        region: this.region,
        parameters: JSON.stringify(payload),
      };
      if (timeoutSeconds !== undefined) details['timeoutInSeconds'] = timeoutSeconds;
      if (heartbeatSeconds !== undefined) details['heartbeatInSeconds'] = heartbeatSeconds;
      this.registry.record(exec, 'TaskScheduled', 'taskScheduledEventDetails', details);
      this.registry.record(exec, 'TaskStarted', 'taskStartedEventDetails', labels);
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
        this.dispatcher.dispatch(exec, meta, payload, token, heartbeatSeconds, controller.signal),
        timedOut,
      ]);
      if (isLambdaArn) {
        this.registry.record(exec, 'LambdaFunctionSucceeded', 'lambdaFunctionSucceededEventDetails', {
          output: JSON.stringify(output),
          outputDetails: { truncated: false },
        });
      } else {
        this.registry.record(exec, 'TaskSucceeded', 'taskSucceededEventDetails', {
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
          this.registry.record(
            exec,
            timeout ? 'LambdaFunctionTimedOut' : 'LambdaFunctionFailed',
            timeout ? 'lambdaFunctionTimedOutEventDetails' : 'lambdaFunctionFailedEventDetails',
            info,
          );
        } else {
          this.registry.record(
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

  private sleepUntil(exec: Execution, at: number, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(new AbortedError());
    if (at <= this.clock.now()) return Promise.resolve();
    return this.registry.passive(
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
}
