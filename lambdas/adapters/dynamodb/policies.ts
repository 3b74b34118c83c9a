import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '../../core/errors';
import type { PolicyRepository } from '../../core/ports';
import { isPolicyOf } from '../../core/policies/policy-ids';
import {
  approverPolicyFrom,
  eligibilityPolicyFrom,
  type StoredApproverPolicy,
  type StoredEligibilityPolicy,
} from '../../core/policies/stored-policies';
import type {
  ApproverPolicy,
  EligibilityPolicy,
  Page,
  PageRequest,
  PolicyCheckReport,
} from '../../core/types';
import { compact, decodeCursor, encodeCursor, isConditionFailure, keyOf } from './common';

/** The two kinds of policy in the `Policies` table (its partition key). */
export const POLICY_KINDS = { eligibility: 'ELIGIBILITY', approver: 'APPROVER' } as const;
type PolicyKind = (typeof POLICY_KINDS)[keyof typeof POLICY_KINDS];

/** The latest policy check's report, one item beside the policies (its own partition). */
const CHECK_KEY = { kind: 'CHECK', id: 'latest' } as const;

const WHAT: Record<PolicyKind, string> = {
  ELIGIBILITY: 'eligibility policy',
  APPROVER: 'approver policy',
};

interface Stored {
  id: string;
  updatedAt: string;
}

// Items are written only by put(), so their shape is known; the key attribute is dropped and
// attributes added since the original model are filled in (see stored-policies.ts).
function withoutKind(item: Record<string, unknown>): Record<string, unknown> {
  const { kind: _kind, ...rest } = item;
  return rest;
}
const eligibilityOf = (item: Record<string, unknown>) =>
  eligibilityPolicyFrom(withoutKind(item) as StoredEligibilityPolicy);
const approverPolicyOf = (item: Record<string, unknown>) =>
  approverPolicyFrom(withoutKind(item) as StoredApproverPolicy);

const READ: Record<PolicyKind, (item: Record<string, unknown>) => Stored> = {
  ELIGIBILITY: eligibilityOf,
  APPROVER: approverPolicyOf,
};

/**
 * Eligibility and approver policies in one table keyed by (kind, id): a list is a Query on the
 * kind (in id order), a lookup is a GetItem. A policy id starts with its principal's or target's
 * id, so the policies of a user and their groups, or of an account and the OUs above it, are one
 * Query per owner (`begins_with`), run in parallel. Writes are conditional on the `updatedAt`
 * the editor read (or on absence for a new policy).
 */
export class DynamoPolicyRepository implements PolicyRepository {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  getEligibility(policyId: string): Promise<EligibilityPolicy | undefined> {
    return this.get<EligibilityPolicy>(POLICY_KINDS.eligibility, policyId);
  }

  eligibilitiesOf(principalIds: readonly string[]): Promise<EligibilityPolicy[]> {
    return this.ownedBy<EligibilityPolicy>(POLICY_KINDS.eligibility, principalIds);
  }

  listEligibilities(page: PageRequest): Promise<Page<EligibilityPolicy>> {
    return this.list<EligibilityPolicy>(POLICY_KINDS.eligibility, page);
  }

  putEligibility(policy: EligibilityPolicy, expectedUpdatedAt?: string): Promise<void> {
    return this.put(POLICY_KINDS.eligibility, policy, expectedUpdatedAt);
  }

  deleteEligibility(policyId: string): Promise<void> {
    return this.delete(POLICY_KINDS.eligibility, policyId);
  }

  getApproverPolicy(policyId: string): Promise<ApproverPolicy | undefined> {
    return this.get<ApproverPolicy>(POLICY_KINDS.approver, policyId);
  }

  approverPoliciesOf(targetIds: readonly string[]): Promise<ApproverPolicy[]> {
    return this.ownedBy<ApproverPolicy>(POLICY_KINDS.approver, targetIds);
  }

  listApproverPolicies(page: PageRequest): Promise<Page<ApproverPolicy>> {
    return this.list<ApproverPolicy>(POLICY_KINDS.approver, page);
  }

  putApproverPolicy(policy: ApproverPolicy, expectedUpdatedAt?: string): Promise<void> {
    return this.put(POLICY_KINDS.approver, policy, expectedUpdatedAt);
  }

  deleteApproverPolicy(policyId: string): Promise<void> {
    return this.delete(POLICY_KINDS.approver, policyId);
  }

  async getCheck(): Promise<PolicyCheckReport | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { kind: CHECK_KEY.kind, id: CHECK_KEY.id } }),
    );
    if (!out.Item) return undefined;
    const { kind: _kind, id: _id, ...report } = out.Item;
    return report as PolicyCheckReport;
  }

  async putCheck(report: PolicyCheckReport): Promise<void> {
    // Each check replaces the previous one whole: the latest report is the truth.
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: compact({ ...report, ...CHECK_KEY }) }),
    );
  }

  /** Every policy of these owners, in the order the owners were given, then by id. */
  private async ownedBy<T extends Stored>(kind: PolicyKind, ownerIds: readonly string[]): Promise<T[]> {
    const owners = [...new Set(ownerIds)];
    const lists = await Promise.all(
      owners.map(async (ownerId) => {
        const found: T[] = [];
        let start: Record<string, unknown> | undefined;
        do {
          const out = await this.db.send(
            new QueryCommand({
              TableName: this.tableName,
              KeyConditionExpression: '#kind = :kind AND begins_with(#id, :owner)',
              ExpressionAttributeNames: { '#kind': 'kind', '#id': 'id' },
              ExpressionAttributeValues: { ':kind': kind, ':owner': ownerId },
              ConsistentRead: true,
              ExclusiveStartKey: start,
            }),
          );
          for (const item of out.Items ?? []) {
            // begins_with also matches longer ids that merely share the prefix.
            if (isPolicyOf(String(item.id), ownerId)) found.push(READ[kind](item) as T);
          }
          start = out.LastEvaluatedKey;
        } while (start !== undefined);
        return found;
      }),
    );
    return lists.flat();
  }

  private async get<T extends Stored>(kind: PolicyKind, id: string): Promise<T | undefined> {
    const out = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { kind, id }, ConsistentRead: true }),
    );
    return out.Item ? (READ[kind](out.Item) as T) : undefined;
  }

  private async list<T extends Stored>(kind: PolicyKind, page: PageRequest): Promise<Page<T>> {
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
      items: (out.Items ?? []).map((item) => READ[kind](item) as T),
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
