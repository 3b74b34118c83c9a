import { describe, expect, it } from 'vitest';
import {
  ACCOUNT_ID,
  IDC_ID,
  OU_OR_ROOT_ID,
  PERMISSION_SET_ARN,
  PERMISSION_SET_NAME,
} from '../../../lambdas/contract/patterns';
import {
  MAX_REQUEST_END_MS,
  parseIsoDateTime,
  REQUEST_END_MARGIN_MS,
  validateCreateRequest,
  WORKFLOW_LIFETIME_MS,
} from '../../../lambdas/core/requests/create-request-input';
import { bad, check, type Outcome, idcId, NOW, ok, psArn, settings } from '../fixtures';

const minutes = (n: number) => n * 60_000;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs).toISOString();
const ONE_YEAR_LATER = '2027-03-10T12:00:00.000Z';

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
    // One year ahead is a valid start on its own, but no access starting then ends in time.
    [
      'start time in one year',
      run({ startTime: ONE_YEAR_LATER }),
      bad('startTime', /^Access must end within 364 days from now/),
    ],
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

describe('validateCreateRequest: access ends while its workflow still runs', () => {
  const HOUR = 3_600_000;
  const DAY = 24 * HOUR;
  // Creation + 365 days (the execution's year) - 1 day (margin) = 2027-03-09T12:00:00.000Z.
  const LIMIT = '2027-03-09T12:00:00.000Z';
  const after = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
  const request = { accountId: '111111111111', permissionSetArn: psArn(1), justification: 'Audit' };
  const generous = settings({ maxDurationHours: 8000, expiryHours: 3, ticketRequired: false });
  const attempt =
    (
      startTime: string | null,
      durationHours: number,
      extra: { approvalRequired?: boolean; expiryHours?: number } = {},
    ) =>
    () =>
      validateCreateRequest(
        { ...request, startTime, durationHours },
        {
          now: NOW,
          settings:
            extra.expiryHours === undefined ? generous : { ...generous, expiryHours: extra.expiryHours },
          maxDurationHours: 8000,
          ...(extra.approvalRequired !== undefined ? { approvalRequired: extra.approvalRequired } : {}),
        },
      );
  const endMessage = new RegExp(
    `^Access must end within 364 days from now \\(by ${LIMIT.replace(/\./g, '\\.')}\\)`,
  );

  it('states the rule: one year of execution less one day', () => {
    expect(MAX_REQUEST_END_MS).toBe(WORKFLOW_LIFETIME_MS - REQUEST_END_MARGIN_MS);
    expect(MAX_REQUEST_END_MS).toBe(364 * DAY);
    expect(new Date(NOW.getTime() + MAX_REQUEST_END_MS).toISOString()).toBe(LIMIT);
  });

  const cases: [string, () => unknown, Outcome][] = [
    ['the longest duration starting now', attempt(null, 8000), ok({ durationHours: 8000 })],
    [
      'the longest duration starting as late as it can',
      attempt(after(364 * DAY - 8000 * HOUR), 8000),
      ok({ startTime: after(364 * DAY - 8000 * HOUR) }),
    ],
    [
      'the longest duration starting one hour too late',
      attempt(after(364 * DAY - 8000 * HOUR + HOUR), 8000),
      bad('startTime', endMessage),
    ],
    [
      'one hour ending exactly at the limit',
      attempt(after(364 * DAY - HOUR), 1),
      ok({ startTime: after(364 * DAY - HOUR) }),
    ],
    [
      'one hour ending a second after the limit',
      attempt(after(364 * DAY - HOUR + 1000), 1),
      bad('startTime', endMessage),
    ],
    [
      'one hour starting in 364 days',
      attempt(after(364 * DAY), 1),
      bad('startTime', /start earlier or shorten/),
    ],
    [
      'a start beyond one year keeps its own message',
      attempt(after(366 * DAY), 1),
      bad('startTime', 'Start time must be within one year from now.'),
    ],
    // The wait for a decision: access granted on a late approval lasts the whole duration.
    [
      'approval required, a short expiry changes nothing',
      attempt(null, 8000, { approvalRequired: true }),
      ok({ durationHours: 8000 }),
    ],
    [
      'approval required, an expiry that pushes the end out: the duration is what to change',
      attempt(null, 8000, { approvalRequired: true, expiryHours: 737 }),
      bad(
        'durationHours',
        /approval that comes as late as the 737-hour expiry still lasts the whole duration: shorten the duration\.$/,
      ),
    ],
    [
      'approval required, the expiry exactly at the limit',
      // 736 hours of waiting + 8000 hours of access = 8736 hours = 364 days.
      attempt(null, 8000, { approvalRequired: true, expiryHours: 736 }),
      ok(),
    ],
    [
      'approval required, a start after the expiry: the start time is what to change',
      attempt(after(364 * DAY - 8000 * HOUR + HOUR), 8000, { approvalRequired: true, expiryHours: 3 }),
      bad('startTime', endMessage),
    ],
    [
      'approval required, a start before a long expiry: the duration is what to change',
      attempt(after(10 * DAY), 8000, { approvalRequired: true, expiryHours: 1000 }),
      bad('durationHours', /1000-hour expiry/),
    ],
    [
      'no approval: a long expiry does not count',
      attempt(null, 8000, { approvalRequired: false, expiryHours: 8000 }),
      ok(),
    ],
  ];

  it.each(cases)('%s', (_name, run, outcome) => check(run, outcome));
});

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
