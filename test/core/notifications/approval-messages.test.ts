import { describe, expect, it } from 'vitest';
import {
  BREAK_GLASS_PREFIX,
  buildNotificationEvent,
  renderMessage,
  type MessageField,
  type NotificationEventType,
} from '../../../lambdas/core/notifications';
import type { AccessRequest, Actor, Extension } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { DEMO } from '../../fakes';

const { alice, bob, frank, carol } = DEMO.users;
const APP = 'https://team.example.com';
const actor = (u: { id: string; email: string; displayName?: string }): Actor => ({
  id: u.id,
  email: u.email,
  name: u.displayName,
});
const fieldsOf = (fields: MessageField[]) => Object.fromEntries(fields.map((f) => [f.label, f.value]));

const base = aRequest({
  id: 'req-1',
  startTime: '2026-03-02T10:00:00.000Z',
  durationHours: 2,
  approvers: [actor(bob), actor(frank), actor(carol)],
  approvalStages: [
    { name: 'leads', approverIds: [bob.id, frank.id], required: 1 },
    { name: 'security', approverIds: [carol.id], required: 1 },
  ],
});

const extension = (overrides: Partial<Extension> = {}): Extension => ({
  id: 1,
  hours: 3,
  reason: 'Migration runs late',
  requestedBy: actor(alice),
  requestedAt: '2026-03-02T11:00:00.000Z',
  status: 'pending',
  approvals: [],
  ...overrides,
});

const inProgress = { status: 'in progress' as const, grantedAt: '2026-03-02T10:00:00.000Z' };
const breakGlass = {
  approvalRequired: false,
  approvalStages: undefined,
  breakGlass: { incident: 'INC-9001' },
  justification: 'Payments API down',
};

const render = (type: NotificationEventType, request: AccessRequest, to?: Actor[]) =>
  renderMessage(buildNotificationEvent(type, request, to ? { to } : {}), { appUrl: APP });

