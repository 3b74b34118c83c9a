/**
 * The building blocks of every input schema of the core (each schema sits beside its use case:
 * `requests/create-request-input.ts`, `policies/*-input.ts`, `settings/settings-input.ts`).
 * Each schema takes untrusted input and returns normalized values (trimmed text, de-duplicated
 * lists) or fails with a ValidationError whose message names the field in plain words and
 * whose `field` is its path.
 */
import { z } from 'zod';
import {
  ACCOUNT_ID,
  IDC_ID,
  MAX_ACCOUNT_NAME_LENGTH,
  MAX_DURATION_HOURS,
  MAX_GROUP_NAME_LENGTH,
  MAX_LIST_ITEMS,
  MAX_TEXT_LENGTH,
  MAX_TICKET_LENGTH,
  MIN_DURATION_HOURS,
  OU_OR_ROOT_ID,
  PERMISSION_SET_ARN,
  PERMISSION_SET_NAME,
  PRINTABLE,
} from '../contract/patterns';
import { ValidationError } from './errors';

type Kind = 'text' | 'a number' | 'a list';

/** The message of a wrong type: "X is required." when missing, "X must be <kind>." otherwise. */
export const typeError = (label: string, kind: Kind) => ({
  error: (issue: { input?: unknown }) =>
    issue.input === undefined || issue.input === null ? `${label} is required.` : `${label} must be ${kind}.`,
});

/**
 * Length in characters as people count them (code points, not UTF-16 units; a lone surrogate
 * counts as one). Counted in place: a text far over its limit costs no copy to be measured.
 */
export function codePoints(value: string): number {
  let count = value.length;
  for (let i = 0; i < value.length - 1; i += 1) {
    const unit = value.charCodeAt(i);
    if (unit < 0xd800 || unit > 0xdbff) continue;
    const next = value.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) {
      count -= 1;
      i += 1;
    }
  }
  return count;
}

/** Control characters: C0, DEL and C1. */
export const ANY_CONTROL = /\p{Cc}/u;
/** Controls other than line feed and tab. */
const hasControlExceptLfTab = (value: string): boolean => ANY_CONTROL.test(value.replace(/[\n\t]/g, ''));

/**
 * Free text (justification, comments): line endings normalized to \n, trimmed, 1–2,000
 * characters of any script, line feeds and tabs allowed, other control characters refused.
 */
export const freeText = (label: string) =>
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

/** Trimmed text that must match `pattern` ("X must be <description>."). */
export const patterned = (label: string, pattern: RegExp, description: string) =>
  z.string(typeError(label, 'text')).trim().regex(pattern, `${label} must be ${description}.`);

/** A name: trimmed, 1 to `max` characters, printable, on one line. */
export const printableName = (label: string, max: number) =>
  z
    .string(typeError(label, 'text'))
    .trim()
    .min(1, `${label} is required.`)
    .refine(
      (value) => codePoints(value) <= max,
      `${label} must be at most ${max.toLocaleString('en-US')} characters.`,
    )
    .refine((value) => PRINTABLE.test(value), `${label} must be printable text on one line.`);

/** A whole number from `min` to `max` of `unit` (plural, e.g. "hours"). */
export const wholeNumber = (label: string, min: number, max: number, unit: string) =>
  z
    .number(typeError(label, 'a number'))
    .int(`${label} must be a whole number of ${unit}.`)
    .min(min, `${label} must be at least ${min} ${min === 1 ? unit.replace(/s$/, '') : unit}.`)
    .max(max, `${label} must be at most ${max} ${unit}.`);

/** A list of at most 1,000 items; with `chooseAtLeastOne`, an empty list fails with that message. */
export const list = <T extends z.ZodType>(label: string, item: T, chooseAtLeastOne?: string) => {
  const base = z
    .array(item, typeError(label, 'a list'))
    .max(MAX_LIST_ITEMS, `${label}: at most ${MAX_LIST_ITEMS} items.`);
  return chooseAtLeastOne ? base.min(1, chooseAtLeastOne) : base;
};

/** A 12-digit account id. */
export const accountId = (label = 'Account id') => patterned(label, ACCOUNT_ID, '12 digits');
/** A permission set ARN. */
export const permissionSetArn = (label = 'Permission set ARN') =>
  patterned(label, PERMISSION_SET_ARN, 'a permission set ARN (arn:aws:sso:::permissionSet/ssoins-…/ps-…)');
/** A permission set name as Identity Center allows it. */
export const permissionSetName = (label = 'Permission set name') =>
  patterned(label, PERMISSION_SET_NAME, '1 to 32 letters, digits or + = , . @ _ - characters');
/** An account name. */
export const accountName = (label = 'Account name') => printableName(label, MAX_ACCOUNT_NAME_LENGTH);
/** An OU id or the root id. */
export const ouId = (label = 'OU id') =>
  patterned(label, OU_OR_ROOT_ID, 'an OU id (ou-…) or the root id (r-…)');
/** An IAM Identity Center user or group id. */
export const idcId = (label: string) => patterned(label, IDC_ID, 'an IAM Identity Center id');
/** A group name. */
export const groupName = (label = 'Group name') => printableName(label, MAX_GROUP_NAME_LENGTH);
/** A duration in whole hours, 1–8000. */
export const duration = (label = 'Duration') =>
  wholeNumber(label, MIN_DURATION_HOURS, MAX_DURATION_HOURS, 'hours');
/** true or false. */
export const flag = (label: string) => z.boolean({ error: `${label} must be true or false.` });

/** Optional single-line ticket reference; whether it is required is decided by the caller. */
export const ticketNo = z
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

/** Throws a ValidationError on `ticketNo` when a ticket is required and none was given. */
export function requireTicket(ticket: string | undefined, required: boolean): void {
  if (required && ticket === undefined) throw new ValidationError('Ticket number is required.', 'ticketNo');
}

/** Runs a schema and turns its first issue into a ValidationError naming the field. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
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

/**
 * Runs `validate` and names a failing field as the use case's input names it: a schema that
 * validates resolved values (`accounts`, with their names) reports the input they came from
 * (`accountIds`), which is what a client can put its message on.
 */
export function withInputFields<T>(validate: () => T, names: Readonly<Record<string, string>>): T {
  try {
    return validate();
  } catch (error) {
    if (!(error instanceof ValidationError) || error.field === undefined) throw error;
    const [root = '', ...rest] = error.field.split('.');
    const renamed = names[root];
    if (renamed === undefined) throw error;
    throw new ValidationError(error.message, [renamed, ...rest].join('.'));
  }
}

/** Keeps the first item for each key. */
export function uniqueBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
