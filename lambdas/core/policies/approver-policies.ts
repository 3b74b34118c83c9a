/** Approver policies (admins): list, create, edit, delete. */
import { ACCOUNT_ID } from '../../contract/patterns';
import { authorize } from '../authorization';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { withInputFields } from '../input-fields';
import { clampPage, type PageInput } from '../paging';
import type { CoreDeps } from '../ports';
import { loadSettings } from '../settings/settings';
import type { ApproverPolicy, CallerIdentity, Page, PermissionSetRef } from '../types';
import {
  validateApproverPolicyInput,
  validateApproverPolicyUpdateInput,
  type ApproverPolicyUpdateInput,
  type ApproverTargetInput,
  MAX_NEXT_STAGES,
} from './approver-policy-input';
import type { DeletePoliciesInput, DeletePoliciesResult } from './eligibility-policies';
import { approverPolicyId, isApproverPolicyId } from './policy-ids';
import {
  APPROVER_GROUP_ID_SHAPE,
  APPROVER_USER_ID_SHAPE,
  ESCALATION_GROUP_ID_SHAPE,
  PERMISSION_SET_ARN_SHAPE,
  TARGET_ID_SHAPE,
  accountRefs,
  groupRefs,
  nextUpdatedAt,
  ouRefs,
  parseId,
  parseIds,
  permissionSetRefs,
  userRefs,
  writeAll,
  type IdShape,
} from './policy-names';

/** What an admin sends to create approver policies: target ids (accounts, OUs, root) and approver ids. */
export interface CreateApproverPoliciesInput {
  targets: string[];
  /** Scope the policies to these permission sets (none: every permission set). */
  permissionSetArns?: string[] | null;
  /** OU and root policies also cover accounts in nested OUs (ignored for accounts). */
  includeNestedOus?: boolean | null;
  approverGroupIds?: string[] | null;
  approverUserIds?: string[] | null;
  also?: boolean | null;
  /** Approvals the groups and users above must give (1–10, default 1). */
  approvalsRequired?: number | null;
  stageName?: string | null;
  /** Stages after the first (at most 5). */
  nextStages?: ApprovalStageRuleIdsInput[] | null;
  /** 1–10080 minutes (default: the settings). */
  remindAfterMinutes?: number | null;
  /** 1–10080 minutes, after the reminder (default: the settings). */
  escalateAfterMinutes?: number | null;
  escalationGroupIds?: string[] | null;
  ticketNo?: string | null;
}

/** A stage after the first, by ids. */
export interface ApprovalStageRuleIdsInput {
  name: string;
  approverGroupIds?: string[] | null;
  approverUserIds?: string[] | null;
  approvalsRequired?: number | null;
}

/** What an admin sends to edit one approver policy (its target and scope stay). */
export interface UpdateApproverPolicyInput {
  id: string;
  includeNestedOus?: boolean | null;
  approverGroupIds?: string[] | null;
  approverUserIds?: string[] | null;
  also?: boolean | null;
  approvalsRequired?: number | null;
  stageName?: string | null;
  nextStages?: ApprovalStageRuleIdsInput[] | null;
  remindAfterMinutes?: number | null;
  escalateAfterMinutes?: number | null;
  escalationGroupIds?: string[] | null;
  ticketNo?: string | null;
  /** The policy's updatedAt as the admin read it: the write fails (Conflict) if it changed since. */
  expectedUpdatedAt?: string | null;
}

/** The input field the validated approvers and scope come from. */
const GROUPS_INPUT_FIELDS = {
  approverGroups: 'approverGroupIds',
  approverUsers: 'approverUserIds',
  permissionSets: 'permissionSetArns',
  escalationGroups: 'escalationGroupIds',
};

/** Runs a validator and names its failing field as the input does, inside next stages too. */
function withApproverInputFields<T>(validate: () => T): T {
  return withInputFields(() => {
    try {
      return validate();
    } catch (error) {
      const parts = error instanceof ValidationError ? (error.field?.split('.') ?? []) : [];
      const [root, index, leaf, ...rest] = parts;
      const renamed =
        leaf === 'approverGroups'
          ? 'approverGroupIds'
          : leaf === 'approverUsers'
            ? 'approverUserIds'
            : undefined;
      if (
        !(error instanceof ValidationError) ||
        root !== 'nextStages' ||
        index === undefined ||
        renamed === undefined
      )
        throw error;
      throw new ValidationError(error.message, [root, index, renamed, ...rest].join('.'));
    }
  }, GROUPS_INPUT_FIELDS);
}

