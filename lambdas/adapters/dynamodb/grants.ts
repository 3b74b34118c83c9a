import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors';
import type { GrantRepository } from '../../core/ports';
import type { Grant, Page, PageRequest } from '../../core/types';
import { batchGetInOrder, compact, decodeCursor, encodeCursor, isConditionFailure, keyOf } from './common';
import { indexName } from '../../contract/tables';

const BY_KIND = indexName('Grants', 'byKind');
/** The constant partition of the `byKind` index: every grant, in key order. */
export const GRANT_LIST_PK = 'GRANT';

/** The table key of a grant: one per (user, account, permission set). */
export function grantKey(g: Pick<Grant, 'userId' | 'accountId' | 'permissionSetArn'>): string {
  return `${g.userId}#${g.accountId}#${g.permissionSetArn}`;
}

type GrantItem = Grant & { grantKey: string; listPk: string };

function fromItem(item: Record<string, unknown>): Grant {
  const { grantKey: _k, listPk: _l, ...grant } = item as unknown as GrantItem;
  return grant;
}

const conflict = (g: Grant) =>
  new ConflictError(
    `The grant of ${g.permissionSetArn} in ${g.accountId} to ${g.userId} changed in the meantime.`,
  );

/**
 * Reference counts of the account assignments TEAM relies on. Every write is conditional on the
 * version the caller read, so two requests ending at once never both think they were the last.
 */
export class DynamoGrantRepository implements GrantRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(userId: string, accountId: string, permissionSetArn: string): Promise<Grant | undefined> {
    const out = await this.db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { grantKey: grantKey({ userId, accountId, permissionSetArn }) },
        ConsistentRead: true,
      }),
    );
    return out.Item ? fromItem(out.Item) : undefined;
  }

  async put(grant: Grant, expectedVersion: number): Promise<void> {
    const condition =
      expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(grantKey)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    const item: GrantItem = { ...grant, grantKey: grantKey(grant), listPk: GRANT_LIST_PK };
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: compact(item), ...condition }));
    } catch (err) {
      if (isConditionFailure(err)) throw conflict(grant);
      throw err;
    }
  }

  async delete(grant: Grant): Promise<void> {
    try {
      await this.db.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { grantKey: grantKey(grant) },
          ConditionExpression: '#version = :expected',
          ExpressionAttributeNames: { '#version': 'version' },
          ExpressionAttributeValues: { ':expected': grant.version },
        }),
      );
    } catch (err) {
      if (isConditionFailure(err)) throw conflict(grant);
      throw err;
    }
  }

  /** Every grant in key order, one index page and one BatchGetItem per page. */
  async listAll(page: PageRequest): Promise<Page<Grant>> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: BY_KIND,
        KeyConditionExpression: 'listPk = :pk',
        ExpressionAttributeValues: { ':pk': GRANT_LIST_PK },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(
          page.cursor,
          keyOf(['grantKey', 'listPk'], { listPk: GRANT_LIST_PK }),
        ),
      }),
    );
    // The index holds keys only; a grant released since the Query is skipped.
    const items = await batchGetInOrder(
      this.db,
      this.tableName,
      'grantKey',
      (out.Items ?? []).map((i) => String(i.grantKey)),
    );
    return {
      items: items.map(fromItem),
      ...(out.LastEvaluatedKey ? { nextCursor: encodeCursor(out.LastEvaluatedKey) } : {}),
    };
  }
}
