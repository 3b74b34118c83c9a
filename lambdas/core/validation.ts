/**
 * Input validation for every write the API accepts. Each validator takes untrusted input and
 * returns normalized values (trimmed text, UTC times, de-duplicated lists) or throws a
 * ValidationError whose message names the field in plain words and whose `field` is its path.
 */
import { z } from 'zod';
import { ValidationError } from './errors';
import type { GroupRef, Settings } from './types';

import {
  ACCOUNT_ID,
  PERMISSION_SET_ARN,
  PERMISSION_SET_NAME,
  OU_OR_ROOT_ID,
  IDC_ID,
  EMAIL,
  SES_IDENTITY_ARN,
  SLACK_TOKEN,
  SLACK_CHANNEL,
  SENSITIVE_ACTION,
  PRINTABLE,
  MAX_TEXT_LENGTH,
  MAX_TICKET_LENGTH,
  MAX_ACCOUNT_NAME_LENGTH,
  MAX_OU_NAME_LENGTH,
  MAX_GROUP_NAME_LENGTH,
  MIN_DURATION_HOURS,
  MAX_DURATION_HOURS,
  START_TIME_PAST_TOLERANCE_MS,
  MAX_LIST_ITEMS,
} from '../contract/patterns';

export * from '../contract/patterns';

// ---------------------------------------------------------------------------------------------
// Input and output types

export interface CreateRequestInput {
  accountId: string;
  permissionSetArn: string;
  /** ISO 8601 with a time zone; default: now. */
  startTime?: string;
  durationHours: number;
  justification: string;
  ticketNo?: string;
}

/** A create-request input after validation: text trimmed, start time in UTC. */
export interface ValidCreateRequest {
  accountId: string;
  permissionSetArn: string;
  startTime: string;
  durationHours: number;
  justification: string;
  ticketNo?: string;
}

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

// ---------------------------------------------------------------------------------------------
// Building blocks

type Kind = 'text' | 'a number' | 'a list';

const typeError = (label: string, kind: Kind) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined || issue.input === null ? `${label} is required.` : `${label} must be ${kind}.`,
});

const codePoints = (value: string): number => [...value].length;

/** Control characters: C0, DEL and C1. */
const ANY_CONTROL = /\p{Cc}/u;
/** Controls other than line feed and tab. */
const hasControlExceptLfTab = (value: string): boolean => ANY_CONTROL.test(value.replace(/[\n\t]/g, ''));

/**
 * Free text (justification, comments): line endings normalized to \n, trimmed, 1–2,000
 * characters of any script, line feeds and tabs allowed, other control characters refused.
 */
const freeText = (label: string) =>
  z.string(typeError(label, 'text')).transform((raw, ctx) => {
    const value = raw.replace(/\r\n?/g, '\n').trim();
    const issue = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (value === '') return issue(`${label} is required.`);
    if (codePoints(value) > MAX_TEXT_LENGTH) {
      return issue(
        `${label} must be at most 2,000 characters (it has ${codePoints(value).toLocaleString('en-US')}).`,
      );
    }
    if (hasControlExceptLfTab(value)) return issue(`${label} must not contain control characters.`);
    return value;
  });

const patterned = (label: string, pattern: RegExp, description: string) =>
  z.string(typeError(label, 'text')).trim().regex(pattern, `${label} must be ${description}.`);

const printableName = (label: string, max: number) =>
  z
    .string(typeError(label, 'text'))
    .trim()
    .min(1, `${label} is required.`)
    .refine(
      (value) => codePoints(value) <= max,
      `${label} must be at most ${max.toLocaleString('en-US')} characters.`,
    )
    .refine((value) => PRINTABLE.test(value), `${label} must be printable text on one line.`);

const wholeNumber = (label: string, min: number, max: number, unit: string) =>
  z
    .number(typeError(label, 'a number'))
    .int(`${label} must be a whole number of ${unit}.`)
    .min(min, `${label} must be at least ${min} ${min === 1 ? unit.replace(/s$/, '') : unit}.`)
    .max(max, `${label} must be at most ${max} ${unit}.`);

const list = <T extends z.ZodType>(label: string, item: T, chooseAtLeastOne?: string) => {
  const base = z
    .array(item, typeError(label, 'a list'))
    .max(MAX_LIST_ITEMS, `${label}: at most ${MAX_LIST_ITEMS} items.`);
  return chooseAtLeastOne ? base.min(1, chooseAtLeastOne) : base;
};

const accountId = (label = 'Account id') => patterned(label, ACCOUNT_ID, '12 digits');
const permissionSetArn = (label = 'Permission set ARN') =>
  patterned(label, PERMISSION_SET_ARN, 'a permission set ARN (arn:aws:sso:::permissionSet/ssoins-…/ps-…)');
