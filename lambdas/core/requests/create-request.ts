/** Creating a request: everything about it derived on the server, nothing trusted from the client. */
import { actorOf, auditEventId } from '../audit';
import { authorize } from '../authorization';
import { NotEligibleError, NotFoundError } from '../errors';
import {
  approverActor,
  requireApprovers,
  resolveApprovers,
  type ResolvedApprovers,
} from '../policies/approvers';
import { resolveAccountEligibility, type AccountEligibility } from '../policies/eligibility';
import type { CoreDeps } from '../ports';
import { loadSettings } from '../settings/settings';
import type {
  AccessRequest,
  ApprovalStage,
  AuditEvent,
  CallerIdentity,
  EligibilityPolicy,
  ParentRef,
  PermissionSetInfo,
  Settings,
} from '../types';
import { approvalTimersFor } from './approval-timers';
import { validateCreateRequest } from './create-request-input';

const HOUR_MS = 3_600_000;

/**
 * Creates an access request for the caller: validates the input, checks eligibility for the
 * account and permission set with live group membership (NotEligibleError), the duration against
 * the matching policies' maximum (ValidationError on `durationHours`), resolves the approvers
 * (NoApproverError when approval is required and nobody but the requester could approve), and
 * stores the request as `pending` with its `created` event. Nothing the client sends about the
 * requester, names, approvers or approval is trusted: all of it is derived here.
 */
export function makeCreateRequest(
  deps: Pick<
    CoreDeps,
    'requests' | 'policies' | 'settings' | 'directory' | 'organization' | 'clock' | 'ids' | 'fallback'
  >,
): (caller: CallerIdentity, input: unknown) => Promise<AccessRequest> {
  return async (caller, input) => {
    authorize('createRequest', caller);
    const now = deps.clock.now();
    const settings = await loadSettings(deps);
    // Formats first, so nothing below runs on malformed ids.
    const shaped = validateCreateRequest(input, { now, settings });

    const found = await eligibilityOf(deps, caller.userId, settings, shaped);
    if (found === undefined) {
      throw new NotEligibleError(
        `You are not eligible to request this permission set in account ${shaped.accountId}; ask an administrator for an eligibility policy.`,
      );
    }
    const { account, permissionSet: eligibility } = found;
    const valid = validateCreateRequest(input, {
      now,
      settings,
      maxDurationHours: eligibility.maxDurationHours,
      approvalRequired: eligibility.approvalRequired,
    });

    const [resolved, permissionSetInfo] = await Promise.all([
      approversOf(deps, caller.userId, found),
      deps.directory.getPermissionSet(valid.permissionSetArn),
    ]);
    requirePermissionSet(permissionSetInfo, found);
    if (eligibility.approvalRequired) requireApprovers(resolved, account);

    const request = newRequestOf(deps, caller, found, resolved, permissionSetInfo, now, valid);
    if (valid.ticketNo !== undefined) request.ticketNo = valid.ticketNo;
    if (eligibility.approvalRequired) {
      request.expiresAt = new Date(now.getTime() + settings.expiryHours * HOUR_MS).toISOString();
      const stages = resolved.stages.map((stage) => {
        const fixed: ApprovalStage = {
          approverIds: stage.approvers.map((approver) => approver.id),
          required: stage.required,
        };
        if (stage.name !== undefined) fixed.name = stage.name;
        return fixed;
      });
      // One unnamed stage of one approval is what a request without stages means (stagesOf).
      const plain = stages.length === 1 && stages[0]?.required === 1 && stages[0].name === undefined;
      if (!plain) request.approvalStages = stages;
      const timers = approvalTimersFor(resolved.timers, settings);
      if (timers !== undefined) request.approvalTimers = timers;
    }
    const maxTotalHours = eligibility.maxTotalHours ?? eligibility.maxDurationHours;
    if (maxTotalHours > valid.durationHours) {
      request.extensionRules = {
        maxTotalHours,
        approvalRequired: eligibility.extensionApprovalRequired ?? true,
      };
    }

    const at = now.toISOString();
    const event: AuditEvent = {
      requestId: request.id,
      id: auditEventId(at, request.version),
      at,
      action: 'created',
      actor: request.requester,
      toStatus: 'pending',
    };
    await deps.requests.create(request, event);
    return request;
  };
}

