import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DeleteItemCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  PutItemCommand,
  QueryCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createTables,
  startDynamoDbLocal,
  startStreamPoller,
  type StreamPoller,
} from '../../../local/dynamodb';
import type { TableInput } from '../../../local/dynamodb';

let ddb: Awaited<ReturnType<typeof startDynamoDbLocal>>;
let client: DynamoDBClient;
const pollers: StreamPoller[] = [];

const tableInput = (name: string): TableInput => ({
  TableName: name,
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  AttributeDefinitions: [
    { AttributeName: 'pk', AttributeType: 'S' },
    { AttributeName: 'status', AttributeType: 'S' },
  ],
  BillingMode: 'PAY_PER_REQUEST',
  GlobalSecondaryIndexes: [
    {
      IndexName: 'byStatus',
      KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }],
      Projection: { ProjectionType: 'ALL' },
    },
  ],
  StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
  timeToLiveAttribute: 'expireAt',
});

let tableCounter = 0;
async function freshTable(): Promise<string> {
  const name = `stream-test-${++tableCounter}`;
  await createTables(client, [tableInput(name)]);
  return name;
}

const put = (table: string, pk: string, status: string) =>
  client.send(new PutItemCommand({ TableName: table, Item: { pk: { S: pk }, status: { S: status } } }));
const setStatus = (table: string, pk: string, status: string) =>
  client.send(
    new UpdateItemCommand({
      TableName: table,
      Key: { pk: { S: pk } },
      UpdateExpression: 'SET #s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': { S: status } },
    }),
  );

const summary = (r: DynamoDBRecord) =>
  `${r.eventName} ${r.dynamodb?.Keys?.pk?.S} ${r.dynamodb?.OldImage?.status?.S ?? '-'}->${r.dynamodb?.NewImage?.status?.S ?? '-'}`;

async function poll(table: string, handler: (e: DynamoDBStreamEvent) => unknown, extra = {}) {
  const poller = await startStreamPoller({
    endpoint: ddb.endpoint,
    tableName: table,
    pollIntervalMs: 20,
    handler: async (e) => (await handler(e)) as DynamoDBBatchResponse | void,
    ...extra,
  });
  pollers.push(poller);
  return poller;
}