const permissionSetName = (label = 'Permission set name') =>
  patterned(label, PERMISSION_SET_NAME, '1 to 32 letters, digits or + = , . @ _ - characters');
const accountName = (label = 'Account name') => printableName(label, MAX_ACCOUNT_NAME_LENGTH);
const ouId = (label = 'OU id') => patterned(label, OU_OR_ROOT_ID, 'an OU id (ou-…) or the root id (r-…)');
const idcId = (label: string) => patterned(label, IDC_ID, 'an IAM Identity Center id');
const groupName = (label = 'Group name') => printableName(label, MAX_GROUP_NAME_LENGTH);
const duration = (label = 'Duration') => wholeNumber(label, MIN_DURATION_HOURS, MAX_DURATION_HOURS, 'hours');
const flag = (label: string) => z.boolean({ error: `${label} must be true or false.` });

/** Optional single-line ticket reference; whether it is required is decided by the caller. */
const ticketNo = z
  .string(typeError('Ticket number', 'text'))
  .nullish()
  .transform((raw, ctx) => {
    const value = raw?.trim() ?? '';
    if (value === '') return undefined;
    const issue = (message: string) => {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    };
    if (codePoints(value) > MAX_TICKET_LENGTH) return issue('Ticket number must be at most 50 characters.');
    if (!/^[\p{L}\p{N}]/u.test(value)) return issue('Ticket number must start with a letter or digit.');
    if (ANY_CONTROL.test(value))
      return issue('Ticket number must not contain control characters or line breaks.');
    return value;
  });

function requireTicket(ticket: string | undefined, required: boolean): void {
  if (required && ticket === undefined) throw new ValidationError('Ticket number is required.', 'ticketNo');
}

/** Runs a schema and turns its first issue into a ValidationError naming the field. */
function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue || issue.path.length === 0) {
    const message =
      issue?.code === 'invalid_type'
        ? `${what} must be an object.`
        : (issue?.message ?? `${what} is invalid.`);
    throw new ValidationError(message);
  }
  const index = issue.path.find((part) => typeof part === 'number');
  const suffix = typeof index === 'number' ? ` (item ${index + 1})` : '';
  const message =
    issue.message.endsWith('.') && suffix
      ? `${issue.message.slice(0, -1)}${suffix}.`
      : issue.message + suffix;
  throw new ValidationError(message, issue.path.map(String).join('.'));
}

/** Keeps the first item for each key. */
function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// Time

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i;

/**
 * Parses an ISO 8601 date-time that carries a time zone (Z or ±hh:mm), refusing impossible
 * dates such as 30 February that `Date.parse` silently rolls over. Undefined when invalid.
 */
export function parseIsoDateTime(value: string): Date | undefined {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return undefined;
  const part = (index: number): number => Number(m[index] ?? 0);
  const [year, month, day, hour, minute, second] = [
    part(1),
    part(2),
    part(3),
    part(4),
    part(5),
    part(6),
  ] as const;
  const millis = Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0'));
  const [offsetHours, offsetMinutes] = [part(10), part(11)] as const;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  if (local.getUTCFullYear() !== year || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day) {
    return undefined;
  }
  const sign = m[9] === '-' ? -1 : 1;
  return new Date(local.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}

/** One calendar year after `now` (UTC). */
function oneYearAfter(now: Date): Date {
  const limit = new Date(now.getTime());
  limit.setUTCFullYear(limit.getUTCFullYear() + 1);
  return limit;
}

// ---------------------------------------------------------------------------------------------
// Requests

const createRequestSchema = z.object({
  accountId: accountId(),
  permissionSetArn: permissionSetArn(),
  startTime: z.string(typeError('Start time', 'text')).trim().nullish(),
  durationHours: duration(),
  justification: freeText('Justification'),
  ticketNo,
});

/**
 * Validates a new request: field formats, justification, ticket (required when the settings
 * say so), start time (default now; at most 5 minutes in the past, at most one year ahead) and
 * duration (whole hours, 1–8000, at most the applicable maximum: the eligible maximum for the
 * account and permission set when given, and always the settings' maximum).
 */
export function validateCreateRequest(
  input: unknown,
  context: {
    now: Date;
    settings: Pick<Settings, 'ticketRequired' | 'maxDurationHours'>;
    maxDurationHours?: number;
  },
): ValidCreateRequest {
  const parsed = parse(createRequestSchema, input, 'The request');
  requireTicket(parsed.ticketNo, context.settings.ticketRequired);

  const limit = Math.min(
    context.settings.maxDurationHours,
    context.maxDurationHours ?? Number.POSITIVE_INFINITY,
  );
  if (parsed.durationHours > limit) {
    throw new ValidationError(
      `Duration must be at most ${limit} ${limit === 1 ? 'hour' : 'hours'} for this account and permission set.`,
      'durationHours',
    );
  }

  let start = context.now;
  if (parsed.startTime) {
    const when = parseIsoDateTime(parsed.startTime);
    if (!when) {
      throw new ValidationError(
        'Start time must be an ISO 8601 date and time with a time zone, e.g. 2026-05-01T09:00:00Z.',
        'startTime',
      );
    }
    if (when.getTime() < context.now.getTime() - START_TIME_PAST_TOLERANCE_MS) {
      throw new ValidationError('Start time must not be more than 5 minutes in the past.', 'startTime');
    }
    if (when.getTime() > oneYearAfter(context.now).getTime()) {
      throw new ValidationError('Start time must be within one year from now.', 'startTime');
    }
    start = when;
  }

  const result: ValidCreateRequest = {
    accountId: parsed.accountId,
    permissionSetArn: parsed.permissionSetArn,
    startTime: start.toISOString(),
    durationHours: parsed.durationHours,
    justification: parsed.justification,
  };
  if (parsed.ticketNo !== undefined) result.ticketNo = parsed.ticketNo;
  return result;
}

const FIELD_LABELS: Readonly<Record<string, string>> = {
  comment: 'Comment',
  decisionComment: 'Comment',
  revokeComment: 'Revoke comment',
  justification: 'Justification',
};

/** "revokeComment" → "Revoke comment". */
function labelOf(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * Validates an approver's or revoker's comment: free text as for the justification; required
 * only when `required` (settings.commentsRequired). Returns the trimmed text or undefined.
 */
export function validateComment(
  value: unknown,
  options: { required: boolean; field: string },
): string | undefined {
  const label = labelOf(options.field);
  if (value === undefined || value === null || (typeof value === 'string' && value.trim() === '')) {
    if (options.required) throw new ValidationError(`${label} is required.`, options.field);
    return undefined;
  }
  const result = freeText(label).safeParse(value);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues[0]?.message ?? `${label} is invalid.`, options.field);
}

// ---------------------------------------------------------------------------------------------
// Policies

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
  const parsed = parse(eligibilityPolicySchema, input, 'The eligibility policy');
  const scope = normalizeEligibilityScope(parsed, settings);
  return { principals: uniqueBy(parsed.principals, (p) => p.id), ...scope };
}

