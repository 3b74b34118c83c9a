/**
 * Stopping and starting the local cloud on kept data: requests whose workflow was under way go
 * on where they were (a pending one can still be approved, a granted one still ends on time),
 * and Identity Center's assignments are the ones the last run left.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { auditEventId } from '../../../lambdas/core/audit';
import type { AccessRequest, Actor, CallerIdentity } from '../../../lambdas/core/types';
import { startLocalBackend, type LocalBackend } from '../../../local/backend';
import { resumeWorkflows, workflowUnfinished } from '../../../local/backend/restart';
import { registerRequestWorkflow } from '../../../local/workflow';
import { ManualClock } from '../../../local/sfn';

const HOUR = 3_600_000;
const T0 = Date.UTC(2031, 2, 3, 9, 0, 0);
const ACCOUNT = '745240316957';

const dataDir = mkdtempSync(join(tmpdir(), 'team-restart-'));
const assignmentsFile = join(dataDir, 'identity-center.json');
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Running {
  local: LocalBackend;
  clock: ManualClock;
  stop(): Promise<void>;
}

async function start(at: number): Promise<Running> {
  const clock = new ManualClock(at);
  const local = await startLocalBackend({ clock, dataDir, sessionActivity: false });
  try {
    const workflow = registerRequestWorkflow(local, join(dataDir, 'cache'));
    return {
      local,
      clock,
      stop: async () => {
        workflow.close();
        await local.stop();
      },
    };
  } catch (error) {
    await local.stop();
    throw error;
  }
}

function person(local: LocalBackend, userName: string) {
  const u = local.org.users.find((x) => x.userName === userName);
  if (!u) throw new Error(`no demo user ${userName}`);
  const actor: Actor = { id: u.id, email: u.email ?? u.userName, name: u.displayName };
  const caller: CallerIdentity = {
    userId: u.id,
    userName: u.userName,
    email: actor.email,
    displayName: u.displayName,
    groupIds: [],
    isAdmin: false,
    isAuditor: false,
  };
  return { actor, caller };
}

async function submit(run: Running, id: string, approvalRequired: boolean): Promise<AccessRequest> {
  const { local, clock } = run;
  const ps = local.org.permissionSets.find((p) => p.name === 'ReadOnlyAccess');
  if (!ps) throw new Error('no ReadOnlyAccess');
  const now = new Date(clock.now()).toISOString();
  const request: AccessRequest = {
    id,
    requester: person(local, 'alice.nguyen@example.com').actor,
    accountId: ACCOUNT,
    accountName: 'Payments Staging',
    permissionSetArn: ps.arn,
    permissionSetName: ps.name,
    startTime: now,
    durationHours: 2,
    justification: 'Investigate the failing deployment',
    status: 'pending',
    approvalRequired,
    approvers: [person(local, 'carol.smith@example.com').actor],
    expiresAt: new Date(clock.now() + 3 * HOUR).toISOString(),
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await local.backend.ports.requests.create(request, {
    requestId: id,
    id: auditEventId(now, 1),
    at: now,
    action: 'created',
    actor: request.requester,
    toStatus: 'pending',
  });
  return request;
}

const statusOf = async (run: Running, id: string) => (await run.local.backend.ports.requests.get(id))?.status;
const granted = (run: Running, r: AccessRequest) =>
  run.local.simulators.state.hasAssignment({
    accountId: r.accountId,
    permissionSetArn: r.permissionSetArn,
    principalType: 'USER',
    principalId: r.requester.id,
  });

describe('the local cloud on kept data', { timeout: 90_000 }, () => {
  const waiting = 'a0000000-0000-4000-8000-000000000001';
  const running = 'a0000000-0000-4000-8000-000000000002';
  let pending: AccessRequest;
  let live: AccessRequest;

  it('first run: one request waits for approval, another is granted', async () => {
    const run = await start(T0);
    try {
      pending = await submit(run, waiting, true);
      live = await submit(run, running, false);
      await run.local.settle();
      expect(await statusOf(run, waiting)).toBe('pending');
      expect(await statusOf(run, running)).toBe('in progress');
      expect(granted(run, live)).toBe(true);
    } finally {
      await run.stop();
    }
    const saved = JSON.parse(readFileSync(assignmentsFile, 'utf8')) as { assignments: unknown[] };
    expect(saved.assignments).toContainEqual({
      accountId: ACCOUNT,
      permissionSetArn: live.permissionSetArn,
      principalType: 'USER',
      principalId: live.requester.id,
    });
  });

  it('second run: both workflows go on; the approval grants, the ends come on time', async () => {
    const run = await start(T0 + 10 * 60_000);
    try {
      // The assignment made in the first run is still there before anything runs.
      expect(granted(run, live)).toBe(true);
      expect((await run.local.resumeWorkflows()).sort()).toEqual([waiting, running]);
      await run.local.settle();
      expect(await statusOf(run, running)).toBe('in progress');

      await run.local.backend.usecases.approveRequest(person(run.local, 'carol.smith@example.com').caller, {
        requestId: waiting,
        comment: 'Go ahead',
      });
      await run.local.settle();
      expect(await statusOf(run, waiting)).toBe('in progress');

      await run.clock.advance(3 * HOUR);
      await run.local.settle();
      expect(await statusOf(run, running)).toBe('ended');
      expect(await statusOf(run, waiting)).toBe('ended');
      expect(granted(run, pending)).toBe(false);
      // Nothing left to pick up next time.
      expect(
        await resumeWorkflows(run.local.backend.ports.requests, { start: () => Promise.resolve() }),
      ).toEqual([]);
    } finally {
      await run.stop();
    }
    const saved = JSON.parse(readFileSync(assignmentsFile, 'utf8')) as {
      assignments: { principalId: string }[];
    };
    expect(saved.assignments.some((a) => a.principalId === live.requester.id)).toBe(false);
  });

  it('a damaged assignments file stops the start with a clear error and is left as it was', async () => {
    writeFileSync(assignmentsFile, '{"assignments": [{"accountId": "nope"}]}');
    await expect(start(T0)).rejects.toThrow(
      /identity-center\.json does not hold the local account assignments/,
    );
    expect(readFileSync(assignmentsFile, 'utf8')).toBe('{"assignments": [{"accountId": "nope"}]}');
  });
});

describe('which workflows are unfinished', () => {
  it.each([
    ['pending', undefined, true],
    ['approved', undefined, true],
    ['scheduled', undefined, true],
    ['in progress', undefined, true],
    ['revoked', undefined, true],
    ['revoked', '2031-03-03T10:00:00.000Z', false],
    ['ended', '2031-03-03T10:00:00.000Z', false],
    ['rejected', undefined, false],
    ['cancelled', undefined, false],
    ['expired', undefined, false],
    ['error', undefined, false],
  ] as const)('%s (ended %s): %s', (status, endedAt, expected) => {
    expect(workflowUnfinished({ status, ...(endedAt ? { endedAt } : {}) })).toBe(expected);
  });
});
