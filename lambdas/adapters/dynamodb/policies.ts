import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors';
import type { PolicyRepository } from '../../core/ports';
import type { ApproverPolicy, EligibilityPolicy, Page, PageRequest } from '../../core/types';
import { batchGetAll, compact, decodeCursor, encodeCursor, isConditionFailure, keyOf } from './common';

/** The two kinds of policy in the `Policies` table (its partition key). */
export const POLICY_KINDS = { eligibility: 'ELIGIBILITY', approver: 'APPROVER' } as const;
type PolicyKind = (typeof POLICY_KINDS)[keyof typeof POLICY_KINDS];

const WHAT: Record<PolicyKind, string> = {
  ELIGIBILITY: 'eligibility policy',
  APPROVER: 'approver policy',
};

interface Stored {
  id: string;
  updatedAt: string;
}

// Items are written only by put(), so their shape is known; the key attribute is dropped.
function fromItem<T>(item: Record<string, unknown>): T {
  const { kind: _kind, ...policy } = item;
  return policy as T;
}

/**
 * Eligibility and approver policies in one table keyed by (kind, id): a list is a Query on the
 * kind (in id order), a lookup is a GetItem, the user's and groups' policies one BatchGetItem.
 * Writes are conditional on the `updatedAt` the editor read (or on absence for a new policy).
 */
export class DynamoPolicyRepository implements PolicyRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  getEligibility(principalId: string): Promise<EligibilityPolicy | undefined> {
    return this.get<EligibilityPolicy>(POLICY_KINDS.eligibility, principalId);
  }

  async getEligibilities(principalIds: readonly string[]): Promise<EligibilityPolicy[]> {
    const ids = [...new Set(principalIds)];
    if (ids.length === 0) return [];
    const items = await batchGetAll(
      this.db,
      this.tableName,
      ids.map((id) => ({ kind: POLICY_KINDS.eligibility, id })),
    );
    // BatchGetItem answers in any order; callers get the order they asked in.
    const byId = new Map(items.map((item) => [String(item.id), fromItem<EligibilityPolicy>(item)]));
    return ids.map((id) => byId.get(id)).filter((p): p is EligibilityPolicy => p !== undefined);
  }

  listEligibilities(page: PageRequest): Promise<Page<EligibilityPolicy>> {
    return this.list<EligibilityPolicy>(POLICY_KINDS.eligibility, page);
  }

  putEligibility(policy: EligibilityPolicy, expectedUpdatedAt?: string): Promise<void> {
    return this.put(POLICY_KINDS.eligibility, policy, expectedUpdatedAt);
  }

  deleteEligibility(principalId: string): Promise<void> {
    return this.delete(POLICY_KINDS.eligibility, principalId);
  }

  getApproverPolicy(targetId: string): Promise<ApproverPolicy | undefined> {
    return this.get<ApproverPolicy>(POLICY_KINDS.approver, targetId);
  }

  listApproverPolicies(page: PageRequest): Promise<Page<ApproverPolicy>> {
    return this.list<ApproverPolicy>(POLICY_KINDS.approver, page);
  }

  putApproverPolicy(policy: ApproverPolicy, expectedUpdatedAt?: string): Promise<void> {
    return this.put(POLICY_KINDS.approver, policy, expectedUpdatedAt);
  }

  deleteApproverPolicy(targetId: string): Promise<void> {
    return this.delete(POLICY_KINDS.approver, targetId);
  }

  private async get<T>(kind: PolicyKind, id: string): Promise<T | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { kind, id }, ConsistentRead: true }),
    );
    return out.Item ? fromItem<T>(out.Item) : undefined;
  }

  private async list<T>(kind: PolicyKind, page: PageRequest): Promise<Page<T>> {
    const out = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: '#kind = :kind',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':kind': kind },
        Limit: page.limit,
        ExclusiveStartKey: decodeCursor(page.cursor, keyOf(['kind', 'id'], { kind })),
      }),
    );
    return {
      items: (out.Items ?? []).map((item) => fromItem<T>(item)),
      ...(out.LastEvaluatedKey ? { nextCursor: encodeCursor(out.LastEvaluatedKey) } : {}),
    };
  }

  private async put(kind: PolicyKind, policy: Stored, expectedUpdatedAt: string | undefined): Promise<void> {
    const condition =
      expectedUpdatedAt === undefined
        ? { ConditionExpression: 'attribute_not_exists(id)' }
        : {
            ConditionExpression: 'updatedAt = :expected',
            ExpressionAttributeValues: { ':expected': expectedUpdatedAt },
          };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: compact({ ...policy, kind }),
          ...condition,
        }),
      );
    } catch (err) {
      if (!isConditionFailure(err)) throw err;
      const what = WHAT[kind];
      if (expectedUpdatedAt === undefined)
        throw new ConflictError(`A ${what} for ${policy.id} already exists.`);
      const stored = await this.get<Stored>(kind, policy.id);
      throw new ConflictError(
        stored === undefined
          ? `The ${what} for ${policy.id} no longer exists.`
          : `The ${what} for ${policy.id} was changed by someone else; reload it and try again.`,
      );
    }
  }

  private async delete(kind: PolicyKind, id: string): Promise<void> {
    await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: { kind, id } }));
  }
}
