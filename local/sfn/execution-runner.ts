import './polyfill';
import {
  ExecutionError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import type { SchedulingClock } from './clock';
import { UNCAUGHT_STATE } from './definition';
import { toStatesError } from './errors';
import type { Json } from './json';
import { iso, type Execution, type ExecutionRegistry } from './registry';
import type { TaskRunner } from './task-runner';
import type { TaskTokens } from './tokens';

/**
 * Runs an execution on aws-local-stepfunctions: one library run per execution, task handlers
 * that go to the task runner, and state transitions, `$$` context and history on the clock.
 */
export class ExecutionRunner {
  constructor(
    private readonly registry: ExecutionRegistry,
    private readonly tokens: TaskTokens,
    private readonly tasks: TaskRunner,
    private readonly clock: SchedulingClock,
  ) {}

  launch(exec: Execution): void {
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
      handlers[name] = (input) => this.tasks.runTask(exec, name, input);
      retryIntervalOverrides[name] = 0;
    }
    // Minted when Parameters read `$$.Task.Token`; the library calls the task handler
    // synchronously right after, which takes it over (see runTask).
    const task = {};
    Object.defineProperty(task, 'Token', {
      enumerable: true,
      get: () => (exec.pendingToken ??= this.tokens.mintToken(exec)),
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
        this.registry.finish(exec, 'TIMED_OUT', {
          error: 'States.Timeout',
          cause: 'The execution timed out',
        }),
      );
    }
    let run: ReturnType<StateMachine['run']>;
    try {
      run = machine.run(exec.parsedInput, options);
    } catch (err) {
      const e = toStatesError(err);
      this.registry.finish(exec, 'FAILED', { error: e.name, cause: e.message });
      return;
    }
    exec.libAbort = run.abort;
    void this.consumeLibraryEvents(exec, run.eventLogs);
    run.result.then(
      (output) => this.registry.finish(exec, 'SUCCEEDED', { output: JSON.stringify(output) }),
      (err: unknown) => {
        const cause = err instanceof ExecutionError && err.cause instanceof Error ? err.cause : err;
        const e = toStatesError(cause);
        this.registry.finish(exec, 'FAILED', { error: e.name, cause: e.message });
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
      this.registry.record(exec, `${type}StateExited`, 'stateExitedEventDetails', details);
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
    this.registry.record(exec, `${type}StateEntered`, 'stateEnteredEventDetails', details);
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
}
