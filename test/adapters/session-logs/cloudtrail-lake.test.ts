import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../lambdas/adapters/errors';
import { bindLiterals } from '../../../lambdas/adapters/session-logs/common';
import {
  cloudTrailLakeParameters,
  cloudTrailLakeStatement,
  CloudTrailLakeSessionLogProvider,
  createCloudTrailClient,
  eventDataStoreIdOf,
} from '../../../lambdas/adapters/session-logs/cloudtrail-lake';
import {
  makeGetSessionLogQuery,
  makeGetSessionLogs,
  makeStartSessionLogQuery,
  SessionLogProviderError,
  type ProviderQueryStatus,
  type SessionLogQuerySpec,
  type SessionLogRow,
} from '../../../lambdas/core/session-logs';
import { ssoUserIdentity, type CloudTrailEvent } from '../../../local/cloudtrail/events';
import { startCloudTrailLake, type RunningCloudTrailLake } from '../../../local/cloudtrail/lake';
import { aRequest } from '../../builders';
import { DEMO, makeTestWorld } from '../../fakes';
import { InMemorySessionLogQueryStore } from '../../core/session-logs/fakes';

const ALICE = 'alice@example.com';
const ACCOUNT = '333333333331';
const OTHER_ACCOUNT = '444444444441';
const PS = 'ReadOnlyAccess';
const GRANTED = new Date('2026-03-02T09:00:00Z');
const ENDED = new Date('2026-03-02T11:00:00Z');
/** The session: from the grant to the end of access + 1 h. */
const SPEC: SessionLogQuerySpec = {
  accountId: ACCOUNT,
  userName: ALICE,
  permissionSetName: PS,
  windowStart: '2026-03-02T09:00:00.000Z',
  windowEnd: '2026-03-02T12:00:00.000Z',
};
const during = { from: GRANTED, to: new Date('2026-03-02T11:40:00Z') };

