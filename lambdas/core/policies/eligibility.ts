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

/** What eligibility resolution reads of the settings. */
export type EligibilitySettings = Pick<
  Settings,
  'approvalWorkflow' | 'maxDurationHours' | 'breakGlassEnabled'
>;

/** The most hours access may reach with extensions, whatever the policies say. */
export const MAX_TOTAL_HOURS = 8000;

/** Break-glass hours of a policy that allows it without saying how long. */
export const DEFAULT_BREAK_GLASS_HOURS = 1;

export interface ResolveEligibilityInput {
  /** The caller's own policies and those of the caller's groups (any order). */
  policies: readonly EligibilityPolicy[];
  settings: EligibilitySettings;
  /** Accounts directly under an OU or the root (nested OUs not included); may be cached. */
  accountsInOu: (ouId: string) => Promise<readonly AccountRef[]> | readonly AccountRef[];
  /**
   * Every OU below an OU or the root, at any depth; asked only for the OUs of policies that
   * include nested OUs (an unknown OU has none).
   */
  nestedOusOf?: (ouId: string) => Promise<readonly string[]> | readonly string[];
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
  /** The largest total with extensions among the matching policies. */
  maxTotalHours: number;
  /** Some matching policy wants extensions approved. */
  extensionApproval: boolean;
  /** The longest break-glass among the matching policies that allow it; 0: none allows it. */
  breakGlassHours: number;
}

/** A policy's total with extensions: its own, or its maximum duration (no extensions). */
function totalHoursOf(policy: EligibilityPolicy): number {
  return Math.max(policy.maxTotalHours ?? policy.maxDurationHours, policy.maxDurationHours);
}

/** A policy's break-glass hours, 0 when it does not allow break-glass. */
function breakGlassHoursOf(policy: EligibilityPolicy): number {
  return policy.breakGlass === true ? (policy.breakGlassMaxHours ?? DEFAULT_BREAK_GLASS_HOURS) : 0;
}

const byName =
  <T extends { name: string }>(key: (item: T) => string) =>
  (a: T, b: T) =>
    a.name.localeCompare(b.name, 'en') || key(a).localeCompare(key(b), 'en');

/** The OUs a policy's accounts come from: its OUs, and with `includeNestedOus` every OU below them. */
async function ousOf(
  policy: EligibilityPolicy,
  nestedOusOf: ResolveEligibilityInput['nestedOusOf'],
): Promise<string[]> {
  const ouIds = policy.ous.map((ou) => ou.id);
  if (!policy.includeNestedOus || nestedOusOf === undefined) return ouIds;
  const nested = await Promise.all(ouIds.map(async (ouId) => nestedOusOf(ouId)));
  return [...new Set([...ouIds, ...nested.flat()])];
}

/**
 * The accounts and permission sets the caller may request: the union of what the policies
 * grant. Each (account, permission set) pair combines only the policies that grant that pair:
 * approval is required unless one of them waives it (and the approval workflow is on); the
 * maximum duration is the longest of theirs, capped by the settings; the total with extensions
 * is the largest of theirs (at most 8000 hours); extensions need approval when the pair does and
 * one of them asks for it; break-glass is allowed when one of them allows it and the settings
 * do, for the longest of their break-glass hours (at most the pair's duration). OUs cover the accounts
 * directly under them, and those of nested OUs when the policy says so; each OU is expanded
 * once. Accounts sorted by name, permission sets by name; accounts left with none are omitted.
 */
