/** Approver policies (admins): list, create, edit, delete. */
import { ACCOUNT_ID } from '../../contract/patterns';
import { authorize } from '../authorization';
import { ConflictError, NotFoundError } from '../errors';
import { withInputFields } from '../input-fields';
import { clampPage, type PageInput } from '../paging';
import type { CoreDeps } from '../ports';
import { loadSettings } from '../settings/settings';
import type { ApproverPolicy, CallerIdentity, Page } from '../types';
import {
  validateApproverPolicyInput,
  validateApproverPolicyUpdateInput,
  type ApproverPolicyUpdateInput,
  type ApproverTargetInput,
} from './approver-policy-input';
import type { DeletePoliciesInput, DeletePoliciesResult } from './eligibility-policies';
import {
  APPROVER_GROUP_ID_SHAPE,
  TARGET_ID_SHAPE,
  accountRefs,
  groupRefs,
  nextUpdatedAt,
  ouRefs,
  parseId,
  parseIds,
  writeAll,
} from './policy-names';

/** What an admin sends to create approver policies: target ids (accounts, OUs, root) and group ids. */
export interface CreateApproverPoliciesInput {
  targets: string[];
  approverGroupIds: string[];
  ticketNo?: string | null;
}

/** What an admin sends to edit one approver policy (its target stays). */
export interface UpdateApproverPolicyInput {
  id: string;
  approverGroupIds: string[];
  ticketNo?: string | null;
  /** The policy's updatedAt as the admin read it: the write fails (Conflict) if it changed since. */
  expectedUpdatedAt?: string | null;
}

/** The input field the validated approver groups come from. */
const GROUPS_INPUT_FIELDS = { approverGroups: 'approverGroupIds' };

type PolicyDeps = Pick<
  CoreDeps,
  'policies' | 'settings' | 'directory' | 'organization' | 'clock' | 'fallback'
>;

/** Every approver policy, by target name (admins). */
export function makeListApproverPolicies(
  deps: Pick<CoreDeps, 'policies'>,
): (caller: CallerIdentity, page?: PageInput) => Promise<Page<ApproverPolicy>> {
  return async (caller, page) => {
    authorize('listApproverPolicies', caller);
    return deps.policies.listApproverPolicies(clampPage(page));
  };
}

/** Targets with their type (from the id's shape) and name (from Organizations). */
async function targetsWithNames(deps: PolicyDeps, value: unknown): Promise<ApproverTargetInput[]> {
  const ids = parseIds(value, 'targets', TARGET_ID_SHAPE);
  const accountIds = ids.filter((id) => ACCOUNT_ID.test(id));
  const ouIds = ids.filter((id) => !ACCOUNT_ID.test(id));
  const [accounts, ous] = await Promise.all([
    accountRefs(deps, accountIds, 'targets', true),
    ouRefs(deps, ouIds, 'targets'),
  ]);
  const names = new Map([...accounts, ...ous].map((t) => [t.id, t.name]));
  return ids.map((id) => ({ id, type: ACCOUNT_ID.test(id) ? 'ACCOUNT' : 'OU', name: names.get(id) ?? id }));
}

function toPolicy(
  target: ApproverTargetInput,
  groups: ApproverPolicyUpdateInput,
  updatedAt: string,
  updatedBy: string,
): ApproverPolicy {
  const policy: ApproverPolicy = {
    id: target.id,
    targetType: target.type,
    targetName: target.name,
    approverGroups: groups.approverGroups,
    updatedAt,
    updatedBy,
  };
  if (groups.ticketNo !== undefined) policy.ticketNo = groups.ticketNo;
  return policy;
}

/**
 * Creates one approver policy per account, OU or root, each with all the chosen groups
 * (admins). All or nothing: everything is validated and every existing policy reported (as a
 * ConflictError naming the targets) before anything is written.
 */
