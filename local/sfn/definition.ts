import './polyfill';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { DefinitionError } from './errors';
import { isJsonObject, type Json, type JsonObject } from './json';

/**
 * Turns an ASL definition into one aws-local-stepfunctions can run on our terms.
 *
 * The library times Task states, Wait states and retry back-off with real `setTimeout`s, stamps
 * `$$.Execution.StartTime` with the real time and knows nothing of task tokens. So, before a
 * definition runs:
 * - every Wait state becomes a Task on a private resource that our dispatcher completes when the
 *   controllable clock reaches the target time (the library's Wait override only takes a fixed
 *   number of real milliseconds, which cannot follow a controllable clock);
 * - every Task loses `Retry`, `TimeoutSeconds(Path)` and `HeartbeatSeconds(Path)`: the dispatcher
 *   applies them on the clock. `Parameters` are wrapped as `{ p, t, h }` so the library still
 *   evaluates them (and the timeout paths) against the state input;
 * - `$$.Execution…` paths read `$$.LocalExecution…`, which carries our clock's start time;
 * - `Catch` lists get explicit entries for `States.Timeout`/`States.HeartbeatTimeout`, because
 *   the library lets `States.TaskFailed` catch our timeouts and the real service does not;
 * - `ResultPath: "$"` is dropped (same meaning; the library mishandles it).
 */

/** Resource used for rewritten Wait states. */
export const WAIT_RESOURCE = 'arn:aws:states:::local:wait';
/** Error our dispatcher throws to hand control back to the library before its own guard fires. */
export const CONTINUE_ERROR = 'Local.Continue';
/** The library's per-attempt guard, just under Node's timer limit (2^31-1 ms). */
export const LIBRARY_GUARD_SECONDS = 2_147_000;
/** Synthetic state that fails the execution with a timeout nobody was meant to catch. */
export const UNCAUGHT_STATE = '__local.uncaught-timeout__';

const TIMEOUT = 'States.Timeout';
const HEARTBEAT_TIMEOUT = 'States.HeartbeatTimeout';
const ALL = 'States.ALL';
const TASK_FAILED = 'States.TaskFailed';

export type IntegrationPattern = 'request' | 'token' | 'sync' | 'sync2';

/** What a Task's `Resource` asks for. */
export type ParsedResource =
  | { kind: 'wait' }
  | { kind: 'lambda-invoke'; pattern: 'request' | 'token' }
  | { kind: 'lambda-arn'; functionName: string }
  | { kind: 'dynamodb'; action: 'getItem' | 'putItem' | 'updateItem' | 'deleteItem' }
  | { kind: 'states-start'; pattern: IntegrationPattern }
  | { kind: 'sns-publish'; pattern: 'request' | 'token' }
  | { kind: 'aws-sdk'; service: string; action: string; pattern: 'request' | 'token' };

export interface Retrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'NONE' | 'FULL';
}

/** A Task (or rewritten Wait) state as the dispatcher needs it. */
export interface TaskMeta {
  name: string;
  /** The state's type in the original definition (`Task` or `Wait`). */
  originalType: 'Task' | 'Wait';
  resource: string;
  parsed: ParsedResource;
  timeoutSeconds?: number;
  heartbeatSeconds?: number;
  retry: Retrier[];
  /** Wait states: fixed seconds or timestamp (paths are evaluated by the library). */
  waitSeconds?: number;
  waitTimestamp?: string;
  /** Whether the state is in the top-level `States` (not inside a Parallel/Map branch). */
  topLevel: boolean;
}

export interface PreparedDefinition {
  /** The definition as registered (what DescribeStateMachine returns). */
  original: JsonObject;
  /** The rewritten definition handed to the library. */
  runnable: StateMachineDefinition;
  tasks: Map<string, TaskMeta>;
  /** Original state types of the top-level states. */
  stateTypes: Map<string, string>;
  /** Execution-level `TimeoutSeconds`, applied on the clock. */
  timeoutSeconds?: number;
}

const SDK_SERVICE_PATTERN =
  /^arn:aws[\w-]*:states:::aws-sdk:([a-z0-9]+):([a-zA-Z0-9]+)(\.waitForTaskToken)?$/;

