import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '../../core/errors';
import { phaseOf } from '../../core/requests/lifecycle';
import type { RequestRepository, RequestUpdateOptions } from '../../core/ports';
import type {
  AccessRequest,
  AuditEvent,
  Page,
  PageRequest,
  RequestPhase,
  RequestStatus,
} from '../../core/types';
import { indexName, TABLES, type TableId } from '../../contract/tables';
import { mapLimit } from '../concurrency';
import {
  batchGetInOrder,
  compact,
  decodeCursor,
  encodeCursor,
  isConditionFailure,
  keyOf,
  type Key,
} from './common';

export interface RequestTables {
  requests: string;
  approvers: string;
  events: string;
}

const REQUEST_INDEXES = {
  byRequester: indexName('Requests', 'byRequester'),
  byRequesterPhase: indexName('Requests', 'byRequesterPhase'),
  byDecider: indexName('Requests', 'byDecider'),
  byCreated: indexName('Requests', 'byCreated'),
  bySession: indexName('Requests', 'bySession'),
  byReview: indexName('Requests', 'byReview'),
  byApproverPhase: indexName('RequestApprovers', 'byApproverPhase'),
};

/** The attributes of a position in an index: the table's key plus the index's key. */
function indexKeyNames(table: TableId, index: string): string[] {
  const def = TABLES[table];
  const idx = def.indexes.find((i) => i.name === index);
  return [def.partitionKey, def.sortKey, idx?.partitionKey, idx?.sortKey]
    .filter((k) => k !== undefined)
    .map((k) => k.name);
}

const LIST_PK = 'REQUEST';
/** Items one DynamoDB transaction may write. */
const MAX_TRANSACTION_ITEMS = 100;
const SESSION_PK = 'SESSION';
const REVIEW_PK = 'REVIEW';

type RequestItem = AccessRequest & {
  requesterId: string;
  requesterPhase: string;
  phaseAt: string;
  listPk: string;
  deciderId?: string;
  sessionPk?: string;
  reviewPk?: string;
};

/** Optional attributes of a stored request: removed by an update whose new state lacks them. */
const REMOVABLE: readonly (keyof RequestItem)[] = [
  'sessionDuration',
  'ticketNo',
  'expiresAt',
  'decidedBy',
  'decidedAt',
  'decisionComment',
  'cancelledAt',
  'revokedBy',
  'revokedAt',
  'revokeComment',
  'grantedAt',
  'endedAt',
  'errorReason',
  'deciderId',
  'sessionPk',
  'reviewPk',
];

interface ApproverItem {
  requestId: string;
  approverId: string;
  approverPhase: string;
  phaseAt: string;
}

/** The time a request is ordered by in its phase's lists. */
export function phaseTime(request: AccessRequest): string {
  switch (phaseOf(request.status)) {
    case 'active':
      return request.startTime;
    case 'ended':
      return request.endedAt ?? request.revokedAt ?? request.updatedAt;
    case 'closed':
      return request.updatedAt;
    case 'pending':
      return request.createdAt;
  }
}

/** The Requests item of a request: the domain fields plus the index attributes (also used by bench/). */
export function toItem(request: AccessRequest): RequestItem {
  const phase = phaseOf(request.status);
  return compact({
    ...request,
    requesterId: request.requester.id,
    requesterPhase: `${request.requester.id}#${phase}`,
    phaseAt: phaseTime(request),
    listPk: LIST_PK,
    deciderId: request.decidedBy?.id,
    sessionPk: phase === 'active' || phase === 'ended' ? SESSION_PK : undefined,
    reviewPk: request.review?.state === 'needed' ? REVIEW_PK : undefined,
  });
}

// Items are written only by toItem (and the workflow's wait token), so their shape is known;
// index attributes and the token stay in the adapter. Also used on stream images (the router).
export function fromItem(item: Record<string, unknown>): AccessRequest {
  const {
    requesterId: _r,
    requesterPhase: _rp,
    phaseAt: _pa,
    listPk: _lp,
    deciderId: _d,
    sessionPk: _s,
    reviewPk: _rv,
    workflowToken: _w,
    ...request
  } = item as unknown as RequestItem & { workflowToken?: string };
  return request;
}

