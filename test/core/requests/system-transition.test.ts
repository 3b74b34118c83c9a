import { describe, expect, it } from 'vitest';
import { ConflictError, IllegalTransitionError, NotFoundError } from '../../../lambdas/core/errors';
import { makeApplySystemTransition, type SystemAction } from '../../../lambdas/core';
import type { AccessRequest, RequestStatus } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { InMemoryRequestRepository } from '../../fakes';
import { failure, setup } from '../support';

function seeded(overrides: Partial<AccessRequest> = {}) {
  const t = setup();
  const request = aRequest(overrides);
  t.world.requests.seed(request);
  return { ...t, request };
}

describe('applySystemTransition', () => {
  it.each<[SystemAction, RequestStatus, Partial<AccessRequest>, RequestStatus]>([
    ['schedule', 'pending', { approvalRequired: false }, 'scheduled'],
    ['schedule', 'approved', {}, 'scheduled'],
    ['start', 'scheduled', {}, 'in progress'],
    ['end', 'in progress', {}, 'ended'],
    ['expire', 'pending', {}, 'expired'],
    ['fail', 'pending', {}, 'error'],
    ['fail', 'approved', {}, 'error'],
    ['fail', 'scheduled', {}, 'error'],
    ['fail', 'in progress', {}, 'error'],
    ['fail', 'revoked', {}, 'error'],
  ])('%s moves a %s request on, with a system audit event', async (action, from, extra, to) => {
    const t = seeded({ status: from, ...extra });
    const next = await t.system(t.request.id, action);
    expect(next).toMatchObject({ status: to, version: 2 });
    expect(await t.world.requests.get(t.request.id)).toEqual(next);
    expect(t.world.requests.eventsOf(t.request.id)).toMatchObject([
      { actor: 'system', fromStatus: from, toStatus: to },
    ]);
  });

  it('records when access was granted and ended, as reported by the workflow', async () => {
    const t = seeded({ status: 'scheduled' });
    const started = await t.system(t.request.id, 'start', { at: '2026-03-02T09:00:07.000Z' });
    expect(started.grantedAt).toBe('2026-03-02T09:00:07.000Z');
    t.world.clock.advance({ hours: 2 });
    const ended = await t.system(t.request.id, 'end');
    expect(ended).toMatchObject({
      status: 'ended',
      endedAt: '2026-03-02T11:00:00.000Z',
      grantedAt: '2026-03-02T09:00:07.000Z',
    });
    expect(t.world.requests.eventsOf(t.request.id).map((e) => e.action)).toEqual(['started', 'ended']);
  });

  it('records why a request failed', async () => {
    const t = seeded({ status: 'scheduled' });
    const failed = await t.system(t.request.id, 'fail', {
      errorReason: 'Identity Center said FAILED: quota exceeded',
    });
    expect(failed).toMatchObject({
      status: 'error',
      errorReason: 'Identity Center said FAILED: quota exceeded',
    });
    expect(t.world.requests.eventsOf(t.request.id)[0]).toMatchObject({
      action: 'failed',
      detail: 'Identity Center said FAILED: quota exceeded',
    });
    const unexplained = seeded({ status: 'pending' });
    expect((await unexplained.system(unexplained.request.id, 'fail')).errorReason).toBe('Unknown error');
  });

  it.each<[SystemAction, RequestStatus]>([
    ['schedule', 'scheduled'],
    ['start', 'in progress'],
    ['end', 'ended'],
    ['expire', 'expired'],
    ['fail', 'error'],
  ])('is idempotent: %s on a request already %s returns it unchanged', async (action, status) => {
    const t = seeded({ status });
    const again = await t.system(t.request.id, action);
    expect(again).toEqual(t.request);
    expect(t.world.requests.eventsOf(t.request.id)).toEqual([]);
  });

  it('records the end of a revoked request’s access once, keeping it revoked', async () => {
    const t = seeded({ status: 'revoked', revokedAt: '2026-03-02T09:30:00.000Z' });
    t.world.clock.advance({ minutes: 31 });
    const ended = await t.system(t.request.id, 'end');
    expect(ended).toMatchObject({ status: 'revoked', endedAt: '2026-03-02T09:31:00.000Z', version: 2 });
    expect(t.world.requests.eventsOf(t.request.id)).toMatchObject([
      { action: 'ended', fromStatus: 'revoked', toStatus: 'revoked', actor: 'system' },
    ]);
    expect(await t.system(t.request.id, 'end')).toEqual(ended);
    expect(t.world.requests.eventsOf(t.request.id)).toHaveLength(1);
  });

  it.each<[SystemAction, RequestStatus]>([
    ['start', 'ended'],
    ['start', 'revoked'],
    ['start', 'pending'],
    ['end', 'scheduled'],
    ['expire', 'approved'],
    ['schedule', 'cancelled'],
    ['fail', 'ended'],
    ['fail', 'rejected'],
  ])('refuses %s on a %s request', async (action, status) => {
    const t = seeded({ status });
    const error = await failure(t.system(t.request.id, action));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ from: status });
  });

  it('refuses to schedule a pending request that needs approval', async () => {
    const t = seeded({ status: 'pending', approvalRequired: true });
    const error = await failure(t.system(t.request.id, 'schedule'));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error.message).toMatch(/pending cannot become scheduled: it needs an approver/);
  });

  it('decides again on a fresh read when another writer got there first', async () => {
    const t = seeded({ status: 'scheduled' });
    t.world.requests.calls.failNext('update', new ConflictError('condition failed'));
    const started = await t.system(t.request.id, 'start');
    expect(started.status).toBe('in progress');
    expect(t.world.requests.calls.count('get')).toBe(2);
  });

  it('returns the stored request when a concurrent retry already applied the change', async () => {
    const stale = aRequest({ status: 'scheduled' });
    const requests = new StaleOnceRepository(stale);
    requests.seed({ ...stale, status: 'in progress', version: 2, grantedAt: '2026-03-02T09:00:01.000Z' });
    const t = setup();
    const started = await makeApplySystemTransition({ ...t.world, requests })(stale.id, 'start');
    expect(started).toMatchObject({
      status: 'in progress',
      version: 2,
      grantedAt: '2026-03-02T09:00:01.000Z',
    });
  });

  it('decides on the copy it is given without reading the request again', async () => {
    const t = seeded({ status: 'scheduled' });
    const started = await t.system(t.request, 'start');
    expect(started).toMatchObject({ status: 'in progress', version: 2 });
    expect(t.world.requests.calls.count('get')).toBe(0);
    expect(await t.world.requests.get(t.request.id)).toEqual(started);
  });

  it('reads the stored request when the copy it was given is no longer current', async () => {
    const t = seeded({ status: 'scheduled' });
    const stale = structuredClone(t.request);
    // Revoked meanwhile: the stale copy's write is refused, the stored request decides.
    t.world.requests.seed({ ...t.request, status: 'revoked', version: 2 });
    const error = await failure(t.system(stale, 'start'));
    expect(error).toBeInstanceOf(IllegalTransitionError);
    expect(error).toMatchObject({ from: 'revoked' });
    expect(t.world.requests.calls.count('get')).toBe(1);
    expect(t.world.requests.eventsOf(t.request.id)).toEqual([]);
  });

  it('gives up after repeated conflicts', async () => {
    const t = seeded({ status: 'scheduled' });
    t.world.requests.calls.failNext('update', new ConflictError('condition failed'), 3);
    expect(await failure(t.system(t.request.id, 'start'))).toBeInstanceOf(ConflictError);
    expect(t.world.requests.calls.count('update')).toBe(3);
  });

  it('says NotFound for an unknown request', async () => {
    const t = setup();
    expect(await failure(t.system('missing', 'start'))).toBeInstanceOf(NotFoundError);
  });
});

/** Answers the first read with a stale copy, as if it raced with another writer. */
class StaleOnceRepository extends InMemoryRequestRepository {
  private staleLeft = 1;

  constructor(private readonly stale: AccessRequest) {
    super();
  }

  override async get(id: string): Promise<AccessRequest | undefined> {
    if (this.staleLeft > 0 && id === this.stale.id) {
      this.staleLeft -= 1;
      return structuredClone(this.stale);
    }
    return super.get(id);
  }
}
