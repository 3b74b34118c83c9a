/**
 * The end of access makes a session due (once); auditors list flagged sessions, read one, and
 * mark it reviewed with a comment (an audit event on the request's trail).
 */
import { describe, expect, it } from 'vitest';
import { makeRunWorkflowStep, type WorkflowDeps } from '../../../lambdas/core/access';
import { auditEventId } from '../../../lambdas/core/audit';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import {
  makeGetSessionSummary,
  makeListSessionsToReview,
  makeMarkSessionReviewed,
  makeSessionEndedSink,
  summarizeActivity,
  type SessionSummary,
} from '../../../lambdas/core/session-review';
import { DEFAULT_SENSITIVE_ACTIONS } from '../../../lambdas/core/settings';
import type { AccessRequest } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { InMemorySessionSummaryStore } from '../../fakes/session-summaries';
import { makeTestWorld } from '../../fakes/world';
import { FakeAssignments, FakeDecisionWait, noSleep, RecordingNotifier } from '../access/fakes';
import { HOUR_MS, reviewWorld, sessionRows, type ReviewWorld } from './world';

describe('the end of access makes the session due', () => {
  const setup = () => {
    const world = makeTestWorld();
    const summaries = new InMemorySessionSummaryStore();
    const sink = makeSessionEndedSink({
      summaries,
      clock: world.clock,
      provider: 'athena',
      directory: world.directory,
    });
    const ended = (overrides: Partial<AccessRequest> = {}) =>
      aRequest({
        status: 'ended',
        grantedAt: world.clock.iso(),
        endedAt: new Date(world.clock.now().getTime() + 2 * HOUR_MS).toISOString(),
        ...overrides,
      });
    return { world, summaries, sink, ended };
  };

  it('creates the pending summary once, with the names shown and the user name the logs use', async () => {
    const { world, summaries, sink, ended } = setup();
    const request = ended({ breakGlass: { incident: 'INC-7' } });
    await sink.sessionEnded(request);
    await sink.sessionEnded({ ...request, version: request.version + 1 });
    expect(summaries.calls.count('create')).toBe(2);
    expect(summaries.all()).toEqual([
      {
        requestId: request.id,
        accountId: request.accountId,
        accountName: request.accountName,
        permissionSetArn: request.permissionSetArn,
        permissionSetName: request.permissionSetName,
        requester: request.requester,
        userName: (await world.directory.getUser(request.requester.id))?.userName,
        grantedAt: request.grantedAt,
        endedAt: request.endedAt,
        endStatus: 'ended',
        breakGlass: true,
        status: 'pending',
        provider: 'athena',
        attempts: 0,
        dueAt: request.endedAt,
        flagged: false,
        reviewState: 'pending',
        createdAt: world.clock.iso(),
        updatedAt: world.clock.iso(),
        version: 1,
      },
    ]);
  });

  it('leaves alone what had no session: never granted, imported, not over', async () => {
    const { summaries, sink, ended } = setup();
    await sink.sessionEnded(ended({ status: 'revoked', grantedAt: undefined }));
    await sink.sessionEnded(ended({ importedFrom: 'original-team' }));
    await sink.sessionEnded(ended({ status: 'in progress', endedAt: undefined }));
    await sink.sessionEnded(ended({ status: 'error' }));
    expect(summaries.all()).toEqual([]);
    await sink.sessionEnded(ended({ status: 'revoked' }));
    expect(summaries.all().map((s) => s.endStatus)).toEqual(['revoked']);
  });

  it('is told by the workflow when access ends and when revoked access is removed', async () => {
    const world = makeTestWorld();
    const summaries = new InMemorySessionSummaryStore();
    const idc = new FakeAssignments();
    const deps: WorkflowDeps = {
      requests: world.requests,
      decisionWait: new FakeDecisionWait(world.requests),
      settings: world.settings,
      fallback: world.fallback,
      clock: world.clock,
      grants: world.grants,
      assignments: idc,
      notifier: new RecordingNotifier(),
      sleep: noSleep,
      pollDelaysMs: [1, 1],
      sessionEnded: makeSessionEndedSink({ summaries, clock: world.clock, provider: 'cloudtrail-lake' }),
    };
    const step = makeRunWorkflowStep(deps);
    const store = async (overrides: Partial<AccessRequest>) => {
      const request = aRequest({ createdAt: world.clock.iso(), startTime: world.clock.iso(), ...overrides });
      await world.requests.create(request, {
        requestId: request.id,
        id: auditEventId(request.createdAt, request.version),
        at: request.createdAt,
        action: 'created',
        actor: request.requester,
      });
      return request;
    };

    // Its time is up.
    const timed = await store({ approvalRequired: false });
    await step({ action: 'advance', requestId: timed.id });
    expect(summaries.all()).toEqual([]);
    world.clock.advance({ hours: 2 });
    await step({ action: 'revoke', requestId: timed.id });
    expect(summaries.peek(timed.id)).toMatchObject({ endStatus: 'ended', status: 'pending' });

    // Revoked by a person while in progress.
    const revoked = await store({ approvalRequired: false });
    await step({ action: 'advance', requestId: revoked.id });
    const current = (await world.requests.get(revoked.id))!;
    await world.requests.update(
      { ...current, status: 'revoked', revokedAt: world.clock.iso(), version: current.version + 1 },
      current,
      undefined,
    );
    await step({ action: 'advance', requestId: revoked.id });
    expect(summaries.peek(revoked.id)).toMatchObject({ endStatus: 'revoked', status: 'pending' });

    // A repeated step changes nothing.
    await step({ action: 'advance', requestId: revoked.id });
    expect(summaries.all()).toHaveLength(2);
  });
});

