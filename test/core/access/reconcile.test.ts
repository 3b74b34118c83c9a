import { beforeEach, describe, expect, it } from 'vitest';
import {
  makeReconcile,
  targetOfRequest,
  type GrantRecord,
  type ReconcileDeps,
} from '../../../lambdas/core/access';
import { auditEventId } from '../../../lambdas/core/audit';
import type { AccessRequest, Grant, RequestStatus } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { makeTestWorld, type TestWorld } from '../../fakes/world';
import { FakeAssignments, noSleep, RecordingNotifier } from './fakes';

describe('the reconciler', () => {
  let world: TestWorld;
  let idc: FakeAssignments;
  let notifier: RecordingNotifier;
  let deps: ReconcileDeps;
  let reconcile: ReturnType<typeof makeReconcile>;

  beforeEach(() => {
    world = makeTestWorld();
    idc = new FakeAssignments();
    notifier = new RecordingNotifier();
    deps = {
      requests: world.requests,
      settings: world.settings,
      clock: world.clock,
      grants: world.grants,
      assignments: idc,
      notifier,
      sleep: noSleep,
      pollDelaysMs: [1],
      graceMs: 15 * 60_000,
      pageSize: 2,
    };
    reconcile = makeReconcile(deps);
  });

  /** A stored request in `status`, last changed `minutesAgo`. */
  const requestIn = async (
    status: RequestStatus,
    minutesAgo = 60,
    overrides: Partial<AccessRequest> = {},
  ) => {
    const at = new Date(world.clock.now().getTime() - minutesAgo * 60_000).toISOString();
    const request = aRequest({ status, createdAt: at, updatedAt: at, ...overrides });
    await world.requests.create(request, {
      requestId: request.id,
      id: auditEventId(at, request.version),
      at,
      action: 'created',
      actor: request.requester,
      toStatus: status,
    });
    return request;
  };
  const grantFor = async (requests: AccessRequest[], extra: Partial<GrantRecord> = {}, held = true) => {
    const [first] = requests;
    const t = targetOfRequest(first ?? aRequest());
    const grant: GrantRecord = {
      ...t,
      requestIds: requests.map((r) => r.id),
      createdByTeam: true,
      updatedAt: world.clock.iso(),
      version: 1,
      ...extra,
    };
    await world.grants.put(grant, 0);
    if (held) idc.hold(t.userId, t.accountId, t.permissionSetArn);
    return grant;
  };
  const trailActions = async (id: string) =>
    (await world.requests.listEvents(id, { limit: 50 })).items.map((e) => e.action);

  it('removes access TEAM created that no active request uses, records and announces the repair', async () => {
    const failed = await requestIn('error');
    const g = await grantFor([failed]);
    const report = await reconcile();
    expect(report).toMatchObject({ grantsChecked: 1, released: [], reapplied: [], unfinished: [] });
    expect(report.removed).toEqual([expect.objectContaining({ requestIds: [failed.id] })]);
    expect(idc.has(g.userId, g.accountId, g.permissionSetArn)).toBe(false);
    expect(world.grants.snapshot()).toEqual([]);
    expect(await trailActions(failed.id)).toEqual(['created', 'repaired']);
    expect(notifier.events.map((e) => [e.type, e.request.id])).toEqual([['repaired', failed.id]]);
    expect(await reconcile()).toMatchObject({ grantsChecked: 0, removed: [] });
  });

  it('leaves requests that changed within the grace period to their workflow', async () => {
    const revoked = await requestIn('revoked', 2);
    await grantFor([revoked]);
    expect(await reconcile()).toMatchObject({ removed: [], released: [], unfinished: [] });
    expect(world.grants.snapshot()).toHaveLength(1);
  });

  it('takes inactive requests off a grant others still use, and drops records of standing access', async () => {
    const ended = await requestIn('ended');
    const active = await requestIn('in progress');
    const shared = await grantFor([ended, active]);
    const standingEnded = await requestIn('ended', 60, { accountId: '999999999999' });
    await grantFor([standingEnded], { createdByTeam: false });

    const report = await reconcile();
    expect(report.released.map((r) => r.requestIds)).toEqual([[ended.id], [standingEnded.id]]);
    expect(await world.grants.get(shared.userId, shared.accountId, shared.permissionSetArn)).toMatchObject({
      requestIds: [active.id],
      version: 2,
    });
    expect(idc.held.size).toBe(2);
    expect(world.grants.snapshot()).toHaveLength(1);
  });

  it('finishes a release whose revoke failed or stalled, but not one under way', async () => {
    const failed = await requestIn('error');
    await grantFor([], {
      releasing: { requestId: failed.id, since: world.clock.iso(), failedReason: 'boom' },
    });
    const stalledRequest = await requestIn('error', 60, { accountId: '888888888888' });
    const old = new Date(world.clock.now().getTime() - 60 * 60_000).toISOString();
    await grantFor([stalledRequest], {
      requestIds: [],
      releasing: { requestId: stalledRequest.id, since: old },
    });
    const busy = await requestIn('in progress', 60, { accountId: '777777777777' });
    await grantFor([busy], { requestIds: [], releasing: { requestId: busy.id, since: world.clock.iso() } });

    const report = await reconcile();
    expect(report.removed.map((r) => r.requestIds)).toEqual([[failed.id], [stalledRequest.id]]);
    expect(world.grants.snapshot()).toHaveLength(1);
    expect(notifier.types()).toEqual(['repaired', 'repaired']);
  });

  it('re-creates an assignment that vanished under a request in progress', async () => {
    const active = await requestIn('in progress');
    const standing = await grantFor([active], { createdByTeam: false }, false);
    const report = await reconcile();
    expect(report.reapplied).toEqual([expect.objectContaining({ requestIds: [active.id] })]);
    expect(idc.has(standing.userId, standing.accountId, standing.permissionSetArn)).toBe(true);
    // TEAM made it this time, so TEAM removes it at the end.
    expect(
      (await world.grants.get(standing.userId, standing.accountId, standing.permissionSetArn))?.createdByTeam,
    ).toBe(true);
    expect(await trailActions(active.id)).toEqual(['created', 'repaired']);
    expect(await reconcile()).toMatchObject({ reapplied: [], removed: [] });
  });

  it('reports what it could not finish and carries on with the other grants', async () => {
    // Grants are read in key order: accounts 333…, 777…, 888…, 999… for the same user.
    const a = await requestIn('error');
    await grantFor([a]);
    const b = await requestIn('in progress', 60, { accountId: '999999999999' });
    await grantFor([b], {}, false);
    const c = await requestIn('ended', 60, { accountId: '888888888888' });
    await grantFor([c]);
    const d = await requestIn('in progress', 60, { accountId: '777777777777' });
    await grantFor([d], {}, false);
    idc.failNext(2, 'Deletion failed');
    idc.throwOnce('exists', new Error('bug'));

    const report = await makeReconcile({ ...deps, concurrency: 1 })();
    expect(report.unfinished.map((u) => [u.requestIds, u.detail])).toEqual([
      [[a.id], 'the deletion failed: Deletion failed'],
      [[d.id], 'bug'],
      [[c.id], 'the deletion failed: Deletion failed'],
    ]);
    expect(report.reapplied.map((r) => r.requestIds)).toEqual([[b.id]]);

    const again = await makeReconcile({ ...deps, concurrency: 1 })();
    expect(again.unfinished).toEqual([]);
    expect(again.removed.map((r) => r.requestIds)).toEqual([[a.id], [c.id]]);
    expect(again.reapplied.map((r) => r.requestIds)).toEqual([[d.id]]);

    const f = await requestIn('in progress', 60, { accountId: '555555555555' });
    await grantFor([f], {}, false);
    idc.failNext(1, 'Creation failed');
    const fourth = await makeReconcile({ ...deps, concurrency: 1 })();
    expect(fourth.unfinished.map((u) => u.detail)).toEqual([
      're-creating the assignment failed: Creation failed',
    ]);

    idc.pollsUntilDone = 10;
    const e = await requestIn('ended', 60, { accountId: '666666666666' });
    await grantFor([e]);
    const third = await makeReconcile({ ...deps, concurrency: 1 })();
    expect(third.unfinished.map((u) => [u.requestIds, u.detail])).toEqual([
      [[f.id], 'the re-created assignment is still in progress'],
      [[e.id], 'the deletion is still in progress'],
    ]);
  });

  it('a missing request counts as inactive; a notifier failure is only logged', async () => {
    const warnings: string[] = [];
    notifier.failWith = new Error('SES down');
    const gone: Grant = {
      ...targetOfRequest(aRequest()),
      requestIds: ['not-a-request'],
      createdByTeam: true,
      updatedAt: world.clock.iso(),
      version: 1,
    };
    await world.grants.put(gone, 0);
    idc.hold(gone.userId, gone.accountId, gone.permissionSetArn);
    const failed = await requestIn('error', 60, { accountId: '999999999999' });
    await grantFor([failed]);
    const report = await makeReconcile({ ...deps, logger: { warn: (m) => warnings.push(m) } })();
    expect(report.removed).toHaveLength(2);
    expect(warnings).toEqual(['Repair notification failed']);
  });
});

