import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { NativeAttributeValue } from '@aws-sdk/util-dynamodb';
import { ConflictError } from '../../core/errors';
import type { PolicyStateChanges, StoredPolicyState } from '../../core/policies/policy-document-diff';
import type { PolicyStateStore } from '../../core/policies/policy-document-import';
import {
  approverPolicyFrom,
  eligibilityPolicyFrom,
  type StoredApproverPolicy,
  type StoredEligibilityPolicy,
} from '../../core/policies/stored-policies';
import type { ApproverPolicy, EligibilityPolicy } from '../../core/types';
import { batchGetAll, compact, isConditionFailure, type Key } from './common';
import { POLICY_KINDS } from './policies';
import { DynamoSettingsRepository, SETTINGS_ID } from './settings';

/** DynamoDB's limit on the items of one TransactWriteItems. */
export const MAX_TRANSACTION_ITEMS = 100;

type Item = Record<string, NativeAttributeValue>;

/** What an item must look like for a write to go ahead: absent, or with this attribute value. */
type Condition = { absent: true } | { attribute: 'updatedAt' | 'version'; value: string | number };

/** One item an import writes. */
interface Write {
  table: string;
  key: Key;
  /** As the preview saw it. */
  expected: Condition;
  /** The item to store; undefined deletes it. */
  item?: Item;
  /** As it will be once written: what a restore checks before putting the old item back. */
  written: Condition;
  /** The item in messages (`eligibility policy <id>`). */
  what: string;
}

interface ConditionInput {
  ConditionExpression: string;
  ExpressionAttributeNames: Record<string, string>;
  ExpressionAttributeValues?: Record<string, NativeAttributeValue>;
}

function conditionOf(condition: Condition): ConditionInput {
  if ('absent' in condition) {
    return { ConditionExpression: 'attribute_not_exists(#id)', ExpressionAttributeNames: { '#id': 'id' } };
  }
  return {
    ConditionExpression: '#at = :at',
    ExpressionAttributeNames: { '#at': condition.attribute },
    ExpressionAttributeValues: { ':at': condition.value },
  };
}

/** The transaction entry (or single command input) that stores `item` or deletes the key. */
function operation(table: string, key: Key, item: Item | undefined, condition: Condition) {
  return item === undefined
    ? { Delete: { TableName: table, Key: key, ...conditionOf(condition) } }
    : { Put: { TableName: table, Item: item, ...conditionOf(condition) } };
}

const keyText = (table: string, key: Key) => `${table}\u0000${JSON.stringify(key)}`;

/** Removes the attributes the policy repository does not keep: the kind is the partition key. */
function withoutKind(item: Item): Item {
  const { kind: _kind, ...rest } = item;
  return rest;
}

/** An item a restore could not put back (someone wrote it since), for the error and the logs. */
export class PolicyRestoreError extends Error {
  constructor(
    cause: unknown,
    readonly unrestored: readonly string[],
  ) {
    super(
      `An import failed part way and ${unrestored.length} item(s) changed by someone else meanwhile could not be restored: ${unrestored.join(', ')}.`,
      { cause },
    );
    this.name = 'PolicyRestoreError';
  }
}

/**
 * The policies and the settings record as one state, for policy documents. Reads are strongly
 * consistent: one Query per kind of policy (the table's own key, paged) and the settings item.
 *
 * Writes are all or nothing. Every write is conditional on what the preview saw (a policy's
 * `updatedAt` or its absence; the settings' version). Up to 100 writes go in one transaction.
 * Past that, DynamoDB offers no single transaction: the writes go in transactions of 100, each
 * chunk's items read first (strongly consistent), and when a chunk fails every chunk already
 * written is put back item by item as it was read — conditionally on still being what the
 * import wrote, so a change someone made meanwhile is never overwritten (it is reported).
 */
