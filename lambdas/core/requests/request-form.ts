/** The request form: what the caller may request, and the settings the form needs. */
import { authorize } from '../authorization';
import { NotFoundError } from '../errors';
import { resolveEligibility } from '../policies/eligibility';
import { nestedOusOf } from '../policies/ou-index';
import type { CoreDeps } from '../ports';
import { loadSettings } from '../settings/settings';
import type { AccountRef, CallerIdentity, EligibleAccount, Settings } from '../types';

type EligibilityDeps = Pick<CoreDeps, 'policies' | 'directory' | 'organization'>;

/**
 * What `userId` may request, from their own policy and their groups' policies, with group
 * membership read live from the directory (never from the token, which may be an hour old).
 * `onlyAccountId` restricts the work to one account: an OU covers only the accounts directly
 * under it, so only the account's own parent needs expanding (one Organizations call instead of
 * one per OU in the policies).
 */
export async function eligibleAccountsOf(
  deps: EligibilityDeps,
  userId: string,
  settings: Settings,
  onlyAccountId?: string,
): Promise<EligibleAccount[]> {
  const groupIds = await deps.directory.groupIdsOfUser(userId);
  const policies = await deps.policies.eligibilitiesOf([userId, ...groupIds]);
  if (policies.length === 0) return [];

  const managementAccountId = await deps.organization.managementAccountId();
  if (onlyAccountId === managementAccountId) return [];
  const [excludedPermissionSetArns, parentId] = await Promise.all([
    deps.directory.permissionSetsProvisionedTo(managementAccountId),
    onlyAccountId === undefined ? undefined : parentIdOf(deps, onlyAccountId),
  ]);
  if (onlyAccountId !== undefined && parentId === undefined) return [];

  const expansions = new Map<string, Promise<readonly AccountRef[]>>();
  const accountsInOu = (ouId: string): Promise<readonly AccountRef[]> => {
    if (parentId !== undefined && ouId !== parentId) return Promise.resolve([]);
    let pending = expansions.get(ouId);
    if (pending === undefined) {
      pending = deps.organization.accountsInOu(ouId);
      expansions.set(ouId, pending);
    }
    return pending;
  };

  const eligible = await resolveEligibility({
    policies,
    settings,
    accountsInOu,
    nestedOusOf: (ouId) => nestedOusOf(deps, ouId),
    excludedAccountIds: [managementAccountId],
    excludedPermissionSetArns,
  });
  return onlyAccountId === undefined ? eligible : eligible.filter((a) => a.id === onlyAccountId);
}

/** The account's parent, or undefined when the account is not in the organization. */
async function parentIdOf(
  deps: Pick<CoreDeps, 'organization'>,
  accountId: string,
): Promise<string | undefined> {
  try {
    return (await deps.organization.parentOf(accountId)).id;
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}

/** What the request form offers the caller. */
export interface RequestFormOptions {
  accounts: EligibleAccount[];
  ticketRequired: boolean;
  commentsRequired: boolean;
  /** The global maximum; each permission set carries its own (never above this). */
  maxDurationHours: number;
  approvalWorkflow: boolean;
}

/**
 * The accounts and permission sets the caller may request (management account and the
 * permission sets provisioned to it excluded) and the settings the form needs.
 */
export function makeGetRequestFormOptions(
  deps: Pick<CoreDeps, 'policies' | 'directory' | 'organization' | 'settings' | 'fallback'>,
): (caller: CallerIdentity) => Promise<RequestFormOptions> {
  return async (caller) => {
    authorize('getRequestFormOptions', caller);
    const settings = await loadSettings(deps);
    const accounts = await eligibleAccountsOf(deps, caller.userId, settings);
    return {
      accounts,
      ticketRequired: settings.ticketRequired,
      commentsRequired: settings.commentsRequired,
      maxDurationHours: settings.maxDurationHours,
      approvalWorkflow: settings.approvalWorkflow,
    };
  };
}
