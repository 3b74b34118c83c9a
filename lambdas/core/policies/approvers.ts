/**
 * Approver resolution: who may approve a request for an account, snapshotted on the request
 * when it is created.
 */
import { NoApproverError, ValidationError } from '../errors';
import { requireFeasibleStages } from '../requests/approval-plan';
import type {
  AccountRef,
  Actor,
  ApprovalTimers,
  ApproverPolicy,
  DirectoryUser,
  GroupRef,
  ParentRef,
} from '../types';

/** Where the request's account sits: the account, its parent, then the OUs above, ending with the root. */
export interface AccountPlace {
  accountId: string;
  permissionSetArn: string;
  /** `[accountId, parentId, …ancestors]`. */
  path: readonly string[];
}

/** Whether a policy narrows itself to some permission sets. */
const isScoped = (policy: ApproverPolicy) => policy.permissionSets.length > 0;

/**
 * The approver policies that decide a request, among the policies of its account and the OUs
 * above it (docs/policies.md, "Who approves"):
 * 1. a policy matches when it is the account's, its direct parent's, or a policy of an OU
 *    further up that includes nested OUs — and it is unscoped or scoped to the permission set;
 * 2. the permission set decides first: when a scoped policy matches, unscoped ones do not count;
 * 3. then the place: the account's and its direct parent's policies count together (as in the
 *    original model); when neither has one, the nearest OU above that has one counts;
 * 4. a matching policy marked `also` always counts.
 * The result is ordered from the account up, scoped first.
 */
export function selectApproverPolicies(
  policies: readonly ApproverPolicy[],
  place: AccountPlace,
): ApproverPolicy[] {
  const levelOf = (policy: ApproverPolicy) => place.path.indexOf(policy.targetId);
  const matching = policies.filter((policy) => {
    const level = levelOf(policy);
    if (level < 0 || (level >= 2 && !policy.includeNestedOus)) return false;
    if (level === 0 && policy.targetType !== 'ACCOUNT') return false;
    return !isScoped(policy) || policy.permissionSets.some((s) => s.arn === place.permissionSetArn);
  });
  const tier = matching.some(isScoped);
  const inTier = matching.filter((policy) => isScoped(policy) === tier);
  const near = inTier.filter((policy) => levelOf(policy) <= 1);
  const nearestLevel = Math.min(...inTier.map(levelOf));
  const chosen = new Set(
    near.length > 0 ? near : inTier.filter((policy) => levelOf(policy) === nearestLevel),
  );
  for (const policy of matching) if (policy.also) chosen.add(policy);
  return [...chosen].sort(
    (a, b) =>
      levelOf(a) - levelOf(b) || Number(isScoped(b)) - Number(isScoped(a)) || a.id.localeCompare(b.id),
  );
}

export interface ResolveApproversInput {
  accountId: string;
  permissionSetArn: string;
  /** Removed from the result: nobody approves their own request. */
  requesterId: string;
  /** The account's direct parent: an OU or the root. */
  parent: ParentRef;
  /** The OUs above an OU, nearest first, ending with the root (may come from a cached OU tree). */
  ancestorsOf: (ouId: string) => Promise<readonly string[]>;
  /** Every approver policy of these targets (accounts, OUs, root), in any order. */
  approverPoliciesOf: (targetIds: readonly string[]) => Promise<ApproverPolicy[]>;
  membersOfGroup: (groupId: string) => Promise<readonly string[]>;
  getUser: (userId: string) => Promise<DirectoryUser | undefined>;
}

/** Someone who may approve, and why: the approver groups they are in, or a policy naming them. */
export interface ApproverCandidate extends Actor {
  groups: GroupRef[];
  /** A policy names this user directly. */
  named: boolean;
}

export interface ResolvedApprovers {
  /** Everyone who may approve, requester excluded, in the order found. */
  approvers: ApproverCandidate[];
  /** The policies that decided (see selectApproverPolicies). */
  policies: ApproverPolicy[];
  /** The approver groups of those policies, de-duplicated. */
  groupIds: string[];
  /** The approval stages, in order (docs/approvals.md): at least one when any policy decides. */
  stages: ResolvedStage[];
  /** Reminder and escalation timers the deciding policies set (settings fill what they leave). */
  timers: ApprovalTimers;
}

/** A stage as resolved: who may approve in it (requester excluded) and how many must. */
export interface ResolvedStage {
  name?: string;
  required: number;
  approvers: ApproverCandidate[];
}

interface StageRule {
  name?: string;
  required: number;
  groups: GroupRef[];
  userIds: string[];
}

/**
 * The stages the deciding policies make (docs/approvals.md): the first is everyone they name,
 * needing the largest `approvalsRequired`; then each policy's later stages in policy order.
 */
function stageRulesOf(policies: readonly ApproverPolicy[]): StageRule[] {
  if (policies.length === 0) return [];
  const first: StageRule = {
    required: Math.max(...policies.map((policy) => policy.approvalsRequired ?? 1)),
    groups: policies.flatMap((policy) => policy.approverGroups),
    userIds: policies.flatMap((policy) => policy.approverUsers.map((user) => user.id)),
  };
  const named = policies.find((policy) => policy.stageName !== undefined)?.stageName;
  if (named !== undefined) first.name = named;
  const later = policies.flatMap((policy) =>
    (policy.nextStages ?? []).map((stage): StageRule => ({
      name: stage.name,
      required: stage.approvalsRequired,
      groups: stage.approverGroups,
      userIds: stage.approverUsers.map((user) => user.id),
    })),
  );
  return [first, ...later];
}

