import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors';
import {
  ACCOUNT_ID,
  IDC_ID,
  OU_OR_ROOT_ID,
  parseIsoDateTime,
  PERMISSION_SET_ARN,
  PERMISSION_SET_NAME,
  validateApproverPolicyInput,
  validateApproverPolicyUpdateInput,
  validateComment,
  validateCreateRequest,
  validateEligibilityPolicyInput,
  validateEligibilityPolicyUpdateInput,
  validateOuIds,
  validateSettingsInput,
} from '../../../lambdas/core/validation';
import { idcId, NOW, psArn, settings } from './fixtures';

/** A valid outcome (compared with toMatchObject) or the field and message of the expected error. */
type Outcome =
  { ok: Record<string, unknown> | true } | { field: string | undefined; message: string | RegExp };

function check(run: () => unknown, outcome: Outcome): void {
  if ('ok' in outcome) {
    const value = run();
    if (outcome.ok !== true) expect(value).toMatchObject(outcome.ok);
    return;
  }
  let error: unknown;
  try {
    run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(ValidationError);
  const v = error as ValidationError;
  expect(v.errorType).toBe('ValidationError');
  expect(v.field).toBe(outcome.field);
  if (typeof outcome.message === 'string') expect(v.message).toBe(outcome.message);
  else expect(v.message).toMatch(outcome.message);
}

const ok = (value: Record<string, unknown> | true = true): Outcome => ({ ok: value });
const bad = (field: string | undefined, message: string | RegExp): Outcome => ({ field, message });

const minutes = (n: number) => n * 60_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();
const ONE_YEAR_LATER = '2027-03-10T12:00:00.000Z';

// ---------------------------------------------------------------------------------------------

describe('validateCreateRequest', () => {
  const base = {
    accountId: '111111111111',
    permissionSetArn: psArn(1),
    durationHours: 2,
    justification: 'Fix the outage',
    ticketNo: 'INC-1',
  };
  const context: Parameters<typeof validateCreateRequest>[1] = {
    now: NOW,
    settings: settings({ ticketRequired: true, maxDurationHours: 9 }),
    maxDurationHours: 4,
  };
  const run =
    (patch: Record<string, unknown>, ctx = context) =>
    () =>
      validateCreateRequest({ ...base, ...patch }, ctx);
  const without = (key: keyof typeof base) => () => {
    const copy: Record<string, unknown> = { ...base };
    delete copy[key];
    return validateCreateRequest(copy, context);
  };
  const jp = '本番環境の障害対応のため、一時的に管理者権限が必要です。';

  const cases: [string, () => unknown, Outcome][] = [
    ['a complete request', run({}), ok({ ...base, startTime: NOW.toISOString() })],
    // account id
    [
      'account id with spaces around',
      run({ accountId: ' 111111111111 ' }),
      ok({ accountId: '111111111111' }),
    ],
    [
      'account id of 11 digits',
      run({ accountId: '11111111111' }),
      bad('accountId', 'Account id must be 12 digits.'),
    ],
    [
      'account id of 13 digits',
      run({ accountId: '1111111111111' }),
      bad('accountId', 'Account id must be 12 digits.'),
    ],
    [
      'account id with letters',
      run({ accountId: '11111111111a' }),
      bad('accountId', 'Account id must be 12 digits.'),
    ],
    [
      'account id as a number',
      run({ accountId: 111111111111 }),
      bad('accountId', 'Account id must be text.'),
    ],
    ['account id missing', without('accountId'), bad('accountId', 'Account id is required.')],
    // permission set
    [
      'permission set ARN in upper case',
      run({ permissionSetArn: psArn(1).toUpperCase() }),
      bad('permissionSetArn', /Permission set ARN must be/),
    ],
    [
      'permission set ARN too short',
      run({ permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-0123/ps-1' }),
      bad('permissionSetArn', /Permission set ARN must be a permission set ARN/),
    ],
    [
      'permission set ARN missing',
      without('permissionSetArn'),
      bad('permissionSetArn', 'Permission set ARN is required.'),
    ],
    // justification
    ['Japanese justification', run({ justification: jp }), ok({ justification: jp })],
    ['accented and emoji justification', run({ justification: 'Café déjà vu 🚒' }), ok()],
    ['justification starting with punctuation', run({ justification: '- see runbook' }), ok()],
    ['justification trimmed', run({ justification: '  padded \n' }), ok({ justification: 'padded' })],
    [
      'justification with newline and tab',
      run({ justification: 'line 1\n\tline 2' }),
      ok({ justification: 'line 1\n\tline 2' }),
    ],
    [
      'justification with CRLF normalized',
      run({ justification: 'a\r\nb\rc' }),
      ok({ justification: 'a\nb\nc' }),
    ],
    ['justification of 2,000 characters', run({ justification: 'x'.repeat(2000) }), ok()],
    [
      'justification of 2,001 characters',
      run({ justification: 'x'.repeat(2001) }),
      bad('justification', 'Justification must be at most 2,000 characters (it has 2,001).'),
    ],
    ['Japanese justification of 2,000 characters', run({ justification: '障'.repeat(2000) }), ok()],
    [
      'Japanese justification of 2,001 characters',
      run({ justification: '障'.repeat(2001) }),
      bad('justification', /at most 2,000/),
    ],
    ['emoji count as one character each', run({ justification: '🚒'.repeat(2000) }), ok()],
    [
      'justification of spaces only',
      run({ justification: '   ' }),
      bad('justification', 'Justification is required.'),
    ],
    ['justification missing', without('justification'), bad('justification', 'Justification is required.')],
    [
      'justification with NUL',
      run({ justification: 'a\u0000b' }),
      bad('justification', 'Justification must not contain control characters.'),
    ],
    [
      'justification with BEL',
      run({ justification: 'a\u0007b' }),
      bad('justification', /control characters/),
    ],
    [
      'justification with an ANSI escape',
      run({ justification: '\u001b[31mred' }),
      bad('justification', /control characters/),
    ],
    [
      'justification with DEL',
      run({ justification: 'a\u007fb' }),
      bad('justification', /control characters/),
    ],
    [
      'justification with a C1 control',
      run({ justification: 'a\u0085b' }),
      bad('justification', /control characters/),
    ],
    [
      'justification with vertical tab',
      run({ justification: 'a\u000bb' }),
      bad('justification', /control characters/),
    ],
    [
      'justification not text',
      run({ justification: 42 }),
      bad('justification', 'Justification must be text.'),
    ],
    // ticket
    ['Japanese ticket number', run({ ticketNo: '変更-123' }), ok({ ticketNo: '変更-123' })],
    ['ticket number trimmed', run({ ticketNo: '  CHG-9  ' }), ok({ ticketNo: 'CHG-9' })],
    ['ticket number of 50 characters', run({ ticketNo: 'A'.repeat(50) }), ok()],
    [
      'ticket number of 51 characters',
      run({ ticketNo: 'A'.repeat(51) }),
      bad('ticketNo', 'Ticket number must be at most 50 characters.'),
    ],
    [
      'ticket number starting with #',
      run({ ticketNo: '#123' }),
      bad('ticketNo', 'Ticket number must start with a letter or digit.'),
    ],
    [
      'ticket number with a newline',
      run({ ticketNo: 'A\n1' }),
      bad('ticketNo', /must not contain control characters/),
    ],
    [
      'ticket number blank when required',
      run({ ticketNo: '  ' }),
      bad('ticketNo', 'Ticket number is required.'),
    ],
    [
      'ticket number missing when required',
      without('ticketNo'),
      bad('ticketNo', 'Ticket number is required.'),
    ],
    [
      'ticket number missing when not required',
      run({ ticketNo: null }, { ...context, settings: settings({ ticketRequired: false }) }),
      ok(),
    ],
    ['ticket number not text', run({ ticketNo: 5 }), bad('ticketNo', 'Ticket number must be text.')],
    // start time
    ['start time defaults to now', run({ startTime: null }), ok({ startTime: NOW.toISOString() })],
    [
      'start time 4 minutes in the past',
      run({ startTime: at(-minutes(4)) }),
      ok({ startTime: at(-minutes(4)) }),
    ],
    ['start time exactly 5 minutes in the past', run({ startTime: at(-minutes(5)) }), ok()],
    [
      'start time 6 minutes in the past',
      run({ startTime: at(-minutes(6)) }),
      bad('startTime', 'Start time must not be more than 5 minutes in the past.'),
    ],
    ['start time in one year', run({ startTime: ONE_YEAR_LATER }), ok({ startTime: ONE_YEAR_LATER })],
    [
      'start time one year and one second ahead',
      run({ startTime: '2027-03-10T12:00:01Z' }),
      bad('startTime', 'Start time must be within one year from now.'),
    ],
    [
      'start time with an offset',
      run({ startTime: '2026-03-10T23:30:00+09:00' }),
      ok({ startTime: '2026-03-10T14:30:00.000Z' }),
    ],
    [
      'start time without a time zone',
      run({ startTime: '2026-03-10T13:00:00' }),
      bad('startTime', /ISO 8601 date and time with a time zone/),
    ],
    ['start time on 30 February', run({ startTime: '2027-02-30T10:00:00Z' }), bad('startTime', /ISO 8601/)],
    ['start time in words', run({ startTime: 'tomorrow' }), bad('startTime', /ISO 8601/)],
    [
      'start time as a number',
      run({ startTime: NOW.getTime() }),
      bad('startTime', 'Start time must be text.'),
    ],
    // duration
    ['duration 0', run({ durationHours: 0 }), bad('durationHours', 'Duration must be at least 1 hour.')],
    ['duration 1', run({ durationHours: 1 }), ok({ durationHours: 1 })],
    [
      'duration 8000',
      run(
        { durationHours: 8000 },
        { ...context, settings: settings({ maxDurationHours: 8000 }), maxDurationHours: 8000 },
      ),
      ok({ durationHours: 8000 }),
    ],
    [
      'duration 8001',
      run(
        { durationHours: 8001 },
        { ...context, settings: settings({ maxDurationHours: 8000 }), maxDurationHours: 8000 },
      ),
      bad('durationHours', 'Duration must be at most 8000 hours.'),
    ],
    [
      'duration 1.5',
      run({ durationHours: 1.5 }),
      bad('durationHours', 'Duration must be a whole number of hours.'),
    ],
    ['duration -1', run({ durationHours: -1 }), bad('durationHours', 'Duration must be at least 1 hour.')],
    ['duration as text', run({ durationHours: '2' }), bad('durationHours', 'Duration must be a number.')],
    ['duration NaN', run({ durationHours: Number.NaN }), bad('durationHours', 'Duration must be a number.')],
    ['duration missing', without('durationHours'), bad('durationHours', 'Duration is required.')],
    ['duration at the policy maximum', run({ durationHours: 4 }), ok()],
    [
      'duration above the policy maximum',
      run({ durationHours: 5 }),
      bad('durationHours', 'Duration must be at most 4 hours for this account and permission set.'),
    ],
    [
      'duration above the settings maximum',
      run({ durationHours: 10 }, { now: NOW, settings: settings({ maxDurationHours: 9 }) }),
      bad('durationHours', 'Duration must be at most 9 hours for this account and permission set.'),
    ],
    [
      'policy maximum of one hour',
      run({ durationHours: 2 }, { ...context, maxDurationHours: 1 }),
      bad('durationHours', 'Duration must be at most 1 hour for this account and permission set.'),
    ],
    // shape
    [
      'input that is not an object',
      () => validateCreateRequest(null, context),
      bad(undefined, 'The request must be an object.'),
    ],
    [
      'input that is text',
      () => validateCreateRequest('x', context),
      bad(undefined, 'The request must be an object.'),
    ],
  ];

  it.each(cases)('%s', (_name, attempt, outcome) => check(attempt, outcome));

  it('drops fields the client may not set', () => {
    const result = validateCreateRequest({ ...base, status: 'approved', approvers: ['me'] }, context);
    expect(Object.keys(result).sort()).toEqual(
      ['accountId', 'durationHours', 'justification', 'permissionSetArn', 'startTime', 'ticketNo'].sort(),
    );
  });

  it('leaves the ticket out when none is given', () => {
    const result = validateCreateRequest(
      { ...base, ticketNo: '' },
      { ...context, settings: settings({ ticketRequired: false }) },
    );
    expect('ticketNo' in result).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

describe('validateComment', () => {
  const cases: [string, unknown, { required: boolean; field: string }, Outcome | undefined][] = [
    [
      'required and missing',
      undefined,
      { required: true, field: 'comment' },
      bad('comment', 'Comment is required.'),
    ],
    [
      'required and blank',
      '  ',
      { required: true, field: 'revokeComment' },
      bad('revokeComment', 'Revoke comment is required.'),
    ],
    ['optional and missing', undefined, { required: false, field: 'comment' }, undefined],
    ['optional and null', null, { required: false, field: 'comment' }, undefined],
    ['trimmed', '  looks good ', { required: true, field: 'comment' }, { ok: true }],
    ['Japanese', '承認します', { required: true, field: 'comment' }, { ok: true }],
    [
      '2,001 characters',
      'y'.repeat(2001),
      { required: false, field: 'comment' },
      bad('comment', /at most 2,000/),
    ],
    [
      'a control character',
      'ok\u0000',
      { required: false, field: 'comment' },
      bad('comment', 'Comment must not contain control characters.'),
    ],
    ['not text', 7, { required: false, field: 'comment' }, bad('comment', 'Comment must be text.')],
    [
      'an unknown field named in words',
      undefined,
      { required: true, field: 'decisionNote' },
      bad('decisionNote', 'Decision note is required.'),
    ],
  ];
  it.each(cases)('%s', (_name, value, options, outcome) => {
    if (outcome === undefined) expect(validateComment(value, options)).toBeUndefined();
    else check(() => validateComment(value, options), outcome);
  });

  it('returns the trimmed text', () => {
    expect(validateComment('  looks good ', { required: true, field: 'comment' })).toBe('looks good');
    expect(validateComment('承認します', { required: true, field: 'comment' })).toBe('承認します');
  });
});

// ---------------------------------------------------------------------------------------------

describe('validateEligibilityPolicyInput', () => {
  const base = {
    principals: [{ id: idcId(1), type: 'GROUP', name: 'TEAM-Users' }],
    accounts: [{ id: '111111111111', name: 'Production' }],
    ous: [{ id: 'ou-ab12-abcdefgh', name: 'NonProduction' }],
    permissionSets: [{ arn: psArn(1), name: 'ReadOnlyAccess' }],
    maxDurationHours: 8,
    approvalRequired: true,
    ticketNo: 'CHG-1',
  };
  const strict = settings({ ticketRequired: true });
  const run =
    (patch: Record<string, unknown>, s = strict) =>
    () =>
      validateEligibilityPolicyInput({ ...base, ...patch }, s);

  const cases: [string, () => unknown, Outcome][] = [
    ['a complete policy', run({}), ok(base)],
    [
      'a user principal without identity store prefix',
      run({ principals: [{ id: idcId(2, false), type: 'USER', name: 'jane@example.com' }] }),
      ok(),
    ],
    ['the root as an OU', run({ ous: [{ id: 'r-ab12', name: 'Root' }] }), ok()],
    ['accounts only', run({ ous: [] }), ok()],
    ['OUs only', run({ accounts: [] }), ok()],
    ['no principals', run({ principals: [] }), bad('principals', 'Choose at least one user or group.')],
    [
      'a malformed principal id',
      run({ principals: [{ id: 'user-1', type: 'USER', name: 'x' }] }),
      bad('principals.0.id', 'User or group id must be an IAM Identity Center id (item 1).'),
    ],
    [
      'a wrong principal type',
      run({ principals: [{ id: idcId(1), type: 'ROLE', name: 'x' }] }),
      bad('principals.0.type', 'Principal type must be USER or GROUP (item 1).'),
    ],
    [
      'a principal name with a line break',
      run({ principals: [{ id: idcId(1), type: 'GROUP', name: 'a\nb' }] }),
      bad('principals.0.name', /printable text on one line/),
    ],
    [
      'a group name of 1,024 characters',
      run({ principals: [{ id: idcId(1), type: 'GROUP', name: 'g'.repeat(1024) }] }),
      ok(),
    ],
    [
      'a group name of 1,025 characters',
      run({ principals: [{ id: idcId(1), type: 'GROUP', name: 'g'.repeat(1025) }] }),
      bad('principals.0.name', /at most 1,024 characters/),
    ],
    [
      'a bad account id in second position',
      run({ accounts: [base.accounts[0], { id: '12', name: 'x' }] }),
      bad('accounts.1.id', 'Account id must be 12 digits (item 2).'),
    ],
    [
      'an account name of 50 characters',
      run({ accounts: [{ id: '111111111111', name: 'n'.repeat(50) }] }),
      ok(),
    ],
    [
      'an account name of 51 characters',
      run({ accounts: [{ id: '111111111111', name: 'n'.repeat(51) }] }),
      bad('accounts.0.name', /Account name must be at most 50 characters/),
    ],
    [
      'a malformed OU id',
      run({ ous: [{ id: 'ou-abc', name: 'x' }] }),
      bad('ous.0.id', /OU id must be an OU id \(ou-…\) or the root id/),
    ],
    [
      'no permission sets',
      run({ permissionSets: [] }),
      bad('permissionSets', 'Choose at least one permission set.'),
    ],
    [
      'a permission set name with a space',
      run({ permissionSets: [{ arn: psArn(1), name: 'Read Only' }] }),
      bad('permissionSets.0.name', /Permission set name must be 1 to 32/),
    ],
    [
      'a permission set name of 32 characters',
      run({ permissionSets: [{ arn: psArn(1), name: 'P'.repeat(32) }] }),
      ok(),
    ],
    [
      'a permission set name of 33 characters',
      run({ permissionSets: [{ arn: psArn(1), name: 'P'.repeat(33) }] }),
      bad('permissionSets.0.name', /Permission set name/),
    ],
    [
      'a malformed permission set ARN',
      run({ permissionSets: [{ arn: 'arn:x', name: 'A' }] }),
      bad('permissionSets.0.arn', /Permission set ARN/),
    ],
    [
      'neither accounts nor OUs',
      run({ accounts: [], ous: [] }),
      bad('accounts', 'Choose at least one account or OU.'),
    ],
    ['accounts not a list', run({ accounts: 'all' }), bad('accounts', 'Accounts must be a list.')],
    [
      'maximum duration 0',
      run({ maxDurationHours: 0 }),
      bad('maxDurationHours', 'Maximum duration must be at least 1 hour.'),
    ],
    ['maximum duration 8000', run({ maxDurationHours: 8000 }), ok()],
    [
      'maximum duration 8001',
      run({ maxDurationHours: 8001 }),
      bad('maxDurationHours', 'Maximum duration must be at most 8000 hours.'),
    ],
    ['maximum duration 1.5', run({ maxDurationHours: 1.5 }), bad('maxDurationHours', /whole number/)],
    [
      'approval flag missing',
      run({ approvalRequired: undefined }),
      bad('approvalRequired', 'Approval required must be true or false.'),
    ],
    [
      'ticket missing when required',
      run({ ticketNo: undefined }),
      bad('ticketNo', 'Ticket number is required.'),
    ],
    [
      'ticket missing when not required',
      run({ ticketNo: undefined }, settings({ ticketRequired: false })),
      ok(),
    ],
    [
      'a ticket starting with a dash',
      run({ ticketNo: '-1' }),
      bad('ticketNo', /start with a letter or digit/),
    ],
    [
      'not an object',
      () => validateEligibilityPolicyInput([], strict),
      bad(undefined, 'The eligibility policy must be an object.'),
    ],
  ];
  it.each(cases)('%s', (_name, attempt, outcome) => check(attempt, outcome));

  it('de-duplicates principals, accounts, OUs and permission sets by id', () => {
    const result = validateEligibilityPolicyInput(
      {
        ...base,
        principals: [...base.principals, ...base.principals],
        accounts: [...base.accounts, { id: '111111111111', name: 'again' }],
        ous: [...base.ous, ...base.ous],
        permissionSets: [...base.permissionSets, ...base.permissionSets],
      },
      strict,
    );
    expect(result.principals).toHaveLength(1);
    expect(result.accounts).toEqual(base.accounts);
    expect(result.ous).toHaveLength(1);
    expect(result.permissionSets).toHaveLength(1);
  });

  it('validates an edit without principals', () => {
    const { principals: _principals, ...scope } = base;
    expect(validateEligibilityPolicyUpdateInput(scope, strict)).toEqual(scope);
    check(
      () => validateEligibilityPolicyUpdateInput({ ...scope, ous: [], accounts: [] }, strict),
      bad('accounts', /at least one account/),
    );
  });
});

// ---------------------------------------------------------------------------------------------

describe('validateApproverPolicyInput', () => {
  const base = {
    targets: [
      { id: '111111111111', type: 'ACCOUNT', name: 'Production' },
      { id: 'ou-ab12-abcdefgh', type: 'OU', name: 'NonProduction' },
    ],
    approverGroups: [{ id: idcId(7), name: 'TEAM-Approvers-Production' }],
    ticketNo: 'CHG-2',
  };
  const strict = settings({ ticketRequired: true });
  const run =
    (patch: Record<string, unknown>, s = strict) =>
    () =>
      validateApproverPolicyInput({ ...base, ...patch }, s);

  const cases: [string, () => unknown, Outcome][] = [
    ['a complete policy', run({}), ok(base)],
    ['the root as a target', run({ targets: [{ id: 'r-ab12', type: 'OU', name: 'Root' }] }), ok()],
    ['no targets', run({ targets: [] }), bad('targets', 'Choose at least one account or OU.')],
    [
      'an account target with an OU id',
      run({ targets: [{ id: 'ou-ab12-abcdefgh', type: 'ACCOUNT', name: 'x' }] }),
      bad('targets.0.id', 'Account id must be 12 digits (item 1).'),
    ],
    [
      'an OU target with an account id',
      run({ targets: [{ id: '111111111111', type: 'OU', name: 'x' }] }),
      bad('targets.0.id', /OU id must be an OU id/),
    ],
    [
      'an account target named with 51 characters',
      run({ targets: [{ id: '111111111111', type: 'ACCOUNT', name: 'n'.repeat(51) }] }),
      bad('targets.0.name', /Account name must be at most 50 characters/),
    ],
    [
      'an unknown target type',
      run({ targets: [{ id: 'r-ab12', type: 'ROOT', name: 'Root' }] }),
      bad('targets.0.type', /Target type must be ACCOUNT or OU/),
    ],
    [
      'no approver groups',
      run({ approverGroups: [] }),
      bad('approverGroups', 'Choose at least one approver group.'),
    ],
    [
      'a malformed group id',
      run({ approverGroups: [{ id: 'admins', name: 'Admins' }] }),
      bad('approverGroups.0.id', /Approver group id must be an IAM Identity Center id/),
    ],
    [
      'a group name with a control character',
      run({ approverGroups: [{ id: idcId(7), name: 'bad\u0001name' }] }),
      bad('approverGroups.0.name', /printable/),
    ],
    ['a Japanese group name', run({ approverGroups: [{ id: idcId(7), name: '承認者グループ' }] }), ok()],
    ['ticket missing when required', run({ ticketNo: '' }), bad('ticketNo', 'Ticket number is required.')],
  ];
  it.each(cases)('%s', (_name, attempt, outcome) => check(attempt, outcome));

  it('de-duplicates targets and groups', () => {
    const result = validateApproverPolicyInput(
      {
        ...base,
        targets: [...base.targets, ...base.targets],
        approverGroups: [...base.approverGroups, ...base.approverGroups],
      },
      strict,
    );
    expect(result.targets).toHaveLength(2);
    expect(result.approverGroups).toHaveLength(1);
  });

  it('validates an edit without targets', () => {
    const { targets: _targets, ...groups } = base;
    expect(validateApproverPolicyUpdateInput(groups, strict)).toEqual(groups);
    check(
      () => validateApproverPolicyUpdateInput({ approverGroups: base.approverGroups }, strict),
      bad('ticketNo', /required/),
    );
    expect(
      validateApproverPolicyUpdateInput(
        { approverGroups: base.approverGroups },
        settings({ ticketRequired: false }),
      ),
    ).toEqual({
      approverGroups: base.approverGroups,
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('validateSettingsInput', () => {
  const run = (input: unknown) => () => validateSettingsInput(input);
  const cases: [string, () => unknown, Outcome][] = [
    ['nothing changed', run({}), ok({})],
    [
      'maximum duration 1 and expiry 8000',
      run({ maxDurationHours: 1, expiryHours: 8000 }),
      ok({ maxDurationHours: 1, expiryHours: 8000 }),
    ],
    [
      'maximum duration 0',
      run({ maxDurationHours: 0 }),
      bad('maxDurationHours', 'Maximum request duration must be at least 1 hour.'),
    ],
    ['maximum duration 8001', run({ maxDurationHours: 8001 }), bad('maxDurationHours', /at most 8000 hours/)],
    [
      'expiry 0',
      run({ expiryHours: 0 }),
      bad('expiryHours', 'Request expiry timeout must be at least 1 hour.'),
    ],
    ['expiry 2.5', run({ expiryHours: 2.5 }), bad('expiryHours', /whole number/)],
    [
      'a flag given as text',
      run({ approvalWorkflow: 'yes' }),
      bad('approvalWorkflow', 'Approval workflow must be true or false.'),
    ],
    [
      'a source email',
      run({ sesSourceEmail: ' team@example.com ' }),
      ok({ sesSourceEmail: 'team@example.com' }),
    ],
    [
      'a malformed source email',
      run({ sesSourceEmail: 'team@example' }),
      bad('sesSourceEmail', 'Source email must be an email address.'),
    ],
    ['a source email cleared with null', run({ sesSourceEmail: null }), ok({ sesSourceEmail: null })],
    ['a source email cleared with empty text', run({ sesSourceEmail: '' }), ok({ sesSourceEmail: '' })],
    [
      'an SES identity ARN',
      run({ sesSourceArn: 'arn:aws:ses:eu-west-1:123456789012:identity/example.com' }),
      ok(),
    ],
    [
      'a GovCloud SES identity ARN',
      run({ sesSourceArn: 'arn:aws-us-gov:ses:us-gov-west-1:123456789012:identity/a@b.com' }),
      ok(),
    ],
    [
      'an SNS ARN as SES identity',
      run({ sesSourceArn: 'arn:aws:sns:eu-west-1:123456789012:topic' }),
      bad('sesSourceArn', /Source ARN must be an SES identity ARN/),
    ],
    [
      'an ARN with a short account',
      run({ sesSourceArn: 'arn:aws:ses:eu-west-1:1234:identity/x' }),
      bad('sesSourceArn', /SES identity ARN/),
    ],
    [
      'a Slack bot token of 10 characters',
      run({ slackToken: 'xoxb-12345' }),
      ok({ slackToken: 'xoxb-12345' }),
    ],
    [
      'a Slack bot token of 9 characters',
      run({ slackToken: 'xoxb-1234' }),
      bad('slackToken', /Slack token must be a bot token/),
    ],
    ['a Slack user token', run({ slackToken: 'xoxp-1234567890' }), bad('slackToken', /xoxb-/)],
    ['an empty Slack token', run({ slackToken: '' }), bad('slackToken', /xoxb-/)],
    ['a Slack token cleared', run({ slackToken: null }), ok({ slackToken: null })],
    ['a Slack channel name', run({ slackAuditChannel: '#team-audit' }), ok()],
    ['a Slack channel id', run({ slackAuditChannel: 'C0123ABCD' }), ok()],
    [
      'a Slack channel with a space',
      run({ slackAuditChannel: 'team audit' }),
      bad('slackAuditChannel', /Slack channel/),
    ],
    ['admin group names', run({ adminGroupName: 'TEAM-Admins', auditorGroupName: 'TEAM 監査' }), ok()],
    [
      'an admin group name with a tab',
      run({ adminGroupName: 'TEAM\tAdmins' }),
      bad('adminGroupName', /TEAM admin group must be printable/),
    ],
    [
      'an auditor group name of 1,025 characters',
      run({ auditorGroupName: 'a'.repeat(1025) }),
      bad('auditorGroupName', /1,024/),
    ],
    [
      'sensitive actions',
      run({ sensitiveActions: ['iam.amazonaws.com:CreateUser', 'DeleteBucket', 'DeleteBucket'] }),
      ok({ sensitiveActions: ['iam.amazonaws.com:CreateUser', 'DeleteBucket'] }),
    ],
    [
      'sensitive actions with a trailing wildcard',
      run({ sensitiveActions: ['iam.amazonaws.com:Delete*', 'iam.amazonaws.com:*', 'Terminate*'] }),
      ok({ sensitiveActions: ['iam.amazonaws.com:Delete*', 'iam.amazonaws.com:*', 'Terminate*'] }),
    ],
    ...['*', 'iam.amazonaws.com:*Delete', 'Del*ete', 'iam.amazonaws.com:Delete**'].map(
      (action): [string, () => unknown, Outcome] => [
        `a misplaced wildcard (${action})`,
        run({ sensitiveActions: [action] }),
        bad('sensitiveActions.0', /Sensitive action must be an event name/),
      ],
    ),
    [
      'a sensitive action with SQL',
      run({ sensitiveActions: ["x' OR 1=1"] }),
      bad('sensitiveActions.0', /Sensitive action must be an event name/),
    ],
    ['not an object', run('settings'), bad(undefined, 'The settings must be an object.')],
  ];
  it.each(cases)('%s', (_name, attempt, outcome) => check(attempt, outcome));

  it('returns only the fields given and drops fields nobody edits', () => {
    expect(validateSettingsInput({ snsEnabled: true, slackTokenConfigured: true, version: 9 })).toEqual({
      snsEnabled: true,
    });
  });
});

// ---------------------------------------------------------------------------------------------

describe('validateOuIds', () => {
  const cases: [string, unknown, Outcome][] = [
    ['a list', ['ou-ab12-abcdefgh', 'r-ab12'], ok()],
    ['text separated by commas and lines', 'ou-ab12-abcdefgh,\nr-ab12  ou-ab12-abcdefgh', ok()],
    ['an empty list', [], bad('ouIds', 'Enter at least one OU id.')],
    ['blank text', ' \n ', bad('ouIds', 'Enter at least one OU id.')],
    ['not a list', 12, bad('ouIds', 'OU ids must be a list of OU or root ids.')],
    [
      'a malformed id',
      ['r-ab12', 'ou-xyz'],
      bad('ouIds.1', 'OU id "ou-xyz" must be an OU id (ou-…) or the root id (r-…) (item 2).'),
    ],
    [
      'a number in the list',
      [5],
      bad('ouIds.0', 'OU id must be an OU id (ou-…) or the root id (r-…) (item 1).'),
    ],
    [
      'too many ids',
      Array.from({ length: 1001 }, () => 'r-ab12'),
      bad('ouIds', 'Enter at most 1000 OU ids.'),
    ],
  ];
  it.each(cases)('%s', (_name, input, outcome) => check(() => validateOuIds(input), outcome));

  it('returns trimmed, de-duplicated ids', () => {
    expect(validateOuIds('ou-ab12-abcdefgh,\nr-ab12  ou-ab12-abcdefgh')).toEqual([
      'ou-ab12-abcdefgh',
      'r-ab12',
    ]);
    expect(validateOuIds([' r-ab12 '])).toEqual(['r-ab12']);
  });
});

// ---------------------------------------------------------------------------------------------

describe('patterns and time parsing', () => {
  it.each([
    [ACCOUNT_ID, '123456789012', true],
    [ACCOUNT_ID, '12345678901', false],
    [PERMISSION_SET_ARN, psArn(255), true],
    [PERMISSION_SET_ARN, `${psArn(1)}x`, false],
    [PERMISSION_SET_NAME, 'AWS+Admin=1,.@_-', true],
    [PERMISSION_SET_NAME, 'Admin!', false],
    [OU_OR_ROOT_ID, 'ou-ab12-abcdefgh', true],
    [OU_OR_ROOT_ID, 'r-ab12', true],
    [OU_OR_ROOT_ID, 'r-ab1', false],
    [OU_OR_ROOT_ID, 'ou-AB12-abcdefgh', false],
    [OU_OR_ROOT_ID, 'xr-ab12', false],
    [IDC_ID, idcId(1), true],
    [IDC_ID, idcId(1, false), true],
    [IDC_ID, `${idcId(1)}-x`, false],
  ])('%s on %s → %s', (pattern, value, matches) => {
    expect(pattern.test(value)).toBe(matches);
  });

  it.each([
    ['2026-03-10T12:00:00Z', '2026-03-10T12:00:00.000Z'],
    ['2026-03-10T12:00Z', '2026-03-10T12:00:00.000Z'],
    ['2026-03-10t12:00:00.123456789z', '2026-03-10T12:00:00.123Z'],
    ['2026-03-10T07:00:00-05:00', '2026-03-10T12:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['2025-02-29T00:00:00Z', undefined],
    ['2026-03-10T24:00:00Z', undefined],
    ['2026-03-10T12:60:00Z', undefined],
    ['2026-13-10T12:00:00Z', undefined],
    ['2026-03-10T12:00:00+24:00', undefined],
    ['2026-03-10', undefined],
  ])('parses %s as %s', (value, expected) => {
    expect(parseIsoDateTime(value)?.toISOString()).toBe(expected);
  });
});
