/**
 * The synthetic session activity of the local cloud: what a session's calls look like, when they
 * reach the event data store (never before their time, a burst at once, the rest as the clock
 * gets there, none after the session ends), and that TEAM's real CloudTrail Lake query finds
 * exactly them.
 */
import { marshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CloudTrailLakeSessionLogProvider,
  createCloudTrailClient,
} from '../../../lambdas/adapters/session-logs/cloudtrail-lake';
import { sessionLogQuerySpec } from '../../../lambdas/core/session-logs/window';
import { DEFAULT_SENSITIVE_ACTIONS } from '../../../lambdas/core/settings';
import type { AccessRequest } from '../../../lambdas/core/types';
import {
  plannedSessionEvents,
  sessionActivityFor,
  sessionActivityRecorder,
  sessionEndsIn,
  sessionsStartedIn,
  type SessionActivityRecorder,
  type StartedSession,
} from '../../../local/backend/session-logs';
import {
  startCloudTrailLake,
  type CloudTrailEvent,
  type RunningCloudTrailLake,
} from '../../../local/cloudtrail';
import { ManualClock } from '../../../local/sfn';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const T0 = Date.parse('2026-03-02T09:00:00.250Z');
const USER = { id: 'user-alice', userName: 'alice.nguyen@example.com' };
const ACCOUNT = '118573649280';
const PERMISSION_SET = 'PowerUserAccess';
const SSO_ROLE = /^AWSReservedSSO_PowerUserAccess_[0-9a-f]{16}$/;
const SENSITIVE = new Set(DEFAULT_SENSITIVE_ACTIONS);

const iso = (ms: number) => new Date(ms).toISOString();
const timeOf = (event: CloudTrailEvent) => Date.parse(event.eventTime);
const isSensitive = (event: CloudTrailEvent) => SENSITIVE.has(`${event.eventSource}:${event.eventName}`);

/** A request's Requests item as the adapter stores it (the fields the recorder reads, and more). */
function requestItem(overrides: Partial<AccessRequest> & { id: string }): Record<string, unknown> {
  return {
    requester: { id: USER.id, name: 'Alice Nguyen', email: USER.userName },
    requesterId: USER.id,
    accountId: ACCOUNT,
    accountName: 'Sandbox Team A',
    permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-2',
    permissionSetName: PERMISSION_SET,
    startTime: iso(T0 - 2 * SECOND),
    durationHours: 2,
    justification: 'incident',
    approvalRequired: true,
    approvers: [],
    createdAt: iso(T0 - 10 * MINUTE),
    updatedAt: iso(T0),
    version: 3,
    status: 'scheduled',
    ...overrides,
  };
}

let sequence = 0;
/** One MODIFY stream record from `old` to `next` (NEW_AND_OLD_IMAGES). */
function modify(old: Record<string, unknown>, next: Record<string, unknown>): DynamoDBRecord {
  sequence += 1;
  return {
    eventID: `record-${sequence}`,
    eventName: 'MODIFY',
    dynamodb: {
      OldImage: marshall(old, { removeUndefinedValues: true }) as Record<string, AttributeValue>,
      NewImage: marshall(next, { removeUndefinedValues: true }) as Record<string, AttributeValue>,
      SequenceNumber: String(sequence),
    },
  };
}

const batch = (...records: DynamoDBRecord[]): DynamoDBStreamEvent => ({ Records: records });

/** A request moving scheduled → in progress (granted at `grantedAt`), and its images. */
function grant(id: string, grantedAt: number, durationHours = 2) {
  const scheduled = requestItem({ id, durationHours, status: 'scheduled' });
  const inProgress = {
    ...scheduled,
    status: 'in progress',
    grantedAt: iso(grantedAt),
    updatedAt: iso(grantedAt),
  };
  return { scheduled, inProgress, record: modify(scheduled, inProgress) };
}

const sessionOf = (id: string, grantedAt: number, durationHours = 2): StartedSession => ({
  id,
  status: 'in progress',
  accountId: ACCOUNT,
  permissionSetName: PERMISSION_SET,
  durationHours,
  grantedAt: iso(grantedAt),
  requester: { id: USER.id },
});

