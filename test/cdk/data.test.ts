import { Match } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { tableInputsFromSchema } from '../../local/dynamodb/schema-inputs';
import { tableInputsFromTemplate, type TableInput } from '../../local/dynamodb';
import { FUNCTION_ENTRIES } from '../../lib/function';
import { TABLE_ENV, TABLE_IDS } from '../../lambdas/contract/tables';
import { logicalIdOf, roleStatements, synthTeam } from './support';

// The data model of docs/architecture.md, written out independently of lib/data.ts. Every
// index projects keys only: the lists fetch the items of a page with one BatchGetItem.
const EXPECTED: Record<
  string,
  { key: [string, string?]; indexes: Record<string, [string, string]>; ttl?: string; stream?: boolean }
> = {
  requests: {
    key: ['id'],
    stream: true,
    indexes: {
      byRequester: ['requesterId', 'createdAt'],
      byRequesterPhase: ['requesterPhase', 'phaseAt'],
      byDecider: ['deciderId', 'decidedAt'],
      byCreated: ['listPk', 'createdAt'],
      bySession: ['sessionPk', 'startTime'],
      byReview: ['reviewPk', 'createdAt'],
    },
  },
  requestApprovers: {
    key: ['requestId', 'approverId'],
    indexes: { byApproverPhase: ['approverPhase', 'phaseAt'] },
  },
  auditEvents: { key: ['requestId', 'id'], indexes: {} },
  policies: { key: ['kind', 'id'], indexes: {} },
  settings: { key: ['id'], indexes: {} },
  grants: { key: ['grantKey'], indexes: { byKind: ['listPk', 'grantKey'] } },
  sessionLogQueries: { key: ['requestId'], indexes: {}, ttl: 'expiresAt' },
  ouAccountsCache: { key: ['ouId'], indexes: {}, ttl: 'expiresAt' },
  chat: { key: ['pk', 'sk'], indexes: {}, ttl: 'expiresAt' },
  aggregates: { key: ['pk', 'sk'], indexes: {}, ttl: 'expiresAt' },
  sessionSummaries: {
    key: ['requestId'],
    indexes: { byDue: ['duePk', 'dueAt'], byReviewState: ['reviewPk', 'endedAt'] },
  },
};

interface TableResource {
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Properties: {
    KeySchema: { AttributeName: string; KeyType: string }[];
    AttributeDefinitions: { AttributeName: string; AttributeType: string }[];
    BillingMode?: string;
    PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled: boolean };
    DeletionProtectionEnabled?: boolean;
    SSESpecification?: { SSEEnabled: boolean; SSEType?: string; KMSMasterKeyId?: unknown };
    StreamSpecification?: { StreamViewType: string };
    TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean };
    GlobalSecondaryIndexes?: {
      IndexName: string;
      KeySchema: { AttributeName: string; KeyType: string }[];
      Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
    }[];
  };
}

