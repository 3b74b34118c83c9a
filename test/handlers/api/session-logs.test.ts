/**
 * Session activity logs end to end through the local composition: GraphQL over the AppSync
 * emulator and the real api handler, the query in the local CloudTrail Lake, the real
 * session-logs handler following it in-process and publishing to `onSessionLogQuery`, and the
 * synthetic activity the local cloud records when a session starts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { makeApplySystemTransition } from '../../../lambdas/core/requests/system-transition';
import { generateSessionActivity, type CloudTrailEvent } from '../../../local/cloudtrail';
import { sessionActivityFor, type StartedSession } from '../../../local/backend/session-logs';
import { RealtimeClient } from '../../local/appsync/harness';
import { PERSONAS, useLocalCloud, type GraphQLResponse, type Persona } from '../../support/local-cloud';
import { expectError, fieldOf, requestIn } from '../fixtures';

const cloud = useLocalCloud({ sessionLogFollow: { firstDelayMs: 20, maxDelayMs: 80 } });

const QUERY_FIELDS = 'requestId status progress error windowStart windowEnd rowCount updatedAt';
const START = `mutation($input: StartSessionLogQueryInput!) { startSessionLogQuery(input: $input) { ${QUERY_FIELDS} } }`;
const STATE = `query($requestId: ID!) { sessionLogQuery(requestId: $requestId) { ${QUERY_FIELDS} } }`;
const LOGS = `query($requestId: ID!, $writeOnly: Boolean, $limit: Int, $nextToken: String) {
  sessionLogs(requestId: $requestId, writeOnly: $writeOnly, limit: $limit, nextToken: $nextToken) {
    items { eventId eventTime eventName eventSource awsRegion sourceIp userAgent readOnly errorCode sensitive }
    nextToken
  }
}`;

interface QueryState {
  requestId: string;
  status: string;
  progress: number | null;
  error: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  rowCount: number | null;
}
interface LogRow {
  eventId: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  readOnly: boolean;
  sensitive: boolean;
}

const HOUR = 3_600_000;
let sessions = 0;

/**
 * A granted request of the requester persona (2 hours, ReadOnlyAccess in Payments Staging),
 * started `hoursAgo` and, unless `inProgress`, ended two hours later. Each one gets its own
 * hours so no two windows overlap. Returns it with the activity the local cloud recorded for it.
 */
