/** Who would approve a request, shown on the request form before it is submitted. */
import { z } from 'zod';
import { authorize } from '../authorization';
import { NotEligibleError } from '../errors';
import { accountId, parseInput, permissionSetArn } from '../input-fields';
import type { ApproverCandidate, ResolvedStage } from '../policies/approvers';
import type { CoreDeps } from '../ports';
import { loadSettings } from '../settings/settings';
import type { CallerIdentity } from '../types';
import { approversOf, eligibilityOf } from './create-request';

export interface RequestApproversInput {
  accountId: string;
  permissionSetArn: string;
}

export interface RequestApproversView {
  /** Whether the request would wait for approval at all. */
  approvalRequired: boolean;
  /** Everyone but the caller who could approve it, with the groups they come from. */
  approvers: ApproverCandidate[];
  /** The stages the request would go through, in order. */
  stages: ResolvedStage[];
}

const inputSchema = z.object({ accountId: accountId(), permissionSetArn: permissionSetArn() });

/**
 * The approvers a request for the account and permission set would list, resolved exactly as
 * createRequest resolves them (live group membership, the account's live parent), so the form
 * shows what the request will say. Only for what the caller may request (NotEligibleError
 * otherwise): it reveals who approves, nothing about accounts the caller cannot see.
 */
export function makeGetRequestApprovers(
  deps: Pick<CoreDeps, 'policies' | 'settings' | 'directory' | 'organization' | 'fallback'>,
): (caller: CallerIdentity, input: RequestApproversInput) => Promise<RequestApproversView> {
  return async (caller, input) => {
    authorize('getRequestFormOptions', caller);
    const wanted = parseInput(inputSchema, input, 'The account and permission set');
    const settings = await loadSettings(deps);
    const found = await eligibilityOf(deps, caller.userId, settings, wanted);
    if (found === undefined) {
      throw new NotEligibleError(
        `You are not eligible to request this permission set in account ${wanted.accountId}.`,
      );
    }
    const resolved = await approversOf(deps, caller.userId, found);
    return {
      approvalRequired: found.permissionSet.approvalRequired,
      approvers: resolved.approvers,
      stages: resolved.stages,
    };
  };
}
