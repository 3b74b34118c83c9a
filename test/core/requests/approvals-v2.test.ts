import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  IllegalTransitionError,
  NoApproverError,
  NotEligibleError,
  NotFoundError,
  ValidationError,
} from '../../../lambdas/core/errors';
import {
  accessEndOf,
  addApproval,
  makeApproveExtension,
  makeApproveRequest,
  makeCreateBreakGlassRequest,
  makeExtendRequest,
  makeRejectExtension,
  makeRejectRequest,
  makeReviewRequest,
  progressOf,
  progressText,
  requireFeasibleStages,
  stageForApproval,
} from '../../../lambdas/core';
import type {
  AccessRequest,
  Actor,
  ApprovalStage,
  CallerIdentity,
  EligibilityPolicy,
} from '../../../lambdas/core/types';
import { aCaller, aRequest } from '../../builders';
import { DEMO } from '../../fakes';
import { failure, setup } from '../support';

const person = (id: string): Actor => ({ id, email: `${id}@example.com`, name: id.toUpperCase() });
const callerOf = (id: string): CallerIdentity =>
  aCaller({
    userId: id,
    userName: `${id}@example.com`,
    email: `${id}@example.com`,
    displayName: id,
    groupIds: [],
  });

function seeded(overrides: Partial<AccessRequest>) {
  const t = setup();
  const request = aRequest(overrides);
  t.world.requests.seed(request);
  return { ...t, request };
}

/** A request from Alice waiting for approval in the given stages (approvers: everyone named). */
function staged(stages: ApprovalStage[], extra: Partial<AccessRequest> = {}) {
  const ids = [...new Set(stages.flatMap((stage) => stage.approverIds))];
  return seeded({ approvers: ids.map(person), approvalStages: stages, ...extra });
}

describe('approval stages and quorum (table)', () => {
  type Step = [approver: string, outcome: 'recorded' | 'approved' | RegExp];
  const cases: { name: string; stages: ApprovalStage[]; steps: Step[] }[] = [
    {
      name: 'two approvals in one stage: one person counts once',
      stages: [{ approverIds: ['lead1', 'lead2', 'lead3'], required: 2 }],
      steps: [
        ['lead1', 'recorded'],
        ['lead1', /already approved/],
        ['lead2', 'approved'],
      ],
    },
    {
      name: 'two stages approved in order',
      stages: [
        { name: 'team leads', approverIds: ['lead1'], required: 1 },
        { name: 'security', approverIds: ['sec1', 'sec2'], required: 1 },
      ],
      steps: [
        ['sec1', /waiting for team leads first; you approve in security/],
        ['lead1', 'recorded'],
        ['lead1', /already approved/],
        ['sec2', 'approved'],
      ],
    },
    {
      name: 'the same person in two stages approves only once',
      stages: [
        { name: 'team leads', approverIds: ['both', 'lead1'], required: 1 },
        { name: 'security', approverIds: ['both', 'sec1'], required: 1 },
      ],
      steps: [
        ['both', 'recorded'],
        ['both', /already approved/],
        ['sec1', 'approved'],
      ],
    },
    {
      name: 'an approver of an earlier stage cannot approve a later one',
      stages: [
        { name: 'team leads', approverIds: ['lead1', 'lead2'], required: 1 },
        { name: 'security', approverIds: ['sec1'], required: 1 },
      ],
      steps: [
        ['lead1', 'recorded'],
        ['lead2', /not an approver of security/],
        ['sec1', 'approved'],
      ],
    },
    {
      name: 'a request stored before stages: one approval of any approver',
      stages: [],
      steps: [['bob', 'approved']],
    },
  ];

  it.each(cases)('$name', async ({ stages, steps }) => {
    const t = stages.length > 0 ? staged(stages) : seeded({ approvers: [person('bob'), person('frank')] });
    for (const [approver, outcome] of steps) {
      const attempt = makeApproveRequest(t.world)(callerOf(approver), {
        requestId: t.request.id,
        comment: `ok from ${approver}`,
      });
      if (outcome instanceof RegExp) {
        const error = await failure(attempt);
        expect(error).toBeInstanceOf(ForbiddenError);
        expect(error.message).toMatch(outcome);
      } else {
        const result = await attempt;
        expect(result.status).toBe(outcome === 'approved' ? 'approved' : 'pending');
      }
    }
    const stored = await t.world.requests.get(t.request.id);
    expect(stored?.status).toBe('approved');
    // Each approval recorded once, with who, when and the comment.
    const approvals = stored?.approvals ?? [];
    expect(new Set(approvals.map((a) => a.by.id)).size).toBe(approvals.length);
    expect(approvals.every((a) => a.comment === `ok from ${a.by.id}`)).toBe(true);
    const actions = t.world.requests.eventsOf(t.request.id).map((e) => e.action);
    expect(actions.at(-1)).toBe('approved');
    expect(actions.filter((a) => a === 'approval-recorded')).toHaveLength(approvals.length - 1);
  });

  it('says the progress in plain words', () => {
    const stages: ApprovalStage[] = [
      { approverIds: ['a', 'b'], required: 1 },
      { name: 'security', approverIds: ['c', 'd'], required: 1 },
    ];
    const one = addApproval(stages, [], { by: person('a'), at: 't', stage: 0 });
    expect(progressText(one.progress)).toBe('1 of 2 approvals, waiting for security');
    expect(progressText(progressOf(stages, []))).toBe('0 of 2 approvals, waiting for stage 1 of 2');
    expect(() => stageForApproval(one.progress, 'b')).toThrow(/not an approver of security/);
  });

  it('an approval racing a rejection: the request ends rejected either way, never approved', async () => {
    const t = staged([{ approverIds: ['lead1', 'lead2'], required: 2 }]);
    await makeApproveRequest(t.world)(callerOf('lead1'), { requestId: t.request.id, comment: 'yes' });
    const [approval, rejection] = await Promise.allSettled([
      makeApproveRequest(t.world)(callerOf('lead2'), { requestId: t.request.id, comment: 'yes' }),
      makeRejectRequest(t.world)(callerOf('lead1'), { requestId: t.request.id, comment: 'no after all' }),
    ]);
    const stored = await t.world.requests.get(t.request.id);
    // Whichever was written first decides; the other learns the request moved on.
    expect(stored?.status === 'approved' ? approval.status : rejection.status).toBe('fulfilled');
    expect([approval.status, rejection.status]).toContain('rejected');
    const events = t.world.requests.eventsOf(t.request.id);
    expect(events).toHaveLength((stored?.version ?? 0) - 1);
  });
});

