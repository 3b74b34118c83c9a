/**
 * CreateTable inputs built from the contract's table schema (`TABLES`), for DynamoDB Local: the
 * local cloud, the tests and the benchmarks create their tables with them (`createTables()`).
 */
import type {
  AttributeDefinition,
  KeySchemaElement,
  Projection as DynamoProjection,
} from '@aws-sdk/client-dynamodb';
import {
  TABLES,
  type KeyDef,
  type Projection,
  type TableDef,
  type TableId,
} from '../../lambdas/contract/tables';
import type { TableInput } from './tables';

/** Every table id, in a stable order. */
export const TABLE_IDS = Object.keys(TABLES) as TableId[];

/** Table names `<prefix><TableId>` for every table (e.g. `t1-Requests`). */
export function tableNamesWithPrefix(prefix: string): Record<TableId, string> {
  return Object.fromEntries(TABLE_IDS.map((id) => [id, `${prefix}${id}`])) as Record<TableId, string>;
}

function keySchema(partitionKey: KeyDef, sortKey: KeyDef | undefined): KeySchemaElement[] {
  return [
    { AttributeName: partitionKey.name, KeyType: 'HASH' },
    ...(sortKey ? [{ AttributeName: sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

/** The CreateTable projection of a schema projection. */
export function projectionOf(projection: Projection): DynamoProjection {
  if (projection === 'ALL' || projection === 'KEYS_ONLY') return { ProjectionType: projection };
  return { ProjectionType: 'INCLUDE', NonKeyAttributes: [...projection.include] };
}

/** Each key attribute once; DynamoDB rejects definitions of attributes that no key uses. */
function attributeDefinitions(table: TableDef): AttributeDefinition[] {
  const keys: KeyDef[] = [table.partitionKey];
  if (table.sortKey) keys.push(table.sortKey);
  for (const index of table.indexes) {
    keys.push(index.partitionKey);
    if (index.sortKey) keys.push(index.sortKey);
  }
  const byName = new Map<string, KeyDef>();
  for (const key of keys) {
    const seen = byName.get(key.name);
    if (seen && seen.type !== key.type) {
      throw new Error(
        `Table ${table.id}: attribute ${key.name} is used as both ${seen.type} and ${key.type}`,
      );
    }
    byName.set(key.name, key);
  }
  return [...byName.values()].map((k) => ({ AttributeName: k.name, AttributeType: k.type }));
}

/** The CreateTable input (plus TTL attribute) of one table definition. */
export function tableInputOf(table: TableDef, tableName: string): TableInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: keySchema(table.partitionKey, table.sortKey),
    AttributeDefinitions: attributeDefinitions(table),
    ...(table.indexes.length > 0
      ? {
          GlobalSecondaryIndexes: table.indexes.map((index) => ({
            IndexName: index.name,
            KeySchema: keySchema(index.partitionKey, index.sortKey),
            Projection: projectionOf(index.projection),
          })),
        }
      : {}),
    ...(table.stream
      ? { StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' } }
      : {}),
    ...(table.ttlAttribute ? { timeToLiveAttribute: table.ttlAttribute } : {}),
  };
}

/** CreateTable inputs for every table in `TABLES`, named by `nameFor`. */
export function tableInputsFromSchema(nameFor: (id: TableId) => string): TableInput[] {
  return TABLE_IDS.map((id) => tableInputOf(TABLES[id], nameFor(id)));
}
