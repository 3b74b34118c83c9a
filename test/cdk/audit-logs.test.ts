import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/contract/env';
import { logicalIdOf, synthTeam, type Synthesized } from './support';

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
      DeletionPolicy: 'Retain',
      Properties: {
        Name: 'team-demo-session-logs',
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

describe('session logs: none', () => {
  const synth = synthTeam({ sessionLogs: { type: 'none' } });
  afterAll(() => synth.cleanup());

  it('creates no provider resources', () => {
    for (const type of ['AWS::CloudTrail::EventDataStore', 'AWS::Glue::Table', 'AWS::Athena::WorkGroup']) {
      synth.template.resourceCountIs(type, 0);
    }
    expect(envOf(synth)[ENV.sessionLogProvider]).toBe('none');
  });
});
