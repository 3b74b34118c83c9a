/** An admin's settings edit: every field optional, optional text clearable with null or ''. */
import { z } from 'zod';
import type { GroupRef } from '../types';
import {
  EMAIL,
  IDC_ID,
  MAX_DURATION_HOURS,
  MAX_GROUP_NAME_LENGTH,
  MAX_OU_CACHE_LIFETIME_HOURS,
  MIN_DURATION_HOURS,
  MIN_OU_CACHE_LIFETIME_HOURS,
  PRINTABLE,
  SENSITIVE_ACTION,
  SES_IDENTITY_ARN,
  SLACK_CHANNEL,
  SLACK_SIGNING_SECRET,
  SLACK_TOKEN,
  isWebhookUrl,
} from '../../contract/patterns';
import {
  ANY_CONTROL,
  codePoints,
  duration,
  flag,
  groupName,
  list,
  parseInput,
  typeError,
  uniqueBy,
  wholeNumber,
} from '../input-fields';

/**
 * The editable settings (all optional: absent means unchanged). Optional text fields accept
 * null or '' to clear them; `slackToken`, `slackSigningSecret` and `teamsWebhookUrl` null remove
 * the stored secret.
 */
export interface SettingsInput {
  maxDurationHours?: number;
  expiryHours?: number;
  commentsRequired?: boolean;
  ticketRequired?: boolean;
  approvalWorkflow?: boolean;
  sesEnabled?: boolean;
  sesSourceEmail?: string | null;
  sesSourceArn?: string | null;
  snsEnabled?: boolean;
  slackEnabled?: boolean;
  slackAuditChannel?: string | null;
  adminGroupName?: string | null;
  auditorGroupName?: string | null;
  ouCacheEnabled?: boolean;
  /** Hours an OU's cached accounts are served (1 to 720). */
  ouCacheLifetimeHours?: number;
  sensitiveActions?: string[];
  slackToken?: string | null;
  slackSigningSecret?: string | null;
  teamsEnabled?: boolean;
  teamsWebhookUrl?: string | null;
  /** Minutes after a request before its approvers are reminded (0: never). */
  reminderMinutes?: number;
  /** Minutes after a request before it escalates to `escalationGroups` (0: never). */
  escalationMinutes?: number;
  /** The fallback approver groups, names already resolved from the directory (never the client's). */
  escalationGroups?: GroupRef[];
  breakGlassEnabled?: boolean;
}

/** Longest reminder or escalation delay: one week. */
export const MAX_APPROVAL_TIMER_MINUTES = 10_080;

/** A group as resolved from the directory: its id and display name. */
const groupRef = z.object(
  {
    id: z
      .string(typeError('Escalation group id', 'text'))
      .trim()
      .regex(IDC_ID, 'Escalation group id must be an IAM Identity Center id.'),
    name: groupName('Escalation group name'),
  },
  { error: 'Escalation group must be a group with an id and a name.' },
);

/** Optional text that null or '' clears; anything else must match. */
const clearable = (label: string, check: (value: string) => boolean, description: string) =>
  z
    .string(typeError(label, 'text'))
    .trim()
    .refine((value) => value === '' || check(value), `${label} must be ${description}.`)
    .nullish();

