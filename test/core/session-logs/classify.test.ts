import { describe, expect, it } from 'vitest';
import {
  classifyActions,
  isReadOnlyAction,
  sensitiveActionMatcher,
  writeOnly,
} from '../../../lambdas/core/session-logs';
import { DEFAULT_SENSITIVE_ACTIONS } from '../../../lambdas/core/settings';
import { aRow } from './fakes';

describe('isReadOnlyAction', () => {
  it('believes CloudTrail when the event says', () => {
    expect(isReadOnlyAction({ eventName: 'GetObject', readOnly: false })).toBe(false);
    expect(isReadOnlyAction({ eventName: 'ConsoleLogin', readOnly: true })).toBe(true);
  });

  it.each([
    'GetObject',
    'BatchGetItem',
    'ListBuckets',
    'DescribeInstances',
    'HeadObject',
    'SearchResources',
    'LookupEvents',
    'Query',
    'Scan',
    'ListFunctions20150331',
    'Get',
  ])('infers %s is a read when the event does not say', (eventName) => {
    expect(isReadOnlyAction({ eventName })).toBe(true);
  });

  it.each([
    'PutObject',
    'RunInstances',
    'CreateAccessKey',
    'DeleteDBInstance',
    'BatchWriteItem',
    'Getaway',
    'Listen',
    'Describer',
    'getObject',
  ])('infers %s is a write when the event does not say', (eventName) => {
    expect(isReadOnlyAction({ eventName })).toBe(false);
  });
});

describe('sensitiveActionMatcher', () => {
  const match = sensitiveActionMatcher([
    'iam.amazonaws.com:CreateAccessKey',
    'PutBucketPolicy',
    'ec2.amazonaws.com:Terminate*',
    'rds.amazonaws.com:*',
    'Delete*',
    '   ',
    ':Orphan',
    'iam.amazonaws.com:',
  ]);

  it.each([
    ['iam.amazonaws.com', 'CreateAccessKey', true],
    ['IAM.amazonaws.com', 'createaccesskey', true],
    ['sts.amazonaws.com', 'CreateAccessKey', false],
    ['s3.amazonaws.com', 'PutBucketPolicy', true],
    ['s3.amazonaws.com', 'putbucketpolicy', true],
    ['s3.amazonaws.com', 'PutBucketPolicyStatus', false],
    ['ec2.amazonaws.com', 'TerminateInstances', true],
    ['ec2.amazonaws.com', 'terminateinstances', true],
    ['autoscaling.amazonaws.com', 'TerminateInstanceInAutoScalingGroup', false],
    ['rds.amazonaws.com', 'ModifyDBInstance', true],
    ['lambda.amazonaws.com', 'DeleteFunction20150331', true],
    ['ec2.amazonaws.com', 'RunInstances', false],
    ['x.amazonaws.com', 'Orphan', false],
  ])('%s:%s sensitive = %s', (source, name, expected) => {
    expect(match(source, name)).toBe(expected);
  });

  it('matches nothing without entries', () => {
    expect(sensitiveActionMatcher([])('iam.amazonaws.com', 'CreateUser')).toBe(false);
  });
});

describe('classifyActions', () => {
  it('resolves readOnly and flags sensitive calls with the default settings', () => {
    const rows = [
      aRow({ eventId: 'r', eventName: 'ListRoles', eventSource: 'iam.amazonaws.com', readOnly: true }),
      aRow({ eventId: 'k', eventName: 'CreateAccessKey', eventSource: 'iam.amazonaws.com', readOnly: false }),
      aRow({
        eventId: 'a',
        eventName: 'AttachRolePolicy',
        eventSource: 'iam.amazonaws.com',
        readOnly: undefined,
      }),
      aRow({
        eventId: 'g',
        eventName: 'GetBucketPolicy',
        eventSource: 's3.amazonaws.com',
        readOnly: undefined,
      }),
    ];
    const out = classifyActions(rows, DEFAULT_SENSITIVE_ACTIONS);
    expect(out.map((r) => [r.eventId, r.readOnly, r.sensitive])).toEqual([
      ['r', true, false],
      ['k', false, true],
      ['a', false, true],
      ['g', true, false],
    ]);
    // Everything else of the row is kept as it was.
    expect(out[1]).toMatchObject({
      accountId: '333333333331',
      userName: 'alice@example.com',
      awsRegion: 'us-east-1',
    });
  });

  it('keeps only the writes for the "write actions only" view', () => {
    const out = classifyActions(
      [
        aRow({ eventId: '1', eventName: 'DescribeInstances' }),
        aRow({ eventId: '2', eventName: 'RunInstances', readOnly: false }),
        aRow({ eventId: '3', eventName: 'GetObject', readOnly: undefined }),
        aRow({ eventId: '4', eventName: 'PutObject', readOnly: undefined }),
      ],
      [],
    );
    expect(writeOnly(out).map((r) => r.eventId)).toEqual(['2', '4']);
  });
});
