import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessRequest, RequestStatus } from '../../lambdas/core/types';
import { HOUR, MINUTE, startHarness, type Harness } from './harness';

/**
 * 300 request workflows at once while Identity Center misbehaves (seeded): 30 % of sso-admin calls
 * throttled, 5 % internal errors, 10 % of assignment operations ending FAILED. The sso-admin
 * client retries with short pauses (the SDK's job in production, with longer ones); what it gives
 * up on, the workflow retries with jittered backoff on the clock. Requests overlap (the same
 * user, account and permission set) and some are revoked early. Every request must end where it
 * should, and once the reconciler has run no assignment may remain that no request in progress
 * relies on.
 */
const REQUESTS = 300;

describe('request workflows under Identity Center faults', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      pollDelaysMs: [15, 30, 60, 120],
      quietRealtime: true,
      ssoAdminRetry: { maxAttempts: 4, delayMs: 2 },
    });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('ends every request in the right terminal state and leaves no stray access', async () => {
    const sim = h.local.simulators;
    const standing = new Set(sim.state.assignments().map((a) => JSON.stringify(a)));
    const users = h.org.users.map((u) => h.person(u.userName));
    const accounts = h.org.accounts.filter((a) => a.id !== h.org.organization.managementAccountId);
    const permissionSets = h.org.permissionSets;

    sim.reseed(20310106);
    sim.ssoAdmin.setFaults({ throttleRate: 0.3, errorRate: 0.05 });
    sim.ssoAdmin.assignmentKnobs.failedStatusRate = 0.1;
    sim.ssoAdmin.assignmentKnobs.completionDelayMs = 10;

    const requests: AccessRequest[] = [];
    for (let i = 0; i < REQUESTS; i += 1) {
      const user = users[i % users.length]!;
      const account = accounts[Math.floor(i / users.length) % accounts.length]!;
      const ps = permissionSets[Math.floor(i / (users.length * accounts.length)) % permissionSets.length]!;
      requests.push(
        h.newRequest(user, {
          accountId: account.id,
          accountName: account.name,
          permissionSetArn: ps.arn,
          permissionSetName: ps.name,
          approvalRequired: false,
          startTime: new Date(h.clock.now() + (i % 4) * 15 * MINUTE).toISOString(),
          durationHours: 1 + (i % 2),
        }),
      );
    }
    for (let i = 0; i < requests.length; i += 25)
      await Promise.all(requests.slice(i, i + 25).map((r) => h.submit(r)));
    await h.settle();

    // Every tenth request is revoked by its requester half an hour into its access.
    const revokeAt = new Map<string, number>();
    requests.forEach((r, i) => {
      if (i % 10 === 3) revokeAt.set(r.id, Date.parse(r.startTime) + 30 * MINUTE);
    });
    const deadline = h.clock.now() + 3 * HOUR;
    while (h.clock.now() < deadline) {
      await h.advance(15 * MINUTE);
      const due = requests.filter((r) => (revokeAt.get(r.id) ?? Infinity) <= h.clock.now());
      for (const r of due) {
        revokeAt.delete(r.id);
        const current = await h.get(r.id);
        if (current.status === 'in progress' || current.status === 'scheduled') {
          await h.revoke(r.id, h.person(r.requester.email));
        }
      }
      if (due.length > 0) await h.settle();
    }
    // Retries back off on the clock: let every one of them run out.
    await h.advance(6 * HOUR);

    const final = await Promise.all(requests.map((r) => h.get(r.id)));
    const byStatus = new Map<RequestStatus, number>();
    for (const r of final) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
    expect([...byStatus.keys()].every((s) => s === 'ended' || s === 'revoked' || s === 'error')).toBe(true);
    for (const r of final) {
      if (r.status === 'error') {
        // A failed grant never started; a failed removal did, and says so.
        expect(r.errorReason).toMatch(
          /^Identity Center could not (grant|remove) the access: |^The workflow failed: /,
        );
        if (r.errorReason?.includes('could not grant')) expect(r.grantedAt).toBeUndefined();
        if (r.errorReason?.includes('could not remove')) expect(r.grantedAt).toBeDefined();
      }
      if (r.status === 'ended') {
        expect(r.grantedAt).toBeDefined();
        expect(r.endedAt).toBeDefined();
      }
      if (r.status === 'revoked') expect(r.endedAt).toBeDefined();
    }
    // Injected FAILED statuses show up as errors, but most workflows make it through.
    expect(byStatus.get('error') ?? 0).toBeGreaterThan(0);
    expect(byStatus.get('ended') ?? 0).toBeGreaterThan(REQUESTS / 2);
    expect(byStatus.get('revoked') ?? 0).toBeGreaterThan(0);
    for (const r of requests) expect(h.execution(r.id).status).toBe('SUCCEEDED');

    // The reconciler, under the same faults, until it has nothing left to do.
    for (let round = 0; round < 8; round += 1) {
      await h.advance(20 * MINUTE);
      const report = await h.reconcile();
      if (report.removed + report.reapplied + report.released === 0 && report.unfinished.length === 0) break;
    }
    await sim.ssoAdmin.settled();
    const stray = sim.state
      .assignments({ principalType: 'USER' })
      .filter((a) => !standing.has(JSON.stringify(a)));
    expect(stray).toEqual([]);
    for (const a of standing)
      expect(sim.state.hasAssignment(JSON.parse(a) as Parameters<typeof sim.state.hasAssignment>[0])).toBe(
        true,
      );
    const left = [];
    let cursor: string | undefined;
    do {
      const page = await h.ports.grants.listAll({ limit: 100, ...(cursor ? { cursor } : {}) });
      left.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    expect(left).toEqual([]);
  }, 180_000);
});
