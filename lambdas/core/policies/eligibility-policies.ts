/** Eligibility policies (admins): list, create, edit, delete. */
import { MAX_LIST_ITEMS } from '../../contract/patterns';
import { authorize } from '../authorization';
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import { withInputFields } from '../input-fields';
import { clampPage, type PageInput } from '../paging';
import type { CoreDeps } from '../ports';
import { loadSettings } from '../settings/settings';
import type { AccountPermissionSetPair, CallerIdentity, EligibilityPolicy, Page } from '../types';
import {
  validateEligibilityPolicyInput,
  validateEligibilityPolicyUpdateInput,
  type EligibilityPolicyUpdateInput,
  type PrincipalInput,
} from './eligibility-policy-input';
import { DEFAULT_POLICY_NAME, eligibilityPolicyId, isEligibilityPolicyId } from './policy-ids';
import {
  ACCOUNT_ID_SHAPE,
  IDC_ID_SHAPE,
  type IdShape,
  OU_ID_SHAPE,
  PERMISSION_SET_ARN_SHAPE,
  accountRefs,
  nextUpdatedAt,
  ouRefs,
  parseId,
  parseIds,
  permissionSetRefs,
  writeAll,
} from './policy-names';

/** An explicit (account, permission set) pair, by ids. */
export interface PairIdsInput {
  accountId: string;
  permissionSetArn: string;
}

/** What an admin sends to create eligibility policies: ids only, the server finds the names. */
export interface CreateEligibilityPoliciesInput {
  principals: { id: string; type: 'USER' | 'GROUP' }[];
  /** The policy's name among each principal's policies (default `default`). */
  name?: string | null;
  accountIds?: string[] | null;
  ouIds?: string[] | null;
  includeNestedOus?: boolean | null;
  permissionSetArns?: string[] | null;
  pairs?: PairIdsInput[] | null;
  maxDurationHours: number;
  approvalRequired: boolean;
  /** maxDurationHours–8000 (default maxDurationHours: no extensions). */
  maxTotalHours?: number | null;
  /** Default true. */
  extensionApprovalRequired?: boolean | null;
  /** Default false. */
  breakGlass?: boolean | null;
  /** 1–24 (default 1). */
  breakGlassMaxHours?: number | null;
  ticketNo?: string | null;
}

/** What an admin sends to edit one eligibility policy (its principal and name stay). */
export interface UpdateEligibilityPolicyInput {
  id: string;
  accountIds?: string[] | null;
  ouIds?: string[] | null;
  includeNestedOus?: boolean | null;
  permissionSetArns?: string[] | null;
  pairs?: PairIdsInput[] | null;
  maxDurationHours: number;
  approvalRequired: boolean;
  maxTotalHours?: number | null;
  extensionApprovalRequired?: boolean | null;
  breakGlass?: boolean | null;
  breakGlassMaxHours?: number | null;
  ticketNo?: string | null;
  /** The policy's updatedAt as the admin read it: the write fails (Conflict) if it changed since. */
  expectedUpdatedAt?: string | null;
}

/** Ids of policies to delete. */
export interface DeletePoliciesInput {
  ids: string[];
}

/** Ids of the policies removed (ids that had no policy are left out). */
export interface DeletePoliciesResult {
  deletedIds: string[];
}

/** The input field each part of a validated scope comes from. */
const SCOPE_INPUT_FIELDS = { accounts: 'accountIds', ous: 'ouIds', permissionSets: 'permissionSetArns' };

/** Policy ids from the client: a user or group id, optionally `#` and the policy's name. */
const POLICY_ID_SHAPE: IdShape = {
  label: 'Eligibility policy id',
  pattern: { test: isEligibilityPolicyId },
  description: 'an eligibility policy id (a user or group id, optionally followed by # and the policy name)',
};

type PolicyDeps = Pick<
  CoreDeps,
  'policies' | 'settings' | 'directory' | 'organization' | 'clock' | 'fallback'
>;

/** Every eligibility policy, by principal name (admins). */
export function makeListEligibilityPolicies(
  deps: Pick<CoreDeps, 'policies'>,
): (caller: CallerIdentity, page?: PageInput) => Promise<Page<EligibilityPolicy>> {
  return async (caller, page) => {
    authorize('listEligibilityPolicies', caller);
    return deps.policies.listEligibilities(clampPage(page));
  };
}