beforeAll(async () => {
  ddb = await startDynamoDbLocal({ inMemory: true });
  client = new DynamoDBClient({
    endpoint: ddb.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((p) => p.stop()));
});

afterAll(async () => {
  client?.destroy();
  await ddb?.stop();
});

describe('createTables', () => {
  it('creates a table with its GSI, stream and TTL, and leaves existing tables alone', async () => {
    const first = await createTables(client, [tableInput('idempotent-table')]);
    expect(first).toEqual({ created: ['idempotent-table'], existing: [] });
    await put('idempotent-table', 'keep-me', 'pending');

    const second = await createTables(client, [tableInput('idempotent-table'), tableInput('other-table')]);
    expect(second).toEqual({ created: ['other-table'], existing: ['idempotent-table'] });

    const table = await client.send(new DescribeTableCommand({ TableName: 'idempotent-table' }));
    expect(table.Table?.ItemCount ?? 1).toBeGreaterThan(0);
    expect(table.Table?.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(['byStatus']);
    expect(table.Table?.StreamSpecification).toEqual({
      StreamEnabled: true,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    });
    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: 'idempotent-table' }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe('expireAt');
    const byStatus = await client.send(
      new QueryCommand({
        TableName: 'idempotent-table',
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': { S: 'pending' } },
      }),
    );
    expect(byStatus.Items?.map((i) => i.pk?.S)).toEqual(['keep-me']);
  });
});

describe('startStreamPoller', () => {
  it('delivers INSERT, MODIFY and REMOVE in order with old and new images, Lambda-shaped', async () => {
    const table = await freshTable();
    const seen: DynamoDBRecord[] = [];
    const poller = await poll(table, (e) => void seen.push(...e.Records));

    await put(table, 'r1', 'pending');
    await setStatus(table, 'r1', 'approved');
    await put(table, 'r2', 'pending');
    await setStatus(table, 'r1', 'scheduled');
    await client.send(new DeleteItemCommand({ TableName: table, Key: { pk: { S: 'r2' } } }));
    await poller.drain();

    expect(seen.map(summary)).toEqual([
      'INSERT r1 -->pending',
      'MODIFY r1 pending->approved',
      'INSERT r2 -->pending',
      'MODIFY r1 approved->scheduled',
      'REMOVE r2 pending->-',
    ]);
    const first = seen[0];
    expect(first).toMatchObject({
      eventSource: 'aws:dynamodb',
      awsRegion: 'us-east-1',
      eventVersion: '1.1',
      dynamodb: {
        Keys: { pk: { S: 'r1' } },
        StreamViewType: 'NEW_AND_OLD_IMAGES',
      },
    });
    expect(first?.eventID).toEqual(expect.any(String));
    expect(first?.eventSourceARN).toMatch(
      new RegExp(`^arn:aws:dynamodb:us-east-1:\\d{12}:table/${table}/stream/`),
    );
    expect(first?.dynamodb?.ApproximateCreationDateTime).toEqual(expect.any(Number));
    expect(first?.dynamodb?.SizeBytes).toBeGreaterThan(0);
    const seqs = seen.map((r) => BigInt(r.dynamodb?.SequenceNumber ?? '0'));
    expect([...seqs].sort((a, b) => (a < b ? -1 : 1))).toEqual(seqs);
    expect(poller.stats()).toMatchObject({ delivered: 5, failures: 0, skipped: 0 });
  });

  it('keeps delivering what the handler itself writes, and drain waits for it', async () => {
    const table = await freshTable();
    const seen: string[] = [];
    const poller = await poll(table, async (e) => {
      for (const r of e.Records) {
        seen.push(summary(r));
        // Like the router: a status change triggers the next one.
        if (r.dynamodb?.NewImage?.status?.S === 'pending') await setStatus(table, 'chain', 'scheduled');
      }
    });
    await put(table, 'chain', 'pending');
    await poller.drain();
    expect(seen).toEqual(['INSERT chain -->pending', 'MODIFY chain pending->scheduled']);
  });

  it('converts binary attributes to base64 like Lambda does', async () => {
    const table = await freshTable();
    const seen: DynamoDBRecord[] = [];
    const poller = await poll(table, (e) => void seen.push(...e.Records));
    await client.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          pk: { S: 'bin' },
          status: { S: 'x' },
          blob: { B: new Uint8Array([1, 2, 3]) },
          nested: { M: { list: { L: [{ N: '1' }, { BOOL: true }, { NULL: true }] }, tags: { SS: ['a'] } } },
        },
      }),
    );
    await poller.drain();
    expect(seen[0]?.dynamodb?.NewImage).toEqual({
      pk: { S: 'bin' },
      status: { S: 'x' },
      blob: { B: 'AQID' },
      nested: { M: { list: { L: [{ N: '1' }, { BOOL: true }, { NULL: true }] }, tags: { SS: ['a'] } } },
    });
  });

  it('respects batchSize', async () => {
    const table = await freshTable();
    const sizes: number[] = [];
    const poller = await poll(table, (e) => void sizes.push(e.Records.length), { batchSize: 2 });
    for (let i = 0; i < 5; i++) await put(table, `b${i}`, 'pending');
    await poller.drain();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(5);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(2);
  });

  it('retries a partial batch failure from the failed record and never redelivers successes', async () => {
    const table = await freshTable();
    for (const pk of ['p1', 'p2', 'p3', 'p4']) await put(table, pk, 'pending');
    const calls: string[][] = [];
    let failedOnce = false;
    const poller = await poll(table, (e) => {
      calls.push(e.Records.map((r) => r.dynamodb?.Keys?.pk?.S ?? '?'));
      const p3 = e.Records.find((r) => r.dynamodb?.Keys?.pk?.S === 'p3');
      if (p3 && !failedOnce) {
        failedOnce = true;
        return { batchItemFailures: [{ itemIdentifier: p3.dynamodb?.SequenceNumber ?? '' }] };
      }
      return { batchItemFailures: [] };
    });
    await poller.drain();
    expect(calls).toEqual([
      ['p1', 'p2', 'p3', 'p4'],
      ['p3', 'p4'],
    ]);
    expect(poller.stats()).toMatchObject({ delivered: 4, invocations: 2, failures: 1, skipped: 0 });

    // A later write is delivered alone: nothing before it comes back.
    await put(table, 'p5', 'pending');
    await poller.drain();
    expect(calls.at(-1)).toEqual(['p5']);
  });

  it('treats an unknown itemIdentifier as a failure of the whole batch', async () => {
    const table = await freshTable();
    await put(table, 'u1', 'pending');
    await put(table, 'u2', 'pending');
    const calls: number[] = [];
    const poller = await poll(table, (e) => {
      calls.push(e.Records.length);
      return calls.length === 1 ? { batchItemFailures: [{ itemIdentifier: 'nonsense' }] } : undefined;
    });
    await poller.drain();
    expect(calls).toEqual([2, 2]);
  });

  it('retries a throwing handler up to maxRetries, then reports and moves on', async () => {
    const table = await freshTable();
    await put(table, 'bad', 'pending');
    const attempts: string[] = [];
    const errors: Array<{ error: unknown; keys: string[] }> = [];
    const poller = await poll(
      table,
      (e) => {
        const keys = e.Records.map((r) => r.dynamodb?.Keys?.pk?.S ?? '?');
        attempts.push(keys.join(','));
        if (keys.includes('bad')) throw new Error('boom');
      },
      {
        maxRetries: 2,
        onError: (error: unknown, event?: DynamoDBStreamEvent) =>
          errors.push({ error, keys: event?.Records.map((r) => r.dynamodb?.Keys?.pk?.S ?? '?') ?? [] }),
      },
    );
    await poller.drain();
    expect(attempts).toEqual(['bad', 'bad', 'bad']);
    expect(errors).toHaveLength(1);
    expect((errors[0]?.error as Error).message).toBe('boom');
    expect(errors[0]?.keys).toEqual(['bad']);
    expect(poller.stats()).toMatchObject({ skipped: 1, failures: 3 });

    await put(table, 'good', 'pending');
    await poller.drain();
    expect(attempts.at(-1)).toBe('good');
  });

  it('starts at LATEST when asked, skipping records written before the start', async () => {
    const table = await freshTable();
    await put(table, 'old', 'pending');
    const seen: string[] = [];
    const poller = await poll(table, (e) => void seen.push(...e.Records.map(summary)), {
      startingPosition: 'LATEST',
    });
    await put(table, 'new', 'pending');
    await poller.drain();
    expect(seen).toEqual(['INSERT new -->pending']);
  });

  it('skips filtered records without calling the handler for them', async () => {
    const table = await freshTable();
    const seen: string[] = [];
    const poller = await poll(table, (e) => void seen.push(...e.Records.map(summary)), {
      filter: (r: DynamoDBRecord) => r.eventName === 'MODIFY',
    });
    await put(table, 'f', 'pending');
    await setStatus(table, 'f', 'approved');
    await put(table, 'g', 'pending');
    await poller.drain();
    expect(seen).toEqual(['MODIFY f pending->approved']);
  });

  it('waits for a table that does not exist yet', async () => {
    const name = `late-table-${++tableCounter}`;
    const seen: string[] = [];
    const poller = await poll(name, (e) => void seen.push(...e.Records.map(summary)));
    await poller.drain();
    await createTables(client, [tableInput(name)]);
    await put(name, 'late', 'pending');
    await poller.drain();
    expect(seen).toEqual(['INSERT late -->pending']);
  });

  it('follows a recreated table to its new stream', async () => {
    const table = await freshTable();
    const seen: string[] = [];
    const poller = await poll(table, (e) => void seen.push(...e.Records.map(summary)));
    await put(table, 'v1', 'pending');
    await poller.drain();
    await client.send(new DeleteTableCommand({ TableName: table }));
    await createTables(client, [tableInput(table)]);
    await put(table, 'v2', 'pending');
    await poller.drain();
    expect(seen).toEqual(['INSERT v1 -->pending', 'INSERT v2 -->pending']);
  });

  it('starting at LATEST on a table created later still delivers its first records', async () => {
    const name = `late-latest-${++tableCounter}`;
    const seen: string[] = [];
    const poller = await poll(name, (e) => void seen.push(...e.Records.map(summary)), {
      startingPosition: 'LATEST',
    });
    await createTables(client, [tableInput(name)]);
    await put(name, 'first', 'pending');
    await poller.drain();
    expect(seen).toEqual(['INSERT first -->pending']);
  });

  it('rejects drain after stop', async () => {
    const table = await freshTable();
    const poller = await poll(table, () => undefined);
    await poller.stop();
    await expect(poller.drain()).rejects.toThrow(/stopped/);
  });
});

describe('startDynamoDbLocal with a data directory', () => {
  it('keeps tables and items between runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'team-ddb-'));
    try {
      const first = await startDynamoDbLocal({ dataDir: dir });
      const c1 = new DynamoDBClient({
        endpoint: first.endpoint,
        region: 'eu-west-1',
        credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
      });
      await createTables(c1, [tableInput('persisted')]);
      await c1.send(
        new PutItemCommand({ TableName: 'persisted', Item: { pk: { S: 'x' }, status: { S: 'y' } } }),
      );
      c1.destroy();
      await first.stop();

      const second = await startDynamoDbLocal({ dataDir: dir });
      // Other credentials and region on purpose: the database is shared.
      const c2 = new DynamoDBClient({
        endpoint: second.endpoint,
        region: 'us-east-1',
        credentials: { accessKeyId: 'c', secretAccessKey: 'd' },
      });
      expect(await createTables(c2, [tableInput('persisted')])).toEqual({
        created: [],
        existing: ['persisted'],
      });
      c2.destroy();
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
