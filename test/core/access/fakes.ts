/**
 * Fakes for the access use cases: Identity Center account assignments that settle when polled,
 * with knobs for slow, FAILED and throwing operations, a notifier that records events, and the
 * wait for a decision.
 */
import type { DecisionWait } from '../../../lambdas/core/access';
import type { NotificationEvent } from '../../../lambdas/core/notifications/events';
import type { Notifier } from '../../../lambdas/core/notifications/ports';
import type {
  AccountAssignments,
  AssignmentOperationKind,
  AssignmentOperationStatus,
  RequestRepository,
} from '../../../lambdas/core/ports';

type Method = 'create' | 'remove' | 'status' | 'exists';

interface Operation {
  kind: AssignmentOperationKind;
  key: string;
  polls: number;
  failure?: string;
  settled: boolean;
}

const keyOf = (userId: string, accountId: string, permissionSetArn: string) =>
  `${userId}|${accountId}|${permissionSetArn}`;

/** An AWS-style error (what the adapters let through besides domain errors). */
export function awsError(name: string, message = name): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

export class FakeAssignments implements AccountAssignments {
  readonly held = new Set<string>();
  readonly calls: Method[] = [];
  readonly operations = new Map<string, Operation>();
  /** Status checks an operation answers IN_PROGRESS before it settles. */
  pollsUntilDone = 0;
  private failures: string[] = [];
  private readonly errors: Record<Method, unknown[]> = { create: [], remove: [], status: [], exists: [] };
  private next = 0;
  /** Called when an operation starts (tests change the world in the middle of a grant). */
  onStart?: (kind: AssignmentOperationKind) => Promise<void> | void;

  hold(userId: string, accountId: string, permissionSetArn: string): void {
    this.held.add(keyOf(userId, accountId, permissionSetArn));
  }

  has(userId: string, accountId: string, permissionSetArn: string): boolean {
    return this.held.has(keyOf(userId, accountId, permissionSetArn));
  }

  /** The next `n` operations end FAILED with `reason`. */
  failNext(n: number, reason = 'Injected failure'): void {
    for (let i = 0; i < n; i += 1) this.failures.push(reason);
  }

  /** The next call of `method` throws `error` (queued). */
  throwOnce(method: Method, error: unknown): void {
    this.errors[method].push(error);
  }

  count(method: Method): number {
    return this.calls.filter((c) => c === method).length;
  }

  private enter(method: Method): void {
    this.calls.push(method);
    const queued = this.errors[method];
    if (queued.length > 0) throw queued.shift();
  }

  private async start(kind: AssignmentOperationKind, key: string): Promise<string> {
    this.next += 1;
    const id = `op-${this.next}`;
    const failure = this.failures.shift();
    this.operations.set(id, { kind, key, polls: 0, settled: false, ...(failure ? { failure } : {}) });
    await this.onStart?.(kind);
    return id;
  }

  async create(userId: string, accountId: string, permissionSetArn: string): Promise<string> {
    this.enter('create');
    return this.start('CREATE', keyOf(userId, accountId, permissionSetArn));
  }

  async remove(userId: string, accountId: string, permissionSetArn: string): Promise<string> {
    this.enter('remove');
    return this.start('DELETE', keyOf(userId, accountId, permissionSetArn));
  }

  async status(requestId: string, kind: AssignmentOperationKind): Promise<AssignmentOperationStatus> {
    this.enter('status');
    const op = this.operations.get(requestId);
    if (!op || op.kind !== kind) throw awsError('ResourceNotFoundException', `no operation ${requestId}`);
    op.polls += 1;
    if (op.polls <= this.pollsUntilDone) return { status: 'IN_PROGRESS' };
    if (!op.settled) {
      op.settled = true;
      if (op.failure === undefined) {
        if (op.kind === 'CREATE') this.held.add(op.key);
        else this.held.delete(op.key);
      }
    }
    return op.failure === undefined ? { status: 'SUCCEEDED' } : { status: 'FAILED', reason: op.failure };
  }

  async exists(userId: string, accountId: string, permissionSetArn: string): Promise<boolean> {
    this.enter('exists');
    return this.held.has(keyOf(userId, accountId, permissionSetArn));
  }
}

/** Records every event it is asked to send; can be told to fail. */
export class RecordingNotifier implements Notifier {
  readonly events: NotificationEvent[] = [];
  failWith?: Error;

  async notify(event: NotificationEvent) {
    if (this.failWith) throw this.failWith;
    this.events.push(event);
    return [];
  }

  types(requestId?: string): string[] {
    return this.events
      .filter((e) => requestId === undefined || e.request.id === requestId)
      .map((e) => e.type);
  }
}

/** No real waiting between polls. */
export const noSleep = (): Promise<void> => Promise.resolve();

/**
 * The wait for a decision over the in-memory requests: holds a token while the request is
 * pending, records what was held and released.
 */
export class FakeDecisionWait implements DecisionWait {
  readonly held = new Map<string, string>();
  readonly released: string[] = [];

  constructor(private readonly requests: Pick<RequestRepository, 'get'>) {}

  async hold(requestId: string, token: string): Promise<boolean> {
    if ((await this.requests.get(requestId))?.status !== 'pending') return false;
    this.held.set(requestId, token);
    return true;
  }

  async release(_requestId: string, token: string): Promise<void> {
    this.released.push(token);
  }
}
