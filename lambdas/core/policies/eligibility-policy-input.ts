/**
 * The content of an eligibility policy once the server has resolved every name: principals,
 * accounts, OUs, permission sets, the maximum duration, whether approval is required, the ticket.
 */
import { z } from 'zod';
import { MAX_OU_NAME_LENGTH } from '../../contract/patterns';
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
import type { Settings } from '../types';

export interface PrincipalInput {
  id: string;
  type: 'USER' | 'GROUP';
  name: string;
}

export interface EligibilityPolicyInput {
  principals: PrincipalInput[];
  accounts: { id: string; name: string }[];
  ous: { id: string; name: string }[];
  permissionSets: { arn: string; name: string }[];
  maxDurationHours: number;
  approvalRequired: boolean;
  ticketNo?: string;
}

/** Editing a policy changes everything but its principal. */
export type EligibilityPolicyUpdateInput = Omit<EligibilityPolicyInput, 'principals'>;

const principalSchema = z.object({
  id: idcId('User or group id'),
  type: z.enum(['USER', 'GROUP'], { error: 'Principal type must be USER or GROUP.' }),
  name: groupName('User or group name'),
});

const eligibilityScopeShape = {
  accounts: list('Accounts', z.object({ id: accountId(), name: accountName() })),
  ous: list('OUs', z.object({ id: ouId(), name: printableName('OU name', MAX_OU_NAME_LENGTH) })),
  permissionSets: list(
    'Permission sets',
    z.object({ arn: permissionSetArn(), name: permissionSetName() }),
    'Choose at least one permission set.',
  ),
  maxDurationHours: duration('Maximum duration'),
  approvalRequired: flag('Approval required'),
  ticketNo,
};

const eligibilityPolicySchema = z.object({
  principals: list('Users and groups', principalSchema, 'Choose at least one user or group.'),
  ...eligibilityScopeShape,
});
const eligibilityUpdateSchema = z.object(eligibilityScopeShape);

function normalizeEligibilityScope(
  parsed: z.output<typeof eligibilityUpdateSchema>,
  settings: Pick<Settings, 'ticketRequired'>,
): EligibilityPolicyUpdateInput {
  requireTicket(parsed.ticketNo, settings.ticketRequired);
  if (parsed.accounts.length === 0 && parsed.ous.length === 0) {
    throw new ValidationError('Choose at least one account or OU.', 'accounts');
  }
  const result: EligibilityPolicyUpdateInput = {
    accounts: uniqueBy(parsed.accounts, (a) => a.id),
    ous: uniqueBy(parsed.ous, (o) => o.id),
    permissionSets: uniqueBy(parsed.permissionSets, (p) => p.arn),
    maxDurationHours: parsed.maxDurationHours,
    approvalRequired: parsed.approvalRequired,
  };
  if (parsed.ticketNo !== undefined) result.ticketNo = parsed.ticketNo;
  return result;
}

/**
 * Validates a new eligibility policy for one or more users/groups (one policy each): ids and
 * names, at least one account or OU, at least one permission set, maximum duration 1–8000 h,
 * ticket number when the settings require one. Lists come back de-duplicated by id.
 */
export function validateEligibilityPolicyInput(
  input: unknown,
  settings: Pick<Settings, 'ticketRequired'>,
): EligibilityPolicyInput {
  const parsed = parseInput(eligibilityPolicySchema, input, 'The eligibility policy');
  const scope = normalizeEligibilityScope(parsed, settings);
  return { principals: uniqueBy(parsed.principals, (p) => p.id), ...scope };
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