describe('CloudTrail Lake session-log provider against the local CloudTrail Lake', () => {
  let lake: RunningCloudTrailLake;
  let client: CloudTrailClient;
  let provider: CloudTrailLakeSessionLogProvider;
  let session: CloudTrailEvent[];
  const sent: { QueryStatement?: string; QueryParameters?: string[] }[] = [];
  /** HTTP attempts (retries included), by command input. */
  let attempts = 0;

  /** Looks at a query until it ends (each look is one DescribeQuery; the simulator counts looks). */
  async function untilDone(queryId: string): Promise<ProviderQueryStatus[]> {
    const seen: ProviderQueryStatus[] = [];
    for (let i = 0; i < 20; i++) {
      const status = await provider.status(queryId);
      seen.push(status);
      if (status.state !== 'QUEUED' && status.state !== 'RUNNING') return seen;
    }
    throw new Error('the query never ended');
  }

  async function allRows(queryId: string, limit: number): Promise<{ rows: SessionLogRow[]; pages: number }> {
    const rows: SessionLogRow[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await provider.results(queryId, cursor, limit);
      rows.push(...page.rows);
      cursor = page.nextCursor;
      pages++;
    } while (cursor);
    return { rows, pages };
  }

  beforeAll(async () => {
    lake = await startCloudTrailLake({ accountId: '999988887777' });
    session = lake.recordSessionActivity({
      userName: ALICE,
      accountId: ACCOUNT,
      permissionSetName: PS,
      ...during,
      count: 1150,
      seed: 1,
    });
    // The same user, its session name in other letter case: the same IdC user name.
    session.push(
      ...lake.recordSessionActivity({
        userName: 'Alice@Example.COM',
        accountId: ACCOUNT,
        permissionSetName: PS,
        ...during,
        count: 40,
        seed: 2,
      }),
    );
    const noise = [
      { userName: 'bob@example.com', accountId: ACCOUNT, permissionSetName: PS },
      { userName: 'alice@example.com.evil', accountId: ACCOUNT, permissionSetName: PS },
      { userName: `x${ALICE}`, accountId: ACCOUNT, permissionSetName: PS },
      { userName: ALICE, accountId: OTHER_ACCOUNT, permissionSetName: PS },
      { userName: ALICE, accountId: ACCOUNT, permissionSetName: 'AdministratorAccess' },
      // Permission sets whose role names start like ReadOnlyAccess's.
      { userName: ALICE, accountId: ACCOUNT, permissionSetName: 'ReadOnlyAccess_Extra' },
      { userName: ALICE, accountId: ACCOUNT, permissionSetName: 'ReadOnlyAccess2' },
    ];
    noise.forEach((who, i) => lake.recordSessionActivity({ ...who, ...during, count: 120, seed: 10 + i }));
    // Alice's activity before the grant and after the window.
    lake.recordSessionActivity({
      userName: ALICE,
      accountId: ACCOUNT,
      permissionSetName: PS,
      from: new Date('2026-03-02T07:00:00Z'),
      to: new Date('2026-03-02T08:59:59Z'),
      count: 60,
      seed: 30,
    });
    lake.recordSessionActivity({
      userName: ALICE,
      accountId: ACCOUNT,
      permissionSetName: PS,
      from: new Date('2026-03-02T12:00:01Z'),
      to: new Date('2026-03-02T15:00:00Z'),
      count: 60,
      seed: 31,
    });
    // A customer-managed role with the same session name, not an IdC permission set role.
    const custom = ssoUserIdentity({ userName: ALICE, accountId: ACCOUNT, permissionSetName: PS });
    if (custom.sessionContext) custom.sessionContext.sessionIssuer.userName = PS;
    lake.addEvents([
      {
        eventName: 'PutObject',
        eventTime: '2026-03-02T10:00:00Z',
        recipientAccountId: ACCOUNT,
        userIdentity: custom,
      },
    ]);

    client = createCloudTrailClient({
      region: 'us-east-1',
      endpoint: lake.url,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 2,
    });
    client.middlewareStack.add(
      (next) => async (args) => {
        sent.push(args.input as (typeof sent)[number]);
        return next(args);
      },
      { step: 'initialize', name: 'recordInput' },
    );
    // The deserialize step runs once per HTTP attempt, after the SDK's retry logic.
    client.middlewareStack.add(
      (next) => async (args) => {
        attempts++;
        return next(args);
      },
      { step: 'deserialize', name: 'countAttempts' },
    );
    provider = new CloudTrailLakeSessionLogProvider({ client, eventDataStore: lake.eventDataStoreArn });
  });

  afterEach(() => {
    Object.assign(lake.knobs, { queuedPolls: 0, runningPolls: 1, runningMs: 0, failNext: 0, timeOutNext: 0 });
    Object.assign(lake.knobs.faults, { throttleRate: 0, operations: [] });
  });

  afterAll(async () => {
    client.destroy();
    await lake.stop();
  });

  it('finds exactly the session’s 1,190 events and pages through them in time order', async () => {
    const { queryId } = await provider.start(SPEC);
    const seen = await untilDone(queryId);
    expect(seen.map((s) => s.state)).toEqual(['RUNNING', 'FINISHED']);
    expect(seen.at(-1)?.progress).toMatchObject({ eventsMatched: 1190, eventsScanned: lake.store.size });

    const { rows, pages } = await allRows(queryId, 1000);
    expect(pages).toBe(2);
    const expected = [...session].sort(
      (a, b) => a.eventTime.localeCompare(b.eventTime) || a.eventID.localeCompare(b.eventID),
    );
    expect(rows.map((r) => r.eventId)).toEqual(expected.map((e) => e.eventID));

    const byId = new Map(session.map((e) => [e.eventID, e]));
    for (const row of rows) {
      const event = byId.get(row.eventId) as CloudTrailEvent;
      expect(row).toEqual({
        eventId: event.eventID,
        eventTime: new Date(event.eventTime).toISOString(),
        eventName: event.eventName,
        eventSource: event.eventSource,
        awsRegion: event.awsRegion,
        sourceIp: event.sourceIPAddress,
        userAgent: event.userAgent,
        readOnly: event.readOnly,
        ...(event.errorCode ? { errorCode: event.errorCode } : {}),
        accountId: ACCOUNT,
        userName: event.userIdentity.principalId.split(':')[1],
      });
    }
  });

  it('pages the same rows with small pages', async () => {
    const { queryId } = await provider.start(SPEC);
    await untilDone(queryId);
    const { rows, pages } = await allRows(queryId, 100);
    expect(pages).toBe(12);
    expect(new Set(rows.map((r) => r.eventId)).size).toBe(1190);
  });

  it('sends the fixed statement with the validated values bound as literals', async () => {
    sent.length = 0;
    await provider.start(SPEC);
    const input = sent.find((i) => i.QueryStatement !== undefined);
    const template = cloudTrailLakeStatement(lake.eventDataStoreId);
    expect(template).not.toMatch(/['"%]/);
    for (const value of [ACCOUNT, ALICE, PS, '2026-03-02', 'AWSReservedSSO'])
      expect(template).not.toContain(value);
    expect(template.match(/\?/g)).toHaveLength(6);
    expect(template).toContain(`FROM ${lake.eventDataStoreId}\n`);
    expect(input?.QueryParameters).toBeUndefined();
    expect(input?.QueryStatement).toBe(
      bindLiterals(template, [
        ACCOUNT,
        '2026-03-02 09:00:00',
        '2026-03-02 12:00:00',
        'AWSReservedSSO_ReadOnlyAccess_',
        'AWSReservedSSO_ReadOnlyAccess_',
        `:${ALICE}`,
      ]),
    );
    expect(input?.QueryStatement).toContain(`recipientAccountId = '${ACCOUNT}'`);
  });

  it('binds literals so that a quote cannot end them', () => {
    expect(bindLiterals('a = ? AND b = ?', ["x' OR '1'='1", 'y'])).toBe("a = 'x'' OR ''1''=''1' AND b = 'y'");
    expect(() => bindLiterals('a = ?', [])).toThrow(/1 placeholders for 0 values/);
    expect(() => bindLiterals('a = ?', ['x\ny'])).toThrow(/control character/);
  });

  it('refuses crafted values before calling CloudTrail', async () => {
    sent.length = 0;
    for (const bad of [
      { ...SPEC, userName: "alice' OR 1=1 --" },
      { ...SPEC, userName: 'al%' },
      { ...SPEC, permissionSetName: "x') OR true --" },
      { ...SPEC, accountId: '1 OR 1=1' },
      { ...SPEC, windowStart: "2026-03-02' --" },
      { ...SPEC, windowStart: SPEC.windowEnd, windowEnd: SPEC.windowStart },
    ]) {
      await expect(provider.start(bad)).rejects.toBeInstanceOf(SessionLogProviderError);
    }
    expect(sent).toEqual([]);
  });

  it('reports a slow query as QUEUED, then RUNNING with progress, then FINISHED', async () => {
    Object.assign(lake.knobs, { queuedPolls: 1, runningPolls: 3 });
    const { queryId } = await provider.start(SPEC);
    const seen = await untilDone(queryId);
    expect(seen.map((s) => s.state)).toEqual(['QUEUED', 'RUNNING', 'RUNNING', 'RUNNING', 'FINISHED']);
    const scanned = seen.map((s) => s.progress?.eventsScanned ?? 0);
    expect(scanned[1]).toBeGreaterThan(0);
    expect(scanned[2]).toBeGreaterThan(scanned[1] as number);
    expect(scanned[4]).toBe(lake.store.size);
    await expect(provider.results(queryId, undefined, 10)).resolves.toMatchObject({
      rows: expect.any(Array),
    });
  });

  it('surfaces a failed query with CloudTrail Lake’s message', async () => {
    lake.knobs.failNext = 1;
    lake.knobs.failMessage = 'Query failed: simulated service failure';
    const { queryId } = await provider.start(SPEC);
    expect((await untilDone(queryId)).at(-1)).toMatchObject({
      state: 'FAILED',
      error: 'Query failed: simulated service failure',
    });
    await expect(provider.results(queryId, undefined, 10)).rejects.toThrow(
      'The session-log query has no results to read (it is FAILED).',
    );
  });

  it('surfaces a timed-out query', async () => {
    lake.knobs.timeOutNext = 1;
    const { queryId } = await provider.start(SPEC);
    expect((await untilDone(queryId)).at(-1)).toMatchObject({
      state: 'TIMED_OUT',
      error: expect.stringMatching(/timed out/),
    });
  });

  it('reports a query CloudTrail Lake does not know as FAILED', async () => {
    await expect(provider.status('00000000-0000-4000-8000-000000000000')).resolves.toMatchObject({
      state: 'FAILED',
      error: expect.stringMatching(/no longer knows this query/),
    });
    await expect(
      provider.results('00000000-0000-4000-8000-000000000000', undefined, 10),
    ).rejects.toBeInstanceOf(SessionLogProviderError);
  });

  it('explains a missing event data store', async () => {
    const elsewhere = new CloudTrailLakeSessionLogProvider({
      client,
      eventDataStore: 'b1b2c3d4-0000-4000-8000-000000000000',
    });
    const error = await elsewhere.start(SPEC).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionLogProviderError);
    expect((error as Error).message).toMatch(
      /^The configured CloudTrail Lake event data store does not exist/,
    );
  });

  it('retries throttling with the SDK, then reports it as throttled', async () => {
    Object.assign(lake.knobs.faults, { throttleRate: 1, operations: ['StartQuery'] });
    attempts = 0;
    await expect(provider.start(SPEC)).rejects.toBeInstanceOf(ThrottledError);
    expect(attempts).toBe(2);
  });

  it('serves the use cases end to end: start, poll, read pages', async () => {
    const world = makeTestWorld({ start: '2026-03-03T00:00:00.000Z' });
    const request = aRequest({
      accountId: ACCOUNT,
      permissionSetName: PS,
      status: 'ended',
      grantedAt: GRANTED.toISOString(),
      endedAt: ENDED.toISOString(),
    });
    world.requests.seed(request);
    const deps = {
      requests: world.requests,
      queries: new InMemorySessionLogQueryStore(world.clock),
      provider,
      clock: world.clock,
      settings: world.settings,
      directory: world.directory,
    };
    const start = makeStartSessionLogQuery(deps);
    const look = makeGetSessionLogQuery(deps);
    const logs = makeGetSessionLogs(deps);
    const caller = world.callers.erin;
    await expect(start(caller, request.id)).resolves.toMatchObject({ status: 'QUEUED' });
    await expect(look(caller, request.id)).resolves.toMatchObject({ status: 'RUNNING' });
    await expect(look(caller, request.id)).resolves.toMatchObject({ status: 'FINISHED', rowCount: 1190 });

    let cursor: string | undefined;
    const ids: string[] = [];
    let writes = 0;
    do {
      const page = await logs(caller, request.id, { limit: 100, cursor });
      ids.push(...page.items.map((r) => r.eventId));
      writes += page.items.filter((r) => !r.readOnly).length;
      cursor = page.nextCursor;
    } while (cursor);
    expect(ids).toHaveLength(1190);
    expect(new Set(ids).size).toBe(1190);

    const writeIds: string[] = [];
    cursor = undefined;
    do {
      const page = await logs(caller, request.id, { limit: 50, writeOnly: true, cursor });
      expect(page.items.every((r) => !r.readOnly)).toBe(true);
      writeIds.push(...page.items.map((r) => r.eventId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(writeIds).toHaveLength(writes);
    expect(writes).toBe(session.filter((e) => !e.readOnly).length);
    expect(DEMO.users.alice.userName).toBe(ALICE);
  });
});

describe('event data store from deployment config', () => {
  it('takes the id from an ARN or an id', () => {
    const id = 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f607';
    expect(eventDataStoreIdOf(id)).toBe(id);
    expect(eventDataStoreIdOf(`arn:aws:cloudtrail:eu-west-1:123456789012:eventdatastore/${id}`)).toBe(id);
    expect(eventDataStoreIdOf(`arn:aws-cn:cloudtrail:cn-north-1:123456789012:eventdatastore/${id}`)).toBe(id);
  });

  it.each([
    '',
    'eds; DROP TABLE x',
    'a3f1c2d4 WHERE 1=1',
    "a3f1c2d4'",
    'short',
    'arn:aws:cloudtrail:eu-west-1:1:eventdatastore/x y',
  ])('refuses %j', (value) => {
    expect(() => eventDataStoreIdOf(value)).toThrow(/must be an event data store ARN or id/);
  });

  it('never puts a request value into the statement', () => {
    const statement = cloudTrailLakeStatement('a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f607');
    const parameters = cloudTrailLakeParameters({
      ...SPEC,
      userName: 'mallory@example.com',
      permissionSetName: 'Weird.Name',
    });
    for (const value of parameters) expect(statement).not.toContain(value);
    expect(parameters).toContain(':mallory@example.com');
  });
});