describe('tables (retained, AWS-managed encryption)', () => {
  const synth = synthTeam();
  afterAll(() => synth.cleanup());
  const tables = synth.template.findResources('AWS::DynamoDB::Table') as Record<string, TableResource>;

  it('has exactly the tables of the data model', () => {
    expect(Object.keys(tables)).toHaveLength(Object.keys(EXPECTED).length);
    expect(Object.keys(synth.stack.data.tables).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s: keys, indexes, stream and TTL', (name, expected) => {
    const table = synth.stack.data.tables[name as keyof typeof synth.stack.data.tables];
    const resource = tables[logicalIdOf(table)];
    expect(resource).toBeDefined();
    const props = resource!.Properties;
    const [pk, sk] = expected.key;
    expect(props.KeySchema).toEqual([
      { AttributeName: pk, KeyType: 'HASH' },
      ...(sk ? [{ AttributeName: sk, KeyType: 'RANGE' }] : []),
    ]);
    const indexes = props.GlobalSecondaryIndexes ?? [];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(Object.keys(expected.indexes).sort());
    for (const index of indexes) {
      const [ipk, isk] = expected.indexes[index.IndexName]!;
      expect(index.KeySchema).toEqual([
        { AttributeName: ipk, KeyType: 'HASH' },
        { AttributeName: isk, KeyType: 'RANGE' },
      ]);
      expect(index.Projection).toEqual({ ProjectionType: 'KEYS_ONLY' });
    }
    // Every key attribute is a string.
    for (const def of props.AttributeDefinitions) expect(def.AttributeType).toBe('S');
    if (expected.stream) expect(props.StreamSpecification).toEqual({ StreamViewType: 'NEW_AND_OLD_IMAGES' });
    else expect(props.StreamSpecification).toBeUndefined();
    if (expected.ttl)
      expect(props.TimeToLiveSpecification).toEqual({ AttributeName: expected.ttl, Enabled: true });
    else expect(props.TimeToLiveSpecification).toBeUndefined();
  });

  it.each(Object.keys(EXPECTED))('%s: on-demand, PITR, encrypted, deletion protection, retained', (name) => {
    const table = synth.stack.data.tables[name as keyof typeof synth.stack.data.tables];
    const resource = tables[logicalIdOf(table)]!;
    expect(resource.Properties.BillingMode).toBe('PAY_PER_REQUEST');
    expect(resource.Properties.PointInTimeRecoverySpecification).toEqual({
      PointInTimeRecoveryEnabled: true,
    });
    expect(resource.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(resource.Properties.DeletionProtectionEnabled).toBe(true);
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
  });

  it('creates the same tables as DynamoDB Local and the tests (keys, indexes, projections, stream, TTL)', () => {
    const byLogicalId = new Map(
      (Object.entries(TABLE_IDS) as [keyof typeof TABLE_IDS, string][]).map(([key, id]) => [
        logicalIdOf(synth.stack.data.tables[key]),
        id,
      ]),
    );
    // Only what both sides define: the template adds nothing DynamoDB Local would see differently.
    const comparable = (input: TableInput) => ({
      TableName: input.TableName,
      KeySchema: input.KeySchema,
      AttributeDefinitions: [...(input.AttributeDefinitions ?? [])].sort((a, b) =>
        String(a.AttributeName).localeCompare(String(b.AttributeName)),
      ),
      GlobalSecondaryIndexes: [...(input.GlobalSecondaryIndexes ?? [])]
        .map((i) => ({
          IndexName: i.IndexName,
          KeySchema: i.KeySchema,
          Projection: {
            ProjectionType: i.Projection?.ProjectionType,
            NonKeyAttributes: i.Projection?.NonKeyAttributes,
          },
        }))
        .sort((a, b) => String(a.IndexName).localeCompare(String(b.IndexName))),
      StreamViewType: input.StreamSpecification?.StreamViewType,
      timeToLiveAttribute: input.timeToLiveAttribute,
    });
    const byName = (a: { TableName?: string }, b: { TableName?: string }) =>
      String(a.TableName).localeCompare(String(b.TableName));
    const fromTemplate = tableInputsFromTemplate(synth.template.toJSON(), (logicalId) =>
      String(byLogicalId.get(logicalId)),
    );
    const fromSchema = tableInputsFromSchema((id) => id);
    expect(fromTemplate.map(comparable).sort(byName)).toEqual(fromSchema.map(comparable).sort(byName));
  });

  it('gives every function every table name through the documented variables', () => {
    const functions = synth.template.findResources('AWS::Lambda::Function', {
      Properties: {
        Environment: { Variables: Match.objectLike({ POWERTOOLS_SERVICE_NAME: Match.anyValue() }) },
      },
    }) as Record<string, { Properties: { Environment: { Variables: Record<string, unknown> } } }>;
    expect(Object.keys(functions)).toHaveLength(Object.keys(FUNCTION_ENTRIES).length);
    for (const fn of Object.values(functions)) {
      for (const [key, id] of Object.entries(TABLE_IDS)) {
        const table = synth.stack.data.tables[key as keyof typeof TABLE_IDS];
        const envName = TABLE_ENV[id];
        expect(fn.Properties.Environment.Variables[envName]).toEqual({ Ref: logicalIdOf(table) });
      }
    }
  });
});

describe('tables (destroy, customer-managed key)', () => {
  const synth = synthTeam({ removalPolicy: 'destroy', dataEncryption: 'customer-managed' });
  afterAll(() => synth.cleanup());
  const tables = Object.values(synth.template.findResources('AWS::DynamoDB::Table')) as TableResource[];

  it('drops deletion protection and deletes with the stack', () => {
    for (const table of tables) {
      expect(table.Properties.DeletionProtectionEnabled).toBe(false);
      expect(table.DeletionPolicy).toBe('Delete');
    }
  });

  it('encrypts with the stack key (rotated) and grants it to the functions that use the tables', () => {
    const key = synth.stack.data.key!;
    synth.template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, Description: 'TEAM DynamoDB tables' },
    });
    for (const table of tables) {
      expect(table.Properties.SSESpecification).toEqual({
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [logicalIdOf(key), 'Arn'] },
      });
    }
    const keyArn = `<${logicalIdOf(key)}.Arn>`;
    for (const fn of Object.values(synth.stack.functions)) {
      const statements = roleStatements(synth.template, logicalIdOf(fn.role));
      const keyGrant = statements.find((s) => s.resources.includes(keyArn));
      expect(keyGrant?.actions).toEqual(expect.arrayContaining(['kms:Decrypt']));
    }
    // Readers cannot encrypt: the pre-token trigger only reads Settings.
    const preToken = roleStatements(synth.template, logicalIdOf(synth.stack.functions.preToken.role));
    expect(preToken.find((s) => s.resources.includes(keyArn))?.actions).not.toContain('kms:GenerateDataKey');
  });
});
