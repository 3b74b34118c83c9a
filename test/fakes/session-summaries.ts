/**
 * In-memory session summaries with the semantics of the DynamoDB repository: created once,
 * changed only at the version read, a review written with its audit event or not at all, the
 * lists ordered like their indexes.
 */
import { ConflictError } from '../../lambdas/core/errors';
import type {
  SessionReviewList,
  SessionSummary,
  SessionSummaryStore,
} from '../../lambdas/core/session-review';
import type { AuditEvent, Page, PageRequest } from '../../lambdas/core/types';
import { CallLog } from './calls';
import { paginate } from './paging';

export class InMemorySessionSummaryStore implements SessionSummaryStore {
  readonly calls = new CallLog<keyof SessionSummaryStore>();
  private readonly items = new Map<string, SessionSummary>();
  /** The audit events reviews wrote (the requests' trail, as the repository writes it). */
  readonly events: AuditEvent[] = [];
  /** Fails the next `put`/`putReview` with this error (tests of failures). */
  failNextWrite: Error | undefined;

  async create(summary: SessionSummary): Promise<boolean> {
    this.calls.hit('create');
    if (this.items.has(summary.requestId)) return false;
    this.items.set(summary.requestId, structuredClone(summary));
    return true;
  }

  async get(requestId: string): Promise<SessionSummary | undefined> {
    this.calls.hit('get');
    const item = this.items.get(requestId);
    return item ? structuredClone(item) : undefined;
  }

  async listDue(now: string, limit: number): Promise<SessionSummary[]> {
    this.calls.hit('listDue');
    return [...this.items.values()]
      .filter((s) => s.status === 'pending' && s.dueAt !== undefined && s.dueAt <= now)
      .sort((a, b) => ((a.dueAt ?? '') < (b.dueAt ?? '') ? -1 : 1))
      .slice(0, limit)
      .map((s) => structuredClone(s));
  }

  async put(next: SessionSummary, expectedVersion: number): Promise<void> {
    this.calls.hit('put');
    this.check(next.requestId, expectedVersion);
    this.items.set(next.requestId, structuredClone(next));
  }

  async putReview(next: SessionSummary, expectedVersion: number, event: AuditEvent): Promise<void> {
    this.calls.hit('putReview');
    const current = this.check(next.requestId, expectedVersion);
    if (current.reviewState !== 'to-review') throw new ConflictError('not to review');
    if (this.events.some((e) => e.requestId === event.requestId && e.id === event.id)) {
      throw new ConflictError('event exists');
    }
    this.items.set(next.requestId, structuredClone(next));
    this.events.push(structuredClone(event));
  }

  async listByReviewState(state: SessionReviewList, page: PageRequest): Promise<Page<SessionSummary>> {
    this.calls.hit('listByReviewState');
    const flagged = [...this.items.values()].filter((s) => s.reviewState === state);
    const result = paginate(
      flagged,
      { key: (s) => [s.endedAt, s.requestId], directions: ['desc', 'desc'] },
      page,
    );
    return { ...result, items: result.items.map((s) => structuredClone(s)) };
  }

  /** Test seeding: stores a summary as it is. */
  seed(summary: SessionSummary): void {
    this.items.set(summary.requestId, structuredClone(summary));
  }

  peek(requestId: string): SessionSummary | undefined {
    return this.items.get(requestId);
  }

  all(): SessionSummary[] {
    return [...this.items.values()];
  }

  private check(requestId: string, expectedVersion: number): SessionSummary {
    const failure = this.failNextWrite;
    if (failure) {
      this.failNextWrite = undefined;
      throw failure;
    }
    const current = this.items.get(requestId);
    if (!current || current.version !== expectedVersion) {
      throw new ConflictError(`The session summary of request ${requestId} changed meanwhile.`);
    }
    return current;
  }
}
