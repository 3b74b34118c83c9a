/**
 * The content of an eligibility policy once the server has resolved every name: principals,
 * accounts, OUs, permission sets, the maximum duration, whether approval is required, how far
 * extensions may go and whether they need approval, break-glass, the ticket.
 */
import { z } from 'zod';
import { MAX_DURATION_HOURS, MAX_OU_NAME_LENGTH, MAX_POLICY_NAME_LENGTH } from '../../contract/patterns';
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
  wholeNumber,
} from '../input-fields';
import type { AccountPermissionSetPair, Settings } from '../types';
import { DEFAULT_BREAK_GLASS_HOURS } from './eligibility';
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
  /** maxDurationHours–8000; equal to maxDurationHours: no extensions. */
  maxTotalHours: number;
  extensionApprovalRequired: boolean;
  breakGlass: boolean;
  /** 1–24, at most maxDurationHours. */
  breakGlassMaxHours: number;
  ticketNo?: string;
}

/** The longest break-glass access a policy may allow, in hours. */
export const MAX_BREAK_GLASS_HOURS = 24;

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
  maxTotalHours: wholeNumber('Maximum total hours with extensions', 1, MAX_DURATION_HOURS, 'hours').nullish(),
  extensionApprovalRequired: flag('Extension approval required').nullish(),
  breakGlass: flag('Break-glass').nullish(),
  breakGlassMaxHours: wholeNumber(
    'Break-glass maximum duration',
    1,
    MAX_BREAK_GLASS_HOURS,
    'hours',
  ).nullish(),
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
  const hours = (n: number) => `${n} hour${n === 1 ? '' : 's'}`;
  const maxTotalHours = parsed.maxTotalHours ?? parsed.maxDurationHours;
  if (maxTotalHours < parsed.maxDurationHours) {
    throw new ValidationError(
      `Maximum total hours with extensions must be at least the maximum duration (${hours(parsed.maxDurationHours)}).`,
      'maxTotalHours',
    );
  }
  const breakGlass = parsed.breakGlass ?? false;
  const breakGlassMaxHours = parsed.breakGlassMaxHours ?? DEFAULT_BREAK_GLASS_HOURS;
  if (breakGlass && breakGlassMaxHours > parsed.maxDurationHours) {
    throw new ValidationError(
      `Break-glass maximum duration must be at most the maximum duration (${hours(parsed.maxDurationHours)}).`,
      'breakGlassMaxHours',
    );
  }
  const result: EligibilityPolicyUpdateInput = {
    accounts: uniqueBy(parsed.accounts, (a) => a.id),
    ous: uniqueBy(parsed.ous, (o) => o.id),
    includeNestedOus: parsed.includeNestedOus,
    permissionSets: uniqueBy(parsed.permissionSets, (p) => p.arn),
    pairs: uniqueBy(parsed.pairs, (p) => `${p.account.id} ${p.permissionSet.arn}`),
    maxDurationHours: parsed.maxDurationHours,
    approvalRequired: parsed.approvalRequired,
    maxTotalHours,
    extensionApprovalRequired: parsed.extensionApprovalRequired ?? true,
    breakGlass,
    breakGlassMaxHours,
  };
  if (parsed.ticketNo !== undefined) result.ticketNo = parsed.ticketNo;
  return result;
}

/**
 * Validates a new eligibility policy for one or more users/groups (one policy each): ids and
 * names, a policy name, at least one account or OU and one permission set (or at least one
 * explicit pair, and then nothing else), maximum duration 1–8000 h, total with extensions from
 * the maximum duration to 8000 h (default: the maximum duration, no extensions), extension
 * approval (default true), break-glass (default off) for 1–24 h and at most the maximum duration
 * (default 1 h), ticket number when the settings require one. Lists come back de-duplicated by id.
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