/** Validates an edit of an existing eligibility policy (same rules, principal unchanged). */
export function validateEligibilityPolicyUpdateInput(
  input: unknown,
  settings: Pick<Settings, 'ticketRequired'>,
): EligibilityPolicyUpdateInput {
  return normalizeEligibilityScope(parse(eligibilityUpdateSchema, input, 'The eligibility policy'), settings);
}

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
  const parsed = parse(approverPolicySchema, input, 'The approver policy');
  return { targets: uniqueBy(parsed.targets, (t) => t.id), ...normalizeApproverGroups(parsed, settings) };
}

/** Validates an edit of an existing approver policy (groups and ticket; target unchanged). */
export function validateApproverPolicyUpdateInput(
  input: unknown,
  settings: Pick<Settings, 'ticketRequired'>,
): ApproverPolicyUpdateInput {
  return normalizeApproverGroups(parse(approverUpdateSchema, input, 'The approver policy'), settings);
}

// ---------------------------------------------------------------------------------------------
// Settings

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
  const parsed = parse(settingsSchema, input, 'The settings');
  const result: SettingsInput = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value !== undefined) Object.assign(result, { [key]: value });
  }
  if (parsed.sensitiveActions) result.sensitiveActions = uniqueBy(parsed.sensitiveActions, (a) => a);
  return result;
}

// ---------------------------------------------------------------------------------------------
// OU cache invalidation

/**
 * Validates OU ids for cache invalidation: a list, or text separated by commas, spaces or line
 * breaks (the admin page's text area). Each must be an OU id or the root id. De-duplicated.
 */
export function validateOuIds(ids: unknown): string[] {
  let items: unknown[];
  if (typeof ids === 'string') items = ids.split(/[\s,]+/).filter((part) => part !== '');
  else if (Array.isArray(ids)) items = ids;
  else throw new ValidationError('OU ids must be a list of OU or root ids.', 'ouIds');

  if (items.length === 0) throw new ValidationError('Enter at least one OU id.', 'ouIds');
  if (items.length > MAX_LIST_ITEMS)
    throw new ValidationError(`Enter at most ${MAX_LIST_ITEMS} OU ids.`, 'ouIds');
  const result: string[] = [];
  items.forEach((item, index) => {
    const value = typeof item === 'string' ? item.trim() : '';
    if (!OU_OR_ROOT_ID.test(value)) {
      const shown = typeof item === 'string' ? ` "${item.trim().slice(0, 70)}"` : '';
      throw new ValidationError(
        `OU id${shown} must be an OU id (ou-…) or the root id (r-…) (item ${index + 1}).`,
        `ouIds.${index}`,
      );
    }
    result.push(value);
  });
  return uniqueBy(result, (id) => id);
}