/** Policy ids from the client: a target id, optionally `#` and the permission set ids of its scope. */
const POLICY_ID_SHAPE: IdShape = {
  label: 'Approver policy id',
  pattern: { test: isApproverPolicyId },
  description:
    'an approver policy id (an account, OU or root id, optionally followed by # and permission set ids)',
};

/** The approver groups and users an admin picked, with their names. */
async function approversWithNames(
  deps: PolicyDeps,
  input: { approverGroupIds?: unknown; approverUserIds?: unknown },
  field = '',
) {
  const groupIds = parseIds(input.approverGroupIds, `${field}approverGroupIds`, APPROVER_GROUP_ID_SHAPE);
  const userIds = parseIds(input.approverUserIds, `${field}approverUserIds`, APPROVER_USER_ID_SHAPE);
  const [approverGroups, approverUsers] = await Promise.all([
    groupRefs(deps, groupIds, `${field}approverGroupIds`),
    userRefs(deps, userIds, `${field}approverUserIds`),
  ]);
  return { approverGroups, approverUsers };
}

/** The next stages an admin described, each group and user named (the validator checks the rest). */
async function nextStagesWithNames(deps: PolicyDeps, value: unknown): Promise<unknown> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ValidationError('Next stages must be a list.', 'nextStages');
  if (value.length > MAX_NEXT_STAGES) {
    throw new ValidationError(`Next stages: at most ${MAX_NEXT_STAGES}.`, 'nextStages');
  }
  return Promise.all(
    value.map(async (raw: unknown, index) => {
      if (typeof raw !== 'object' || raw === null) {
        throw new ValidationError(
          `Each next stage must be an object (item ${index + 1}).`,
          `nextStages.${index}`,
        );
      }
      const field = (name: string): unknown => Reflect.get(raw, name);
      const approvers = await approversWithNames(
        deps,
        {
          approverGroupIds: field('approverGroupIds'),
          approverUserIds: field('approverUserIds'),
        },
        `nextStages.${index}.`,
      );
      return { name: field('name'), ...approvers, approvalsRequired: field('approvalsRequired') };
    }),
  );
}

/** The approval rules of a policy, with every group and user named. */
async function rulesWithNames(
  deps: PolicyDeps,
  input: CreateApproverPoliciesInput | UpdateApproverPolicyInput,
) {
  const escalationIds = parseIds(input.escalationGroupIds, 'escalationGroupIds', ESCALATION_GROUP_ID_SHAPE);
  const [approvers, nextStages, escalationGroups] = await Promise.all([
    approversWithNames(deps, input),
    nextStagesWithNames(deps, input.nextStages),
    groupRefs(deps, escalationIds, 'escalationGroupIds'),
  ]);
  return {
    ...approvers,
    approvalsRequired: input.approvalsRequired,
    stageName: input.stageName,
    nextStages,
    remindAfterMinutes: input.remindAfterMinutes,
    escalateAfterMinutes: input.escalateAfterMinutes,
    escalationGroups,
  };
}

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
  permissionSets: PermissionSetRef[],
  content: ApproverPolicyUpdateInput,
  updatedAt: string,
  updatedBy: string,
): ApproverPolicy {
  const policy: ApproverPolicy = {
    id: approverPolicyId(
      target.id,
      permissionSets.map((p) => p.arn),
    ),
    targetId: target.id,
    targetType: target.type,
    targetName: target.name,
    permissionSets,
    // An account has nothing nested.
    includeNestedOus: target.type === 'OU' && content.includeNestedOus,
    approverGroups: content.approverGroups,
    approverUsers: content.approverUsers,
    also: content.also,
    approvalsRequired: content.approvalsRequired,
    nextStages: content.nextStages,
    escalationGroups: content.escalationGroups,
    updatedAt,
    updatedBy,
  };
  if (content.stageName !== undefined) policy.stageName = content.stageName;
  if (content.remindAfterMinutes !== undefined) policy.remindAfterMinutes = content.remindAfterMinutes;
  if (content.escalateAfterMinutes !== undefined) policy.escalateAfterMinutes = content.escalateAfterMinutes;
  if (content.ticketNo !== undefined) policy.ticketNo = content.ticketNo;
  return policy;
}

