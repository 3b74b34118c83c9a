import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors';
import type { Clock } from '../../core/ports';
import type {
  SessionLogQueryChanges,
  SessionLogQueryRecord,
  SessionLogQueryStore,
} from '../../core/session-logs/ports';
import { compact, isConditionFailure } from './common';

export type {
  SessionLogQueryChanges,
  SessionLogQueryRecord,
  SessionLogQueryStatus,
} from '../../core/session-logs/ports';

/**
 * Session-log query state per request (`SessionLogQueries`, TTL `expiresAt`). Reads hide expired
 * records even before DynamoDB's TTL sweeper removes them; writes are conditional so a late
 * report of a superseded query never overwrites the newer one.
 */
export class DynamoSessionQueryRepository implements SessionLogQueryStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: Clock,
  ) {}

  async get(requestId: string): Promise<SessionLogQueryRecord | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { requestId }, ConsistentRead: true }),
    );
    const item = out.Item as SessionLogQueryRecord | undefined;
    if (!item || this.expired(item.expiresAt)) return undefined;
    return item;
  }

  /**
   * Starts (or restarts) the record of a request's query. `replacing` is the query id the caller
   * saw (undefined: none was there, or it had expired); a mismatch means someone else started
   * a query meanwhile and throws ConflictError.
   */
  async start(record: SessionLogQueryRecord, replacing?: string): Promise<void> {
    const now = Math.floor(this.clock.now().getTime() / 1000);
    const condition =
      replacing === undefined
        ? {
            ConditionExpression: 'attribute_not_exists(requestId) OR expiresAt <= :now',
            ExpressionAttributeValues: { ':now': now },
          }
        : {
            ConditionExpression: 'queryId = :replacing',
            ExpressionAttributeValues: { ':replacing': replacing },
          };
    try {
      await this.db.send(
        new PutCommand({ TableName: this.tableName, Item: compact({ ...record }), ...condition }),
      );
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new ConflictError(`A session-log query for request ${record.requestId} was started meanwhile.`);
      }
      throw err;
    }
  }

  /**
   * Applies a progress report to the record of query `queryId` (the stored query id must match,
   * or the stored record must have none yet when `changes.queryId` names it).
   */
  async update(requestId: string, queryId: string, changes: SessionLogQueryChanges): Promise<void> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined);
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':queryId': queryId };
    const sets = entries.map(([key, value], i) => {
      names[`#f${i}`] = key;
      values[`:v${i}`] = value;
      return `#f${i} = :v${i}`;
    });
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { requestId },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression:
            'attribute_exists(requestId) AND (queryId = :queryId OR attribute_not_exists(queryId))',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) {
        throw new ConflictError(
          `The session-log query ${queryId} of request ${requestId} is no longer current.`,
        );
      }
      throw err;
    }
  }

  async delete(requestId: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { requestId } }));
  }

  private expired(expiresAt: number): boolean {
    return expiresAt * 1000 <= this.clock.now().getTime();
  }
}
