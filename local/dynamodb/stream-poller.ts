import { DescribeTableCommand, DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  ExpiredIteratorException,
  GetRecordsCommand,
  GetShardIteratorCommand,
  ResourceNotFoundException as StreamNotFoundException,
  TrimmedDataAccessException,
  type AttributeValue as SdkAttributeValue,
  type _Record as SdkRecord,
  type Shard,
  type ShardIteratorType,
} from '@aws-sdk/client-dynamodb-streams';
import type {
  AttributeValue,
  DynamoDBBatchResponse,
  DynamoDBRecord,
  DynamoDBStreamEvent,
  StreamRecord,
} from 'aws-lambda';

/**
 * Feeds a DynamoDB Local table's stream to a Lambda-style handler, the way Lambda's event
 * source mapping does: per-shard order, batches, partial batch responses, bounded retries.
 */

export type StreamBatchHandler = (
  event: DynamoDBStreamEvent,
) => Promise<DynamoDBBatchResponse | void> | DynamoDBBatchResponse | void;

export interface StreamPollerOptions {
  endpoint: string;
  tableName: string;
  handler: StreamBatchHandler;
  /** Records per handler call (Lambda's BatchSize); default 100, at most 1000. */
  batchSize?: number;
  /** Pause between polls when caught up, and before a retry; default 200 ms. */
  pollIntervalMs?: number;
  /** Retries of a failing batch after its first attempt before it is skipped; default 3. */
  maxRetries?: number;
  /** Where to start in shards that exist when the poller starts; default TRIM_HORIZON. */
  startingPosition?: 'TRIM_HORIZON' | 'LATEST';
  /** Records the handler never sees (like a Lambda filter criteria); they count as processed. */
  filter?: (record: DynamoDBRecord) => boolean;
  /**
   * Sees every batch, filtered records included, once it is done with (delivered or given up):
   * for local-only consumers riding on the same stream. Its errors are reported, never retried.
   */
  observe?: (event: DynamoDBStreamEvent) => Promise<void> | void;
  /** A batch given up after its retries (with the records not processed), or a polling error. */
  onError?: (error: unknown, event?: DynamoDBStreamEvent) => void;
  /** Region written into records and ARNs; default us-east-1. */
  region?: string;
}

export interface StreamPollerStats {
  /** Records handed to the handler in successful calls. */
  delivered: number;
  /** Handler calls, successful or not. */
  invocations: number;
  /** Handler calls that failed (threw or reported item failures). */
  failures: number;
  /** Batches given up after maxRetries. */
  skipped: number;
}

export interface StreamPoller {
  /**
   * Resolves once every record written before the call has been delivered (or given up):
   * a whole poll that started after the call found every shard caught up.
   */
  drain(timeoutMs?: number): Promise<void>;
  /** Same as drain(). */
  idle(timeoutMs?: number): Promise<void>;
  stats(): StreamPollerStats;
  stop(): Promise<void>;
}

type Position =
  { type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER'; seq: string } | { type: 'LATEST' | 'TRIM_HORIZON' };

interface ShardState {
  id: string;
  parentId?: string;
  position: Position;
  iterator?: string;
  done: boolean;
  retrySeq?: string;
  attempts: number;
}

interface DrainWaiter {
  afterRound: number;
  resolve: () => void;
  reject: (err: Error) => void;
  timer: ReturnType<typeof setTimeout>;
}

/** How often the table is asked for its current stream (it changes when the table is recreated). */
const TABLE_CHECK_MS = 5000;
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** SDK attribute values carry binaries as bytes; Lambda events carry base64 strings. */
function toLambdaValue(value: SdkAttributeValue): AttributeValue {
  if (value.S !== undefined) return { S: value.S };
  if (value.N !== undefined) return { N: value.N };
  if (value.B !== undefined) return { B: toBase64(value.B) };
  if (value.SS !== undefined) return { SS: value.SS };
  if (value.NS !== undefined) return { NS: value.NS };
  if (value.BS !== undefined) return { BS: value.BS.map(toBase64) };
  if (value.BOOL !== undefined) return { BOOL: value.BOOL };
  if (value.NULL !== undefined) return { NULL: value.NULL };
  if (value.L !== undefined) return { L: value.L.map(toLambdaValue) };
  if (value.M !== undefined) return { M: toLambdaImage(value.M) };
  throw new Error(`Unknown attribute value ${JSON.stringify(value)}`);
}

function toLambdaImage(image: Record<string, SdkAttributeValue>): Record<string, AttributeValue> {
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, toLambdaValue(v)]));
}

