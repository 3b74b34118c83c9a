/**
 * The content of an eligibility policy once the server has resolved every name: principals,
 * accounts, OUs, permission sets, the maximum duration, whether approval is required, the ticket.
 */
import { z } from 'zod';
import { MAX_OU_NAME_LENGTH, MAX_POLICY_NAME_LENGTH } from '../../contract/patterns';
import { ValidationError } from '../errors';
import {
  accountId,
  accountName,
  duration,
  flag,
  groupName,
  idcId,
  list,
  ouId,
  parseInput,
  permissionSetArn,
  permissionSetName,
  printableName,
  requireTicket,
  ticketNo,
  uniqueBy,
} from '../input-fields';
import type { AccountPermissionSetPair, Settings } from '../types';
import { DEFAULT_POLICY_NAME } from './policy-ids';

export interface PrincipalInput {
  id: string;
  type: 'USER' | 'GROUP';
  name: string;
}

export interface EligibilityPolicyInput {
  principals: PrincipalInput[];
  /** The policy's name among each principal's policies (`default` when none is given). */
  name: string;
  accounts: { id: string; name: string }[];
  ous: { id: string; name: string }[];
  includeNestedOus: boolean;
  permissionSets: { arn: string; name: string }[];
  pairs: AccountPermissionSetPair[];
  maxDurationHours: number;
  approvalRequired: boolean;
  ticketNo?: string;
}

/** Editing a policy changes everything but its principal and name. */
export type EligibilityPolicyUpdateInput = Omit<EligibilityPolicyInput, 'principals' | 'name'>;

const principalSchema = z.object({
  id: idcId('User or group id'),
  type: z.enum(['USER', 'GROUP'], { error: 'Principal type must be USER or GROUP.' }),
  name: groupName('User or group name'),
});

const accountRef = z.object({ id: accountId(), name: accountName() });
const permissionSetRef = z.object({ arn: permissionSetArn(), name: permissionSetName() });

const eligibilityScopeShape = {
  accounts: list('Accounts', accountRef),
  ous: list('OUs', z.object({ id: ouId(), name: printableName('OU name', MAX_OU_NAME_LENGTH) })),
  includeNestedOus: flag('Include nested OUs').default(false),
  permissionSets: list('Permission sets', permissionSetRef),
  pairs: list(
    'Account and permission set pairs',
    z.object({ account: accountRef, permissionSet: permissionSetRef }),
  ).default([]),
  maxDurationHours: duration('Maximum duration'),
  approvalRequired: flag('Approval required'),
  ticketNo,
};

const eligibilityPolicySchema = z.object({
  principals: list('Users and groups', principalSchema, 'Choose at least one user or group.'),
  name: printableName('Policy name', MAX_POLICY_NAME_LENGTH).default(DEFAULT_POLICY_NAME),
  ...eligibilityScopeShape,
});
const eligibilityUpdateSchema = z.object(eligibilityScopeShape);

function normalizeEligibilityScope(
  parsed: z.output<typeof eligibilityUpdateSchema>,
  settings: Pick<Settings, 'ticketRequired'>,
): EligibilityPolicyUpdateInput {
  requireTicket(parsed.ticketNo, settings.ticketRequired);
  if (parsed.pairs.length > 0) {
    if (parsed.accounts.length + parsed.ous.length + parsed.permissionSets.length > 0) {
      throw new ValidationError(
        'A policy grants either accounts and OUs × permission sets, or a list of pairs, not both.',
        'pairs',
      );
    }
  } else {
    if (parsed.accounts.length === 0 && parsed.ous.length === 0) {
      throw new ValidationError('Choose at least one account or OU.', 'accounts');
    }
    if (parsed.permissionSets.length === 0) {
      throw new ValidationError('Choose at least one permission set.', 'permissionSets');
    }
  }
  if (parsed.includeNestedOus && parsed.ous.length === 0) {
    throw new ValidationError('Include nested OUs needs at least one OU.', 'includeNestedOus');
  }
  const result: EligibilityPolicyUpdateInput = {
    accounts: uniqueBy(parsed.accounts, (a) => a.id),
    ous: uniqueBy(parsed.ous, (o) => o.id),
    includeNestedOus: parsed.includeNestedOus,
    permissionSets: uniqueBy(parsed.permissionSets, (p) => p.arn),
    pairs: uniqueBy(parsed.pairs, (p) => `${p.account.id} ${p.permissionSet.arn}`),
    maxDurationHours: parsed.maxDurationHours,
    approvalRequired: parsed.approvalRequired,
  };
  if (parsed.ticketNo !== undefined) result.ticketNo = parsed.ticketNo;
  return result;
}

/**
 * Validates a new eligibility policy for one or more users/groups (one policy each): ids and
 * names, a policy name, at least one account or OU and one permission set (or at least one
 * explicit pair, and then nothing else), maximum duration 1–8000 h,
 * ticket number when the settings require one. Lists come back de-duplicated by id.
 */
export function validateEligibilityPolicyInput(
  input: unknown,
  settings: Pick<Settings, 'ticketRequired'>,
): EligibilityPolicyInput {
  const parsed = parseInput(eligibilityPolicySchema, input, 'The eligibility policy');
  const scope = normalizeEligibilityScope(parsed, settings);
  return { principals: uniqueBy(parsed.principals, (p) => p.id), name: parsed.name, ...scope };
}

/** Validates an edit of an existing eligibility policy (same rules, principal unchanged). */
export function validateEligibilityPolicyUpdateInput(
  input: unknown,
  settings: Pick<Settings, 'ticketRequired'>,
): EligibilityPolicyUpdateInput {
  return normalizeEligibilityScope(
    parseInput(eligibilityUpdateSchema, input, 'The eligibility policy'),
    settings,
  );
}