export async function resolveEligibility(input: ResolveEligibilityInput): Promise<EligibleAccount[]> {
  const excludedAccounts = new Set(input.excludedAccountIds ?? []);
  const excludedPermissionSets = new Set(input.excludedPermissionSetArns ?? []);

  const policyOus = await Promise.all(input.policies.map((policy) => ousOf(policy, input.nestedOusOf)));
  const ouIds = [...new Set(policyOus.flat())];
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
  const grant = (account: AccountRef, permissionSet: PermissionSetRef, policy: EligibilityPolicy) => {
    if (excludedAccounts.has(account.id) || excludedPermissionSets.has(permissionSet.arn)) return;
    if (!accountNames.has(account.id)) accountNames.set(account.id, account.name);
    let sets = pairs.get(account.id);
    if (!sets) {
      sets = new Map();
      pairs.set(account.id, sets);
    }
    const seen = sets.get(permissionSet.arn);
    const extensionApproval = policy.extensionApprovalRequired ?? true;
    if (seen) {
      seen.approvalWaived ||= !policy.approvalRequired;
      seen.maxDurationHours = Math.max(seen.maxDurationHours, policy.maxDurationHours);
      seen.maxTotalHours = Math.max(seen.maxTotalHours, totalHoursOf(policy));
      seen.extensionApproval ||= extensionApproval;
      seen.breakGlassHours = Math.max(seen.breakGlassHours, breakGlassHoursOf(policy));
    } else {
      sets.set(permissionSet.arn, {
        permissionSet: { arn: permissionSet.arn, name: permissionSet.name },
        approvalWaived: !policy.approvalRequired,
        maxDurationHours: policy.maxDurationHours,
        maxTotalHours: totalHoursOf(policy),
        extensionApproval,
        breakGlassHours: breakGlassHoursOf(policy),
      });
    }
  };

  input.policies.forEach((policy, index) => {
    for (const pair of policy.pairs) grant(pair.account, pair.permissionSet, policy);
    const covered = new Map<string, AccountRef>();
    for (const account of policy.accounts) covered.set(account.id, account);
    for (const ouId of policyOus[index] ?? []) {
      for (const account of expanded.get(ouId) ?? []) covered.set(account.id, account);
    }
    for (const account of covered.values()) {
      for (const permissionSet of policy.permissionSets) grant(account, permissionSet, policy);
    }
  });

  const result: EligibleAccount[] = [];
  for (const [accountId, sets] of pairs) {
    const permissionSets: EligiblePermissionSet[] = [...sets.values()].map((pair) =>
      eligiblePermissionSet(pair, input.settings),
    );
    permissionSets.sort(byName<EligiblePermissionSet>((p) => p.arn));
    result.push({ id: accountId, name: accountNames.get(accountId) ?? accountId, permissionSets });
  }
  return result.sort(byName<EligibleAccount>((a) => a.id));
}

/** What the policies granting one pair allow, combined and capped by the settings. */
function eligiblePermissionSet(pair: PairAccumulator, settings: EligibilitySettings): EligiblePermissionSet {
  const approvalRequired = settings.approvalWorkflow && !pair.approvalWaived;
  const maxDurationHours = Math.min(pair.maxDurationHours, settings.maxDurationHours);
  const breakGlass = settings.breakGlassEnabled && pair.breakGlassHours > 0;
  return {
    arn: pair.permissionSet.arn,
    name: pair.permissionSet.name,
    approvalRequired,
    maxDurationHours,
    // The global maximum duration limits one request, not its extensions (see docs/policies.md).
    maxTotalHours: Math.max(Math.min(pair.maxTotalHours, MAX_TOTAL_HOURS), maxDurationHours),
    extensionApprovalRequired: approvalRequired && pair.extensionApproval,
    breakGlass,
    ...(breakGlass ? { breakGlassMaxHours: Math.min(pair.breakGlassHours, maxDurationHours) } : {}),
  };
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
  /** The caller's own policies and those of the caller's groups (any order). */
  policies: readonly EligibilityPolicy[];
  settings: EligibilitySettings;
  /** Never eligible. */
  managementAccountId: string;
  /** The permission sets provisioned to the management account (never eligible). */
  excludedPermissionSetArns: () => Promise<readonly string[]>;
  /** The account's direct parent, read live; undefined when the account is not in the organization. */
  parentOf: (accountId: string) => Promise<ParentRef | undefined>;
  /** Accounts directly under an OU or the root; may be cached. */
  accountsInOu: (ouId: string) => Promise<readonly AccountRef[]>;
  /**
   * The OUs above an OU, nearest first, ending with the root; asked only when a policy includes
   * nested OUs. May come from a cached OU tree.
   */
  ancestorsOf: (ouId: string) => Promise<readonly string[]>;
}