describe('20 approvers deciding a two-approval request at the same time', () => {
  /** Requests whose reads and writes yield to other callers in between, as Lambdas would. */
  function interleaving(t: ReturnType<typeof staged>) {
    const requests = t.world.requests;
    const pause = () => new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 3)));
    const original = { get: requests.get.bind(requests), update: requests.update.bind(requests) };
    requests.get = async (id) => {
      await pause();
      return original.get(id);
    };
    requests.update = async (...args) => {
      await pause();
      return original.update(...args);
    };
  }

  it.each([1, 2, 3, 4, 5])('ends consistent (run %i)', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `approver${i}`);
    const t = staged([{ approverIds: ids, required: 2 }]);
    interleaving(t);
    const decisions = ids.map((id, i) =>
      i % 3 === 2
        ? makeRejectRequest(t.world)(callerOf(id), { requestId: t.request.id, comment: 'no' })
        : makeApproveRequest(t.world)(callerOf(id), { requestId: t.request.id, comment: 'yes' }),
    );
    const results = await Promise.allSettled(decisions);
    const stored = await t.world.requests.get(t.request.id);
    const events = t.world.requests.eventsOf(t.request.id);
    const approvals = stored?.approvals ?? [];
    expect(events).toHaveLength((stored?.version ?? 0) - 1);
    expect(new Set(approvals.map((a) => a.by.id)).size).toBe(approvals.length);
    if (stored?.status === 'approved') {
      // Exactly the two approvals that count, and no rejection.
      expect(approvals).toHaveLength(2);
      expect(events.filter((e) => e.action === 'rejected')).toHaveLength(0);
      expect(stored.decidedBy?.id).toBe(approvals[1]?.by.id);
    } else {
      // One rejection, and fewer approvals than needed.
      expect(stored?.status).toBe('rejected');
      expect(events.filter((e) => e.action === 'rejected')).toHaveLength(1);
      expect(approvals.length).toBeLessThan(2);
    }
    // Every call either counted (an event of its own) or was told why it could not.
    const fulfilled = results.filter((r) => r.status === 'fulfilled').length;
    expect(fulfilled).toBe(events.length);
    for (const r of results) {
      if (r.status === 'rejected') {
        expect(r.reason).toSatisfy(
          (e: unknown) => e instanceof IllegalTransitionError || e instanceof ConflictError,
        );
      }
    }
  });
});