async function principalsWithNames(deps: PolicyDeps, value: unknown): Promise<PrincipalInput[]> {
  if (!Array.isArray(value)) throw new ValidationError('Users and groups must be a list.', 'principals');
  if (value.length > MAX_LIST_ITEMS) {
    throw new ValidationError(`Users and groups: at most ${MAX_LIST_ITEMS} items.`, 'principals');
  }
  const shaped = value.map((raw: unknown, index) => {
    const id = typeof raw === 'object' && raw !== null ? Reflect.get(raw, 'id') : undefined;
    const type = typeof raw === 'object' && raw !== null ? Reflect.get(raw, 'type') : undefined;
    const checkedId = parseId(id, `principals.${index}.id`, IDC_ID_SHAPE);
    if (type !== 'USER' && type !== 'GROUP') {
      throw new ValidationError(
        `Principal type must be USER or GROUP (item ${index + 1}).`,
        `principals.${index}.type`,
      );
    }
    return { id: checkedId, type } as const;
  });
  const groups = shaped.some((p) => p.type === 'GROUP') ? await deps.directory.listGroups() : [];
  return Promise.all(
    shaped.map(async (p, index): Promise<PrincipalInput> => {
      const name =
        p.type === 'GROUP'
          ? groups.find((g) => g.id === p.id)?.name
          : (await deps.directory.getUser(p.id))?.userName;
      if (name === undefined) {
        throw new ValidationError(
          `${p.type === 'GROUP' ? 'Group' : 'User'} ${p.id} does not exist.`,
          `principals.${index}.id`,
        );
      }
      return { ...p, name };
    }),
  );
}

/** Explicit pairs from the client: each account and permission set checked and named. */
async function pairsWithNames(deps: PolicyDeps, value: unknown): Promise<AccountPermissionSetPair[]> {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new ValidationError('Pairs must be a list.', 'pairs');
  if (value.length > MAX_LIST_ITEMS) {
    throw new ValidationError(`Pairs: at most ${MAX_LIST_ITEMS} items.`, 'pairs');
  }
  const shaped = value.map((raw: unknown, index) => {
    const field = (name: string) =>
      typeof raw === 'object' && raw !== null ? Reflect.get(raw, name) : undefined;
    return {
      accountId: parseId(field('accountId'), `pairs.${index}.accountId`, ACCOUNT_ID_SHAPE),
      permissionSetArn: parseId(
        field('permissionSetArn'),
        `pairs.${index}.permissionSetArn`,
        PERMISSION_SET_ARN_SHAPE,
      ),
    };
  });
  const [accounts, permissionSets] = await Promise.all([
    accountRefs(deps, [...new Set(shaped.map((p) => p.accountId))], 'pairs', false),
    permissionSetRefs(deps, [...new Set(shaped.map((p) => p.permissionSetArn))], 'pairs'),
  ]);
  const accountById = new Map(accounts.map((a) => [a.id, a]));
  const permissionSetByArn = new Map(permissionSets.map((p) => [p.arn, p]));
  return shaped.flatMap((pair) => {
    const account = accountById.get(pair.accountId);
    const permissionSet = permissionSetByArn.get(pair.permissionSetArn);
    return account && permissionSet ? [{ account, permissionSet }] : [];
  });
}

/** The duration, approval, extension and break-glass fields as the client sent them. */
function limitsOf(input: CreateEligibilityPoliciesInput | UpdateEligibilityPolicyInput) {
  return {
    maxDurationHours: input.maxDurationHours,
    approvalRequired: input.approvalRequired,
    maxTotalHours: input.maxTotalHours,
    extensionApprovalRequired: input.extensionApprovalRequired,
    breakGlass: input.breakGlass,
    breakGlassMaxHours: input.breakGlassMaxHours,
  };
}

type ScopeIds = Pick<
  CreateEligibilityPoliciesInput,
  'accountIds' | 'ouIds' | 'includeNestedOus' | 'permissionSetArns' | 'pairs'
>;

/** The scope of a policy with every name resolved from the ids. */
async function scopeWithNames(deps: PolicyDeps, input: ScopeIds) {
  const accountIds = parseIds(input.accountIds, 'accountIds', ACCOUNT_ID_SHAPE);
  const ouIds = parseIds(input.ouIds, 'ouIds', OU_ID_SHAPE);
  const arns = parseIds(input.permissionSetArns, 'permissionSetArns', PERMISSION_SET_ARN_SHAPE);
  const [accounts, ous, permissionSets, pairs] = await Promise.all([
    accountRefs(deps, accountIds, 'accountIds', false),
    ouRefs(deps, ouIds, 'ouIds'),
    permissionSetRefs(deps, arns, 'permissionSetArns'),
    pairsWithNames(deps, input.pairs),
  ]);
  return { accounts, ous, includeNestedOus: input.includeNestedOus ?? false, permissionSets, pairs };
}

function toPolicy(
  principal: PrincipalInput,
  name: string,
  scope: EligibilityPolicyUpdateInput,
  updatedAt: string,
  updatedBy: string,
): EligibilityPolicy {
  const policy: EligibilityPolicy = {
    id: eligibilityPolicyId(principal.id, name),
    principalId: principal.id,
    principalType: principal.type,
    principalName: principal.name,
    name,
    accounts: scope.accounts,
    ous: scope.ous,
    includeNestedOus: scope.includeNestedOus,
    permissionSets: scope.permissionSets,
    pairs: scope.pairs,
    maxDurationHours: scope.maxDurationHours,
    approvalRequired: scope.approvalRequired,
    maxTotalHours: scope.maxTotalHours,
    extensionApprovalRequired: scope.extensionApprovalRequired,
    breakGlass: scope.breakGlass,
    breakGlassMaxHours: scope.breakGlassMaxHours,
    updatedAt,
    updatedBy,
  };
  if (scope.ticketNo !== undefined) policy.ticketNo = scope.ticketNo;
  return policy;
}