function toLambdaRecord(record: SdkRecord, streamArn: string, region: string): DynamoDBRecord {
  const src = record.dynamodb ?? {};
  const dynamodb: StreamRecord = {};
  if (src.ApproximateCreationDateTime) {
    dynamodb.ApproximateCreationDateTime = Math.floor(src.ApproximateCreationDateTime.getTime() / 1000);
  }
  if (src.Keys) dynamodb.Keys = toLambdaImage(src.Keys);
  if (src.NewImage) dynamodb.NewImage = toLambdaImage(src.NewImage);
  if (src.OldImage) dynamodb.OldImage = toLambdaImage(src.OldImage);
  if (src.SequenceNumber) dynamodb.SequenceNumber = src.SequenceNumber;
  if (src.SizeBytes !== undefined) dynamodb.SizeBytes = src.SizeBytes;
  if (src.StreamViewType) dynamodb.StreamViewType = src.StreamViewType;
  const out: DynamoDBRecord = {
    eventID: record.eventID,
    eventName: record.eventName,
    eventVersion: record.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: region,
    dynamodb,
    eventSourceARN: streamArn,
  };
  if (record.userIdentity) out.userIdentity = { ...record.userIdentity };
  return out;
}

/** The index of the first failed record, -1 for none; the whole batch when the answer is unusable. */
function firstFailure(result: unknown, records: DynamoDBRecord[]): number {
  if (!result || typeof result !== 'object' || !('batchItemFailures' in result)) return -1;
  const failures = (result as { batchItemFailures: unknown }).batchItemFailures;
  if (!Array.isArray(failures) || failures.length === 0) return -1;
  let first = records.length;
  for (const failure of failures) {
    const id: unknown =
      failure && typeof failure === 'object'
        ? (failure as { itemIdentifier?: unknown }).itemIdentifier
        : undefined;
    const index =
      typeof id === 'string' && id ? records.findIndex((r) => r.dynamodb?.SequenceNumber === id) : -1;
    // Lambda treats a missing or unknown identifier as a failure of the whole batch.
    if (index < 0) return 0;
    first = Math.min(first, index);
  }
  return first;
}

class BatchItemFailure extends Error {
  constructor(readonly sequenceNumber: string) {
    super(`Handler reported a failure at record ${sequenceNumber}`);
    this.name = 'BatchItemFailure';
  }
}

/**
 * Starts polling `tableName`'s stream. Resolves once the shards existing now have been found,
 * so with `startingPosition: 'LATEST'` every record written after this resolves is delivered.
 */