const settingsSchema = z.object({
  maxDurationHours: duration('Maximum request duration').optional(),
  expiryHours: wholeNumber(
    'Request expiry timeout',
    MIN_DURATION_HOURS,
    MAX_DURATION_HOURS,
    'hours',
  ).optional(),
  commentsRequired: flag('Comments required').optional(),
  ticketRequired: flag('Ticket number required').optional(),
  approvalWorkflow: flag('Approval workflow').optional(),
  sesEnabled: flag('Email notifications').optional(),
  sesSourceEmail: clearable(
    'Source email',
    (v) => v.length <= 254 && EMAIL.test(v) && !ANY_CONTROL.test(v),
    'an email address',
  ),
  sesSourceArn: clearable(
    'Source ARN',
    (v) => SES_IDENTITY_ARN.test(v),
    'an SES identity ARN (arn:aws:ses:<region>:<account id>:identity/…)',
  ),
  snsEnabled: flag('SNS notifications').optional(),
  slackEnabled: flag('Slack notifications').optional(),
  slackAuditChannel: clearable(
    'Slack audit channel',
    (v) => SLACK_CHANNEL.test(v),
    'a Slack channel name or id',
  ),
  adminGroupName: clearable(
    'TEAM admin group',
    (v) => codePoints(v) <= MAX_GROUP_NAME_LENGTH && PRINTABLE.test(v),
    'printable text of at most 1,024 characters',
  ),
  auditorGroupName: clearable(
    'TEAM auditor group',
    (v) => codePoints(v) <= MAX_GROUP_NAME_LENGTH && PRINTABLE.test(v),
    'printable text of at most 1,024 characters',
  ),
  ouCacheEnabled: flag('OU account cache').optional(),
  ouCacheLifetimeHours: z
    .number(typeError('OU cache lifetime', 'a number'))
    .int('OU cache lifetime must be a whole number of hours.')
    .min(
      MIN_OU_CACHE_LIFETIME_HOURS,
      `OU cache lifetime must be at least ${MIN_OU_CACHE_LIFETIME_HOURS} hour.`,
    )
    .max(
      MAX_OU_CACHE_LIFETIME_HOURS,
      `OU cache lifetime must be at most ${MAX_OU_CACHE_LIFETIME_HOURS} hours (${MAX_OU_CACHE_LIFETIME_HOURS / 24} days).`,
    )
    .optional(),
  sensitiveActions: list(
    'Sensitive actions',
    z
      .string(typeError('Sensitive action', 'text'))
      .trim()
      .regex(
        SENSITIVE_ACTION,
        'Sensitive action must be an event name (a trailing * matches any suffix), optionally prefixed by its event source and a colon.',
      ),
  ).optional(),
  slackToken: z
    .string(typeError('Slack token', 'text'))
    .trim()
    .regex(SLACK_TOKEN, 'Slack token must be a bot token: xoxb- followed by letters, digits or dashes.')
    .nullable()
    .optional(),
  slackSigningSecret: z
    .string(typeError('Slack signing secret', 'text'))
    .trim()
    .regex(SLACK_SIGNING_SECRET, 'Slack signing secret must be 16 to 128 letters or digits.')
    .nullable()
    .optional(),
  teamsEnabled: flag('Microsoft Teams notifications').optional(),
  teamsWebhookUrl: z
    .string(typeError('Teams webhook URL', 'text'))
    .trim()
    .refine(isWebhookUrl, 'Teams webhook URL must be an https:// URL of at most 2,048 characters.')
    .nullable()
    .optional(),
  reminderMinutes: wholeNumber('Reminder time', 0, MAX_APPROVAL_TIMER_MINUTES, 'minutes').optional(),
  escalationMinutes: wholeNumber('Escalation time', 0, MAX_APPROVAL_TIMER_MINUTES, 'minutes').optional(),
  escalationGroups: list('Escalation groups', groupRef).optional(),
  breakGlassEnabled: flag('Break-glass access').optional(),
});

/**
 * Validates an admin's settings edit. Returns only the fields given, trimmed, with the
 * sensitive actions and escalation groups de-duplicated; null/'' kept on clearable fields so the caller can clear them.
 */
export function validateSettingsInput(input: unknown): SettingsInput {
  const parsed = parseInput(settingsSchema, input, 'The settings');
  const result: SettingsInput = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== undefined) Object.assign(result, { [key]: value });
  }
  if (parsed.sensitiveActions) result.sensitiveActions = uniqueBy(parsed.sensitiveActions, (a) => a);
  if (parsed.escalationGroups) result.escalationGroups = uniqueBy(parsed.escalationGroups, (g) => g.id);
  return result;
}