async function grantedRequest(options: { inProgress?: boolean } = {}) {
  sessions += 1;
  const hoursAgo = options.inProgress ? 0.5 : 10 + sessions * 4;
  const id = await requestIn(cloud, 'scheduled');
  const system = makeApplySystemTransition(cloud.backend.backend.ports);
  const grantedAt = new Date(Date.now() - hoursAgo * HOUR).toISOString();
  const started = await system(id, 'start', { at: grantedAt });
  if (!options.inProgress) {
    await system(id, 'end', { at: new Date(Date.parse(grantedAt) + 2 * HOUR).toISOString() });
  }
  await cloud.backend.settle();
  const session: StartedSession = {
    id,
    status: 'in progress',
    accountId: started.accountId,
    permissionSetName: started.permissionSetName,
    durationHours: started.durationHours,
    grantedAt,
    requester: { id: started.requester.id },
  };
  const activity = sessionActivityFor(session, PERSONAS.requester)
    .flatMap((a) => generateSessionActivity(a))
    .sort((a, b) => compare(a.eventTime, b.eventTime) || compare(a.eventID, b.eventID));
  return { id, activity };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function start(persona: Persona, requestId: string): Promise<GraphQLResponse> {
  return cloud.call(persona, START, { input: { requestId } });
}

async function stateOf(persona: Persona, requestId: string): Promise<QueryState | null> {
  const response = await cloud.call(persona, STATE, { requestId });
  if (response.errors) throw new Error(JSON.stringify(response.errors));
  return (response.data?.sessionLogQuery ?? null) as QueryState | null;
}

/**
 * Polls `sessionLogQuery` (one provider look per call) until the query has ended, then once
 * more after the follower is done, so a look of its still in flight cannot change the answer.
 */
async function ended(persona: Persona, requestId: string): Promise<QueryState> {
  const poll = async () => {
    let last: QueryState | null = null;
    await expect
      .poll(
        async () => {
          last = await stateOf(persona, requestId);
          return last?.status;
        },
        { timeout: 15_000, interval: 50 },
      )
      .toMatch(/^(FINISHED|FAILED)$/);
    return last as unknown as QueryState;
  };
  await poll();
  await cloud.backend.sessionLogFollower.idle();
  return poll();
}

/** Every row of the finished query, `limit` per page. */
async function allRows(
  persona: Persona,
  requestId: string,
  options: { writeOnly?: boolean; limit?: number } = {},
): Promise<{ rows: LogRow[]; pages: number }> {
  const rows: LogRow[] = [];
  let nextToken: string | null = null;
  let pages = 0;
  do {
    const page: { items: LogRow[]; nextToken: string | null } = fieldOf(
      await cloud.call(persona, LOGS, { requestId, ...options, nextToken }),
      'sessionLogs',
    );
    pages += 1;
    rows.push(...page.items);
    nextToken = page.nextToken;
  } while (nextToken !== null && pages < 100);
  return { rows, pages };
}

const idsOf = (events: readonly CloudTrailEvent[]) => events.map((e) => e.eventID);

afterEach(() => {
  Object.assign(cloud.backend.cloudTrail.knobs, { failNext: 0, runningPolls: 1, queuedPolls: 0 });
});

describe('reading a session’s activity', () => {
  it('a requester queries their ended session and reads every event, page by page, oldest first', async () => {
    const { id, activity } = await grantedRequest();
    expect(activity.length).toBeGreaterThan(20);

    const started = fieldOf<QueryState>(await start('requester', id), 'startSessionLogQuery');
    expect(started).toMatchObject({ requestId: id, status: 'QUEUED' });
    const finished = await ended('requester', id);
    expect(finished).toMatchObject({
      status: 'FINISHED',
      progress: 100,
      rowCount: activity.length,
      error: null,
    });

    const { rows, pages } = await allRows('requester', id, { limit: 7 });
    expect(pages).toBe(Math.ceil(activity.length / 7));
    expect(rows.map((r) => r.eventId)).toEqual(idsOf(activity));
    expect(rows[0]).toMatchObject({
      eventName: activity[0]!.eventName,
      eventSource: activity[0]!.eventSource,
      readOnly: activity[0]!.readOnly,
    });

    // An ended session's result is kept: asking again reuses it, without a new query.
    const queries = cloud.backend.cloudTrail.queryCount();
    const again = fieldOf<QueryState>(await start('requester', id), 'startSessionLogQuery');
    expect(again).toMatchObject({ status: 'FINISHED', rowCount: activity.length });
    expect(cloud.backend.cloudTrail.queryCount()).toBe(queries);
  });

  it('a session in progress shows what happened up to now', async () => {
    const { id, activity } = await grantedRequest({ inProgress: true });
    const started = fieldOf<QueryState>(await start('requester', id), 'startSessionLogQuery');
    const windowEnd = Math.ceil(Date.parse(started.windowEnd!) / 1000) * 1000;
    const expected = activity.filter((e) => Date.parse(e.eventTime) <= windowEnd);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(activity.length);

    expect(await ended('requester', id)).toMatchObject({ status: 'FINISHED', rowCount: expected.length });
    const { rows } = await allRows('requester', id, { limit: 100 });
    expect(rows.map((r) => r.eventId)).toEqual(idsOf(expected));
  });

  it('the request’s approver and an auditor read the same session', async () => {
    const { id, activity } = await grantedRequest();
    fieldOf(await start('approver', id), 'startSessionLogQuery');
    expect(await ended('auditor', id)).toMatchObject({ status: 'FINISHED', rowCount: activity.length });
    for (const persona of ['approver', 'auditor'] as const) {
      const { rows } = await allRows(persona, id, { limit: 100 });
      expect(rows.map((r) => r.eventId)).toEqual(idsOf(activity));
    }
  });

  it('the write-only view hides reads and flags the sensitive actions the settings name', async () => {
    const { id, activity } = await grantedRequest();
    const saved = await saveSensitiveActions(['iam.amazonaws.com:*', 'Terminate*']);
    try {
      fieldOf(await start('requester', id), 'startSessionLogQuery');
      await ended('requester', id);

      const writes = activity.filter((e) => !e.readOnly);
      expect(writes.length).toBeGreaterThan(0);
      const { rows } = await allRows('requester', id, { writeOnly: true, limit: 5 });
      expect(rows.map((r) => r.eventId)).toEqual(idsOf(writes));
      expect(rows.every((r) => r.readOnly === false)).toBe(true);
      const flagged = (r: { eventSource: string; eventName: string }) =>
        r.eventSource === 'iam.amazonaws.com' || r.eventName.startsWith('Terminate');
      for (const row of rows) expect(row.sensitive, `${row.eventSource}:${row.eventName}`).toBe(flagged(row));

      const everything = await allRows('requester', id, { limit: 100 });
      expect(everything.rows).toHaveLength(activity.length);
      expect(everything.rows.filter((r) => r.readOnly).length).toBe(activity.length - writes.length);
      for (const row of everything.rows) expect(row.sensitive).toBe(flagged(row));
    } finally {
      await saveSensitiveActions(saved);
    }
  });
});

describe('progress', () => {
  it('a subscriber of onSessionLogQuery sees the query run and finish', async () => {
    const { id, activity } = await grantedRequest();
    cloud.backend.cloudTrail.knobs.runningPolls = 2;
    const token = await cloud.token('requester');
    const host = new URL(cloud.backend.urls.graphql).host;
    const client = await RealtimeClient.open(cloud.backend.urls.realtime, { Authorization: token, host });
    try {
      expect((await client.init()).type).toBe('connection_ack');
      const ack = await client.start(
        'logs',
        `subscription($requestId: ID!) { onSessionLogQuery(requestId: $requestId) { ${QUERY_FIELDS} } }`,
        { requestId: id },
        { Authorization: token, host },
      );
      expect(ack.type).toBe('start_ack');

      fieldOf(await start('requester', id), 'startSessionLogQuery');
      const seen: QueryState[] = [];
      while (seen.at(-1)?.status !== 'FINISHED' && seen.at(-1)?.status !== 'FAILED') {
        const message = await client.next((m) => m.id === 'logs' && m.type === 'data');
        const payload = message.payload as { data: { onSessionLogQuery: QueryState } };
        seen.push(payload.data.onSessionLogQuery);
      }
      expect(seen.map((s) => s.status)).toEqual(['RUNNING', 'FINISHED']);
      expect(seen.every((s) => s.requestId === id)).toBe(true);
      expect(seen.at(-1)).toMatchObject({ progress: 100, rowCount: activity.length, error: null });
      expect(await stateOf('requester', id)).toMatchObject({ status: 'FINISHED', rowCount: activity.length });
    } finally {
      client.close();
    }
  });

  it('a query the provider fails ends FAILED with its reason, and can be run again', async () => {
    const { id, activity } = await grantedRequest();
    cloud.backend.cloudTrail.knobs.failNext = 1;
    fieldOf(await start('requester', id), 'startSessionLogQuery');
    const failed = await ended('requester', id);
    expect(failed).toMatchObject({ status: 'FAILED', error: cloud.backend.cloudTrail.knobs.failMessage });

    const logs = await cloud.call('requester', LOGS, { requestId: id });
    expectError(logs, 'ValidationError', /The session-log query failed: .*told to fail it.*Start it again\./);

    const retried = fieldOf<QueryState>(await start('requester', id), 'startSessionLogQuery');
    expect(retried.status).toBe('QUEUED');
    expect(await ended('requester', id)).toMatchObject({ status: 'FINISHED', rowCount: activity.length });
  });
});

describe('refusals', () => {
  it('another requester and an approver of another account get nothing, and no query runs', async () => {
    const { id } = await grantedRequest();
    const before = cloud.backend.cloudTrail.queryCount();
    for (const persona of ['otherRequester', 'otherApprover'] as const) {
      expectError(await start(persona, id), 'Unauthorized', /may not view the session activity/);
      expectError(await cloud.call(persona, STATE, { requestId: id }), 'Unauthorized');
      expectError(await cloud.call(persona, LOGS, { requestId: id }), 'Unauthorized');
    }
    expect(cloud.backend.cloudTrail.queryCount()).toBe(before);
    expect(await stateOf('requester', id)).toBeNull();
  });

  it.each([
    "x' OR '1'='1",
    '1; DROP TABLE Requests',
    "' UNION SELECT eventID FROM a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f607 --",
    '../../etc/passwd',
  ])('a crafted request id (%s) is refused like a request the caller may not see', async (requestId) => {
    const before = cloud.backend.cloudTrail.queryCount();
    for (const persona of ['requester', 'auditor'] as const) {
      expectError(await start(persona, requestId), 'Unauthorized', /may not view the session activity/);
      expectError(await cloud.call(persona, STATE, { requestId }), 'Unauthorized');
      expectError(await cloud.call(persona, LOGS, { requestId }), 'Unauthorized');
    }
    expect(cloud.backend.cloudTrail.queryCount()).toBe(before);
  });

  it('a request whose access was never granted has no session to query', async () => {
    const id = await requestIn(cloud, 'pending');
    const before = cloud.backend.cloudTrail.queryCount();
    expectError(await start('requester', id), 'ValidationError', /never granted/);
    expect(cloud.backend.cloudTrail.queryCount()).toBe(before);
  });
});

/** Saves the settings' sensitive actions as the admin; returns the ones there were. */
async function saveSensitiveActions(actions: string[]): Promise<string[]> {
  const s = await cloud.backend.backend.usecases.getSettings({
    userId: 'test',
    userName: 'test',
    email: '',
    groupIds: [],
    isAdmin: true,
    isAuditor: false,
  });
  const input = {
    maxDurationHours: s.maxDurationHours,
    expiryHours: s.expiryHours,
    commentsRequired: s.commentsRequired,
    ticketRequired: s.ticketRequired,
    approvalWorkflow: s.approvalWorkflow,
    sesEnabled: s.sesEnabled,
    snsEnabled: s.snsEnabled,
    slackEnabled: s.slackEnabled,
    ouCacheEnabled: s.ouCacheEnabled,
    sensitiveActions: actions,
    expectedVersion: s.version,
  };
  const saved = await cloud.call(
    'admin',
    'mutation($input: UpdateSettingsInput!) { updateSettings(input: $input) { version sensitiveActions } }',
    { input },
  );
  expect(fieldOf(saved, 'updateSettings')).toMatchObject({ sensitiveActions: actions });
  return s.sensitiveActions;
}
