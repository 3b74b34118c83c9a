import { RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import {
  TABLES,
  type KeyDef,
  type Projection,
  type TableDef,
  TABLE_IDS,
  type TableId,
  type TableKey,
} from '../lambdas/contract/tables';

/** The table definition of each table key (keys, indexes, stream, TTL). */
export type TableSpec = TableDef;

/**
 * The data model, from the schema the repositories and the local cloud use too
 * (lambdas/contract/tables.ts), so a key or an index cannot differ between them.
 */
export const TABLE_SPECS: Readonly<Record<TableKey, TableSpec>> = Object.fromEntries(
  (Object.entries(TABLE_IDS) as [TableKey, TableId][]).map(([key, id]) => [key, TABLES[id]]),
) as Record<TableKey, TableSpec>;

function attribute(key: KeyDef): dynamodb.Attribute {
  return {
    name: key.name,
    type: key.type === 'N' ? dynamodb.AttributeType.NUMBER : dynamodb.AttributeType.STRING,
  };
}

/** The CDK projection of a schema projection (the same one the local tables get). */
function projectionProps(
  projection: Projection,
): Pick<dynamodb.GlobalSecondaryIndexProps, 'projectionType' | 'nonKeyAttributes'> {
  if (projection === 'ALL') return { projectionType: dynamodb.ProjectionType.ALL };
  if (projection === 'KEYS_ONLY') return { projectionType: dynamodb.ProjectionType.KEYS_ONLY };
  return { projectionType: dynamodb.ProjectionType.INCLUDE, nonKeyAttributes: [...projection.include] };
}

/** What a function may do with a table. */
export type TableAccess = 'read' | 'write' | 'readwrite';

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

export interface TeamDataProps {
  /** RETAIN keeps every table (with deletion protection on) when the stack is deleted. */
  readonly removalPolicy: RemovalPolicy;
  /** Encrypt with a customer-managed KMS key created here (default: the AWS-managed key). */
  readonly customerManagedKey?: boolean;
}

/**
 * The DynamoDB tables of TEAM: on-demand, point-in-time recovery, encrypted, deletion
 * protection while retained, the Requests stream (NEW_AND_OLD_IMAGES) and the TTLs and GSIs
 * of docs/architecture.md. Access is granted per table and per named index, never `index/*`.
 */
export class TeamData extends Construct {
  readonly tables: Readonly<Record<TableKey, dynamodb.Table>>;
  /** The customer-managed key, when one was asked for. */
  readonly key?: kms.Key;

  constructor(scope: Construct, id: string, props: TeamDataProps) {
    super(scope, id);
    const retain = props.removalPolicy === RemovalPolicy.RETAIN;
    if (props.customerManagedKey) {
      this.key = new kms.Key(this, 'Key', {
        description: 'TEAM DynamoDB tables',
        enableKeyRotation: true,
        removalPolicy: props.removalPolicy,
      });
    }
    const tables: Partial<Record<TableKey, dynamodb.Table>> = {};
    for (const [key, spec] of Object.entries(TABLE_SPECS) as [TableKey, TableSpec][]) {
      const table = new dynamodb.Table(this, spec.id, {
        partitionKey: attribute(spec.partitionKey),
        sortKey: spec.sortKey ? attribute(spec.sortKey) : undefined,
        billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        encryption: this.key
          ? dynamodb.TableEncryption.CUSTOMER_MANAGED
          : dynamodb.TableEncryption.AWS_MANAGED,
        encryptionKey: this.key,
        deletionProtection: retain,
        removalPolicy: props.removalPolicy,
        timeToLiveAttribute: spec.ttlAttribute,
        stream: spec.stream ? dynamodb.StreamViewType.NEW_AND_OLD_IMAGES : undefined,
      });
      for (const index of spec.indexes) {
        table.addGlobalSecondaryIndex({
          indexName: index.name,
          partitionKey: attribute(index.partitionKey),
          sortKey: index.sortKey ? attribute(index.sortKey) : undefined,
          ...projectionProps(index.projection),
        });
      }
      tables[key] = table;
    }
    this.tables = tables as Record<TableKey, dynamodb.Table>;
  }

  /** The names of the tables, keyed like TABLE_SPECS. */
  tableNames(): Record<TableKey, string> {
    const names = {} as Record<TableKey, string>;
    for (const key of Object.keys(this.tables) as TableKey[]) names[key] = this.tables[key].tableName;
    return names;
  }

  /**
   * Grants `access` on one table, and Query on the named indexes (all of the table's indexes
   * when `indexes` is omitted and the access includes reads).
   */
  grant(grantee: iam.IGrantable, table: TableKey, access: TableAccess, indexes?: readonly string[]): void {
    const spec = TABLE_SPECS[table];
    const arn = this.tables[table].tableArn;
    const reads = access !== 'write';
    const actions = [
      ...new Set([...(reads ? READ_ACTIONS : []), ...(access !== 'read' ? WRITE_ACTIONS : [])]),
    ];
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions, resources: [arn] }));
    const indexNames = indexes ?? (reads ? spec.indexes.map((i) => i.name) : []);
    for (const name of indexNames) {
      if (!spec.indexes.some((i) => i.name === name)) {
        throw new Error(`Table ${spec.id} has no index ${name}`);
      }
    }
    if (indexNames.length) {
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['dynamodb:Query'],
          resources: indexNames.map((name) => `${arn}/index/${name}`),
        }),
      );
    }
    if (this.key) {
      const keyActions = [
        'kms:Decrypt',
        'kms:DescribeKey',
        ...(access !== 'read' ? ['kms:Encrypt', 'kms:GenerateDataKey'] : []),
      ];
      grantee.grantPrincipal.addToPrincipalPolicy(
        new iam.PolicyStatement({ actions: keyActions, resources: [this.key.keyArn] }),
      );
    }
  }
}