/** One (account, permission set) pair the caller may request, and where the account sits. */
export interface AccountEligibility {
  account: AccountRef;
  permissionSet: EligiblePermissionSet;
  /** The account's direct parent as Organizations reported it (approver resolution needs it too). */
  parent: ParentRef;
}

/** Whether a policy grants the permission set in the account (if the account is covered at all). */
function mayGrant(policy: EligibilityPolicy, accountId: string, permissionSetArn: string): boolean {
  return (
    policy.pairs.some((p) => p.account.id === accountId && p.permissionSet.arn === permissionSetArn) ||
    policy.permissionSets.some((s) => s.arn === permissionSetArn)
  );
}

/**
 * The eligibility of one (account, permission set) pair, with the same answer as
 * `resolveEligibility` gives for that pair, or undefined when the caller may not request it.
 * Only the policies that can grant the permission set count, and only the account's parent can
 * hold it directly, so at most one OU is listed. When the account is not named by any of those
 * policies and they name exactly one OU (and none includes nested OUs), that OU is listed
 * first: the account can only be eligible if it is there, and the Organization adapter then
 * knows its parent from that live listing without asking ListParents. The parent is always
 * asked of `parentOf`, so a cached OU listing never decides alone where an account sits.
 */
export async function resolveAccountEligibility(
  input: ResolveAccountEligibilityInput,
): Promise<AccountEligibility | undefined> {
  const { accountId, permissionSetArn } = input;
  if (accountId === input.managementAccountId) return undefined;
  const policies = input.policies.filter((p) => mayGrant(p, accountId, permissionSetArn));
  if (policies.length === 0) return undefined;

  const named = policies.some(
    (p) =>
      p.accounts.some((a) => a.id === accountId) || p.pairs.some((pair) => pair.account.id === accountId),
  );
  const ouIds = new Set(policies.flatMap((p) => p.ous.map((ou) => ou.id)));
  const nestedOuIds = new Set(
    policies.filter((p) => p.includeNestedOus).flatMap((p) => p.ous.map((ou) => ou.id)),
  );
  const [onlyOu] = ouIds;

  let ancestors: readonly string[] = [];
  const covers = async (parentId: string): Promise<boolean> => {
    // Every policy through which the parent reaches the account must count, so the ancestors
    // are needed whenever a policy includes nested OUs.
    if (nestedOuIds.size > 0) ancestors = await input.ancestorsOf(parentId);
    return ouIds.has(parentId) || ancestors.some((id) => nestedOuIds.has(id));
  };

  const place = async (): Promise<{ parent: ParentRef; siblings?: readonly AccountRef[] } | undefined> => {
    if (!named && nestedOuIds.size === 0 && ouIds.size === 1 && onlyOu !== undefined) {
      const siblings = await input.accountsInOu(onlyOu);
      if (!siblings.some((a) => a.id === accountId)) return undefined;
      const parent = await input.parentOf(accountId);
      // A cached listing may be stale: the live parent decides.
      return parent?.id === onlyOu ? { parent, siblings } : undefined;
    }
    const parent = await input.parentOf(accountId);
    if (parent === undefined) return undefined;
    if (!(await covers(parent.id))) return named ? { parent } : undefined;
    return { parent, siblings: await input.accountsInOu(parent.id) };
  };
  const [excludedPermissionSetArns, placed] = await Promise.all([input.excludedPermissionSetArns(), place()]);
  if (placed === undefined || excludedPermissionSetArns.includes(permissionSetArn)) return undefined;

  const { parent, siblings } = placed;
  const eligible = await resolveEligibility({
    policies,
    settings: input.settings,
    // Only the parent can hold the account directly; nested OUs reach it only through the parent.
    accountsInOu: (ouId) => (ouId === parent.id ? (siblings ?? []) : []),
    nestedOusOf: (ouId) => (ancestors.includes(ouId) ? [parent.id] : []),
    excludedAccountIds: [input.managementAccountId],
    excludedPermissionSetArns,
  });
  const account = eligible.find((a) => a.id === accountId);
  const permissionSet = account?.permissionSets.find((p) => p.arn === permissionSetArn);
  if (account === undefined || permissionSet === undefined) return undefined;
  return { account: { id: account.id, name: account.name }, permissionSet, parent };
}
