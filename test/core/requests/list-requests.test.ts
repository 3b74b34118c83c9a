import { describe, expect, it } from 'vitest';
import { ForbiddenError } from '../../../lambdas/core/errors';
import { clampPage } from '../../../lambdas/core';
import type { AccessRequest, RequestStatus } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { DEMO } from '../../fakes';
import { failure, setup } from '../support';

const { users } = DEMO;
const actor = (u: (typeof users)[keyof typeof users]) => ({ id: u.id, email: u.email, name: u.displayName });
const at = (minutes: number) =>
  new Date(Date.parse('2026-03-01T00:00:00.000Z') + minutes * 60_000).toISOString();

describe('clampPage', () => {
  it.each([
    [undefined, 20],
    [null, 20],
    [Number.NaN, 20],
    [0, 1],
    [-5, 1],
    [7.9, 7],
    [100, 100],
    [500, 100],
  ])('limit %s becomes %s', (limit, expected) => {
    expect(clampPage({ limit }).limit).toBe(expected);
  });

  it('passes the cursor on and drops an empty one', () => {
    expect(clampPage({ cursor: 'abc' })).toEqual({ limit: 20, cursor: 'abc' });
    expect(clampPage({ cursor: '' })).toEqual({ limit: 20 });
    expect(clampPage()).toEqual({ limit: 20 });
  });
});

describe('listMyRequests', () => {
  it('pages through the caller’s own requests, newest first, never more than the limit', async () => {
    const t = setup();
    const mine = Array.from({ length: 25 }, (_, i) => aRequest({ createdAt: at(i) }));
    t.world.requests.seed(...mine, aRequest({ requester: actor(users.carol) }));

    const first = await t.listMine(t.alice);
    expect(first.items).toHaveLength(20);
    expect(first.items[0]?.createdAt).toBe(at(24));
    expect(first.nextCursor).toBeDefined();
    const second = await t.listMine(t.alice, { cursor: first.nextCursor });
    expect(second.items.map((r) => r.createdAt)).toEqual([at(4), at(3), at(2), at(1), at(0)]);
    expect(second.nextCursor).toBeUndefined();

    const big = await t.listMine(t.alice, { limit: 1000 });
    expect(big.items).toHaveLength(25);
    const tiny = await t.listMine(t.alice, { limit: 0 });
    expect(tiny.items).toHaveLength(1);
  });
});

describe('listPendingApprovals', () => {
  it('lists pending requests naming the caller as approver, never their own', async () => {
    const t = setup();
    const waiting = aRequest({ createdAt: at(1) });
    const decided = aRequest({ status: 'approved', createdAt: at(2) });
    const forCarol = aRequest({ approvers: [actor(users.carol)], createdAt: at(3) });
    // Bob's own request with a stale list naming him: still never his to decide.
    const bobsOwn = aRequest({
      requester: actor(users.bob),
      approvers: [actor(users.bob)],
      createdAt: at(4),
    });
    t.world.requests.seed(waiting, decided, forCarol, bobsOwn);

    expect((await t.listPending(t.bob)).items.map((r) => r.id)).toEqual([waiting.id]);
    expect((await t.listPending(t.carol)).items.map((r) => r.id)).toEqual([forCarol.id]);
    expect((await t.listPending(t.alice)).items).toEqual([]);
  });
});

describe('listMyApprovals', () => {
  it('lists what the caller decided, latest decision first', async () => {
    const t = setup();
    const older = aRequest({ status: 'approved', decidedBy: actor(users.bob), decidedAt: at(5) });
    const newer = aRequest({ status: 'rejected', decidedBy: actor(users.bob), decidedAt: at(9) });
    const byFrank = aRequest({ status: 'approved', decidedBy: actor(users.frank), decidedAt: at(7) });
    t.world.requests.seed(older, newer, byFrank);
    expect((await t.listMyApprovals(t.bob)).items.map((r) => r.id)).toEqual([newer.id, older.id]);
  });
});