describe('stages that cannot be completed by different people (table)', () => {
  const a = person('a');
  const b = person('b');
  it.each([
    {
      name: 'two of one',
      stages: [{ required: 2, approvers: [a] }],
      error: /needs 2 approvals .* only 1 person/,
    },
    {
      name: 'one person for two stages',
      stages: [
        { required: 1, approvers: [a] },
        { name: 'security', required: 1, approvers: [a] },
      ],
      error: /one person counts only once/,
    },
    {
      name: 'three approvals from two people',
      stages: [
        { required: 2, approvers: [a, b] },
        { required: 1, approvers: [a, b] },
      ],
      error: /Stage 2 cannot get its approvals/,
    },
    {
      name: 'feasible by choosing well',
      stages: [
        { required: 1, approvers: [a, b] },
        { required: 1, approvers: [a] },
      ],
      error: undefined,
    },
  ])('$name', ({ stages, error }) => {
    const check = () => requireFeasibleStages(stages, 'Prod (111111111111)');
    if (error === undefined) {
      expect(check).not.toThrow();
      return;
    }
    expect(check).toThrow(NoApproverError);
    expect(check).toThrow(error);
  });

  it('a requester in the approver group never counts: a stage of two needing two is refused', async () => {
    const t = setup();
    const { ous, groups, users, permissionSets } = DEMO;
    // Production approvers are Bob and Frank; Bob asks, so only Frank is left for two approvals.
    const policy = t.world.policies.snapshot().approvers.find((p) => p.id === ous.production.id);
    if (!policy) throw new Error('demo policy missing');
    t.world.policies.seed({ approvers: [{ ...policy, approvalsRequired: 2 }] });
    t.world.policies.seed({
      eligibility: [
        {
          id: users.bob.id,
          principalId: users.bob.id,
          principalType: 'USER',
          principalName: users.bob.userName,
          name: 'default',
          accounts: [],
          ous: [{ ...ous.production }],
          includeNestedOus: false,
          permissionSets: [{ ...permissionSets.readOnly }],
          pairs: [],
          maxDurationHours: 4,
          approvalRequired: true,
          updatedAt: '2026-01-01T00:00:00.000Z',
          updatedBy: 'admin',
        },
      ],
    });
    expect(groups.approversProduction.id).toBe(policy.approverGroups[0]?.id);
    const error = await failure(
      t.create(t.bob, {
        accountId: DEMO.accounts.prodPayments.id,
        permissionSetArn: permissionSets.readOnly.arn,
        durationHours: 1,
        justification: 'check',
        ticketNo: 'INC-1',
      }),
    );
    expect(error).toBeInstanceOf(NoApproverError);
    expect(error.message).toMatch(
      /needs 2 approvals from different people, but only 1 person other than you/,
    );
  });
});