describe('renderMessage: approvals, extensions and break-glass', () => {
  const cases: [
    NotificationEventType,
    AccessRequest,
    { title: string; subject: string; summary: string; fields: Record<string, string> },
  ][] = [
    [
      'pending',
      { ...base, approvals: [{ by: actor(bob), at: '2026-03-02T09:10:00.000Z', stage: 0 }] },
      {
        title: 'Access request waiting for approval',
        subject: 'AWS access request for Prod-Payments (333333333331) needs approval',
        summary: 'Alice Requester requests ReadOnlyAccess access to Prod-Payments (333333333331).',
        fields: { Approvals: '1 of 2 approvals, waiting for security' },
      },
    ],
    [
      'reminder',
      base,
      {
        title: 'Reminder: access request waiting for approval',
        subject: 'Reminder: AWS access request for Prod-Payments (333333333331) needs approval',
        summary:
          'The request by Alice Requester for ReadOnlyAccess access to Prod-Payments (333333333331) is still waiting for your approval.',
        fields: { Approvals: '0 of 2 approvals, waiting for leads' },
      },
    ],
    [
      'escalated',
      base,
      {
        title: 'Access request escalated to you',
        subject: 'AWS access request for Prod-Payments (333333333331) escalated to you',
        summary:
          'The request by Alice Requester for ReadOnlyAccess access to Prod-Payments (333333333331) was not approved in time: you can now approve or reject it.',
        fields: { Approvals: '0 of 2 approvals, waiting for leads' },
      },
    ],
    [
      'extension-requested',
      {
        ...base,
        ...inProgress,
        extensions: [
          extension({ approvals: [{ by: actor(frank), at: '2026-03-02T11:05:00.000Z', stage: 0 }] }),
        ],
      },
      {
        title: 'Access extension waiting for approval',
        subject: 'AWS access extension for Prod-Payments (333333333331) needs approval',
        summary:
          'Alice Requester asks for 3 hours more of the ReadOnlyAccess access of Alice Requester to Prod-Payments (333333333331).',
        fields: {
          'End time': '2026-03-02T12:00:00.000Z',
          Extension: '3 hours more',
          Reason: 'Migration runs late',
          Approvals: '1 of 2 approvals, waiting for security',
          'Asked by': 'Alice Requester (alice@example.com)',
        },
      },
    ],
    [
      'extended',
      {
        ...base,
        ...inProgress,
        extensions: [
          extension({
            status: 'approved',
            decidedBy: actor(carol),
            decidedAt: '2026-03-02T11:30:00.000Z',
            comment: 'Fine',
          }),
        ],
      },
      {
        title: 'Access extended',
        subject: 'AWS access extended for Prod-Payments (333333333331)',
        summary:
          'The ReadOnlyAccess access of Alice Requester to Prod-Payments (333333333331) was extended by 3 hours; it now ends on Monday, March 2, 2026 at 3:00 PM UTC.',
        fields: {
          'New end time': '2026-03-02T15:00:00.000Z',
          Extension: '3 hours more',
          'Approved by': `${carol.displayName} (${carol.email})`,
          Comment: 'Fine',
        },
      },
    ],
    [
      'extension-rejected',
      {
        ...base,
        ...inProgress,
        extensions: [
          extension({
            status: 'rejected',
            decidedBy: actor(bob),
            decidedAt: '2026-03-02T11:30:00.000Z',
            comment: 'Finish tomorrow',
          }),
        ],
      },
      {
        title: 'Access extension rejected',
        subject: 'AWS access extension rejected for Prod-Payments (333333333331)',
        summary:
          'Bob Approver rejected the extension of the ReadOnlyAccess access of Alice Requester to Prod-Payments (333333333331); it still ends on Monday, March 2, 2026 at 12:00 PM UTC.',
        fields: { 'Rejected by': 'Bob Approver (bob@example.com)', Comment: 'Finish tomorrow' },
      },
    ],
    [
      'break-glass',
      { ...base, ...breakGlass, status: 'scheduled', review: { state: 'needed' } },
      {
        title: 'BREAK-GLASS: emergency access taken without approval',
        subject: 'BREAK-GLASS: Alice Requester took ReadOnlyAccess access to Prod-Payments (333333333331)',
        summary:
          'Alice Requester took break-glass ReadOnlyAccess access to Prod-Payments (333333333331) for 2 hours, without approval. An approver must review it.',
        fields: {
          Incident: 'INC-9001',
          Justification: 'Payments API down',
          Duration: '2 hours',
          'End time': '2026-03-02T12:00:00.000Z',
        },
      },
    ],
    [
      'review-reminder',
      { ...base, ...breakGlass, status: 'ended', review: { state: 'needed' } },
      {
        title: 'Break-glass access waiting for review',
        subject: 'Review needed: break-glass access to Prod-Payments (333333333331)',
        summary:
          'The break-glass ReadOnlyAccess access of Alice Requester to Prod-Payments (333333333331) has not been reviewed yet: acknowledge or flag it.',
        fields: { Incident: 'INC-9001' },
      },
    ],
    [
      'reviewed',
      {
        ...base,
        ...breakGlass,
        status: 'ended',
        review: { state: 'flagged', by: actor(bob), at: '2026-03-02T13:00:00.000Z', comment: 'No incident' },
      },
      {
        title: 'Break-glass access reviewed',
        subject: 'Break-glass access to Prod-Payments (333333333331) flagged',
        summary:
          'Bob Approver flagged the break-glass ReadOnlyAccess access of Alice Requester to Prod-Payments (333333333331).',
        fields: {
          Review: 'Flagged as questionable',
          'Reviewed by': 'Bob Approver (bob@example.com)',
          Comment: 'No incident',
        },
      },
    ],
  ];

  it.each(cases)('%s', (type, request, expected) => {
    const message = render(type, request);
    expect(message.title).toBe(expected.title);
    expect(message.subject).toBe(expected.subject);
    expect(message.summary).toBe(expected.summary);
    expect(fieldsOf(message.fields)).toMatchObject(expected.fields);
    expect(message.priority).toBe(type === 'break-glass' ? 'high' : 'normal');
    expect(message.link).toBe(`${APP}/requests/req-1`);
    // No raw ISO duration or stage index leaks into what people read.
    expect(`${message.subject} ${message.summary}`).not.toMatch(/PT\dH|stage \d|approvalStages/);
  });

  it('puts the urgency first in the title and subject of break-glass alerts only', () => {
    for (const [type, request] of cases) {
      const message = render(type, request);
      const marked =
        message.title.startsWith(BREAK_GLASS_PREFIX) && message.subject.startsWith(BREAK_GLASS_PREFIX);
      expect(marked).toBe(type === 'break-glass');
    }
  });

  it('leaves the progress out when one approval by anyone listed is all it takes', () => {
    const single = aRequest({ startTime: '2026-03-02T10:00:00.000Z' });
    expect(fieldsOf(render('pending', single).fields)).not.toHaveProperty('Approvals');
    expect(fieldsOf(render('reminder', single).fields)).not.toHaveProperty('Approvals');
  });

  it('says an acknowledged review plainly', () => {
    const request: AccessRequest = {
      ...base,
      ...breakGlass,
      status: 'ended',
      review: { state: 'acknowledged', by: actor(frank), comment: 'Matches INC-9001' },
    };
    const message = render('reviewed', request);
    expect(message.subject).toBe('Break-glass access to Prod-Payments (333333333331) acknowledged');
    expect(fieldsOf(message.fields).Review).toBe('Acknowledged');
  });

  it('records the people an escalation added on the event', () => {
    const event = buildNotificationEvent('escalated', base, { to: [actor(carol)] });
    expect(event.to).toEqual([actor(carol)]);
    expect(event.actor).toBe('system');
  });

  it('takes the actor and time of extension events from the extension', () => {
    const requested = { ...base, ...inProgress, extensions: [extension()] };
    expect(buildNotificationEvent('extension-requested', requested)).toMatchObject({
      actor: actor(alice),
      at: '2026-03-02T11:00:00.000Z',
    });
    // Applied without approval: TEAM acted, when it was asked.
    const applied = { ...base, ...inProgress, extensions: [extension({ status: 'approved' })] };
    expect(buildNotificationEvent('extended', applied)).toMatchObject({
      actor: 'system',
      at: '2026-03-02T11:00:00.000Z',
    });
    expect(fieldsOf(render('extended', applied).fields)).not.toHaveProperty('Approved by');
  });
});
