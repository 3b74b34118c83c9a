/**
 * Computing due session summaries: the first look after the session's tail, storing and
 * flagging, retrying until the late-delivery window closes, queries that outlive a run,
 * provider failures, and runs that repeat or overlap.
 */
import { describe, expect, it } from 'vitest';
import { SessionLogProviderError } from '../../../lambdas/core/session-logs';
import {
  lateDeliveryEnd,
  makeProcessSessionSummaries,
  retryDelayMs,
  storeSessionSummary,
  summarizeActivity,
  SUMMARY_TIMING,
  summaryTiming,
} from '../../../lambdas/core/session-review';
import { settings } from '../fixtures';
import { aRow } from '../session-logs/fakes';
import { HOUR_MS, MINUTE_MS, reviewWorld, sessionRows } from './world';

describe('the due session summaries', () => {
  it('waits for the first look until the session tail is over and CloudTrail delivered', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    // Due at its end: the run moves it to its first look without asking the provider.
    w.world.clock.set(summary.endedAt);
    expect((await w.run()).outcomes.waiting).toBe(1);
    expect(w.provider.calls.count('start')).toBe(0);
    const moved = w.summaries.peek(summary.requestId);
    expect(moved?.dueAt).toBe(
      new Date(Date.parse(summary.endedAt) + SUMMARY_TIMING.firstLookAfterMs).toISOString(),
    );
    expect(SUMMARY_TIMING.firstLookAfterMs).toBe(75 * MINUTE_MS);
    // Not due again before that.
    w.world.clock.advance({ minutes: 74 });
    expect((await w.run()).taken).toBe(0);
  });

  it('queries the session window, summarizes the rows and flags a session that used a sensitive action', async () => {
    const w = reviewWorld();
    const { request, summary } = w.ended();
    w.provider.nextRows = sessionRows();
    w.world.clock.set(new Date(Date.parse(summary.endedAt) + 2 * HOUR_MS));
    const report = await w.run();
    expect(report).toMatchObject({ taken: 1, outcomes: { flagged: 1 } });
    expect(w.provider.lastSpec()).toEqual({
      accountId: request.accountId,
      userName: request.requester.email,
      permissionSetName: request.permissionSetName,
      windowStart: request.grantedAt,
      windowEnd: new Date(Date.parse(summary.endedAt) + HOUR_MS).toISOString(),
    });
    const stored = w.summaries.peek(summary.requestId)!;
    expect(stored).toMatchObject({
      status: 'complete',
      flagged: true,
      reviewState: 'to-review',
      computedAt: w.world.clock.iso(),
      windowStart: request.grantedAt,
      version: summary.version + 2,
    });
    expect(stored.activity).toMatchObject({ totalCalls: 4, sensitiveCalls: 1, sensitiveDeniedCalls: 1 });
    expect(stored.dueAt).toBeUndefined();
    expect(stored.queryId).toBeUndefined();
    // Computed once: the next run finds nothing due, and the provider is not asked again.
    expect((await w.run()).taken).toBe(0);
    expect(w.provider.calls.count('start')).toBe(1);
  });

  it('uses the user name the logs know the requester by, and the admins’ sensitive list', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    w.summaries.seed({ ...summary, userName: 'alice.n' });
    await w.world.settings.put(
      settings({ sensitiveActions: ['ec2.amazonaws.com:StartInstances'], version: 1 }),
      0,
    );
    w.provider.nextRows = sessionRows();
    w.world.clock.set(new Date(Date.parse(summary.endedAt) + 2 * HOUR_MS));
    await w.run();
    expect(w.provider.lastSpec()?.userName).toBe('alice.n');
    const stored = w.summaries.peek(summary.requestId)!;
    expect(stored.activity?.sensitiveActions.map((a) => a.eventName)).toEqual(['StartInstances']);
    expect(stored.flagged).toBe(true);
  });

  it('does not flag a session whose sensitive attempts were all refused', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    const [read, , , refused] = sessionRows();
    w.provider.nextRows = [read!, refused!];
    w.world.clock.set(new Date(Date.parse(summary.endedAt) + 2 * HOUR_MS));
    expect((await w.run()).outcomes.stored).toBe(1);
    expect(w.summaries.peek(summary.requestId)).toMatchObject({
      status: 'complete',
      flagged: false,
      reviewState: 'not-needed',
      activity: { sensitiveDeniedCalls: 1, accessDeniedCalls: 1 },
    });
  });

  it('looks again, waiting longer each time, while no call is delivered; the look at the window’s end stores what it found', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    const timing = summaryTiming();
    const end = lateDeliveryEnd(timing, summary.endedAt);
    w.world.clock.set(new Date(Date.parse(summary.endedAt) + timing.firstLookAfterMs));
    const delays: number[] = [];
    for (let look = 1; look < 50; look += 1) {
      const before = w.world.clock.now().getTime();
      const report = await w.run();
      const current = w.summaries.peek(summary.requestId)!;
      if (current.status !== 'pending') {
        expect(report.outcomes.stored).toBe(1);
        break;
      }
      expect(report.outcomes.retry).toBe(1);
      expect(current.attempts).toBe(look);
      expect(current.lastError).toBeUndefined();
      const next = Date.parse(current.dueAt!);
      delays.push(next - before);
      w.world.clock.set(new Date(next));
    }
    expect(delays.slice(0, 4)).toEqual([1, 2, 3, 4].map((n) => retryDelayMs(timing, n)));
    expect(delays.slice(0, 4)).toEqual([15, 30, 60, 120].map((m) => m * MINUTE_MS));
    expect(Math.max(...delays)).toBe(timing.maxRetryDelayMs);
    // The last look is at the end of the late-delivery window, not after it.
    expect(w.world.clock.now().getTime()).toBe(end);
    expect(w.summaries.peek(summary.requestId)).toMatchObject({
      status: 'complete',
      flagged: false,
      reviewState: 'not-needed',
      activity: { totalCalls: 0 },
    });
  });

  it('calls delivered late are found by a later look', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    w.world.clock.set(new Date(Date.parse(summary.endedAt) + 2 * HOUR_MS));
    expect((await w.run()).outcomes.retry).toBe(1);
    w.provider.nextRows = sessionRows();
    w.world.clock.set(w.summaries.peek(summary.requestId)!.dueAt!);
    expect((await w.run()).outcomes.flagged).toBe(1);
    expect(w.summaries.peek(summary.requestId)).toMatchObject({ attempts: 1, flagged: true });
  });

  it('a failing provider is retried with its reason; past the window the summary is unavailable', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    w.world.clock.set(new Date(Date.parse(summary.endedAt) + 2 * HOUR_MS));
    w.provider.nextScript = [{ state: 'FAILED', error: 'Athena: access denied on the trail bucket' }];
    expect((await w.run()).outcomes.retry).toBe(1);
    expect(w.summaries.peek(summary.requestId)).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastError: 'Athena: access denied on the trail bucket',
    });
    expect(w.summaries.peek(summary.requestId)?.queryId).toBeUndefined();

    // A provider that refuses to start is the same.
    const start = w.provider.start.bind(w.provider);
    w.provider.start = async () => {
      throw new SessionLogProviderError('CloudTrail Lake refused the session-log query');
    };
    w.world.clock.set(new Date(lateDeliveryEnd(summaryTiming(), summary.endedAt)));
    expect((await w.run()).outcomes.unavailable).toBe(1);
    expect(w.summaries.peek(summary.requestId)).toMatchObject({
      status: 'unavailable',
      flagged: false,
      reviewState: 'not-needed',
      lastError: 'CloudTrail Lake refused the session-log query',
    });
    w.provider.start = start;
  });

  it('an unexpected error (a network blip) is retried too, and the run goes on with the others', async () => {
    const w = reviewWorld();
    const first = w.ended();
    const second = w.ended();
    w.world.clock.set(new Date(Date.parse(first.summary.endedAt) + 2 * HOUR_MS));
    w.provider.nextRows = sessionRows();
    const results = w.provider.results.bind(w.provider);
    let failures = 1;
    w.provider.results = async (...args) => {
      if (failures-- > 0) throw new Error('socket hang up');
      return results(...args);
    };
    const report = await w.run({ concurrency: 1 });
    expect(report.outcomes).toMatchObject({ retry: 1, flagged: 1 });
    const retried = [first, second].map((s) => w.summaries.peek(s.summary.requestId)!);
    expect(retried.map((s) => s.status).sort()).toEqual(['complete', 'pending']);
    expect(retried.find((s) => s.status === 'pending')?.lastError).toContain('socket hang up');
  });

  it('a query that outlives the run is followed again by the next run, not started twice', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    w.provider.nextScript = [
      { state: 'RUNNING' },
      { state: 'RUNNING' },
      { state: 'RUNNING' },
      { state: 'FINISHED' },
    ];
    w.provider.nextRows = sessionRows();
    w.world.clock.set(new Date(Date.parse(summary.endedAt) + 2 * HOUR_MS));
    const first = await w.run({ maxFollowMs: 2, firstPollMs: 1, maxPollMs: 1 });
    expect(first.outcomes.running).toBe(1);
    const running = w.summaries.peek(summary.requestId)!;
    expect(running.queryId).toBe('query-1');
    expect(Date.parse(running.dueAt!)).toBe(w.world.clock.now().getTime() + SUMMARY_TIMING.pollAgainMs);
    // Another run meanwhile leaves it alone: it is not due.
    expect((await w.run()).taken).toBe(0);
    w.world.clock.set(running.dueAt!);
    expect((await w.run()).outcomes.flagged).toBe(1);
    expect(w.provider.calls.count('start')).toBe(1);
  });

  it('a run that must stop leaves the sessions it did not reach due', async () => {
    const w = reviewWorld();
    w.ended();
    w.ended();
    w.world.clock.advance({ hours: 5 });
    const report = await w.run({ timeUp: () => true });
    expect(report).toMatchObject({ taken: 2, outcomes: { skipped: 2 } });
    expect(w.provider.calls.count('start')).toBe(0);
  });

  it('reads at most maxRows calls; a longer session is flagged as truncated', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    w.provider.nextRows = Array.from({ length: 25 }, (_, i) => aRow({ eventId: `e-${i}` }));
    w.world.clock.set(new Date(Date.parse(summary.endedAt) + 2 * HOUR_MS));
    expect((await w.run({ maxRows: 10 })).outcomes.flagged).toBe(1);
    expect(w.summaries.peek(summary.requestId)?.activity).toMatchObject({
      totalCalls: 10,
      sensitiveCalls: 0,
      truncated: true,
    });
  });

  it('two runs that overlap never store over each other', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    w.provider.nextRows = sessionRows();
    w.world.clock.set(new Date(Date.parse(summary.endedAt) + 2 * HOUR_MS));
    const [a, b] = await Promise.all([w.run(), w.run()]);
    const outcomes = [a!, b!].map((r) => r.outcomes);
    expect(outcomes.reduce((n, o) => n + o.flagged, 0)).toBe(1);
    expect(outcomes.reduce((n, o) => n + o.conflict, 0)).toBe(1);
    expect(w.summaries.peek(summary.requestId)?.flagged).toBe(true);
  });

  it('a summary is stored once: storing it again is a conflict', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    const activity = summarizeActivity([], []);
    const stored = await storeSessionSummary(
      w.deps,
      summary,
      { status: 'complete', activity, windowStart: summary.grantedAt, windowEnd: summary.endedAt },
      w.world.clock.now(),
    );
    expect(stored.reviewState).toBe('not-needed');
    await expect(
      storeSessionSummary(w.deps, stored, { status: 'unavailable', error: 'x' }, w.world.clock.now()),
    ).rejects.toThrow(/already stored/);
    await expect(
      storeSessionSummary(w.deps, summary, { status: 'unavailable', error: 'x' }, w.world.clock.now()),
    ).rejects.toThrow(/changed meanwhile/);
  });

  it('a request that is gone, or was never granted, is stored as unavailable', async () => {
    const w = reviewWorld();
    const { summary } = w.ended();
    const odd = w.ended({ permissionSetName: 'Bad name!' });
    w.summaries.seed({ ...summary, requestId: 'no-such-request' });
    w.world.clock.advance({ hours: 5 });
    const report = await w.run();
    expect(report.outcomes).toMatchObject({ unavailable: 2, retry: 1 });
    expect(w.summaries.peek('no-such-request')).toMatchObject({
      status: 'unavailable',
      lastError: 'The request no longer exists.',
    });
    expect(w.summaries.peek(odd.summary.requestId)?.lastError).toMatch(/permission set name/);
  });

  it('does nothing without a provider', async () => {
    const w = reviewWorld();
    w.ended();
    w.world.clock.advance({ hours: 5 });
    const { provider: _provider, ...withoutProvider } = w.deps;
    expect(await makeProcessSessionSummaries(withoutProvider)()).toMatchObject({ taken: 0 });
    expect(w.summaries.calls.count('listDue')).toBe(0);
  });
});
