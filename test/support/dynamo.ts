/**
 * DynamoDB Local for adapter tests: one JVM per test file, TEAM's tables created from
 * `lambdas/contract/tables.ts` under a unique prefix, and a DocumentClient that records
 * every call with its consumed capacity (so tests can prove a list never reads more than a page).
 */
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand, DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import {
  createTables,
  tableInputsFromSchema,
  tableNamesWithPrefix,
  type TableInput,
} from '../../local/dynamodb';
import type { TableId } from '../../lambdas/contract/tables';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/client';
import { sharedDynamoEndpoint } from './shared-dynamo';

/**
 * CreateTable inputs for every TEAM table, named `<prefix><TableId>`, without TTL. DynamoDB
 * Local's TTL sweeper deletes expired items by wall-clock time, while these tests run on a
 * fixed clock (often months in the past), so it would delete their items at random moments.
 * The adapters compare expiry with their own clock on every read, which is what the tests check;
 * the TTL attribute itself is checked against the schema and the synthesized template.
 */
export function tableInputs(prefix: string): TableInput[] {
  const names = tableNamesWithPrefix(prefix);
  return tableInputsFromSchema((id) => names[id]).map(({ timeToLiveAttribute: _ttl, ...input }) => input);
}

/** One DynamoDB call as the client sent it and what it consumed. */
export interface RecordedCall {
  command: string;
  tableName?: string;
  indexName?: string;
  limit?: number;
  /** Items returned (Query/Scan `Count`, or items a BatchGet returned). */
  count?: number;
  /** Items read before any filter (Query/Scan). */
  scannedCount?: number;
  /** Keys asked for by a BatchGet. */
  requestedKeys?: number;
  consumed: ConsumedCapacity[];
}

export interface DynamoHarness {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly doc: DynamoDBDocumentClient;
  readonly tables: Record<TableId, string>;
  /** Calls since the start or the last resetCalls(). */
  readonly calls: readonly RecordedCall[];
  resetCalls(): void;
  /** Creates another full set of tables under a new prefix (for tests that need empty tables). */
  freshTables(): Promise<Record<TableId, string>>;
}

const DATA_COMMANDS = new Set(
  [
    'GetItem',
    'PutItem',
    'UpdateItem',
    'DeleteItem',
    'Query',
    'Scan',
    'BatchGetItem',
    'BatchWriteItem',
    'TransactGetItems',
    'TransactWriteItems',
  ].map((name) => `${name}Command`),
);

const record = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

const asNumber = (value: unknown): number | undefined => (typeof value === 'number' ? value : undefined);
const asString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

function consumedOf(output: Record<string, unknown>): ConsumedCapacity[] {
  const c = output.ConsumedCapacity;
  if (Array.isArray(c)) return c as ConsumedCapacity[];
  return c ? [c as ConsumedCapacity] : [];
}

function describeCall(command: string, input: Record<string, unknown>, output: Record<string, unknown>) {
  const call: RecordedCall = { command, consumed: consumedOf(output) };
  const tableName = asString(input.TableName);
  if (tableName) call.tableName = tableName;
  const indexName = asString(input.IndexName);
  if (indexName) call.indexName = indexName;
  const limit = asNumber(input.Limit);
  if (limit !== undefined) call.limit = limit;
  const count = asNumber(output.Count);
  if (count !== undefined) call.count = count;
  const scanned = asNumber(output.ScannedCount);
  if (scanned !== undefined) call.scannedCount = scanned;
  if (command === 'BatchGetItemCommand') {
    const requested = Object.values(record(input.RequestItems)).map((r) => record(r).Keys);
    call.requestedKeys = requested.reduce<number>(
      (n, keys) => n + (Array.isArray(keys) ? keys.length : 0),
      0,
    );
    const responses = Object.values(record(output.Responses));
    call.count = responses.reduce<number>((n, items) => n + (Array.isArray(items) ? items.length : 0), 0);
    const names = Object.keys(record(input.RequestItems));
    if (names.length === 1 && names[0]) call.tableName = names[0];
  }
  return call;
}

/**
 * The file's tables in the run's shared DynamoDB Local: created before its tests under a unique
 * prefix and deleted after them. Read the members inside tests or hooks, not at import.
 */
export function useDynamo(): DynamoHarness {
  let endpoint: string | undefined;
  let client: DynamoDBClient | undefined;
  let doc: DynamoDBDocumentClient | undefined;
  let tables: Record<TableId, string> | undefined;
  const calls: RecordedCall[] = [];
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`useDynamo: ${what} is available once beforeAll has run`);
    return value;
  };
  const created: string[] = [];
  const create = async (): Promise<Record<TableId, string>> => {
    const prefix = `t${randomBytes(4).toString('hex')}-`;
    await createTables(need(client, 'client'), tableInputs(prefix));
    const names = tableNamesWithPrefix(prefix);
    created.push(...Object.values(names));
    return names;
  };

  beforeAll(async () => {
    endpoint = sharedDynamoEndpoint();
    client = new DynamoDBClient({
      endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = record(args.input);
        // Ask every data call for its capacity per table and index.
        if (DATA_COMMANDS.has(context.commandName ?? '')) input.ReturnConsumedCapacity = 'INDEXES';
        const result = await next(args);
        calls.push(describeCall(context.commandName ?? 'unknown', input, record(result.output)));
        return result;
      },
      { step: 'serialize', priority: 'high', name: 'recordCalls' },
    );
    doc = createDocumentClient(client);
    tables = await create();
  });

  afterAll(async () => {
    if (client) await deleteTables(client, created);
    client?.destroy();
  });

  return {
    get endpoint() {
      return need(endpoint, 'endpoint');
    },
    get client() {
      return need(client, 'client');
    },
    get doc() {
      return need(doc, 'doc');
    },
    get tables() {
      return need(tables, 'tables');
    },
    get calls() {
      return calls;
    },
    resetCalls() {
      calls.length = 0;
    },
    freshTables: create,
  };
}

/** Deletes a file's tables from the shared DynamoDB Local (what is already gone is fine). */
async function deleteTables(client: DynamoDBClient, names: readonly string[]): Promise<void> {
  await Promise.all(
    names.map((TableName) => client.send(new DeleteTableCommand({ TableName })).catch(() => undefined)),
  );
}
