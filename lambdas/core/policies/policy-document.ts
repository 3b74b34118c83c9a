/**
 * The policy document, version 1: every eligibility policy, every approver policy and the
 * settings (never a secret) as one text an admin can keep in git, review and import again.
 * This module holds its shape (a zod schema, also published as JSON Schema), and reads a
 * document's text: JSON or YAML, each problem reported with where it is.
 *
 * What the shape does not say, the import checks against the directory and the organization
 * (policy-document-names.ts) and with the rules of the create and update use cases.
 */
import { parseDocument, visit, type YAMLError } from 'yaml';
import { z } from 'zod';
import {
  MAX_APPROVER_SCOPE,
  MAX_DURATION_HOURS,
  MAX_LIST_ITEMS,
  MIN_DURATION_HOURS,
} from '../../contract/patterns';
import { ValidationError } from '../errors';
import { MAX_APPROVALS_REQUIRED, MAX_NEXT_STAGES, MAX_TIMER_MINUTES } from './approver-policy-input';
import { MAX_BREAK_GLASS_HOURS } from './eligibility-policy-input';

/** The version this TEAM writes and reads. */
export const POLICY_DOCUMENT_VERSION = 1;

/**
 * Where an exported document finds its JSON Schema: beside it (TEAM publishes the schema as
 * docs/policy-document.schema.json), so editors validate it without reaching any host.
 */
export const POLICY_DOCUMENT_SCHEMA_REF = './policy-document.schema.json';

/** The longest document text accepted (characters). */
export const MAX_POLICY_DOCUMENT_LENGTH = 4_000_000;

/** Policies of one kind a document may hold. */
export const MAX_DOCUMENT_POLICIES = 10_000;

/** The input field a document arrives in: every problem with a document is reported on it. */
export const DOCUMENT_FIELD = 'document';

const ref = (description: string) =>
  z.string().min(1, 'must not be empty').max(2048, 'must be at most 2,048 characters').meta({ description });

const refs = (description: string, max = MAX_LIST_ITEMS) =>
  z
    .array(ref(description))
    .max(max, `at most ${max.toLocaleString('en-US')} items`)
    .optional()
    .meta({ description: `${description} (a name or an id each).` });

const hours = (description: string) =>
  z
    .number()
    .int('must be a whole number of hours')
    .min(MIN_DURATION_HOURS, `must be at least ${MIN_DURATION_HOURS} hour`)
    .max(MAX_DURATION_HOURS, `must be at most ${MAX_DURATION_HOURS} hours`)
    .meta({ description });

/** A whole number of `unit`s from `min` to `max`. */
const whole = (min: number, max: number, unit: string, description: string) =>
  z
    .number()
    .int(`must be a whole number of ${unit}s`)
    .min(min, `must be at least ${min} ${min === 1 ? unit : `${unit}s`}`)
    .max(max, `must be at most ${max.toLocaleString('en-US')} ${unit}s`)
    .meta({ description });

const optionalText = (description: string) => z.string().nullable().optional().meta({ description });

const principalSchema = z
  .strictObject({
    type: z.enum(['USER', 'GROUP']).meta({ description: 'USER or GROUP.' }),
    name: ref(
      'The user name (USER) or group display name (GROUP), or the IAM Identity Center user or group id.',
    ),
  })
  .meta({ description: 'Who the policy is for.' });

const pairSchema = z
  .strictObject({
    account: ref('An account name or 12-digit id.'),
    permissionSet: ref('A permission set name or ARN.'),
  })
  .meta({ description: 'An account and a permission set granted together.' });

