/**
 * Effective eligibility: what a caller may request, from the eligibility policies of the caller
 * and of the caller's groups.
 */
import type {
  AccountRef,
  EligibilityPolicy,
  EligibleAccount,
  EligiblePermissionSet,
  ParentRef,
  PermissionSetRef,
  Settings,
} from '../types';

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

export interface ResolveAccountEligibilityInput {
  accountId: string;
  permissionSetArn: string;
  /** The caller's own policy and those of the caller's groups (any order). */
  policies: readonly EligibilityPolicy[];
  settings: Pick<Settings, 'approvalWorkflow' | 'maxDurationHours'>;
  /** Never eligible. */
  managementAccountId: string;
  /** The permission sets provisioned to the management account (never eligible). */
  excludedPermissionSetArns: () => Promise<readonly string[]>;
  /** The account's direct parent, read live; undefined when the account is not in the organization. */
  parentOf: (accountId: string) => Promise<ParentRef | undefined>;
  /** Accounts directly under an OU or the root; may be cached. */
  accountsInOu: (ouId: string) => Promise<readonly AccountRef[]>;
}

/** One (account, permission set) pair the caller may request, and where the account sits. */
export interface AccountEligibility {
  account: AccountRef;
  permissionSet: EligiblePermissionSet;
  /** The account's direct parent as Organizations reported it (approver resolution needs it too). */
  parent: ParentRef;
}

/**
 * The eligibility of one (account, permission set) pair, with the same answer as
 * `resolveEligibility` gives for that pair, or undefined when the caller may not request it.
 * Only the policies that grant the permission set count, and only the account's parent can
 * cover it, so at most one OU is expanded. When the account is not named by any of those
 * policies and they name exactly one OU, that OU is listed first: the account can only be
 * eligible if it is there, and the Organization adapter then knows its parent from that live
 * listing without asking ListParents. The parent is always asked of `parentOf`, so a cached OU
 * listing never decides alone where an account sits.
 */
export async function resolveAccountEligibility(
  input: ResolveAccountEligibilityInput,
): Promise<AccountEligibility | undefined> {
  const { accountId, permissionSetArn } = input;
  if (accountId === input.managementAccountId) return undefined;
  const policies = input.policies.filter((p) => p.permissionSets.some((s) => s.arn === permissionSetArn));
  if (policies.length === 0) return undefined;

  const named = policies.some((p) => p.accounts.some((a) => a.id === accountId));
  const ouIds = new Set(policies.flatMap((p) => p.ous.map((ou) => ou.id)));
  const [onlyOu] = ouIds;

  const place = async (): Promise<{ parent: ParentRef; siblings?: readonly AccountRef[] } | undefined> => {
    if (!named && ouIds.size === 1 && onlyOu !== undefined) {
      const siblings = await input.accountsInOu(onlyOu);
      if (!siblings.some((a) => a.id === accountId)) return undefined;
      const parent = await input.parentOf(accountId);
      // A cached listing may be stale: the live parent decides.
      return parent?.id === onlyOu ? { parent, siblings } : undefined;
    }
    const parent = await input.parentOf(accountId);
    if (parent === undefined) return undefined;
    if (!ouIds.has(parent.id)) return { parent };
    return { parent, siblings: await input.accountsInOu(parent.id) };
  };
  const [excludedPermissionSetArns, placed] = await Promise.all([input.excludedPermissionSetArns(), place()]);
  if (placed === undefined || excludedPermissionSetArns.includes(permissionSetArn)) return undefined;

  const { parent, siblings } = placed;
  const eligible = await resolveEligibility({
    policies,
    settings: input.settings,
    // Only the parent can cover the account (an OU covers its direct accounts only).
    accountsInOu: (ouId) => (ouId === parent.id ? (siblings ?? []) : []),
    excludedAccountIds: [input.managementAccountId],
    excludedPermissionSetArns,
  });
  const account = eligible.find((a) => a.id === accountId);
  const permissionSet = account?.permissionSets.find((p) => p.arn === permissionSetArn);
  if (account === undefined || permissionSet === undefined) return undefined;
  return { account: { id: account.id, name: account.name }, permissionSet, parent };
}
