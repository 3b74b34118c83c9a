/**
 * DynamoDB Local for the benchmarks: one JVM, TEAM's tables created from
 * `lambdas/contract/tables.ts`, and a client that records every data call with the
 * capacity DynamoDB says it consumed (the idea of test/support/dynamo.ts, without vitest).
 */
import { randomBytes } from 'node:crypto';
import { DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/client';
import type { TableId } from '../../lambdas/contract/tables';
import { tableInputsFromSchema, tableNamesWithPrefix } from '../../local/dynamodb/schema-inputs';
import { createTables, startDynamoDbLocal } from '../../local/dynamodb';

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

/** One data call as sent, with what it read and consumed. */
export interface RecordedCall {
  command: string;
  table?: string;
  index?: string;
  /** Items DynamoDB read: Query/Scan ScannedCount, BatchGet/TransactGet keys, 1 per GetItem. */
  itemsRead: number;
  /** Capacity units consumed (table and indexes together). */
  units: number;
}

/** Totals over recorded calls. */
export interface DynamoStats {
  calls: number;
  byCommand: Record<string, number>;
  /** Query and Scan calls: the "pages" a list reads. */
  pages: number;
  scans: number;
  itemsRead: number;
  readUnits: number;
  writeUnits: number;
}

const obj = (v: unknown): Record<string, unknown> =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
const num = (v: unknown): number => (typeof v === 'number' ? v : 0);

function unitsOf(output: Record<string, unknown>): number {
  const c = output.ConsumedCapacity;
  const list = (Array.isArray(c) ? c : c ? [c] : []) as ConsumedCapacity[];
  return list.reduce((n, x) => n + (x.CapacityUnits ?? 0), 0);
}

function itemsReadBy(
  command: string,
  input: Record<string, unknown>,
  output: Record<string, unknown>,
): number {
  switch (command) {
    case 'Query':
    case 'Scan':
      return num(output.ScannedCount);
    case 'GetItem':
      return 1;
    case 'BatchGetItem':
      return Object.values(obj(input.RequestItems)).reduce<number>((n, r) => {
        const keys = obj(r).Keys;
        return n + (Array.isArray(keys) ? keys.length : 0);
      }, 0);
    case 'TransactGetItems':
      return Array.isArray(input.TransactItems) ? input.TransactItems.length : 0;
    default:
      return 0;
  }
}

/** Records the data calls of the clients it is attached to. */
export class DynamoRecorder {
  readonly calls: RecordedCall[] = [];
  /** Off while bulk loading, so the loader's calls are not counted. */
  enabled = true;
  /** Added before every call (like the simulators' latency knob); 0 = DynamoDB Local as is. */
  latencyMs = 0;

  /** Adds the recording middleware to a client (asks every data call for its capacity). */
  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const name = (context.commandName ?? '').replace(/Command$/, '');
        const input = obj(args.input);
        const data = READS.has(name) || WRITES.has(name);
        if (data) input.ReturnConsumedCapacity = 'INDEXES';
        if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
        const result = await next(args);
        if (data && this.enabled) {
          const output = obj(result.output);
          const call: RecordedCall = {
            command: name,
            itemsRead: itemsReadBy(name, input, output),
            units: unitsOf(output),
          };
          if (typeof input.TableName === 'string') call.table = input.TableName;
          if (typeof input.IndexName === 'string') call.index = input.IndexName;
          this.calls.push(call);
        }
        return result;
      },
      { step: 'serialize', priority: 'high', name: 'benchRecordCalls' },
    );
  }

  reset(): void {
    this.calls.length = 0;
  }

  stats(): DynamoStats {
    const byCommand: Record<string, number> = {};
    let itemsRead = 0;
    let readUnits = 0;
    let writeUnits = 0;
    for (const c of this.calls) {
      byCommand[c.command] = (byCommand[c.command] ?? 0) + 1;
      itemsRead += c.itemsRead;
      if (READS.has(c.command)) readUnits += c.units;
      else writeUnits += c.units;
    }
    return {
      calls: this.calls.length,
      byCommand,
      pages: (byCommand.Query ?? 0) + (byCommand.Scan ?? 0),
      scans: byCommand.Scan ?? 0,
      itemsRead,
      readUnits: Math.round(readUnits * 100) / 100,
      writeUnits: Math.round(writeUnits * 100) / 100,
    };
  }
}

export interface BenchDynamo {
  endpoint: string;
  /** The recorded client (and its DocumentClient): what the code under measurement uses. */
  client: DynamoDBClient;
  doc: DynamoDBDocumentClient;
  /** An unrecorded client for loading data. */
  loader: DynamoDBDocumentClient;
  recorder: DynamoRecorder;
  /** Creates a full set of TEAM tables under a new prefix. */
  createTeamTables(): Promise<Record<TableId, string>>;
  stop(): Promise<void>;
}

const LOCAL = { region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };

/** Starts an in-memory DynamoDB Local with a recorded and an unrecorded client. */
export async function startBenchDynamo(): Promise<BenchDynamo> {
  const local = await startDynamoDbLocal({ inMemory: true });
  const client = new DynamoDBClient({ endpoint: local.endpoint, ...LOCAL });
  const loaderClient = new DynamoDBClient({ endpoint: local.endpoint, ...LOCAL, maxAttempts: 10 });
  const recorder = new DynamoRecorder();
  recorder.attach(client);
  return {
    endpoint: local.endpoint,
    client,
    doc: createDocumentClient(client),
    loader: createDocumentClient(loaderClient),
    recorder,
    async createTeamTables() {
      const prefix = `b${randomBytes(3).toString('hex')}-`;
      const names = tableNamesWithPrefix(prefix);
      await createTables(
        loaderClient,
        tableInputsFromSchema((id) => names[id]),
      );
      return names;
    },
    async stop() {
      client.destroy();
      loaderClient.destroy();
      await local.stop();
    },
  };
}
