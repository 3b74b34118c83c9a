/** An admin's settings edit: every field optional, optional text clearable with null or ''. */
import { z } from 'zod';
import {
  EMAIL,
  MAX_DURATION_HOURS,
  MAX_GROUP_NAME_LENGTH,
  MIN_DURATION_HOURS,
  PRINTABLE,
  SENSITIVE_ACTION,
  SES_IDENTITY_ARN,
  SLACK_CHANNEL,
  SLACK_TOKEN,
} from '../../contract/patterns';
import {
  ANY_CONTROL,
  codePoints,
  duration,
  flag,
  list,
  parseInput,
  typeError,
  uniqueBy,
  wholeNumber,
} from '../input-fields';

/**
 * The editable settings (all optional: absent means unchanged). Optional text fields accept
 * null or '' to clear them; `slackToken` null removes the stored token.
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
  sensitiveActions?: string[];
  slackToken?: string | null;
}

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
});

/**
 * Validates an admin's settings edit. Returns only the fields given, trimmed, with the
 * sensitive actions de-duplicated; null/'' kept on clearable fields so the caller can clear them.
 */
export function validateSettingsInput(input: unknown): SettingsInput {
  const parsed = parseInput(settingsSchema, input, 'The settings');
  const result: SettingsInput = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== undefined) Object.assign(result, { [key]: value });
  }
  if (parsed.sensitiveActions) result.sensitiveActions = uniqueBy(parsed.sensitiveActions, (a) => a);
  return result;
}
