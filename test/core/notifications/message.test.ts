import { describe, expect, it } from 'vitest';
import {
  buildNotificationEvent,
  formatInTimeZone,
  normalizeAppUrl,
  notificationTypeForStatus,
  renderMessage,
  snsSubject,
  truncateText,
  type MessageField,
  type NotificationEventType,
} from '../../../lambdas/core/notifications';
import type { AccessRequest } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { DEMO } from '../../fakes';

const { alice, bob } = DEMO.users;
const APP = 'https://team.example.com';
const bobActor = { id: bob.id, email: bob.email, name: bob.displayName };

/** The request as it stands after each step. */
function requestAfter(type: NotificationEventType): AccessRequest {
  const base = aRequest({ id: 'req-1', startTime: '2026-03-02T10:00:00.000Z', durationHours: 2 });
  switch (type) {
    case 'approved':
    case 'rejected':
      return {
        ...base,
        status: type,
        decidedBy: bobActor,
        decidedAt: '2026-03-02T09:05:00.000Z',
        decisionComment: type === 'approved' ? 'OK for the incident' : 'Use ReadOnly in staging first',
      };
    case 'revoked':
      return {
        ...base,
        status: 'revoked',
        revokedBy: bobActor,
        revokedAt: '2026-03-02T10:30:00.000Z',
        revokeComment: 'Incident closed',
      };
    case 'error':
      return {
        ...base,
        status: 'error',
        errorReason: 'Identity Center answered FAILED: permission set not provisioned',
      };
    case 'started':
      return { ...base, status: 'in progress', grantedAt: '2026-03-02T10:00:05.000Z' };
    case 'pending':
    case 'cancelled':
    case 'expired':
    case 'scheduled':
    case 'ended':
      return { ...base, status: type };
    default:
      // Repairs, and the events of approvals, extensions and break-glass (approval-messages.test.ts).
      return { ...base, status: 'in progress' };
  }
}

const fieldsOf = (fields: MessageField[]) => Object.fromEntries(fields.map((f) => [f.label, f.value]));

const COMMON = {
  Account: 'Prod-Payments (333333333331)',
  Role: 'ReadOnlyAccess',
  'Start time': '2026-03-02T10:00:00.000Z',
  Duration: '2 hours',
  Requester: 'Alice Requester (alice@example.com)',
  Justification: 'Investigate the payment incident',
  'Ticket number': 'INC-1001',
};

