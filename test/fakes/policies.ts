import { ConflictError } from '../../lambdas/core/errors';
import { isPolicyOf } from '../../lambdas/core/policies/policy-ids';
import type { PolicyRepository } from '../../lambdas/core/ports';
import type {
  ApproverPolicy,
  EligibilityPolicy,
  Page,
  PageRequest,
  PolicyCheckReport,
} from '../../lambdas/core/types';
import { CallLog } from './calls';
import { paginate, type Ordering } from './paging';

type Method = keyof PolicyRepository;

const byPrincipalName: Ordering<EligibilityPolicy> = {
  key: (p) => [p.principalName.toLowerCase(), p.id],
  directions: ['asc', 'asc'],
};
const byTargetName: Ordering<ApproverPolicy> = {
  key: (p) => [p.targetName.toLowerCase(), p.id],
  directions: ['asc', 'asc'],
};

function conditionalPut<T extends { id: string; updatedAt: string }>(
  store: Map<string, T>,
  policy: T,
  expectedUpdatedAt: string | undefined,
  what: string,
): void {
  const stored = store.get(policy.id);
  if (expectedUpdatedAt === undefined && stored !== undefined) {
    throw new ConflictError(`A ${what} for ${policy.id} already exists.`);
  }
  if (expectedUpdatedAt !== undefined && stored?.updatedAt !== expectedUpdatedAt) {
    throw new ConflictError(
      stored === undefined
        ? `The ${what} for ${policy.id} no longer exists.`
        : `The ${what} for ${policy.id} was changed by someone else; reload it and try again.`,
    );
  }
  store.set(policy.id, structuredClone(policy));
}

/** The policies of these owners (principals or targets), in owner order then by id, as copies. */
function ownedBy<T extends { id: string }>(store: Map<string, T>, ownerIds: readonly string[]): T[] {
  const out: T[] = [];
  for (const ownerId of new Set(ownerIds)) {
    const owned = [...store.values()].filter((p) => isPolicyOf(p.id, ownerId));
    owned.sort((a, b) => a.id.localeCompare(b.id));
    out.push(...owned.map((p) => structuredClone(p)));
  }
  return out;
}

/**
 * PolicyRepository in memory: puts are conditional (create only if absent, replace only if the
 * stored updatedAt matches), deletes are idempotent like DeleteItem, lists are ordered by principal or target name (as the
 * API documents them), then id.
 */
export class InMemoryPolicyRepository implements PolicyRepository {
  readonly calls = new CallLog<Method>();
  private readonly eligibility = new Map<string, EligibilityPolicy>();
  private readonly approvers = new Map<string, ApproverPolicy>();
  private check: PolicyCheckReport | undefined;

  async getEligibility(policyId: string): Promise<EligibilityPolicy | undefined> {
    this.calls.hit('getEligibility');
    const p = this.eligibility.get(policyId);
    return p === undefined ? undefined : structuredClone(p);
  }

  async eligibilitiesOf(principalIds: readonly string[]): Promise<EligibilityPolicy[]> {
    this.calls.hit('eligibilitiesOf');
    return ownedBy(this.eligibility, principalIds);
  }

  async listEligibilities(page: PageRequest): Promise<Page<EligibilityPolicy>> {
    this.calls.hit('listEligibilities');
    const result = paginate([...this.eligibility.values()], byPrincipalName, page);
    return { ...result, items: result.items.map((p) => structuredClone(p)) };
  }

  async putEligibility(policy: EligibilityPolicy, expectedUpdatedAt?: string): Promise<void> {
    this.calls.hit('putEligibility');
    conditionalPut(this.eligibility, policy, expectedUpdatedAt, 'eligibility policy');
  }

  async deleteEligibility(policyId: string): Promise<void> {
    this.calls.hit('deleteEligibility');
    this.eligibility.delete(policyId);
  }

  async getApproverPolicy(policyId: string): Promise<ApproverPolicy | undefined> {
    this.calls.hit('getApproverPolicy');
    const p = this.approvers.get(policyId);
    return p === undefined ? undefined : structuredClone(p);
  }

  async approverPoliciesOf(targetIds: readonly string[]): Promise<ApproverPolicy[]> {
    this.calls.hit('approverPoliciesOf');
    return ownedBy(this.approvers, targetIds);
  }

  async listApproverPolicies(page: PageRequest): Promise<Page<ApproverPolicy>> {
    this.calls.hit('listApproverPolicies');
    const result = paginate([...this.approvers.values()], byTargetName, page);
    return { ...result, items: result.items.map((p) => structuredClone(p)) };
  }

  async putApproverPolicy(policy: ApproverPolicy, expectedUpdatedAt?: string): Promise<void> {
    this.calls.hit('putApproverPolicy');
    conditionalPut(this.approvers, policy, expectedUpdatedAt, 'approver policy');
  }

  async deleteApproverPolicy(policyId: string): Promise<void> {
    this.calls.hit('deleteApproverPolicy');
    this.approvers.delete(policyId);
  }

  async getCheck(): Promise<PolicyCheckReport | undefined> {
    this.calls.hit('getCheck');
    return this.check === undefined ? undefined : structuredClone(this.check);
  }

  async putCheck(report: PolicyCheckReport): Promise<void> {
    this.calls.hit('putCheck');
    this.check = structuredClone(report);
  }

  /** Test seeding: stores policies unconditionally. */
  seed(policies: { eligibility?: EligibilityPolicy[]; approvers?: ApproverPolicy[] }): void {
    for (const p of policies.eligibility ?? []) this.eligibility.set(p.id, structuredClone(p));
    for (const p of policies.approvers ?? []) this.approvers.set(p.id, structuredClone(p));
  }

  /** Every stored policy (tests only). */
  snapshot(): { eligibility: EligibilityPolicy[]; approvers: ApproverPolicy[] } {
    return {
      eligibility: [...this.eligibility.values()].map((p) => structuredClone(p)),
      approvers: [...this.approvers.values()].map((p) => structuredClone(p)),
    };
  }
}