/** A recorder on a ManualClock whose store is an array. */
function harness(start = T0) {
  const clock = new ManualClock(start);
  const stored: CloudTrailEvent[] = [];
  const errors: unknown[] = [];
  const recorder = sessionActivityRecorder({
    directory: {
      getUser: async (id) =>
        id === USER.id
          ? { id, userName: USER.userName, displayName: 'Alice Nguyen', email: USER.userName }
          : undefined,
    },
    record: (events) => stored.push(...events),
    clock,
    onError: (error) => errors.push(error),
  });
  return { clock, stored, errors, recorder };
}

describe('the planned activity of a session', () => {
  const session = sessionOf('req-plan', T0);
  const noticed = new Date(T0 + 300);
  const events = plannedSessionEvents(session, USER.userName, noticed);

  it('is an IdC permission-set session of the user: AWSReservedSSO role, session name = user name', () => {
    expect(events.length).toBeGreaterThan(8);
    for (const event of events) {
      const identity = event.userIdentity;
      const issuer = identity.sessionContext?.sessionIssuer;
      expect(event.recipientAccountId).toBe(ACCOUNT);
      expect(identity.type).toBe('AssumedRole');
      expect(issuer?.type).toBe('Role');
      expect(issuer?.userName).toMatch(SSO_ROLE);
      expect(issuer?.arn).toBe(
        `arn:aws:iam::${ACCOUNT}:role/aws-reserved/sso.amazonaws.com/us-east-1/${issuer?.userName ?? ''}`,
      );
      expect(identity.arn).toBe(
        `arn:aws:sts::${ACCOUNT}:assumed-role/${issuer?.userName ?? ''}/${USER.userName}`,
      );
      expect(identity.principalId).toBe(`${issuer?.principalId ?? ''}:${USER.userName}`);
      expect(identity.sessionContext?.attributes.creationDate).toBe('2026-03-02T09:00:00Z');
    }
  });

  it('opens with a burst of reads and writes, a sensitive one among them, between the grant and noticing it', () => {
    const burst = events.filter((e) => timeOf(e) <= noticed.getTime());
    expect(burst.length).toBeGreaterThanOrEqual(8);
    // CloudTrail keeps whole seconds: the grant's second is where the window starts.
    for (const event of burst) expect(timeOf(event)).toBeGreaterThanOrEqual(Math.floor(T0 / SECOND) * SECOND);
    expect(burst.filter((e) => e.readOnly).length).toBeGreaterThanOrEqual(5);
    expect(burst.filter((e) => !e.readOnly).length).toBeGreaterThanOrEqual(3);
    expect(burst.some((e) => !e.readOnly && isSensitive(e))).toBe(true);
  });

  it('spreads the rest over the planned duration, oldest first, and is the same every time', () => {
    const end = T0 + 2 * HOUR;
    expect(events.every((e) => timeOf(e) < end)).toBe(true);
    expect(events.filter((e) => timeOf(e) > T0 + HOUR).length).toBeGreaterThan(0);
    expect(events.map(timeOf)).toEqual([...events.map(timeOf)].sort((a, b) => a - b));
    expect(new Set(events.map((e) => e.eventID)).size).toBe(events.length);
    expect(plannedSessionEvents(session, USER.userName, noticed)).toEqual(events);
  });

  it('noticed late (or never said), the burst takes its first two minutes', () => {
    const late = sessionActivityFor(session, USER.userName, new Date(T0 + 10 * HOUR));
    expect(late).toEqual(sessionActivityFor(session, USER.userName));
    const bursts = late.filter((a) => a.to.getTime() - a.from.getTime() === 2 * MINUTE);
    expect(bursts.map((a) => a.count)).toEqual([5, 3]);
  });
});

describe('reading the Requests stream', () => {
  it('finds sessions that start (once) and the moment sessions end', () => {
    const { inProgress, record } = grant('req-a', T0);
    expect(sessionsStartedIn(batch(record)).map((s) => s.id)).toEqual(['req-a']);
    // A change of an in-progress request that keeps it in progress starts nothing.
    expect(sessionsStartedIn(batch(modify(inProgress, { ...inProgress, version: 4 })))).toEqual([]);

    const revoked = {
      ...inProgress,
      status: 'revoked',
      revokedAt: iso(T0 + 5 * SECOND),
      updatedAt: iso(T0 + 6 * SECOND),
    };
    const ended = {
      ...inProgress,
      status: 'ended',
      endedAt: iso(T0 + 2 * HOUR),
      updatedAt: iso(T0 + 3 * HOUR),
    };
    const failed = { ...inProgress, status: 'error', updatedAt: iso(T0 + 9 * SECOND) };
    const ends = sessionEndsIn(
      batch(
        modify(inProgress, revoked),
        modify(inProgress, { ...ended, id: 'req-b' }),
        modify(inProgress, { ...failed, id: 'req-c' }),
        record,
      ),
    );
    expect([...ends]).toEqual([
      ['req-a', T0 + 5 * SECOND],
      ['req-b', T0 + 2 * HOUR],
      ['req-c', T0 + 9 * SECOND],
    ]);
  });
});

