import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../lambdas/core/errors';
import { approverPolicyFrom, eligibilityPolicyFrom } from '../../lambdas/core/policies/stored-policies';
import type { AccessRequest, ApproverPolicy, Settings } from '../../lambdas/core/types';
import type { OutboxMessage } from '../../local/outbox';
import {
  actions,
  DAY,
  HOUR,
  MINUTE,
  notified,
  startHarness,
  statusChanges,
  type Harness,
  type Person,
} from './harness';

/**
 * Approvals beyond one approver (docs/approvals.md) run by the synthesized state machine with the
 * real api use cases: a quorum of two, two stages opened in order, the reminder and the
 * escalation on the decision wait's timers, extensions moving the wait for the end, and
 * break-glass access granted at once, alerted, then waiting for its review. Each case checks the
 * statuses, the audit trail, what people were told and that Identity Center holds the access
 * exactly while it should.
 */

const READ_ONLY = 'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-82575ec87a171ac8';
const POWER_USER = 'arn:aws:sso:::permissionSet/ssoins-026706d7e805da84/ps-62179273c8eb5bb6';
const ACCOUNTS = {
  /** Quorum of two. */
  portal: { id: '836351427068', name: 'Customer Portal Staging' },
  /** Two stages. */
  sandboxB: { id: '229684750391', name: 'Sandbox Team B' },
  /** Hiroshi's extensions (PowerUserAccess, his own policy: no approval). */
  sandboxA: { id: '118573649280', name: 'Sandbox Team A' },
  /**
   * Reminder and escalation: its OU (Development) has no approver policy, so the account's own
   * decides alone (an account's policy and its parent's decide together).
   */
  tools: { id: '927462538179', name: 'Developer Tools' },
  /** Alice's extension with approval; Dan's break-glass. */
  staging: { id: '745240316957', name: 'Payments Staging' },
} as const;

