import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import { ValidationError } from '../../core/errors';

export type Key = Record<string, NativeAttributeValue>;

/** Opaque page cursors: base64url JSON of the position, rejected with a clear error when tampered with. */
export function encodeCursor(position: unknown): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor<T>(
  cursor: string | undefined,
  isValid: (value: unknown) => value is T,
): T | undefined {
  if (cursor === undefined || cursor === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new ValidationError('The page cursor is not valid; start again from the first page.', 'nextToken');
  }
  if (!isValid(value)) {
    throw new ValidationError('The page cursor is not valid; start again from the first page.', 'nextToken');
  }
  return value;
}

export const isKey = (value: unknown): value is Key =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  Object.values(value).every((v) => typeof v === 'string' || typeof v === 'number');

/** True when a transaction failed only because one of its conditions did not hold. */
export function isConditionFailure(err: unknown): boolean {
  if (err instanceof TransactionCanceledException) {
    return (err.CancellationReasons ?? []).some((r) => r.Code === 'ConditionalCheckFailed');
  }
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

/** Drops undefined members so DynamoDB never sees them (and optional fields stay absent). */
export function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

/** Options of the BatchGetItem helpers. */
export interface BatchGetOptions {
  consistentRead?: boolean;
  /** Rounds in a row that may leave keys unprocessed before giving up (default 6, ≈ 2.5 s of backoff). */
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
}

/** BatchGetItem still had unprocessed keys after the allowed retries (the table is throttling). */
export class BatchGetIncompleteError extends Error {
  constructor(tableName: string, remaining: number) {
    super(`BatchGetItem on ${tableName} left ${remaining} keys unprocessed after every retry.`);
    this.name = 'BatchGetIncompleteError';
  }
}

/**
 * Reads items by key with BatchGetItem (100 keys per call), retrying unprocessed keys with
 * backoff, a bounded number of times in a row. Returns the items found, in no particular order.
 */
export async function batchGetAll(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly Key[],
  options: BatchGetOptions = {},
): Promise<Record<string, NativeAttributeValue>[]> {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxRetries = options.maxRetries ?? 6;
  const found: Record<string, NativeAttributeValue>[] = [];
  let pending: Key[] = [...keys];
  let retries = 0;
  while (pending.length > 0) {
    if (retries > maxRetries) throw new BatchGetIncompleteError(tableName, pending.length);
    if (retries > 0) await sleep(Math.min(1000, 25 * 2 ** retries));
    const batch = pending.slice(0, 100);
    const out = await db.send(
      new BatchGetCommand({
        RequestItems: { [tableName]: { Keys: batch, ConsistentRead: options.consistentRead } },
      }),
    );
    found.push(...(out.Responses?.[tableName] ?? []));
    const unprocessed = out.UnprocessedKeys?.[tableName]?.Keys ?? [];
    pending = [...unprocessed, ...pending.slice(100)];
    retries = unprocessed.length > 0 ? retries + 1 : 0;
  }
  return found;
}

/**
 * Reads the items whose single-attribute key `keyName` has these values, in the order given:
 * values whose item is gone are skipped, repeated values repeat their item, each key is read once.
 * Lists use it to turn a page of index keys into items without reordering the page.
 */
export async function batchGetInOrder(
  db: DynamoDBDocumentClient,
  tableName: string,
  keyName: string,
  values: readonly string[],
  options: BatchGetOptions = {},
): Promise<Record<string, NativeAttributeValue>[]> {
  if (values.length === 0) return [];
  const unique = [...new Set(values)];
  const items = await batchGetAll(
    db,
    tableName,
    unique.map((v) => ({ [keyName]: v })),
    options,
  );
  const byKey = new Map(items.map((item) => [String(item[keyName]), item]));
  return values.flatMap((v) => {
    const item = byKey.get(v);
    return item ? [item] : [];
  });
}

/**
 * A cursor check for one Query: the position must be a key with exactly these attributes, and the
 * `fixed` ones (the partition key queried) must hold these values — so a cursor from another list
 * or an edited one is refused before DynamoDB sees it.
 */
export function keyOf(names: readonly string[], fixed: Record<string, string> = {}) {
  return (value: unknown): value is Key =>
    isKey(value) &&
    Object.keys(value).length === names.length &&
    names.every((n) => typeof value[n] === 'string') &&
    Object.entries(fixed).every(([n, v]) => value[n] === v);
}
