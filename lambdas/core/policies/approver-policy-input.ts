/**
 * The content of approver policies once the server has resolved every name: targets (accounts,
 * OUs, the root), approver groups, the ticket.
 */
import { z } from 'zod';
import {
  ACCOUNT_ID,
  MAX_ACCOUNT_NAME_LENGTH,
  MAX_OU_NAME_LENGTH,
  OU_OR_ROOT_ID,
} from '../../contract/patterns';
import {
  codePoints,
  groupName,
  idcId,
  list,
  parseInput,
  printableName,
  requireTicket,
  ticketNo,
  typeError,
  uniqueBy,
} from '../input-fields';
import type { GroupRef, Settings } from '../types';

export interface ApproverTargetInput {
  id: string;
  type: 'ACCOUNT' | 'OU';
  name: string;
}

export interface ApproverPolicyInput {
  targets: ApproverTargetInput[];
  approverGroups: GroupRef[];
  ticketNo?: string;
}

/** Editing a policy changes its groups and ticket, not its target. */
export type ApproverPolicyUpdateInput = Omit<ApproverPolicyInput, 'targets'>;

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
  approverGroups: list(
    'Approver groups',
    z.object({ id: idcId('Approver group id'), name: groupName('Approver group name') }),
    'Choose at least one approver group.',
  ),
  ticketNo,
};

const approverPolicySchema = z.object({
  targets: list('Accounts and OUs', approverTargetSchema, 'Choose at least one account or OU.'),
  ...approverGroupsShape,
});
const approverUpdateSchema = z.object(approverGroupsShape);

function normalizeApproverGroups(
  parsed: z.output<typeof approverUpdateSchema>,
  settings: Pick<Settings, 'ticketRequired'>,
): ApproverPolicyUpdateInput {
  requireTicket(parsed.ticketNo, settings.ticketRequired);
  const result: ApproverPolicyUpdateInput = { approverGroups: uniqueBy(parsed.approverGroups, (g) => g.id) };
  if (parsed.ticketNo !== undefined) result.ticketNo = parsed.ticketNo;
  return result;
}

/**
 * Validates new approver policies: one or more targets (accounts by 12-digit id, OUs or the
 * root by OU/root id), one or more approver groups, ticket number when the settings require one.
 */
export function validateApproverPolicyInput(
  input: unknown,
  settings: Pick<Settings, 'ticketRequired'>,
): ApproverPolicyInput {
  const parsed = parseInput(approverPolicySchema, input, 'The approver policy');
  return { targets: uniqueBy(parsed.targets, (t) => t.id), ...normalizeApproverGroups(parsed, settings) };
}

/** Validates an edit of an existing approver policy (groups and ticket; target unchanged). */
export function validateApproverPolicyUpdateInput(
  input: unknown,
  settings: Pick<Settings, 'ticketRequired'>,
): ApproverPolicyUpdateInput {
  return normalizeApproverGroups(parseInput(approverUpdateSchema, input, 'The approver policy'), settings);
}
