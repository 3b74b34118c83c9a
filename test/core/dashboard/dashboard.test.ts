import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  computeSnapshot,
  eventsOfRequest,
  makeDashboardRecorder,
  makeGetDashboard,
  makeRebuildDashboard,
  percentileOf,
  validateRange,
  type DashboardView,
} from '../../../lambdas/core/dashboard';
import { ForbiddenError, ValidationError } from '../../../lambdas/core/errors';
import {
  flaggedSessionFacts,
  pendingSummaryOf,
  recordSessionReview,
  storeSessionSummary,
  summarizeActivity,
} from '../../../lambdas/core/session-review';
import { DEFAULT_SENSITIVE_ACTIONS } from '../../../lambdas/core/settings';
import { InMemorySessionSummaryStore } from '../../fakes/session-summaries';
import { sessionRows } from '../session-review/world';
import type { AccessRequest, Actor } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { InMemoryAggregateStore } from '../../fakes/aggregates';
import { caller } from '../fixtures';

const bob: Actor = { id: 'u-bob', email: 'bob@example.com', name: 'Bob Approver' };
const carol: Actor = { id: 'u-carol', email: 'carol@example.com', name: 'Carol Second' };
const clock = { now: () => new Date('2026-12-08T12:00:00Z') };
const auditor = caller('auditor', { isAuditor: true });

/** The states a request goes through, as the router and the workflow see them one by one. */
function lifecycle(id: string, end: 'ended' | 'revoked' | 'error' | 'extended'): AccessRequest[] {
  const created = aRequest({
    id,
    createdAt: '2026-12-01T09:00:00.000Z',
    startTime: '2026-12-01T09:00:00.000Z',
    updatedAt: '2026-12-01T09:00:00.000Z',
    durationHours: 2,
  });
  const approved: AccessRequest = {
    ...created,
    status: 'approved',
    decidedBy: bob,
    decidedAt: '2026-12-01T09:04:00.000Z',
    approvals: [{ by: bob, at: '2026-12-01T09:04:00.000Z', stage: 0 }],
  };
  const scheduled: AccessRequest = { ...approved, status: 'scheduled' };
  const started: AccessRequest = {
    ...scheduled,
    status: 'in progress',
    grantedAt: '2026-12-01T09:04:20.000Z',
  };
  switch (end) {
    case 'ended':
      return [
        created,
        approved,
        scheduled,
        started,
        { ...started, status: 'ended', endedAt: '2026-12-01T11:04:20.000Z' },
      ];
    case 'revoked': {
      const revoked: AccessRequest = {
        ...started,
        status: 'revoked',
        revokedBy: bob,
        revokedAt: '2026-12-02T00:30:00.000Z',
      };
      return [
        created,
        approved,
        scheduled,
        started,
        revoked,
        { ...revoked, endedAt: '2026-12-02T00:30:05.000Z' },
      ];
    }
    case 'error':
      return [
        created,
        approved,
        scheduled,
        started,
        {
          ...started,
          status: 'error',
          errorReason: 'Identity Center refused',
          failedAt: '2026-12-01T11:05:00.000Z',
        },
      ];
    case 'extended': {
      const extended: AccessRequest = {
        ...started,
        extensions: [
          {
            id: 1,
            hours: 3,
            reason: 'More time',
            requestedBy: started.requester,
            requestedAt: '2026-12-01T10:00:00.000Z',
            status: 'approved',
            approvals: [],
            decidedAt: '2026-12-01T10:02:00.000Z',
          },
        ],
      };
      return [
        created,
        approved,
        scheduled,
        started,
        extended,
        { ...extended, status: 'ended', endedAt: '2026-12-01T14:04:20.000Z' },
      ];
    }
  }
}

async function dashboardOf(
  store: InMemoryAggregateStore,
  from = '2026-11-30',
  to = '2026-12-03',
): Promise<DashboardView> {
  return makeGetDashboard({ aggregates: store, clock })(auditor, { from, to });
}

const total = (view: DashboardView, counter: keyof DashboardView['days'][number]) =>
  view.days.reduce((n, d) => n + Number(d[counter]), 0);