describe('active and ended access', () => {
  function world() {
    const t = setup();
    const make = (status: RequestStatus, extra: Partial<AccessRequest> = {}) =>
      aRequest({ status, ...extra });
    const scheduled = make('scheduled', { startTime: at(100) });
    const running = make('in progress', { startTime: at(50) });
    const ended = make('ended', { endedAt: at(30) });
    const revoked = make('revoked', { revokedAt: at(40) });
    const pending = make('pending');
    const someoneElses = make('in progress', {
      requester: actor(users.carol),
      approvers: [actor(users.dave)],
    });
    t.world.requests.seed(scheduled, running, ended, revoked, pending, someoneElses);
    return { ...t, scheduled, running, ended, revoked };
  }

  it('shows scheduled and in-progress access to the requester and the approvers only', async () => {
    const t = world();
    const expected = [t.scheduled.id, t.running.id];
    expect((await t.listActive(t.alice)).items.map((r) => r.id)).toEqual(expected);
    expect((await t.listActive(t.frank)).items.map((r) => r.id)).toEqual(expected);
    expect((await t.listActive(t.erin)).items).toEqual([]);
  });

  it('shows ended and revoked access, most recent first', async () => {
    const t = world();
    expect((await t.listEnded(t.bob)).items.map((r) => r.id)).toEqual([t.revoked.id, t.ended.id]);
    expect((await t.listEnded(t.oscar)).items).toEqual([]);
  });
});

describe('audit lists', () => {
  it('let auditors see every request and every session, and nobody else', async () => {
    const t = setup();
    const requests = (
      ['pending', 'rejected', 'scheduled', 'in progress', 'ended', 'revoked', 'error'] as const
    ).map((status, i) => aRequest({ status, createdAt: at(i), startTime: at(i) }));
    t.world.requests.seed(...requests);

    const all = await t.listAudit(t.erin, { limit: 100 });
    expect(all.items).toHaveLength(7);
    const sessions = await t.listSessions(t.erin);
    expect(sessions.items.map((r) => r.status)).toEqual(['revoked', 'ended', 'in progress', 'scheduled']);

    for (const caller of [t.alice, t.bob, t.dave]) {
      expect(await failure(t.listAudit(caller))).toBeInstanceOf(ForbiddenError);
      expect(await failure(t.listSessions(caller))).toBeInstanceOf(ForbiddenError);
    }
  });
});

describe('getRequest and listRequestEvents', () => {
  it('show a request and its history to its requester, its approvers and auditors only', async () => {
    const t = setup();
    const request = await t.create(t.alice, {
      accountId: DEMO.accounts.prodPayments.id,
      permissionSetArn: DEMO.permissionSets.readOnly.arn,
      durationHours: 1,
      justification: 'Check the logs',
      ticketNo: 'CHG-7',
    });
    await t.approve(t.bob, { requestId: request.id, comment: 'ok' });

    for (const caller of [t.alice, t.bob, t.frank, t.erin]) {
      expect((await t.getRequest(caller, request.id)).status).toBe('approved');
      const events = await t.listEvents(caller, request.id);
      expect(events.items.map((e) => e.action)).toEqual(['created', 'approved']);
    }
    for (const caller of [t.carol, t.dave, t.oscar]) {
      expect(await failure(t.getRequest(caller, request.id))).toBeInstanceOf(ForbiddenError);
      expect(await failure(t.listEvents(caller, request.id))).toBeInstanceOf(ForbiddenError);
    }
  });

  it('pages the history oldest first', async () => {
    const t = setup();
    const request = aRequest({ approvalRequired: false });
    t.world.requests.seed(request);
    await t.system(request.id, 'schedule');
    await t.system(request.id, 'start');
    await t.system(request.id, 'end');
    const first = await t.listEvents(t.alice, request.id, { limit: 2 });
    expect(first.items.map((e) => e.action)).toEqual(['scheduled', 'started']);
    const rest = await t.listEvents(t.alice, request.id, { limit: 2, cursor: first.nextCursor });
    expect(rest.items.map((e) => e.action)).toEqual(['ended']);
    expect(rest.nextCursor).toBeUndefined();
  });

  it('refuses a request that does not exist exactly like one the caller may not see', async () => {
    const t = setup();
    const request = aRequest();
    t.world.requests.seed(request);
    const answer = async (promise: Promise<unknown>) => {
      const error = await failure(promise);
      return { type: error.constructor.name, message: error.message };
    };
    for (const read of [t.getRequest, t.listEvents]) {
      const hidden = await answer(read(t.carol, request.id));
      expect(hidden.type).toBe(ForbiddenError.name);
      for (const id of ['nope', '', 'a'.repeat(65), "x' OR '1'='1", 'b0b0b0b0-0000-4000-8000-ffffffffffff']) {
        // Whoever asks: an auditor, who may read every request, learns no more about a missing one.
        for (const caller of [t.carol, t.erin]) expect(await answer(read(caller, id))).toEqual(hidden);
      }
    }
  });
});
