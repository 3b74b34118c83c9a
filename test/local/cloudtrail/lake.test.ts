import {
  CancelQueryCommand,
  CloudTrailClient,
  DescribeQueryCommand,
  EventDataStoreNotFoundException,
  GetEventDataStoreCommand,
  GetQueryResultsCommand,
  InactiveQueryException,
  InvalidMaxResultsException,
  InvalidNextTokenException,
  InvalidQueryStatementException,
  ListEventDataStoresCommand,
  paginateGetQueryResults,
  QueryIdNotFoundException,
  StartQueryCommand,
  ThrottlingException,
  type QueryStatus,
} from '@aws-sdk/client-cloudtrail';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  accessProfileOf,
  generateSessionActivity,
  ssoRoleName,
  type CloudTrailEvent,
} from '../../../local/cloudtrail/events';
import { startCloudTrailLake, type RunningCloudTrailLake } from '../../../local/cloudtrail/lake';

const ALICE = 'alice@example.com';
const ADMIN_ACCOUNT = '111122223333';
const from = new Date('2026-03-01T09:00:00Z');
const to = new Date('2026-03-01T13:00:00Z');

/** TEAM's session-log query, with every value bound as a parameter. */
const teamQuery = (eds: string) =>
  `SELECT eventID, eventName, eventSource, eventTime FROM ${eds} ` +
  `WHERE eventTime > ? AND eventTime < ? ` +
  `AND lower(userIdentity.principalId) LIKE ? ` +
  `AND userIdentity.sessionContext.sessionIssuer.arn LIKE ? ` +
  `AND recipientAccountId = ? ORDER BY eventTime`;