describe('the reconciler: access past its end time', () => {
  let world: TestWorld;
  let idc: FakeAssignments;
  let notifier: RecordingNotifier;
  let reconcile: ReturnType<typeof makeReconcile>;
  const HOUR = 60;

  beforeEach(() => {
    world = makeTestWorld();
    idc = new FakeAssignments();
    notifier = new RecordingNotifier();
    reconcile = makeReconcile({
      requests: world.requests,
      settings: world.settings,
      clock: world.clock,
      grants: world.grants,
      assignments: idc,
      notifier,
      sleep: noSleep,
      pollDelaysMs: [1],
      graceMs: 15 * 60_000,
      overdueAfterMs: 30 * 60_000,
    });
  });

  const minutesAgo = (n: number) => new Date(world.clock.now().getTime() - n * 60_000).toISOString();

  /** A request granted `grantedMinutesAgo` for `hours`, last changed `changedMinutesAgo`. */
  const granted = async (
    grantedMinutesAgo: number,
    hours: number,
    changedMinutesAgo = grantedMinutesAgo,
    overrides: Partial<AccessRequest> = {},
  ) => {
    const request = aRequest({
      status: 'in progress',
      createdAt: minutesAgo(grantedMinutesAgo + 10),
      startTime: minutesAgo(grantedMinutesAgo + 1),
      grantedAt: minutesAgo(grantedMinutesAgo),
      updatedAt: minutesAgo(changedMinutesAgo),
      durationHours: hours,
      ...overrides,
    });
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
  const grantOf = async (requests: AccessRequest[], createdByTeam = true) => {
    const t = targetOfRequest(requests[0] ?? aRequest());
    await world.grants.put(
      {
        ...t,
        requestIds: requests.map((r) => r.id),
        createdByTeam,
        updatedAt: world.clock.iso(),
        version: 1,
      },
      0,
    );
    idc.hold(t.userId, t.accountId, t.permissionSetArn);
    return t;
  };
  const statusOf = async (id: string) => (await world.requests.get(id))?.status;

  it('revokes access whose end passed and that its workflow did not end, ends the request, records and announces it', async () => {
    const overdue = await granted(4 * HOUR, 2); // ended two hours ago
    const t = await grantOf([overdue]);

    const report = await reconcile();
    expect(report.ended).toEqual([
      expect.objectContaining({
        requestIds: [overdue.id],
        detail: expect.stringMatching(/end time .* had passed/),
      }),
    ]);
    expect(report).toMatchObject({ removed: [], released: [], reapplied: [], unfinished: [] });
    expect(idc.has(t.userId, t.accountId, t.permissionSetArn)).toBe(false);
    expect(world.grants.snapshot()).toEqual([]);
    const stored = await world.requests.get(overdue.id);
    expect(stored).toMatchObject({ status: 'ended', endedAt: world.clock.iso() });
    const trail = (await world.requests.listEvents(overdue.id, { limit: 50 })).items;
    expect(trail.at(-1)).toMatchObject({ action: 'repaired', actor: 'system' });
    expect(notifier.events.map((e) => [e.type, e.request.id])).toEqual([['repaired', overdue.id]]);

    expect(await reconcile()).toMatchObject({ grantsChecked: 0, ended: [] });
  });

  it('counts references: access another request still uses stays, only the overdue request leaves', async () => {
    const overdue = await granted(4 * HOUR, 2);
    const current = await granted(30, 8);
    const t = await grantOf([overdue, current]);

    const report = await reconcile();
    expect(report.ended.map((r) => r.requestIds)).toEqual([[overdue.id]]);
    expect(idc.has(t.userId, t.accountId, t.permissionSetArn)).toBe(true);
    expect(await world.grants.get(t.userId, t.accountId, t.permissionSetArn)).toMatchObject({
      requestIds: [current.id],
    });
    expect([await statusOf(overdue.id), await statusOf(current.id)]).toEqual(['ended', 'in progress']);
  });

  it('never removes standing access: the record goes, the assignment stays', async () => {
    const overdue = await granted(4 * HOUR, 2);
    const t = await grantOf([overdue], false);
    const report = await reconcile();
    expect(report.ended.map((r) => r.requestIds)).toEqual([[overdue.id]]);
    expect(idc.has(t.userId, t.accountId, t.permissionSetArn)).toBe(true);
    expect(world.grants.snapshot()).toEqual([]);
    expect(idc.count('remove')).toBe(0);
  });

  // [case, minutes since granted, hours, minutes since last change, status]
  const untouched: [string, number, number, number, AccessRequest['status']][] = [
    ['ends in the future', 30, 2, 30, 'in progress'],
    ['ended 10 minutes ago: still the workflow’s to end', 2 * HOUR + 10, 2, 2 * HOUR + 10, 'in progress'],
    ['ended 29 minutes ago', 2 * HOUR + 29, 2, 2 * HOUR + 29, 'in progress'],
    ['long past its end but changed a moment ago', 4 * HOUR, 2, 2, 'in progress'],
    ['scheduled, never granted', 4 * HOUR, 2, 4 * HOUR, 'scheduled'],
  ];
  it.each(untouched)('leaves access that %s', async (_name, since, hours, changed, status) => {
    const request = await granted(since, hours, changed, { status });
    const t = await grantOf([request]);
    const report = await reconcile();
    expect(report.ended).toEqual([]);
    expect(idc.has(t.userId, t.accountId, t.permissionSetArn)).toBe(true);
    expect(await statusOf(request.id)).toBe(status);
  });

  it('ends it at 31 minutes past the end', async () => {
    const request = await granted(2 * HOUR + 31, 2);
    await grantOf([request]);
    expect((await reconcile()).ended.map((r) => r.requestIds)).toEqual([[request.id]]);
  });

  it('reports a deletion that failed or is still running, and finishes a running one on a later run', async () => {
    const failing = await granted(4 * HOUR, 2);
    await grantOf([failing]);
    idc.failNext(1, 'Deletion failed');
    const first = await reconcile();
    expect(first.unfinished.map((u) => [u.requestIds, u.detail])).toEqual([
      [[failing.id], 'the deletion failed: Deletion failed'],
    ]);
    expect(await statusOf(failing.id)).toBe('in progress');

    // The failed deletion left its marker; the next run removes it as a release that failed.
    const second = await reconcile();
    expect(second.removed.map((r) => r.requestIds)).toEqual([[failing.id]]);
    expect(await statusOf(failing.id)).toBe('ended');

    const slow = await granted(4 * HOUR, 2, 4 * HOUR, { accountId: '999999999999' });
    await grantOf([slow]);
    idc.pollsUntilDone = 5;
    const third = await reconcile();
    expect(third.unfinished.map((u) => [u.requestIds, u.detail])).toEqual([
      [[slow.id], 'the deletion is still in progress'],
    ]);
    idc.pollsUntilDone = 0;
    world.clock.advance({ minutes: 20 });
    const fourth = await reconcile();
    expect(fourth.removed.map((r) => r.requestIds)).toEqual([[slow.id]]);
    expect(await statusOf(slow.id)).toBe('ended');
  });
});
