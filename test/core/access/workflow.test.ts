import { beforeEach, describe, expect, it } from 'vitest';
import {
  failureReason,
  makeRunWorkflowStep,
  MAX_WAIT_SECONDS,
  targetOfRequest,
  type WorkflowDeps,
  type WorkflowStepInput,
} from '../../../lambdas/core/access';
import { auditEventId } from '../../../lambdas/core/audit';
import type { AccessRequest } from '../../../lambdas/core/types';
import { makeDashboardRecorder } from '../../../lambdas/core/dashboard';
import { aRequest } from '../../builders';
import { InMemoryAggregateStore } from '../../fakes/aggregates';
import { makeTestWorld, type TestWorld } from '../../fakes/world';
import { FakeAssignments, FakeDecisionWait, noSleep, RecordingNotifier } from './fakes';

const HOUR = 3_600_000;

describe('the workflow step', () => {
  let world: TestWorld;
  let idc: FakeAssignments;
  let notifier: RecordingNotifier;
  let warnings: string[];
  let decisions: FakeDecisionWait;
  let deps: WorkflowDeps;
  let step: (input: WorkflowStepInput) => ReturnType<ReturnType<typeof makeRunWorkflowStep>>;
  let tokens = 0;

  beforeEach(() => {
    world = makeTestWorld();
    idc = new FakeAssignments();
    notifier = new RecordingNotifier();
    warnings = [];
    decisions = new FakeDecisionWait(world.requests);
    deps = {
      requests: world.requests,
      decisionWait: decisions,
      settings: world.settings,
      fallback: world.fallback,
      clock: world.clock,
      grants: world.grants,
      assignments: idc,
      notifier,
      sleep: noSleep,
      pollDelaysMs: [1, 1],
      logger: { warn: (message) => warnings.push(message) },
    };
    step = makeRunWorkflowStep(deps);
  });

  const store = async (overrides: Partial<AccessRequest> = {}) => {
    const request = aRequest({ createdAt: world.clock.iso(), startTime: world.clock.iso(), ...overrides });
    await world.requests.create(request, {
      requestId: request.id,
      id: auditEventId(request.createdAt, request.version),
      at: request.createdAt,
      action: 'created',
      actor: request.requester,
      toStatus: request.status,
    });
    return request;
  };
  /**
   * What the state machine's first states do: Begin (with its task token) holds the wait for the
   * decision or releases it, and Advance follows a released one.
   */
  const begin = async (requestId: string) => {
    const taskToken = `token-${(tokens += 1)}`;
    const first = await step({ action: 'begin', requestId, taskToken });
    if (!decisions.released.includes(taskToken)) return first;
    expect(first).toMatchObject({ next: 'advance' });
    return step({ action: 'advance', requestId });
  };
  const statusOf = async (id: string) => (await world.requests.get(id))?.status;
  const has = (r: AccessRequest) => {
    const t = targetOfRequest(r);
    return idc.has(t.userId, t.accountId, t.permissionSetArn);
  };
  const approve = async (r: AccessRequest) => {
    const current = (await world.requests.get(r.id))!;
    await world.requests.update(
      { ...current, status: 'approved', decidedBy: current.approvers[0], version: current.version + 1 },
      current,
      {
        requestId: r.id,
        id: auditEventId(world.clock.iso(), current.version + 1),
        at: world.clock.iso(),
        action: 'approved',
        actor: 'system',
      },
    );
  };
  const setStatus = async (
    r: AccessRequest,
    status: AccessRequest['status'],
    patch: Partial<AccessRequest> = {},
  ) => {
    const current = (await world.requests.get(r.id))!;
    await world.requests.update({ ...current, ...patch, status, version: current.version + 1 }, current, {
      requestId: r.id,
      id: auditEventId(world.clock.iso(), current.version + 1, status),
      at: world.clock.iso(),
      action: 'revoked',
      actor: 'system',
    });
  };

  it('pending with approval: tells the approvers and waits for the decision until it expires', async () => {
    const r = await store();
    expect(await begin(r.id)).toEqual({
      next: 'awaitDecision',
      waitSeconds: 3 * 3600,
      operation: null,
      status: 'pending',
    });
    expect(notifier.types()).toEqual(['pending']);
    // A spurious wake-up waits again, without telling anyone twice.
    world.clock.advance({ hours: 1 });
    expect(await step({ action: 'advance', requestId: r.id })).toMatchObject({
      next: 'awaitDecision',
      waitSeconds: 2 * 3600,
    });
    expect(notifier.types()).toEqual(['pending']);
  });

  it('begin holds the decision wait only while the request is pending with approval', async () => {
    const waiting = await store();
    expect(await step({ action: 'begin', requestId: waiting.id, taskToken: 'held' })).toMatchObject({
      next: 'awaitDecision',
    });
    expect(decisions.held.get(waiting.id)).toBe('held');
    expect(decisions.released).toEqual([]);

    // Decided before the wait was stored: nobody is told it is pending, the wait ends at once.
    const decided = await store();
    await approve(decided);
    expect(await step({ action: 'begin', requestId: decided.id, taskToken: 'decided' })).toEqual({
      next: 'advance',
      waitSeconds: 0,
      operation: null,
      status: 'approved',
    });
    const noApproval = await store({ approvalRequired: false });
    await step({ action: 'begin', requestId: noApproval.id, taskToken: 'free' });
    await step({ action: 'begin', requestId: 'missing', taskToken: 'missing' });
    const late = await store({ expiresAt: world.clock.iso() });
    await step({ action: 'begin', requestId: late.id, taskToken: 'late' });
    expect(decisions.released).toEqual(['decided', 'free', 'missing', 'late']);
    expect(notifier.types()).toEqual(['pending']);
    // The next step finds the expired one and closes it.
    expect(await step({ action: 'advance', requestId: late.id })).toMatchObject({ status: 'expired' });
  });

  it('approved: scheduled, granted at once when the start has come, then waits for the end', async () => {
    const r = await store();
    await begin(r.id);
    await approve(r);
    expect(await step({ action: 'advance', requestId: r.id })).toEqual({
      next: 'awaitEnd',
      waitSeconds: 2 * 3600,
      operation: null,
      status: 'in progress',
    });
    expect(has(r)).toBe(true);
    expect(notifier.types()).toEqual(['pending', 'approved', 'started']);
    const stored = await world.requests.get(r.id);
    expect(stored?.grantedAt).toBe(world.clock.iso());

    world.clock.advance({ hours: 2 });
    expect(await step({ action: 'revoke', requestId: r.id })).toMatchObject({
      next: 'done',
      status: 'ended',
    });
    expect(has(r)).toBe(false);
    expect(notifier.types()).toEqual(['pending', 'approved', 'started', 'ended']);
  });

  it('counts each request for the dashboard as its steps leave it, a failed grant included', async () => {
    const aggregates = new InMemoryAggregateStore();
    const counted = makeRunWorkflowStep({
      ...deps,
      dashboard: makeDashboardRecorder({ aggregates, clock: world.clock }),
    });
    const keys = async (id: string) => [...(await aggregates.appliedEvents(id))].sort();

    const r = await store();
    await counted({ action: 'begin', requestId: r.id, taskToken: 'token-count' });
    expect(await keys(r.id)).toEqual(['created']);
    await setStatus(r, 'approved', { decidedBy: r.approvers[0], decidedAt: world.clock.iso() });
    await counted({ action: 'advance', requestId: r.id });
    expect(await keys(r.id)).toEqual(['created', 'decided', 'granted']);
    world.clock.advance({ hours: 2 });
    await counted({ action: 'revoke', requestId: r.id });
    await counted({ action: 'revoke', requestId: r.id }); // a repeated step adds nothing
    expect(await keys(r.id)).toEqual(['accessOver', 'created', 'decided', 'ended', 'granted']);
    expect((await aggregates.readGauges()).values.active).toBe(0);

    const failed = await store({ approvalRequired: false });
    idc.failNext(1, 'Permission set not provisioned');
    await counted({ action: 'begin', requestId: failed.id, taskToken: 'token-fail' });
    await counted({ action: 'advance', requestId: failed.id });
    expect(await keys(failed.id)).toEqual(['autoApproved', 'created', 'failed']);
    const [day] = await aggregates.readDays(world.clock.iso().slice(0, 10), world.clock.iso().slice(0, 10));
    expect(day?.counts).toMatchObject({ failed: 1, autoApproved: 1 });
  });

  it('no approval needed and a later start: scheduled, then waits for the start', async () => {
    const r = await store({
      approvalRequired: false,
      startTime: new Date(world.clock.now().getTime() + 90 * 60_000).toISOString(),
    });
    expect(await begin(r.id)).toMatchObject({
      next: 'awaitStart',
      waitSeconds: 5400,
      status: 'scheduled',
    });
    expect(notifier.types()).toEqual(['scheduled']);
    world.clock.advance({ minutes: 90 });
    expect(await step({ action: 'grant', requestId: r.id })).toMatchObject({
      next: 'awaitEnd',
      status: 'in progress',
    });
  });

  it('expires a pending request once the expiry time has come', async () => {
    const r = await store();
    world.clock.advance({ hours: 3 });
    expect(await step({ action: 'expire', requestId: r.id })).toMatchObject({
      next: 'done',
      status: 'expired',
    });
    expect(notifier.types()).toEqual(['expired']);
  });

  it('falls back to the expiry setting when the request has no expiry time', async () => {
    const r = await store({ expiresAt: undefined });
    expect(await begin(r.id)).toMatchObject({
      next: 'awaitDecision',
      waitSeconds: 3 * 3600,
    });
  });

  it('polls a slow grant across steps and starts access only when Identity Center confirms it', async () => {
    const r = await store({ approvalRequired: false });
    idc.pollsUntilDone = 5;
    const first = await begin(r.id);
    expect(first).toMatchObject({ next: 'pollGrant', operation: { kind: 'CREATE' }, status: 'scheduled' });
    expect(await statusOf(r.id)).toBe('scheduled');
    expect(has(r)).toBe(false);
    idc.pollsUntilDone = 0;
    expect(await step({ action: 'grant', requestId: r.id, operation: first.operation })).toMatchObject({
      next: 'awaitEnd',
      status: 'in progress',
    });
  });

  it('a failed grant ends in error with the reason and an error notification', async () => {
    const r = await store({ approvalRequired: false });
    idc.failNext(1, 'Permission set not provisioned');
    expect(await begin(r.id)).toMatchObject({ next: 'done', status: 'error' });
    const failed = await world.requests.get(r.id);
    expect(failed?.errorReason).toBe(
      'Identity Center could not grant the access: Permission set not provisioned',
    );
    expect(notifier.events.at(-1)).toMatchObject({ type: 'error', errorReason: failed?.errorReason });
  });

  it('a grant that fails after a revoke closes the request as revoked, not as an error', async () => {
    const r = await store({ approvalRequired: false });
    idc.failNext(1);
    idc.onStart = async () => {
      idc.onStart = undefined;
      await setStatus(r, 'revoked', { revokedAt: world.clock.iso() });
    };
    expect(await begin(r.id)).toMatchObject({
      next: 'done',
      status: 'revoked',
    });
    expect((await world.requests.get(r.id))?.endedAt).toBeDefined();
    expect(notifier.types().at(-1)).toBe('revoked');
  });

  it('access granted while the request was being revoked is removed at once', async () => {
    const r = await store({ approvalRequired: false });
    idc.onStart = async (kind) => {
      if (kind !== 'CREATE') return;
      idc.onStart = undefined;
      await setStatus(r, 'revoked', { revokedAt: world.clock.iso() });
    };
    expect(await begin(r.id)).toMatchObject({
      next: 'done',
      status: 'revoked',
    });
    expect(has(r)).toBe(false);
    expect(idc.count('remove')).toBe(1);
  });

  it('revoked in progress: removes the access, records the end and tells people; a repeat does nothing', async () => {
    const r = await store({ approvalRequired: false });
    await begin(r.id);
    await setStatus(r, 'revoked', { revokedAt: world.clock.iso() });
    expect(await step({ action: 'advance', requestId: r.id })).toMatchObject({
      next: 'done',
      status: 'revoked',
    });
    expect(has(r)).toBe(false);
    expect((await world.requests.get(r.id))?.endedAt).toBe(world.clock.iso());
    expect(notifier.types().at(-1)).toBe('revoked');
    const sent = notifier.events.length;
    expect(await step({ action: 'advance', requestId: r.id })).toMatchObject({
      next: 'done',
      status: 'revoked',
    });
    expect(notifier.events).toHaveLength(sent);
  });

  it('polls a slow removal, and a failed one ends in error', async () => {
    const r = await store({ approvalRequired: false });
    await begin(r.id);
    world.clock.advance({ hours: 2 });
    idc.pollsUntilDone = 5;
    const pending = await step({ action: 'revoke', requestId: r.id });
    expect(pending).toMatchObject({
      next: 'pollRevoke',
      operation: { kind: 'DELETE' },
      status: 'in progress',
    });
    idc.pollsUntilDone = 0;
    expect(await step({ action: 'revoke', requestId: r.id, operation: pending.operation })).toMatchObject({
      status: 'ended',
    });

    const s = await store({ approvalRequired: false });
    await begin(s.id);
    world.clock.advance({ hours: 2 });
    idc.failNext(1, 'Deletion failed');
    expect(await step({ action: 'revoke', requestId: s.id })).toMatchObject({
      next: 'done',
      status: 'error',
    });
    expect((await world.requests.get(s.id))?.errorReason).toBe(
      'Identity Center could not remove the access: Deletion failed',
    );
  });

  it('a revoke of a scheduled request waiting on a slow creation finishes it first, then removes it', async () => {
    const r = await store({ approvalRequired: false });
    idc.pollsUntilDone = 5;
    const pending = await begin(r.id);
    await setStatus(r, 'revoked', { revokedAt: world.clock.iso() });
    const still = await step({ action: 'grant', requestId: r.id, operation: pending.operation });
    expect(still).toMatchObject({ next: 'pollGrant' });
    idc.pollsUntilDone = 0;
    expect(await step({ action: 'grant', requestId: r.id, operation: still.operation })).toMatchObject({
      status: 'revoked',
      next: 'done',
    });
    expect(has(r)).toBe(false);
  });

  it('rejected and cancelled requests are announced and closed', async () => {
    const rejected = await store();
    await setStatus(rejected, 'rejected');
    expect(await step({ action: 'advance', requestId: rejected.id })).toMatchObject({
      next: 'done',
      status: 'rejected',
    });
    const cancelled = await store();
    await setStatus(cancelled, 'cancelled');
    expect(await step({ action: 'advance', requestId: cancelled.id })).toMatchObject({
      next: 'done',
      status: 'cancelled',
    });
    expect(notifier.types()).toEqual(['rejected', 'cancelled']);
    const expired = await store();
    await setStatus(expired, 'expired');
    expect(await step({ action: 'advance', requestId: expired.id })).toMatchObject({
      next: 'done',
      status: 'expired',
    });
  });

  it('the fail step ends an open request in error with the cause, and leaves closed ones alone', async () => {
    const r = await store();
    const cause = JSON.stringify({ errorType: 'TypeError', errorMessage: 'x is undefined', trace: [] });
    expect(
      await step({ action: 'fail', requestId: r.id, error: { Error: 'TypeError', Cause: cause } }),
    ).toMatchObject({
      next: 'done',
      status: 'error',
    });
    expect((await world.requests.get(r.id))?.errorReason).toBe(
      'The workflow failed: TypeError: x is undefined',
    );
    expect(notifier.types()).toEqual(['error']);
    expect(await step({ action: 'fail', requestId: r.id })).toMatchObject({ status: 'error' });
    expect(await step({ action: 'fail', requestId: 'missing' })).toEqual({
      next: 'done',
      waitSeconds: 0,
      operation: null,
      status: null,
    });
    expect(await begin('missing')).toMatchObject({ status: null });
  });

  it('caps a wait at the longest task timeout', async () => {
    const r = await store({ approvalRequired: false, durationHours: 9000 });
    expect(await begin(r.id)).toMatchObject({
      next: 'awaitEnd',
      waitSeconds: MAX_WAIT_SECONDS,
    });
    world.clock.advance({ ms: MAX_WAIT_SECONDS * 1000 });
    expect(await step({ action: 'revoke', requestId: r.id })).toMatchObject({
      next: 'awaitEnd',
      status: 'in progress',
    });
    world.clock.advance({ ms: 9000 * HOUR - MAX_WAIT_SECONDS * 1000 });
    expect(await step({ action: 'revoke', requestId: r.id })).toMatchObject({
      next: 'done',
      status: 'ended',
    });
  });

  it('a notifier that throws never stops access, it is only logged', async () => {
    notifier.failWith = new Error('SES down');
    const r = await store({ approvalRequired: false });
    expect(await begin(r.id)).toMatchObject({ status: 'in progress' });
    expect(warnings).toContain('Notification failed');
  });

  it('reads the settings once per TTL, again after it', async () => {
    let reads = 0;
    const settings = {
      get: () => ((reads += 1), world.settings.get()),
      put: world.settings.put.bind(world.settings),
    };
    const counted = makeRunWorkflowStep({ ...deps, settings, settingsTtlMs: 60_000 });
    const a = await store();
    const b = await store();
    await counted({ action: 'begin', requestId: a.id, taskToken: 't' });
    await counted({ action: 'begin', requestId: b.id, taskToken: 't' });
    expect(reads).toBe(1);
    world.clock.advance({ minutes: 2 });
    await counted({ action: 'advance', requestId: a.id });
    await counted({ action: 'begin', requestId: (await store()).id, taskToken: 't' });
    expect(reads).toBe(2);
  });

  it('retryable failures are thrown for the workflow to retry', async () => {
    const r = await store({ approvalRequired: false });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    idc.throwOnce('exists', throttled);
    await expect(begin(r.id)).rejects.toBe(throttled);
    expect(await statusOf(r.id)).toBe('scheduled');
    expect(await step({ action: 'grant', requestId: r.id })).toMatchObject({ status: 'in progress' });
  });
});

describe('failureReason', () => {
  it.each([
    [
      { Error: 'RetryableError', Cause: '{"errorType":"RetryableError","errorMessage":"throttled"}' },
      'RetryableError: throttled',
    ],
    [{ Error: 'Error', Cause: '{"errorType":"Error","errorMessage":"plain"}' }, 'plain'],
    [{ Error: 'States.Timeout', Cause: 'Task timed out' }, 'States.Timeout: Task timed out'],
    [{ Cause: 'no name' }, 'no name'],
    [{ Cause: '[1]' }, '[1]'],
    [{ Error: 'States.Runtime' }, 'States.Runtime'],
    [null, 'Unknown error'],
  ])('%j → %s', (error, expected) => {
    expect(failureReason(error)).toBe(expected);
  });
});
