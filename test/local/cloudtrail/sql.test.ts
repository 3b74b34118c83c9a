import { describe, expect, it } from 'vitest';
import { completeEvent, type CloudTrailEvent } from '../../../local/cloudtrail/events';
import { QueryRuntimeError, runQuery } from '../../../local/cloudtrail/evaluate';
import { compileQuery, InvalidQueryError, substituteParameters } from '../../../local/cloudtrail/sql';

const EDS = 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f607';
const ctx = { now: () => new Date('2026-03-01T12:00:00Z') };

const events: CloudTrailEvent[] = [
  completeEvent({
    eventID: 'e1',
    eventName: 'DescribeInstances',
    eventSource: 'ec2.amazonaws.com',
    eventTime: '2026-03-01T10:00:00Z',
    readOnly: true,
    recipientAccountId: '111111111111',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:Alice@Example.com',
      arn: 'arn:a',
      accountId: '111111111111',
    },
    requestParameters: { instancesSet: { items: [] } },
  }),
  completeEvent({
    eventID: 'e2',
    eventName: 'PutBucketPolicy',
    eventSource: 's3.amazonaws.com',
    eventTime: '2026-03-01T10:30:00Z',
    readOnly: false,
    errorCode: 'AccessDenied',
    recipientAccountId: '111111111111',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:bob@example.com',
      arn: 'arn:b',
      accountId: '111111111111',
    },
    requestParameters: { bucketName: 'logs', Host: 's3.amazonaws.com' },
  }),
  completeEvent({
    eventID: 'e3',
    eventName: 'RunInstances',
    eventSource: 'ec2.amazonaws.com',
    eventTime: '2026-03-01T11:15:30Z',
    readOnly: false,
    recipientAccountId: '222222222222',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:alice@example.com',
      arn: 'arn:c',
      accountId: '222222222222',
    },
  }),
];

const ids = (sql: string, params: string[] = []) => {
  const output = runQuery(compileQuery(sql, params), events, ctx);
  return output.rows.map((row) => row[0]);
};

