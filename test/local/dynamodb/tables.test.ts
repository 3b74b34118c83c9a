import { describe, expect, it } from 'vitest';
import { tableInputsFromTemplate } from '../../../local/dynamodb/tables';

// Shaped like `cdk synth` output: a Table (v1) and a TableV2 (GlobalTable), plus noise.
const template = {
  Resources: {
    RequestsTable4E3D1A2B: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [
          { AttributeName: 'id', AttributeType: 'S' },
          { AttributeName: 'requesterId', AttributeType: 'S' },
          { AttributeName: 'createdAt', AttributeType: 'S' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        GlobalSecondaryIndexes: [
          {
            IndexName: 'byRequester',
            KeySchema: [
              { AttributeName: 'requesterId', KeyType: 'HASH' },
              { AttributeName: 'createdAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        LocalSecondaryIndexes: [
          {
            IndexName: 'byCreated',
            KeySchema: [
              { AttributeName: 'id', KeyType: 'HASH' },
              { AttributeName: 'createdAt', KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
          },
        ],
        StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: { SSEEnabled: true },
        TableName: { 'Fn::Join': ['', ['team-requests-', { Ref: 'AWS::StackName' }]] },
      },
      UpdateReplacePolicy: 'Retain',
      DeletionPolicy: 'Retain',
    },
    SessionsTableV2: {
      Type: 'AWS::DynamoDB::GlobalTable',
      Properties: {
        TableName: 'team-sessions',
        KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
        BillingMode: 'PAY_PER_REQUEST',
        Replicas: [
          { Region: 'us-east-1', PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } },
        ],
        StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
        TimeToLiveSpecification: { AttributeName: 'expireAt', Enabled: true },
      },
    },
    SettingsTable: {
      Type: 'AWS::DynamoDB::Table',
      Properties: {
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 1 },
        TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: false },
      },
    },
    SomeFunction: { Type: 'AWS::Lambda::Function', Properties: { Runtime: 'nodejs22.x' } },
  },
  Outputs: {},
};

describe('tableInputsFromTemplate', () => {
  it('reads keys, indexes, streams, TTL and billing of every table resource', () => {
    const inputs = tableInputsFromTemplate(template);
    expect(inputs.map((i) => i.TableName)).toEqual([
      'RequestsTable4E3D1A2B',
      'team-sessions',
      'SettingsTable',
    ]);

    const [requests, sessions, settings] = inputs;
    expect(requests).toEqual({
      TableName: 'RequestsTable4E3D1A2B',
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: template.Resources.RequestsTable4E3D1A2B.Properties.AttributeDefinitions,
      BillingMode: 'PAY_PER_REQUEST',
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byRequester',
          KeySchema: [
            { AttributeName: 'requesterId', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL', NonKeyAttributes: undefined },
        },
      ],
      LocalSecondaryIndexes: [
        {
          IndexName: 'byCreated',
          KeySchema: [
            { AttributeName: 'id', KeyType: 'HASH' },
            { AttributeName: 'createdAt', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['status'] },
        },
      ],
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    expect(sessions).toMatchObject({
      TableName: 'team-sessions',
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      timeToLiveAttribute: 'expireAt',
    });
    expect(settings).toMatchObject({
      BillingMode: 'PROVISIONED',
      ProvisionedThroughput: { ReadCapacityUnits: 2, WriteCapacityUnits: 1 },
    });
    expect(settings).not.toHaveProperty('timeToLiveAttribute');
    expect(settings).not.toHaveProperty('StreamSpecification');
  });

  it('names tables with nameFor when given', () => {
    const names = tableInputsFromTemplate(template, (id) => `local-${id}`).map((i) => i.TableName);
    expect(names).toEqual(['local-RequestsTable4E3D1A2B', 'local-SessionsTableV2', 'local-SettingsTable']);
  });

  it('rejects a table whose key schema is not literal', () => {
    expect(() =>
      tableInputsFromTemplate({
        Resources: { Bad: { Type: 'AWS::DynamoDB::Table', Properties: { KeySchema: { Ref: 'X' } } } },
      }),
    ).toThrow(/Bad/);
  });

  it('returns nothing for a template without tables', () => {
    expect(tableInputsFromTemplate({ Resources: {} })).toEqual([]);
    expect(tableInputsFromTemplate({})).toEqual([]);
  });
});
