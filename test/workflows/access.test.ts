import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DAY, HOUR, MINUTE, startHarness, statusChanges, type Harness, type Person } from './harness';

/**
 * Access itself: overlapping requests share one assignment (reference counting), standing
 * access is never removed, and an early revoke ends access at once.
 */
describe('access under the request workflow', () => {
  let h: Harness;
  let alice: Person;
  let bob: Person;
  beforeAll(async () => {
    h = await startHarness();
    alice = h.person('alice.nguyen@example.com');
    bob = h.person('bob.martin@example.com');
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('overlapping requests share the assignment: it survives the first end and goes with the second', async () => {
    const first = await h.submit(h.newRequest(alice, { approvalRequired: false, durationHours: 2 }));
    await h.settle();
    await h.advance(HOUR);
    const second = await h.submit(h.newRequest(alice, { approvalRequired: false, durationHours: 2 }));
    await h.settle();
    expect((await h.get(second.id)).status).toBe('in progress');
    const grant = await h.ports.grants.get(alice.id, first.accountId, first.permissionSetArn);
    expect(grant).toMatchObject({ requestIds: [first.id, second.id], createdByTeam: true });
    const creates = h.local.simulators.state
      .assignmentOperations()
      .filter((op) => op.kind === 'CREATE' && op.principalId === alice.id);
    expect(creates).toHaveLength(1);

    await h.advance(HOUR);
    expect((await h.get(first.id)).status).toBe('ended');
    expect(h.hasAssignment(first)).toBe(true);

    await h.advance(HOUR);
    expect((await h.get(second.id)).status).toBe('ended');
    expect(h.hasAssignment(second)).toBe(false);
    expect(await h.ports.grants.get(alice.id, first.accountId, first.permissionSetArn)).toBeUndefined();
  });

  it('standing access stays: an assignment that existed before the request is there after it ends', async () => {
    // Bob holds ReadOnlyAccess in Payments Staging in the demo organization.
    const request = h.newRequest(bob, { approvalRequired: false, durationHours: 1 });
    expect(h.hasAssignment(request)).toBe(true);
    await h.submit(request);
    await h.settle();
    expect((await h.get(request.id)).status).toBe('in progress');
    expect(await h.ports.grants.get(bob.id, request.accountId, request.permissionSetArn)).toMatchObject({
      createdByTeam: false,
    });
    await h.advance(HOUR);
    expect((await h.get(request.id)).status).toBe('ended');
    expect(h.hasAssignment(request)).toBe(true);
    const ops = h.local.simulators.state.assignmentOperations().filter((op) => op.principalId === bob.id);
    expect(ops).toEqual([]);
  });

  it('an early revoke during a 30-day grant ends access at once, not on any timer, leaving nothing waiting', async () => {
    const request = await h.submit(h.newRequest(alice, { approvalRequired: false, durationHours: 30 * 24 }));
    await h.settle();
    expect(h.hasAssignment(request)).toBe(true);
    await h.advance(3 * DAY);
    const executionArn = h.execution(request.id).executionArn;
    expect(h.local.stepFunctions.pendingTaskTokens(executionArn).map((t) => t.stateName)).toEqual([
      'AwaitEnd',
    ]);

    // The revoke resumes the waiting task itself: access goes while the clock stands still.
    const revokedAt = h.clock.now();
    await h.revoke(request.id, alice);
    await h.settle();
    expect(h.clock.now()).toBe(revokedAt);
    expect(h.hasAssignment(request)).toBe(false);
    expect((await h.get(request.id)).status).toBe('revoked');
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
    expect(h.local.stepFunctions.pendingTaskTokens(executionArn)).toEqual([]);
    expect(h.clock.pendingTimers()).toBe(0);
    expect(statusChanges(await h.trail(request.id)).at(-1)).toBe('ended:revoked');
  });

  it('two requests revoked while their grant is being created still leave no access behind', async () => {
    const ids = [];
    for (let i = 0; i < 4; i += 1) {
      ids.push((await h.submit(h.newRequest(alice, { approvalRequired: false, durationHours: 1 }))).id);
    }
    await h.settle();
    for (const id of ids.slice(0, 2)) await h.revoke(id, alice);
    await h.settle();
    // A request that joined while the assignment was still being created met Identity Center's
    // ConflictException and was granted on a retry a few seconds later: its hour runs from then.
    await h.advance(HOUR + 5 * MINUTE);
    const statuses = await Promise.all(ids.map(async (id) => (await h.get(id)).status));
    expect(statuses).toEqual(['revoked', 'revoked', 'ended', 'ended']);
    expect(h.hasAssignment(await h.get(ids[0]!))).toBe(false);
    expect(
      await h.ports.grants.get(alice.id, '745240316957', (await h.get(ids[0]!)).permissionSetArn),
    ).toBeUndefined();
  });
});
