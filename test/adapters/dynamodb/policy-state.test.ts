/**
 * The policy state store on DynamoDB Local: consistent reads of every policy and the settings,
 * and writes that are all or nothing — one transaction up to 100 items, chunks of 100 past that
 * with everything already written put back when a chunk fails.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/client';
import { DynamoPolicyStateStore, PolicyRestoreError } from '../../../lambdas/adapters/dynamodb/policy-state';
import { ConflictError } from '../../../lambdas/core/errors';
import type { PolicyStateChanges } from '../../../lambdas/core/policies/policy-document-diff';
import {
  makeExportPolicies,
  makeImportPolicies,
  makePreviewPolicyImport,
} from '../../../lambdas/core/policies/policy-document-import';
import type { EligibilityPolicy } from '../../../lambdas/core/types';
import type { TableId } from '../../../lambdas/contract/tables';
import { anApproverPolicy, anEligibilityPolicy, someSettings } from '../../builders';
import { makeTestWorld } from '../../fakes';
import { useDynamo } from '../../support/dynamo';

const dynamo = useDynamo();

type Tables = Record<TableId, string>;

/** Every item of the policies and settings tables, in key order: the state, exactly. */
async function everything(tables: Tables) {
  const scan = async (table: string) => {
    const out = await dynamo.doc.send(new ScanCommand({ TableName: table, ConsistentRead: true }));
    return (out.Items ?? []).sort((a, b) =>
      `${String(a.kind)} ${String(a.id)}`.localeCompare(`${String(b.kind)} ${String(b.id)}`),
    );
  };
  return { policies: await scan(tables.Policies), settings: await scan(tables.Settings) };
}

/** A store over these tables; `transactions` counts its TransactWriteItems, `onTransaction` may fail one. */
function storeOver(tables: Tables, onTransaction?: (n: number) => Promise<void>) {
  const client = new DynamoDBClient({
    endpoint: dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  let transactions = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'TransactWriteItemsCommand') {
        transactions += 1;
        await onTransaction?.(transactions);
      }
      return next(args);
    },
    { step: 'initialize', name: 'countTransactions' },
  );
  const store = new DynamoPolicyStateStore(createDocumentClient(client), {
    policies: tables.Policies,
    settings: tables.Settings,
  });
  return { store, transactions: () => transactions };
}

const at = (n: number) => new Date(Date.UTC(2026, 2, 1, 9, 0, n)).toISOString();
const policy = (n: number, overrides: Partial<EligibilityPolicy> = {}) =>
  anEligibilityPolicy({ id: `grp-${String(n).padStart(4, '0')}`, updatedAt: at(0), ...overrides });

/** Stores 150 policies (and no settings), returns them. */
async function seed(tables: Tables): Promise<EligibilityPolicy[]> {
  const stored = Array.from({ length: 150 }, (_, n) => policy(n));
  const { store } = storeOver(tables);
  for (let i = 0; i < stored.length; i += 100) {
    await store.apply({ eligibility: stored.slice(i, i + 100).map((after) => ({ after })), approvers: [] });
  }
  return stored;
}

/** 100 changes, 50 removals, 100 additions and new settings: 251 writes, three chunks. */
function bigChange(stored: readonly EligibilityPolicy[]): PolicyStateChanges {
  return {
    settings: { after: someSettings({ expiryHours: 7, version: 1 }), expectedVersion: 0 },
    eligibility: [
      ...stored
        .slice(0, 100)
        .map((before) => ({ before, after: { ...before, maxDurationHours: 2, updatedAt: at(1) } })),
      ...stored.slice(100).map((before) => ({ before })),
      ...Array.from({ length: 100 }, (_, n) => ({ after: policy(1000 + n, { updatedAt: at(1) }) })),
    ],
    approvers: [],
  };
}

