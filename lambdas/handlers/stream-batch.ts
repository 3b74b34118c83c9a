/**
 * A DynamoDB stream batch processed item by item: the records of one item (same key) in stream
 * order, one after another, and different items side by side. Order only matters within an
 * item (a request's approval must not overtake its creation), and handling the items of a burst
 * one after another would make the last request of a batch wait for every other one.
 *
 * A record that fails fails every later record of its item with it (they must not overtake it);
 * other items go on. The result is Lambda's partial batch response: Lambda retries from the
 * earliest failure, so records after it that succeeded come again, which the handler must
 * tolerate (the router's do).
 */
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';

export interface ItemBatchOptions {
  /** Items handled at once (default 10). */
  concurrency?: number;
  /** Told of each failure (the record that failed, and the error). */
  onError?: (record: DynamoDBRecord, error: unknown) => void;
}

/** The key of the item a record belongs to (records without keys share one group). */
function itemKeyOf(record: DynamoDBRecord): string {
  return JSON.stringify(record.dynamodb?.Keys ?? null);
}

export async function processByItem(
  event: DynamoDBStreamEvent,
  handle: (record: DynamoDBRecord) => Promise<void>,
  options: ItemBatchOptions = {},
): Promise<DynamoDBBatchResponse> {
  const groups = new Map<string, DynamoDBRecord[]>();
  for (const record of event.Records) {
    const key = itemKeyOf(record);
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }
  const failed = new Set<DynamoDBRecord>();
  const runGroup = async (records: DynamoDBRecord[]) => {
    for (const [i, record] of records.entries()) {
      try {
        await handle(record);
      } catch (error) {
        options.onError?.(record, error);
        for (const rest of records.slice(i)) failed.add(rest);
        return;
      }
    }
  };
  const queue = [...groups.values()];
  const workers = Array.from(
    { length: Math.min(Math.max(1, options.concurrency ?? 10), queue.length) },
    async () => {
      for (let group = queue.shift(); group; group = queue.shift()) await runGroup(group);
    },
  );
  await Promise.all(workers);
  return {
    batchItemFailures: event.Records.filter((r) => failed.has(r)).map((r) => ({
      itemIdentifier: r.dynamodb?.SequenceNumber ?? '',
    })),
  };
}