const eligibilitySchema = z
  .strictObject({
    principal: principalSchema,
    name: z.string().optional().meta({
      description: 'Unique among the principal’s policies, letter case aside (default: "default").',
    }),
    accounts: refs('Accounts: names or 12-digit ids'),
    ous: refs('OUs or the root: names or ids (ou-…, r-…)'),
    includeNestedOus: z
      .boolean()
      .optional()
      .meta({ description: 'The OUs also cover the accounts of the OUs nested in them (default false).' }),
    permissionSets: refs('Permission sets: names or ARNs'),
    pairs: z
      .array(pairSchema)
      .max(MAX_LIST_ITEMS, `at most ${MAX_LIST_ITEMS.toLocaleString('en-US')} items`)
      .optional()
      .meta({
        description: 'Explicit pairs; a policy with pairs names no accounts, OUs or permission sets.',
      }),
    maxDurationHours: hours('The longest access that may be requested, in hours (1–8000).'),
    approvalRequired: z.boolean().meta({ description: 'Whether requests wait for an approver.' }),
    maxTotalHours: hours(
      'The most hours access may reach with extensions (maxDurationHours–8000; default: maxDurationHours, no extensions).',
    ).optional(),
    extensionApprovalRequired: z
      .boolean()
      .optional()
      .meta({ description: 'Extensions wait for approval like the request (default true).' }),
    breakGlass: z
      .boolean()
      .optional()
      .meta({ description: 'The principal may take this access as break-glass (default false).' }),
    breakGlassMaxHours: whole(
      1,
      MAX_BREAK_GLASS_HOURS,
      'hour',
      'Longest break-glass access, in hours (1–24, at most maxDurationHours; default 1).',
    ).optional(),
    ticketNo: optionalText('The change or incident ticket the policy was made for.'),
  })
  .meta({ description: 'An eligibility policy: who may request which access.' });

const targetSchema = z
  .strictObject({
    type: z.enum(['ACCOUNT', 'OU']).meta({ description: 'ACCOUNT, or OU for an OU or the root.' }),
    name: ref('The account or OU name, or its id (12 digits, ou-…, r-…).'),
  })
  .meta({ description: 'The account, OU or root the policy approves requests for.' });

const stageSchema = z
  .strictObject({
    name: z.string().meta({ description: 'The stage’s name, unique in the policy (1–64 characters).' }),
    groups: refs('Approver groups of the stage: display names or ids'),
    users: refs('Approver users of the stage: user names or ids'),
    approvalsRequired: whole(
      1,
      MAX_APPROVALS_REQUIRED,
      'approval',
      'Approvals the stage needs, from different people (1–10, default 1).',
    ).optional(),
  })
  .meta({ description: 'A stage after the first: at least one group or user.' });

const approverSchema = z
  .strictObject({
    target: targetSchema,
    permissionSets: refs(
      'Scope: only requests for these permission sets (names or ARNs)',
      MAX_APPROVER_SCOPE,
    ),
    includeNestedOus: z
      .boolean()
      .optional()
      .meta({ description: 'An OU or root policy also covers the accounts of nested OUs (default false).' }),
    groups: refs('Approver groups: display names or ids'),
    users: refs('Approver users: user names or ids'),
    also: z
      .boolean()
      .optional()
      .meta({ description: 'Adds its approvers even when a more specific policy applies (default false).' }),
    approvalsRequired: whole(
      1,
      MAX_APPROVALS_REQUIRED,
      'approval',
      'Approvals the groups and users above must give, from different people (1–10, default 1).',
    ).optional(),
    stageName: z
      .string()
      .optional()
      .meta({ description: 'Name of the first stage (the groups and users above), shown in progress.' }),
    nextStages: z
      .array(stageSchema)
      .max(MAX_NEXT_STAGES, `at most ${MAX_NEXT_STAGES} stages`)
      .optional()
      .meta({ description: 'Stages approved in order once the first is complete (at most 5).' }),
    remindAfterMinutes: whole(
      1,
      MAX_TIMER_MINUTES,
      'minute',
      'Remind the approvers this many minutes after a request (1–10080; default: the settings).',
    ).optional(),
    escalateAfterMinutes: whole(
      1,
      MAX_TIMER_MINUTES,
      'minute',
      'Escalate this many minutes after a request, after the reminder (1–10080; default: the settings).',
    ).optional(),
    escalationGroups: refs('Groups requests escalate to (default: the settings): display names or ids'),
    ticketNo: optionalText('The change or incident ticket the policy was made for.'),
  })
  .meta({ description: 'An approver policy: who approves requests for a target, per scope.' });