export async function startStreamPoller(options: StreamPollerOptions): Promise<StreamPoller> {
  const region = options.region ?? 'us-east-1';
  const batchSize = Math.min(Math.max(options.batchSize ?? 100, 1), 1000);
  const pollIntervalMs = options.pollIntervalMs ?? 200;
  const maxRetries = options.maxRetries ?? 3;
  const clientConfig = { endpoint: options.endpoint, region, credentials: LOCAL_CREDENTIALS, maxAttempts: 3 };
  const ddb = new DynamoDBClient(clientConfig);
  const streams = new DynamoDBStreamsClient(clientConfig);

  let streamArn: string | undefined;
  let shards = new Map<string, ShardState>();
  let firstDiscovery = true;
  let tableCheckedAt = Date.now();
  let checkTable = false;
  let stopped = false;
  let roundsStarted = 0;
  let waiters: DrainWaiter[] = [];
  let wake: (() => void) | undefined;
  const stats: StreamPollerStats = { delivered: 0, invocations: 0, failures: 0, skipped: 0 };

  const report = (err: unknown, event?: DynamoDBStreamEvent) => {
    try {
      options.onError?.(err, event);
    } catch {
      // A faulty error callback must not stop the stream.
    }
  };

  async function findStream(): Promise<string | undefined> {
    try {
      const table = await ddb.send(new DescribeTableCommand({ TableName: options.tableName }));
      return table.Table?.LatestStreamArn;
    } catch (err) {
      if (err instanceof ResourceNotFoundException) return undefined;
      throw err;
    }
  }

  async function refreshShards(arn: string): Promise<void> {
    const found: Shard[] = [];
    let start: string | undefined;
    do {
      const page = await streams.send(
        new DescribeStreamCommand({ StreamArn: arn, ExclusiveStartShardId: start }),
      );
      found.push(...(page.StreamDescription?.Shards ?? []));
      start = page.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    for (const shard of found) {
      if (!shard.ShardId || shards.has(shard.ShardId)) continue;
      // Shards appearing after the start hold only new records: read them from the beginning.
      const initial = firstDiscovery && options.startingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON';
      shards.set(shard.ShardId, {
        id: shard.ShardId,
        parentId: shard.ParentShardId,
        position: { type: initial },
        done: false,
        attempts: 0,
      });
    }
    firstDiscovery = false;
  }

  /**
   * Where a shard ends now, as a position that stays put. DynamoDB Local places a LATEST
   * iterator when it is first read, not when it is issued, so whatever is written in between
   * would be skipped (a poller busy elsewhere at start would lose the first records); reading
   * the shard to its end once pins the start instead.
   */
  async function endOf(arn: string, shardId: string): Promise<Position> {
    const first = await streams.send(
      new GetShardIteratorCommand({ StreamArn: arn, ShardId: shardId, ShardIteratorType: 'TRIM_HORIZON' }),
    );
    let iterator = first.ShardIterator;
    let last: string | undefined;
    while (iterator) {
      const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 }));
      const records = page.Records ?? [];
      if (records.length === 0) break;
      last = records[records.length - 1]?.dynamodb?.SequenceNumber ?? last;
      iterator = page.NextShardIterator;
    }
    return last ? { type: 'AFTER_SEQUENCE_NUMBER', seq: last } : { type: 'TRIM_HORIZON' };
  }

  async function iteratorFor(arn: string, shard: ShardState): Promise<string | undefined> {
    if (shard.position.type === 'LATEST') shard.position = await endOf(arn, shard.id);
    const p = shard.position;
    const out = await streams.send(
      new GetShardIteratorCommand({
        StreamArn: arn,
        ShardId: shard.id,
        ShardIteratorType: p.type as ShardIteratorType,
        ...('seq' in p ? { SequenceNumber: p.seq } : {}),
      }),
    );
    return out.ShardIterator;
  }

  /** Delivers one batch; false when it failed and will be retried. */
  async function deliver(shard: ShardState, raw: SdkRecord[], arn: string): Promise<boolean> {
    const all = raw.map((r) => toLambdaRecord(r, arn, region));
    const lastSeq = all[all.length - 1]?.dynamodb?.SequenceNumber;
    const records = options.filter ? all.filter(options.filter) : all;
    const advance = async () => {
      if (lastSeq) shard.position = { type: 'AFTER_SEQUENCE_NUMBER', seq: lastSeq };
      shard.retrySeq = undefined;
      shard.attempts = 0;
      try {
        await options.observe?.({ Records: all });
      } catch (err) {
        report(err, { Records: all });
      }
    };
    if (records.length === 0) {
      await advance();
      return true;
    }
    const event: DynamoDBStreamEvent = { Records: records };
    stats.invocations++;
    let failedAt: number;
    let error: unknown;
    try {
      failedAt = firstFailure(await options.handler(event), records);
      if (failedAt >= 0) error = new BatchItemFailure(records[failedAt]?.dynamodb?.SequenceNumber ?? '');
    } catch (err) {
      failedAt = 0;
      error = err;
    }
    if (failedAt < 0) {
      stats.delivered += records.length;
      await advance();
      return true;
    }
    stats.failures++;
    stats.delivered += failedAt;
    const failedSeq = records[failedAt]?.dynamodb?.SequenceNumber ?? '';
    shard.attempts = shard.retrySeq === failedSeq ? shard.attempts + 1 : 1;
    shard.retrySeq = failedSeq;
    if (shard.attempts > maxRetries) {
      stats.skipped++;
      report(error, { Records: records.slice(failedAt) });
      await advance();
      return true;
    }
    shard.position = { type: 'AT_SEQUENCE_NUMBER', seq: failedSeq };
    shard.iterator = undefined;
    return false;
  }

  /**
   * Reads a shard until it has nothing more; false when a batch waits for a retry.
   * `readArn` is DynamoDB Local's own stream ARN; records carry `eventArn`, the regional one.
   */
  async function pollShard(readArn: string, eventArn: string, shard: ShardState): Promise<boolean> {
    let expiredRetries = 0;
    while (!stopped) {
      if (!shard.iterator) {
        shard.iterator = await iteratorFor(readArn, shard);
        if (!shard.iterator) {
          shard.done = true;
          return true;
        }
      }
      let page;
      try {
        page = await streams.send(new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: batchSize }));
      } catch (err) {
        if (
          (err instanceof ExpiredIteratorException || err instanceof TrimmedDataAccessException) &&
          expiredRetries++ < 3
        ) {
          shard.iterator = undefined;
          continue;
        }
        throw err;
      }
      const records = page.Records ?? [];
      if (records.length === 0) {
        shard.iterator = page.NextShardIterator;
        // No next iterator: the shard is closed and fully read.
        if (!shard.iterator) shard.done = true;
        return true;
      }
      const ok = await deliver(shard, records, eventArn);
      if (!ok) return false;
      shard.iterator = page.NextShardIterator;
      if (!shard.iterator) {
        shard.done = true;
        return true;
      }
    }
    return false;
  }

  /** One poll of every shard; true when everything was caught up. */
  async function pollOnce(): Promise<boolean> {
    if (!streamArn || checkTable || Date.now() - tableCheckedAt > TABLE_CHECK_MS) {
      // A recreated table gets a new stream; the old one keeps answering, so ask the table.
      const latest = await findStream();
      tableCheckedAt = Date.now();
      checkTable = false;
      if (latest !== streamArn) {
        if (streamArn) firstDiscovery = false;
        streamArn = latest;
        shards = new Map();
      }
      if (!streamArn) return true;
    }
    const arn = streamArn.replace(':ddblocal:', `:${region}:`);
    try {
      await refreshShards(streamArn);
      let caughtUp = true;
      // Parents before children: a child shard waits until its parent is read to the end.
      const pending = [...shards.values()].filter((s) => !s.done);
      const visited = new Set<ShardState>();
      let progressed = true;
      while (progressed && !stopped) {
        progressed = false;
        for (const shard of pending) {
          if (shard.done || visited.has(shard)) continue;
          const parent = shard.parentId ? shards.get(shard.parentId) : undefined;
          if (parent && !parent.done) continue;
          visited.add(shard);
          progressed = true;
          if (!(await pollShard(streamArn, arn, shard))) caughtUp = false;
        }
      }
      if (pending.some((shard) => !shard.done && !visited.has(shard))) caughtUp = false;
      return caughtUp;
    } catch (err) {
      if (err instanceof StreamNotFoundException) {
        // The table was deleted or recreated: start over with its new stream.
        streamArn = undefined;
        shards = new Map();
        firstDiscovery = false;
        return false;
      }
      throw err;
    }
  }

  function finishRound(round: number, caughtUp: boolean) {
    if (!caughtUp) return;
    const done = waiters.filter((w) => w.afterRound < round);
    waiters = waiters.filter((w) => w.afterRound >= round);
    for (const w of done) {
      clearTimeout(w.timer);
      w.resolve();
    }
  }

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        wake = undefined;
        resolve();
      }, ms);
      wake = () => {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      };
    });

  async function loop() {
    while (!stopped) {
      const round = ++roundsStarted;
      let caughtUp = false;
      try {
        caughtUp = await pollOnce();
      } catch (err) {
        report(err);
      }
      if (stopped) break;
      finishRound(round, caughtUp);
      await pause(pollIntervalMs);
    }
  }

  // Pin LATEST positions now, so records written after start() resolves are not missed.
  // A failure here is reported and retried by the loop (LATEST then pins at the first success).
  try {
    streamArn = await findStream();
    // No table yet: its stream will hold only records written after the start.
    if (!streamArn) firstDiscovery = false;
    if (streamArn) {
      await refreshShards(streamArn);
      for (const shard of shards.values()) {
        if (shard.position.type === 'LATEST') shard.position = await endOf(streamArn, shard.id);
      }
    }
  } catch (err) {
    report(err);
  }
  const running = loop();

  const drain = (timeoutMs = 30_000) =>
    new Promise<void>((resolve, reject) => {
      if (stopped) {
        reject(new Error('Stream poller is stopped'));
        return;
      }
      const waiter: DrainWaiter = {
        afterRound: roundsStarted,
        resolve,
        reject,
        timer: setTimeout(() => {
          waiters = waiters.filter((w) => w !== waiter);
          reject(new Error(`Stream of ${options.tableName} not drained within ${timeoutMs} ms`));
        }, timeoutMs),
      };
      waiters.push(waiter);
      checkTable = true;
      wake?.();
    });

  return {
    drain,
    idle: drain,
    stats: () => ({ ...stats }),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      wake?.();
      await running;
      for (const w of waiters) {
        clearTimeout(w.timer);
        w.reject(new Error('Stream poller stopped'));
      }
      waiters = [];
      ddb.destroy();
      streams.destroy();
    },
  };
}
