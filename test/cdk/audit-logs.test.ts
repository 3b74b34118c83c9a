import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/contract/env';
import { flat, logicalIdOf, PROJECT_ROOT, roleStatements, synthTeam, type Synthesized } from './support';

/** The installation suffix (lib/names.ts): the first block of the stack id's UUID. */
const STACK_ID_SUFFIX = {
  'Fn::Select': [
    0,
    { 'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }] },
  ],
};

function envOf(synth: Synthesized): Record<string, unknown> {
  const resources = synth.template.toJSON().Resources as Record<
    string,
    { Properties: { Environment: { Variables: Record<string, unknown> } } }
  >;
  return resources[logicalIdOf(synth.stack.functions.sessionLogs.function)]!.Properties.Environment.Variables;
}

describe('session logs: CloudTrail Lake, created by TEAM', () => {
  const synth = synthTeam({ sessionLogs: { type: 'cloudtrail-lake', create: { selectors: 'read_write' } } });
  afterAll(() => synth.cleanup());

  it('creates an organization, multi-region event data store keeping one year of management events', () => {
    synth.template.hasResource('AWS::CloudTrail::EventDataStore', {
      Properties: {
        Name: Match.anyValue(),
        MultiRegionEnabled: true,
        OrganizationEnabled: true,
        RetentionPeriod: 365,
        TerminationProtectionEnabled: true,
        AdvancedEventSelectors: [
          { Name: Match.anyValue(), FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
        ],
      },
    });
    expect(envOf(synth)[ENV.sessionLogProvider]).toBe('cloudtrail-lake');
    expect(envOf(synth)[ENV.eventDataStoreArn]).toEqual({
      'Fn::GetAtt': [
        logicalIdOf(synth.stack.auditLogs.node.findChild('EventDataStore')),
        'EventDataStoreArn',
      ],
    });
  });

  it('is kept with the stack but never in the way of a retry or a reinstall', () => {
    const store = Object.values(synth.template.findResources('AWS::CloudTrail::EventDataStore'))[0] as {
      DeletionPolicy: string;
      UpdateReplacePolicy: string;
      Properties: { Name: unknown };
    };
    // A failed first deployment deletes it; stack deletion and replacement keep it.
    expect(store.DeletionPolicy).toBe('RetainExceptOnCreate');
    expect(store.UpdateReplacePolicy).toBe('Retain');
    // Named for this installation of the stack: a reinstall does not collide with the kept one.
    expect(store.Properties.Name).toEqual({ 'Fn::Join': ['', ['team-demo-session-logs-', STACK_ID_SUFFIX]] });
  });
});

describe('session logs: CloudTrail Lake, created by a test deployment (removalPolicy destroy)', () => {
  const synth = synthTeam({
    removalPolicy: 'destroy',
    sessionLogs: { type: 'cloudtrail-lake', create: { selectors: 'read' } },
  });
  afterAll(() => synth.cleanup());

  it('goes with the stack, without termination protection', () => {
    synth.template.hasResource('AWS::CloudTrail::EventDataStore', {
      DeletionPolicy: 'Delete',
      Properties: Match.objectLike({ TerminationProtectionEnabled: false }),
    });
  });
});

describe('session logs: CloudTrail Lake write events, existing store', () => {
  const write = synthTeam({
    sessionLogs: { type: 'cloudtrail-lake', create: { selectors: 'write', retentionDays: 90 } },
  });
  const existingArn =
    'arn:aws:cloudtrail:eu-west-1:111122223333:eventdatastore/0123abcd-0000-1111-2222-333344445555';
  const existing = synthTeam({ sessionLogs: { type: 'cloudtrail-lake', eventDataStoreArn: existingArn } });
  afterAll(() => {
    write.cleanup();
    existing.cleanup();
  });

  it('selects only write management events when asked', () => {
    write.template.hasResourceProperties('AWS::CloudTrail::EventDataStore', {
      RetentionPeriod: 90,
      AdvancedEventSelectors: [
        {
          Name: Match.anyValue(),
          FieldSelectors: [
            { Field: 'eventCategory', Equals: ['Management'] },
            { Field: 'readOnly', Equals: ['false'] },
          ],
        },
      ],
    });
  });

  it('uses an existing store by ARN without creating one', () => {
    existing.template.resourceCountIs('AWS::CloudTrail::EventDataStore', 0);
    expect(envOf(existing)[ENV.eventDataStoreArn]).toBe(existingArn);
    expect(JSON.stringify(existing.template.findResources('AWS::IAM::Policy'))).toContain(existingArn);
  });
});

describe('session logs: Athena over the organization trail', () => {
  const synth = synthTeam({
    sessionLogs: {
      type: 'athena',
      trailBucketName: 'org-trail',
      trailPrefix: 'cloudtrail',
      organizationId: 'o-abcdefghij',
      regions: ['eu-west-1', 'us-east-1'],
    },
  });
  afterAll(() => synth.cleanup());

  it('creates a Glue database and a partition-projected CloudTrail table over the trail prefix', () => {
    synth.template.hasResourceProperties('AWS::Glue::Database', {
      DatabaseInput: { Name: 'team_demo_audit', Description: Match.anyValue() },
    });
    const table = Object.values(synth.template.findResources('AWS::Glue::Table'))[0] as {
      Properties: {
        DatabaseName: string;
        TableInput: {
          Name: string;
          Parameters: Record<string, string>;
          PartitionKeys: { Name: string }[];
          StorageDescriptor: { Location: string; Columns: { Name: string }[] };
        };
      };
    };
    const input = table.Properties.TableInput;
    expect(table.Properties.DatabaseName).toBe('team_demo_audit');
    expect(input.Name).toBe('cloudtrail_events');
    expect(input.PartitionKeys.map((k) => k.Name)).toEqual(['account', 'region', 'day']);
    expect(input.StorageDescriptor.Location).toBe('s3://org-trail/cloudtrail/AWSLogs/o-abcdefghij');
    expect(input.Parameters).toMatchObject({
      'projection.enabled': 'true',
      'projection.account.type': 'injected',
      'projection.region.type': 'enum',
      'projection.region.values': 'eu-west-1,us-east-1',
      'projection.day.type': 'date',
      'projection.day.format': 'yyyy/MM/dd',
      'storage.location.template':
        's3://org-trail/cloudtrail/AWSLogs/o-abcdefghij/${account}/CloudTrail/${region}/${day}',
    });
    const columns = input.StorageDescriptor.Columns.map((c) => c.Name);
    expect(columns).toEqual(
      expect.arrayContaining([
        'useridentity',
        'eventtime',
        'eventname',
        'eventsource',
        'readonly',
        'recipientaccountid',
      ]),
    );
  });

  it('keeps the workgroup’s configured name and deletes it with the stack (it holds no data)', () => {
    synth.template.hasResource('AWS::Athena::WorkGroup', {
      DeletionPolicy: 'Delete',
      UpdateReplacePolicy: 'Delete',
      Properties: Match.objectLike({ Name: 'team-demo', RecursiveDeleteOption: true }),
    });
    // What the workgroup would otherwise have kept stays: the results bucket.
    synth.template.hasResource('AWS::S3::Bucket', {
      DeletionPolicy: 'Retain',
      Properties: Match.objectLike({
        LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'athena-results/' }),
      }),
    });
  });

  it('queries through a workgroup that enforces encrypted results in a private, expiring bucket', () => {
    synth.template.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'team-demo',
      WorkGroupConfiguration: Match.objectLike({
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: {
          OutputLocation: Match.anyValue(),
          EncryptionConfiguration: { EncryptionOption: 'SSE_S3' },
        },
      }),
    });
    const bucket = synth.stack.auditLogs.resultsBucket!;
    synth.template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: Match.anyValue(),
      PublicAccessBlockConfiguration: Match.objectLike({
        BlockPublicAcls: true,
        RestrictPublicBuckets: true,
      }),
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30, Status: 'Enabled' })] },
      LoggingConfiguration: Match.objectLike({ LogFilePrefix: 'athena-results/' }),
    });
    expect(logicalIdOf(bucket)).toMatch(/^AuditLogsResultsBucket/);
    const env = envOf(synth);
    expect(env).toMatchObject({
      [ENV.sessionLogProvider]: 'athena',
      [ENV.athenaWorkgroup]: 'team-demo',
      [ENV.athenaDatabase]: 'team_demo_audit',
      [ENV.athenaTable]: 'cloudtrail_events',
    });
  });
});