/** Parses a Task `Resource`, or returns undefined for resources the local cloud cannot run. */
export function parseResource(resource: string): ParsedResource | undefined {
  if (resource === WAIT_RESOURCE) return { kind: 'wait' };
  let m = /^arn:aws[\w-]*:states:::lambda:invoke(\.waitForTaskToken)?$/.exec(resource);
  if (m) return { kind: 'lambda-invoke', pattern: m[1] ? 'token' : 'request' };
  m = /^arn:aws[\w-]*:lambda:[a-z0-9-]+:\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9$_-]+)?$/.exec(
    resource,
  );
  if (m?.[1]) return { kind: 'lambda-arn', functionName: m[1] };
  m = /^arn:aws[\w-]*:states:::dynamodb:(getItem|putItem|updateItem|deleteItem)$/.exec(resource);
  if (m?.[1])
    return { kind: 'dynamodb', action: m[1] as 'getItem' | 'putItem' | 'updateItem' | 'deleteItem' };
  m = /^arn:aws[\w-]*:states:::states:startExecution(\.sync:2|\.sync|\.waitForTaskToken)?$/.exec(resource);
  if (m) {
    const suffix = m[1];
    const pattern: IntegrationPattern =
      suffix === '.sync:2' ? 'sync2' : suffix === '.sync' ? 'sync' : suffix ? 'token' : 'request';
    return { kind: 'states-start', pattern };
  }
  m = /^arn:aws[\w-]*:states:::sns:publish(\.waitForTaskToken)?$/.exec(resource);
  if (m) return { kind: 'sns-publish', pattern: m[1] ? 'token' : 'request' };
  m = SDK_SERVICE_PATTERN.exec(resource);
  if (m?.[1] && m[2])
    return { kind: 'aws-sdk', service: m[1], action: m[2], pattern: m[3] ? 'token' : 'request' };
  return undefined;
}