describe('renderMessage: content per event', () => {
  const cases: [NotificationEventType, string, string, string, Record<string, string>][] = [
    [
      'pending',
      'Access request waiting for approval',
      'AWS access request for Prod-Payments (333333333331) needs approval',
      'Alice Requester requests ReadOnlyAccess access to Prod-Payments (333333333331).',
      {},
    ],
    [
      'approved',
      'Access request approved',
      'AWS access request approved for Prod-Payments (333333333331)',
      'Bob Approver approved the request by Alice Requester for ReadOnlyAccess access to Prod-Payments (333333333331).',
      { 'Approved by': 'Bob Approver (bob@example.com)', Comment: 'OK for the incident' },
    ],
    [
      'rejected',
      'Access request rejected',
      'AWS access request rejected for Prod-Payments (333333333331)',
      'Bob Approver rejected the request by Alice Requester for ReadOnlyAccess access to Prod-Payments (333333333331).',
      { 'Rejected by': 'Bob Approver (bob@example.com)', Comment: 'Use ReadOnly in staging first' },
    ],
    [
      'cancelled',
      'Access request cancelled',
      'AWS access request cancelled for Prod-Payments (333333333331)',
      'Alice Requester cancelled the request for ReadOnlyAccess access to Prod-Payments (333333333331).',
      { 'Cancelled by': 'Alice Requester (alice@example.com)' },
    ],
    [
      'expired',
      'Access request expired',
      'AWS access request expired for Prod-Payments (333333333331)',
      'The request by Alice Requester for ReadOnlyAccess access to Prod-Payments (333333333331) expired before anyone approved it.',
      {},
    ],
    [
      'scheduled',
      'Access session scheduled',
      'AWS access session scheduled for Prod-Payments (333333333331)',
      'Alice Requester will get ReadOnlyAccess access to Prod-Payments (333333333331) at the start time.',
      {},
    ],
    [
      'started',
      'Access session started',
      'AWS access session started for Prod-Payments (333333333331)',
      'Alice Requester now has ReadOnlyAccess access to Prod-Payments (333333333331).',
      {},
    ],
    [
      'ended',
      'Access session ended',
      'AWS access session ended for Prod-Payments (333333333331)',
      'The ReadOnlyAccess access of Alice Requester to Prod-Payments (333333333331) has ended.',
      {},
    ],
    [
      'revoked',
      'Access session revoked',
      'AWS access session revoked for Prod-Payments (333333333331)',
      'Bob Approver revoked the ReadOnlyAccess access of Alice Requester to Prod-Payments (333333333331).',
      { 'Revoked by': 'Bob Approver (bob@example.com)', Comment: 'Incident closed' },
    ],
    [
      'error',
      'Access request failed',
      'Error handling AWS access for Prod-Payments (333333333331)',
      'TEAM could not complete the request by Alice Requester for ReadOnlyAccess access to Prod-Payments (333333333331).',
      { Error: 'Identity Center answered FAILED: permission set not provisioned' },
    ],
    [
      'repaired',
      'Access session repaired',
      'AWS access repaired for Prod-Payments (333333333331)',
      'TEAM corrected the ReadOnlyAccess access of Alice Requester to Prod-Payments (333333333331).',
      { 'What was corrected': 'Account assignment re-created' },
    ],
  ];

  it.each(cases)('%s', (type, title, subject, summary, extra) => {
    const input = type === 'repaired' ? { errorReason: 'Account assignment re-created' } : {};
    const message = renderMessage(buildNotificationEvent(type, requestAfter(type), input), { appUrl: APP });
    expect(message).toMatchObject({
      type,
      requestId: 'req-1',
      title,
      subject,
      summary,
      startTime: '2026-03-02T10:00:00.000Z',
      link: 'https://team.example.com/requests/req-1',
      linkLabel: 'Open in TEAM',
    });
    expect(fieldsOf(message.fields)).toEqual({ ...COMMON, ...extra });
    // Fields come in a fixed order: request facts first, then who acted, then what went wrong.
    expect(message.fields.map((f) => f.key).slice(0, 7)).toEqual([
      'account',
      'role',
      'start',
      'duration',
      'requester',
      'justification',
      'ticket',
    ]);
  });

  it('leaves out a missing ticket, says "1 hour", and keeps free text as written', () => {
    const request = aRequest({
      ticketNo: undefined,
      durationHours: 1,
      justification: '<script>alert(1)</script>\n<@U123> *bold* 日本語の理由',
    });
    const message = renderMessage(buildNotificationEvent('pending', request), { appUrl: APP });
    const fields = fieldsOf(message.fields);
    expect(fields['Ticket number']).toBeUndefined();
    expect(fields.Duration).toBe('1 hour');
    expect(fields.Justification).toBe('<script>alert(1)</script>\n<@U123> *bold* 日本語の理由');
  });

  it('builds the deep link from the configured app URL (custom domain, path, trailing slash)', () => {
    const event = buildNotificationEvent('pending', aRequest({ id: 'abc-123' }));
    expect(renderMessage(event, { appUrl: 'https://access.corp.example/' }).link).toBe(
      'https://access.corp.example/requests/abc-123',
    );
    expect(renderMessage(event, { appUrl: 'https://corp.example/team//' }).link).toBe(
      'https://corp.example/team/requests/abc-123',
    );
    expect(renderMessage(event, { appUrl: 'http://127.0.0.1:5173' }).link).toBe(
      'http://127.0.0.1:5173/requests/abc-123',
    );
    expect(() => normalizeAppUrl('javascript:alert(1)')).toThrow(/https/);
    expect(() => normalizeAppUrl('team.example.com')).toThrow(/absolute/);
  });

  it('names people by email when they have no display name, and the account by id when it has no name', () => {
    const request = aRequest({
      requester: { id: alice.id, email: alice.email },
      accountName: '',
      status: 'approved',
      decidedBy: { id: bob.id, email: bob.email },
    });
    const message = renderMessage(buildNotificationEvent('approved', request), { appUrl: APP });
    expect(message.summary).toBe(
      'bob@example.com approved the request by alice@example.com for ReadOnlyAccess access to 333333333331.',
    );
    expect(fieldsOf(message.fields)['Approved by']).toBe('bob@example.com');
  });
});