export function makeCreateApproverPolicies(
  deps: PolicyDeps,
): (caller: CallerIdentity, input: CreateApproverPoliciesInput) => Promise<ApproverPolicy[]> {
  return async (caller, input) => {
    authorize('createApproverPolicies', caller);
    const settings = await loadSettings(deps);
    const groupIds = parseIds(input.approverGroupIds, 'approverGroupIds', APPROVER_GROUP_ID_SHAPE);
    const [targets, approverGroups] = await Promise.all([
      targetsWithNames(deps, input.targets),
      groupRefs(deps, groupIds, 'approverGroupIds'),
    ]);
    const valid = withInputFields(
      () => validateApproverPolicyInput({ targets, approverGroups, ticketNo: input.ticketNo }, settings),
      GROUPS_INPUT_FIELDS,
    );

    const existing = (
      await Promise.all(valid.targets.map((t) => deps.policies.getApproverPolicy(t.id)))
    ).filter((p): p is ApproverPolicy => p !== undefined);
    if (existing.length > 0) {
      const names = existing.map((p) => `${p.targetName} (${p.id})`).join(', ');
      throw new ConflictError(
        `${names} already ${existing.length === 1 ? 'has an approver policy' : 'have approver policies'}; edit ${existing.length === 1 ? 'it' : 'them'} instead. Nothing was created.`,
      );
    }

    const at = nextUpdatedAt(deps.clock.now());
    const policies = valid.targets.map((t) => toPolicy(t, valid, at, caller.userName));
    await writeAll(
      policies,
      (p) => deps.policies.putApproverPolicy(p),
      (p) => deps.policies.deleteApproverPolicy(p.id),
    );
    return policies;
  };
}

/**
 * Replaces the groups and ticket number of one approver policy (admins); its target stays.
 * Conditional on the policy's updatedAt as the admin read it.
 */
export function makeUpdateApproverPolicy(
  deps: PolicyDeps,
): (caller: CallerIdentity, input: UpdateApproverPolicyInput) => Promise<ApproverPolicy> {
  return async (caller, input) => {
    authorize('updateApproverPolicy', caller);
    const current = await deps.policies.getApproverPolicy(parseId(input.id, 'id', TARGET_ID_SHAPE));
    if (current === undefined) throw new NotFoundError('This approver policy does not exist.');
    const expected = input.expectedUpdatedAt ?? current.updatedAt;
    if (expected !== current.updatedAt) {
      throw new ConflictError(
        `The approver policy of ${current.targetName} was changed by someone else; reload it and try again.`,
      );
    }
    const settings = await loadSettings(deps);
    const groupIds = parseIds(input.approverGroupIds, 'approverGroupIds', APPROVER_GROUP_ID_SHAPE);
    const approverGroups = await groupRefs(deps, groupIds, 'approverGroupIds');
    const valid = withInputFields(
      () => validateApproverPolicyUpdateInput({ approverGroups, ticketNo: input.ticketNo }, settings),
      GROUPS_INPUT_FIELDS,
    );
    const target: ApproverTargetInput = {
      id: current.id,
      type: current.targetType,
      name: current.targetName,
    };
    const next = toPolicy(target, valid, nextUpdatedAt(deps.clock.now(), current.updatedAt), caller.userName);
    await deps.policies.putApproverPolicy(next, expected);
    return next;
  };
}

/** Deletes approver policies by account, OU or root id (admins); every id is checked first. */
export function makeDeleteApproverPolicies(
  deps: Pick<CoreDeps, 'policies'>,
): (caller: CallerIdentity, input: DeletePoliciesInput) => Promise<DeletePoliciesResult> {
  return async (caller, input) => {
    authorize('deleteApproverPolicies', caller);
    const ids = parseIds(input.ids, 'ids', TARGET_ID_SHAPE);
    const existing = await Promise.all(ids.map((id) => deps.policies.getApproverPolicy(id)));
    const deletedIds: string[] = [];
    for (const policy of existing) {
      if (policy === undefined) continue;
      await deps.policies.deleteApproverPolicy(policy.id);
      deletedIds.push(policy.id);
    }
    return { deletedIds };
  };
}
