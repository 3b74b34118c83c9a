import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type GetShardIteratorCommandInput,
} from '@aws-sdk/client-dynamodb-streams';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startStreamPoller, type StreamPoller } from '../../../local/dynamodb';

/**
 * Shard lifecycle cannot be forced in DynamoDB Local, so these tests run the poller against a
 * small in-memory model of the Streams API.
 */

interface FakeShard {
  id: string;
  parent?: string;
  records: _Record[];
  closed: boolean;
}

const STREAM = 'arn:aws:dynamodb:ddblocal:000000000000:table/t/stream/2026-01-01T00:00:00.000';
let shards: FakeShard[];
let seq = 0;
let expireNext = false;

const record = (shard: FakeShard, pk: string) => {
  const n = String(++seq).padStart(21, '0');
  shard.records.push({
    eventID: `e${n}`,
    eventName: 'INSERT',
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'ddblocal',
    dynamodb: { Keys: { pk: { S: pk } }, SequenceNumber: n, SizeBytes: 10, StreamViewType: 'KEYS_ONLY' },
  });
};

const ddbMock = mockClient(DynamoDBClient);
const streamsMock = mockClient(DynamoDBStreamsClient);
let poller: StreamPoller | undefined;

function iteratorFor(input: GetShardIteratorCommandInput): string {
  const shard = shards.find((s) => s.id === input.ShardId);
  if (!shard) throw new Error(`no shard ${input.ShardId}`);
  const at = (s: string | undefined) => shard.records.findIndex((r) => r.dynamodb?.SequenceNumber === s);
  const index = {
    TRIM_HORIZON: 0,
    LATEST: shard.records.length,
    AT_SEQUENCE_NUMBER: at(input.SequenceNumber),
    AFTER_SEQUENCE_NUMBER: at(input.SequenceNumber) + 1,
  }[input.ShardIteratorType ?? 'TRIM_HORIZON'];
  return `${shard.id}|${index}`;
}

beforeEach(() => {
  shards = [{ id: 'shard-a', records: [], closed: false }];
  seq = 0;
  expireNext = false;
  ddbMock.reset();
  streamsMock.reset();
  ddbMock.on(DescribeTableCommand).resolves({ Table: { TableName: 't', LatestStreamArn: STREAM } });
  streamsMock.on(DescribeStreamCommand).callsFake(() => ({
    StreamDescription: {
      StreamArn: STREAM,
      Shards: shards.map((s) => ({
        ShardId: s.id,
        ParentShardId: s.parent,
        SequenceNumberRange: { StartingSequenceNumber: '0' },
      })),
    },
  }));
  streamsMock.on(GetShardIteratorCommand).callsFake((input: GetShardIteratorCommandInput) => ({
    ShardIterator: iteratorFor(input),
  }));
  streamsMock.on(GetRecordsCommand).callsFake((input: { ShardIterator: string; Limit?: number }) => {
    if (expireNext) {
      expireNext = false;
      throw new ExpiredIteratorException({ message: 'Iterator expired', $metadata: {} });
    }
    const [id, i] = input.ShardIterator.split('|');
    const shard = shards.find((s) => s.id === id);
    const from = Number(i);
    const batch = shard?.records.slice(from, from + (input.Limit ?? 100)) ?? [];
    const next = from + batch.length;
    const exhausted = shard?.closed && next >= (shard?.records.length ?? 0);
    return { Records: batch, NextShardIterator: exhausted ? undefined : `${id}|${next}` };
  });
});

afterEach(async () => {
  await poller?.stop();
  poller = undefined;
});

const keys = (seen: string[]) => seen;

describe('stream poller shard handling', () => {
  it('reads a closed parent to its end before its child, and reads new shards from their start', async () => {
    const a = shards[0];
    if (!a) throw new Error('shard');
    record(a, 'before-start');
    const seen: string[] = [];
    poller = await startStreamPoller({
      endpoint: 'http://127.0.0.1:1',
      tableName: 't',
      pollIntervalMs: 5,
      startingPosition: 'LATEST',
      handler: (e) => void seen.push(...e.Records.map((r) => r.dynamodb?.Keys?.pk?.S ?? '?')),
    });
    record(a, 'a1');
    record(a, 'a2');
    // The shard splits: A closes and B takes over; B appears after the poller started.
    a.closed = true;
    const b: FakeShard = { id: 'shard-b', parent: 'shard-a', records: [], closed: false };
    shards.push(b);
    record(b, 'b1');
    await poller.drain();
    expect(keys(seen)).toEqual(['a1', 'a2', 'b1']);

    const bIterators = streamsMock
      .commandCalls(GetShardIteratorCommand)
      .map((c) => c.args[0].input)
      .filter((i) => i.ShardId === 'shard-b');
    expect(bIterators.map((i) => i.ShardIteratorType)).toEqual(['TRIM_HORIZON']);

    record(b, 'b2');
    await poller.drain();
    expect(seen).toEqual(['a1', 'a2', 'b1', 'b2']);
    // The finished parent is not read again.
    const readsOfA = streamsMock
      .commandCalls(GetRecordsCommand)
      .filter((c) => c.args[0].input.ShardIterator?.startsWith('shard-a|'));
    const countA = readsOfA.length;
    await poller.drain();
    expect(
      streamsMock
        .commandCalls(GetRecordsCommand)
        .filter((c) => c.args[0].input.ShardIterator?.startsWith('shard-a|')),
    ).toHaveLength(countA);
  });

  it('recovers from an expired iterator without losing or repeating records', async () => {
    const a = shards[0];
    if (!a) throw new Error('shard');
    const seen: string[] = [];
    poller = await startStreamPoller({
      endpoint: 'http://127.0.0.1:1',
      tableName: 't',
      pollIntervalMs: 5,
      handler: (e) => void seen.push(...e.Records.map((r) => r.dynamodb?.Keys?.pk?.S ?? '?')),
    });
    record(a, 'x1');
    await poller.drain();
    expireNext = true;
    record(a, 'x2');
    await poller.drain();
    expect(seen).toEqual(['x1', 'x2']);
    const after = streamsMock
      .commandCalls(GetShardIteratorCommand)
      .map((c) => c.args[0].input)
      .find((i) => i.ShardIteratorType === 'AFTER_SEQUENCE_NUMBER');
    expect(after?.SequenceNumber).toBe(a.records[0]?.dynamodb?.SequenceNumber);
  });

  it('reports polling errors through onError and keeps going', async () => {
    const errors: unknown[] = [];
    streamsMock
      .on(DescribeStreamCommand)
      .rejectsOnce(new Error('network down'))
      .callsFake(() => ({
        StreamDescription: { StreamArn: STREAM, Shards: shards.map((s) => ({ ShardId: s.id })) },
      }));
    const seen: string[] = [];
    poller = await startStreamPoller({
      endpoint: 'http://127.0.0.1:1',
      tableName: 't',
      pollIntervalMs: 5,
      handler: (e) => void seen.push(...e.Records.map((r) => r.dynamodb?.Keys?.pk?.S ?? '?')),
      onError: (err) => errors.push(err),
    });
    const a = shards[0];
    if (!a) throw new Error('shard');
    record(a, 'y1');
    await poller.drain();
    expect(seen).toEqual(['y1']);
    expect(errors.map((e) => (e as Error).message)).toContain('network down');
  });
});