/** The shortest reminder and escalation the deciding policies set, and their escalation groups. */
function timersOf(policies: readonly ApproverPolicy[]): ApprovalTimers {
  const shortest = (values: (number | undefined)[]) => {
    const set = values.filter((value): value is number => value !== undefined && value > 0);
    return set.length > 0 ? Math.min(...set) : undefined;
  };
  const timers: ApprovalTimers = {};
  const remind = shortest(policies.map((policy) => policy.remindAfterMinutes));
  const escalate = shortest(policies.map((policy) => policy.escalateAfterMinutes));
  const groups = uniqueGroups(policies.flatMap((policy) => policy.escalationGroups ?? []));
  if (remind !== undefined) timers.remindAfterMinutes = remind;
  if (escalate !== undefined) timers.escalateAfterMinutes = escalate;
  if (groups.length > 0) timers.escalationGroups = groups;
  return timers;
}

function uniqueGroups(groups: readonly GroupRef[]): GroupRef[] {
  const byId = new Map<string, GroupRef>();
  for (const group of groups) if (!byId.has(group.id)) byId.set(group.id, group);
  return [...byId.values()];
}

/**
 * The approvers of a request for the permission set in `accountId`: the members of the approver
 * groups and the users named by the policies that decide (selectApproverPolicies), by stage,
 * de-duplicated, minus the requester. Each group and each user is looked up once; users missing
 * from the directory (deleted since the policy was written) are skipped; users without an email
 * are still listed (empty email, named by display or user name).
 */
export async function resolveApprovers(input: ResolveApproversInput): Promise<ResolvedApprovers> {
  const ancestors = input.parent.type === 'ROOT' ? [] : await input.ancestorsOf(input.parent.id);
  const path = [input.accountId, input.parent.id, ...ancestors];
  const policies = selectApproverPolicies(await input.approverPoliciesOf(path), {
    accountId: input.accountId,
    permissionSetArn: input.permissionSetArn,
    path,
  });
  const rules = stageRulesOf(policies);

  const groups = new Map<string, GroupRef>();
  const namedIds = new Set<string>();
  for (const rule of rules) {
    for (const group of rule.groups) if (!groups.has(group.id)) groups.set(group.id, group);
    for (const userId of rule.userIds) namedIds.add(userId);
  }
  const groupIds = [...groups.keys()];
  const memberLists = await Promise.all(groupIds.map((groupId) => input.membersOfGroup(groupId)));
  const membersOf = new Map<string, readonly string[]>();
  const groupsOfUser = new Map<string, GroupRef[]>();
  memberLists.forEach((members, index) => {
    const group = groups.get(groupIds[index] ?? '');
    if (group === undefined) return;
    membersOf.set(group.id, members);
    for (const userId of members) groupsOfUser.set(userId, [...(groupsOfUser.get(userId) ?? []), group]);
  });
  const userIds = [...new Set([...groupsOfUser.keys(), ...namedIds])].filter(
    (userId) => userId !== input.requesterId,
  );
  const users = await Promise.all(userIds.map((userId) => input.getUser(userId)));

  const approvers: ApproverCandidate[] = [];
  for (const user of users) {
    if (!user || user.id === input.requesterId) continue;
    approvers.push({
      id: user.id,
      email: user.email ?? '',
      name: user.displayName ?? user.userName,
      groups: groupsOfUser.get(user.id) ?? [],
      named: namedIds.has(user.id),
    });
  }
  const stages = rules.map((rule): ResolvedStage => {
    const ids = new Set([...rule.groups.flatMap((group) => membersOf.get(group.id) ?? []), ...rule.userIds]);
    const stage: ResolvedStage = {
      required: rule.required,
      approvers: approvers
        .filter((approver) => ids.has(approver.id))
        .map((approver) => ({
          ...approver,
          groups: approver.groups.filter((group) => rule.groups.some((g) => g.id === group.id)),
          named: rule.userIds.includes(approver.id),
        })),
    };
    if (rule.name !== undefined) stage.name = rule.name;
    return stage;
  });
  return { approvers, policies, groupIds, stages, timers: timersOf(policies) };
}

/** The actor stored on a request for an approver candidate. */
export function approverActor(candidate: ApproverCandidate): Actor {
  const actor: Actor = { id: candidate.id, email: candidate.email };
  if (candidate.name !== undefined) actor.name = candidate.name;
  return actor;
}

/**
 * The most approvers a request can list: each one is an index item rewritten in the same
 * DynamoDB transaction as the request's status (100 items at most, with room for the request
 * and its audit event).
 */
export const MAX_APPROVERS = 90;

/**
 * Returns the approvers, or throws NoApproverError when there is nobody other than the
 * requester, or when the stages cannot all get their approvals from different people (call it
 * only when the request needs approval).
 */
export function requireApprovers(
  result: Pick<ResolvedApprovers, 'approvers'> & Partial<Pick<ResolvedApprovers, 'stages'>>,
  account: AccountRef,
): Actor[] {
  if (result.approvers.length === 0) {
    throw new NoApproverError(
      `No one other than you can approve access to ${account.name} (${account.id}); ask an administrator to add an approver policy.`,
    );
  }
  if (result.approvers.length > MAX_APPROVERS) {
    throw new ValidationError(
      `${result.approvers.length} people could approve access to ${account.name} (${account.id}); a request can list at most ${MAX_APPROVERS}. Ask an administrator to use narrower approver groups.`,
      'accountId',
    );
  }
  if (result.stages !== undefined) requireFeasibleStages(result.stages, `${account.name} (${account.id})`);
  return result.approvers.map(approverActor);
}
