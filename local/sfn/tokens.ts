import { AwsServiceError } from '../common/aws-json-server';
import type { SchedulingClock } from './clock';
import type { TaskMeta } from './definition';
import { AbortedError, StatesError } from './errors';
import { isJsonObject, toJson, type Json } from './json';
import type { Execution, ExecutionRegistry, TokenWaiter } from './registry';
import type { PendingTaskToken } from './types';

/**
 * Task tokens: minted for `$$.Task.Token` and `.waitForTaskToken` tasks, they carry the
 * execution ARN so an unknown token can still be told apart from one whose task has ended.
 */

const TOKEN_PREFIX = 'LSFN';

export class TaskTokens {
  constructor(
    private readonly registry: ExecutionRegistry,
    private readonly clock: SchedulingClock,
  ) {}

  mintToken(exec: Execution): string {
    const body = JSON.stringify({ e: exec.arn, n: crypto.randomUUID() });
    return TOKEN_PREFIX + Buffer.from(body).toString('base64url');
  }

  /** The task waiting for `token`, or the API error the real service answers with. */
  requireWaiter(token: string): TokenWaiter {
    const waiter = this.registry.waiting.get(token);
    if (waiter) return waiter;
    const executionArn = decodeToken(token);
    if (executionArn === undefined) throw new AwsServiceError('InvalidToken', 'Invalid Token');
    if (!this.registry.executions.has(executionArn))
      throw new AwsServiceError('TaskDoesNotExist', 'Task Does Not Exist');
    throw new AwsServiceError('TaskTimedOut', "Task Timed Out: 'Provided task does not exist anymore'");
  }

  /** Tasks currently waiting for a task token, optionally of one execution. */
  pendingTaskTokens(executionArn?: string): PendingTaskToken[] {
    return [...this.registry.waiting.entries()]
      .filter(([, w]) => executionArn === undefined || w.exec.arn === executionArn)
      .map(([taskToken, w]) => ({
        taskToken,
        executionArn: w.exec.arn,
        stateName: w.stateName,
        resource: w.resource,
      }));
  }

  /** Registers a token (before the integration runs, so it may answer at once) and waits for it. */
  awaitToken(
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
        if (this.registry.waiting.get(token)?.exec !== exec) return;
        this.registry.waiting.delete(token);
        exec.tokens.delete(token);
        cancelHeartbeat?.();
        signal.removeEventListener('abort', onAbort);
        action();
      };
      const onAbort = () => settle(() => reject(new AbortedError()));
      this.registry.waiting.set(token, {
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