describe('buildNotificationEvent', () => {
  it('takes the actor, comment and time the request records for the step', () => {
    const event = buildNotificationEvent('revoked', requestAfter('revoked'));
    expect(event).toMatchObject({
      actor: bobActor,
      comment: 'Incident closed',
      at: '2026-03-02T10:30:00.000Z',
    });
    expect(buildNotificationEvent('ended', requestAfter('ended')).actor).toBe('system');
    expect(buildNotificationEvent('cancelled', requestAfter('cancelled')).actor).toEqual(
      requestAfter('cancelled').requester,
    );
  });

  it('lets the caller state who acted, the reason and the time (a blank comment keeps the recorded one)', () => {
    const event = buildNotificationEvent('revoked', requestAfter('revoked'), {
      actor: 'system',
      comment: '  ',
      errorReason: 'Assignment deleted twice',
      at: '2026-03-02T11:00:00.000Z',
    });
    expect(event.actor).toBe('system');
    expect(event.comment).toBe('Incident closed');
    expect(event.errorReason).toBe('Assignment deleted twice');
    expect(event.at).toBe('2026-03-02T11:00:00.000Z');
  });

  it('always gives an error a reason', () => {
    const request = aRequest({ status: 'error' });
    expect(buildNotificationEvent('error', request).errorReason).toBe('Unknown error');
    expect(buildNotificationEvent('error', request, { errorReason: 'Grant FAILED' }).errorReason).toBe(
      'Grant FAILED',
    );
  });

  it('maps statuses to events (in progress → started)', () => {
    expect(notificationTypeForStatus('in progress')).toBe('started');
    expect(notificationTypeForStatus('revoked')).toBe('revoked');
  });
});

describe('subjects and text helpers', () => {
  it('keeps SNS subjects to 100 printable ASCII characters, cut with "..."', () => {
    const long = `AWS access request approved for ${'Very-Long-Account-Name-'.repeat(6)}(333333333331)`;
    const subject = snsSubject(long);
    expect(subject).toHaveLength(100);
    expect(subject.endsWith('...')).toBe(true);
    expect(subject.startsWith('AWS access request approved for Very-Long-Account-Name-')).toBe(true);
    expect(snsSubject('Short subject')).toBe('Short subject');
  });

  it('makes SNS subjects single-line ASCII (accents dropped, other scripts replaced)', () => {
    expect(snsSubject('  Accès\napprouvé  pour Café (1)\t')).toBe('Acces approuve pour Cafe (1)');
    expect(snsSubject('本番 account')).toBe('?? account');
    expect(snsSubject('\n\n')).toBe('TEAM notification');
    for (const s of [snsSubject('x'.repeat(500)), snsSubject('日本語'.repeat(80))]) {
      expect(s.length).toBeLessThanOrEqual(100);
      expect(s).toMatch(/^[\x21-\x7e][\x20-\x7e]*$/);
    }
  });

  it('never splits a surrogate pair when truncating', () => {
    const text = '😀'.repeat(10);
    const cut = truncateText(text, 6);
    expect(cut).toBe('😀😀…');
    expect(cut.length).toBeLessThanOrEqual(6);
    expect(truncateText('short', 10)).toBe('short');
  });

  it('formats a time in the reader’s time zone, falling back to UTC', () => {
    const iso = '2026-03-02T10:00:00.000Z';
    expect(formatInTimeZone(iso, 'Europe/Amsterdam')).toBe('Monday, March 2, 2026 at 11:00 AM GMT+1');
    expect(formatInTimeZone(iso, 'Asia/Tokyo')).toBe('Monday, March 2, 2026 at 7:00 PM GMT+9');
    expect(formatInTimeZone(iso, 'America/Los_Angeles')).toBe('Monday, March 2, 2026 at 2:00 AM PST');
    expect(formatInTimeZone(iso, 'Not/AZone')).toBe('Monday, March 2, 2026 at 10:00 AM UTC');
    expect(formatInTimeZone(iso)).toBe('Monday, March 2, 2026 at 10:00 AM UTC');
    expect(formatInTimeZone('not a date', 'UTC')).toBe('not a date');
  });
});