const EXECUTION_PATH = /\$\$\.Execution(?=$|[.[\s,)'])/g;

/** Rewrites `$$.Execution` to `$$.LocalExecution` in every string that is a path. */
function rewriteContextPaths(value: Json, key = ''): Json {
  if (typeof value === 'string') {
    const isPath = key.endsWith('.$') || key.endsWith('Path') || key === 'Variable';
    return isPath ? value.replace(EXECUTION_PATH, '$$$$.LocalExecution') : value;
  }
  if (Array.isArray(value)) return value.map((item) => rewriteContextPaths(item, key));
  if (isJsonObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) out[k] = rewriteContextPaths(v, k);
    return out;
  }
  return value;
}

function findJsonata(scope: JsonObject, where: string): string | undefined {
  if (scope['QueryLanguage'] === 'JSONata') return `${where}: QueryLanguage JSONata`;
  const states = scope['States'];
  if (!isJsonObject(states)) return undefined;
  for (const [name, state] of Object.entries(states)) {
    if (!isJsonObject(state)) continue;
    if (state['QueryLanguage'] === 'JSONata') return `state ${name}: QueryLanguage JSONata`;
    for (const field of ['Assign', 'Arguments', 'Output']) {
      if (field in state) return `state ${name}: field ${field}`;
    }
    const inner = [
      ...(Array.isArray(state['Branches']) ? state['Branches'] : []),
      state['Iterator'],
      state['ItemProcessor'],
    ];
    for (const branch of inner) {
      const found =
        branch !== undefined && isJsonObject(branch) ? findJsonata(branch, `state ${name}`) : undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function optionalNumber(value: Json | undefined, field: string, state: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new DefinitionError(`state ${state}: ${field} must be a non-negative integer`);
  }
  return value;
}

function asRetriers(value: Json | undefined): Retrier[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isJsonObject).map((r) => {
    const retrier: Retrier = {
      ErrorEquals: Array.isArray(r['ErrorEquals'])
        ? r['ErrorEquals'].filter((e): e is string => typeof e === 'string')
        : [],
    };
    if (typeof r['IntervalSeconds'] === 'number') retrier.IntervalSeconds = r['IntervalSeconds'];
    if (typeof r['MaxAttempts'] === 'number') retrier.MaxAttempts = r['MaxAttempts'];
    if (typeof r['BackoffRate'] === 'number') retrier.BackoffRate = r['BackoffRate'];
    if (typeof r['MaxDelaySeconds'] === 'number') retrier.MaxDelaySeconds = r['MaxDelaySeconds'];
    if (r['JitterStrategy'] === 'FULL' || r['JitterStrategy'] === 'NONE')
      retrier.JitterStrategy = r['JitterStrategy'];
    return retrier;
  });
}

/** Whether the real service would let `errorEquals` match a timeout error named `error`. */
function realMatchesTimeout(error: string, errorEquals: string[]): boolean {
  return (
    errorEquals.includes(error) ||
    errorEquals.includes(ALL) ||
    (error === HEARTBEAT_TIMEOUT && errorEquals.includes(TIMEOUT))
  );
}

/** Whether the library would let `errorEquals` match our timeout error named `error`. */
function libraryMatchesTimeout(error: string, errorEquals: string[]): boolean {
  return errorEquals.includes(error) || errorEquals.includes(ALL) || errorEquals.includes(TASK_FAILED);
}

function catcherErrors(catcher: JsonObject): string[] {
  const list = catcher['ErrorEquals'];
  return Array.isArray(list) ? list.filter((e): e is string => typeof e === 'string') : [];
}

function rewriteCatch(catchers: Json | undefined, needUncaught: () => void): Json | undefined {
  if (!Array.isArray(catchers) || catchers.length === 0) return catchers;
  const list = catchers.filter(isJsonObject).map(fixResultPath);
  const explicit: JsonObject[] = [];
  for (const error of [HEARTBEAT_TIMEOUT, TIMEOUT]) {
    const real = list.find((c) => realMatchesTimeout(error, catcherErrors(c)));
    if (real) {
      const entry: JsonObject = { ErrorEquals: [error], Next: real['Next'] ?? null };
      if ('ResultPath' in real) entry['ResultPath'] = real['ResultPath'] ?? null;
      explicit.push(entry);
    } else if (list.some((c) => libraryMatchesTimeout(error, catcherErrors(c)))) {
      needUncaught();
      explicit.push({ ErrorEquals: [error], Next: UNCAUGHT_STATE });
    }
  }
  return [...explicit, ...list];
}

function fixResultPath<T extends JsonObject>(state: T): T {
  if (state['ResultPath'] === '$') {
    const copy: JsonObject = { ...state };
    delete copy['ResultPath'];
    return copy as T;
  }
  return state;
}

const CONTINUE_RETRIER: JsonObject = {
  ErrorEquals: [CONTINUE_ERROR],
  MaxAttempts: Number.MAX_SAFE_INTEGER,
  IntervalSeconds: 1,
  BackoffRate: 1,
};

interface RewriteContext {
  tasks: Map<string, TaskMeta>;
  stateTypes: Map<string, string>;
}

function rewriteScope(scope: JsonObject, ctx: RewriteContext, where: string, topLevel: boolean): JsonObject {
  const statesValue = scope['States'];
  if (!isJsonObject(statesValue)) throw new DefinitionError(`${where}: States must be an object`);
  const states: JsonObject = {};
  let uncaughtNeeded = false;
  const needUncaught = () => {
    uncaughtNeeded = true;
  };
  for (const [name, raw] of Object.entries(statesValue)) {
    if (!isJsonObject(raw)) throw new DefinitionError(`state ${name} must be an object`);
    const type = raw['Type'];
    if (typeof type !== 'string') throw new DefinitionError(`state ${name} has no Type`);
    if (topLevel) ctx.stateTypes.set(name, type);
    const state = fixResultPath(raw);
    if (type === 'Task' || type === 'Wait') {
      if (ctx.tasks.has(name)) {
        throw new DefinitionError(`state name ${name} is used twice (in different branches); rename one`);
      }
    }
    if (type === 'Task') {
      const resource = state['Resource'];
      if (typeof resource !== 'string') throw new DefinitionError(`state ${name}: Resource must be a string`);
      const parsed = parseResource(resource);
      if (!parsed || parsed.kind === 'wait') {
        throw new DefinitionError(`state ${name}: resource ${resource} is not supported by the local runner`);
      }
      const meta: TaskMeta = {
        name,
        originalType: 'Task',
        resource,
        parsed,
        retry: asRetriers(state['Retry']),
        topLevel,
      };
      const timeoutSeconds = optionalNumber(state['TimeoutSeconds'], 'TimeoutSeconds', name);
      const heartbeatSeconds = optionalNumber(state['HeartbeatSeconds'], 'HeartbeatSeconds', name);
      if (timeoutSeconds !== undefined) meta.timeoutSeconds = timeoutSeconds;
      if (heartbeatSeconds !== undefined) meta.heartbeatSeconds = heartbeatSeconds;
      ctx.tasks.set(name, meta);

      const wrapped: JsonObject = {};
      if ('Parameters' in state) wrapped['p'] = state['Parameters'] ?? null;
      else wrapped['p.$'] = '$';
      if (typeof state['TimeoutSecondsPath'] === 'string') wrapped['t.$'] = state['TimeoutSecondsPath'];
      if (typeof state['HeartbeatSecondsPath'] === 'string') wrapped['h.$'] = state['HeartbeatSecondsPath'];

      const next: JsonObject = { ...state };
      for (const field of [
        'Retry',
        'TimeoutSeconds',
        'TimeoutSecondsPath',
        'HeartbeatSeconds',
        'HeartbeatSecondsPath',
      ]) {
        delete next[field];
      }
      next['Parameters'] = wrapped;
      next['TimeoutSeconds'] = LIBRARY_GUARD_SECONDS;
      next['Retry'] = [CONTINUE_RETRIER];
      const catchers = rewriteCatch(state['Catch'], needUncaught);
      if (catchers !== undefined) next['Catch'] = catchers;
      states[name] = next;
      continue;
    }
    if (type === 'Wait') {
      const meta: TaskMeta = {
        name,
        originalType: 'Wait',
        resource: WAIT_RESOURCE,
        parsed: { kind: 'wait' },
        retry: [],
        topLevel,
      };
      const parameters: JsonObject = { 'p.$': '$' };
      if (state['Seconds'] !== undefined) {
        meta.waitSeconds = optionalNumber(state['Seconds'], 'Seconds', name) ?? 0;
      } else if (typeof state['Timestamp'] === 'string') {
        meta.waitTimestamp = state['Timestamp'];
      } else if (typeof state['SecondsPath'] === 'string') {
        parameters['s.$'] = state['SecondsPath'];
      } else if (typeof state['TimestampPath'] === 'string') {
        parameters['ts.$'] = state['TimestampPath'];
      } else {
        throw new DefinitionError(
          `state ${name}: Wait needs Seconds, Timestamp, SecondsPath or TimestampPath`,
        );
      }
      ctx.tasks.set(name, meta);
      const next: JsonObject = {
        Type: 'Task',
        Resource: WAIT_RESOURCE,
        Parameters: parameters,
        TimeoutSeconds: LIBRARY_GUARD_SECONDS,
        Retry: [CONTINUE_RETRIER],
      };
      for (const field of ['Comment', 'InputPath', 'OutputPath', 'Next', 'End']) {
        if (field in state) next[field] = state[field] ?? null;
      }
      states[name] = next;
      continue;
    }
    const next: JsonObject = { ...state };
    if (Array.isArray(state['Catch'])) next['Catch'] = state['Catch'].filter(isJsonObject).map(fixResultPath);
    if (type === 'Parallel' && Array.isArray(state['Branches'])) {
      next['Branches'] = state['Branches'].map((branch, i) => {
        if (!isJsonObject(branch)) throw new DefinitionError(`state ${name}: branch ${i} must be an object`);
        return rewriteScope(branch, ctx, `${name} branch ${i}`, false);
      });
    }
    if (type === 'Map') {
      for (const field of ['Iterator', 'ItemProcessor']) {
        const inner = state[field];
        if (isJsonObject(inner)) next[field] = rewriteScope(inner, ctx, `${name} ${field}`, false);
      }
    }
    states[name] = next;
  }
  if (uncaughtNeeded) states[UNCAUGHT_STATE] = { Type: 'Fail', ErrorPath: '$.Error', CausePath: '$.Cause' };
  const out: JsonObject = { ...scope, States: states };
  delete out['TimeoutSeconds'];
  return out;
}

/**
 * Validates a definition (ASL JSONPath only) and rewrites it for the local runner. Accepts the
 * definition as an object or JSON text. Throws DefinitionError when it cannot run locally.
 */
export function prepareDefinition(definition: unknown): PreparedDefinition {
  let parsed: unknown = definition;
  if (typeof definition === 'string') {
    try {
      parsed = JSON.parse(definition);
    } catch (err) {
      throw new DefinitionError(`definition is not valid JSON: ${(err as Error).message}`);
    }
  }
  if (!isJsonObject(parsed)) throw new DefinitionError('definition must be a JSON object');
  const original = parsed;
  const jsonata = findJsonata(original, 'definition');
  if (jsonata) {
    throw new DefinitionError(
      `${jsonata}: the local runner supports JSONPath definitions only (DESIGN §3.3)`,
    );
  }
  try {
    new StateMachine(original as unknown as StateMachineDefinition, {
      validationOptions: { checkPaths: true, checkArn: true },
    });
  } catch (err) {
    throw new DefinitionError((err as Error).message);
  }
  const ctx: RewriteContext = { tasks: new Map(), stateTypes: new Map() };
  const rewritten = rewriteContextPaths(original);
  if (!isJsonObject(rewritten)) throw new DefinitionError('definition must be a JSON object');
  const runnable = rewriteScope(rewritten, ctx, 'definition', true);
  const prepared: PreparedDefinition = {
    original,
    runnable: runnable as unknown as StateMachineDefinition,
    tasks: ctx.tasks,
    stateTypes: ctx.stateTypes,
  };
  const timeout = original['TimeoutSeconds'];
  if (typeof timeout === 'number' && timeout > 0) prepared.timeoutSeconds = timeout;
  return prepared;
}

/**
 * Replaces `${name}` placeholders like CloudFormation's `DefinitionSubstitutions` do, in the
 * definition text. Unknown placeholders are left alone.
 */
export function applySubstitutions(
  definitionText: string,
  substitutions: Record<string, string> = {},
): string {
  return definitionText.replace(/\$\{([^}]+)\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(substitutions, key) ? (substitutions[key] ?? whole) : whole,
  );
}