type EligibilityDeps = Pick<CoreDeps, 'policies' | 'directory' | 'organization'>;

/** Refuses a permission set a policy still names but that was deleted: nothing could be granted. */
export function requirePermissionSet(
  info: PermissionSetInfo | undefined,
  found: AccountEligibility,
): asserts info is PermissionSetInfo {
  if (info === undefined) {
    throw new NotEligibleError(
      `Permission set ${found.permissionSet.name} no longer exists; ask an administrator to update the eligibility policy.`,
    );
  }
}

/**
 * A new pending request for the caller and the eligible pair, with its approvers; whatever
 * depends on how it is asked for (approval, expiry, stages, break-glass) the caller adds.
 */
export function newRequestOf(
  deps: Pick<CoreDeps, 'ids'>,
  caller: CallerIdentity,
  found: AccountEligibility,
  resolved: Pick<ResolvedApprovers, 'approvers'>,
  permissionSetInfo: PermissionSetInfo,
  now: Date,
  asked: { startTime: string; durationHours: number; justification: string },
): AccessRequest {
  const at = now.toISOString();
  const request: AccessRequest = {
    id: deps.ids.newId(),
    requester: actorOf(caller),
    accountId: found.account.id,
    accountName: found.account.name,
    permissionSetArn: found.permissionSet.arn,
    permissionSetName: found.permissionSet.name,
    startTime: asked.startTime,
    durationHours: asked.durationHours,
    justification: asked.justification,
    status: 'pending',
    approvalRequired: found.permissionSet.approvalRequired,
    approvers: resolved.approvers.map(approverActor),
    createdAt: at,
    updatedAt: at,
    version: 1,
  };
  if (permissionSetInfo.sessionDuration) request.sessionDuration = permissionSetInfo.sessionDuration;
  return request;
}

/** Who could approve `userId`'s request for the eligible pair (the requester never among them). */
export function approversOf(
  deps: EligibilityDeps,
  userId: string,
  found: AccountEligibility,
): Promise<ResolvedApprovers> {
  return resolveApprovers({
    accountId: found.account.id,
    permissionSetArn: found.permissionSet.arn,
    requesterId: userId,
    // Eligibility has just read it live: asking Organizations again would only cost a call.
    parent: found.parent,
    ancestorsOf: (ouId) => deps.organization.ancestorsOf(ouId),
    approverPoliciesOf: (ids) => deps.policies.approverPoliciesOf(ids),
    membersOfGroup: (id) => deps.directory.membersOfGroup(id),
    getUser: (id) => deps.directory.getUser(id),
  });
}

/**
 * Whether `userId` may request the permission set in the account, with group membership read
 * live from the directory (never from the token, which may be an hour old), and the account's
 * parent as Organizations reports it now.
 */
export async function eligibilityOf(
  deps: EligibilityDeps,
  userId: string,
  settings: Settings,
  wanted: { accountId: string; permissionSetArn: string },
): Promise<AccountEligibility | undefined> {
  const groupIds = await deps.directory.groupIdsOfUser(userId);
  const policies = await deps.policies.eligibilitiesOf([userId, ...groupIds]);
  // Nothing grants this permission set: no need to ask Organizations anything.
  const grantsIt = (p: EligibilityPolicy) =>
    p.permissionSets.some((s) => s.arn === wanted.permissionSetArn) ||
    p.pairs.some((pair) => pair.permissionSet.arn === wanted.permissionSetArn);
  if (!policies.some(grantsIt)) return undefined;
  const managementAccountId = await deps.organization.managementAccountId();
  return resolveAccountEligibility({
    accountId: wanted.accountId,
    permissionSetArn: wanted.permissionSetArn,
    policies,
    settings,
    managementAccountId,
    excludedPermissionSetArns: () => deps.directory.permissionSetsProvisionedTo(managementAccountId),
    parentOf: (accountId) => liveParentOf(deps, accountId),
    accountsInOu: (ouId) => deps.organization.accountsInOu(ouId),
    ancestorsOf: (ouId) => deps.organization.ancestorsOf(ouId),
  });
}

/** The account's parent, or undefined when the account is not in the organization. */
async function liveParentOf(
  deps: Pick<CoreDeps, 'organization'>,
  accountId: string,
): Promise<ParentRef | undefined> {
  try {
    return await deps.organization.parentOf(accountId);
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
