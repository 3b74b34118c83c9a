import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccessRequest } from '../../lambdas/core/types';
import type { Assignment, AssignmentFault } from '../../local/sim';
import { HOUR, MINUTE, startHarness, type Harness } from './harness';

/**
 * Some 270 request workflows at once while Identity Center misbehaves, each request with its own
 * fault, drawn from a seed: none; its assignment's creation throttled, refused as a conflict
 * (another operation in flight) or answered with an internal error a few times before it goes
 * through; its creation ending FAILED; its deletion throttled a few times; or its deletion
 * ending FAILED. Every tenth request whose fault lets its access start is revoked by its
 * requester half an hour in. Each request has an assignment of its own (user, account,
 * permission set), so what happens to it follows from its own fault alone, and the test says
 * exactly where each one ends and which assignments exist afterwards, before and after the
 * reconciler's run.
 */
const SEED = 20310106;

type FaultKind =
  | 'none'
  | 'create-throttled'
  | 'create-conflict'
  | 'create-internal-error'
  | 'create-failed'
  | 'delete-throttled'
  | 'delete-failed';

/** Shares of the fault kinds (in %). */
const MIX: readonly [FaultKind, number][] = [
  ['none', 30],
  ['create-throttled', 15],
  ['create-conflict', 10],
  ['create-internal-error', 10],
  ['create-failed', 15],
  ['delete-throttled', 10],
  ['delete-failed', 10],
];

interface Plan {
  fault: FaultKind;
  /** How many calls the fault refuses before the call goes through (the *-throttled, … kinds). */
  times: number;
  revoked: boolean;
}