export class DynamoPolicyStateStore implements PolicyStateStore {
  private readonly settings: DynamoSettingsRepository;

  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tables: { policies: string; settings: string },
    private readonly maxTransactionItems = MAX_TRANSACTION_ITEMS,
  ) {
    this.settings = new DynamoSettingsRepository(db, tables.settings);
  }

  async read(): Promise<StoredPolicyState> {
    const [eligibility, approvers, settings] = await Promise.all([
      this.queryKind(POLICY_KINDS.eligibility),
      this.queryKind(POLICY_KINDS.approver),
      this.settings.get(),
    ]);
    return {
      eligibility: eligibility.map((item) =>
        eligibilityPolicyFrom(withoutKind(item) as StoredEligibilityPolicy),
      ),
      approvers: approvers.map((item) => approverPolicyFrom(withoutKind(item) as StoredApproverPolicy)),
      ...(settings === undefined ? {} : { settings }),
    };
  }

  async apply(changes: PolicyStateChanges): Promise<void> {
    const writes = this.writesOf(changes);
    if (writes.length === 0) return;
    if (writes.length <= this.maxTransactionItems) {
      await this.transact(writes);
      return;
    }
    const done: { write: Write; before?: Item }[] = [];
    try {
      for (let at = 0; at < writes.length; at += this.maxTransactionItems) {
        const chunk = writes.slice(at, at + this.maxTransactionItems);
        const before = await this.currentItems(chunk);
        await this.transact(chunk);
        for (const write of chunk) {
          const image = before.get(keyText(write.table, write.key));
          done.push(image === undefined ? { write } : { write, before: image });
        }
      }
    } catch (error) {
      const unrestored = await this.restore(done);
      if (unrestored.length > 0) throw new PolicyRestoreError(error, unrestored);
      throw error;
    }
  }

  private writesOf(changes: PolicyStateChanges): Write[] {
    const policy = <T extends EligibilityPolicy | ApproverPolicy>(
      kind: string,
      what: string,
      { before, after }: { before?: T; after?: T },
    ): Write => {
      const id = (after ?? before)?.id ?? '';
      const write: Write = {
        table: this.tables.policies,
        key: { kind, id },
        expected:
          before === undefined ? { absent: true } : { attribute: 'updatedAt', value: before.updatedAt },
        written: after === undefined ? { absent: true } : { attribute: 'updatedAt', value: after.updatedAt },
        what: `${what} ${id}`,
      };
      if (after !== undefined) write.item = compact({ ...after, kind }) as Item;
      return write;
    };
    const writes = [
      ...changes.eligibility.map((c) => policy(POLICY_KINDS.eligibility, 'eligibility policy', c)),
      ...changes.approvers.map((c) => policy(POLICY_KINDS.approver, 'approver policy', c)),
    ];
    if (changes.settings !== undefined) {
      const { after, expectedVersion } = changes.settings;
      writes.unshift({
        table: this.tables.settings,
        key: { id: SETTINGS_ID },
        expected: expectedVersion === 0 ? { absent: true } : { attribute: 'version', value: expectedVersion },
        written: { attribute: 'version', value: after.version },
        item: compact({ ...after, id: SETTINGS_ID }) as Item,
        what: 'the settings',
      });
    }
    return writes;
  }

  private async queryKind(kind: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tables.policies,
          KeyConditionExpression: '#kind = :kind',
          ExpressionAttributeNames: { '#kind': 'kind' },
          ExpressionAttributeValues: { ':kind': kind },
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
    return items;
  }

  /** The items of these writes as stored now (strongly consistent), by table and key. */
  private async currentItems(writes: readonly Write[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    const tables = [...new Set(writes.map((w) => w.table))];
    for (const table of tables) {
      const keys = writes.filter((w) => w.table === table).map((w) => w.key);
      const items = await batchGetAll(this.db, table, keys, { consistentRead: true });
      const keyNames = Object.keys(keys[0] ?? {});
      for (const item of items) {
        const key = Object.fromEntries(keyNames.map((name) => [name, item[name] as string]));
        found.set(keyText(table, key), item);
      }
    }
    return found;
  }

  /** One transaction; a condition that no longer holds becomes a ConflictError naming its item. */
  private async transact(writes: readonly Write[]): Promise<void> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: writes.map((w) => operation(w.table, w.key, w.item, w.expected)),
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      const reasons = error.CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (failed >= 0) {
        throw new ConflictError(
          `${writes[failed]?.what ?? 'A policy'} changed since the preview; preview the document again. Nothing was imported.`,
        );
      }
      if (reasons.some((r) => r.Code === 'TransactionConflict')) {
        throw new ConflictError(
          'Someone changed the policies at the same moment; preview the document again. Nothing was imported.',
        );
      }
      throw error;
    }
  }

  /**
   * Puts back what the failed import wrote, newest first: the item as it was read, or no item.
   * Returns what could not be restored because someone changed it since.
   */
  private async restore(done: readonly { write: Write; before?: Item }[]): Promise<string[]> {
    const unrestored: string[] = [];
    const pending = [...done].reverse();
    for (let at = 0; at < pending.length; at += 25) {
      const results = await Promise.allSettled(
        pending.slice(at, at + 25).map(async ({ write, before }) => {
          const condition = conditionOf(write.written);
          if (before === undefined) {
            await this.db.send(new DeleteCommand({ TableName: write.table, Key: write.key, ...condition }));
          } else {
            await this.db.send(new PutCommand({ TableName: write.table, Item: before, ...condition }));
          }
        }),
      );
      results.forEach((result, index) => {
        if (result.status === 'fulfilled') return;
        const write = pending[at + index]?.write;
        if (write === undefined) return;
        if (isConditionFailure(result.reason)) unrestored.push(write.what);
        else unrestored.push(`${write.what} (${(result.reason as Error).message})`);
      });
    }
    return unrestored;
  }
}