/** How a policy is named in messages: its target, and its scope when it has one. */
function describe(policy: ApproverPolicy): string {
  const scope = policy.permissionSets.map((p) => p.name).join(', ');
  return scope === ''
    ? `${policy.targetName} (${policy.targetId})`
    : `${policy.targetName} (${policy.targetId}) for ${scope}`;
}

/**
 * Creates one approver policy per account, OU or root, each with the same scope and all the
 * chosen groups and users (admins). All or nothing: everything is validated and every existing
 * policy of the same target and scope reported (as a ConflictError naming them) before anything
 * is written.
 */
export function makeCreateApproverPolicies(
  deps: PolicyDeps,
): (caller: CallerIdentity, input: CreateApproverPoliciesInput) => Promise<ApproverPolicy[]> {
  return async (caller, input) => {
    authorize('createApproverPolicies', caller);
    const settings = await loadSettings(deps);
    const arns = parseIds(input.permissionSetArns, 'permissionSetArns', PERMISSION_SET_ARN_SHAPE);
    const [targets, approvers, permissionSets] = await Promise.all([
      targetsWithNames(deps, input.targets),
      rulesWithNames(deps, input),
      permissionSetRefs(deps, arns, 'permissionSetArns', { allowManagement: true }),
    ]);
    const valid = withApproverInputFields(() =>
      validateApproverPolicyInput(
        {
          targets,
          permissionSets,
          includeNestedOus: input.includeNestedOus ?? false,
          ...approvers,
          also: input.also ?? false,
          ticketNo: input.ticketNo,
        },
        settings,
      ),
    );

    const at = nextUpdatedAt(deps.clock.now());
    const policies = valid.targets.map((t) => toPolicy(t, valid.permissionSets, valid, at, caller.userName));
    const existing = (await Promise.all(policies.map((p) => deps.policies.getApproverPolicy(p.id)))).filter(
      (p): p is ApproverPolicy => p !== undefined,
    );
    if (existing.length > 0) {
      const names = existing.map(describe).join(', ');
      throw new ConflictError(
        `${names} already ${existing.length === 1 ? 'has an approver policy' : 'have approver policies'}; edit ${existing.length === 1 ? 'it' : 'them'} instead. Nothing was created.`,
      );
    }

    await writeAll(
      policies,
      (p) => deps.policies.putApproverPolicy(p),
      (p) => deps.policies.deleteApproverPolicy(p.id),
    );
    return policies;
  };
}

/**
 * Replaces the approvers, flags and ticket number of one approver policy (admins); its target
 * and scope stay. Conditional on the policy's updatedAt as the admin read it.
 */
export function makeUpdateApproverPolicy(
  deps: PolicyDeps,
): (caller: CallerIdentity, input: UpdateApproverPolicyInput) => Promise<ApproverPolicy> {
  return async (caller, input) => {
    authorize('updateApproverPolicy', caller);
    const current = await deps.policies.getApproverPolicy(parseId(input.id, 'id', POLICY_ID_SHAPE));
    if (current === undefined) throw new NotFoundError('This approver policy does not exist.');
    const expected = input.expectedUpdatedAt ?? current.updatedAt;
    if (expected !== current.updatedAt) {
      throw new ConflictError(
        `The approver policy of ${describe(current)} was changed by someone else; reload it and try again.`,
      );
    }
    const settings = await loadSettings(deps);
    const approvers = await rulesWithNames(deps, input);
    const valid = withApproverInputFields(() =>
      validateApproverPolicyUpdateInput(
        {
          includeNestedOus: input.includeNestedOus ?? false,
          ...approvers,
          also: input.also ?? false,
          ticketNo: input.ticketNo,
        },
        settings,
      ),
    );
    const target: ApproverTargetInput = {
      id: current.targetId,
      type: current.targetType,
      name: current.targetName,
    };
    const next = toPolicy(
      target,
      current.permissionSets,
      valid,
      nextUpdatedAt(deps.clock.now(), current.updatedAt),
      caller.userName,
    );
    await deps.policies.putApproverPolicy(next, expected);
    return next;
  };
}

/** Deletes approver policies by policy id (admins); every id is checked first. */
export function makeDeleteApproverPolicies(
  deps: Pick<CoreDeps, 'policies'>,
): (caller: CallerIdentity, input: DeletePoliciesInput) => Promise<DeletePoliciesResult> {
  return async (caller, input) => {
    authorize('deleteApproverPolicies', caller);
    const ids = parseIds(input.ids, 'ids', POLICY_ID_SHAPE);
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
