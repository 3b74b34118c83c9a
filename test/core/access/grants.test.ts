import { beforeEach, describe, expect, it } from 'vitest';
import {
  AccessControl,
  accessErrorReason,
  isRetryableAccessError,
  makeGrantAccess,
  makeRevokeAccess,
  pollOperation,
  releaseOf,
  targetOfRequest,
} from '../../../lambdas/core/access';
import { ConflictError, NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import type { Grant } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { FixedClock } from '../../fakes/clock';
import { InMemoryGrantRepository } from '../../fakes/grants';
import { awsError, FakeAssignments, noSleep } from './fakes';

const request = aRequest();
const other = aRequest();
const t = targetOfRequest(request);

describe('grant and revoke (reference counted)', () => {
  let grants: InMemoryGrantRepository;
  let idc: FakeAssignments;
  let grant: ReturnType<typeof makeGrantAccess>;
  let revoke: ReturnType<typeof makeRevokeAccess>;
  const stored = () => grants.get(t.userId, t.accountId, t.permissionSetArn);

  beforeEach(() => {
    grants = new InMemoryGrantRepository();
    idc = new FakeAssignments();
    const deps = {
      grants,
      assignments: idc,
      clock: new FixedClock(),
      sleep: noSleep,
      pollDelaysMs: [1, 1, 1],
    };
    grant = makeGrantAccess(deps);
    revoke = makeRevokeAccess(deps);
  });

  it('the first request creates the assignment once Identity Center confirms it', async () => {
    expect(await grant(request)).toEqual({ state: 'granted', createdByTeam: true, shared: false });
    expect(idc.has(t.userId, t.accountId, t.permissionSetArn)).toBe(true);
    expect(await stored()).toMatchObject({ requestIds: [request.id], createdByTeam: true, version: 1 });
    expect(idc.calls).toEqual(['exists', 'create', 'status']);
  });

  it('a retried grant only checks that the assignment is there', async () => {
    await grant(request);
    idc.calls.length = 0;
    expect(await grant(request)).toEqual({ state: 'granted', createdByTeam: true, shared: true });
    expect(idc.calls).toEqual(['exists']);
    expect((await stored())?.requestIds).toEqual([request.id]);
  });

  it('overlapping requests share one assignment; it goes with the last one', async () => {
    await grant(request);
    expect(await grant(other)).toEqual({ state: 'granted', createdByTeam: true, shared: true });
    expect(idc.count('create')).toBe(1);
    expect((await stored())?.requestIds).toEqual([request.id, other.id]);

    expect(await revoke(request)).toEqual({ state: 'revoked', removed: false });
    expect(idc.has(t.userId, t.accountId, t.permissionSetArn)).toBe(true);
    expect(await revoke(other)).toEqual({ state: 'revoked', removed: true });
    expect(idc.has(t.userId, t.accountId, t.permissionSetArn)).toBe(false);
    expect(await stored()).toBeUndefined();
  });

  it('standing access is recorded as such and never removed', async () => {
    idc.hold(t.userId, t.accountId, t.permissionSetArn);
    expect(await grant(request)).toEqual({ state: 'granted', createdByTeam: false, shared: true });
    expect(await grant(other)).toEqual({ state: 'granted', createdByTeam: false, shared: true });
    expect(idc.count('create')).toBe(0);
    await revoke(request);
    await revoke(other);
    expect(idc.count('remove')).toBe(0);
    expect(idc.has(t.userId, t.accountId, t.permissionSetArn)).toBe(true);
    expect(await stored()).toBeUndefined();
  });

  it('a joiner creates the assignment when the first creation has not shown yet', async () => {
    await grants.put({ ...t, requestIds: [request.id], createdByTeam: true, updatedAt: 'x', version: 1 }, 0);
    expect(await grant(other)).toEqual({ state: 'granted', createdByTeam: true, shared: false });
    expect(idc.calls).toEqual(['exists', 'create', 'status']);
  });

  it('hands back a creation still in progress and finishes it on the next call', async () => {
    idc.pollsUntilDone = 5;
    const first = await grant(request);
    expect(first).toEqual({ state: 'pending', operation: { id: 'op-1', kind: 'CREATE' } });
    const second = first.state === 'pending' ? await grant(request, first.operation) : first;
    expect(second).toEqual({ state: 'granted', createdByTeam: true, shared: false });
  });

  it('a FAILED creation is final: the reason, and the request is off the grant', async () => {
    idc.failNext(1, 'Permission set not provisioned');
    expect(await grant(request)).toEqual({ state: 'failed', reason: 'Permission set not provisioned' });
    expect(await stored()).toBeUndefined();
    await grants.put({ ...t, requestIds: [other.id], createdByTeam: true, updatedAt: 'x', version: 1 }, 0);
    idc.failNext(1, 'again');
    expect(await grant(request)).toMatchObject({ state: 'failed' });
    expect((await stored())?.requestIds).toEqual([other.id]);
  });

  it('a refused call is final too, a throttled one is thrown for a retry', async () => {
    idc.throwOnce('create', awsError('ValidationException', 'bad target'));
    expect(await grant(request)).toEqual({ state: 'failed', reason: 'ValidationException: bad target' });
    expect(await stored()).toBeUndefined();

    idc.throwOnce('create', awsError('ThrottlingException'));
    await expect(grant(request)).rejects.toThrow('ThrottlingException');
    expect((await stored())?.requestIds).toEqual([request.id]);
    expect(await grant(request)).toMatchObject({ state: 'granted' });
  });

  it('tolerates throttled status checks while polling', async () => {
    idc.throwOnce('status', awsError('ThrottlingException'));
    expect(await grant(request)).toMatchObject({ state: 'granted' });
  });

  it('refuses to join access that is being removed (retry later)', async () => {
    await grant(request);
    idc.pollsUntilDone = 10;
    expect(await revoke(request)).toMatchObject({ state: 'pending' });
    expect(releaseOf((await stored())!)).toMatchObject({ requestId: request.id });
    await expect(grant(other)).rejects.toBeInstanceOf(ConflictError);
  });

  it('continues its own release when retried, and finishes a pending deletion', async () => {
    await grant(request);
    idc.throwOnce('remove', awsError('ThrottlingException'));
    await expect(revoke(request)).rejects.toThrow();
    expect((await stored())?.requestIds).toEqual([]);
    idc.pollsUntilDone = 10;
    const pending = await revoke(request);
    expect(pending).toEqual({ state: 'pending', operation: { id: 'op-2', kind: 'DELETE' } });
    idc.pollsUntilDone = 0;
    expect(await revoke(request, pending.state === 'pending' ? pending.operation : undefined)).toEqual({
      state: 'revoked',
      removed: true,
    });
    expect(await stored()).toBeUndefined();
  });

  it('a request that holds nothing is revoked at once', async () => {
    expect(await revoke(request)).toEqual({ state: 'revoked', removed: false });
    await grant(other);
    expect(await revoke(request)).toEqual({ state: 'revoked', removed: false });
    expect(idc.count('remove')).toBe(0);
  });

  it('a FAILED deletion leaves a failed marker that a new request may take over', async () => {
    await grant(request);
    idc.failNext(1, 'Deletion failed');
    expect(await revoke(request)).toEqual({ state: 'failed', reason: 'Deletion failed' });
    expect(idc.has(t.userId, t.accountId, t.permissionSetArn)).toBe(true);
    expect(releaseOf((await stored())!)).toMatchObject({
      requestId: request.id,
      failedReason: 'Deletion failed',
    });

    expect(await grant(other)).toEqual({ state: 'granted', createdByTeam: true, shared: true });
    const taken = await stored();
    expect(taken?.requestIds).toEqual([other.id]);
    expect(releaseOf(taken!)).toBeUndefined();
    expect(await revoke(other)).toEqual({ state: 'revoked', removed: true });
  });

  it('a refused deletion of what is already gone counts as done', async () => {
    await grant(request);
    idc.held.clear();
    idc.throwOnce('remove', awsError('ResourceNotFoundException'));
    expect(await revoke(request)).toEqual({ state: 'revoked', removed: true });
    expect(await stored()).toBeUndefined();

    await grant(other);
    idc.throwOnce('remove', awsError('AccessDeniedException', 'no'));
    expect(await revoke(other)).toEqual({ state: 'failed', reason: 'AccessDeniedException: no' });
  });

  it('retries its writes when another request changed the grant meanwhile', async () => {
    const racing = new InMemoryGrantRepository();
    let interfere = true;
    const base = { ...t, createdByTeam: true, updatedAt: 'x' };
    const flaky = Object.assign(Object.create(racing) as InMemoryGrantRepository, {
      put: async (g: Grant, expected: number) => {
        if (interfere) {
          interfere = false;
          const current = await racing.get(t.userId, t.accountId, t.permissionSetArn);
          await racing.put(
            { ...base, requestIds: [...(current?.requestIds ?? []), 'intruder'], version: expected + 1 },
            expected,
          );
        }
        return racing.put(g, expected);
      },
    });
    const g = makeGrantAccess({
      grants: flaky,
      assignments: idc,
      clock: new FixedClock(),
      sleep: noSleep,
      pollDelaysMs: [1],
    });
    await racing.put({ ...base, requestIds: [other.id], version: 1 }, 0);
    idc.hold(t.userId, t.accountId, t.permissionSetArn);
    expect(await g(request)).toMatchObject({ state: 'granted' });
    expect((await racing.get(t.userId, t.accountId, t.permissionSetArn))?.requestIds).toEqual([
      other.id,
      'intruder',
      request.id,
    ]);

    const always = Object.assign(Object.create(racing) as InMemoryGrantRepository, {
      put: () => Promise.reject(new ConflictError('changed')),
    });
    const stuck = makeRevokeAccess({
      grants: always,
      assignments: idc,
      clock: new FixedClock(),
      sleep: noSleep,
    });
    await expect(stuck(request)).rejects.toThrow('kept changing');
  });
});

describe('reconciler helpers', () => {
  it('releases an orphan and re-applies a missing assignment', async () => {
    const grants = new InMemoryGrantRepository();
    const idc = new FakeAssignments();
    const control = new AccessControl({
      grants,
      assignments: idc,
      clock: new FixedClock(),
      sleep: noSleep,
      pollDelaysMs: [1],
    });
    const base: Grant = { ...t, requestIds: [request.id], createdByTeam: false, updatedAt: 'x', version: 1 };
    await grants.put(base, 0);
    expect(await control.reapply(base)).toMatchObject({ state: 'granted' });
    const owned = await grants.get(t.userId, t.accountId, t.permissionSetArn);
    expect(owned).toMatchObject({ createdByTeam: true, version: 2 });
    expect(await control.releaseOrphan(owned!, request.id)).toEqual({ state: 'revoked', removed: true });
    expect(idc.held.size).toBe(0);
    expect(await grants.get(t.userId, t.accountId, t.permissionSetArn)).toBeUndefined();

    idc.failNext(1, 'nope');
    expect(await control.reapply(base)).toEqual({ state: 'failed', reason: 'nope' });
    idc.pollsUntilDone = 5;
    expect(await control.reapply(base)).toMatchObject({ state: 'pending' });
  });
});

describe('error classification', () => {
  it.each([
    [new ConflictError('busy'), true],
    [Object.assign(new Error('slow down'), { retryable: true }), true],
    [awsError('ThrottlingException'), true],
    [awsError('InternalServerException'), true],
    [awsError('ServiceUnavailable'), true],
    [Object.assign(new Error('socket'), { code: 'ECONNRESET' }), true],
    [Object.assign(new Error('5xx'), { $fault: 'server' }), true],
    [Object.assign(new Error('sdk'), { $retryable: { throttling: false } }), true],
    [new Error('wrapped', { cause: awsError('ThrottlingException') }), true],
    [new ValidationError('bad'), false],
    [new NotFoundError('gone'), false],
    [awsError('ValidationException'), false],
    [awsError('AccessDeniedException'), false],
    [new TypeError('bug'), false],
    ['text', false],
  ])('%s → retryable %s', (error, expected) => {
    expect(isRetryableAccessError(error)).toBe(expected);
  });

  it('describes errors on one bounded line', () => {
    expect(accessErrorReason(awsError('ThrottlingException', 'Rate\n exceeded'))).toBe(
      'ThrottlingException: Rate exceeded',
    );
    expect(accessErrorReason(new Error('plain'))).toBe('plain');
    expect(accessErrorReason(42)).toBe('42');
    expect(accessErrorReason(new Error(' '))).toBe('Unknown error');
    expect(accessErrorReason(new Error('x'.repeat(600)))).toHaveLength(500);
  });

  it('polling gives up after its budget and rethrows final errors', async () => {
    const idc = new FakeAssignments();
    idc.pollsUntilDone = 10;
    const id = await idc.create('u', 'a', 'p');
    expect(await pollOperation(idc, id, 'CREATE', { sleep: noSleep, delaysMs: [1, 1] })).toEqual({
      status: 'IN_PROGRESS',
    });
    await expect(pollOperation(idc, 'unknown', 'CREATE', { sleep: noSleep, delaysMs: [1] })).rejects.toThrow(
      'no operation',
    );
  });
});
