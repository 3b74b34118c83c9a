/**
 * The policy check: which policies name users, groups, accounts, OUs or permission sets that no
 * longer exist (or now go by another name). Resolution already skips such references safely
 * (docs/policies.md, "Stale references"); the check tells admins what to clean up. It runs daily
 * and on an admin's demand, and its latest report is stored for the admin pages.
 */
import { authorize } from '../authorization';
import type { CoreDeps, PolicyRepository } from '../ports';
import type {
  ApproverPolicy,
  CallerIdentity,
  EligibilityPolicy,
  OuNode,
  PolicyCheckReport,
  PolicyFinding,
  ReferenceKind,
  StaleReference,
} from '../types';

/** Findings kept in one report (it is stored as one item). */
export const MAX_FINDINGS = 500;

/** What exists now: id → current name, per kind of reference. */
export type DirectorySnapshot = Readonly<Record<ReferenceKind, ReadonlyMap<string, string>>>;

function flatten(node: OuNode): OuNode[] {
  return [node, ...node.children.flatMap(flatten)];
}

/** Reads what exists now from the directory and the organization (every list once). */
export async function directorySnapshot(
  deps: Pick<CoreDeps, 'directory' | 'organization'>,
): Promise<DirectorySnapshot> {
  const [users, groups, accounts, tree, permissionSets] = await Promise.all([
    deps.directory.listUsers(),
    deps.directory.listGroups(),
    deps.organization.listAccounts(),
    deps.organization.ouTree(),
    deps.directory.listPermissionSets(),
  ]);
  return {
    user: new Map(users.map((u) => [u.id, u.userName])),
    group: new Map(groups.map((g) => [g.id, g.name])),
    account: new Map(accounts.map((a) => [a.id, a.name])),
    ou: new Map(flatten(tree).map((o) => [o.id, o.name])),
    permissionSet: new Map(permissionSets.map((p) => [p.arn, p.name])),
  };
}

/** The stale references of one policy, each reference reported once. */
function staleOf(
  refs: readonly { kind: ReferenceKind; id: string; name: string }[],
  now: DirectorySnapshot,
): StaleReference[] {
  const seen = new Set<string>();
  const out: StaleReference[] = [];
  for (const ref of refs) {
    const key = `${ref.kind} ${ref.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const current = now[ref.kind].get(ref.id);
    if (current === undefined) out.push({ ...ref, problem: 'missing' });
    else if (current !== ref.name) out.push({ ...ref, problem: 'renamed', currentName: current });
  }
  return out;
}

function eligibilityRefs(policy: EligibilityPolicy) {
  return [
    {
      kind: policy.principalType === 'USER' ? ('user' as const) : ('group' as const),
      id: policy.principalId,
      name: policy.principalName,
    },
    ...policy.accounts.map((a) => ({ kind: 'account' as const, id: a.id, name: a.name })),
    ...policy.ous.map((o) => ({ kind: 'ou' as const, id: o.id, name: o.name })),
    ...policy.permissionSets.map((p) => ({ kind: 'permissionSet' as const, id: p.arn, name: p.name })),
    ...policy.pairs.flatMap((pair) => [
      { kind: 'account' as const, id: pair.account.id, name: pair.account.name },
      { kind: 'permissionSet' as const, id: pair.permissionSet.arn, name: pair.permissionSet.name },
    ]),
  ];
}

function approverRefs(policy: ApproverPolicy) {
  return [
    {
      kind: policy.targetType === 'ACCOUNT' ? ('account' as const) : ('ou' as const),
      id: policy.targetId,
      name: policy.targetName,
    },
    ...policy.permissionSets.map((p) => ({ kind: 'permissionSet' as const, id: p.arn, name: p.name })),
    ...policy.approverGroups.map((g) => ({ kind: 'group' as const, id: g.id, name: g.name })),
    ...policy.approverUsers.map((u) => ({ kind: 'user' as const, id: u.id, name: u.name })),
    ...(policy.nextStages ?? []).flatMap((stage) => [
      ...stage.approverGroups.map((g) => ({ kind: 'group' as const, id: g.id, name: g.name })),
      ...stage.approverUsers.map((u) => ({ kind: 'user' as const, id: u.id, name: u.name })),
    ]),
    ...(policy.escalationGroups ?? []).map((g) => ({ kind: 'group' as const, id: g.id, name: g.name })),
  ];
}

/** The findings for these policies against what exists now, in policy id order. */
export function findStaleReferences(
  policies: { eligibility: readonly EligibilityPolicy[]; approvers: readonly ApproverPolicy[] },
  now: DirectorySnapshot,
): PolicyFinding[] {
  const findings: PolicyFinding[] = [];
  for (const policy of policies.eligibility) {
    const references = staleOf(eligibilityRefs(policy), now);
    if (references.length > 0) findings.push({ policyKind: 'ELIGIBILITY', policyId: policy.id, references });
  }
  for (const policy of policies.approvers) {
    const references = staleOf(approverRefs(policy), now);
    if (references.length > 0) findings.push({ policyKind: 'APPROVER', policyId: policy.id, references });
  }
  return findings.sort(
    (a, b) => a.policyKind.localeCompare(b.policyKind) || a.policyId.localeCompare(b.policyId),
  );
}

/** Every stored policy of both kinds, page by page. */
export async function allPolicies(
  policies: PolicyRepository,
): Promise<{ eligibility: EligibilityPolicy[]; approvers: ApproverPolicy[] }> {
  const drain = async <T>(
    list: (page: { limit: number; cursor?: string }) => Promise<{ items: T[]; nextCursor?: string }>,
  ): Promise<T[]> => {
    const out: T[] = [];
    let cursor: string | undefined;
    do {
      const page = await list(cursor === undefined ? { limit: 100 } : { limit: 100, cursor });
      out.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return out;
  };
  const [eligibility, approvers] = await Promise.all([
    drain((page) => policies.listEligibilities(page)),
    drain((page) => policies.listApproverPolicies(page)),
  ]);
  return { eligibility, approvers };
}

export type PolicyCheckDeps = Pick<CoreDeps, 'policies' | 'directory' | 'organization' | 'clock'>;

/** Runs the check over every policy and stores its report (the latest replaces the previous). */
export function makeCheckPolicies(deps: PolicyCheckDeps): () => Promise<PolicyCheckReport> {
  return async () => {
    const [policies, now] = await Promise.all([allPolicies(deps.policies), directorySnapshot(deps)]);
    const findings = findStaleReferences(policies, now);
    const report: PolicyCheckReport = {
      checkedAt: deps.clock.now().toISOString(),
      eligibilityPoliciesChecked: policies.eligibility.length,
      approverPoliciesChecked: policies.approvers.length,
      findings: findings.slice(0, MAX_FINDINGS),
      truncated: findings.length > MAX_FINDINGS,
    };
    await deps.policies.putCheck(report);
    return report;
  };
}

/** The latest policy check's report (admins; undefined before the first check). */
export function makeGetPolicyCheck(
  deps: Pick<CoreDeps, 'policies'>,
): (caller: CallerIdentity) => Promise<PolicyCheckReport | undefined> {
  return async (caller) => {
    authorize('getPolicyCheck', caller);
    return deps.policies.getCheck();
  };
}

/** Runs the policy check now, for an admin who has just cleaned up (admins). */
export function makeCheckPoliciesNow(
  deps: PolicyCheckDeps,
): (caller: CallerIdentity) => Promise<PolicyCheckReport> {
  const check = makeCheckPolicies(deps);
  return async (caller) => {
    authorize('checkPoliciesNow', caller);
    return check();
  };
}