describe('CloudTrail Lake SQL subset', () => {
  it.each([
    [`eventName = 'RunInstances'`, ['e3']],
    [`eventName <> 'RunInstances'`, ['e1', 'e2']],
    [`eventName != 'RunInstances'`, ['e1', 'e2']],
    [`eventTime > '2026-03-01 10:00:00'`, ['e2', 'e3']],
    [`eventTime >= '2026-03-01 10:00:00'`, ['e1', 'e2', 'e3']],
    [`eventTime < '2026-03-01T10:30:00Z'`, ['e1']],
    [`eventTime <= '2026-03-01T11:30:00+01:00'`, ['e1', 'e2']],
    [`eventTime BETWEEN '2026-03-01 10:15:00' AND '2026-03-01 12:00:00'`, ['e2', 'e3']],
    [`eventTime NOT BETWEEN '2026-03-01 10:15:00' AND '2026-03-01 12:00:00'`, ['e1']],
    [`eventTime > timestamp '2026-03-01 11:00:00.000'`, ['e3']],
    [`eventTime > '2026-03-01'`, ['e1', 'e2', 'e3']],
    [`recipientAccountId IN ('222222222222', '333333333333')`, ['e3']],
    [`recipientAccountId NOT IN ('222222222222')`, ['e1', 'e2']],
    [`errorCode IS NULL`, ['e1', 'e3']],
    [`errorCode IS NOT NULL`, ['e2']],
    [`lower(userIdentity.principalId) LIKE '%:alice@example.com%'`, ['e1', 'e3']],
    [`userIdentity.principalId LIKE '%:alice@example.com%'`, ['e3']],
    [`userIdentity.principalId NOT LIKE '%bob%'`, ['e1', 'e3']],
    [`eventName LIKE 'Run_nstances'`, ['e3']],
    [`NOT readOnly`, ['e2', 'e3']],
    [`readOnly = true`, ['e1']],
    [`readOnly IS FALSE`, ['e2', 'e3']],
    [`NOT (eventName = 'RunInstances' OR errorCode IS NOT NULL)`, ['e1']],
    [`eventSource = 'ec2.amazonaws.com' AND (readOnly = false OR eventName = 'x')`, ['e3']],
    [`element_at(requestParameters, 'bucketName') = 'logs'`, ['e2']],
    [`requestParameters['bucketName'] = 'logs'`, ['e2']],
    [`element_at(requestParameters, 'instancesSet') = '{"items":[]}'`, ['e1']],
    [`EVENTNAME = 'RunInstances'`, ['e3']],
    [`upper(eventSource) || '!' = 'S3.AMAZONAWS.COM!'`, ['e2']],
    [`coalesce(errorCode, 'none') = 'none' AND length(eventName) > 12`, ['e1']],
    [`CASE WHEN readOnly THEN 'r' ELSE 'w' END = 'w' AND substr(eventName, 1, 3) = 'Put'`, ['e2']],
  ])('WHERE %s', (where, expected) => {
    expect(ids(`SELECT eventID FROM ${EDS} WHERE ${where}`)).toEqual(expected);
  });

  it('orders, limits and offsets, with NULLs last unless asked otherwise', () => {
    expect(ids(`SELECT eventID FROM ${EDS} ORDER BY eventTime DESC`)).toEqual(['e3', 'e2', 'e1']);
    expect(ids(`SELECT eventID FROM ${EDS} ORDER BY eventTime DESC LIMIT 2`)).toEqual(['e3', 'e2']);
    expect(ids(`SELECT eventID FROM ${EDS} ORDER BY eventTime LIMIT 1 OFFSET 1`)).toEqual(['e2']);
    expect(ids(`SELECT eventID, errorCode FROM ${EDS} ORDER BY errorCode DESC, eventID`)).toEqual([
      'e2',
      'e1',
      'e3',
    ]);
    expect(ids(`SELECT eventID FROM ${EDS} ORDER BY errorCode NULLS FIRST, eventID DESC`)).toEqual([
      'e3',
      'e1',
      'e2',
    ]);
    expect(ids(`SELECT eventID, eventSource AS src FROM ${EDS} ORDER BY src, 1 DESC`)).toEqual([
      'e3',
      'e1',
      'e2',
    ]);
  });

  it('names result columns by alias or last path segment and renders values like Lake', () => {
    const output = runQuery(
      compileQuery(
        `SELECT e.eventID, userIdentity.principalId AS who, eventTime, readOnly, errorCode, lower(eventName) FROM ${EDS} e WHERE eventID = 'e2'`,
      ),
      events,
      ctx,
    );
    expect(output.columns).toEqual(['eventID', 'who', 'eventTime', 'readOnly', 'errorCode', '_col5']);
    expect(output.rows).toEqual([
      [
        'e2',
        'AROAEXAMPLE:bob@example.com',
        '2026-03-01 10:30:00.000',
        'false',
        'AccessDenied',
        'putbucketpolicy',
      ],
    ]);
    expect(output.eventsMatched).toBe(1);
    expect(output.eventsScanned).toBe(3);
  });

  it('supports SELECT * and DISTINCT', () => {
    const star = runQuery(compileQuery(`SELECT * FROM "${EDS}" LIMIT 1`), events, ctx);
    expect(star.columns).toContain('userIdentity');
    expect(star.rows[0]?.[star.columns.indexOf('eventID')]).toBe('e1');
    expect(ids(`SELECT DISTINCT eventSource FROM ${EDS} ORDER BY eventSource`)).toEqual([
      'ec2.amazonaws.com',
      's3.amazonaws.com',
    ]);
  });

  it('binds ? parameters as values, never as SQL', () => {
    const sql = `SELECT eventID FROM ${EDS} WHERE eventName = ? -- trailing ? in a comment is ignored`;
    expect(ids(sql, ['RunInstances'])).toEqual(['e3']);
    expect(ids(sql, [`x' OR '1'='1`])).toEqual([]);
    expect(ids(sql, [`x\\' OR 1=1 --`])).toEqual([]);
    expect(
      ids(`SELECT eventID FROM ${EDS} WHERE eventName = 'it''s ?' OR eventName = ?`, ['RunInstances']),
    ).toEqual(['e3']);
    expect(substituteParameters(`SELECT 1 FROM t WHERE a = ? AND b = '?'`, [`x' OR '1'='1`])).toBe(
      `SELECT 1 FROM t WHERE a = 'x'' OR ''1''=''1' AND b = '?'`,
    );
    expect(() => compileQuery(sql, [])).toThrow(InvalidQueryError);
    expect(() => compileQuery(`SELECT eventID FROM ${EDS}`, ['extra'])).toThrow(/placeholders/);
  });

  it.each([
    [`SELECT eventName, count(*) FROM ${EDS} GROUP BY eventName`, /Aggregate|GROUP BY/],
    [`SELECT a.eventID FROM ${EDS} a JOIN other b ON a.eventID = b.eventID`, /Joins/],
    [`DELETE FROM ${EDS}`, /Only SELECT/],
    [`SELECT eventID FROM ${EDS} UNION SELECT eventID FROM ${EDS}`, /UNION/],
    [`SELECT eventID FROM ${EDS} WHERE eventID IN (SELECT eventID FROM ${EDS})`, /subquer/i],
    [`SELECT eventID FROM ${EDS} WHERE json_extract(x, '$.a') = 1`, /function json_extract/],
    [`SELEC eventID FROM ${EDS}`, /not valid SQL/],
    [`SELECT eventID FROM ${EDS} WHERE eventName = 'unterminated`, /Unterminated/],
    [`SELECT eventID FROM ${EDS}; SELECT 1 FROM ${EDS}`, /one statement/],
    ['', /empty/],
  ])('rejects %s', (sql, message) => {
    expect(() => compileQuery(sql)).toThrow(message);
  });

  it('fails at run time like Trino for unknown columns and bad timestamps', () => {
    expect(() => runQuery(compileQuery(`SELECT nope FROM ${EDS}`), events, ctx)).toThrow(
      new QueryRuntimeError(`COLUMN_NOT_FOUND: Column 'nope' cannot be resolved`),
    );
    expect(() =>
      runQuery(compileQuery(`SELECT eventID FROM ${EDS} WHERE eventTime > 'yesterday'`), events, ctx),
    ).toThrow(/INVALID_CAST_ARGUMENT/);
  });
});
