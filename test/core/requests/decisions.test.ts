import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  ForbiddenError,
  IllegalTransitionError,
  ValidationError,
} from '../../../lambdas/core/errors';
import {
  makeApproveRequest,
  makeCancelRequest,
  makeRejectRequest,
  makeRevokeRequest,
} from '../../../lambdas/core';
import type { AccessRequest, RequestStatus } from '../../../lambdas/core/types';
import { aRequest, someSettings } from '../../builders';
import { DEMO, InMemoryRequestRepository } from '../../fakes';
import { failure, setup } from '../support';

const { users } = DEMO;
const actor = (u: (typeof users)[keyof typeof users]) => ({ id: u.id, email: u.email, name: u.displayName });

function seeded(overrides: Partial<AccessRequest> = {}) {
  const t = setup();
  const request = aRequest(overrides);
  t.world.requests.seed(request);
  return { ...t, request };
}

describe('approve and reject', () => {
  it('records the approver, the time and the comment, with an audit event', async () => {
    const t = seeded();
    t.world.clock.advance({ minutes: 10 });
    const approved = await t.approve(t.bob, { requestId: t.request.id, comment: ' 了解しました ' });

    expect(approved).toMatchObject({
      status: 'approved',
      decidedBy: actor(users.bob),
      decidedAt: '2026-03-02T09:10:00.000Z',
      decisionComment: '了解しました',
      updatedAt: '2026-03-02T09:10:00.000Z',
      version: 2,
    });
    expect(await t.world.requests.get(t.request.id)).toEqual(approved);
    expect(t.world.requests.eventsOf(t.request.id)).toEqual([
      {
        requestId: t.request.id,
        id: '2026-03-02T09:10:00.000Z#v000002',
        at: '2026-03-02T09:10:00.000Z',
        action: 'approved',
        actor: actor(users.bob),
        fromStatus: 'pending',
        toStatus: 'approved',
        comment: '了解しました',
      },
    ]);
  });

  it('rejects with the same rules', async () => {
    const t = seeded();
    const rejected = await t.reject(t.frank, { requestId: t.request.id, comment: 'Use the read-only role' });
    expect(rejected).toMatchObject({
      status: 'rejected',
      decidedBy: actor(users.frank),
      decisionComment: 'Use the read-only role',
    });
    expect(t.world.requests.eventsOf(t.request.id).map((e) => e.action)).toEqual(['rejected']);
  });

  it('requires a comment when the settings say so, and not otherwise', async () => {
    const t = seeded();
    const error = await failure(t.approve(t.bob, { requestId: t.request.id, comment: '  ' }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field: 'comment', message: 'Comment is required.' });

    t.world.settings.seed(someSettings({ commentsRequired: false }));
    const approved = await t.approve(t.bob, { requestId: t.request.id });
    expect(approved.status).toBe('approved');
    expect(approved.decisionComment).toBeUndefined();
    expect(t.world.requests.eventsOf(t.request.id)[0]).not.toHaveProperty('comment');
  });

  it('refuses the requester even when a stale approver list names them', async () => {
    const t = seeded({ approvers: [actor(users.alice), actor(users.bob)] });
    for (const decide of [t.approve, t.reject]) {
      const error = await failure(decide(t.alice, { requestId: t.request.id, comment: 'self' }));
      expect(error).toBeInstanceOf(ForbiddenError);
    }
    expect((await t.world.requests.get(t.request.id))?.status).toBe('pending');
  });

  it('refuses anyone not listed as an approver, admins and auditors included', async () => {
    const t = seeded();
    for (const caller of [t.carol, t.dave, t.erin, t.oscar]) {
      expect(await failure(t.approve(caller, { requestId: t.request.id, comment: 'ok' }))).toBeInstanceOf(
        ForbiddenError,
      );
    }
  });

  it.each<RequestStatus>([
    'expired',
    'cancelled',
    'rejected',
    'approved',
    'scheduled',
    'in progress',
    'ended',
    'revoked',
    'error',
  ])('refuses to approve or reject a request that is %s', async (status) => {
    const t = seeded({ status });
    for (const [decide, to] of [
      [t.approve, 'approved'],
      [t.reject, 'rejected'],
    ] as const) {
      const error = await failure(decide(t.bob, { requestId: t.request.id, comment: 'late' }));
      expect(error).toBeInstanceOf(IllegalTransitionError);
      expect(error).toMatchObject({ from: status, to });
      expect(error.message).toBe(`A request that is ${status} cannot become ${to}.`);
    }
    expect(t.world.requests.eventsOf(t.request.id)).toEqual([]);
  });

  it('refuses a pending request past its expiry time even before the workflow marks it', async () => {
    const t = seeded();
    t.world.clock.advance({ hours: 3 });
    const error = await failure(t.approve(t.bob, { requestId: t.request.id, comment: 'late' }));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ from: 'expired', to: 'approved' });
  });

  it('lets exactly one of two approvers deciding at once win; the other learns it was decided', async () => {
    const t = seeded();
    // Both read the request before either writes, like two Lambdas at the same moment.
    const requests = new BarrierRepository(2);
    requests.seed(t.request);
    const deps = { ...t.world, requests };
    const [bobResult, frankResult] = await Promise.allSettled([
      makeApproveRequest(deps)(t.bob, { requestId: t.request.id, comment: 'yes' }),
      makeRejectRequest(deps)(t.frank, { requestId: t.request.id, comment: 'no' }),
    ]);

    const outcomes = [bobResult.status, frankResult.status].sort();
    expect(outcomes).toEqual(['fulfilled', 'rejected']);
    const loser = [bobResult, frankResult].find((r) => r.status === 'rejected');
    // The loser reads the request again and is told why it cannot decide it any more.
    expect(loser?.status === 'rejected' && loser.reason).toBeInstanceOf(IllegalTransitionError);
    const stored = await requests.get(t.request.id);
    expect(stored?.version).toBe(2);
    expect(requests.eventsOf(t.request.id)).toHaveLength(1);
    expect(requests.eventsOf(t.request.id)[0]?.toStatus).toBe(stored?.status);
  });

  it('refuses a request that does not exist exactly like one the caller may not decide', async () => {
    const t = seeded();
    const answer = async (promise: Promise<unknown>) => {
      const error = await failure(promise);
      return { type: error.constructor.name, message: error.message };
    };
    const hidden = await answer(t.approve(t.oscar, { requestId: t.request.id, comment: 'x' }));
    expect(hidden.type).toBe(ForbiddenError.name);
    for (const requestId of ['nope', '', 'a'.repeat(65)]) {
      expect(await answer(t.approve(t.bob, { requestId, comment: 'x' }))).toEqual(hidden);
    }
  });
});