/** The RequestApprovers items of a request, one per approver (also used by bench/). */
export function approverItems(request: AccessRequest): ApproverItem[] {
  const phase = phaseOf(request.status);
  const phaseAt = phaseTime(request);
  return request.approvers.map((a) => ({
    requestId: request.id,
    approverId: a.id,
    approverPhase: `${a.id}#${phase}`,
    phaseAt,
  }));
}

interface MergeCursor {
  r?: Key | null;
  a?: Key | null;
}

/**
 * Requests, their approver index items and their audit events in DynamoDB. Every list is one
 * Query on an index shaped for it (two for the lists that merge "mine" and "I approve"); the
 * indexes hold keys only, so a page's requests are then read with one BatchGetItem.
 */
export class DynamoRequestRepository implements RequestRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: RequestTables,
  ) {}

  async get(id: string): Promise<AccessRequest | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tables.requests, Key: { id }, ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async create(request: AccessRequest, event: AuditEvent): Promise<void> {
    const stored = await this.putNew(request, [event], approverItems(request));
    if (!stored) throw new ConflictError(`A request with id ${request.id} already exists.`);
  }

  async update(
    next: AccessRequest,
    expected: { status: RequestStatus; version: number },
    event: AuditEvent | undefined,
    options: RequestUpdateOptions = {},
  ): Promise<void> {
    const phaseChanged = phaseOf(expected.status) !== phaseOf(next.status);
    const approverItemsChanged = phaseChanged || options.approversChanged === true;
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: this.updateRequest(next, expected) },
            ...(event ? [this.putEvent(event)] : []),
            ...(approverItemsChanged
              ? approverItems(next).map((Item) => ({ Put: { TableName: this.tables.approvers, Item } }))
              : []),
          ],
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const current = await this.get(next.id);
      if (!current) throw new NotFoundError(`Request ${next.id} does not exist.`);
      throw new ConflictError(
        `Request ${next.id} changed while you were acting on it: it is now ${current.status}. Refresh and try again.`,
      );
    }
  }

  async importHistorical(request: AccessRequest, events: readonly AuditEvent[]): Promise<boolean> {
    // The original listed every member of its approver groups: the approver items a transaction
    // has no room for go first (plain puts, harmless if repeated), so the request never shows
    // up without them.
    const approvers = approverItems(request);
    const room = MAX_TRANSACTION_ITEMS - 1 - events.length;
    await mapLimit(approvers.slice(room), 8, (Item) =>
      this.db.send(new PutCommand({ TableName: this.tables.approvers, Item })),
    );
    return this.putNew(request, events, approvers.slice(0, room));
  }

  /**
   * A new request with its events and approver items, in one transaction; false (nothing
   * written) when a request with its id exists.
   */
  private async putNew(
    request: AccessRequest,
    events: readonly AuditEvent[],
    approvers: readonly ApproverItem[],
  ): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tables.requests,
                Item: toItem(request),
                ConditionExpression: 'attribute_not_exists(id)',
              },
            },
            ...events.map((event) => this.putEvent(event)),
            ...approvers.map((Item) => ({ Put: { TableName: this.tables.approvers, Item } })),
          ],
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async appendEvent(event: AuditEvent): Promise<void> {
    try {
      await this.db.send(new PutCommand(this.putEvent(event).Put));
    } catch (err) {
      if (isConditionFailure(err)) throw new ConflictError(`Audit event ${event.id} already exists.`);
      throw err;
    }
  }

  listByRequester(userId: string, page: PageRequest): Promise<Page<AccessRequest>> {
    return this.queryRequests(REQUEST_INDEXES.byRequester, 'requesterId', userId, page);
  }

  listDecidedBy(userId: string, page: PageRequest): Promise<Page<AccessRequest>> {
    return this.queryRequests(REQUEST_INDEXES.byDecider, 'deciderId', userId, page);
  }

  listAll(page: PageRequest): Promise<Page<AccessRequest>> {
    return this.queryRequests(REQUEST_INDEXES.byCreated, 'listPk', LIST_PK, page);
  }

  listReviewsPending(page: PageRequest): Promise<Page<AccessRequest>> {
    return this.queryRequests(REQUEST_INDEXES.byReview, 'reviewPk', REVIEW_PK, page);
  }

  listSessions(page: PageRequest): Promise<Page<AccessRequest>> {
    return this.queryRequests(REQUEST_INDEXES.bySession, 'sessionPk', SESSION_PK, page);
  }

  async listPendingForApprover(userId: string, page: PageRequest): Promise<Page<AccessRequest>> {
    const index = REQUEST_INDEXES.byApproverPhase;
    const startKey = decodeCursor(
      page.cursor,
      keyOf(indexKeyNames('RequestApprovers', index), { approverPhase: `${userId}#pending` }),
    );
    const out = await this.query(
      this.tables.approvers,
      index,
      'approverPhase',
      `${userId}#pending`,
      page.limit,
      startKey,
    );
    const items = await this.getMany(out.items.map((i) => String(i.requestId)));
    return { items, ...(out.lastKey ? { nextCursor: encodeCursor(out.lastKey) } : {}) };
  }

  listActiveFor(userId: string, page: PageRequest): Promise<Page<AccessRequest>> {
    return this.listPhaseFor(userId, 'active', page);
  }

  listEndedFor(userId: string, page: PageRequest): Promise<Page<AccessRequest>> {
    return this.listPhaseFor(userId, 'ended', page);
  }

  async listEvents(requestId: string, page: PageRequest): Promise<Page<AuditEvent>> {
    const startKey = decodeCursor(page.cursor, keyOf(['requestId', 'id'], { requestId }));
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tables.events,
        KeyConditionExpression: 'requestId = :id',
        ExpressionAttributeValues: { ':id': requestId },
        Limit: page.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return {
      items: (out.Items ?? []) as AuditEvent[],
      ...(out.LastEvaluatedKey ? { nextCursor: encodeCursor(out.LastEvaluatedKey) } : {}),
    };
  }

  /**
   * An UpdateItem, not a Put: attributes the domain does not know (the workflow's wait token)
   * survive a status change. Optional attributes the new state no longer has are removed.
   */
  private updateRequest(next: AccessRequest, expected: { status: RequestStatus; version: number }) {
    const item: Record<string, unknown> = { ...toItem(next) };
    delete item.id;
    const names: Record<string, string> = { '#status': 'status', '#version': 'version' };
    const values: Record<string, unknown> = {
      ':expectedStatus': expected.status,
      ':expectedVersion': expected.version,
    };
    const sets = Object.entries(item).map(([name, value], i) => {
      names[`#a${i}`] = name;
      values[`:a${i}`] = value;
      return `#a${i} = :a${i}`;
    });
    const removes = REMOVABLE.filter((name) => !(name in item)).map((name, i) => {
      names[`#r${i}`] = name;
      return `#r${i}`;
    });
    return {
      TableName: this.tables.requests,
      Key: { id: next.id },
      UpdateExpression: `SET ${sets.join(', ')}${removes.length ? ` REMOVE ${removes.join(', ')}` : ''}`,
      ConditionExpression: '#status = :expectedStatus AND #version = :expectedVersion',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  private putEvent(event: AuditEvent) {
    return {
      Put: {
        TableName: this.tables.events,
        Item: compact({ ...event }),
        ConditionExpression: 'attribute_not_exists(id)',
      },
    };
  }

  private async query(
    table: string,
    index: string,
    pkName: string,
    pkValue: string,
    limit: number,
    startKey: Key | undefined,
  ): Promise<{ items: Record<string, unknown>[]; lastKey?: Key }> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: table,
        IndexName: index,
        KeyConditionExpression: '#pk = :pk',
        ExpressionAttributeNames: { '#pk': pkName },
        ExpressionAttributeValues: { ':pk': pkValue },
        ScanIndexForward: false,
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { items: out.Items ?? [], ...(out.LastEvaluatedKey ? { lastKey: out.LastEvaluatedKey } : {}) };
  }

  private async queryRequests(
    index: string,
    pkName: string,
    pkValue: string,
    page: PageRequest,
  ): Promise<Page<AccessRequest>> {
    const out = await this.query(
      this.tables.requests,
      index,
      pkName,
      pkValue,
      page.limit,
      decodeCursor(page.cursor, keyOf(indexKeyNames('Requests', index), { [pkName]: pkValue })),
    );
    const items = await this.getMany(out.items.map((i) => String(i.id)));
    return { items, ...(out.lastKey ? { nextCursor: encodeCursor(out.lastKey) } : {}) };
  }

  /**
   * Requests in a phase where the user is the requester or an approver: one page from each of
   * the two indexes, merged by phase time; each side's cursor moves past what this page used.
   */
  private async listPhaseFor(
    userId: string,
    phase: RequestPhase,
    page: PageRequest,
  ): Promise<Page<AccessRequest>> {
    const key = `${userId}#${phase}`;
    const mineKey = keyOf(indexKeyNames('Requests', REQUEST_INDEXES.byRequesterPhase), {
      requesterPhase: key,
    });
    const approvingKey = keyOf(indexKeyNames('RequestApprovers', REQUEST_INDEXES.byApproverPhase), {
      approverPhase: key,
      approverId: userId,
    });
    const isMergeCursor = (v: unknown): v is MergeCursor =>
      typeof v === 'object' &&
      v !== null &&
      Object.entries(v).every(
        ([k, x]) =>
          (k === 'r' && (x === null || mineKey(x))) || (k === 'a' && (x === null || approvingKey(x))),
      );
    const cursor = decodeCursor(page.cursor, isMergeCursor) ?? {};
    const [mine, approving] = await Promise.all([
      cursor.r === null
        ? { items: [] }
        : this.query(
            this.tables.requests,
            REQUEST_INDEXES.byRequesterPhase,
            'requesterPhase',
            key,
            page.limit,
            cursor.r,
          ),
      cursor.a === null
        ? { items: [] }
        : this.query(
            this.tables.approvers,
            REQUEST_INDEXES.byApproverPhase,
            'approverPhase',
            key,
            page.limit,
            cursor.a,
          ),
    ]);
    // Both indexes hold keys only: the request id and its phase time are all the merge needs.
    type Entry = { at: string; id: string; side: 'r' | 'a' };
    const entries: Entry[] = [
      ...mine.items.map((item) => ({ at: String(item.phaseAt), id: String(item.id), side: 'r' as const })),
      ...approving.items.map((item) => ({
        at: String(item.phaseAt),
        id: String(item.requestId),
        side: 'a' as const,
      })),
    ].sort((x, y) => (x.at === y.at ? y.id.localeCompare(x.id) : y.at.localeCompare(x.at)));
    const taken = entries.slice(0, page.limit);

    const nextFor = (
      side: 'r' | 'a',
      result: { items: Record<string, unknown>[]; lastKey?: Key },
      previous: Key | null | undefined,
    ): Key | null | undefined => {
      if (previous === null) return null;
      const used = taken.filter((e) => e.side === side);
      const allUsed = used.length === result.items.length;
      if (allUsed && !result.lastKey) return null; // this side is exhausted
      const last = used.at(-1);
      if (!last) return previous;
      return side === 'r'
        ? { id: last.id, requesterPhase: key, phaseAt: last.at }
        : { requestId: last.id, approverId: userId, approverPhase: key, phaseAt: last.at };
    };
    const next: MergeCursor = { r: nextFor('r', mine, cursor.r), a: nextFor('a', approving, cursor.a) };

    const items = await this.getMany(taken.map((e) => e.id));
    const more = next.r !== null || next.a !== null;
    return { items, ...(more ? { nextCursor: encodeCursor(next) } : {}) };
  }

  /**
   * Reads the requests of a page of index keys with one BatchGetItem, in page order. A request
   * deleted between the two reads is skipped; the page's cursor stays the index's position.
   */
  private async getMany(ids: string[]): Promise<AccessRequest[]> {
    const items = await batchGetInOrder(this.db, this.tables.requests, 'id', ids);
    return items.map(fromItem);
  }
}
