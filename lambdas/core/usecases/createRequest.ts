import { requireApprovers, resolveApprovers } from '../approvers';
import { authorize } from '../authorization';
import { NotEligibleError } from '../errors';
import { validateCreateRequest } from '../validation';
import type { AccessRequest, AuditEvent, CallerIdentity } from '../types';
import { eligibleAccountsOf } from './requestForm';
import { actorOf, auditEventId, loadSettings, type CoreDeps } from './shared';

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

    const [account] = await eligibleAccountsOf(deps, caller.userId, settings, shaped.accountId);
    const eligibility = account?.permissionSets.find((p) => p.arn === shaped.permissionSetArn);
    if (account === undefined || eligibility === undefined) {
      throw new NotEligibleError(
        `You are not eligible to request this permission set in account ${shaped.accountId}; ask an administrator for an eligibility policy.`,
      );
    }
    const valid = validateCreateRequest(input, {
      now,
      settings,
      maxDurationHours: eligibility.maxDurationHours,
    });

    const [resolved, permissionSet] = await Promise.all([
      resolveApprovers({
        accountId: account.id,
        requesterId: caller.userId,
        getApproverPolicy: (id) => deps.policies.getApproverPolicy(id),
        parentOf: (id) => deps.organization.parentOf(id),
        membersOfGroup: (id) => deps.directory.membersOfGroup(id),
        getUser: (id) => deps.directory.getUser(id),
      }),
      deps.directory.getPermissionSet(valid.permissionSetArn),
    ]);
    if (eligibility.approvalRequired) requireApprovers(resolved, account);

    const at = now.toISOString();
    const request: AccessRequest = {
      id: deps.ids.newId(),
      requester: actorOf(caller),
      accountId: account.id,
      accountName: account.name,
      permissionSetArn: eligibility.arn,
      permissionSetName: eligibility.name,
      startTime: valid.startTime,
      durationHours: valid.durationHours,
      justification: valid.justification,
      status: 'pending',
      approvalRequired: eligibility.approvalRequired,
      approvers: resolved.approvers,
      createdAt: at,
      updatedAt: at,
      version: 1,
    };
    if (permissionSet?.sessionDuration) request.sessionDuration = permissionSet.sessionDuration;
    if (valid.ticketNo !== undefined) request.ticketNo = valid.ticketNo;
    if (eligibility.approvalRequired) {
      request.expiresAt = new Date(now.getTime() + settings.expiryHours * HOUR_MS).toISOString();
    }

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
