/**
 * Session review end to end through the local composition: sessions that ended with activity in
 * the local CloudTrail Lake are made due (as the workflow's end step does), summarized by the
 * real session-logs handler's scheduled run, then listed, read and marked reviewed over GraphQL
 * through the AppSync emulator and the real api handler.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { makeApplySystemTransition } from '../../../lambdas/core/requests/system-transition';
import { makeSessionEndedSink } from '../../../lambdas/core/session-review';
import { useLocalCloud } from '../../support/local-cloud';
import {
  CREATE_REQUEST,
  POWER_USER,
  expectError,
  fieldOf,
  requestIn,
  stagingRequestInput,
} from '../fixtures';

// The summaries look at once and never wait for late deliveries: the activity is all there.
const cloud = useLocalCloud({
  sessionSummaryTiming: { firstLookAfterMs: 1, lateDeliveryWindowMs: 1 },
});

const HOUR = 3_600_000;
const LIST_FIELDS = `requestId accountId accountName permissionSetName requester { id name } endedAt revoked
  status totalCalls writeCalls accessDeniedCalls sensitiveCalls sensitiveDeniedCalls
  sensitiveActions { eventSource eventName calls succeeded denied } flagged reviewState
  reviewedBy { id } reviewedAt reviewComment`;
const SUMMARY_FIELDS = `${LIST_FIELDS} windowStart windowEnd readCalls failedCalls firstCallAt lastCallAt
  services { eventSource calls writes } writeActions { eventName calls succeeded denied }
  accessDenied { eventName errorCode calls } sourceIps { sourceIp calls } computedAt error attempts nextLookAt`;
const LIST = `query($state: SessionReviewList, $limit: Int, $nextToken: String) {
  sessionsToReview(state: $state, limit: $limit, nextToken: $nextToken) { items { ${LIST_FIELDS} } nextToken }
}`;
const SUMMARY = `query($requestId: ID!) { sessionSummary(requestId: $requestId) { ${SUMMARY_FIELDS} } }`;
const MARK = `mutation($input: MarkSessionReviewedInput!) { markSessionReviewed(input: $input) { ${LIST_FIELDS} } }`;
const EVENTS =
  'query($requestId: ID!) { requestEvents(requestId: $requestId) { items { action actor { id } comment detail } } }';

interface Summary {
  requestId: string;
  accountName: string;
  permissionSetName: string;
  requester: { id: string; name: string | null };
  status: string;
  totalCalls: number;
  sensitiveCalls: number;
  sensitiveDeniedCalls: number;
  sensitiveActions: { eventSource: string; eventName: string; succeeded: number; denied: number }[];
  flagged: boolean;
  reviewState: string;
  reviewedBy: { id: string } | null;
  reviewComment: string | null;
}

let sessions = 0;

/** Sandbox Team A: the other requester may take PowerUserAccess there without approval. */
const SANDBOX_A = '118573649280';

/**
 * A session granted hours ago (its activity recorded in the local CloudTrail Lake as the session
 * started) and ended two hours later, made due as the workflow's end step does: PowerUserAccess
 * in Sandbox Team A for the other requester, or ReadOnlyAccess in Payments Staging for the
 * requester.
 */
async function endedSession(kind: 'power-user' | 'read-only'): Promise<string> {
  sessions += 1;
  const ports = cloud.backend.backend.ports;
  const system = makeApplySystemTransition(ports);
  let id: string;
  if (kind === 'power-user') {
    const created = await cloud.call('otherRequester', CREATE_REQUEST, {
      input: stagingRequestInput({ accountId: SANDBOX_A, permissionSetArn: POWER_USER, durationHours: 2 }),
    });
    id = fieldOf<{ id: string; status: string }>(created, 'createRequest').id;
  } else {
    id = await requestIn(cloud, 'approved');
  }
  if ((await ports.requests.get(id))?.status !== 'scheduled') await system(id, 'schedule');
  const grantedAt = new Date(Date.now() - (10 + sessions * 4) * HOUR).toISOString();
  await system(id, 'start', { at: grantedAt });
  await cloud.backend.settle();
  const ended = await system(id, 'end', { at: new Date(Date.parse(grantedAt) + 2 * HOUR).toISOString() });
  await makeSessionEndedSink({
    summaries: ports.sessionSummaries,
    clock: ports.clock,
    provider: 'cloudtrail-lake',
    directory: ports.directory,
  }).sessionEnded(ended);
  return id;
}

