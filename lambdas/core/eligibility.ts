/**
 * Effective eligibility: what a caller may request, from the eligibility policies of the caller
 * and of the caller's groups.
 */
import type {
  AccountRef,
  EligibilityPolicy,
  EligibleAccount,
  EligiblePermissionSet,
  PermissionSetRef,
  Settings,
} from './types';

export interface ResolveEligibilityInput {
  /** The caller's own policy and those of the caller's groups (any order). */
  policies: readonly EligibilityPolicy[];
  settings: Pick<Settings, 'approvalWorkflow' | 'maxDurationHours'>;
  /** Accounts directly under an OU or the root (nested OUs not included); may be cached. */
  accountsInOu: (ouId: string) => Promise<readonly AccountRef[]> | readonly AccountRef[];
  /** Never offered: the management account. */
  excludedAccountIds?: readonly string[];
  /** Never offered: the permission sets provisioned to the management account. */
  excludedPermissionSetArns?: readonly string[];
}

interface PairAccumulator {
  permissionSet: PermissionSetRef;
  /** Some matching policy says no approval is needed. */
  approvalWaived: boolean;
  maxDurationHours: number;
}

const byName =
  <T extends { name: string }>(key: (item: T) => string) =>
  (a: T, b: T) =>
    a.name.localeCompare(b.name, 'en') || key(a).localeCompare(key(b), 'en');

/**
 * The accounts and permission sets the caller may request, each pair with whether approval is
 * required (approval workflow on and no matching policy waives it) and its maximum duration
 * (the largest among the policies covering that account and permission set, capped by the
 * settings). OUs cover only their direct accounts and are expanded once each. Accounts sorted by
 * name, permission sets by name; accounts left with no permission set are omitted.
 */
export async function resolveEligibility(input: ResolveEligibilityInput): Promise<EligibleAccount[]> {
  const excludedAccounts = new Set(input.excludedAccountIds ?? []);
  const excludedPermissionSets = new Set(input.excludedPermissionSetArns ?? []);

  const ouIds = [...new Set(input.policies.flatMap((policy) => policy.ous.map((ou) => ou.id)))];
  const expanded = new Map<string, readonly AccountRef[]>(
    await Promise.all(ouIds.map(async (ouId) => [ouId, await input.accountsInOu(ouId)] as const)),
  );

  // Names from Organizations (through the OU expansion) are current; policy names are snapshots.
  const accountNames = new Map<string, string>();
  for (const accounts of expanded.values()) {
    for (const account of accounts)
      if (!accountNames.has(account.id)) accountNames.set(account.id, account.name);
  }

  const pairs = new Map<string, Map<string, PairAccumulator>>();
  for (const policy of input.policies) {
    const covered = new Map<string, string>();
    for (const account of policy.accounts) covered.set(account.id, account.name);
    for (const ou of policy.ous) {
      for (const account of expanded.get(ou.id) ?? []) covered.set(account.id, account.name);
    }
    for (const [accountId, name] of covered) {
      if (excludedAccounts.has(accountId)) continue;
      if (!accountNames.has(accountId)) accountNames.set(accountId, name);
      let sets = pairs.get(accountId);
      for (const permissionSet of policy.permissionSets) {
        if (excludedPermissionSets.has(permissionSet.arn)) continue;
        if (!sets) {
          sets = new Map();
          pairs.set(accountId, sets);
        }
        const seen = sets.get(permissionSet.arn);
        if (seen) {
          seen.approvalWaived ||= !policy.approvalRequired;
          seen.maxDurationHours = Math.max(seen.maxDurationHours, policy.maxDurationHours);
        } else {
          sets.set(permissionSet.arn, {
            permissionSet: { arn: permissionSet.arn, name: permissionSet.name },
            approvalWaived: !policy.approvalRequired,
            maxDurationHours: policy.maxDurationHours,
          });
        }
      }
    }
  }

  const result: EligibleAccount[] = [];
  for (const [accountId, sets] of pairs) {
    const permissionSets: EligiblePermissionSet[] = [...sets.values()].map((pair) => ({
      arn: pair.permissionSet.arn,
      name: pair.permissionSet.name,
      approvalRequired: input.settings.approvalWorkflow && !pair.approvalWaived,
      maxDurationHours: Math.min(pair.maxDurationHours, input.settings.maxDurationHours),
    }));
    permissionSets.sort(byName<EligiblePermissionSet>((p) => p.arn));
    result.push({ id: accountId, name: accountNames.get(accountId) ?? accountId, permissionSets });
  }
  return result.sort(byName<EligibleAccount>((a) => a.id));
}

/** The eligibility of one (account, permission set) pair, or undefined when not eligible. */
export function findEligibility(
  eligible: readonly EligibleAccount[],
  accountId: string,
  permissionSetArn: string,
): EligiblePermissionSet | undefined {
  return eligible
    .find((account) => account.id === accountId)
    ?.permissionSets.find((p) => p.arn === permissionSetArn);
}
