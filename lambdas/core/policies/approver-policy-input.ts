/**
 * The content of approver policies once the server has resolved every name: targets (accounts,
 * OUs, the root), the permission sets they are scoped to, approver groups and users, the ticket.
 */
import { z } from 'zod';
import { ValidationError } from '../errors';
import {
  ACCOUNT_ID,
  MAX_ACCOUNT_NAME_LENGTH,
  MAX_APPROVER_SCOPE,
  MAX_OU_NAME_LENGTH,
  OU_OR_ROOT_ID,
} from '../../contract/patterns';
import {
  codePoints,
  flag,
  groupName,
  idcId,
  list,
  parseInput,
  permissionSetArn,
  permissionSetName,
  printableName,
  requireTicket,
  ticketNo,
  typeError,
  uniqueBy,
} from '../input-fields';
import type { GroupRef, PermissionSetRef, Settings, UserRef } from '../types';

export interface ApproverTargetInput {
  id: string;
  type: 'ACCOUNT' | 'OU';
  name: string;
}

export interface ApproverPolicyInput {
  targets: ApproverTargetInput[];
  /** Empty: every permission set. */
  permissionSets: PermissionSetRef[];
  includeNestedOus: boolean;
  approverGroups: GroupRef[];
  approverUsers: UserRef[];
  also: boolean;
  ticketNo?: string;
}

/** Editing a policy changes its approvers, flags and ticket, not its target or scope. */
export type ApproverPolicyUpdateInput = Omit<ApproverPolicyInput, 'targets' | 'permissionSets'>;

const approverTargetSchema = z
  .object({
    id: z.string(typeError('Target id', 'text')).trim(),
    type: z.enum(['ACCOUNT', 'OU'], { error: 'Target type must be ACCOUNT or OU.' }),
    name: printableName('Target name', MAX_OU_NAME_LENGTH),
  })
  .superRefine((target, ctx) => {
    if (target.type === 'ACCOUNT') {
      if (!ACCOUNT_ID.test(target.id)) {
        ctx.addIssue({ code: 'custom', path: ['id'], message: 'Account id must be 12 digits.' });
      } else if (codePoints(target.name) > MAX_ACCOUNT_NAME_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          path: ['name'],
          message: 'Account name must be at most 50 characters.',
        });
      }
    } else if (!OU_OR_ROOT_ID.test(target.id)) {
      ctx.addIssue({
        code: 'custom',
        path: ['id'],
        message: 'OU id must be an OU id (ou-…) or the root id (r-…).',
      });
    }
  });

const approverGroupsShape = {
  includeNestedOus: flag('Include nested OUs').default(false),
  approverGroups: list(
    'Approver groups',
    z.object({ id: idcId('Approver group id'), name: groupName('Approver group name') }),
  ).default([]),
  approverUsers: list(
    'Approver users',
    z.object({ id: idcId('Approver user id'), name: groupName('Approver user name') }),
  ).default([]),
  also: flag('Also').default(false),
  ticketNo,
};

const approverPolicySchema = z.object({
  targets: list('Accounts and OUs', approverTargetSchema, 'Choose at least one account or OU.'),
  permissionSets: list('Permission sets', z.object({ arn: permissionSetArn(), name: permissionSetName() }))
    .max(MAX_APPROVER_SCOPE, `Permission sets: at most ${MAX_APPROVER_SCOPE} in one approver policy.`)
    .default([]),
  ...approverGroupsShape,
});
const approverUpdateSchema = z.object(approverGroupsShape);

function normalizeApproverGroups(
  parsed: z.output<typeof approverUpdateSchema>,
  settings: Pick<Settings, 'ticketRequired'>,
): ApproverPolicyUpdateInput {
  requireTicket(parsed.ticketNo, settings.ticketRequired);
  if (parsed.approverGroups.length === 0 && parsed.approverUsers.length === 0) {
    throw new ValidationError('Choose at least one approver group or user.', 'approverGroups');
  }
  const result: ApproverPolicyUpdateInput = {
    includeNestedOus: parsed.includeNestedOus,
    approverGroups: uniqueBy(parsed.approverGroups, (g) => g.id),
    approverUsers: uniqueBy(parsed.approverUsers, (u) => u.id),
    also: parsed.also,
  };
  if (parsed.ticketNo !== undefined) result.ticketNo = parsed.ticketNo;
  return result;
}

/**
 * Validates new approver policies: one or more targets (accounts by 12-digit id, OUs or the
 * root by OU/root id), at most 20 permission sets to scope them to, one or more approver groups
 * or users, ticket number when the settings require one.
 */
export function validateApproverPolicyInput(
  input: unknown,
  settings: Pick<Settings, 'ticketRequired'>,
): ApproverPolicyInput {
  const parsed = parseInput(approverPolicySchema, input, 'The approver policy');
  return {
    targets: uniqueBy(parsed.targets, (t) => t.id),
    permissionSets: uniqueBy(parsed.permissionSets, (p) => p.arn),
    ...normalizeApproverGroups(parsed, settings),
  };
}

/** Validates an edit of an existing approver policy (approvers, flags, ticket; target and scope unchanged). */
export function validateApproverPolicyUpdateInput(
  input: unknown,
  settings: Pick<Settings, 'ticketRequired'>,
): ApproverPolicyUpdateInput {
  return normalizeApproverGroups(parseInput(approverUpdateSchema, input, 'The approver policy'), settings);
}