describe('session review over the API', () => {
  let powerUser = '';
  let readOnly = '';

  beforeAll(async () => {
    powerUser = await endedSession('power-user');
    readOnly = await endedSession('read-only');
    const result = await cloud.backend.summarizeSessions();
    expect(result).toMatchObject({ outcome: 'SUMMARIES', report: { taken: 2 } });
  }, 60_000);

  it('flags the session that used sensitive actions, and lists it for auditors and admins', async () => {
    const summary = fieldOf<Summary>(
      await cloud.call('auditor', SUMMARY, { requestId: powerUser }),
      'sessionSummary',
    );
    expect(summary).toMatchObject({
      requestId: powerUser,
      accountName: 'Sandbox Team A',
      permissionSetName: 'PowerUserAccess',
      requester: { id: cloud.userId('otherRequester') },
      status: 'COMPLETE',
      flagged: true,
      reviewState: 'TO_REVIEW',
    });
    expect(summary.totalCalls).toBeGreaterThan(10);
    expect(summary.sensitiveCalls).toBeGreaterThan(0);
    expect(summary.sensitiveActions.some((a) => a.succeeded > 0)).toBe(true);

    for (const persona of ['auditor', 'admin'] as const) {
      const page = fieldOf<{ items: Summary[] }>(await cloud.call(persona, LIST), 'sessionsToReview');
      expect(page.items.map((s) => s.requestId)).toContain(powerUser);
      expect(page.items.map((s) => s.requestId)).not.toContain(readOnly);
    }
  });

  it('does not flag a read-only session whose sensitive attempts were refused', async () => {
    const summary = fieldOf<Summary>(
      await cloud.call('auditor', SUMMARY, { requestId: readOnly }),
      'sessionSummary',
    );
    expect(summary).toMatchObject({
      status: 'COMPLETE',
      flagged: false,
      reviewState: 'NOT_NEEDED',
      sensitiveCalls: 0,
    });
    expect(summary.sensitiveDeniedCalls).toBeGreaterThan(0);
    expectError(
      await cloud.call('auditor', MARK, { input: { requestId: readOnly, comment: 'Nothing to see' } }),
      'ValidationError',
    );
  });

  it('is refused to requesters and approvers, and answers null for a request without a summary', async () => {
    for (const persona of ['otherRequester', 'approver'] as const) {
      expectError(await cloud.call(persona, LIST), 'Unauthorized');
      expectError(await cloud.call(persona, SUMMARY, { requestId: powerUser }), 'Unauthorized');
      expectError(
        await cloud.call(persona, MARK, { input: { requestId: powerUser, comment: 'x' } }),
        'Unauthorized',
      );
    }
    const none = await cloud.call('auditor', SUMMARY, { requestId: 'no-such-request' });
    expect(none.errors).toBeUndefined();
    expect(none.data?.sessionSummary).toBeNull();
  });

  it('marks the session reviewed with a required comment, on its audit trail, once', async () => {
    expectError(
      await cloud.call('auditor', MARK, { input: { requestId: powerUser, comment: '  ' } }),
      'ValidationError',
    );
    const reviewed = fieldOf<Summary>(
      await cloud.call('auditor', MARK, {
        input: { requestId: powerUser, comment: 'Planned change CHG-42' },
      }),
      'markSessionReviewed',
    );
    expect(reviewed).toMatchObject({
      reviewState: 'REVIEWED',
      reviewedBy: { id: cloud.userId('auditor') },
      reviewComment: 'Planned change CHG-42',
    });
    expectError(
      await cloud.call('admin', MARK, { input: { requestId: powerUser, comment: 'Again' } }),
      'Conflict',
    );

    const toReview = fieldOf<{ items: Summary[] }>(await cloud.call('auditor', LIST), 'sessionsToReview');
    expect(toReview.items.map((s) => s.requestId)).not.toContain(powerUser);
    const done = fieldOf<{ items: Summary[] }>(
      await cloud.call('auditor', LIST, { state: 'REVIEWED' }),
      'sessionsToReview',
    );
    expect(done.items.map((s) => s.requestId)).toContain(powerUser);

    const trail = fieldOf<{ items: { action: string; actor: { id: string }; comment: string | null }[] }>(
      await cloud.call('auditor', EVENTS, { requestId: powerUser }),
      'requestEvents',
    );
    expect(trail.items.at(-1)).toMatchObject({
      action: 'SESSION_REVIEWED',
      actor: { id: cloud.userId('auditor') },
      comment: 'Planned change CHG-42',
    });
    // The requester reads the trail of their own request too.
    const own = fieldOf<{ items: { action: string }[] }>(
      await cloud.call('otherRequester', EVENTS, { requestId: powerUser }),
      'requestEvents',
    );
    expect(own.items.map((e) => e.action)).toContain('SESSION_REVIEWED');
  });

  it('a second run finds nothing due', async () => {
    expect(await cloud.backend.summarizeSessions()).toMatchObject({
      outcome: 'SUMMARIES',
      report: { taken: 0 },
    });
  });
});