describe('events of a request', () => {
  it('counts creation, decision, grant and end on the days they happened', () => {
    const states = lifecycle('r1', 'ended');
    const events = eventsOfRequest(states.at(-1)!);
    expect(events.map((e) => [e.key, e.day])).toEqual([
      ['created', '2026-12-01'],
      ['decided', '2026-12-01'],
      ['granted', '2026-12-01'],
      ['accessOver', '2026-12-01'],
      ['ended', '2026-12-01'],
    ]);
    const decided = events.find((e) => e.key === 'decided')!;
    expect(decided.histograms).toEqual({ timeToDecision: bucketOf(240) });
    expect(decided.dimensions).toEqual([{ dimension: 'approver', id: 'u-bob', name: 'Bob Approver' }]);
  });

  it('only grows as a request moves along (what was counted stays derivable)', () => {
    for (const end of ['ended', 'revoked', 'error', 'extended'] as const) {
      const states = lifecycle(`g-${end}`, end);
      for (let i = 1; i < states.length; i += 1) {
        const before = eventsOfRequest(states[i - 1]!).map((e) => e.key);
        const after = eventsOfRequest(states[i]!).map((e) => e.key);
        expect(after, `${end} step ${i}`).toEqual(expect.arrayContaining(before));
      }
    }
  });

  it('credits every approver of a multi-approver request, and only the decider of a rejection', () => {
    const approved = aRequest({
      status: 'scheduled',
      decidedBy: carol,
      decidedAt: '2026-12-01T10:00:00.000Z',
      approvals: [
        { by: bob, at: '2026-12-01T09:30:00.000Z', stage: 0 },
        { by: carol, at: '2026-12-01T10:00:00.000Z', stage: 1 },
      ],
    });
    expect(
      eventsOfRequest(approved)
        .find((e) => e.key === 'decided')
        ?.dimensions?.map((d) => d.id),
    ).toEqual(['u-bob', 'u-carol']);
    const rejected = { ...approved, status: 'rejected' as const, decidedBy: bob };
    expect(eventsOfRequest(rejected).find((e) => e.key === 'decided')).toMatchObject({
      counts: { rejected: 1 },
      dimensions: [{ id: 'u-bob' }],
    });
  });

  it('counts access that needed no approval as auto-approved, break-glass apart', () => {
    const auto = aRequest({ approvalRequired: false, status: 'scheduled' });
    expect(eventsOfRequest(auto).map((e) => e.key)).toContain('autoApproved');
    const breakGlass = aRequest({
      approvalRequired: false,
      status: 'scheduled',
      breakGlass: { incident: 'INC-1' },
      review: { state: 'needed' },
    });
    const keys = eventsOfRequest(breakGlass);
    expect(keys.map((e) => e.key)).not.toContain('autoApproved');
    expect(keys.find((e) => e.key === 'created')?.counts).toEqual({ created: 1, breakGlass: 1 });
    expect(keys.find((e) => e.key === 'review:needed')?.gauges).toEqual({ breakGlassReviews: 1 });
  });

  it('puts durations in buckets, the open last one beyond a day', () => {
    expect([0, 10, 11, 60, 86_400, 86_401, -5].map(bucketOf)).toEqual([0, 0, 1, 2, 11, 12, 0]);
  });
});