/** mulberry32: a small seeded generator, so the plan is the same on every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const REFUSAL: Partial<
  Record<FaultKind, 'ThrottlingException' | 'ConflictException' | 'InternalServerException'>
> = {
  'create-throttled': 'ThrottlingException',
  'create-conflict': 'ConflictException',
  'create-internal-error': 'InternalServerException',
  'delete-throttled': 'ThrottlingException',
};

const keyOf = (a: Pick<Assignment, 'principalId' | 'accountId' | 'permissionSetArn'>) =>
  `${a.principalId}|${a.accountId}|${a.permissionSetArn}`;

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
    if (h) h.local.simulators.state.assignmentFaults = undefined;
    await h?.stop();
  });

  it('ends every request exactly where its fault leads and leaves exactly the assignments it should', async () => {
    const sim = h.local.simulators;
    const standing = new Set(sim.state.assignments().map((a) => keyOf(a)));
    const users = h.org.users.map((u) => h.person(u.userName));
    const accounts = h.org.accounts.filter((a) => a.id !== h.org.organization.managementAccountId);
    const permissionSets = h.org.permissionSets;
    sim.reseed(SEED);
    sim.state.assignmentKnobs.completionDelayMs = 10;

    // One request per (user, account, permission set) that is not assigned already.
    const random = seeded(SEED);
    const draw = (): FaultKind => {
      let r = random() * 100;
      for (const [kind, share] of MIX) {
        if ((r -= share) < 0) return kind;
      }
      return 'none';
    };
    const requests: AccessRequest[] = [];
    const plans = new Map<string, Plan>();
    const planOfKey = new Map<string, Plan>();
    for (const ps of permissionSets) {
      for (const account of accounts) {
        for (const user of users) {
          if (standing.has(keyOf({ principalId: user.id, accountId: account.id, permissionSetArn: ps.arn })))
            continue;
          const i = requests.length;
          const fault = draw();
          const times = 1 + Math.floor(random() * 6);
          const startsAccess = fault !== 'create-failed';
          const plan: Plan = {
            fault,
            times,
            revoked: startsAccess && fault !== 'delete-failed' && i % 10 === 3,
          };
          const request = h.newRequest(user, {
            accountId: account.id,
            accountName: account.name,
            permissionSetArn: ps.arn,
            permissionSetName: ps.name,
            approvalRequired: false,
            startTime: new Date(h.clock.now() + (i % 4) * 15 * MINUTE).toISOString(),
            durationHours: 1 + (i % 2),
          });
          requests.push(request);
          plans.set(request.id, plan);
          planOfKey.set(
            keyOf({ principalId: user.id, accountId: account.id, permissionSetArn: ps.arn }),
            plan,
          );
        }
      }
    }
    expect(requests.length).toBeGreaterThan(250);

    // Each call of a request's assignment meets that request's fault.
    const refused = new Map<string, number>();
    let deletionsHealed = false;
    sim.state.assignmentFaults = (kind, assignment): AssignmentFault | undefined => {
      const key = keyOf(assignment);
      const plan = planOfKey.get(key);
      if (!plan) return undefined;
      if (kind === 'CREATE' && plan.fault === 'create-failed') {
        return { failure: 'Injected: the permission set could not be provisioned' };
      }
      if (kind === 'DELETE' && plan.fault === 'delete-failed' && !deletionsHealed) {
        return { failure: 'Injected: the assignment could not be deleted' };
      }
      const refusal = REFUSAL[plan.fault];
      const appliesTo = plan.fault.startsWith('create-') ? 'CREATE' : 'DELETE';
      if (refusal && kind === appliesTo) {
        const count = refused.get(`${kind}|${key}`) ?? 0;
        if (count < plan.times) {
          refused.set(`${kind}|${key}`, count + 1);
          return { refuse: refusal };
        }
      }
      return undefined;
    };

    for (let i = 0; i < requests.length; i += 25)
      await Promise.all(requests.slice(i, i + 25).map((r) => h.submit(r)));
    await h.settle();

    const revokeAt = new Map<string, number>();
    for (const r of requests) {
      if (plans.get(r.id)?.revoked) revokeAt.set(r.id, Date.parse(r.startTime) + 30 * MINUTE);
    }
    const deadline = h.clock.now() + 3 * HOUR;
    while (h.clock.now() < deadline) {
      await h.advance(15 * MINUTE);
      const due = requests.filter((r) => (revokeAt.get(r.id) ?? Infinity) <= h.clock.now());
      for (const r of due) {
        revokeAt.delete(r.id);
        await h.revoke(r.id, h.person(r.requester.email));
      }
      if (due.length > 0) await h.settle();
    }
    // Retries back off on the clock: let every one of them run out.
    await h.advance(6 * HOUR);

    const final = await Promise.all(requests.map((r) => h.get(r.id)));
    const counts = new Map<string, number>();
    for (const r of final) {
      const plan = plans.get(r.id)!;
      const label = `${plan.fault}${plan.revoked ? ' + revoked' : ''}`;
      counts.set(label, (counts.get(label) ?? 0) + 1);
      const seen = {
        id: r.id,
        plan: label,
        status: r.status,
        granted: r.grantedAt !== undefined,
        ended: r.endedAt !== undefined,
        errorReason: r.errorReason,
      };
      if (plan.fault === 'create-failed') {
        expect(seen).toEqual({
          ...seen,
          status: 'error',
          granted: false,
          errorReason: expect.stringMatching(
            /^Identity Center could not grant the access: .*permission set could not be provisioned/,
          ),
        });
      } else if (plan.fault === 'delete-failed') {
        expect(seen).toEqual({
          ...seen,
          status: 'error',
          granted: true,
          errorReason: expect.stringMatching(
            /^Identity Center could not remove the access: .*assignment could not be deleted/,
          ),
        });
      } else {
        expect(seen).toEqual({
          ...seen,
          status: plan.revoked ? 'revoked' : 'ended',
          granted: true,
          ended: true,
          errorReason: undefined,
        });
      }
      expect(h.execution(r.id).status).toBe('SUCCEEDED');
    }
    console.log(
      `Fault plan (seed ${SEED}, ${requests.length} requests):\n${[...counts]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([label, n]) => `  ${label.padEnd(32)}${n}`)
        .join('\n')}`,
    );
    // Every kind of fault was drawn, and revocations happened.
    for (const [kind] of MIX) expect([...plans.values()].some((p) => p.fault === kind)).toBe(true);
    expect([...plans.values()].some((p) => p.revoked)).toBe(true);

    // Exactly the standing assignments, plus those whose removal failed.
    await sim.ssoAdmin.settled();
    const failedRemovals = requests
      .filter((r) => plans.get(r.id)?.fault === 'delete-failed')
      .map((r) =>
        keyOf({ principalId: r.requester.id, accountId: r.accountId, permissionSetArn: r.permissionSetArn }),
      );
    const assigned = () =>
      sim.state
        .assignments()
        .map((a) => keyOf(a))
        .sort();
    expect(assigned()).toEqual([...standing, ...failedRemovals].sort());

    // Identity Center deletes again; the reconciler removes what no request relies on.
    deletionsHealed = true;
    for (let round = 0; round < 8; round += 1) {
      await h.advance(20 * MINUTE);
      const report = await h.reconcile();
      if (report.removed + report.reapplied + report.released === 0 && report.unfinished.length === 0) break;
    }
    await sim.ssoAdmin.settled();
    expect(assigned()).toEqual([...standing].sort());
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