describe('the recorder', () => {
  let recorders: SessionActivityRecorder[] = [];
  const started = (start?: number) => {
    const h = harness(start);
    recorders.push(h.recorder);
    return h;
  };
  afterAll(() => {
    for (const recorder of recorders) recorder.stop();
    recorders = [];
  });

  it('records the burst as soon as the session starts, and nothing from the future', async () => {
    const { clock, stored, recorder } = started(T0 + 400);
    await recorder.observe(batch(grant('req-now', T0).record));
    const planned = plannedSessionEvents(sessionOf('req-now', T0), USER.userName, new Date(T0 + 400));
    expect(stored.length).toBeGreaterThanOrEqual(8);
    expect(stored).toEqual(planned.slice(0, stored.length));
    expect(stored.every((e) => timeOf(e) <= Math.ceil(clock.now() / SECOND) * SECOND)).toBe(true);
    expect(stored.some((e) => !e.readOnly && isSensitive(e))).toBe(true);
    expect(recorder.active()).toEqual(['req-now']);
  });

  it('keeps recording while the session lasts, each call once its time has come', async () => {
    const { clock, stored, recorder } = started(T0 + 400);
    await recorder.observe(batch(grant('req-live', T0).record));
    const planned = plannedSessionEvents(sessionOf('req-live', T0), USER.userName, new Date(T0 + 400));
    const due = () => planned.filter((e) => timeOf(e) <= Math.ceil(clock.now() / SECOND) * SECOND);

    const counts: number[] = [stored.length];
    for (const minutes of [10, 30, 45]) {
      await clock.advance(minutes * MINUTE);
      expect(stored).toEqual(due());
      counts.push(stored.length);
    }
    expect(counts.at(-1)).toBeGreaterThan(counts[0] ?? 0);
    expect(stored.length).toBeLessThan(planned.length);

    // At the planned end every call has been made and nothing is left to wait for.
    await clock.advance(2 * HOUR);
    expect(stored).toEqual(planned);
    expect(recorder.active()).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('stops at an early revoke: no call after it, then or later', async () => {
    const { clock, stored, recorder } = started(T0 + 400);
    const { inProgress, record } = grant('req-revoked', T0);
    await recorder.observe(batch(record));
    await clock.advance(20 * MINUTE);
    const revokedAt = clock.now();
    await recorder.observe(
      batch(
        modify(inProgress, {
          ...inProgress,
          status: 'revoked',
          revokedAt: iso(revokedAt),
          updatedAt: iso(revokedAt),
        }),
      ),
    );
    const atRevoke = stored.length;
    expect(atRevoke).toBeGreaterThan(8);
    // Whole seconds: a call in the revoke's own second may be there, none after it.
    expect(stored.every((e) => timeOf(e) <= Math.ceil(revokedAt / SECOND) * SECOND)).toBe(true);
    expect(recorder.active()).toEqual([]);

    await clock.advance(3 * HOUR);
    expect(stored).toHaveLength(atRevoke);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('a batch delivered again records nothing twice', async () => {
    const { stored, recorder } = started(T0 + 400);
    const { record } = grant('req-again', T0);
    await recorder.observe(batch(record));
    const once = stored.length;
    await recorder.observe(batch(record));
    expect(stored).toHaveLength(once);
  });

  it('a session read late together with its end gets exactly its calls up to the end', async () => {
    const { stored, recorder, clock } = started(T0 + 12 * HOUR);
    const { inProgress, record } = grant('req-late', T0, 4);
    const revokedAt = T0 + 90 * MINUTE;
    await recorder.observe(
      batch(
        record,
        modify(inProgress, {
          ...inProgress,
          status: 'revoked',
          revokedAt: iso(revokedAt),
          updatedAt: iso(revokedAt),
        }),
      ),
    );
    const planned = plannedSessionEvents(sessionOf('req-late', T0, 4), USER.userName);
    expect(stored).toEqual(planned.filter((e) => timeOf(e) <= revokedAt));
    expect(stored.length).toBeLessThan(planned.length);
    expect(recorder.active()).toEqual([]);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('stop() cancels every call still to come', async () => {
    const { clock, stored, recorder } = started(T0 + 400);
    await recorder.observe(batch(grant('req-stop', T0).record));
    const before = stored.length;
    recorder.stop();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(3 * HOUR);
    expect(stored).toHaveLength(before);
    await recorder.observe(batch(grant('req-after-stop', T0 + 3 * HOUR).record));
    expect(stored).toHaveLength(before);
  });

  it('a user the directory does not know gets no activity, and nothing fails', async () => {
    const { stored, recorder, errors } = started(T0 + 400);
    const scheduled = {
      ...requestItem({ id: 'req-ghost' }),
      requester: { id: 'nobody', name: 'x', email: 'x@example.com' },
    };
    await recorder.observe(
      batch(modify(scheduled, { ...scheduled, status: 'in progress', grantedAt: iso(T0) })),
    );
    expect(stored).toEqual([]);
    expect(errors).toEqual([]);
  });
});

describe("TEAM's CloudTrail Lake query finds the recorded calls", () => {
  let lake: RunningCloudTrailLake;
  let provider: CloudTrailLakeSessionLogProvider;

  beforeAll(async () => {
    lake = await startCloudTrailLake({ knobs: { runningPolls: 0 } });
    provider = new CloudTrailLakeSessionLogProvider({
      client: createCloudTrailClient({
        region: 'us-east-1',
        endpoint: lake.url,
        credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
        maxAttempts: 1,
      }),
      eventDataStore: lake.eventDataStoreArn,
    });
  });
  afterAll(async () => {
    await lake?.stop();
  });

  /** Runs the session-log query of `request` as TEAM does at `now`; returns the event ids found. */
  async function query(request: AccessRequest, now: number, userName = USER.userName): Promise<string[]> {
    const { queryId } = await provider.start(sessionLogQuerySpec(request, new Date(now), { userName }));
    expect((await provider.status(queryId)).state).toBe('FINISHED');
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await provider.results(queryId, cursor, 1000);
      ids.push(...page.rows.map((r) => r.eventId));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    return ids;
  }

  it('a session revoked seconds after the grant shows its burst, reads and writes', async () => {
    const h = harness(T0 + 350);
    try {
      const { inProgress, record } = grant('req-journey', T0);
      await h.recorder.observe(batch(record));
      await h.clock.advance(4 * SECOND);
      const revokedAt = h.clock.now();
      const revoked = {
        ...inProgress,
        status: 'revoked',
        revokedAt: iso(revokedAt),
        updatedAt: iso(revokedAt),
      };
      await h.recorder.observe(batch(modify(inProgress, revoked)));
      // Other sessions that must not match: another permission set, another user, another account.
      const other = (overrides: Partial<StartedSession>, userName = USER.userName) =>
        plannedSessionEvents({ ...sessionOf('req-other', T0), ...overrides }, userName, new Date(T0 + 350));
      lake.addEvents([
        ...h.stored,
        ...other({ permissionSetName: 'ReadOnlyAccess' }),
        ...other({}, 'bob.martin@example.com'),
        ...other({ accountId: '229684750391' }),
      ]);

      await h.clock.advance(30 * SECOND);
      const request = {
        ...(inProgress as unknown as AccessRequest),
        status: 'revoked',
        revokedAt: iso(revokedAt),
        endedAt: iso(revokedAt + 2 * SECOND),
      } satisfies AccessRequest;
      const found = await query(request, h.clock.now());
      expect(found.length).toBeGreaterThanOrEqual(8);
      expect(new Set(found)).toEqual(new Set(h.stored.map((e) => e.eventID)));
      const rows = h.stored;
      expect(rows.some((e) => e.readOnly)).toBe(true);
      expect(rows.some((e) => !e.readOnly && isSensitive(e))).toBe(true);
    } finally {
      h.recorder.stop();
    }
  });
});