/**
 * Creates one identical policy, with the same name, per user or group (admins). All or
 * nothing: every input is validated and every name resolved before anything is written; a
 * principal that already has a policy of that name fails the whole call with a ConflictError
 * naming it. The management account and the permission sets provisioned to it are refused.
 */
export function makeCreateEligibilityPolicies(
  deps: PolicyDeps,
): (caller: CallerIdentity, input: CreateEligibilityPoliciesInput) => Promise<EligibilityPolicy[]> {
  return async (caller, input) => {
    authorize('createEligibilityPolicies', caller);
    const settings = await loadSettings(deps);
    const [principals, scope] = await Promise.all([
      principalsWithNames(deps, input.principals),
      scopeWithNames(deps, input),
    ]);
    const valid = withInputFields(
      () =>
        validateEligibilityPolicyInput(
          {
            principals,
            name: input.name ?? DEFAULT_POLICY_NAME,
            ...scope,
            ...limitsOf(input),
            ticketNo: input.ticketNo,
          },
          settings,
        ),
      SCOPE_INPUT_FIELDS,
    );

    const ids = valid.principals.map((p) => eligibilityPolicyId(p.id, valid.name));
    const existing = (await Promise.all(ids.map((id) => deps.policies.getEligibility(id)))).filter(
      (p): p is EligibilityPolicy => p !== undefined,
    );
    if (existing.length > 0) {
      const names = existing.map((p) => p.principalName).join(', ');
      throw new ConflictError(
        `${names} already ${existing.length === 1 ? 'has' : 'have'} an eligibility policy named "${existing[0]?.name ?? valid.name}"; edit it or choose another name. Nothing was created.`,
      );
    }

    const at = nextUpdatedAt(deps.clock.now());
    const policies = valid.principals.map((p) => toPolicy(p, valid.name, valid, at, caller.userName));
    await writeAll(
      policies,
      (p) => deps.policies.putEligibility(p),
      (p) => deps.policies.deleteEligibility(p.id),
    );
    return policies;
  };
}

/**
 * Replaces the scope of one eligibility policy (admins); its principal and name stay.
 * Conditional on the policy's updatedAt as the admin read it (ConflictError if someone changed
 * it since).
 */
export function makeUpdateEligibilityPolicy(
  deps: PolicyDeps,
): (caller: CallerIdentity, input: UpdateEligibilityPolicyInput) => Promise<EligibilityPolicy> {
  return async (caller, input) => {
    authorize('updateEligibilityPolicy', caller);
    const current = await deps.policies.getEligibility(parseId(input.id, 'id', POLICY_ID_SHAPE));
    if (current === undefined) throw new NotFoundError('This eligibility policy does not exist.');
    const expected = input.expectedUpdatedAt ?? current.updatedAt;
    if (expected !== current.updatedAt) {
      throw new ConflictError(
        `The eligibility policy "${current.name}" of ${current.principalName} was changed by someone else; reload it and try again.`,
      );
    }
    const settings = await loadSettings(deps);
    const scope = await scopeWithNames(deps, input);
    const valid = withInputFields(
      () =>
        validateEligibilityPolicyUpdateInput(
          {
            ...scope,
            ...limitsOf(input),
            ticketNo: input.ticketNo,
          },
          settings,
        ),
      SCOPE_INPUT_FIELDS,
    );
    const principal: PrincipalInput = {
      id: current.principalId,
      type: current.principalType,
      name: current.principalName,
    };
    const next = toPolicy(
      principal,
      current.name,
      valid,
      nextUpdatedAt(deps.clock.now(), current.updatedAt),
      caller.userName,
    );
    await deps.policies.putEligibility(next, expected);
    return next;
  };
}

/** Deletes eligibility policies by policy id (admins); every id is checked before any delete. */
export function makeDeleteEligibilityPolicies(
  deps: Pick<CoreDeps, 'policies'>,
): (caller: CallerIdentity, input: DeletePoliciesInput) => Promise<DeletePoliciesResult> {
  return async (caller, input) => {
    authorize('deleteEligibilityPolicies', caller);
    const ids = parseIds(input.ids, 'ids', POLICY_ID_SHAPE);
    const existing = await Promise.all(ids.map((id) => deps.policies.getEligibility(id)));
    const deletedIds: string[] = [];
    for (const policy of existing) {
      if (policy === undefined) continue;
      await deps.policies.deleteEligibility(policy.id);
      deletedIds.push(policy.id);
    }
    return { deletedIds };
  };
}
