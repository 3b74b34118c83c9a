import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  InvalidRequestException,
  StartQueryExecutionCommand,
  TooManyRequestsException,
  type Row,
} from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { ThrottledError } from '../../../lambdas/adapters/errors';
import {
  athenaParameters,
  athenaStatement,
  athenaString,
  AthenaSessionLogProvider,
  createAthenaClient,
  partitionDay,
} from '../../../lambdas/adapters/session-logs/athena';
import { SessionLogProviderError, type SessionLogQuerySpec } from '../../../lambdas/core/session-logs';

const SPEC: SessionLogQuerySpec = {
  accountId: '333333333331',
  userName: 'alice@example.com',
  permissionSetName: 'ReadOnlyAccess',
  windowStart: '2026-03-02T09:00:00.400Z',
  windowEnd: '2026-03-02T12:00:00.200Z',
};
const TABLE = { workGroup: 'team-prod', database: 'team_prod_audit', table: 'cloudtrail_events' };

const COLUMNS = [
  'eventid',
  'eventtime',
  'eventname',
  'eventsource',
  'awsregion',
  'sourceipaddress',
  'useragent',
  'readonly',
  'errorcode',
  'recipientaccountid',
  'principalid',
];
const header: Row = { Data: COLUMNS.map((c) => ({ VarCharValue: c })) };
/** A result row as Athena returns it: missing cells (NULL) have no VarCharValue. */
const row = (id: string, overrides: Partial<Record<string, string>> = {}): Row => {
  const values: Record<string, string | undefined> = {
    eventid: id,
    eventtime: '2026-03-02T09:15:00Z',
    eventname: 'PutObject',
    eventsource: 's3.amazonaws.com',
    awsregion: 'eu-west-1',
    sourceipaddress: '198.51.100.7',
    useragent: 'aws-cli/2',
    readonly: 'false',
    errorcode: undefined,
    recipientaccountid: '333333333331',
    principalid: 'AROAEXAMPLE:alice@example.com',
    ...overrides,
  };
  return { Data: COLUMNS.map((c) => (values[c] === undefined ? {} : { VarCharValue: values[c] })) };
};
const resultSet = (rows: Row[]) => ({
  ResultSetMetadata: { ColumnInfo: COLUMNS.map((Name) => ({ Name, Type: 'varchar' })) },
  Rows: rows,
});