describe('session logs: Athena, the roles that read the trail', () => {
  const synth = synthTeam({
    sessionLogs: {
      type: 'athena',
      trailBucketName: 'org-trail',
      trailPrefix: 'cloudtrail',
      organizationId: 'o-abcdefghij',
      trailKmsKeyArn: 'arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    },
  });
  afterAll(() => synth.cleanup());
  const apiRole = () => logicalIdOf(synth.stack.functions.api.role);
  const summaryRole = () => logicalIdOf(synth.stack.functions.sessionLogs.role);
  const PLACEHOLDERS = ['<SessionLogsTrailReaderRoleArn>', '<SessionReviewTrailReaderRoleArn>'];

  it('are the api’s and the session-logs function’s roles (Athena reads with the caller’s credentials), named and output', () => {
    expect(synth.stack.auditLogs.trailReaderRole).toBe(synth.stack.functions.api.role);
    expect(synth.stack.auditLogs.trailReaderRoles).toEqual([
      synth.stack.functions.api.role,
      synth.stack.functions.sessionLogs.role,
    ]);
    const outputs = synth.template.toJSON().Outputs;
    expect(outputs.SessionLogsTrailReaderRoleArn).toMatchObject({
      Value: { 'Fn::GetAtt': [apiRole(), 'Arn'] },
    });
    // The session summaries start their own queries (session review).
    expect(outputs.SessionReviewTrailReaderRoleArn).toMatchObject({
      Value: { 'Fn::GetAtt': [summaryRole(), 'Arn'] },
    });
  });

  it('matches the cross-account bucket and key policy in docs/deployment.md exactly, for both roles', () => {
    const doc = readFileSync(join(PROJECT_ROOT, 'docs', 'deployment.md'), 'utf8');
    const block = /```json\n(\s*\{\s*"Version"[^`]*"TeamSessionLogs[^`]*)```/.exec(doc)?.[1];
    expect(block, 'the bucket policy block in docs/deployment.md').toBeDefined();
    const policy = JSON.parse(
      (block ?? '')
        .replaceAll('<trailBucketName>', 'org-trail')
        .replaceAll('<trailPrefix>/', 'cloudtrail/')
        .replaceAll('<organizationId>', 'o-abcdefghij'),
    ) as {
      Statement: { Sid: string; Principal: { AWS: string[] }; Action: string | string[]; Resource: string }[];
    };
    const onTrail = (role: string) =>
      roleStatements(synth.template, role)
        .filter((s) => s.resources.some((r) => r.includes('org-trail') || r.includes(':kms:')))
        .map((s) => ({
          actions: [...s.actions].sort(),
          resources: s.resources.map((r) => r.replace('arn:<AWS::Partition>:', 'arn:aws:')),
        }))
        .sort((a, b) => flat(a.actions).localeCompare(flat(b.actions)));
    const documented = policy.Statement.map((s) => {
      expect(s.Principal.AWS, s.Sid).toEqual(PLACEHOLDERS);
      return { actions: ([] as string[]).concat(s.Action).sort(), resources: [s.Resource] };
    });
    const key = /```json\n(\s*\{\s*"Sid": "TeamSessionLogsDecrypt"[^`]*)```/.exec(doc)?.[1];
    expect(key, 'the key policy statement in docs/deployment.md').toBeDefined();
    const keyStatement = JSON.parse(key ?? '{}') as { Action: string; Principal: { AWS: string[] } };
    expect(keyStatement.Principal.AWS).toEqual(PLACEHOLDERS);
    documented.push({
      actions: [keyStatement.Action],
      resources: ['arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab'],
    });
    const expected = documented.sort((a, b) => flat(a.actions).localeCompare(flat(b.actions)));
    expect(onTrail(apiRole())).toEqual(expected);
    expect(onTrail(summaryRole())).toEqual(expected);
  });

  it('runs the session summaries every 5 minutes on the session-logs function (session review)', () => {
    const rules = synth.template.findResources('AWS::Events::Rule', {
      Properties: { ScheduleExpression: 'rate(5 minutes)' },
    }) as Record<string, { Properties: { Targets: { Arn: unknown; Input: string }[] } }>;
    expect(Object.keys(rules)).toHaveLength(1);
    const [target] = Object.values(rules)[0]!.Properties.Targets;
    expect(target?.Arn).toEqual({
      'Fn::GetAtt': [logicalIdOf(synth.stack.functions.sessionLogs.function), 'Arn'],
    });
    expect(JSON.parse(target?.Input ?? '{}')).toEqual({ kind: 'session-summaries' });
  });
});

describe('session logs: none', () => {
  const synth = synthTeam({ sessionLogs: { type: 'none' } });
  afterAll(() => synth.cleanup());

  it('creates no provider resources', () => {
    for (const type of ['AWS::CloudTrail::EventDataStore', 'AWS::Glue::Table', 'AWS::Athena::WorkGroup']) {
      synth.template.resourceCountIs(type, 0);
    }
    expect(envOf(synth)[ENV.sessionLogProvider]).toBe('none');
    // Nothing is ever due, so nothing runs the session summaries.
    expect(synth.stack.auditLogs.sessionSummarySchedule).toBeUndefined();
  });
});