const settingsSchema = z
  .strictObject({
    maxDurationHours: hours('Longest request, in hours, whatever the policies say.').optional(),
    expiryHours: hours('Hours a pending request waits for a decision.').optional(),
    commentsRequired: z.boolean().optional().meta({ description: 'Approvers and revokers must comment.' }),
    ticketRequired: z
      .boolean()
      .optional()
      .meta({ description: 'Requests and policies need a ticket number.' }),
    approvalWorkflow: z.boolean().optional().meta({ description: 'Off: no request waits for approval.' }),
    sesEnabled: z.boolean().optional().meta({ description: 'Email notifications (SES).' }),
    sesSourceEmail: optionalText('The address email notifications come from (null: none).'),
    sesSourceArn: optionalText('SES identity ARN for sending authorization (null: none).'),
    snsEnabled: z.boolean().optional().meta({ description: 'SNS notifications.' }),
    slackEnabled: z
      .boolean()
      .optional()
      .meta({ description: 'Slack notifications (the token is stored on the Settings page, never here).' }),
    slackAuditChannel: optionalText('Slack channel that receives every notification (null: none).'),
    teamsEnabled: z.boolean().optional().meta({
      description:
        'Microsoft Teams notifications (the webhook URL is stored on the Settings page, never here).',
    }),
    adminGroupName: optionalText('Group whose members are TEAM admins (null: the deployment’s).'),
    auditorGroupName: optionalText('Group whose members are TEAM auditors (null: the deployment’s).'),
    ouCacheEnabled: z.boolean().optional().meta({ description: 'Cache the accounts under each OU.' }),
    sensitiveActions: z
      .array(z.string())
      .max(MAX_LIST_ITEMS, `at most ${MAX_LIST_ITEMS.toLocaleString('en-US')} items`)
      .optional()
      .meta({ description: 'Actions flagged in session logs: eventSource:eventName or eventName.' }),
    reminderMinutes: whole(
      0,
      MAX_TIMER_MINUTES,
      'minute',
      'Remind approvers this many minutes after a request (0: never).',
    ).optional(),
    escalationMinutes: whole(
      0,
      MAX_TIMER_MINUTES,
      'minute',
      'Escalate to escalationGroups this many minutes after a request (0: never).',
    ).optional(),
    escalationGroups: refs('Groups requests escalate to: display names or ids'),
    breakGlassEnabled: z
      .boolean()
      .optional()
      .meta({ description: 'Break-glass where an eligibility policy allows it; false: nowhere.' }),
  })
  .meta({ description: 'The settings. A field left out keeps its current value; null clears a text.' });

const policies = <T extends z.ZodType>(item: T, description: string) =>
  z
    .array(item)
    .max(MAX_DOCUMENT_POLICIES, `at most ${MAX_DOCUMENT_POLICIES.toLocaleString('en-US')} policies`)
    .optional()
    .meta({ description });

/** The policy document, version 1. */
export const policyDocumentSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Where editors find this schema.' }),
    version: z.literal(POLICY_DOCUMENT_VERSION, { error: 'must be 1' }).meta({ description: 'Always 1.' }),
    settings: settingsSchema.optional(),
    eligibility: policies(
      eligibilitySchema,
      'Every eligibility policy: importing removes the ones not listed. Left out: left as they are.',
    ),
    approvers: policies(
      approverSchema,
      'Every approver policy: importing removes the ones not listed. Left out: left as they are.',
    ),
  })
  .meta({
    title: 'TEAM policy document',
    description:
      'Eligibility policies, approver policies and settings of TEAM for IAM Identity Center, as exportPolicies writes them and importPolicies reads them. Accounts, OUs, users, groups and permission sets are given by name or by id.',
  });