describe('Athena session-log provider', () => {
  const athena = mockClient(AthenaClient);
  const client = createAthenaClient({ region: 'eu-west-1', maxAttempts: 1 });
  const provider = new AthenaSessionLogProvider({ client, ...TABLE });

  beforeEach(() => athena.reset());
  afterAll(() => {
    athena.restore();
    client.destroy();
  });

  it('starts one fixed statement in the workgroup with every value as an execution parameter', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-1' });
    await expect(provider.start(SPEC)).resolves.toEqual({ queryId: 'qe-1' });
    const [call] = athena.commandCalls(StartQueryExecutionCommand);
    const input = call?.args[0].input;
    expect(input?.WorkGroup).toBe('team-prod');
    expect(input?.QueryExecutionContext).toEqual({ Database: 'team_prod_audit' });
    expect(input?.QueryString).toBe(
      [
        'SELECT eventid, eventtime, eventname, eventsource, awsregion, sourceipaddress, useragent,',
        '  readonly, errorcode, recipientaccountid, useridentity.principalid AS principalid',
        'FROM "team_prod_audit"."cloudtrail_events"',
        'WHERE account = ?',
        '  AND day BETWEEN ? AND ?',
        '  AND recipientaccountid = ?',
        '  AND eventtime >= ?',
        '  AND eventtime <= ?',
        '  AND starts_with(useridentity.sessioncontext.sessionissuer.username, ?)',
        '  AND length(useridentity.sessioncontext.sessionissuer.username) = length(?) + 16',
        '  AND lower(useridentity.principalid) = lower(concat(useridentity.sessioncontext.sessionissuer.principalid, ?))',
        'ORDER BY eventtime, eventid',
      ].join('\n'),
    );
    expect(input?.QueryString).not.toMatch(/'/);
    expect(input?.ExecutionParameters).toEqual([
      "'333333333331'",
      "'2026/03/02'",
      "'2026/03/02'",
      "'333333333331'",
      "'2026-03-02T09:00:00Z'",
      "'2026-03-02T12:00:01Z'",
      "'AWSReservedSSO_ReadOnlyAccess_'",
      "'AWSReservedSSO_ReadOnlyAccess_'",
      "':alice@example.com'",
    ]);
    expect(input?.QueryString?.match(/\?/g)).toHaveLength(input?.ExecutionParameters?.length ?? -1);
  });

  it('reads only the days of the session, plus the delivery delay at the end', () => {
    const overnight = {
      ...SPEC,
      windowStart: '2026-02-28T22:00:00.000Z',
      windowEnd: '2026-03-01T23:30:00.000Z',
    };
    const parameters = athenaParameters(TABLE, overnight);
    expect(parameters.slice(1, 3)).toEqual(["'2026/02/28'", "'2026/03/02'"]);
    const midday = athenaParameters(TABLE, { ...overnight, windowEnd: '2026-03-01T12:00:00.000Z' });
    expect(midday.slice(1, 3)).toEqual(["'2026/02/28'", "'2026/03/01'"]);
    expect(partitionDay(new Date('2026-12-31T23:59:59Z'))).toBe('2026/12/31');
  });

  it('restricts the region partition when regions are configured', async () => {
    const regional = new AthenaSessionLogProvider({ client, ...TABLE, regions: ['eu-west-1', 'us-east-1'] });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'qe-2' });
    await regional.start(SPEC);
    const input = athena.commandCalls(StartQueryExecutionCommand)[0]?.args[0].input;
    expect(input?.QueryString).toContain('  AND region IN (?, ?)\n');
    expect(input?.ExecutionParameters?.slice(3, 5)).toEqual(["'eu-west-1'", "'us-east-1'"]);
    expect(input?.QueryString?.match(/\?/g)).toHaveLength(11);
  });

  it('refuses crafted values before calling Athena', async () => {
    for (const bad of [
      { ...SPEC, userName: "alice' OR 1=1 --" },
      { ...SPEC, userName: 'alice%' },
      { ...SPEC, permissionSetName: "ps'); DROP TABLE x; --" },
      { ...SPEC, accountId: "333333333331' OR '1'='1" },
    ]) {
      await expect(provider.start(bad)).rejects.toBeInstanceOf(SessionLogProviderError);
    }
    expect(athena.commandCalls(StartQueryExecutionCommand)).toHaveLength(0);
  });

  it('keeps any value a string literal', () => {
    expect(athenaString("it's")).toBe("'it''s'");
    expect(() => athenaString('a\nb')).toThrow(SessionLogProviderError);
  });

  it.each([
    [{ database: 'audit"; DROP' }, /database/],
    [{ table: 'events x' }, /table/],
    [{ workGroup: "team'" }, /workgroup/],
    [{ regions: ['eu-west-1; --'] }, /region/],
    [{ regions: [] }, /regions list is empty/],
  ])('refuses the configuration %o', (override, message) => {
    expect(() => athenaStatement({ ...TABLE, ...override })).toThrow(message);
    expect(() => new AthenaSessionLogProvider({ client, ...TABLE, ...override })).toThrow(message);
  });

  it('explains a refused query', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new InvalidRequestException({ message: 'WorkGroup team-prod is not found.', $metadata: {} }));
    await expect(provider.start(SPEC)).rejects.toThrow(
      'Athena refused the session-log query: WorkGroup team-prod is not found.',
    );
  });

  it('reports throttling after the SDK’s retries', async () => {
    athena
      .on(StartQueryExecutionCommand)
      .rejects(new TooManyRequestsException({ message: 'slow down', $metadata: {} }));
    await expect(provider.start(SPEC)).rejects.toBeInstanceOf(ThrottledError);
  });

  it.each([
    ['QUEUED', { state: 'QUEUED' }],
    ['RUNNING', { state: 'RUNNING', progress: { bytesScanned: 1024 } }],
    ['SUCCEEDED', { state: 'FINISHED', progress: { bytesScanned: 1024 } }],
    ['CANCELLED', { state: 'CANCELLED', error: 'The Athena query was cancelled.' }],
  ] as const)('maps %s', async (State, expected) => {
    athena.on(GetQueryExecutionCommand, { QueryExecutionId: 'qe-1' }).resolves({
      QueryExecution: {
        Status: { State },
        Statistics: State === 'QUEUED' ? {} : { DataScannedInBytes: 1024 },
      },
    });
    await expect(provider.status('qe-1')).resolves.toMatchObject(expected);
  });

  it('reports FAILED with Athena’s reason', async () => {
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason: 'HIVE_BAD_DATA: Error parsing field value',
          AthenaError: { ErrorCategory: 2, ErrorMessage: 'HIVE_BAD_DATA' },
        },
      },
    });
    await expect(provider.status('qe-1')).resolves.toEqual({
      state: 'FAILED',
      progress: {},
      error: 'The Athena query failed: HIVE_BAD_DATA: Error parsing field value',
    });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: { State: 'FAILED', AthenaError: { ErrorMessage: 'Access denied on s3://trail' } },
      },
    });
    await expect(provider.status('qe-1')).resolves.toMatchObject({
      error: 'The Athena query failed: Access denied on s3://trail',
    });
  });

  it('reports an unknown query as FAILED', async () => {
    athena
      .on(GetQueryExecutionCommand)
      .rejects(new InvalidRequestException({ message: 'not found', $metadata: {} }));
    await expect(provider.status('qe-x')).resolves.toEqual({
      state: 'FAILED',
      error: 'Athena no longer knows this query.',
    });
  });

  it('pages results, skipping the header row on the first page only', async () => {
    athena
      .on(GetQueryResultsCommand, { QueryExecutionId: 'qe-1', NextToken: undefined })
      .resolves({
        ResultSet: resultSet([
          header,
          row('e-1'),
          row('e-2', { readonly: 'true', eventname: 'GetObject', errorcode: 'AccessDenied' }),
        ]),
        NextToken: 't-1',
      })
      .on(GetQueryResultsCommand, { QueryExecutionId: 'qe-1', NextToken: 't-1' })
      .resolves({
        ResultSet: resultSet([
          row('e-3', { awsregion: undefined, principalid: 'AROAEXAMPLE:Alice@Example.com' }),
        ]),
      });

    const first = await provider.results('qe-1', undefined, 2);
    expect(first.nextCursor).toBe('t-1');
    expect(first.rows).toEqual([
      {
        eventId: 'e-1',
        eventTime: '2026-03-02T09:15:00.000Z',
        eventName: 'PutObject',
        eventSource: 's3.amazonaws.com',
        awsRegion: 'eu-west-1',
        sourceIp: '198.51.100.7',
        userAgent: 'aws-cli/2',
        readOnly: false,
        accountId: '333333333331',
        userName: 'alice@example.com',
      },
      expect.objectContaining({ eventId: 'e-2', readOnly: true, errorCode: 'AccessDenied' }),
    ]);
    const second = await provider.results('qe-1', 't-1', 2);
    expect(second).toEqual({
      rows: [expect.objectContaining({ eventId: 'e-3', userName: 'Alice@Example.com' })],
    });
    expect(second.rows[0]).not.toHaveProperty('awsRegion');

    const calls = athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input);
    // The first page asks for one row more, for the header.
    expect(calls).toEqual([
      { QueryExecutionId: 'qe-1', MaxResults: 3 },
      { QueryExecutionId: 'qe-1', NextToken: 't-1', MaxResults: 2 },
    ]);
  });

  it('keeps a first row that is not a header', async () => {
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: resultSet([row('e-1')]) });
    await expect(provider.results('qe-1', undefined, 10)).resolves.toEqual({
      rows: [expect.objectContaining({ eventId: 'e-1' })],
    });
  });

  it('asks for at most 1,000 rows a call', async () => {
    athena.on(GetQueryResultsCommand).resolves({ ResultSet: resultSet([header]) });
    await expect(provider.results('qe-1', undefined, 5000)).resolves.toEqual({ rows: [] });
    expect(athena.commandCalls(GetQueryResultsCommand)[0]?.args[0].input.MaxResults).toBe(1000);
  });
});