describe('cancel', () => {
  it.each<RequestStatus>(['pending', 'scheduled'])(
    'lets the requester cancel a %s request',
    async (status) => {
      const t = seeded({ status });
      t.world.clock.advance({ minutes: 1 });
      const cancelled = await t.cancel(t.alice, { requestId: t.request.id });
      expect(cancelled).toMatchObject({
        status: 'cancelled',
        cancelledAt: '2026-03-02T09:01:00.000Z',
        version: 2,
      });
      expect(t.world.requests.eventsOf(t.request.id)).toMatchObject([
        { action: 'cancelled', actor: actor(users.alice), fromStatus: status, toStatus: 'cancelled' },
      ]);
    },
  );

  it.each<RequestStatus>(['approved', 'in progress', 'ended', 'cancelled', 'expired'])(
    'refuses to cancel a request that is %s',
    async (status) => {
      const t = seeded({ status });
      expect(await failure(t.cancel(t.alice, { requestId: t.request.id }))).toBeInstanceOf(
        IllegalTransitionError,
      );
    },
  );

  it('refuses everyone but the requester', async () => {
    const t = seeded();
    for (const caller of [t.bob, t.erin, t.dave]) {
      expect(await failure(t.cancel(caller, { requestId: t.request.id }))).toBeInstanceOf(ForbiddenError);
    }
  });

  it('turns a lost race into a ConflictError', async () => {
    const t = seeded();
    t.world.requests.calls.failNext('update', new ConflictError('condition failed'));
    const error = await failure(t.cancel(t.alice, { requestId: t.request.id }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toMatch(/changed while you were acting on it/);
  });
});

describe('revoke', () => {
  it('lets a listed approver revoke access in progress, with the required comment', async () => {
    const t = seeded({ status: 'in progress', grantedAt: '2026-03-02T09:00:05.000Z' });
    const missing = await failure(t.revoke(t.bob, { requestId: t.request.id }));
    expect(missing).toMatchObject({ field: 'comment', message: 'Revoke comment is required.' });

    t.world.clock.advance({ minutes: 30 });
    const revoked = await t.revoke(t.bob, { requestId: t.request.id, comment: 'Incident closed' });
    expect(revoked).toMatchObject({
      status: 'revoked',
      revokedBy: actor(users.bob),
      revokedAt: '2026-03-02T09:30:00.000Z',
      revokeComment: 'Incident closed',
    });
    expect(t.world.requests.eventsOf(t.request.id)).toMatchObject([
      {
        action: 'revoked',
        actor: actor(users.bob),
        fromStatus: 'in progress',
        toStatus: 'revoked',
        comment: 'Incident closed',
      },
    ]);
  });

  it('lets the requester revoke scheduled access, comment optional when the settings allow', async () => {
    const t = seeded({ status: 'scheduled' });
    t.world.settings.seed(someSettings({ commentsRequired: false }));
    const revoked = await t.revoke(t.alice, { requestId: t.request.id, comment: null });
    expect(revoked).toMatchObject({ status: 'revoked', revokedBy: actor(users.alice) });
    expect(revoked.revokeComment).toBeUndefined();
  });

  it.each<RequestStatus>(['pending', 'approved', 'ended', 'revoked', 'error'])(
    'refuses to revoke a %s request',
    async (status) => {
      const t = seeded({ status });
      const error = await failure(t.revoke(t.alice, { requestId: t.request.id, comment: 'stop' }));
      expect(error).toBeInstanceOf(IllegalTransitionError);
      expect(error).toMatchObject({ from: status, to: 'revoked' });
    },
  );

  it('turns a lost race into a ConflictError', async () => {
    const t = seeded({ status: 'in progress' });
    t.world.requests.calls.failNext('update', new ConflictError('condition failed'));
    const error = await failure(t.revoke(t.alice, { requestId: t.request.id, comment: 'done' }));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error.message).toBe(
      'The request for ReadOnlyAccess in Prod-Payments changed while you were acting on it; reload it and try again.',
    );
  });

  it('refuses people who are neither requester nor approver', async () => {
    const t = seeded({ status: 'in progress' });
    for (const caller of [t.carol, t.dave, t.erin, t.oscar]) {
      expect(await failure(t.revoke(caller, { requestId: t.request.id, comment: 'x' }))).toBeInstanceOf(
        ForbiddenError,
      );
    }
  });
});

/** A repository whose first `parties` reads all complete together, so every reader sees the same version. */
class BarrierRepository extends InMemoryRequestRepository {
  private waiting: (() => void)[] = [];

  constructor(private parties: number) {
    super();
  }

  override async get(id: string): Promise<AccessRequest | undefined> {
    const value = await super.get(id);
    if (this.parties <= 0) return value;
    this.parties -= 1;
    if (this.parties === 0) {
      for (const release of this.waiting) release();
      this.waiting = [];
      return value;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
    return value;
  }
}

describe('the waiting workflow is told at once', () => {
  /** The decisions over a world whose relay records what it was asked to resume. */
  function relaying(overrides: Partial<AccessRequest> = {}) {
    const t = seeded(overrides);
    const resumed: Pick<AccessRequest, 'id' | 'status' | 'version'>[] = [];
    const world = { ...t.world, decisionRelay: { resume: async (r: AccessRequest) => void resumed.push(r) } };
    return {
      ...t,
      resumed: () => resumed.map(({ id, status, version }) => ({ id, status, version })),
      approve: makeApproveRequest(world),
      reject: makeRejectRequest(world),
      cancel: makeCancelRequest(world),
      revoke: makeRevokeRequest(world),
    };
  }

  it.each([
    [
      'approved',
      (t: ReturnType<typeof relaying>) => t.approve(t.bob, { requestId: t.request.id, comment: 'ok' }),
    ],
    [
      'rejected',
      (t: ReturnType<typeof relaying>) => t.reject(t.bob, { requestId: t.request.id, comment: 'no' }),
    ],
    ['cancelled', (t: ReturnType<typeof relaying>) => t.cancel(t.alice, { requestId: t.request.id })],
  ] as const)('after the decision is stored: %s, with the version it wrote', async (status, decide) => {
    const t = relaying();
    const decided = await decide(t);
    expect(t.resumed()).toEqual([{ id: t.request.id, status, version: decided.version }]);
    expect((await t.world.requests.get(t.request.id))?.version).toBe(decided.version);
  });

  it('after a revoke of access in progress', async () => {
    const t = relaying({ status: 'in progress' });
    const revoked = await t.revoke(t.alice, { requestId: t.request.id, comment: 'done' });
    expect(t.resumed()).toEqual([{ id: t.request.id, status: 'revoked', version: revoked.version }]);
  });

  it('never when the decision was refused or lost a race', async () => {
    const t = relaying();
    await failure(t.approve(t.alice, { requestId: t.request.id, comment: 'mine' }));
    await failure(t.approve(t.bob, { requestId: t.request.id, comment: '' }));
    await t.reject(t.frank, { requestId: t.request.id, comment: 'no' });
    await failure(t.approve(t.bob, { requestId: t.request.id, comment: 'late' }));
    expect(t.resumed().map((r) => r.status)).toEqual(['rejected']);
  });
});