describe('local CloudTrail Lake through @aws-sdk/client-cloudtrail', () => {
  let lake: RunningCloudTrailLake;
  let client: CloudTrailClient;

  const start = async (statement: string, parameters?: string[]) =>
    (await client.send(new StartQueryCommand({ QueryStatement: statement, QueryParameters: parameters })))
      .QueryId as string;

  const waitForEnd = async (queryId: string) => {
    const seen: QueryStatus[] = [];
    for (let i = 0; i < 50; i++) {
      const out = await client.send(new DescribeQueryCommand({ QueryId: queryId }));
      seen.push(out.QueryStatus as QueryStatus);
      if (!['QUEUED', 'RUNNING'].includes(out.QueryStatus as string)) return { out, seen };
    }
    throw new Error('query never ended');
  };

  beforeAll(async () => {
    lake = await startCloudTrailLake({ accountId: '999988887777' });
    lake.store.recordSessionActivity({
      userName: ALICE,
      accountId: ADMIN_ACCOUNT,
      permissionSetName: 'AdministratorAccess',
      from,
      to,
      count: 700,
      seed: 1,
    });
    lake.store.recordSessionActivity({
      userName: 'bob@example.com',
      accountId: ADMIN_ACCOUNT,
      permissionSetName: 'AdministratorAccess',
      from,
      to,
      count: 300,
      seed: 2,
    });
    lake.store.recordSessionActivity({
      userName: ALICE,
      accountId: ADMIN_ACCOUNT,
      permissionSetName: 'ReadOnlyAccess',
      from,
      to,
      count: 150,
      seed: 3,
    });
    lake.store.recordSessionActivity({
      userName: ALICE,
      accountId: '444455556666',
      permissionSetName: 'AdministratorAccess',
      from,
      to,
      count: 150,
      seed: 4,
    });
    client = new CloudTrailClient({
      endpoint: lake.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 1,
    });
  });
  afterEach(() => {
    Object.assign(lake.knobs, { queuedPolls: 0, runningPolls: 1, runningMs: 0, failNext: 0, timeOutNext: 0 });
    lake.knobs.faults.throttleRate = 0;
  });
  afterAll(async () => {
    client.destroy();
    await lake.stop();
  });

  it('describes its one event data store', async () => {
    const list = await client.send(new ListEventDataStoresCommand({}));
    expect(list.EventDataStores).toEqual([
      { EventDataStoreArn: lake.eventDataStoreArn, Name: expect.any(String) },
    ]);
    expect(lake.eventDataStoreArn).toBe(
      `arn:aws:cloudtrail:us-east-1:999988887777:eventdatastore/${lake.eventDataStoreId}`,
    );
    const byId = await client.send(new GetEventDataStoreCommand({ EventDataStore: lake.eventDataStoreId }));
    expect(byId).toMatchObject({
      EventDataStoreArn: lake.eventDataStoreArn,
      Status: 'ENABLED',
      OrganizationEnabled: true,
    });
    expect(byId.CreatedTimestamp).toBeInstanceOf(Date);
    await expect(
      client.send(new GetEventDataStoreCommand({ EventDataStore: 'nope-1234' })),
    ).rejects.toBeInstanceOf(EventDataStoreNotFoundException);
  });

  it("runs TEAM's session query over 1,300 events and pages through the results", async () => {
    expect(lake.store.size).toBe(1300);
    const parameters = [
      '2026-03-01 10:00:00',
      '2026-03-01T12:30:00Z',
      `%:${ALICE}%`,
      '%AdministratorAccess%',
      ADMIN_ACCOUNT,
    ];
    const queryId = await start(teamQuery(lake.eventDataStoreId), parameters);
    const { out, seen } = await waitForEnd(queryId);
    expect(seen).toEqual(['RUNNING', 'FINISHED']);
    expect(out.QueryStatistics).toMatchObject({ EventsScanned: 1300, BytesScanned: lake.store.bytes });

    const rows: Record<string, string>[][] = [];
    let pages = 0;
    for await (const page of paginateGetQueryResults(
      { client, pageSize: 100 },
      { QueryId: queryId, MaxQueryResults: 100 },
    )) {
      pages++;
      expect(page.QueryStatus).toBe('FINISHED');
      rows.push(...(page.QueryResultRows ?? []));
    }

    const expected = lake.store
      .all()
      .filter(
        (e) =>
          e.eventTime > '2026-03-01T10:00:00Z' &&
          e.eventTime < '2026-03-01T12:30:00Z' &&
          e.userIdentity.principalId.endsWith(`:${ALICE}`) &&
          e.userIdentity.sessionContext?.sessionIssuer.userName ===
            ssoRoleName(ADMIN_ACCOUNT, 'AdministratorAccess') &&
          e.recipientAccountId === ADMIN_ACCOUNT,
      );
    expect(expected.length).toBeGreaterThan(300);
    expect(out.QueryStatistics?.EventsMatched).toBe(expected.length);
    expect(rows).toHaveLength(expected.length);
    expect(pages).toBe(Math.ceil(expected.length / 100));
    expect(rows.map((r) => r[0]?.eventID)).toEqual(expected.map((e) => e.eventID));
    const first = rows[0] ?? [];
    expect(first.map((cell) => Object.keys(cell)[0])).toEqual([
      'eventID',
      'eventName',
      'eventSource',
      'eventTime',
    ]);
    expect(first[3]?.eventTime).toMatch(/^2026-03-01 1\d:\d\d:\d\d\.000$/);
  });

  it('keeps a malicious parameter a literal', async () => {
    const statement = `SELECT eventID FROM ${lake.eventDataStoreId} WHERE userIdentity.principalId LIKE ? AND recipientAccountId = ?`;
    const injected = await start(statement, [`x' OR '1'='1`, `1' OR '1'='1`]);
    const { out } = await waitForEnd(injected);
    expect(out.QueryStatus).toBe('FINISHED');
    expect(out.QueryString).toContain(`LIKE 'x'' OR ''1''=''1'`);
    const result = await client.send(new GetQueryResultsCommand({ QueryId: injected }));
    expect(result.QueryResultRows).toEqual([]);
    expect(out.QueryStatistics?.EventsMatched).toBe(0);

    const honest = await start(statement, [`%:bob@example.com`, ADMIN_ACCOUNT]);
    await waitForEnd(honest);
    const page = await client.send(new GetQueryResultsCommand({ QueryId: honest }));
    expect(page.QueryStatistics?.TotalResultsCount).toBe(300);
  });

  it('surfaces a failed query as FAILED with its message', async () => {
    lake.knobs.failNext = 1;
    lake.knobs.failMessage = 'Query failed: simulated service failure';
    const forced = await start(`SELECT eventID FROM ${lake.eventDataStoreId}`);
    const { out } = await waitForEnd(forced);
    expect(out).toMatchObject({
      QueryStatus: 'FAILED',
      ErrorMessage: 'Query failed: simulated service failure',
    });
    const results = await client.send(new GetQueryResultsCommand({ QueryId: forced }));
    expect(results).toMatchObject({
      QueryStatus: 'FAILED',
      ErrorMessage: 'Query failed: simulated service failure',
    });

    const badColumn = await start(`SELECT eventIdentifier FROM ${lake.eventDataStoreId}`);
    expect((await waitForEnd(badColumn)).out).toMatchObject({
      QueryStatus: 'FAILED',
      ErrorMessage: "COLUMN_NOT_FOUND: Column 'eventIdentifier' cannot be resolved",
    });

    lake.knobs.timeOutNext = 1;
    const slow = await start(`SELECT eventID FROM ${lake.eventDataStoreId}`);
    expect((await waitForEnd(slow)).out.QueryStatus).toBe('TIMED_OUT');
  });

  it('lets a slow query pass through QUEUED and RUNNING, and cancels a running one', async () => {
    lake.knobs.queuedPolls = 1;
    lake.knobs.runningPolls = 3;
    const queryId = await start(`SELECT eventID FROM ${lake.eventDataStoreId} LIMIT 5`);
    const early = await client.send(new DescribeQueryCommand({ QueryId: queryId }));
    expect(early.QueryStatus).toBe('QUEUED');
    const running = await client.send(new GetQueryResultsCommand({ QueryId: queryId }));
    expect(running).toMatchObject({ QueryStatus: 'RUNNING', QueryResultRows: [] });
    const { seen } = await waitForEnd(queryId);
    expect(seen).toEqual(['RUNNING', 'RUNNING', 'FINISHED']);
    const results = await client.send(new GetQueryResultsCommand({ QueryId: queryId }));
    expect(results.QueryResultRows).toHaveLength(5);
    await expect(client.send(new CancelQueryCommand({ QueryId: queryId }))).rejects.toBeInstanceOf(
      InactiveQueryException,
    );

    const toCancel = await start(`SELECT eventID FROM ${lake.eventDataStoreId}`);
    const cancelled = await client.send(new CancelQueryCommand({ QueryId: toCancel }));
    expect(cancelled.QueryStatus).toBe('CANCELLED');
    expect((await client.send(new DescribeQueryCommand({ QueryId: toCancel }))).QueryStatus).toBe(
      'CANCELLED',
    );
  });

  it('answers bad requests with the real error types', async () => {
    await expect(
      start(`SELECT eventName, count(*) FROM ${lake.eventDataStoreId} GROUP BY eventName`),
    ).rejects.toThrow(InvalidQueryStatementException);
    await expect(start(`SELECT eventID FROM ffffffff-0000-4000-8000-000000000000`)).rejects.toBeInstanceOf(
      EventDataStoreNotFoundException,
    );
    await expect(
      client.send(new DescribeQueryCommand({ QueryId: crypto.randomUUID() })),
    ).rejects.toBeInstanceOf(QueryIdNotFoundException);
    const queryId = await start(`SELECT eventID FROM ${lake.eventDataStoreId}`);
    await waitForEnd(queryId);
    await expect(
      client.send(new GetQueryResultsCommand({ QueryId: queryId, MaxQueryResults: 5000 })),
    ).rejects.toBeInstanceOf(InvalidMaxResultsException);
    await expect(
      client.send(new GetQueryResultsCommand({ QueryId: queryId, NextToken: 'not-a-token' })),
    ).rejects.toBeInstanceOf(InvalidNextTokenException);

    lake.knobs.faults.throttleRate = 1;
    await expect(start(`SELECT eventID FROM ${lake.eventDataStoreId}`)).rejects.toBeInstanceOf(
      ThrottlingException,
    );
  });
});