export type PolicyDocument = z.output<typeof policyDocumentSchema>;
export type EligibilityEntry = z.output<typeof eligibilitySchema>;
export type ApproverEntry = z.output<typeof approverSchema>;
export type DocumentSettings = z.output<typeof settingsSchema>;
export type StageEntry = z.output<typeof stageSchema>;

/** The JSON Schema of the document, as published in docs/policy-document.schema.json. */
export function policyDocumentJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(policyDocumentSchema, { target: 'draft-7', io: 'input' });
}

/** `eligibility[3].accounts[1]` from a path. */
export function documentPath(path: readonly PropertyKey[]): string {
  return path
    .map((part, index) =>
      typeof part === 'number' ? `[${part}]` : `${index === 0 ? '' : '.'}${String(part)}`,
    )
    .join('');
}

/** A problem with a document: the message starts with where it is. */
export function documentError(path: string, message: string): ValidationError {
  return new ValidationError(path === '' ? message : `${path}: ${message}`, DOCUMENT_FIELD);
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return 'a number';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'an object';
    default:
      return typeof value;
  }
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};

function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type': {
      if (issue.input === undefined) return 'is required';
      const expected = EXPECTED[issue.expected] ?? issue.expected;
      return `must be ${expected}, not ${kindOf(issue.input)}`;
    }
    case 'unrecognized_keys':
      return `unknown field${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
    case 'invalid_value':
      return issue.message.startsWith('must')
        ? issue.message
        : `must be ${issue.values.map((v) => String(v)).join(' or ')}`;
    default:
      return issue.message;
  }
}

/**
 * Checks a parsed value against the document's shape; the first problem becomes a
 * ValidationError naming where it is (`eligibility[3].maxDurationHours: must be …`).
 */
export function checkPolicyDocument(value: unknown): PolicyDocument {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw documentError('', `A policy document must be an object with "version": 1, not ${kindOf(value)}.`);
  }
  const version: unknown = Reflect.get(value, 'version');
  if (version !== POLICY_DOCUMENT_VERSION) {
    throw documentError(
      'version',
      version === undefined
        ? 'is required: this TEAM reads policy documents of version 1.'
        : `this TEAM reads policy documents of version 1, not ${JSON.stringify(version)}.`,
    );
  }
  const result = policyDocumentSchema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (issue === undefined) throw documentError('', 'The policy document is not valid.');
  throw documentError(documentPath(issue.path), `${issueMessage(issue)}.`);
}

// ------------------------------------------------------------------------------------ reading

/** Line and column (1-based) of a character offset. */
function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, Math.max(0, offset));
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Where JSON.parse stopped, found by a small scanner that follows the JSON grammar (Node 20's
 * messages do not always say where): the offset and what was expected there.
 */
function jsonProblem(text: string): { offset: number; expected: string } {
  let at = 0;
  const fail = (expected: string): never => {
    throw Object.assign(new Error(expected), { offset: at, expected });
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text.charAt(at))) at += 1;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, at)) at += word.length;
    else fail('a value');
  };
  const string = () => {
    at += 1;
    for (;;) {
      if (at >= text.length) fail('a closing "');
      const c = text.charAt(at);
      if (c === '"') {
        at += 1;
        return;
      }
      if (c < ' ') fail('no line break or control character inside a string');
      if (c === '\\') {
        const next = text.charAt(at + 1);
        if (next === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(at + 2, at + 6))) fail('four hex digits after \\u');
          at += 6;
          continue;
        }
        if (!'"\\/bfnrt'.includes(next) || next === '') fail('a valid escape');
        at += 2;
        continue;
      }
      at += 1;
    }
  };
  const number = () => {
    const match = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/.exec(text.slice(at));
    if (match === null) fail('a value');
    at += match?.[0].length ?? 0;
  };
  const value = (): void => {
    space();
    const c = text.charAt(at);
    if (c === '{') {
      at += 1;
      space();
      if (text.charAt(at) === '}') {
        at += 1;
        return;
      }
      for (;;) {
        space();
        if (text.charAt(at) !== '"') fail('a field name in double quotes');
        string();
        space();
        if (text.charAt(at) !== ':') fail('":"');
        at += 1;
        value();
        space();
        if (text.charAt(at) === ',') {
          at += 1;
          continue;
        }
        if (text.charAt(at) === '}') {
          at += 1;
          return;
        }
        fail('"," or "}"');
      }
    }
    if (c === '[') {
      at += 1;
      space();
      if (text.charAt(at) === ']') {
        at += 1;
        return;
      }
      for (;;) {
        value();
        space();
        if (text.charAt(at) === ',') {
          at += 1;
          continue;
        }
        if (text.charAt(at) === ']') {
          at += 1;
          return;
        }
        fail('"," or "]"');
      }
    }
    if (c === '"') return string();
    if (c === 't') return literal('true');
    if (c === 'f') return literal('false');
    if (c === 'n') return literal('null');
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    fail(at >= text.length ? 'a value before the end' : 'a value');
  };
  try {
    value();
    space();
    if (at < text.length) fail('the end of the document');
  } catch (error) {
    const offset: unknown = Reflect.get(error as object, 'offset');
    const expected: unknown = Reflect.get(error as object, 'expected');
    if (typeof offset === 'number' && typeof expected === 'string') return { offset, expected };
  }
  return { offset: 0, expected: 'valid JSON' };
}

function parseJson(text: string, what: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    const { offset, expected } = jsonProblem(text);
    const { line, column } = lineAndColumn(text, offset);
    const found = offset >= text.length ? 'the end' : JSON.stringify(text.charAt(offset));
    throw documentError(
      '',
      `${what} is not valid JSON: line ${line}, column ${column}: expected ${expected}, found ${found}.`,
    );
  }
}

/** The first line of a YAML error, without the position the parser appends. */
function yamlReason(error: YAMLError): string {
  const first = error.message.split('\n')[0] ?? error.message;
  return first.replace(/ at line \d+, column \d+:?$/, '');
}

function parseYaml(text: string, what: string): unknown {
  const parsed = parseDocument(text, { uniqueKeys: true, prettyErrors: true });
  const error = parsed.errors[0];
  if (error !== undefined) {
    const at = error.linePos?.[0];
    const where = at === undefined ? lineAndColumn(text, error.pos[0]) : { line: at.line, column: at.col };
    throw documentError(
      '',
      `${what} is not valid YAML: line ${where.line}, column ${where.column}: ${yamlReason(error)}.`,
    );
  }
  // Digits with a leading zero, or twelve of them, are an account id to people and an integer
  // to YAML (which drops the zeros): keep them as written. No number in a document can be either.
  visit(parsed, {
    Scalar(_key, node) {
      const source = node.source ?? '';
      if (node.type === 'PLAIN' && typeof node.value === 'number' && /^(?:0\d+|\d{12})$/.test(source)) {
        node.value = source;
      }
    },
  });
  try {
    return parsed.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (error) {
    throw documentError('', `${what} is not valid YAML: ${(error as Error).message}.`);
  }
}

/**
 * The value a document's text holds: JSON when it starts with `{` or `[`, YAML otherwise. Bad
 * syntax is a ValidationError with the line and column.
 */
export function parseDocumentText(text: string, what = 'The document'): unknown {
  if (text.length > MAX_POLICY_DOCUMENT_LENGTH) {
    throw documentError(
      '',
      `${what} is too long: at most ${MAX_POLICY_DOCUMENT_LENGTH.toLocaleString('en-US')} characters.`,
    );
  }
  const body = text.replace(/^\uFEFF/, '');
  if (body.trim() === '') throw documentError('', `${what} is empty.`);
  const first = body.trimStart().charAt(0);
  return first === '{' || first === '[' ? parseJson(body, what) : parseYaml(body, what);
}

/** Reads a policy document (JSON or YAML) and checks its shape. */
export function readPolicyDocument(text: string): PolicyDocument {
  return checkPolicyDocument(parseDocumentText(text));
}

/** A document as exported: 2-space indented JSON with a trailing newline. */
export function serializePolicyDocument(document: PolicyDocument): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