describe('extending access (table)', () => {
  const HOUR = 3_600_000;
  const base = (extra: Partial<AccessRequest> = {}): Partial<AccessRequest> => ({
    status: 'in progress',
    grantedAt: '2026-03-02T09:00:00.000Z',
    startTime: '2026-03-02T09:00:00.000Z',
    durationHours: 2,
    extensionRules: { maxTotalHours: 6, approvalRequired: true },
    ...extra,
  });

  it.each([
    {
      name: 'applied at once when extensions need no approval',
      req: base({ approvalRequired: false }),
      hours: 3,
      outcome: 'approved',
    },
    { name: 'waits for approval like the request', req: base(), hours: 3, outcome: 'pending' },
    { name: 'beyond the total the policy allows', req: base(), hours: 5, outcome: /at most 4/ },
    {
      name: 'a policy that allows no extensions',
      req: base({ extensionRules: undefined }),
      hours: 1,
      outcome: /allows no extensions/,
    },
    {
      name: 'access that already ended',
      req: base({ status: 'ended', endedAt: '2026-03-02T11:00:00.000Z' }),
      hours: 1,
      outcome: /only scheduled or in-progress/,
    },
    {
      name: 'access ending in less than a minute (racing the end)',
      req: base(),
      hours: 1,
      at: 2 * HOUR - 30_000,
      outcome: /less than a minute/,
    },
  ])('$name', async ({ req, hours, outcome, at }) => {
    const t = seeded(req);
    t.world.clock.set(new Date(Date.parse('2026-03-02T09:00:00.000Z') + (at ?? HOUR)));
    const attempt = makeExtendRequest(t.world)(t.alice, {
      requestId: t.request.id,
      hours,
      reason: 'Still fixing',
    });
    if (outcome instanceof RegExp) {
      const error = await failure(attempt);
      expect(error.message).toMatch(outcome);
      expect(await t.world.requests.get(t.request.id)).toEqual(t.request);
      return;
    }
    const extended = await attempt;
    expect(extended.extensions?.[0]).toMatchObject({ id: 1, hours, status: outcome, reason: 'Still fixing' });
    const end = accessEndOf(extended);
    expect(end).toBe(outcome === 'approved' ? '2026-03-02T14:00:00.000Z' : '2026-03-02T11:00:00.000Z');
  });

  it('approved by the request’s own quorum; one extension waiting at a time; the requester withdraws', async () => {
    const t = staged([{ approverIds: ['lead1', 'lead2'], required: 2 }], base());
    t.world.clock.set(new Date('2026-03-02T10:00:00.000Z'));
    const extend = makeExtendRequest(t.world);
    await extend(t.alice, { requestId: t.request.id, hours: 2, reason: 'More time' });
    const again = await failure(extend(t.alice, { requestId: t.request.id, hours: 1, reason: 'More' }));
    expect(again).toBeInstanceOf(ConflictError);

    const approve = makeApproveExtension(t.world);
    const first = await approve(callerOf('lead1'), {
      requestId: t.request.id,
      extensionId: 1,
      comment: 'ok',
    });
    expect(first.extensions?.[0]?.status).toBe('pending');
    expect(
      await failure(approve(t.alice, { requestId: t.request.id, extensionId: 1, comment: 'me' })),
    ).toBeInstanceOf(ForbiddenError);
    const second = await approve(callerOf('lead2'), {
      requestId: t.request.id,
      extensionId: 1,
      comment: 'ok',
    });
    expect(second.extensions?.[0]).toMatchObject({ status: 'approved', decidedBy: { id: 'lead2' } });
    expect(accessEndOf(second)).toBe('2026-03-02T13:00:00.000Z');

    await extend(t.alice, { requestId: t.request.id, hours: 2, reason: 'Even more' });
    const withdrawn = await makeRejectExtension(t.world)(t.alice, {
      requestId: t.request.id,
      extensionId: 2,
    });
    expect(withdrawn.extensions?.[1]?.status).toBe('cancelled');
    const missing = await failure(
      approve(callerOf('lead1'), { requestId: t.request.id, extensionId: 9, comment: 'x' }),
    );
    expect(missing).toBeInstanceOf(NotFoundError);
    const actions = t.world.requests.eventsOf(t.request.id).map((e) => e.action);
    expect(actions).toEqual([
      'extension-requested',
      'approval-recorded',
      'extended',
      'extension-requested',
      'extension-cancelled',
    ]);
  });

  it.each([
    {
      name: 'an approver of the only stage asking applies it at once',
      asker: 'lead1',
      status: 'approved',
      approvals: 1,
    },
    {
      name: 'an approver of a later stage asking gives no approval yet',
      asker: 'sec1',
      status: 'pending',
      approvals: 0,
    },
  ])('$name', async ({ asker, status, approvals }) => {
    const stages: ApprovalStage[] =
      asker === 'lead1'
        ? [{ approverIds: ['lead1', 'lead2'], required: 1 }]
        : [
            { approverIds: ['lead1'], required: 1 },
            { name: 'security', approverIds: ['sec1'], required: 1 },
          ];
    const t = staged(stages, base());
    t.world.clock.set(new Date('2026-03-02T10:00:00.000Z'));
    const extended = await makeExtendRequest(t.world)(callerOf(asker), {
      requestId: t.request.id,
      hours: 1,
      reason: 'The fix needs longer',
    });
    expect(extended.extensions?.[0]).toMatchObject({ status, requestedBy: { id: asker } });
    expect(extended.extensions?.[0]?.approvals).toHaveLength(approvals);
  });

  it('an approval of an extension racing the end of access is refused in the last minute', async () => {
    const t = staged([{ approverIds: ['lead1'], required: 1 }], base());
    t.world.clock.set(new Date('2026-03-02T10:00:00.000Z'));
    await makeExtendRequest(t.world)(t.alice, { requestId: t.request.id, hours: 1, reason: 'More' });
    t.world.clock.set(new Date('2026-03-02T10:59:30.000Z'));
    const error = await failure(
      makeApproveExtension(t.world)(callerOf('lead1'), {
        requestId: t.request.id,
        extensionId: 1,
        comment: 'ok',
      }),
    );
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(accessEndOf((await t.world.requests.get(t.request.id)) ?? t.request)).toBe(
      '2026-03-02T11:00:00.000Z',
    );
  });
});