describe('a Lake seeded with given events', () => {
  it('queries events added at start and later, and keeps a query RUNNING for runningMs', async () => {
    const lake = await startCloudTrailLake({
      events: [
        {
          eventName: 'CreateUser',
          eventSource: 'iam.amazonaws.com',
          eventTime: '2026-02-01T08:00:00Z',
          readOnly: false,
        },
      ],
      knobs: { runningPolls: 0 },
    });
    const client = new CloudTrailClient({
      endpoint: lake.url,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    try {
      lake.addEvents([
        {
          eventName: 'DeleteUser',
          eventSource: 'iam.amazonaws.com',
          eventTime: new Date('2026-02-01T09:00:00Z'),
        },
      ]);
      const started = await client.send(
        new StartQueryCommand({
          QueryStatement: `SELECT eventName, eventTime FROM ${lake.eventDataStoreId} WHERE eventSource = 'iam.amazonaws.com' ORDER BY eventTime DESC`,
        }),
      );
      const described = await client.send(new DescribeQueryCommand({ QueryId: started.QueryId }));
      expect(described.QueryStatus).toBe('FINISHED');
      const results = await client.send(new GetQueryResultsCommand({ QueryId: started.QueryId }));
      expect(results.QueryResultRows).toEqual([
        [{ eventName: 'DeleteUser' }, { eventTime: '2026-02-01 09:00:00.000' }],
        [{ eventName: 'CreateUser' }, { eventTime: '2026-02-01 08:00:00.000' }],
      ]);

      lake.knobs.runningMs = 600_000;
      const slow = await client.send(
        new StartQueryCommand({ QueryStatement: `SELECT eventID FROM ${lake.eventDataStoreId}` }),
      );
      for (let i = 0; i < 3; i++) {
        expect((await client.send(new DescribeQueryCommand({ QueryId: slow.QueryId }))).QueryStatus).toBe(
          'RUNNING',
        );
      }
      expect((await client.send(new CancelQueryCommand({ QueryId: slow.QueryId }))).QueryStatus).toBe(
        'CANCELLED',
      );
      expect(lake.queryCount()).toBe(2);
    } finally {
      client.destroy();
      await lake.stop();
    }
  });
});

describe('generated session activity', () => {
  const options = {
    userName: 'carol',
    accountId: '210987654321',
    permissionSetName: 'PowerUserAccess',
    from,
    to,
    count: 400,
    seed: 42,
  };

  it('is reproducible and looks like an IdC session', () => {
    const events = generateSessionActivity(options);
    expect(generateSessionActivity(options)).toEqual(events);
    const role = ssoRoleName('210987654321', 'PowerUserAccess');
    expect(role).toMatch(/^AWSReservedSSO_PowerUserAccess_[0-9a-f]{16}$/);
    for (const event of events) {
      expect(event.userIdentity.principalId).toMatch(/^AROA[A-Z2-7]{17}:carol$/);
      expect(event.userIdentity.arn).toBe(`arn:aws:sts::210987654321:assumed-role/${role}/carol`);
      expect(event.userIdentity.sessionContext?.sessionIssuer).toMatchObject({
        arn: `arn:aws:iam::210987654321:role/aws-reserved/sso.amazonaws.com/us-east-1/${role}`,
        userName: role,
      });
      expect(event.eventTime >= '2026-03-01T09:00:00Z' && event.eventTime < '2026-03-01T13:00:00Z').toBe(
        true,
      );
    }
    expect(events.map((e) => e.eventTime)).toEqual([...events.map((e) => e.eventTime)].sort());
    const writes = events.filter((e) => !e.readOnly);
    expect(writes.length / events.length).toBeGreaterThan(0.15);
    expect(writes.length / events.length).toBeLessThan(0.35);
    expect(new Set(writes.map((e) => e.eventName))).toContain('CreateAccessKey');
    expect(events.some((e) => e.errorCode === 'AccessDenied')).toBe(true);
    expect(generateSessionActivity({ ...options, writeShare: 1 }).every((e) => !e.readOnly)).toBe(true);
  });

  it('does what the permission set allows: read-only sessions read, power users write but not to IAM, admins write', () => {
    const session = (permissionSetName: string) =>
      generateSessionActivity({ ...options, permissionSetName, deniedShare: 0 });
    const succeeded = (events: CloudTrailEvent[]) => events.filter((e) => e.errorCode === undefined);
    const writes = (events: CloudTrailEvent[]) => events.filter((e) => !e.readOnly);
    const iam = (events: CloudTrailEvent[]) => events.filter((e) => e.eventSource === 'iam.amazonaws.com');

    const readOnly = session('ReadOnlyAccess');
    expect(writes(readOnly).length).toBeGreaterThan(0);
    expect(writes(readOnly).length / readOnly.length).toBeLessThan(0.15);
    expect(writes(succeeded(readOnly))).toEqual([]);
    expect(succeeded(readOnly).length).toBeGreaterThan(readOnly.length * 0.8);
    for (const e of writes(readOnly)) expect(e.errorMessage).toMatch(/is not authorized to perform/);

    const power = session('PowerUserAccess');
    expect(writes(succeeded(power)).length).toBeGreaterThan(0);
    expect(iam(writes(succeeded(power)))).toEqual([]);
    expect(iam(writes(power)).length).toBeGreaterThan(0);

    const admin = session('AdministratorAccess');
    expect(succeeded(admin)).toEqual(admin);
    expect(new Set(iam(writes(admin)).map((e) => e.eventName))).toEqual(
      new Set(['CreateAccessKey', 'AttachRolePolicy']),
    );
    expect(accessProfileOf('ViewOnlyAccess')).toBe('read-only');
    expect(accessProfileOf('SecurityAudit')).toBe('read-only');
    expect(accessProfileOf('DatabaseAdministrator')).toBe('administrator');
    expect(accessProfileOf('DataScientist')).toBe('power-user');
  });
});