describe('DynamoPolicyStateStore', () => {
  it('reads every policy, an original item included, and the settings', async () => {
    const tables = await dynamo.freshTables();
    const { store } = storeOver(tables);
    await dynamo.doc.send(
      new PutCommand({
        TableName: tables.Policies,
        // As the original one-per-target model wrote it.
        Item: {
          kind: 'APPROVER',
          id: 'ou-a1b2-sandbox01',
          targetType: 'OU',
          targetName: 'Sandbox',
          approverGroups: [],
          updatedAt: at(0),
          updatedBy: 'x',
        },
      }),
    );
    await store.apply({
      eligibility: [{ after: policy(1) }],
      approvers: [],
      settings: { after: someSettings({ version: 1 }), expectedVersion: 0 },
    });
    const state = await store.read();
    expect(state.eligibility).toEqual([policy(1)]);
    expect(state.approvers).toEqual([
      expect.objectContaining({
        targetId: 'ou-a1b2-sandbox01',
        permissionSets: [],
        approverUsers: [],
        also: false,
      }),
    ]);
    expect(state.settings).toMatchObject({ version: 1 });
  });

  it('writes up to 100 items in one transaction, or none of them', async () => {
    const tables = await dynamo.freshTables();
    const { store, transactions } = storeOver(tables);
    const stored = [policy(1), policy(2), policy(3)];
    await store.apply({
      eligibility: stored.map((after) => ({ after })),
      approvers: [{ after: anApproverPolicy() }],
    });
    expect(transactions()).toBe(1);

    const before = await everything(tables);
    const stale = { ...stored[2]!, updatedAt: at(9) };
    const error = await store
      .apply({
        eligibility: [
          { before: stored[0]!, after: { ...stored[0]!, maxDurationHours: 1, updatedAt: at(2) } },
          { before: stored[1]! },
          { before: stale, after: { ...stale, updatedAt: at(10) } },
          { after: policy(4) },
        ],
        approvers: [],
        settings: { after: someSettings({ version: 1 }), expectedVersion: 0 },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toBe(
      'eligibility policy grp-0003 changed since the preview; preview the document again. Nothing was imported.',
    );
    expect(await everything(tables)).toEqual(before);
  });

  it('writes more than 100 items in chunks of 100', async () => {
    const tables = await dynamo.freshTables();
    const stored = await seed(tables);
    const { store, transactions } = storeOver(tables);
    await store.apply(bigChange(stored));
    expect(transactions()).toBe(3);
    const state = await store.read();
    expect(state.eligibility).toHaveLength(200);
    expect(state.eligibility.filter((p) => p.maxDurationHours === 2)).toHaveLength(100);
    expect(state.settings?.expiryHours).toBe(7);
  });

  it('leaves the stored state exactly as it was when a chunk fails on a conflict half way', async () => {
    const tables = await dynamo.freshTables();
    const stored = await seed(tables);
    // Someone creates a policy the import adds in its third chunk.
    await dynamo.doc.send(
      new PutCommand({
        TableName: tables.Policies,
        Item: { ...policy(1080, { updatedAt: at(5) }), kind: 'ELIGIBILITY' },
      }),
    );
    const before = await everything(tables);
    const { store, transactions } = storeOver(tables);
    const error = await store.apply(bigChange(stored)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as Error).message).toMatch(/^eligibility policy grp-1080 changed since the preview/);
    expect(transactions()).toBe(3);
    expect(await everything(tables)).toEqual(before);
  });

  it('leaves the stored state exactly as it was when a chunk fails for any other reason', async () => {
    const tables = await dynamo.freshTables();
    const stored = await seed(tables);
    const before = await everything(tables);
    const outage = new Error('ServiceUnavailable');
    const { store } = storeOver(tables, async (n) => {
      if (n === 2) throw outage;
    });
    expect(await store.apply(bigChange(stored)).catch((e: unknown) => e)).toBe(outage);
    expect(await everything(tables)).toEqual(before);
  });

  it('never overwrites what someone changed meanwhile: it reports what it could not restore', async () => {
    const tables = await dynamo.freshTables();
    const stored = await seed(tables);
    const { store } = storeOver(tables, async (n) => {
      if (n !== 2) return;
      // After the first chunk, someone edits a policy it wrote; then the second chunk fails.
      await dynamo.doc.send(
        new PutCommand({
          TableName: tables.Policies,
          Item: { ...policy(5, { maxDurationHours: 7, updatedAt: at(30) }), kind: 'ELIGIBILITY' },
        }),
      );
      throw new Error('ServiceUnavailable');
    });
    const error = await store.apply(bigChange(stored)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PolicyRestoreError);
    expect((error as PolicyRestoreError).unrestored).toEqual(['eligibility policy grp-0005']);
    const after = await store.read();
    expect(after.eligibility.find((p) => p.id === 'grp-0005')?.maxDurationHours).toBe(7);
    expect(after.eligibility.find((p) => p.id === 'grp-0006')).toEqual(stored[6]);
    expect(after.settings).toBeUndefined();
  });
});

describe('policy documents on DynamoDB', () => {
  let source: Tables;
  let target: Tables;
  beforeAll(async () => {
    [source, target] = [await dynamo.freshTables(), await dynamo.freshTables()];
  });

  it('round trip: export, import into empty tables, export: the same bytes', async () => {
    const world = makeTestWorld();
    const usecases = (tables: Tables) => {
      const deps = { ...world, policyState: storeOver(tables).store };
      return {
        exportPolicies: makeExportPolicies(deps),
        preview: makePreviewPolicyImport(deps),
        importPolicies: makeImportPolicies(deps),
      };
    };
    const admin = world.callers.dave;
    const demo = world.policies.snapshot();
    for (const p of demo.eligibility)
      p.permissionSets = p.permissionSets.filter((s) => s.name !== 'ManagementBilling');
    await storeOver(source).store.apply({
      eligibility: demo.eligibility.map((after) => ({ after })),
      approvers: demo.approvers.map((after) => ({ after })),
      settings: { after: someSettings({ ticketRequired: false, version: 3 }), expectedVersion: 0 },
    });

    const exported = await usecases(source).exportPolicies(admin);
    const into = usecases(target);
    const { digest, counts } = await into.preview(admin, { document: exported });
    expect(counts.eligibility.added).toBe(2);
    await into.importPolicies(admin, { document: exported, expectedDigest: digest });
    expect(await into.exportPolicies(admin)).toBe(exported);
  });
});