describe('break-glass (table)', () => {
  const breakGlassPolicy = (allowed: boolean): EligibilityPolicy => ({
    id: DEMO.users.alice.id + '#break-glass',
    principalId: DEMO.users.alice.id,
    principalType: 'USER',
    principalName: DEMO.users.alice.userName,
    name: 'break-glass',
    accounts: [{ ...DEMO.accounts.prodPayments }],
    ous: [],
    includeNestedOus: false,
    permissionSets: [{ ...DEMO.permissionSets.readOnly }],
    pairs: [],
    maxDurationHours: 4,
    approvalRequired: true,
    breakGlass: allowed,
    breakGlassMaxHours: 2,
    updatedAt: '2026-01-01T00:00:00.000Z',
    updatedBy: 'admin',
  });
  const input = (hours = 1) => ({
    accountId: DEMO.accounts.prodPayments.id,
    permissionSetArn: DEMO.permissionSets.readOnly.arn,
    durationHours: hours,
    justification: 'Payments are down',
    incident: 'INC-4242',
  });

  it.each([
    { name: 'not allowed by any policy', allowed: false, enabled: true, hours: 1, error: NotEligibleError },
    { name: 'turned off in the settings', allowed: true, enabled: false, hours: 1, error: ForbiddenError },
    { name: 'longer than the policy allows', allowed: true, enabled: true, hours: 3, error: ValidationError },
    { name: 'allowed', allowed: true, enabled: true, hours: 2, error: undefined },
  ])('$name', async ({ allowed, enabled, hours, error }) => {
    const t = setup();
    t.world.policies.seed({ eligibility: [breakGlassPolicy(allowed)] });
    if (!enabled) {
      await t.updateSettings(t.dave, { breakGlassEnabled: false, expectedVersion: 0 });
    }
    const attempt = makeCreateBreakGlassRequest(t.world)(t.alice, input(hours));
    if (error !== undefined) {
      expect(await failure(attempt)).toBeInstanceOf(error);
      expect(await t.listAudit(t.erin, { limit: 10 })).toMatchObject({ items: [] });
      return;
    }
    const request = await attempt;
    expect(request).toMatchObject({
      status: 'pending',
      approvalRequired: false,
      durationHours: 2,
      breakGlass: { incident: 'INC-4242' },
      review: { state: 'needed' },
      startTime: t.world.clock.now().toISOString(),
    });
    expect(request.approvers.map((a) => a.id).sort()).toEqual(
      [DEMO.users.bob.id, DEMO.users.frank.id].sort(),
    );
    expect(t.world.requests.eventsOf(request.id).map((e) => e.action)).toEqual(['break-glass']);
    expect((await t.world.requests.listReviewsPending({ limit: 10 })).items.map((r) => r.id)).toEqual([
      request.id,
    ]);
  });

  it('is reviewed once, by an approver who is not the requester', async () => {
    const t = setup();
    t.world.policies.seed({ eligibility: [breakGlassPolicy(true)] });
    const request = await makeCreateBreakGlassRequest(t.world)(t.alice, input());
    const review = makeReviewRequest(t.world);
    expect(
      await failure(review(t.alice, { requestId: request.id, state: 'acknowledged', comment: 'fine' })),
    ).toBeInstanceOf(ForbiddenError);
    const blank = await failure(review(t.bob, { requestId: request.id, state: 'flagged', comment: ' ' }));
    expect(blank).toBeInstanceOf(ValidationError);
    const reviewed = await review(t.bob, { requestId: request.id, state: 'flagged', comment: 'Why prod?' });
    expect(reviewed.review).toMatchObject({
      state: 'flagged',
      by: { id: DEMO.users.bob.id },
      comment: 'Why prod?',
    });
    expect(
      await failure(review(t.frank, { requestId: request.id, state: 'acknowledged', comment: 'ok' })),
    ).toBeInstanceOf(ConflictError);
    expect((await t.world.requests.listReviewsPending({ limit: 10 })).items).toEqual([]);
  });

  it('only break-glass access is reviewed', async () => {
    const t = seeded({});
    const error = await failure(
      makeReviewRequest(t.world)(t.bob, { requestId: t.request.id, state: 'acknowledged', comment: 'ok' }),
    );
    expect(error).toBeInstanceOf(ValidationError);
  });
});
