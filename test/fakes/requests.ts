import { ConflictError, NotFoundError } from '../../lambdas/core/errors';
import type { RequestRepository } from '../../lambdas/core/ports';
import type { AccessRequest, AuditEvent, Page, PageRequest, RequestStatus } from '../../lambdas/core/types';
import { CallLog } from './calls';
import { paginate, type Ordering } from './paging';

type Method = keyof RequestRepository;

const ACTIVE: readonly RequestStatus[] = ['scheduled', 'in progress'];
const ENDED: readonly RequestStatus[] = ['ended', 'revoked'];
const SESSIONS: readonly RequestStatus[] = ['scheduled', 'in progress', 'ended', 'revoked'];

const newestFirst: Ordering<AccessRequest> = {
  key: (r) => [r.createdAt, r.id],
  directions: ['desc', 'desc'],
};
const byDecision: Ordering<AccessRequest> = {
  key: (r) => [r.decidedAt ?? '', r.id],
  directions: ['desc', 'desc'],
};
const byEndRecent: Ordering<AccessRequest> = {
  key: (r) => [r.endedAt ?? r.revokedAt ?? r.updatedAt, r.id],
  directions: ['desc', 'desc'],
};
const byStartNewest: Ordering<AccessRequest> = {
  key: (r) => [r.startTime, r.id],
  directions: ['desc', 'desc'],
};
const eventOrder: Ordering<AuditEvent> = { key: (e) => [e.id], directions: ['asc'] };

function involves(request: AccessRequest, userId: string): boolean {
  return request.requester.id === userId || request.approvers.some((a) => a.id === userId);
}

/**
 * RequestRepository in memory, with the semantics of the DynamoDB adapter: conditional writes
 * (status + version), a state change and its audit event stored together or not at all, lists
 * in the documented order with exclusive-start-key cursors. Stored values are copies, so a
 * caller mutating what it got back cannot change what is stored.
 */
export class InMemoryRequestRepository implements RequestRepository {
  readonly calls = new CallLog<Method>();
  private readonly requests = new Map<string, AccessRequest>();
  private readonly events = new Map<string, AuditEvent[]>();

  async get(id: string): Promise<AccessRequest | undefined> {
    this.calls.hit('get');
    const stored = this.requests.get(id);
    return stored === undefined ? undefined : structuredClone(stored);
  }

  async create(request: AccessRequest, event: AuditEvent): Promise<void> {
    this.calls.hit('create');
    if (event.requestId !== request.id) throw new Error('the created event must belong to the request');
    if (this.requests.has(request.id)) throw new ConflictError(`Request ${request.id} already exists.`);
    this.assertNewEvent(event);
    this.requests.set(request.id, structuredClone(request));
    this.pushEvent(event);
  }

  async update(
    next: AccessRequest,
    expected: { status: RequestStatus; version: number },
    event: AuditEvent | undefined,
  ): Promise<void> {
    this.calls.hit('update');
    if (event !== undefined && event.requestId !== next.id) {
      throw new Error('the event must belong to the updated request');
    }
    if (next.version !== expected.version + 1) {
      throw new Error(`the next version must be ${expected.version + 1}, got ${next.version}`);
    }
    const stored = this.requests.get(next.id);
    if (stored === undefined) throw new NotFoundError(`Request ${next.id} does not exist.`);
    if (stored.status !== expected.status || stored.version !== expected.version) {
      throw new ConflictError(
        `Request ${next.id} changed in the meantime: it is now ${stored.status} (version ${stored.version}).`,
      );
    }
    if (event !== undefined) this.assertNewEvent(event);
    this.requests.set(next.id, structuredClone(next));
    if (event !== undefined) this.pushEvent(event);
  }

  async appendEvent(event: AuditEvent): Promise<void> {
    this.calls.hit('appendEvent');
    this.assertNewEvent(event);
    this.pushEvent(event);
  }

