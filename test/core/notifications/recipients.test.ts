import { describe, expect, it } from 'vitest';
import {
  NOTIFICATION_EVENT_TYPES,
  recipientsFor,
  type NotificationEventType,
  type Recipients,
} from '../../../lambdas/core/notifications';
import { aRequest } from '../../builders';
import { DEMO } from '../../fakes';

const { alice, bob, frank, carol } = DEMO.users;
const emails = (r: Recipients) => ({ to: r.to.map((p) => p.email), cc: r.cc.map((p) => p.email) });

const A = alice.email;
const APPROVERS = [bob.email, frank.email];

describe('recipientsFor: the SPEC matrix', () => {
  const cases: [NotificationEventType, { to: string[]; cc: string[] }, { to: string[]; cc: string[] }][] = [
    // event, approval required, approval not required
    ['pending', { to: APPROVERS, cc: [] }, { to: APPROVERS, cc: [] }],
    ['approved', { to: [A], cc: APPROVERS }, { to: [A], cc: APPROVERS }],
    ['rejected', { to: [A], cc: APPROVERS }, { to: [A], cc: APPROVERS }],
    ['cancelled', { to: APPROVERS, cc: [A] }, { to: APPROVERS, cc: [A] }],
    ['expired', { to: [A], cc: APPROVERS }, { to: [A], cc: [] }],
    ['scheduled', { to: [A], cc: APPROVERS }, { to: [A], cc: [] }],
    ['started', { to: [A], cc: APPROVERS }, { to: [A], cc: [] }],
    ['ended', { to: [A], cc: APPROVERS }, { to: [A], cc: [] }],
    ['revoked', { to: [A], cc: APPROVERS }, { to: [A], cc: [] }],
    ['error', { to: [A], cc: APPROVERS }, { to: [A], cc: [] }],
    ['repaired', { to: [A], cc: APPROVERS }, { to: [A], cc: [] }],
  ];

  it('covers every event type', () => {
    expect(cases.map(([type]) => type).sort()).toEqual([...NOTIFICATION_EVENT_TYPES].sort());
  });

  it.each(cases)('%s → approval required %j, not required %j', (type, withApproval, withoutApproval) => {
    expect(emails(recipientsFor(type, aRequest({ approvalRequired: true })))).toEqual(withApproval);
    expect(emails(recipientsFor(type, aRequest({ approvalRequired: false })))).toEqual(withoutApproval);
  });

  it('marks why each person is told', () => {
    const r = recipientsFor('approved', aRequest());
    expect(r.to).toEqual([{ id: alice.id, email: alice.email, name: alice.displayName, role: 'requester' }]);
    expect(r.cc.map((p) => p.role)).toEqual(['approver', 'approver']);
  });
});

describe('recipientsFor: each person once', () => {
  it('never lists anyone twice, whoever acted (same id or same email in another case)', () => {
    const request = aRequest({
      approvers: [
        { id: bob.id, email: bob.email, name: bob.displayName },
        { id: bob.id, email: 'BOB@example.com' },
        { id: 'other-id', email: 'Frank@Example.com' },
        { id: frank.id, email: frank.email },
      ],
      decidedBy: { id: bob.id, email: bob.email },
    });
    expect(emails(recipientsFor('approved', request))).toEqual({
      to: [A],
      cc: [bob.email, 'Frank@Example.com'],
    });
  });

  it('keeps a person in To rather than Cc', () => {
    // A stored request never lists the requester as approver; should one slip through, they get one copy.
    const request = aRequest({ approvers: [{ id: alice.id, email: alice.email }, { ...carol }] });
    expect(emails(recipientsFor('approved', request))).toEqual({ to: [A], cc: [carol.email] });
  });

  it('leaves out people without an email', () => {
    const request = aRequest({
      approvers: [
        { id: 'x', email: '  ' },
        { id: bob.id, email: bob.email },
      ],
    });
    expect(emails(recipientsFor('pending', request))).toEqual({ to: [bob.email], cc: [] });
  });

  it('makes the copies the To list when the primary audience is empty', () => {
    const request = aRequest({ approvers: [], approvalRequired: false, status: 'scheduled' });
    expect(emails(recipientsFor('cancelled', request))).toEqual({ to: [A], cc: [] });
    expect(emails(recipientsFor('pending', request))).toEqual({ to: [], cc: [] });
  });
});