/** A computed summary of `w`'s world, flagged when its rows say so. */
async function computed(w: ReviewWorld, overrides: Partial<AccessRequest> = {}, rows = sessionRows()) {
  const { summary } = w.ended(overrides);
  const activity = summarizeActivity(rows, DEFAULT_SENSITIVE_ACTIONS);
  const flagged = activity.sensitiveCalls > 0;
  const stored: SessionSummary = {
    ...summary,
    status: 'complete',
    activity,
    flagged,
    reviewState: flagged ? 'to-review' : 'not-needed',
    version: summary.version + 1,
  };
  w.summaries.seed(stored);
  return stored;
}

describe('auditors review flagged sessions', () => {
  const auditorWorld = () => {
    const w = reviewWorld();
    const list = makeListSessionsToReview(w.deps);
    const get = makeGetSessionSummary(w.deps);
    const mark = makeMarkSessionReviewed(w.deps);
    const { callers } = w.world;
    return { w, list, get, mark, auditor: callers.erin, admin: callers.dave, callers };
  };

  it('lists the sessions to review, most recently ended first, then the reviewed ones', async () => {
    const { w, list, mark, auditor } = auditorWorld();
    const older = await computed(w);
    w.world.clock.advance({ hours: 3 });
    const newer = await computed(w);
    const quiet = await computed(w, {}, sessionRows().slice(0, 2));
    expect(quiet.flagged).toBe(false);
    expect((await list(auditor)).items.map((s) => s.requestId)).toEqual([newer.requestId, older.requestId]);
    const firstPage = await list(auditor, { limit: 1 });
    expect(firstPage.items.map((s) => s.requestId)).toEqual([newer.requestId]);
    const secondPage = await list(auditor, { limit: 1, cursor: firstPage.nextCursor ?? null });
    expect(secondPage.items.map((s) => s.requestId)).toEqual([older.requestId]);

    await mark(auditor, { requestId: older.requestId, comment: 'Key rotation for the incident' });
    expect((await list(auditor)).items.map((s) => s.requestId)).toEqual([newer.requestId]);
    expect((await list(auditor, { state: 'reviewed' })).items.map((s) => s.requestId)).toEqual([
      older.requestId,
    ]);
  });

  it('marks a flagged session reviewed with the comment, on the summary and the audit trail', async () => {
    const { w, mark, get, auditor } = auditorWorld();
    const flagged = await computed(w);
    w.world.clock.advance({ minutes: 5 });
    const reviewed = await mark(auditor, { requestId: flagged.requestId, comment: '  Expected: INC-1001  ' });
    expect(reviewed).toMatchObject({
      reviewState: 'reviewed',
      reviewedBy: { id: auditor.userId, email: auditor.email, name: auditor.displayName },
      reviewedAt: w.world.clock.iso(),
      reviewComment: 'Expected: INC-1001',
      flagged: true,
      version: flagged.version + 1,
    });
    expect(await get(auditor, flagged.requestId)).toEqual(reviewed);
    const request = (await w.world.requests.get(flagged.requestId))!;
    expect(w.summaries.events).toEqual([
      {
        requestId: flagged.requestId,
        id: auditEventId(w.world.clock.iso(), request.version, 'session-review'),
        at: w.world.clock.iso(),
        action: 'session-reviewed',
        actor: reviewed.reviewedBy,
        comment: 'Expected: INC-1001',
        detail: 'Session activity reviewed (1 sensitive call)',
      },
    ]);
  });

  it('refuses a missing comment, a session that needs no review, a second review and one’s own session', async () => {
    const { w, mark, auditor, admin } = auditorWorld();
    const flagged = await computed(w);
    for (const comment of [undefined, '', '   ', 'x'.repeat(2001)]) {
      await expect(mark(auditor, { requestId: flagged.requestId, comment })).rejects.toBeInstanceOf(
        ValidationError,
      );
    }
    const quiet = await computed(w, {}, sessionRows().slice(0, 1));
    await expect(mark(auditor, { requestId: quiet.requestId, comment: 'ok' })).rejects.toThrow(
      /needs no review/,
    );
    const { summary: pending } = w.ended();
    await expect(mark(auditor, { requestId: pending.requestId, comment: 'ok' })).rejects.toThrow(
      /not computed yet/,
    );
    await expect(mark(auditor, { requestId: 'no-such-request', comment: 'ok' })).rejects.toBeInstanceOf(
      NotFoundError,
    );
    await expect(mark(auditor, { requestId: "x' OR 1=1", comment: 'ok' })).rejects.toBeInstanceOf(
      ValidationError,
    );

    await mark(auditor, { requestId: flagged.requestId, comment: 'Seen' });
    await expect(mark(auditor, { requestId: flagged.requestId, comment: 'Again' })).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(w.summaries.events).toHaveLength(1);

    // The auditor's own session goes to another auditor.
    const own = await computed(w, {
      requester: { id: auditor.userId, email: auditor.email, name: auditor.displayName },
    });
    await expect(mark(auditor, { requestId: own.requestId, comment: 'Fine' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect((await mark(admin, { requestId: own.requestId, comment: 'Fine' })).reviewState).toBe('reviewed');
  });

  it('a review that lost a race says who won', async () => {
    const { w, mark, auditor } = auditorWorld();
    const flagged = await computed(w);
    const putReview = w.summaries.putReview.bind(w.summaries);
    w.summaries.putReview = async (next, expected, event) => {
      // Another auditor's review lands first.
      await putReview(
        { ...next, reviewedBy: { id: 'u-x', email: 'x@example.com', name: 'Xavier' } },
        expected,
        {
          ...event,
          id: `${event.id}-other`,
        },
      );
      return putReview(next, expected, event);
    };
    await expect(mark(auditor, { requestId: flagged.requestId, comment: 'Seen' })).rejects.toThrow(
      'This session was reviewed meanwhile by Xavier.',
    );
  });

  it('is for auditors and admins only', async () => {
    const { w, list, get, mark, admin, callers } = auditorWorld();
    const flagged = await computed(w);
    expect(admin).toMatchObject({ isAdmin: true, isAuditor: false });
    expect((await list(admin)).items.map((s) => s.requestId)).toEqual([flagged.requestId]);
    for (const persona of ['alice', 'bob'] as const) {
      const caller = callers[persona];
      await expect(list(caller)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(get(caller, flagged.requestId)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(mark(caller, { requestId: flagged.requestId, comment: 'x' })).rejects.toBeInstanceOf(
        ForbiddenError,
      );
    }
    expect(await get(admin, 'not a request id')).toBeUndefined();
  });
});
