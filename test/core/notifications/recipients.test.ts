import { describe, expect, it } from 'vitest';
import {
  NOTIFICATION_EVENT_TYPES,
  recipientsFor,
  type NotificationEventType,
  type Recipients,
} from '../../../lambdas/core/notifications';
import type { AccessRequest, Approval, Extension } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { DEMO } from '../../fakes';

const { alice, bob, frank, carol, dave } = DEMO.users;
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
    // Without stages, a request has one stage of all its approvers; nobody has approved yet.
    ['reminder', { to: APPROVERS, cc: [] }, { to: APPROVERS, cc: [] }],
    ['escalated', { to: APPROVERS, cc: [A] }, { to: APPROVERS, cc: [A] }],
    // No extension is pending: only the copy is left.
    ['extension-requested', { to: [A], cc: [] }, { to: [A], cc: [] }],
    ['extended', { to: [A], cc: APPROVERS }, { to: [A], cc: APPROVERS }],
    ['extension-rejected', { to: [A], cc: [] }, { to: [A], cc: [] }],
    ['break-glass', { to: APPROVERS, cc: [] }, { to: APPROVERS, cc: [] }],
    ['review-reminder', { to: APPROVERS, cc: [] }, { to: APPROVERS, cc: [] }],
    ['reviewed', { to: [A], cc: APPROVERS }, { to: [A], cc: APPROVERS }],
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

describe('recipientsFor: stages, reminders, escalation and extensions', () => {
  const actor = (u: { id: string; email: string; displayName?: string }) => ({
    id: u.id,
    email: u.email,
    name: u.displayName,
  });
  const D = dave.email;
  const C = carol.email;
  /** Stage 1 "leads" (Bob or Frank, one approval), stage 2 "security" (Carol or Dave, one approval). */
  const staged = (overrides: Partial<AccessRequest> = {}): AccessRequest =>
    aRequest({
      approvers: [actor(bob), actor(frank), actor(carol), actor(dave)],
      approvalStages: [
        { name: 'leads', approverIds: [bob.id, frank.id], required: 1 },
        { name: 'security', approverIds: [carol.id, dave.id], required: 1 },
      ],
      ...overrides,
    });
  const approval = (u: { id: string; email: string; displayName?: string }, stage: number): Approval => ({
    by: actor(u),
    at: '2026-03-02T09:10:00.000Z',
    stage,
  });
  const extension = (approvals: Approval[], status: Extension['status'] = 'pending'): Extension => ({
    id: 1,
    hours: 2,
    reason: 'Migration runs late',
    requestedBy: actor(alice),
    requestedAt: '2026-03-02T11:00:00.000Z',
    status,
    approvals,
  });

  const cases: [string, NotificationEventType, AccessRequest, { to: string[]; cc: string[] }][] = [
    ['pending, first stage open', 'pending', staged(), { to: APPROVERS, cc: [] }],
    [
      'pending again once the first stage is complete',
      'pending',
      staged({ approvals: [approval(bob, 0)] }),
      { to: [C, D], cc: [] },
    ],
    [
      'a reminder skips who already approved in the open stage',
      'reminder',
      aRequest({
        approvers: [actor(bob), actor(frank), actor(carol)],
        approvalStages: [{ approverIds: [bob.id, frank.id, carol.id], required: 2 }],
        approvals: [approval(frank, 0)],
      }),
      { to: [bob.email, C], cc: [] },
    ],
    [
      'a reminder goes to the open stage only',
      'reminder',
      staged({ approvals: [approval(bob, 0)] }),
      { to: [C, D], cc: [] },
    ],
    [
      'an extension goes to its own open stage, not the request’s',
      'extension-requested',
      staged({
        status: 'in progress',
        approvals: [approval(bob, 0), approval(carol, 1)],
        extensions: [extension([approval(frank, 0)])],
      }),
      { to: [C, D], cc: [A] },
    ],
    [
      'an extension asked before any approval of it goes to the first stage',
      'extension-requested',
      staged({ status: 'in progress', extensions: [extension([], 'rejected'), { ...extension([]), id: 2 }] }),
      { to: APPROVERS, cc: [A] },
    ],
    [
      'break-glass goes to every approver of the request',
      'break-glass',
      staged({ approvalRequired: false, breakGlass: { incident: 'INC-9001' } }),
      { to: [...APPROVERS, C, D], cc: [] },
    ],
    [
      'a review reminder goes to every approver of the request',
      'review-reminder',
      staged({ breakGlass: { incident: 'INC-9001' }, review: { state: 'needed' } }),
      { to: [...APPROVERS, C, D], cc: [] },
    ],
  ];

  it.each(cases)('%s', (_name, type, request, expected) => {
    expect(emails(recipientsFor(type, request))).toEqual(expected);
  });

  it('addresses the people an escalation added instead of the matrix, the requester in copy', () => {
    const request = staged();
    const r = recipientsFor('escalated', request, { to: [actor(carol), actor(dave)] });
    expect(emails(r)).toEqual({ to: [C, D], cc: [A] });
    expect(r.to.map((p) => p.role)).toEqual(['approver', 'approver']);
  });

  it('adds the extra copies (auditors) once, after the matrix', () => {
    const auditor = { id: 'erin', email: 'erin@example.com', role: 'auditor' as const };
    const r = recipientsFor('break-glass', staged(), {
      extraCc: [auditor, { ...auditor }, { id: bob.id, email: bob.email, role: 'auditor' }],
    });
    expect(emails(r)).toEqual({ to: [...APPROVERS, C, D], cc: ['erin@example.com'] });
    expect(r.cc[0]?.role).toBe('auditor');
  });
});