describe('counting as requests move', () => {
  it('counts each event once however often a state is delivered (stream records twice, steps again)', async () => {
    const store = new InMemoryAggregateStore();
    const recorder = makeDashboardRecorder({ aggregates: store, clock });
    for (const state of lifecycle('r1', 'ended')) {
      await recorder.recordRequest(state);
      expect(await recorder.recordRequest(state)).toBe(0);
    }
    const view = await dashboardOf(store);
    expect(view.days.find((d) => d.date === '2026-12-01')).toMatchObject({
      created: 1,
      approved: 1,
      granted: 1,
      ended: 1,
      hoursGranted: 2,
    });
    expect(view.activeNow).toBe(0);
    expect(view.timeToDecision).toMatchObject({ count: 1, p50Seconds: 300, p95Seconds: 300 });
    expect(view.timeToAccess).toMatchObject({ count: 1, p50Seconds: 300 });
    expect(view.top.approver).toEqual([{ id: 'u-bob', name: 'Bob Approver', count: 1 }]);
  });

  it('is right after an extension, a revoke and an error', async () => {
    const store = new InMemoryAggregateStore();
    const recorder = makeDashboardRecorder({ aggregates: store, clock });
    for (const end of ['extended', 'revoked', 'error'] as const) {
      for (const state of lifecycle(`x-${end}`, end)) await recorder.recordRequest(state);
    }
    const view = await dashboardOf(store);
    expect(total(view, 'created')).toBe(3);
    expect(total(view, 'granted')).toBe(3);
    expect(total(view, 'extensions')).toBe(1);
    expect(total(view, 'hoursGranted')).toBe(2 * 3 + 3);
    expect(total(view, 'revoked')).toBe(1);
    expect(view.days.find((d) => d.date === '2026-12-02')?.revoked).toBe(1);
    expect(total(view, 'failed')).toBe(1);
    expect(total(view, 'ended')).toBe(1);
    // Access held while the request was in progress is over in all three.
    expect(view.activeNow).toBe(0);
  });

  it('keeps access that is still held as active now', async () => {
    const store = new InMemoryAggregateStore();
    const recorder = makeDashboardRecorder({ aggregates: store, clock });
    for (const state of lifecycle('held', 'ended').slice(0, 4)) await recorder.recordRequest(state);
    expect((await dashboardOf(store)).activeNow).toBe(1);
  });

  it('catches up on a missed state: the next one counts everything not counted yet', async () => {
    const store = new InMemoryAggregateStore();
    const recorder = makeDashboardRecorder({ aggregates: store, clock });
    const states = lifecycle('late', 'ended');
    await recorder.recordRequest(states[0]!);
    expect(await recorder.recordRequest(states[4]!)).toBe(4);
  });

  it('logs a failure instead of throwing when safe, and counts it on the next change', async () => {
    const store = new InMemoryAggregateStore();
    const warnings: string[] = [];
    const recorder = makeDashboardRecorder(
      { aggregates: store, clock, logger: { warn: (m) => warnings.push(m) } },
      { safe: true },
    );
    const states = lifecycle('flaky', 'ended');
    store.failNext = new Error('ProvisionedThroughputExceeded');
    expect(await recorder.recordRequest(states[0]!)).toBe(0);
    expect(warnings).toHaveLength(1);
    expect(await recorder.recordRequest(states[1]!)).toBe(2);
  });

  it('throws when not safe (the rebuild and tests want to know)', async () => {
    const store = new InMemoryAggregateStore();
    store.failNext = new Error('down');
    await expect(
      makeDashboardRecorder({ aggregates: store, clock }).recordRequest(aRequest()),
    ).rejects.toThrow('down');
  });

  it('counts flagged sessions and their reviews apart from the request', async () => {
    const store = new InMemoryAggregateStore();
    const recorder = makeDashboardRecorder({ aggregates: store, clock });
    const facts = { requestId: 'r9', endedAt: '2026-12-02T10:00:00.000Z', flagged: true };
    expect(await recorder.recordSessionReview(facts)).toBe(1);
    expect(await recorder.recordSessionReview(facts)).toBe(0);
    let view = await dashboardOf(store);
    expect(view.sessionsToReview).toBe(1);
    expect(view.days.find((d) => d.date === '2026-12-02')?.sensitiveSessions).toBe(1);
    await recorder.recordSessionReview({ ...facts, reviewedAt: '2026-12-03T08:00:00.000Z' });
    view = await dashboardOf(store);
    expect(view.sessionsToReview).toBe(0);
    expect(await recorder.recordSessionReview({ ...facts, flagged: false, requestId: 'r10' })).toBe(0);
  });
});

describe('rebuilding from the stored requests', () => {
  it('gives the same counters as counting as they moved', async () => {
    const finals: AccessRequest[] = [];
    const incremental = new InMemoryAggregateStore();
    const recorder = makeDashboardRecorder({ aggregates: incremental, clock });
    let n = 0;
    for (const end of ['ended', 'revoked', 'error', 'extended', 'ended'] as const) {
      const states = lifecycle(`b-${(n += 1)}`, end);
      // Some states delivered twice, some skipped: the outcome must not depend on it.
      for (const [i, state] of states.entries()) {
        if (i % 2 === 0) await recorder.recordRequest(state);
        await recorder.recordRequest(state);
      }
      finals.push(states.at(-1)!);
    }
    const pending = aRequest({ id: 'b-pending', createdAt: '2026-12-02T08:00:00.000Z' });
    await recorder.recordRequest(pending);
    finals.push(pending);

    const rebuilt = new InMemoryAggregateStore();
    const listAll = ({ limit, cursor }: { limit: number; cursor?: string }) => {
      const start = cursor === undefined ? 0 : Number(cursor);
      const items = finals.slice(start, start + 2);
      return Promise.resolve({
        items,
        ...(start + 2 < finals.length && { nextCursor: String(start + 2) }),
        limit,
      });
    };
    const report = await makeRebuildDashboard({ requests: { listAll }, aggregates: rebuilt, clock })();
    expect(report.requestsRead).toBe(6);
    const a = await dashboardOf(incremental);
    const b = await dashboardOf(rebuilt);
    expect({ ...b, updatedAt: null }).toEqual({ ...a, updatedAt: null });
    // And counting again after the rebuild adds nothing.
    for (const request of finals)
      expect(await makeDashboardRecorder({ aggregates: rebuilt, clock }).recordRequest(request)).toBe(0);
  });

  it('folds session reviews into the rebuild', async () => {
    const { snapshot, sessionReviewsRead } = await computeSnapshot({
      requests: { listAll: () => Promise.resolve({ items: [] }) },
      sessionReviews: {
        listAllFacts: () =>
          Promise.resolve({ items: [{ requestId: 'r1', endedAt: '2026-12-01T10:00:00Z', flagged: true }] }),
      },
      clock,
    });
    expect(sessionReviewsRead).toBe(1);
    expect(snapshot.gauges).toEqual({ sessionsToReview: 1 });
    expect(snapshot.applied).toEqual({ r1: ['session:flagged'] });
  });
});