  async importHistorical(request: AccessRequest, events: readonly AuditEvent[]): Promise<boolean> {
    this.calls.hit('importHistorical');
    if (events.some((e) => e.requestId !== request.id))
      throw new Error('the events must belong to the request');
    if (this.requests.has(request.id)) return false;
    events.forEach((e) => this.assertNewEvent(e));
    this.requests.set(request.id, structuredClone(request));
    events.forEach((e) => this.pushEvent(e));
    return true;
  }

  async listByRequester(userId: string, page: PageRequest): Promise<Page<AccessRequest>> {
    this.calls.hit('listByRequester');
    return this.list((r) => r.requester.id === userId, newestFirst, page);
  }

  async listPendingForApprover(userId: string, page: PageRequest): Promise<Page<AccessRequest>> {
    this.calls.hit('listPendingForApprover');
    return this.list(
      (r) => r.status === 'pending' && r.approvers.some((a) => a.id === userId),
      newestFirst,
      page,
    );
  }

  async listDecidedBy(userId: string, page: PageRequest): Promise<Page<AccessRequest>> {
    this.calls.hit('listDecidedBy');
    return this.list((r) => r.decidedBy?.id === userId, byDecision, page);
  }

  /** Newest start first, like the DynamoDB index (which is read backwards). */
  async listActiveFor(userId: string, page: PageRequest): Promise<Page<AccessRequest>> {
    this.calls.hit('listActiveFor');
    return this.list((r) => ACTIVE.includes(r.status) && involves(r, userId), byStartNewest, page);
  }

  async listEndedFor(userId: string, page: PageRequest): Promise<Page<AccessRequest>> {
    this.calls.hit('listEndedFor');
    return this.list((r) => ENDED.includes(r.status) && involves(r, userId), byEndRecent, page);
  }

  async listAll(page: PageRequest): Promise<Page<AccessRequest>> {
    this.calls.hit('listAll');
    return this.list(() => true, newestFirst, page);
  }

  async listReviewsPending(page: PageRequest): Promise<Page<AccessRequest>> {
    this.calls.hit('listReviewsPending');
    return this.list((r) => r.review?.state === 'needed', newestFirst, page);
  }

  async listSessions(page: PageRequest): Promise<Page<AccessRequest>> {
    this.calls.hit('listSessions');
    return this.list((r) => SESSIONS.includes(r.status), byStartNewest, page);
  }

  async listEvents(requestId: string, page: PageRequest): Promise<Page<AuditEvent>> {
    this.calls.hit('listEvents');
    const result = paginate(this.events.get(requestId) ?? [], eventOrder, page);
    return { ...result, items: result.items.map((e) => structuredClone(e)) };
  }

  /** Test seeding: stores requests as they are (no condition, no event). */
  seed(...requests: AccessRequest[]): void {
    for (const r of requests) this.requests.set(r.id, structuredClone(r));
  }

  /** Every stored request (tests only). */
  snapshot(): AccessRequest[] {
    return [...this.requests.values()].map((r) => structuredClone(r));
  }

  /** Every stored event of a request, oldest first (tests only). */
  eventsOf(requestId: string): AuditEvent[] {
    return [...(this.events.get(requestId) ?? [])]
      .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .map((e) => structuredClone(e));
  }

  /** Checked before any write, so a refused event leaves the request untouched (one transaction). */
  private assertNewEvent(event: AuditEvent): void {
    // Events are keyed (requestId, id) like the table, whose conditional put refuses a duplicate.
    if ((this.events.get(event.requestId) ?? []).some((e) => e.id === event.id)) {
      throw new ConflictError(`Event ${event.id} of request ${event.requestId} already exists.`);
    }
  }

  private pushEvent(event: AuditEvent): void {
    const list = this.events.get(event.requestId) ?? [];
    list.push(structuredClone(event));
    this.events.set(event.requestId, list);
  }

  private list(
    keep: (r: AccessRequest) => boolean,
    ordering: Ordering<AccessRequest>,
    page: PageRequest,
  ): Page<AccessRequest> {
    const result = paginate([...this.requests.values()].filter(keep), ordering, page);
    return { ...result, items: result.items.map((r) => structuredClone(r)) };
  }
}
