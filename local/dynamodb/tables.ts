import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
  type DynamoDBClient,
  type GlobalSecondaryIndex,
  type LocalSecondaryIndex,
  type ProvisionedThroughput,
  type StreamViewType,
} from '@aws-sdk/client-dynamodb';
import { z } from 'zod';

/** A CreateTable input plus the TTL attribute, which DynamoDB sets with a separate call. */
export type TableInput = CreateTableCommandInput & { timeToLiveAttribute?: string };

export interface CreateTablesResult {
  created: string[];
  existing: string[];
}

async function tableExists(client: DynamoDBClient, tableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: tableName }));
    return true;
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return false;
    throw err;
  }
}

/**
 * Creates the tables that do not exist yet; existing ones are left alone (their data is kept
 * between `npm start` runs). Safe to call concurrently for the same tables.
 */
export async function createTables(
  client: DynamoDBClient,
  inputs: TableInput[],
): Promise<CreateTablesResult> {
  const result: CreateTablesResult = { created: [], existing: [] };
  for (const { timeToLiveAttribute, ...input } of inputs) {
    const name = input.TableName;
    if (!name) throw new Error('createTables: every input needs a TableName');
    if (await tableExists(client, name)) {
      result.existing.push(name);
      continue;
    }
    try {
      await client.send(new CreateTableCommand(input));
    } catch (err) {
      if (err instanceof ResourceInUseException) {
        result.existing.push(name);
        continue;
      }
      throw err;
    }
    if (timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: name,
          TimeToLiveSpecification: { AttributeName: timeToLiveAttribute, Enabled: true },
        }),
      );
    }
    result.created.push(name);
  }
  return result;
}

// Only the parts of the CloudFormation resources that DynamoDB Local cares about; the rest
// (SSE, PITR, tags, deletion protection, replicas' regions) has no local meaning.
const keySchema = z.array(z.object({ AttributeName: z.string(), KeyType: z.enum(['HASH', 'RANGE']) }));
const attributeDefinitions = z.array(
  z.object({ AttributeName: z.string(), AttributeType: z.enum(['S', 'N', 'B']) }),
);
const projection = z.looseObject({
  ProjectionType: z.enum(['ALL', 'KEYS_ONLY', 'INCLUDE']).optional(),
  NonKeyAttributes: z.array(z.string()).optional(),
});
const throughput = z.looseObject({ ReadCapacityUnits: z.number(), WriteCapacityUnits: z.number() });
const index = z.looseObject({
  IndexName: z.string(),
  KeySchema: keySchema,
  Projection: projection,
  ProvisionedThroughput: throughput.optional(),
});
const tableProperties = z.looseObject({
  TableName: z.unknown().optional(),
  KeySchema: keySchema,
  AttributeDefinitions: attributeDefinitions,
  BillingMode: z.enum(['PAY_PER_REQUEST', 'PROVISIONED']).optional(),
  ProvisionedThroughput: throughput.optional(),
  GlobalSecondaryIndexes: z.array(index).optional(),
  LocalSecondaryIndexes: z.array(index).optional(),
  StreamSpecification: z
    .looseObject({ StreamViewType: z.enum(['KEYS_ONLY', 'NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES']) })
    .optional(),
  TimeToLiveSpecification: z.looseObject({ AttributeName: z.string(), Enabled: z.unknown() }).optional(),
});
const resource = z.looseObject({ Type: z.string(), Properties: z.unknown().optional() });
const template = z.looseObject({ Resources: z.record(z.string(), resource).optional() });

const TABLE_TYPES = new Set(['AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable']);
// Provisioned capacity means nothing to DynamoDB Local, but CreateTable still demands numbers.
const LOCAL_THROUGHPUT: ProvisionedThroughput = { ReadCapacityUnits: 5, WriteCapacityUnits: 5 };

/**
 * Turns every `AWS::DynamoDB::Table` / `AWS::DynamoDB::GlobalTable` of a synthesized
 * CloudFormation template into CreateTable inputs. Tables are named by `nameFor(logicalId)`,
 * else by a literal `TableName`, else by their logical id.
 */
export function tableInputsFromTemplate(
  cfnTemplate: object,
  nameFor?: (logicalId: string) => string,
): TableInput[] {
  const parsed = template.parse(cfnTemplate);
  const inputs: TableInput[] = [];
  for (const [logicalId, res] of Object.entries(parsed.Resources ?? {})) {
    if (!TABLE_TYPES.has(res.Type)) continue;
    const props = tableProperties.safeParse(res.Properties ?? {});
    if (!props.success) {
      throw new Error(`Table ${logicalId}: unsupported properties: ${z.prettifyError(props.error)}`);
    }
    const p = props.data;
    const tableName = nameFor
      ? nameFor(logicalId)
      : typeof p.TableName === 'string'
        ? p.TableName
        : logicalId;
    // AWS::DynamoDB::Table defaults to PROVISIONED; GlobalTable has no default but CDK sets it.
    const provisioned = p.BillingMode !== 'PAY_PER_REQUEST';
    const gsis: GlobalSecondaryIndex[] | undefined = p.GlobalSecondaryIndexes?.map((gsi) => ({
      IndexName: gsi.IndexName,
      KeySchema: gsi.KeySchema,
      Projection: {
        ProjectionType: gsi.Projection.ProjectionType,
        NonKeyAttributes: gsi.Projection.NonKeyAttributes,
      },
      ...(provisioned ? { ProvisionedThroughput: pickThroughput(gsi.ProvisionedThroughput) } : {}),
    }));
    const lsis: LocalSecondaryIndex[] | undefined = p.LocalSecondaryIndexes?.map((lsi) => ({
      IndexName: lsi.IndexName,
      KeySchema: lsi.KeySchema,
      Projection: {
        ProjectionType: lsi.Projection.ProjectionType,
        NonKeyAttributes: lsi.Projection.NonKeyAttributes,
      },
    }));
    const ttl = p.TimeToLiveSpecification;
    const input: TableInput = {
      TableName: tableName,
      KeySchema: p.KeySchema,
      AttributeDefinitions: p.AttributeDefinitions,
      BillingMode: provisioned ? 'PROVISIONED' : 'PAY_PER_REQUEST',
      ...(provisioned ? { ProvisionedThroughput: pickThroughput(p.ProvisionedThroughput) } : {}),
      ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
      ...(lsis?.length ? { LocalSecondaryIndexes: lsis } : {}),
      ...(p.StreamSpecification
        ? {
            StreamSpecification: {
              StreamEnabled: true,
              StreamViewType: p.StreamSpecification.StreamViewType as StreamViewType,
            },
          }
        : {}),
      ...(ttl && ttl.Enabled !== false && ttl.Enabled !== 'false'
        ? { timeToLiveAttribute: ttl.AttributeName }
        : {}),
    };
    inputs.push(input);
  }
  return inputs;
}

function pickThroughput(t: z.infer<typeof throughput> | undefined): ProvisionedThroughput {
  return t
    ? { ReadCapacityUnits: t.ReadCapacityUnits, WriteCapacityUnits: t.WriteCapacityUnits }
    : LOCAL_THROUGHPUT;
}
