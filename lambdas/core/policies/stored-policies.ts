/**
 * Policies in the shape the original one-per-principal / one-per-target model wrote them, and
 * how they read in today's model. Items stored before policies had names, scopes, pairs or named
 * users lack those attributes: they read as the principal's `default` policy and as an unscoped
 * approver policy of the target, which is exactly what they meant when written.
 */
import type { ApproverPolicy, EligibilityPolicy } from '../types';
import { DEFAULT_POLICY_NAME, ownerOfPolicyId } from './policy-ids';

/** An eligibility policy as stored: the attributes added since the original model may be missing. */
export type StoredEligibilityPolicy = Omit<
  EligibilityPolicy,
  'principalId' | 'name' | 'accounts' | 'ous' | 'includeNestedOus' | 'permissionSets' | 'pairs'
> &
  Partial<EligibilityPolicy>;

/** An approver policy as stored: the attributes added since the original model may be missing. */
export type StoredApproverPolicy = Omit<
  ApproverPolicy,
  'targetId' | 'permissionSets' | 'includeNestedOus' | 'approverGroups' | 'approverUsers' | 'also'
> &
  Partial<ApproverPolicy>;

export function eligibilityPolicyFrom(stored: StoredEligibilityPolicy): EligibilityPolicy {
  return {
    ...stored,
    principalId: stored.principalId ?? ownerOfPolicyId(stored.id),
    name: stored.name ?? DEFAULT_POLICY_NAME,
    accounts: stored.accounts ?? [],
    ous: stored.ous ?? [],
    includeNestedOus: stored.includeNestedOus ?? false,
    permissionSets: stored.permissionSets ?? [],
    pairs: stored.pairs ?? [],
  };
}

export function approverPolicyFrom(stored: StoredApproverPolicy): ApproverPolicy {
  return {
    ...stored,
    targetId: stored.targetId ?? ownerOfPolicyId(stored.id),
    permissionSets: stored.permissionSets ?? [],
    includeNestedOus: stored.includeNestedOus ?? false,
    approverGroups: stored.approverGroups ?? [],
    approverUsers: stored.approverUsers ?? [],
    also: stored.also ?? false,
  };
}