describe('approvals, extensions and break-glass through the workflow', () => {
  let h: Harness;
  let alice: Person;
  let bob: Person;
  let carol: Person;
  let dan: Person;
  let frank: Person;
  let hiroshi: Person;
  let ivan: Person;

  const groupRef = (name: string) => {
    const group = h.org.groups.find((g) => g.displayName === name);
    if (!group) throw new Error(`no demo group ${name}`);
    return { id: group.id, name: group.displayName };
  };
  const stamp = () => ({ updatedAt: new Date(h.clock.now()).toISOString(), updatedBy: 'workflow test' });

  beforeAll(async () => {
    h = await startHarness({ email: true });
    alice = h.person('alice.nguyen@example.com');
    bob = h.person('bob.martin@example.com');
    carol = h.person('carol.smith@example.com');
    dan = h.person('dan.okafor@example.com');
    frank = h.person('frank.lee@example.com');
    hiroshi = h.person('hiroshi.sato@example.com');
    ivan = h.person('ivan.petrov@example.com');

    // Every channel on, with the Slack audit channel the auditors watch (the outbox's stub has
    // `team-audit`); nothing has run yet, so no step holds older settings.
    const { settings, policies } = h.backend.ports;
    const current = await settings.get();
    if (!current) throw new Error('the harness stores settings');
    const next: Settings = {
      ...current,
      snsEnabled: true,
      slackEnabled: true,
      slackAuditChannel: 'team-audit',
      version: current.version + 1,
    };
    await settings.put(next, current.version);

    // The accounts' own approver policies are the ones below, whatever the demo organization
    // seeds: Payments Staging's OU policy alone decides (one approval by the NonProduction group).
    const approvers = async (policy: ApproverPolicy) =>
      policies.putApproverPolicy(policy, (await policies.getApproverPolicy(policy.id))?.updatedAt);
    if (await policies.getApproverPolicy(ACCOUNTS.staging.id)) {
      await policies.deleteApproverPolicy(ACCOUNTS.staging.id);
    }
    const nonProduction = groupRef('TEAM-Approvers-NonProduction');
    await approvers(
      approverPolicyFrom({
        id: ACCOUNTS.portal.id,
        targetType: 'ACCOUNT',
        targetName: ACCOUNTS.portal.name,
        approverGroups: [nonProduction],
        approvalsRequired: 2,
        ...stamp(),
      }),
    );
    await approvers(
      approverPolicyFrom({
        id: ACCOUNTS.sandboxB.id,
        targetType: 'ACCOUNT',
        targetName: ACCOUNTS.sandboxB.name,
        approverGroups: [nonProduction],
        stageName: 'team leads',
        nextStages: [
          {
            name: 'security',
            approverGroups: [],
            approverUsers: [{ id: frank.id, name: frank.userName }],
            approvalsRequired: 1,
          },
        ],
        ...stamp(),
      }),
    );
    await approvers(
      approverPolicyFrom({
        id: ACCOUNTS.tools.id,
        targetType: 'ACCOUNT',
        targetName: ACCOUNTS.tools.name,
        approverUsers: [{ id: bob.id, name: bob.userName }],
        remindAfterMinutes: 30,
        escalateAfterMinutes: 60,
        escalationGroups: [groupRef('TEAM-Approvers-Production')],
        ...stamp(),
      }),
    );
    const eligibility = async (
      person: Person,
      name: string,
      account: { id: string; name: string },
      permissionSet: { arn: string; name: string },
      rules: {
        approvalRequired: boolean;
        maxDurationHours: number;
        maxTotalHours?: number;
        breakGlass?: boolean;
      },
    ) => {
      const id = `${person.id}#${name}`;
      return policies.putEligibility(
        eligibilityPolicyFrom({
          id,
          principalId: person.id,
          principalType: 'USER',
          principalName: person.userName,
          name,
          accounts: [account],
          permissionSets: [permissionSet],
          ...rules,
          ...stamp(),
        }),
        (await policies.getEligibility(id))?.updatedAt,
      );
    };
    await eligibility(
      alice,
      'longer',
      ACCOUNTS.staging,
      { arn: READ_ONLY, name: 'ReadOnlyAccess' },
      {
        approvalRequired: true,
        maxDurationHours: 8,
        maxTotalHours: 12,
      },
    );
    await eligibility(
      alice,
      'tools',
      ACCOUNTS.tools,
      { arn: READ_ONLY, name: 'ReadOnlyAccess' },
      {
        approvalRequired: true,
        maxDurationHours: 4,
      },
    );
    await eligibility(
      hiroshi,
      'longer',
      ACCOUNTS.sandboxA,
      { arn: POWER_USER, name: 'PowerUserAccess' },
      {
        approvalRequired: false,
        maxDurationHours: 4,
        maxTotalHours: 10,
      },
    );
    await eligibility(
      dan,
      'incidents',
      ACCOUNTS.staging,
      { arn: READ_ONLY, name: 'ReadOnlyAccess' },
      {
        approvalRequired: true,
        maxDurationHours: 2,
        breakGlass: true,
      },
    );
  });
  afterAll(async () => {
    await h?.stop();
  });

  // ------------------------------------------------------------------------------ people's calls

  const create = async (
    by: Person,
    account: { id: string },
    durationHours: number,
    permissionSetArn = READ_ONLY,
  ): Promise<AccessRequest> => {
    const created = await h.backend.usecases.createRequest(await h.caller(by), {
      accountId: account.id,
      permissionSetArn,
      durationHours,
      justification: 'Look into the failing settlement job',
      ticketNo: 'OPS-77',
    });
    await h.settle();
    return created;
  };
  const approve = async (id: string, by: Person) => {
    await h.backend.usecases.approveRequest(await h.caller(by), { requestId: id, comment: 'Fine by me' });
    await h.settle();
  };
  const extend = async (id: string, by: Person, hours: number) => {
    const extended = await h.backend.usecases.extendRequest(await h.caller(by), {
      requestId: id,
      hours,
      reason: 'The fix needs longer',
    });
    await h.settle();
    return extended;
  };

  // -------------------------------------------------------------------------------- what we see

  const outboxMark = () => h.local.outbox.outbox.lastSeq;
  const mailsSince = (mark: number, subject: string) =>
    h.local.outbox.outbox.list({ channel: 'email', since: mark }).filter((m) => m.subject.includes(subject));
  const mailedTo = (mark: number, subject: string) =>
    mailsSince(mark, subject)
      .flatMap((m) => m.to)
      .sort();
  const emails = (...people: Person[]) => people.map((p) => p.email).sort();
  const assignmentDeletions = (request: AccessRequest) =>
    h.local.simulators.state
      .assignmentOperations()
      .filter(
        (op) =>
          op.kind === 'DELETE' &&
          op.principalId === request.requester.id &&
          op.accountId === request.accountId &&
          op.createdAt.getTime() >= Date.parse(request.createdAt),
      );

  it('20 approvals and rejections at once on a quorum of two end consistent in DynamoDB', async () => {
    const request = await create(alice, ACCOUNTS.portal, 1);
    const people = [bob, carol, ivan];
    const calls = Array.from({ length: 20 }, async (_, i) => {
      const by = await h.caller(people[i % people.length] as Person);
      const input = { requestId: request.id, comment: `call ${i}` };
      return i % 4 === 3
        ? h.backend.usecases.rejectRequest(by, input)
        : h.backend.usecases.approveRequest(by, input);
    });
    const results = await Promise.allSettled(calls);
    await h.settle();
    const stored = await h.get(request.id);
    const decisions = (await h.trail(request.id)).filter((e) =>
      ['approval-recorded', 'approved', 'rejected'].includes(e.action),
    );
    // Every call that succeeded wrote exactly one decision event; the others changed nothing.
    expect(decisions).toHaveLength(results.filter((r) => r.status === 'fulfilled').length);
    const approvals = stored.approvals ?? [];
    expect(new Set(approvals.map((a) => a.by.id)).size).toBe(approvals.length);
    if (stored.decidedBy !== undefined && decisions.some((e) => e.action === 'approved')) {
      // Exactly the two approvals that count, and no rejection.
      expect(approvals).toHaveLength(2);
      expect(decisions.filter((e) => e.action === 'rejected')).toHaveLength(0);
      expect(['scheduled', 'in progress']).toContain(stored.status);
    } else {
      // One rejection, and fewer approvals than needed; no access.
      expect(stored.status).toBe('rejected');
      expect(decisions.filter((e) => e.action === 'rejected')).toHaveLength(1);
      expect(approvals.length).toBeLessThan(2);
      expect(h.hasAssignment(stored)).toBe(false);
    }
    await h.advance(2 * HOUR);
  });

  it('a quorum of two: the first approval is recorded and the request stays pending, the second approves it', async () => {
    const mark = outboxMark();
    const request = await create(alice, ACCOUNTS.portal, 2);
    expect(request.approvalStages).toEqual([
      { approverIds: expect.arrayContaining([bob.id, carol.id, ivan.id]) as string[], required: 2 },
    ]);
    expect((await h.get(request.id)).status).toBe('pending');
    expect(h.waitingIn(request.id)).toEqual(['Begin']);
    expect(mailedTo(mark, 'needs approval')).toEqual(emails(bob, carol, ivan));

    await approve(request.id, carol);
    const once = await h.get(request.id);
    expect(once.status).toBe('pending');
    expect(once.approvals?.map((a) => a.by.id)).toEqual([carol.id]);
    // No stage opened: the first wait goes on, nobody is told again.
    expect(h.waitingIn(request.id)).toEqual(['Begin']);
    expect(h.hasAssignment(request)).toBe(false);
    const recorded = (await h.trail(request.id)).filter((e) => e.action === 'approval-recorded');
    expect(recorded).toEqual([
      expect.objectContaining({
        actor: expect.objectContaining({ id: carol.id }),
        comment: 'Fine by me',
        detail: '1 of 2 approvals, waiting for an approver',
      }),
    ]);
    // One person counts once.
    await expect(
      h.backend.usecases.approveRequest(await h.caller(carol), { requestId: request.id, comment: 'Again' }),
    ).rejects.toBeInstanceOf(ForbiddenError);

    await approve(request.id, ivan);
    const granted = await h.get(request.id);
    expect(granted.status).toBe('in progress');
    expect(granted.decidedBy?.id).toBe(ivan.id);
    expect(h.hasAssignment(request)).toBe(true);

    await h.advance(2 * HOUR - 2000);
    expect((await h.get(request.id)).status).toBe('in progress');
    expect(h.hasAssignment(request)).toBe(true);
    await h.advance(2000);
    expect((await h.get(request.id)).status).toBe('ended');
    expect(h.hasAssignment(request)).toBe(false);

    const trail = await h.trail(request.id);
    expect(actions(trail)).toEqual([
      'created',
      'approval-recorded',
      'approved',
      'scheduled',
      'started',
      'ended',
    ]);
    // The first approval keeps the status; the second moves it.
    expect(statusChanges(trail)).toEqual([
      'created:pending',
      'approval-recorded:pending',
      'approved:approved',
      'scheduled:scheduled',
      'started:in progress',
      'ended:ended',
    ]);
    expect(trail.find((e) => e.action === 'approved')?.detail).toBe('2 of 2 approvals');
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
  });

  it('two stages: the later stage is told only when it opens, and approves only after the first', async () => {
    const mark = outboxMark();
    const request = await create(alice, ACCOUNTS.sandboxB, 1);
    expect(request.approvalStages?.map((s) => [s.name, s.required])).toEqual([
      ['team leads', 1],
      ['security', 1],
    ]);
    expect(request.approvalStages?.[1]?.approverIds).toEqual([frank.id]);
    // The first stage's approvers only.
    expect(mailedTo(mark, 'needs approval')).toEqual(emails(bob, carol, ivan));
    expect((await h.get(request.id)).announcedStage).toBeUndefined();

    // The order is enforced: security cannot approve before the team leads.
    await expect(
      h.backend.usecases.approveRequest(await h.caller(frank), { requestId: request.id, comment: 'Early' }),
    ).rejects.toThrow(/waiting for team leads first/);

    const opened = outboxMark();
    await approve(request.id, carol);
    const first = await h.get(request.id);
    expect(first.status).toBe('pending');
    expect(first.announcedStage).toBe(1);
    expect(mailedTo(opened, 'needs approval')).toEqual(emails(frank));
    expect(h.waitingIn(request.id)).toEqual(['AwaitDecision']);
    expect(h.hasAssignment(request)).toBe(false);
    // A team lead is not an approver of the stage now open.
    await expect(
      h.backend.usecases.approveRequest(await h.caller(ivan), { requestId: request.id, comment: 'Me too' }),
    ).rejects.toThrow(/not an approver of security/);

    await approve(request.id, frank);
    expect((await h.get(request.id)).status).toBe('in progress');
    expect(h.hasAssignment(request)).toBe(true);
    await h.advance(HOUR);
    expect((await h.get(request.id)).status).toBe('ended');
    expect(h.hasAssignment(request)).toBe(false);

    const trail = await h.trail(request.id);
    expect(actions(trail)).toEqual([
      'created',
      'approval-recorded',
      'approved',
      'scheduled',
      'started',
      'ended',
    ]);
    expect(trail.find((e) => e.action === 'approval-recorded')?.detail).toBe(
      '1 of 2 approvals, waiting for security',
    );
    // Each stage told once, on each of the three channels (e-mail, Slack, SNS).
    expect(notified(trail).filter((t) => t === 'pending')).toHaveLength(2 * 3);
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
  });

  it('reminder, then escalation to the fallback group, one of whom approves', async () => {
    const mark = outboxMark();
    const request = await create(alice, ACCOUNTS.tools, 1);
    expect(request.approvalTimers).toMatchObject({ remindAfterMinutes: 30, escalateAfterMinutes: 60 });
    expect(mailedTo(mark, 'needs approval')).toEqual(emails(bob));

    await h.advance(29 * MINUTE);
    expect(actions(await h.trail(request.id))).toEqual(['created']);
    const reminding = outboxMark();
    await h.advance(MINUTE);
    const reminded = await h.get(request.id);
    expect(reminded.status).toBe('pending');
    expect(reminded.remindedAt).toBe(new Date(h.clock.now()).toISOString());
    expect(mailedTo(reminding, 'Reminder:')).toEqual(emails(bob));
    expect(h.waitingIn(request.id)).toEqual(['AwaitDecision']);
    // Not an approver until the escalation.
    await expect(
      h.backend.usecases.approveRequest(await h.caller(dan), { requestId: request.id, comment: 'Early' }),
    ).rejects.toBeInstanceOf(ForbiddenError);

    const escalating = outboxMark();
    await h.advance(30 * MINUTE);
    const escalated = await h.get(request.id);
    expect(escalated.status).toBe('pending');
    expect(escalated.escalatedAt).toBe(new Date(h.clock.now()).toISOString());
    expect(escalated.approvers.map((a) => a.id).sort()).toEqual([bob.id, carol.id, dan.id, ivan.id].sort());
    expect(escalated.approvalStages?.[0]?.approverIds.sort()).toEqual(
      [bob.id, carol.id, dan.id, ivan.id].sort(),
    );
    expect(
      mailsSince(escalating, 'escalated to you')
        .flatMap((m) => m.to)
        .sort(),
    ).toEqual(emails(carol, dan, ivan));
    const event = (await h.trail(request.id)).find((e) => e.action === 'escalated');
    expect(event?.detail).toBe('Escalated to TEAM-Approvers-Production: 3 approvers added');

    await approve(request.id, dan);
    expect((await h.get(request.id)).status).toBe('in progress');
    expect(h.hasAssignment(request)).toBe(true);
    await h.advance(HOUR);
    expect((await h.get(request.id)).status).toBe('ended');
    expect(h.hasAssignment(request)).toBe(false);
    expect(actions(await h.trail(request.id))).toEqual([
      'created',
      'reminded',
      'escalated',
      'approved',
      'scheduled',
      'started',
      'ended',
    ]);
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
  });

  it('reminded and escalated, then nobody acts: the request still expires at its expiry', async () => {
    const request = await create(alice, ACCOUNTS.tools, 1);
    if (!request.expiresAt) throw new Error('a request that needs approval expires');
    await h.advance(HOUR);
    expect(actions(await h.trail(request.id))).toEqual(['created', 'reminded', 'escalated']);
    await h.advance(Date.parse(request.expiresAt) - h.clock.now() - 2000);
    expect((await h.get(request.id)).status).toBe('pending');
    await h.advance(2000);
    expect((await h.get(request.id)).status).toBe('expired');
    expect(actions(await h.trail(request.id))).toEqual(['created', 'reminded', 'escalated', 'expired']);
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
    expect(h.hasAssignment(request)).toBe(false);
  });

  it('an extension approved by an approver moves the end: access is held past the old end and removed at the new one', async () => {
    const request = await create(alice, ACCOUNTS.staging, 1);
    // The largest total of the policies granting the pair: Alice's own 12 hours, or more.
    expect(request.extensionRules?.approvalRequired).toBe(true);
    expect(request.extensionRules?.maxTotalHours).toBeGreaterThanOrEqual(12);
    await approve(request.id, carol);
    const grantedAt = Date.parse((await h.get(request.id)).grantedAt ?? '');
    expect(h.hasAssignment(request)).toBe(true);

    await h.advance(30 * MINUTE);
    const asking = outboxMark();
    const asked = await extend(request.id, alice, 2);
    expect(asked.extensions?.map((e) => e.status)).toEqual(['pending']);
    expect(mailedTo(asking, 'extension')).toEqual(emails(bob, carol, ivan));
    expect(h.waitingIn(request.id)).toEqual(['AwaitEnd']);

    await h.backend.usecases.approveExtension(await h.caller(carol), {
      requestId: request.id,
      extensionId: 1,
      comment: 'Two more hours',
    });
    await h.settle();
    expect(h.waitingIn(request.id)).toEqual(['AwaitEnd']);

    // The old end passes: access is still held.
    await h.advance(30 * MINUTE + 1000);
    expect((await h.get(request.id)).status).toBe('in progress');
    expect(h.hasAssignment(request)).toBe(true);
    await h.advance(grantedAt + 3 * HOUR - h.clock.now() - 2000);
    expect((await h.get(request.id)).status).toBe('in progress');
    expect(h.hasAssignment(request)).toBe(true);
    await h.advance(2000);
    const ended = await h.get(request.id);
    expect(ended.status).toBe('ended');
    expect(Date.parse(ended.endedAt ?? '')).toBeGreaterThanOrEqual(grantedAt + 3 * HOUR - 1000);
    expect(h.hasAssignment(request)).toBe(false);
    expect(assignmentDeletions(request)).toHaveLength(1);

    const trail = await h.trail(request.id);
    expect(actions(trail)).toEqual([
      'created',
      'approved',
      'scheduled',
      'started',
      'extension-requested',
      'extended',
      'ended',
    ]);
    expect(trail.find((e) => e.action === 'extended')?.actor).toMatchObject({ id: carol.id });
    expect(notified(trail)).toEqual(expect.arrayContaining(['extension-requested', 'extended']));
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
  });

  it('an extension that needs no approval applies at once and resumes the wait for the end', async () => {
    const request = await create(hiroshi, ACCOUNTS.sandboxA, 1, POWER_USER);
    expect(request.approvalRequired).toBe(false);
    // His own policy waives approval, so extensions need none either.
    expect(request.extensionRules?.approvalRequired).toBe(false);
    expect(request.extensionRules?.maxTotalHours).toBeGreaterThanOrEqual(10);
    expect((await h.get(request.id)).status).toBe('in progress');
    const grantedAt = Date.parse((await h.get(request.id)).grantedAt ?? '');
    await h.advance(20 * MINUTE);
    const before = await h.statesEntered(request.id);
    const extended = await extend(request.id, hiroshi, 2);
    expect(extended.extensions?.map((e) => e.status)).toEqual(['approved']);
    // The api resumed the wait: the step ran and waits again, for the new end.
    expect((await h.statesEntered(request.id)).slice(before.length)).toEqual([
      'Advance',
      'Route',
      'AwaitEnd',
    ]);

    await h.advance(grantedAt + HOUR - h.clock.now() + 1000);
    expect((await h.get(request.id)).status).toBe('in progress');
    expect(h.hasAssignment(request)).toBe(true);
    await h.advance(2 * HOUR);
    expect((await h.get(request.id)).status).toBe('ended');
    expect(h.hasAssignment(request)).toBe(false);
    const trail = await h.trail(request.id);
    expect(actions(trail)).toEqual(['created', 'scheduled', 'started', 'extended', 'ended']);
    expect(notified(trail)).toContain('extended');
  });

  it('an extension whose resume is lost: the old end timer finds the end moved and the workflow waits again, access held throughout', async () => {
    const request = await create(hiroshi, ACCOUNTS.sandboxA, 1, POWER_USER);
    expect((await h.get(request.id)).status).toBe('in progress');
    const grantedAt = Date.parse((await h.get(request.id)).grantedAt ?? '');
    const relay = h.backend.ports.decisionRelay;
    let before: string[];
    try {
      // Step Functions unreachable from the api: the extension is stored, nothing resumes the wait.
      h.backend.ports.decisionRelay = { resume: async () => undefined };
      before = await h.statesEntered(request.id);
      await extend(request.id, hiroshi, 3);
      expect(await h.statesEntered(request.id)).toEqual(before);
    } finally {
      h.backend.ports.decisionRelay = relay;
    }
    expect(before.at(-1)).toBe('AwaitEnd');

    await h.advance(grantedAt + HOUR - h.clock.now());
    expect((await h.get(request.id)).status).toBe('in progress');
    expect(h.hasAssignment(request)).toBe(true);
    expect(assignmentDeletions(request)).toEqual([]);
    // The old timer fired: Revoke found the end moved and went on to wait for the new end.
    expect((await h.statesEntered(request.id)).slice(before.length)).toEqual([
      'Revoke',
      'Advance',
      'Route',
      'AwaitEnd',
    ]);
    expect(h.waitingIn(request.id)).toEqual(['AwaitEnd']);
    expect(h.execution(request.id).status).toBe('RUNNING');

    await h.advance(3 * HOUR - 2000);
    expect((await h.get(request.id)).status).toBe('in progress');
    expect(h.hasAssignment(request)).toBe(true);
    await h.advance(2000);
    expect((await h.get(request.id)).status).toBe('ended');
    expect(h.hasAssignment(request)).toBe(false);
    expect(assignmentDeletions(request)).toHaveLength(1);
    expect(actions(await h.trail(request.id))).toEqual([
      'created',
      'scheduled',
      'started',
      'extended',
      'ended',
    ]);
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
  });

  it('break-glass: access at once, the auditors alerted, then the review waited for with daily reminders', async () => {
    const mark = outboxMark();
    const created = await h.backend.usecases.createBreakGlassRequest(await h.caller(dan), {
      accountId: ACCOUNTS.staging.id,
      permissionSetArn: READ_ONLY,
      durationHours: 1,
      justification: 'Settlements are failing in staging',
      incident: 'INC-2031',
    });
    await h.settle();
    const request = await h.get(created.id);
    expect(request).toMatchObject({
      status: 'in progress',
      approvalRequired: false,
      breakGlass: { incident: 'INC-2031' },
      review: { state: 'needed' },
    });
    expect(request.approvers.map((a) => a.id).sort()).toEqual([bob.id, carol.id, ivan.id].sort());
    expect(h.hasAssignment(request)).toBe(true);

    // The alert: e-mail to the approvers, the Slack audit channel with @here, the SNS topic at high priority.
    const sent: OutboxMessage[] = h.local.outbox.outbox.list({ since: mark });
    const alerts = sent.filter(
      (m) =>
        (m.channel === 'email' && m.subject.startsWith('BREAK-GLASS')) ||
        (m.channel === 'sns' && m.attributes['priority']?.stringValue === 'high') ||
        (m.channel === 'slack' && (m.text ?? '').includes('break-glass')),
    );
    const audit = alerts.filter((m) => m.channel === 'slack' && m.conversationName === 'team-audit');
    expect(audit).toHaveLength(1);
    expect(audit[0]?.channel === 'slack' && audit[0].text).toMatch(/^<!here> /);
    const sns = alerts.filter((m) => m.channel === 'sns');
    expect(sns).toHaveLength(1);
    expect(sns[0]?.channel === 'sns' && sns[0].attributes['event']?.stringValue).toBe('break-glass');
    const alertMails = mailsSince(mark, 'BREAK-GLASS');
    expect(alertMails.flatMap((m) => m.to).sort()).toEqual(emails(bob, carol, ivan));
    // The auditors (TEAM-Auditors, the deployment's auditor group) are copied.
    const auditors = ['frank.lee@example.com', 'grace.kim@example.com', 'yuki.tanaka@example.com'];
    expect(alertMails.flatMap((m) => m.cc).sort()).toEqual(auditors);
    const alerted = notified(await h.trail(request.id)).filter((t) => t === 'break-glass');
    expect(alerted).toHaveLength(3);

    await h.advance(HOUR);
    const ended = await h.get(request.id);
    expect(ended.status).toBe('ended');
    expect(h.hasAssignment(request)).toBe(false);
    expect(h.waitingIn(request.id)).toEqual(['AwaitReview']);
    expect(h.execution(request.id).status).toBe('RUNNING');

    await h.advance(DAY - MINUTE);
    expect(actions(await h.trail(request.id))).not.toContain('reminded');
    const reminding = outboxMark();
    await h.advance(MINUTE);
    expect((await h.get(request.id)).review?.remindedAt).toBe(new Date(h.clock.now()).toISOString());
    expect(mailedTo(reminding, 'Review needed')).toEqual(emails(bob, carol, ivan));
    expect(h.waitingIn(request.id)).toEqual(['AwaitReview']);

    // The requester never reviews their own access.
    await expect(
      h.backend.usecases.reviewRequest(await h.caller(dan), {
        requestId: request.id,
        state: 'acknowledged',
        comment: 'All good',
      }),
    ).rejects.toBeInstanceOf(ForbiddenError);
    await h.backend.usecases.reviewRequest(await h.caller(carol), {
      requestId: request.id,
      state: 'acknowledged',
      comment: 'Matches the incident timeline',
    });
    await h.settle();
    expect((await h.get(request.id)).review).toMatchObject({ state: 'acknowledged', announced: true });
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
    expect(h.waitingIn(request.id)).toEqual([]);

    const trail = await h.trail(request.id);
    expect(actions(trail)).toEqual(['break-glass', 'scheduled', 'started', 'ended', 'reminded', 'reviewed']);
    expect(trail.find((e) => e.action === 'reviewed')).toMatchObject({
      actor: expect.objectContaining({ id: carol.id }),
      comment: 'Matches the incident timeline',
    });
    expect(notified(trail)).toEqual(expect.arrayContaining(['break-glass', 'review-reminder', 'reviewed']));
    expect(h.clock.pendingTimers()).toBe(0);
  });
  it('any listed approver may reject while a later stage is open: the request ends, nothing is granted', async () => {
    const request = await create(alice, ACCOUNTS.sandboxB, 1);
    await approve(request.id, bob);
    expect((await h.get(request.id)).announcedStage).toBe(1);
    await h.backend.usecases.rejectRequest(await h.caller(ivan), {
      requestId: request.id,
      comment: 'Not now',
    });
    await h.settle();
    expect((await h.get(request.id)).status).toBe('rejected');
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
    expect(h.hasAssignment(request)).toBe(false);
    expect(actions(await h.trail(request.id))).toEqual(['created', 'approval-recorded', 'rejected']);
    // Too late for the second stage.
    await expect(
      h.backend.usecases.approveRequest(await h.caller(frank), { requestId: request.id, comment: 'Late' }),
    ).rejects.toThrow();
  });

  it('an extension of scheduled access: granted at the start, ended at start + hours + extension', async () => {
    const start = h.clock.now() + 2 * HOUR;
    const created = await h.backend.usecases.createRequest(await h.caller(alice), {
      accountId: ACCOUNTS.staging.id,
      permissionSetArn: READ_ONLY,
      startTime: new Date(start).toISOString(),
      durationHours: 1,
      justification: 'Planned maintenance window',
      ticketNo: 'OPS-78',
    });
    await h.settle();
    await approve(created.id, carol);
    expect((await h.get(created.id)).status).toBe('scheduled');
    expect(h.waitingIn(created.id)).toEqual(['AwaitStart']);
    await h.backend.usecases.extendRequest(await h.caller(carol), {
      requestId: created.id,
      hours: 1,
      reason: 'The window was moved out',
    });
    await h.settle();
    // Asked by an approver of the only stage: their approval completes it.
    expect((await h.get(created.id)).extensions?.map((e) => e.status)).toEqual(['approved']);
    expect(h.waitingIn(created.id)).toEqual(['AwaitStart']);
    expect(h.hasAssignment(created)).toBe(false);

    await h.advance(start - h.clock.now());
    expect((await h.get(created.id)).status).toBe('in progress');
    expect(h.hasAssignment(created)).toBe(true);
    await h.advance(HOUR + 1000);
    expect((await h.get(created.id)).status).toBe('in progress');
    expect(h.hasAssignment(created)).toBe(true);
    await h.advance(HOUR);
    expect((await h.get(created.id)).status).toBe('ended');
    expect(h.hasAssignment(created)).toBe(false);
    expect(actions(await h.trail(created.id))).toEqual([
      'created',
      'approved',
      'scheduled',
      'extended',
      'started',
      'ended',
    ]);
  });

  it('break-glass revoked early: access removed at once, then reminded daily until reviewed', async () => {
    const created = await h.backend.usecases.createBreakGlassRequest(await h.caller(dan), {
      accountId: ACCOUNTS.staging.id,
      permissionSetArn: READ_ONLY,
      durationHours: 1,
      justification: 'Payments are down',
      incident: 'INC-2032',
    });
    await h.settle();
    expect(h.hasAssignment(created)).toBe(true);
    await h.advance(10 * MINUTE);
    await h.backend.usecases.revokeRequest(await h.caller(bob), { requestId: created.id, comment: 'Fixed' });
    await h.settle();
    expect((await h.get(created.id)).status).toBe('revoked');
    expect(h.hasAssignment(created)).toBe(false);
    expect(h.waitingIn(created.id)).toEqual(['AwaitReview']);

    await h.advance(2 * DAY);
    const trail = await h.trail(created.id);
    expect(actions(trail)).toEqual([
      'break-glass',
      'scheduled',
      'started',
      'revoked',
      'ended',
      'reminded',
      'reminded',
    ]);
    expect(h.waitingIn(created.id)).toEqual(['AwaitReview']);

    await h.backend.usecases.reviewRequest(await h.caller(ivan), {
      requestId: created.id,
      state: 'flagged',
      comment: 'No incident ticket was open at the time',
    });
    await h.settle();
    expect((await h.get(created.id)).review).toMatchObject({ state: 'flagged', by: { id: ivan.id } });
    expect(h.execution(created.id).status).toBe('SUCCEEDED');
    expect(actions(await h.trail(created.id)).at(-1)).toBe('reviewed');
  });

  it('break-glass reviewed while access is in progress: access still ends on time, the workflow ends with it', async () => {
    const created = await h.backend.usecases.createBreakGlassRequest(await h.caller(dan), {
      accountId: ACCOUNTS.staging.id,
      permissionSetArn: READ_ONLY,
      durationHours: 1,
      justification: 'Payments are down again',
      incident: 'INC-2033',
    });
    await h.settle();
    await h.advance(10 * MINUTE);
    await h.backend.usecases.reviewRequest(await h.caller(carol), {
      requestId: created.id,
      state: 'acknowledged',
      comment: 'Seen on the bridge call',
    });
    await h.settle();
    expect((await h.get(created.id)).status).toBe('in progress');
    expect(h.hasAssignment(created)).toBe(true);
    expect(h.waitingIn(created.id)).toEqual(['AwaitEnd']);
    await h.advance(50 * MINUTE);
    expect((await h.get(created.id)).status).toBe('ended');
    expect(h.hasAssignment(created)).toBe(false);
    expect(h.execution(created.id).status).toBe('SUCCEEDED');
    const trail = await h.trail(created.id);
    expect(actions(trail)).toEqual(['break-glass', 'scheduled', 'started', 'reviewed', 'ended']);
    expect(notified(trail)).toContain('reviewed');
  });
});
