import {
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors';
import type { SessionReviewList, SessionSummary, SessionSummaryStore } from '../../core/session-review/ports';
import type { AuditEvent, Page, PageRequest } from '../../core/types';
import { indexName, TABLES } from '../../contract/tables';
import { batchGetInOrder, compact, decodeCursor, encodeCursor, isConditionFailure, keyOf } from './common';

export interface SessionSummaryTables {
  summaries: string;
  /** The audit trail a review is recorded on. */
  events: string;
}

const BY_DUE = indexName('SessionSummaries', 'byDue');
const BY_REVIEW_STATE = indexName('SessionSummaries', 'byReviewState');
const DUE_PK = 'DUE';

/** The index attributes a summary carries, derived from its state on every write. */
interface IndexAttributes {
  /** `DUE` while pending (with `dueAt`): the byDue index holds only summaries still to compute. */
  duePk?: string;
  /** `to-review` or `reviewed` for flagged sessions: the byReviewState index holds only those. */
  reviewPk?: string;
}

type SummaryItem = SessionSummary & IndexAttributes;

function toItem(summary: SessionSummary): SummaryItem {
  const item: SummaryItem = { ...summary };
  if (summary.status === 'pending' && summary.dueAt !== undefined) item.duePk = DUE_PK;
  if (summary.reviewState === 'to-review' || summary.reviewState === 'reviewed') {
    item.reviewPk = summary.reviewState;
  }
  return compact(item);
}

function fromItem(item: Record<string, unknown>): SessionSummary {
  const { duePk: _duePk, reviewPk: _reviewPk, ...summary } = item as unknown as SummaryItem;
  return summary;
}

/** The attributes of a position in an index: the table's key plus the index's key. */
function positionOf(index: string): string[] {
  const def = TABLES.SessionSummaries;
  const idx = def.indexes.find((i) => i.name === index);
  return [def.partitionKey, idx?.partitionKey, idx?.sortKey]
    .filter((k) => k !== undefined)
    .map((k) => k.name);
}

/**
 * Session summaries (`SessionSummaries`, one item per request). Every write replaces the whole
 * item conditionally (it is created once, then changed only at the version read), and sets or
 * drops the sparse index attributes from the summary's state; the lists are index Queries of
 * keys followed by one BatchGetItem.
 */
export class DynamoSessionSummaryRepository implements SessionSummaryStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: SessionSummaryTables,
  ) {}

  async create(summary: SessionSummary): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.summaries,
          Item: toItem(summary),
          ConditionExpression: 'attribute_not_exists(requestId)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailure(err)) return false;
      throw err;
    }
  }

  async get(requestId: string): Promise<SessionSummary | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tables.summaries, Key: { requestId }, ConsistentRead: true }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async listDue(now: string, limit: number): Promise<SessionSummary[]> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tables.summaries,
        IndexName: BY_DUE,
        KeyConditionExpression: 'duePk = :due AND dueAt <= :now',
        ExpressionAttributeValues: { ':due': DUE_PK, ':now': now },
        ScanIndexForward: true,
        Limit: Math.max(1, Math.trunc(limit)),
      }),
    );
    const ids = (out.Items ?? []).map((i) => String(i.requestId));
    // The index is eventually consistent: an item it still lists may have been computed since.
    return (await this.getMany(ids, true)).filter((s) => s.status === 'pending');
  }

  async put(next: SessionSummary, expectedVersion: number): Promise<void> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tables.summaries,
          Item: toItem(next),
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':expected': expectedVersion },
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw this.conflict(next.requestId);
      throw err;
    }
  }

  async putReview(next: SessionSummary, expectedVersion: number, event: AuditEvent): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.tables.summaries,
                Item: toItem(next),
                ConditionExpression: 'version = :expected AND reviewState = :toReview',
                ExpressionAttributeValues: { ':expected': expectedVersion, ':toReview': 'to-review' },
              },
            },
            {
              Put: {
                TableName: this.tables.events,
                Item: compact({ ...event }),
                ConditionExpression: 'attribute_not_exists(id)',
              },
            },
          ],
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw this.conflict(next.requestId);
      throw err;
    }
  }

  async listByReviewState(state: SessionReviewList, page: PageRequest): Promise<Page<SessionSummary>> {
    const startKey = decodeCursor(page.cursor, keyOf(positionOf(BY_REVIEW_STATE), { reviewPk: state }));
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tables.summaries,
        IndexName: BY_REVIEW_STATE,
        KeyConditionExpression: 'reviewPk = :state',
        ExpressionAttributeValues: { ':state': state },
        ScanIndexForward: false,
        Limit: page.limit,
        ExclusiveStartKey: startKey,
      }),
    );
    // The index lags the table a little: a session reviewed a moment ago may still be listed.
    const items = (await this.getMany((out.Items ?? []).map((i) => String(i.requestId)))).filter(
      (s) => s.reviewState === state,
    );
    return {
      items,
      ...(out.LastEvaluatedKey ? { nextCursor: encodeCursor(out.LastEvaluatedKey) } : {}),
    };
  }

  private async getMany(ids: readonly string[], consistentRead = false): Promise<SessionSummary[]> {
    const items = await batchGetInOrder(this.db, this.tables.summaries, 'requestId', ids, { consistentRead });
    return items.map(fromItem);
  }

  private conflict(requestId: string): ConflictError {
    return new ConflictError(`The session summary of request ${requestId} changed meanwhile.`);
  }
}
