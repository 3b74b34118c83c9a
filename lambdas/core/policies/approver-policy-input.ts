/**
 * The content of approver policies once the server has resolved every name: targets (accounts,
 * OUs, the root), the permission sets they are scoped to, approver groups and users, how many
 * approvals they give and the stages after them, reminder and escalation, the ticket.
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
  wholeNumber,
} from '../input-fields';
import type { ApprovalStageRule, GroupRef, PermissionSetRef, Settings, UserRef } from '../types';

/** Approvals one stage may need. */
export const MAX_APPROVALS_REQUIRED = 10;
/** Stages an approver policy may add after its first one. */
export const MAX_NEXT_STAGES = 5;
/** A stage's name, in characters. */
export const MAX_STAGE_NAME_LENGTH = 64;
/** Reminder and escalation times: one week at most, in minutes. */
export const MAX_TIMER_MINUTES = 10_080;

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
  /** Approvals the first stage (the groups and users above) needs, 1–10. */
  approvalsRequired: number;
  stageName?: string;
  /** At most 5, each with at least one group or user. */
  nextStages: ApprovalStageRule[];
  remindAfterMinutes?: number;
  /** After the reminder when both are set. */
  escalateAfterMinutes?: number;
  escalationGroups: GroupRef[];
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

const groupRefSchema = (what: string) =>
  z.object({ id: idcId(`${what} id`), name: groupName(`${what} name`) });
const approverGroupsSchema = list('Approver groups', groupRefSchema('Approver group')).default([]);
const approverUsersSchema = list('Approver users', groupRefSchema('Approver user')).default([]);
const approvalsRequiredSchema = wholeNumber('Approvals required', 1, MAX_APPROVALS_REQUIRED, 'approvals');
const stageNameSchema = printableName('Stage name', MAX_STAGE_NAME_LENGTH);

const stageRuleSchema = z.object(
  {
    name: stageNameSchema,
    approverGroups: approverGroupsSchema,
    approverUsers: approverUsersSchema,
    approvalsRequired: approvalsRequiredSchema.nullish(),
  },
  { error: 'Each next stage must be an object.' },
);

const minutes = (label: string) => wholeNumber(label, 1, MAX_TIMER_MINUTES, 'minutes').nullish();

const approverGroupsShape = {
  includeNestedOus: flag('Include nested OUs').default(false),
  approverGroups: approverGroupsSchema,
  approverUsers: approverUsersSchema,
  also: flag('Also').default(false),
  approvalsRequired: approvalsRequiredSchema.nullish(),
  // An empty name is no name: forms send what the field holds.
  stageName: z.preprocess(
    (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
    stageNameSchema.nullish(),
  ),
  nextStages: list('Next stages', stageRuleSchema)
    .max(MAX_NEXT_STAGES, `Next stages: at most ${MAX_NEXT_STAGES}.`)
    .nullish(),
  remindAfterMinutes: minutes('Reminder time'),
  escalateAfterMinutes: minutes('Escalation time'),
  escalationGroups: list('Escalation groups', groupRefSchema('Escalation group')).nullish(),
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
  const approverUsers = uniqueBy(parsed.approverUsers, (u) => u.id);
  const approvalsRequired = parsed.approvalsRequired ?? 1;
  checkReachable(approvalsRequired, parsed.approverGroups.length, approverUsers.length, 'approvalsRequired');

  const names = new Map<string, number>();
  if (parsed.stageName !== undefined && parsed.stageName !== null) {
    names.set(parsed.stageName.toLowerCase(), -1);
  }
  const nextStages = (parsed.nextStages ?? []).map((stage, index): ApprovalStageRule => {
    const at = `nextStages.${index}`;
    const folded = stage.name.toLowerCase();
    if (names.has(folded)) {
      throw new ValidationError(
        `Stage name "${stage.name}" is used by another stage of this policy (item ${index + 1}).`,
        `${at}.name`,
      );
    }
    names.set(folded, index);
    if (stage.approverGroups.length === 0 && stage.approverUsers.length === 0) {
      throw new ValidationError(
        `Stage "${stage.name}" needs at least one approver group or user (item ${index + 1}).`,
        `${at}.approverGroups`,
      );
    }
    const users = uniqueBy(stage.approverUsers, (u) => u.id);
    const required = stage.approvalsRequired ?? 1;
    checkReachable(
      required,
      stage.approverGroups.length,
      users.length,
      `${at}.approvalsRequired`,
      stage.name,
    );
    return {
      name: stage.name,
      approverGroups: uniqueBy(stage.approverGroups, (g) => g.id),
      approverUsers: users,
      approvalsRequired: required,
    };
  });

  const remind = parsed.remindAfterMinutes ?? undefined;
  const escalate = parsed.escalateAfterMinutes ?? undefined;
  if (remind !== undefined && escalate !== undefined && escalate <= remind) {
    throw new ValidationError(
      `Escalation time must come after the reminder (more than ${remind} minutes).`,
      'escalateAfterMinutes',
    );
  }

  const result: ApproverPolicyUpdateInput = {
    includeNestedOus: parsed.includeNestedOus,
    approverGroups: uniqueBy(parsed.approverGroups, (g) => g.id),
    approverUsers,
    also: parsed.also,
    approvalsRequired,
    nextStages,
    escalationGroups: uniqueBy(parsed.escalationGroups ?? [], (g) => g.id),
  };
  if (parsed.stageName !== undefined && parsed.stageName !== null) result.stageName = parsed.stageName;
  if (remind !== undefined) result.remindAfterMinutes = remind;
  if (escalate !== undefined) result.escalateAfterMinutes = escalate;
  if (parsed.ticketNo !== undefined) result.ticketNo = parsed.ticketNo;
  return result;
}

/**
 * A stage that names only users cannot get more approvals than it has users (a group's members
 * are known only when a request is made, so a stage with a group is left to that moment).
 */
function checkReachable(
  required: number,
  groups: number,
  users: number,
  field: string,
  stageName?: string,
): void {
  if (groups > 0 || required <= users) return;
  const stage = stageName === undefined ? 'the first stage' : `stage "${stageName}"`;
  throw new ValidationError(
    `Approvals required (${required}) must be at most the number of approver users of ${stage} (${users}) when it names no group.`,
    field,
  );
}

/**
 * Validates new approver policies: one or more targets (accounts by 12-digit id, OUs or the
 * root by OU/root id), at most 20 permission sets to scope them to, one or more approver groups
 * or users, 1–10 approvals (default 1; at most the number of users when no group is named), an
 * optional stage name, at most 5 next stages (each named uniquely, with at least one group or
 * user and its own approvals), reminder and escalation times of 1–10080 minutes (escalation
 * after the reminder), escalation groups, ticket number when the settings require one.
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
