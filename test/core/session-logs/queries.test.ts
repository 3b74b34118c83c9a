import { describe, expect, it } from 'vitest';
import { ForbiddenError, NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import {
  changesFor,
  FINAL_RESULTS_TTL_SECONDS,
  LIVE_RESULTS_TTL_SECONDS,
  makeGetSessionLogQuery,
  makeGetSessionLogs,
  makeStartSessionLogQuery,
  type SessionLogQueryRecord,
  type SessionLogsDeps,
} from '../../../lambdas/core/session-logs';
import type { AccessRequest } from '../../../lambdas/core/types';
import { aRequest, someSettings } from '../../builders';
import { DEMO, makeTestWorld } from '../../fakes';
import { failure } from '../support';
import { aRow, FakeSessionLogProvider, InMemorySessionLogQueryStore } from './fakes';

const NOW = '2026-03-02T09:00:00.000Z';

function setup(options: { provider?: boolean; directory?: boolean } = {}) {
  const world = makeTestWorld({ start: NOW });
  const queries = new InMemorySessionLogQueryStore(world.clock);
  const provider = new FakeSessionLogProvider();
  const deps: SessionLogsDeps = {
    requests: world.requests,
    queries,
    provider: options.provider === false ? undefined : provider,
    clock: world.clock,
    settings: world.settings,
    fallback: world.fallback,
    directory: options.directory === false ? undefined : world.directory,
  };
  return {
    world,
    queries,
    provider,
    ...world.callers,
    start: makeStartSessionLogQuery(deps),
    look: makeGetSessionLogQuery(deps),
    logs: makeGetSessionLogs(deps),
    /** Stores a request (Alice's, approvers Bob and Frank unless overridden). */
    seed(overrides: Partial<AccessRequest> = {}): AccessRequest {
      const request = aRequest(overrides);
      world.requests.seed(request);
      return request;
    },
  };
}

/** Alice's session: granted at 09:00, in progress. */
const inProgress: Partial<AccessRequest> = {
  status: 'in progress',
  grantedAt: '2026-03-02T09:00:00.000Z',
};
/** Alice's session: granted at 09:00, ended at 11:00. */
const ended: Partial<AccessRequest> = {
  status: 'ended',
  grantedAt: '2026-03-02T09:00:00.000Z',
  endedAt: '2026-03-02T11:00:00.000Z',
};

describe('who may see session activity', () => {
  it('lets the requester, the request’s approvers and auditors start and read the query', async () => {
    const t = setup();
    const request = t.seed(ended);
    t.world.clock.set('2026-03-03T00:00:00Z');
    for (const caller of [t.alice, t.bob, t.frank, t.erin]) {
      await expect(t.start(caller, request.id)).resolves.toMatchObject({ requestId: request.id });
      await expect(t.look(caller, request.id)).resolves.toMatchObject({ requestId: request.id });
    }
    // One query answered all of them: an ended session's result is reused.
    expect(t.provider.calls.count('start')).toBe(1);
  });

  it('refuses an approver of a different request, admins and outsiders, before querying', async () => {
    const t = setup();
    const request = t.seed(inProgress);
    t.seed({
      ...inProgress,
      accountId: DEMO.accounts.devWorkloads.id,
      approvers: [{ id: DEMO.users.carol.id, email: DEMO.users.carol.email }],
    });
    for (const caller of [t.carol, t.dave, t.oscar]) {
      const error = await failure(t.start(caller, request.id));
      expect(error).toBeInstanceOf(ForbiddenError);
      expect(error.message).toBe('You may not view the session activity of this request.');
      await expect(t.look(caller, request.id)).rejects.toBeInstanceOf(ForbiddenError);
      await expect(t.logs(caller, request.id)).rejects.toBeInstanceOf(ForbiddenError);
    }
    expect(t.provider.calls.total()).toBe(0);
    expect(t.queries.calls.total()).toBe(0);
  });

  it('lets the requester in even when a stale approver list names them', async () => {
    const t = setup();
    const request = t.seed({
      ...inProgress,
      approvers: [{ id: DEMO.users.alice.id, email: DEMO.users.alice.email }],
    });
    await expect(t.start(t.alice, request.id)).resolves.toMatchObject({ status: 'QUEUED' });
  });

  it.each(["x' OR '1'='1", 'b0b0b0b0-0000-4000-8000-ffffffffffff', '', '../../etc', 'a'.repeat(65)])(
    'answers the unknown or crafted request id %j like a request the caller may not see, and starts nothing',
    async (requestId) => {
      const t = setup();
      const request = t.seed(inProgress);
      for (const run of [t.start, t.look, t.logs]) {
        const hidden = await failure(run(t.oscar, request.id));
        expect(hidden).toBeInstanceOf(ForbiddenError);
        const error = await failure(run(t.erin, requestId));
        expect(error).toBeInstanceOf(ForbiddenError);
        expect(error.message).toBe(hidden.message);
      }
      expect(t.provider.calls.total()).toBe(0);
      expect(t.queries.calls.total()).toBe(0);
    },
  );

  it('refuses requests whose access was never granted, without querying', async () => {
    const t = setup();
    for (const status of ['pending', 'approved', 'rejected', 'cancelled', 'expired', 'scheduled'] as const) {
      const request = t.seed({ status });
      await expect(t.start(t.alice, request.id)).rejects.toBeInstanceOf(ValidationError);
    }
    expect(t.provider.calls.total()).toBe(0);
  });

  it('refuses a stored request with a crafted user name, without querying', async () => {
    const t = setup({ directory: false });
    const request = t.seed({
      ...inProgress,
      requester: { id: DEMO.users.alice.id, email: "alice@example.com' OR '1'='1" },
    });
    await expect(t.start(t.alice, request.id)).rejects.toThrow(/user name stored on this request/);
    expect(t.provider.calls.total()).toBe(0);
  });
});

describe('starting a query', () => {
  it('queries the stored request’s values with the directory user name', async () => {
    const t = setup();
    const request = t.seed(inProgress);
    t.world.clock.set('2026-03-02T09:30:00.000Z');
    const view = await t.start(t.erin, request.id);
    expect(t.provider.lastSpec()).toEqual({
      accountId: DEMO.accounts.prodPayments.id,
      userName: DEMO.users.alice.userName,
      permissionSetName: 'ReadOnlyAccess',
      windowStart: '2026-03-02T09:00:00.000Z',
      windowEnd: '2026-03-02T09:30:00.000Z',
    });
    expect(view).toEqual({
      requestId: request.id,
      status: 'QUEUED',
      windowStart: '2026-03-02T09:00:00.000Z',
      windowEnd: '2026-03-02T09:30:00.000Z',
      updatedAt: '2026-03-02T09:30:00.000Z',
    });
    expect(t.queries.peek(request.id)).toMatchObject({
      queryId: 'query-1',
      provider: 'fake',
      startedAt: '2026-03-02T09:30:00.000Z',
      expiresAt: Date.parse('2026-03-02T09:30:00.000Z') / 1000 + LIVE_RESULTS_TTL_SECONDS,
    });
  });

  it('falls back to the requester’s email without a directory', async () => {
    const t = setup({ directory: false });
    const request = t.seed(inProgress);
    await t.start(t.alice, request.id);
    expect(t.provider.lastSpec()?.userName).toBe(DEMO.users.alice.email);
  });

  it('reports DISABLED and stores nothing when no provider is deployed', async () => {
    const t = setup({ provider: false });
    const request = t.seed(ended);
    t.world.clock.set('2026-03-03T00:00:00Z');
    await expect(t.start(t.alice, request.id)).resolves.toMatchObject({
      status: 'DISABLED',
      windowStart: '2026-03-02T09:00:00.000Z',
      windowEnd: '2026-03-02T12:00:00.000Z',
    });
    await expect(t.look(t.alice, request.id)).resolves.toMatchObject({ status: 'DISABLED' });
    await expect(t.logs(t.alice, request.id)).rejects.toThrow('No session-log provider is configured');
    expect(t.queries.calls.count('start')).toBe(0);
  });

  it('reuses an ended session’s query for five days, then runs it again', async () => {
    const t = setup();
    const request = t.seed(ended);
    t.world.clock.set('2026-03-03T00:00:00.000Z');
    await t.start(t.alice, request.id);
    expect(t.queries.peek(request.id)?.expiresAt).toBe(
      Date.parse('2026-03-03T00:00:00.000Z') / 1000 + FINAL_RESULTS_TTL_SECONDS,
    );
    await t.look(t.alice, request.id);
    await t.look(t.alice, request.id);
    expect(t.queries.peek(request.id)?.status).toBe('FINISHED');

    t.world.clock.advance({ days: 4, hours: 23 });
    await expect(t.start(t.bob, request.id)).resolves.toMatchObject({ status: 'FINISHED' });
    expect(t.provider.calls.count('start')).toBe(1);

    t.world.clock.advance({ hours: 1 });
    await expect(t.start(t.bob, request.id)).resolves.toMatchObject({ status: 'QUEUED' });
    expect(t.provider.calls.count('start')).toBe(2);
  });

  it('also shares an ended session’s query while it is still running', async () => {
    const t = setup();
    const request = t.seed(ended);
    t.world.clock.set('2026-03-03T00:00:00.000Z');
    await t.start(t.alice, request.id);
    t.world.clock.advance({ hours: 1 });
    await t.start(t.erin, request.id);
    expect(t.provider.calls.count('start')).toBe(1);
  });

  it('runs an ended session’s query again after it failed', async () => {
    const t = setup();
    const request = t.seed(ended);
    t.world.clock.set('2026-03-03T00:00:00.000Z');
    t.provider.nextScript = [{ state: 'FAILED', error: 'boom' }];
    await t.start(t.alice, request.id);
    await expect(t.look(t.alice, request.id)).resolves.toMatchObject({ status: 'FAILED', error: 'boom' });
    t.provider.nextScript = [{ state: 'FINISHED' }];
    await expect(t.start(t.alice, request.id)).resolves.toMatchObject({ status: 'QUEUED' });
    expect(t.provider.calls.count('start')).toBe(2);
    expect(t.queries.peek(request.id)?.queryId).toBe('query-2');
  });

  it('queries an in-progress session again up to now once the last query is done', async () => {
    const t = setup();
    const request = t.seed(inProgress);
    t.world.clock.set('2026-03-02T09:30:00.000Z');
    await t.start(t.alice, request.id);
    await t.look(t.alice, request.id);
    await t.look(t.alice, request.id);
    expect(t.queries.peek(request.id)?.status).toBe('FINISHED');

    t.world.clock.advance({ minutes: 1 });
    const view = await t.start(t.alice, request.id);
    expect(view).toMatchObject({ status: 'QUEUED', windowEnd: '2026-03-02T09:31:00.000Z' });
    expect(t.provider.calls.count('start')).toBe(2);
    expect(t.provider.lastSpec()?.windowEnd).toBe('2026-03-02T09:31:00.000Z');
  });

  it('shares an in-progress session’s running query for a few minutes, then gives up on it', async () => {
    const t = setup();
    const request = t.seed(inProgress);
    t.provider.nextScript = [{ state: 'RUNNING' }];
    await t.start(t.alice, request.id);
    t.world.clock.advance({ minutes: 2 });
    await t.start(t.bob, request.id);
    expect(t.provider.calls.count('start')).toBe(1);
    t.world.clock.advance({ minutes: 4 });
    await t.start(t.bob, request.id);
    expect(t.provider.calls.count('start')).toBe(2);
  });

  it('keeps re-running during the hour after access ended, then caches', async () => {
    const t = setup();
    const request = t.seed(ended);
    t.world.clock.set('2026-03-02T11:30:00.000Z');
    await t.start(t.alice, request.id);
    await t.look(t.alice, request.id);
    await t.look(t.alice, request.id);
    t.world.clock.advance({ minutes: 10 });
    await t.start(t.alice, request.id);
    expect(t.provider.calls.count('start')).toBe(2);
    expect(t.provider.lastSpec()?.windowEnd).toBe('2026-03-02T11:40:00.000Z');

    t.world.clock.set('2026-03-02T12:00:00.000Z');
    await t.start(t.alice, request.id);
    await t.look(t.alice, request.id);
    await t.look(t.alice, request.id);
    t.world.clock.advance({ days: 1 });
    await t.start(t.alice, request.id);
    expect(t.provider.calls.count('start')).toBe(3);
    expect(t.provider.lastSpec()?.windowEnd).toBe('2026-03-02T12:00:00.000Z');
  });

  it('runs again when the deployment switched provider', async () => {
    const t = setup();
    const request = t.seed(ended);
    t.world.clock.set('2026-03-03T00:00:00.000Z');
    t.queries.seed({
      requestId: request.id,
      queryId: 'lake-query',
      status: 'FINISHED',
      provider: 'cloudtrail-lake',
      startedAt: '2026-03-02T23:00:00.000Z',
      windowStart: '2026-03-02T09:00:00.000Z',
      windowEnd: '2026-03-02T12:00:00.000Z',
      updatedAt: '2026-03-02T23:00:00.000Z',
      expiresAt: Date.parse('2026-03-05T00:00:00Z') / 1000,
    });
    await expect(t.look(t.alice, request.id)).resolves.toMatchObject({ status: 'FINISHED' });
    await expect(t.logs(t.alice, request.id)).rejects.toBeInstanceOf(NotFoundError);
    await t.start(t.alice, request.id);
    expect(t.provider.calls.count('start')).toBe(1);
  });

  it('answers with the query someone else started meanwhile', async () => {
    const t = setup();
    const request = t.seed(inProgress);
    const theirs: SessionLogQueryRecord = {
      requestId: request.id,
      queryId: 'theirs',
      status: 'RUNNING',
      provider: 'fake',
      startedAt: NOW,
      windowStart: '2026-03-02T09:00:00.000Z',
      windowEnd: NOW,
      updatedAt: NOW,
      expiresAt: Date.parse(NOW) / 1000 + 3600,
    };
    const original = t.queries.start.bind(t.queries);
    t.queries.start = async (record, replacing) => {
      t.queries.seed(theirs);
      return original(record, replacing);
    };
    await expect(t.start(t.alice, request.id)).resolves.toMatchObject({ status: 'RUNNING' });
    expect(t.queries.peek(request.id)?.queryId).toBe('theirs');
  });
});

describe('looking at a query', () => {
  it('is undefined before any query was started', async () => {
    const t = setup();
    const request = t.seed(inProgress);
    await expect(t.look(t.alice, request.id)).resolves.toBeUndefined();
    expect(t.provider.calls.count('status')).toBe(0);
  });

  it('looks at the provider once per call and follows QUEUED, RUNNING, FINISHED', async () => {
    const t = setup();
    const request = t.seed(inProgress);
    t.provider.nextScript = [
      { state: 'QUEUED' },
      { state: 'RUNNING', progress: { eventsScanned: 500, percent: 42.4 } },
      { state: 'FINISHED', progress: { eventsScanned: 1000, eventsMatched: 37 } },
    ];
    await t.start(t.alice, request.id);
    await expect(t.look(t.alice, request.id)).resolves.toMatchObject({ status: 'QUEUED' });
    expect(t.provider.calls.count('status')).toBe(1);
    await expect(t.look(t.alice, request.id)).resolves.toMatchObject({
      status: 'RUNNING',
      progress: 42,
      eventsScanned: 500,
    });
    await expect(t.look(t.alice, request.id)).resolves.toMatchObject({
      status: 'FINISHED',
      progress: 100,
      rowCount: 37,
      eventsMatched: 37,
    });
    expect(t.provider.calls.count('status')).toBe(3);
    // Once finished, looking again does not bother the provider.
    await expect(t.look(t.alice, request.id)).resolves.toMatchObject({ status: 'FINISHED', rowCount: 37 });
    expect(t.provider.calls.count('status')).toBe(3);
  });

  it('stores a failure with its reason', async () => {
    const t = setup();
    const request = t.seed(inProgress);
    t.provider.nextScript = [{ state: 'FAILED', error: 'Query failed: bad things' }];
    await t.start(t.alice, request.id);
    await expect(t.look(t.alice, request.id)).resolves.toMatchObject({
      status: 'FAILED',
      error: 'Query failed: bad things',
    });
    expect(t.queries.peek(request.id)).toMatchObject({ status: 'FAILED', error: 'Query failed: bad things' });
    await expect(t.logs(t.alice, request.id)).rejects.toThrow(
      'The session-log query failed: Query failed: bad things. Start it again.',
    );
  });

  it('reports the newer query when another start replaced the one it looked at', async () => {
    const t = setup();
    const request = t.seed(inProgress);
    t.provider.nextScript = [{ state: 'RUNNING' }];
    await t.start(t.alice, request.id);
    const newer: SessionLogQueryRecord = {
      ...(t.queries.peek(request.id) as SessionLogQueryRecord),
      queryId: 'newer',
    };
    const original = t.queries.update.bind(t.queries);
    t.queries.update = async (requestId, queryId, changes) => {
      t.queries.seed(newer);
      return original(requestId, queryId, changes);
    };
    await expect(t.look(t.alice, request.id)).resolves.toMatchObject({ status: 'QUEUED' });
    expect(t.queries.peek(request.id)?.queryId).toBe('newer');
  });

  it('maps every provider state to the stored state', () => {
    const at = NOW;
    expect(changesFor({ state: 'CANCELLED' }, at)).toMatchObject({
      status: 'FAILED',
      error: expect.stringMatching(/cancelled/),
    });
    expect(changesFor({ state: 'TIMED_OUT' }, at)).toMatchObject({
      status: 'FAILED',
      error: expect.stringMatching(/timed out/),
    });
    expect(changesFor({ state: 'FAILED' }, at)).toMatchObject({
      status: 'FAILED',
      error: 'The session-log query failed.',
    });
    expect(changesFor({ state: 'RUNNING', progress: { percent: 140 } }, at)).toEqual({
      status: 'RUNNING',
      progress: 100,
      updatedAt: at,
    });
    expect(changesFor({ state: 'FINISHED' }, at)).toEqual({
      status: 'FINISHED',
      progress: 100,
      updatedAt: at,
    });
  });
});

describe('reading the logs', () => {
  const rows = Array.from({ length: 25 }, (_, i) =>
    aRow({
      eventId: `e-${String(i).padStart(2, '0')}`,
      eventName: i % 5 === 0 ? 'CreateAccessKey' : i % 3 === 0 ? 'PutObject' : 'DescribeInstances',
      eventSource: i % 5 === 0 ? 'iam.amazonaws.com' : 'ec2.amazonaws.com',
      readOnly: i % 5 === 0 ? false : i % 3 === 0 ? undefined : true,
    }),
  );

  async function finished(t: ReturnType<typeof setup>) {
    const request = t.seed(ended);
    t.world.clock.set('2026-03-03T00:00:00.000Z');
    t.provider.nextRows = rows;
    t.provider.nextScript = [{ state: 'FINISHED', progress: { eventsMatched: rows.length } }];
    await t.start(t.alice, request.id);
    await t.look(t.alice, request.id);
    return request;
  }

  async function readAll(
    t: ReturnType<typeof setup>,
    requestId: string,
    input: { limit?: number; writeOnly?: boolean },
  ) {
    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await t.logs(t.alice, requestId, { ...input, cursor });
      pages.push(page.items.map((r) => r.eventId));
      cursor = page.nextCursor;
    } while (cursor && pages.length < 50);
    return pages;
  }

  it('refuses before a query finished', async () => {
    const t = setup();
    const request = t.seed(inProgress);
    await expect(t.logs(t.alice, request.id)).rejects.toThrow(
      'No session-log query was run for this request yet',
    );
    t.provider.nextScript = [{ state: 'RUNNING' }];
    await t.start(t.alice, request.id);
    await expect(t.logs(t.alice, request.id)).rejects.toThrow('The session-log query has not finished yet.');
  });

  it('pages through every row in order, classified', async () => {
    const t = setup();
    const request = await finished(t);
    const pages = await readAll(t, request.id, { limit: 10 });
    expect(pages.map((p) => p.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(rows.map((r) => r.eventId));
    const first = await t.logs(t.bob, request.id, { limit: 1 });
    expect(first.items[0]).toMatchObject({ eventId: 'e-00', readOnly: false, sensitive: true });
  });

  it('serves only writes in the "write actions only" view, resuming mid-page', async () => {
    const t = setup();
    const request = await finished(t);
    const writes = rows.filter(
      (r) => r.readOnly === false || (r.readOnly === undefined && r.eventName === 'PutObject'),
    );
    const pages = await readAll(t, request.id, { limit: 3, writeOnly: true });
    expect(pages.flat()).toEqual(writes.map((r) => r.eventId));
    expect(pages.slice(0, -1).every((p) => p.length === 3)).toBe(true);
  });

  it('flags sensitive actions from the stored settings', async () => {
    const t = setup();
    t.world.settings.seed(someSettings({ sensitiveActions: ['ec2.amazonaws.com:Put*'] }));
    const request = await finished(t);
    const page = await t.logs(t.alice, request.id, { limit: 25 });
    expect(page.items.filter((r) => r.sensitive).map((r) => r.eventName)).toEqual(
      expect.arrayContaining(['PutObject']),
    );
    expect(page.items.some((r) => r.sensitive && r.eventName === 'CreateAccessKey')).toBe(false);
  });

  it('refuses a page token of another query, view or shape', async () => {
    const t = setup();
    const request = await finished(t);
    const page = await t.logs(t.alice, request.id, { limit: 5 });
    const token = page.nextCursor as string;
    await expect(
      t.logs(t.alice, request.id, { limit: 5, writeOnly: true, cursor: token }),
    ).rejects.toBeInstanceOf(ValidationError);
    for (const bad of ['not-a-token', btoa('{"q":"query-9","s":0,"n":5,"w":false}'), "x' OR '1'='1"]) {
      await expect(t.logs(t.alice, request.id, { cursor: bad })).rejects.toThrow(
        'This page token does not belong',
      );
    }
  });

  it('clamps the page size', async () => {
    const t = setup();
    const request = await finished(t);
    await expect(t.logs(t.alice, request.id, { limit: 0 })).resolves.toMatchObject({
      items: [expect.anything()],
    });
    const big = await t.logs(t.alice, request.id, { limit: 10_000 });
    expect(big.items).toHaveLength(25);
    expect(big.nextCursor).toBeUndefined();
  });

  it('returns a short page with a cursor after scanning many reads', async () => {
    const t = setup();
    const request = t.seed(ended);
    t.world.clock.set('2026-03-03T00:00:00.000Z');
    const reads = Array.from({ length: 2100 }, (_, i) => aRow({ eventId: `r-${i}` }));
    t.provider.nextRows = [...reads, aRow({ eventId: 'w-1', eventName: 'PutObject', readOnly: false })];
    t.provider.nextScript = [{ state: 'FINISHED' }];
    await t.start(t.alice, request.id);
    await t.look(t.alice, request.id);
    const first = await t.logs(t.alice, request.id, { writeOnly: true });
    expect(first.items).toEqual([]);
    expect(first.nextCursor).toBeDefined();
    const second = await t.logs(t.alice, request.id, { writeOnly: true, cursor: first.nextCursor });
    expect(second.items.map((r) => r.eventId)).toEqual(['w-1']);
    expect(second.nextCursor).toBeUndefined();
  });
});