describe('reading the dashboard', () => {
  it('lists every day of the range, zeros included, and ranks the top lists', async () => {
    const store = new InMemoryAggregateStore();
    const recorder = makeDashboardRecorder({ aggregates: store, clock });
    for (const [i, account] of ['111111111111', '111111111111', '222222222222'].entries()) {
      await recorder.recordRequest(
        aRequest({
          id: `t${i}`,
          accountId: account,
          accountName: `Acct ${account.slice(0, 1)}`,
          createdAt: '2026-12-02T01:00:00.000Z',
        }),
      );
    }
    const view = await dashboardOf(store, '2026-12-01', '2026-12-03');
    expect(view.days.map((d) => [d.date, d.created])).toEqual([
      ['2026-12-01', 0],
      ['2026-12-02', 3],
      ['2026-12-03', 0],
    ]);
    expect(view.top.account).toEqual([
      { id: '111111111111', name: 'Acct 1', count: 2 },
      { id: '222222222222', name: 'Acct 2', count: 1 },
    ]);
    expect(view.timeToDecision).toMatchObject({ count: 0, p50Seconds: null, p95Seconds: null });
  });

  it('estimates percentiles from the buckets', () => {
    const buckets = new Array<number>(13).fill(0);
    buckets[2] = 90; // ≤ 60 s
    buckets[5] = 10; // ≤ 600 s
    expect(percentileOf(buckets, 0.5)).toBe(60);
    expect(percentileOf(buckets, 0.95)).toBe(600);
    expect(percentileOf(new Array<number>(13).fill(0), 0.5)).toBeNull();
  });

  it.each([
    [{ from: '2026-12-01', to: '2026-11-30' }, 'to', 'The range ends before it starts.'],
    [{ from: '2025-01-01', to: '2026-12-31' }, 'to', /choose at most 366/],
    [{ from: '2026-02-30', to: '2026-03-01' }, 'from', 'From: Not a calendar date.'],
    [{ from: '1 Dec', to: '2026-12-01' }, 'from', /Use a date like/],
  ])('refuses the range %o', (range, field, message) => {
    let error: unknown;
    try {
      validateRange(range);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ field, message: expect.stringMatching(message) as unknown });
  });

  it('is for auditors and admins only', async () => {
    const get = makeGetDashboard({ aggregates: new InMemoryAggregateStore(), clock });
    await expect(get(caller('someone'), { from: '2026-12-01', to: '2026-12-01' })).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    await expect(
      get(caller('admin', { isAdmin: true }), { from: '2026-12-01', to: '2026-12-01' }),
    ).resolves.toMatchObject({ days: [{ date: '2026-12-01' }] });
  });
});

describe('session reviews in the counters', () => {
  it('counts a flagged summary when it is stored and again when it is reviewed, and a rebuild agrees', async () => {
    const aggregates = new InMemoryAggregateStore();
    const dashboard = makeDashboardRecorder({ aggregates, clock });
    const summaries = new InMemorySessionSummaryStore();
    const request = aRequest({
      id: 'rs1',
      status: 'ended',
      grantedAt: '2026-12-02T08:00:00.000Z',
      endedAt: '2026-12-02T10:00:00.000Z',
    });
    const pending = pendingSummaryOf(request, 'cloudtrail-lake', new Date('2026-12-02T10:00:00Z'))!;
    await summaries.create(pending);
    const activity = summarizeActivity(sessionRows(), DEFAULT_SENSITIVE_ACTIONS);
    const stored = await storeSessionSummary(
      { summaries, dashboard },
      pending,
      { status: 'complete', activity, windowStart: request.grantedAt!, windowEnd: request.endedAt! },
      new Date('2026-12-02T11:30:00Z'),
    );
    expect(stored.flagged).toBe(true);
    expect((await dashboardOf(aggregates)).sessionsToReview).toBe(1);
    await recordSessionReview({ summaries, dashboard }, stored, {
      by: bob,
      at: new Date('2026-12-03T09:00:00Z'),
      comment: 'Expected for the change',
      requestVersion: 3,
    });
    const counted = await dashboardOf(aggregates);
    expect(counted.sessionsToReview).toBe(0);
    expect(counted.days.find((d) => d.date === '2026-12-02')?.sensitiveSessions).toBe(1);

    const rebuilt = new InMemoryAggregateStore();
    await makeRebuildDashboard({
      requests: { listAll: () => Promise.resolve({ items: [] }) },
      sessionReviews: flaggedSessionFacts(summaries),
      aggregates: rebuilt,
      clock,
    })();
    expect({ ...(await dashboardOf(rebuilt)), updatedAt: null }).toEqual({ ...counted, updatedAt: null });
  });
});
