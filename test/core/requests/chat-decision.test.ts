import { describe, expect, it } from 'vitest';
import { ForbiddenError, IllegalTransitionError } from '../../../lambdas/core/errors';
import { chatCaller, makeChatDecision } from '../../../lambdas/core/requests/chat-decision';
import type { AccessRequest } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { DEMO } from '../../fakes';
import { failure, setup } from '../support';

const { alice, bob, carol, dave, frank, oscar } = DEMO.users;

function seeded(overrides: Partial<AccessRequest> = {}) {
  const t = setup();
  const request = aRequest(overrides);
  t.world.requests.seed(request);
  return { ...t, request, decide: makeChatDecision(t.world) };
}

describe('decisions from a chat app: the person behind a verified email', () => {
  it('maps the email to the Identity Center user and their groups, never to a persona', async () => {
    const t = setup();
    const caller = await chatCaller(t.world.directory, 'dave@example.com');
    expect(caller).toMatchObject({
      userId: dave.id,
      userName: dave.userName,
      isAdmin: false,
      isAuditor: false,
    });
    expect(caller.groupIds).toEqual([DEMO.groups.admins.id]);
  });

  it('finds the user when the chat app writes the email in another case', async () => {
    const t = setup();
    expect((await chatCaller(t.world.directory, '  Bob@Example.com ')).userId).toBe(bob.id);
  });

  it('refuses an email no Identity Center user has, naming it', async () => {
    const t = setup();
    const error = await failure(chatCaller(t.world.directory, 'mallory@example.com'));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toContain('mallory@example.com');
  });

  type Case = [who: string, email: string, outcome: 'approved' | 'rejected' | RegExp];
  const cases: Case[] = [
    ['a listed approver approves', bob.email, 'approved'],
    ['the other listed approver approves', frank.email, 'approved'],
    ['the requester cannot approve her own request', alice.email, /Only an approver listed/],
    ['an approver of another OU cannot', carol.email, /Only an approver listed/],
    ['an admin who is not listed cannot', dave.email, /Only an approver listed/],
    ['someone in no group cannot', oscar.email, /Only an approver listed/],
  ];
  it.each(cases)('%s', async (_name, email, outcome) => {
    const t = seeded();
    const attempt = t.decide({ email, requestId: t.request.id, decision: 'approve', comment: 'ok' });
    if (outcome instanceof RegExp) {
      const error = await failure(attempt);
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error.message).toMatch(outcome);
      expect((await t.world.requests.get(t.request.id))?.status).toBe('pending');
    } else {
      const decided = await attempt;
      expect(decided.status).toBe(outcome);
      expect(decided.decidedBy?.email).toBe(email);
      expect(decided.decisionComment).toBe('ok');
    }
  });

  it('rejects with the comment as the person who clicked', async () => {
    const t = seeded();
    const decided = await t.decide({
      email: frank.email,
      requestId: t.request.id,
      decision: 'reject',
      comment: 'Not during the freeze',
    });
    expect(decided).toMatchObject({ status: 'rejected', decisionComment: 'Not during the freeze' });
    expect(decided.decidedBy?.id).toBe(frank.id);
  });

  it('a quorum of two: the first click records one approval and leaves the request pending', async () => {
    const t = seeded({ approvalStages: [{ approverIds: [bob.id, frank.id], required: 2 }] });
    const first = await t.decide({
      email: bob.email,
      requestId: t.request.id,
      decision: 'approve',
      comment: 'one',
    });
    expect(first.status).toBe('pending');
    expect(first.approvals?.map((a) => a.by.id)).toEqual([bob.id]);
    const again = await failure(
      t.decide({ email: bob.email, requestId: t.request.id, decision: 'approve', comment: 'twice' }),
    );
    expect(again.message).toMatch(/already approved/);
    const second = await t.decide({
      email: frank.email,
      requestId: t.request.id,
      decision: 'approve',
      comment: 'two',
    });
    expect(second.status).toBe('approved');
  });

  it('a request decided meanwhile cannot be decided again from the chat', async () => {
    const t = seeded();
    await t.decide({ email: bob.email, requestId: t.request.id, decision: 'reject', comment: 'no' });
    const late = await failure(
      t.decide({ email: frank.email, requestId: t.request.id, decision: 'approve', comment: 'late' }),
    );
    expect(late).toBeInstanceOf(IllegalTransitionError);
  });

  it('the comment rule of the settings applies (required by default)', async () => {
    const t = seeded();
    const error = await failure(t.decide({ email: bob.email, requestId: t.request.id, decision: 'approve' }));
    expect(error.message).toMatch(/Comment is required/);
  });
});
