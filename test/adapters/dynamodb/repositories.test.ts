import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../lambdas/core/errors';
import type { Grant } from '../../../lambdas/core/types';
import { encodeCursor } from '../../../lambdas/adapters/dynamodb/common';
import { DynamoChatStore } from '../../../lambdas/adapters/dynamodb/chat';
import { DynamoGrantRepository } from '../../../lambdas/adapters/dynamodb/grants';
import { DynamoOuCache } from '../../../lambdas/adapters/dynamodb/ou-cache';
import { DynamoPolicyRepository } from '../../../lambdas/adapters/dynamodb/policies';
import { projectionOf, tableInputOf } from '../../../local/dynamodb/schema-inputs';
import { TABLES } from '../../../lambdas/contract/tables';
import {
  DynamoSessionQueryRepository,
  type SessionLogQueryRecord,
} from '../../../lambdas/adapters/dynamodb/session-queries';
import { DynamoSettingsRepository } from '../../../lambdas/adapters/dynamodb/settings';
import { anApproverPolicy, anEligibilityPolicy, someSettings } from '../../builders';
import { FixedClock } from '../../fakes/clock';
import { readAllPages } from '../../fakes/paging';
import { useDynamo } from '../../support/dynamo';

const dynamo = useDynamo();

describe('table inputs from the schema', () => {
  it('defines each key attribute once, projects, streams and TTL as declared', () => {
    const requests = tableInputOf(TABLES.Requests, 'x-Requests');
    const names = requests.AttributeDefinitions?.map((a) => a.AttributeName) ?? [];
    expect(new Set(names).size).toBe(names.length);
    expect(names).toContain('phaseAt');
    expect(requests.GlobalSecondaryIndexes?.map((i) => i.IndexName)).toEqual(
      TABLES.Requests.indexes.map((i) => i.name),
    );
    expect(requests.GlobalSecondaryIndexes?.every((i) => i.Projection?.ProjectionType === 'KEYS_ONLY')).toBe(
      true,
    );
    expect(projectionOf({ include: ['status'] })).toEqual({
      ProjectionType: 'INCLUDE',
      NonKeyAttributes: ['status'],
    });
    expect(requests.StreamSpecification?.StreamViewType).toBe('NEW_AND_OLD_IMAGES');
    expect(tableInputOf(TABLES.OuAccountsCache, 'x').timeToLiveAttribute).toBe('expiresAt');
    expect(tableInputOf(TABLES.Policies, 'x').GlobalSecondaryIndexes).toBeUndefined();
  });
});

describe('DynamoPolicyRepository', () => {
  let repo: DynamoPolicyRepository;
  let tableName = '';
  beforeAll(async () => {
    tableName = (await dynamo.freshTables()).Policies;
    repo = new DynamoPolicyRepository(dynamo.doc, tableName);
  });

  it('creates only when absent and replaces only on the updatedAt read', async () => {
    const policy = anEligibilityPolicy({ id: 'grp-create', ticketNo: undefined });
    await repo.putEligibility(policy);
    expect(await repo.getEligibility('grp-create')).toEqual(policy);
    await expect(repo.putEligibility(policy)).rejects.toThrow(ConflictError);

    const edited = { ...policy, maxDurationHours: 4, updatedAt: '2026-03-02T10:00:00.000Z' };
    await expect(repo.putEligibility(edited, 'stale')).rejects.toThrow(/changed by someone else/);
    await repo.putEligibility(edited, policy.updatedAt);
    expect((await repo.getEligibility('grp-create'))?.maxDurationHours).toBe(4);

    await repo.deleteEligibility('grp-create');
    await repo.deleteEligibility('grp-create'); // idempotent
    await expect(repo.putEligibility(edited, edited.updatedAt)).rejects.toThrow(/no longer exists/);
  });

  it('keeps the kinds apart and lists each by id, page by page', async () => {
    const ids = Array.from({ length: 23 }, (_, i) => `grp-${String(i).padStart(2, '0')}`);
    for (const id of [...ids].reverse()) await repo.putEligibility(anEligibilityPolicy({ id }));
    await repo.putApproverPolicy(anApproverPolicy({ id: 'ou-a1b2-x' }));
    await repo.putApproverPolicy(anApproverPolicy({ id: '333333333331', targetType: 'ACCOUNT' }));

    const all = await readAllPages((p) => repo.listEligibilities(p), 5);
    expect(all.items.map((p) => p.id)).toEqual(ids);
    expect(all.pages).toBeGreaterThanOrEqual(5);
    expect(all.items[0]).not.toHaveProperty('kind');

    const approvers = await readAllPages((p) => repo.listApproverPolicies(p), 10);
    expect(approvers.items.map((p) => p.id)).toEqual(['333333333331', 'ou-a1b2-x']);
    expect(await repo.getApproverPolicy('ou-a1b2-x')).toEqual(anApproverPolicy({ id: 'ou-a1b2-x' }));
    expect(await repo.getEligibility('ou-a1b2-x')).toBeUndefined();
  });

  it('reads every policy of a user and their groups, one Query per owner, in the asked order', async () => {
    await repo.putEligibility(
      anEligibilityPolicy({ id: 'grp-01#prod', principalId: 'grp-01', name: 'prod' }),
    );
    // Shares the prefix without being grp-01's.
    await repo.putEligibility(anEligibilityPolicy({ id: 'grp-010', principalId: 'grp-010' }));
    const wanted = ['grp-03', 'nobody', 'grp-01', 'grp-03'];
    dynamo.resetCalls();
    const found = await repo.eligibilitiesOf(wanted);
    expect(found.map((p) => p.id)).toEqual(['grp-03', 'grp-01', 'grp-01#prod']);
    expect(dynamo.calls.map((c) => c.command)).toEqual(['QueryCommand', 'QueryCommand', 'QueryCommand']);
    expect(await repo.eligibilitiesOf([])).toEqual([]);
  });

  it("reads an item of the original model as the principal's default policy and an unscoped approver policy", async () => {
    await dynamo.doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          kind: 'ELIGIBILITY',
          id: 'grp-legacy',
          principalType: 'GROUP',
          principalName: 'Legacy',
          accounts: [{ id: '111111111111', name: 'A' }],
          ous: [],
          permissionSets: [{ arn: 'arn:ps', name: 'ReadOnly' }],
          maxDurationHours: 4,
          approvalRequired: true,
          updatedAt: 't',
          updatedBy: 'admin',
        },
      }),
    );
    await dynamo.doc.send(
      new PutCommand({
        TableName: tableName,
        Item: {
          kind: 'APPROVER',
          id: 'ou-a1b2-legacy',
          targetType: 'OU',
          targetName: 'Legacy',
          approverGroups: [{ id: 'g', name: 'G' }],
          updatedAt: 't',
          updatedBy: 'admin',
        },
      }),
    );
    expect(await repo.getEligibility('grp-legacy')).toMatchObject({
      principalId: 'grp-legacy',
      name: 'default',
      includeNestedOus: false,
      pairs: [],
    });
    expect(await repo.approverPoliciesOf(['ou-a1b2-legacy'])).toEqual([
      expect.objectContaining({
        targetId: 'ou-a1b2-legacy',
        permissionSets: [],
        includeNestedOus: false,
        approverUsers: [],
        also: false,
      }),
    ]);
  });

  it('keeps the latest policy check beside the policies, out of their lists', async () => {
    expect(await repo.getCheck()).toBeUndefined();
    const report = {
      checkedAt: '2026-03-02T09:00:00.000Z',
      eligibilityPoliciesChecked: 2,
      approverPoliciesChecked: 1,
      findings: [
        {
          policyKind: 'APPROVER' as const,
          policyId: 'ou-a1b2-x',
          references: [{ kind: 'group' as const, id: 'g', name: 'Old', problem: 'missing' as const }],
        },
      ],
      truncated: false,
    };
    await repo.putCheck(report);
    await repo.putCheck({ ...report, findings: [], checkedAt: '2026-03-03T09:00:00.000Z' });
    expect(await repo.getCheck()).toEqual({ ...report, findings: [], checkedAt: '2026-03-03T09:00:00.000Z' });
    const lists = await Promise.all([
      repo.listEligibilities({ limit: 100 }),
      repo.listApproverPolicies({ limit: 100 }),
    ]);
    expect(lists.flatMap((l) => l.items.map((p) => p.id))).not.toContain('latest');
  });

  it('refuses a tampered or foreign cursor', async () => {
    await expect(repo.listEligibilities({ limit: 5, cursor: 'not-base64-json!' })).rejects.toThrow(
      ValidationError,
    );
    const approverCursor = encodeCursor({ kind: 'APPROVER', id: 'ou-a1b2-x' });
    await expect(repo.listEligibilities({ limit: 5, cursor: approverCursor })).rejects.toThrow(
      ValidationError,
    );
    await expect(
      repo.listEligibilities({ limit: 5, cursor: encodeCursor({ kind: 'ELIGIBILITY', id: 1, x: 'y' }) }),
    ).rejects.toThrow(ValidationError);
  });
});

describe('DynamoSettingsRepository', () => {
  it('stores the one record with versioned conditional writes', async () => {
    const repo = new DynamoSettingsRepository(dynamo.doc, (await dynamo.freshTables()).Settings);
    expect(await repo.get()).toBeUndefined();
    const first = someSettings({ version: 1, slackAuditChannel: undefined });
    await expect(repo.put(first, 1)).rejects.toThrow(ConflictError);
    await repo.put(first, 0);
    expect(await repo.get()).toEqual(first);
    await expect(repo.put({ ...first, version: 2 }, 0)).rejects.toThrow(ConflictError);

    const second = { ...first, maxDurationHours: 12, version: 2 };
    await repo.put(second, 1);
    await expect(repo.put({ ...first, version: 2 }, 1)).rejects.toThrow(/changed by someone else/);
    expect(await repo.get()).toEqual(second);
  });
});

describe('DynamoGrantRepository', () => {
  const grant = (n: number, overrides: Partial<Grant> = {}): Grant => ({
    userId: `user-${String(n).padStart(3, '0')}`,
    accountId: '333333333331',
    permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
    requestIds: [`req-${n}`],
    createdByTeam: true,
    updatedAt: '2026-03-02T09:00:00.000Z',
    version: 1,
    ...overrides,
  });

  it('counts references with writes conditional on the version', async () => {
    const repo = new DynamoGrantRepository(dynamo.doc, (await dynamo.freshTables()).Grants);
    const g = grant(1);
    await repo.put(g, 0);
    await expect(repo.put(g, 0)).rejects.toThrow(ConflictError);
    expect(await repo.get(g.userId, g.accountId, g.permissionSetArn)).toEqual(g);

    const shared = { ...g, requestIds: ['req-1', 'req-2'], version: 2 };
    await repo.put(shared, 1);
    // A second writer that read version 1 loses.
    await expect(repo.put({ ...g, requestIds: [], version: 2 }, 1)).rejects.toThrow(ConflictError);
    await expect(repo.delete(g)).rejects.toThrow(ConflictError);
    await repo.delete(shared);
    expect(await repo.get(g.userId, g.accountId, g.permissionSetArn)).toBeUndefined();
    await expect(repo.delete(shared)).rejects.toThrow(ConflictError);
  });

  it('lists every grant through the byKind index, each once', async () => {
    const repo = new DynamoGrantRepository(dynamo.doc, (await dynamo.freshTables()).Grants);
    for (let n = 12; n >= 0; n -= 1) await repo.put(grant(n, { requestIds: [] }), 0);
    const all = await readAllPages((p) => repo.listAll(p), 4);
    expect(all.items.map((g) => g.userId)).toEqual(Array.from({ length: 13 }, (_, n) => grant(n).userId));
    expect(all.items[0]).toEqual(grant(0, { requestIds: [] }));
    await expect(
      repo.listAll({ limit: 4, cursor: encodeCursor({ grantKey: 'x', listPk: 'OTHER' }) }),
    ).rejects.toThrow(ValidationError);
  });
});

describe('DynamoOuCache', () => {
  const clock = new FixedClock();
  const accounts = [
    { id: '333333333331', name: 'Prod-Payments', email: 'p@example.com' },
    { id: '3', name: 'X' },
  ];
  let table: string;
  let cache: DynamoOuCache;
  beforeAll(async () => {
    table = (await dynamo.freshTables()).OuAccountsCache;
    cache = new DynamoOuCache(dynamo.doc, table, { clock, ttlSeconds: 3600, claimSeconds: 30 });
  });

  it('serves an entry until its expiry and never after, even while the item is still there', async () => {
    clock.set('2026-03-02T09:00:00.000Z');
    await cache.put('ou-a1b2-serve', accounts);
    expect((await cache.get('ou-a1b2-serve'))?.accounts).toEqual(accounts);
    clock.advance({ minutes: 59, seconds: 59 });
    expect(await cache.get('ou-a1b2-serve')).toBeDefined();
    clock.advance({ seconds: 1 });
    expect(await cache.get('ou-a1b2-serve')).toBeUndefined();
    const raw = await dynamo.doc.send(new GetCommand({ TableName: table, Key: { ouId: 'ou-a1b2-serve' } }));
    expect(raw.Item?.expiresAt).toBe(Date.parse('2026-03-02T10:00:00.000Z') / 1000);
  });

  it('lets one caller claim a missing or expired entry; a stuck claim expires', async () => {
    clock.set('2026-03-02T09:00:00.000Z');
    const claims = await Promise.all(Array.from({ length: 5 }, () => cache.claim('ou-a1b2-claim')));
    const winners = claims.filter((t) => t !== undefined);
    expect(winners).toHaveLength(1);
    expect(await cache.get('ou-a1b2-claim')).toBeUndefined(); // a claim is not an entry

    clock.advance({ seconds: 31 });
    const takeover = await cache.claim('ou-a1b2-claim');
    expect(takeover).toBeDefined();
    // The first populator comes back late: its write no longer counts.
    expect(await cache.put('ou-a1b2-claim', [], winners[0])).toBe(false);
    expect(await cache.put('ou-a1b2-claim', accounts, takeover)).toBe(true);
    expect(await cache.claim('ou-a1b2-claim')).toBeUndefined(); // fresh entry: nothing to claim
    clock.advance({ hours: 2 });
    expect(await cache.claim('ou-a1b2-claim')).toBeDefined(); // expired entry: claimable again
  });

  it('releases a failed claim so the next caller can try at once', async () => {
    clock.set('2026-03-02T09:00:00.000Z');
    const token = await cache.claim('ou-a1b2-release');
    expect(token).toBeDefined();
    await cache.release('ou-a1b2-release', 'someone-else');
    expect(await cache.claim('ou-a1b2-release')).toBeUndefined();
    await cache.release('ou-a1b2-release', token ?? '');
    expect(await cache.claim('ou-a1b2-release')).toBeDefined();
  });

  it('invalidates entries, wins over a populator in flight, and reports failures', async () => {
    clock.set('2026-03-02T09:00:00.000Z');
    await cache.put('ou-a1b2-inv1', accounts);
    await cache.put('r-a1b2', accounts);
    const token = await cache.claim('ou-a1b2-inv2');
    const result = await cache.invalidate(['ou-a1b2-inv1', 'r-a1b2', 'ou-a1b2-inv2', 'ou-a1b2-never']);
    expect(result).toEqual({
      invalidated: ['ou-a1b2-inv1', 'r-a1b2', 'ou-a1b2-inv2', 'ou-a1b2-never'],
      failed: [],
    });
    expect(await cache.get('ou-a1b2-inv1')).toBeUndefined();
    expect(await cache.put('ou-a1b2-inv2', accounts, token)).toBe(false);
    expect(await cache.get('ou-a1b2-inv2')).toBeUndefined();

    const broken = new DynamoOuCache(dynamo.doc, 'no-such-table', { clock });
    expect(await broken.invalidate(['ou-a1b2-x', 'ou-a1b2-x'])).toEqual({
      invalidated: [],
      failed: ['ou-a1b2-x'],
    });
  });

  it('reads asked together go out as one BatchGetItem per 100 OUs, each answered as asked', async () => {
    clock.set('2026-03-02T09:00:00.000Z');
    const sent: string[] = [];
    const counting = {
      send: (command: { constructor: { name: string } }) => {
        sent.push(command.constructor.name);
        return dynamo.doc.send(command as Parameters<typeof dynamo.doc.send>[0]);
      },
    } as unknown as typeof dynamo.doc;
    const batched = new DynamoOuCache(counting, table, { clock, ttlSeconds: 3600 });
    const ids = Array.from({ length: 150 }, (_, i) => `ou-a1b2-b${i.toString().padStart(3, '0')}`);
    for (const id of ids.filter((_, i) => i % 3 === 0)) await cache.put(id, [{ id: '3', name: id }]);
    await cache.claim(ids[1]!); // a claim is not an entry
    sent.length = 0;

    const entries = await Promise.all([...ids, ids[0]!].map((id) => batched.get(id)));
    expect(sent).toEqual(['BatchGetCommand', 'BatchGetCommand']);
    entries.forEach((entry, i) => {
      const id = i === ids.length ? ids[0]! : ids[i]!;
      expect(entry?.accounts).toEqual(ids.indexOf(id) % 3 === 0 ? [{ id: '3', name: id }] : undefined);
    });

    // A failed read fails every read it carried (the adapter then asks Organizations).
    const broken = new DynamoOuCache(dynamo.doc, 'no-such-table', { clock });
    const failures = await Promise.allSettled([broken.get('ou-a1b2-x'), broken.get('ou-a1b2-y')]);
    expect(failures.map((f) => f.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('DynamoSessionQueryRepository', () => {
  const clock = new FixedClock();
  const record = (overrides: Partial<SessionLogQueryRecord> = {}): SessionLogQueryRecord => ({
    requestId: 'req-1',
    queryId: 'q-1',
    status: 'QUEUED',
    provider: 'cloudtrail-lake',
    startedAt: '2026-03-02T09:00:00.000Z',
    windowStart: '2026-03-02T07:00:00.000Z',
    windowEnd: '2026-03-02T10:00:00.000Z',
    updatedAt: '2026-03-02T09:00:00.000Z',
    expiresAt: Date.parse('2026-03-02T09:15:00.000Z') / 1000,
    ...overrides,
  });

  it('starts once, follows progress of the current query only, and hides expired records', async () => {
    clock.set('2026-03-02T09:00:00.000Z');
    const table = (await dynamo.freshTables()).SessionLogQueries;
    const repo = new DynamoSessionQueryRepository(dynamo.doc, table, clock);
    expect(await repo.get('req-1')).toBeUndefined();
    await repo.start(record());
    await expect(repo.start(record({ queryId: 'q-other' }))).rejects.toThrow(ConflictError);

    await repo.update('req-1', 'q-1', {
      status: 'RUNNING',
      progress: 40,
      updatedAt: '2026-03-02T09:01:00.000Z',
    });
    await expect(
      repo.update('req-1', 'q-stale', {
        status: 'FAILED',
        error: 'late',
        updatedAt: '2026-03-02T09:02:00.000Z',
      }),
    ).rejects.toThrow(ConflictError);
    expect(await repo.get('req-1')).toMatchObject({ status: 'RUNNING', progress: 40 });

    // A restart must name the query it replaces.
    await expect(repo.start(record({ queryId: 'q-2' }), 'q-wrong')).rejects.toThrow(ConflictError);
    await repo.start(record({ queryId: 'q-2' }), 'q-1');
    await repo.update('req-1', 'q-2', {
      status: 'FINISHED',
      rowCount: 12,
      updatedAt: '2026-03-02T09:03:00.000Z',
    });
    expect(await repo.get('req-1')).toMatchObject({ queryId: 'q-2', status: 'FINISHED', rowCount: 12 });

    clock.set('2026-03-02T09:15:00.000Z');
    expect(await repo.get('req-1')).toBeUndefined();
    // Expired: a new query may start without naming the old one.
    await repo.start(record({ queryId: 'q-3', expiresAt: Date.parse('2026-03-05T09:00:00.000Z') / 1000 }));
    expect((await repo.get('req-1'))?.queryId).toBe('q-3');
    await expect(repo.update('req-404', 'q-1', { updatedAt: 'x' })).rejects.toThrow(ConflictError);
    await repo.delete('req-1');
    expect(await repo.get('req-1')).toBeUndefined();
  });

  it('stores a record without a query id yet and lets the first report name it', async () => {
    clock.set('2026-03-02T09:00:00.000Z');
    const table = (await dynamo.freshTables()).SessionLogQueries;
    const repo = new DynamoSessionQueryRepository(dynamo.doc, table, clock);
    await repo.start(record({ queryId: undefined, error: undefined }));
    await repo.update('req-1', 'q-9', { queryId: 'q-9', status: 'RUNNING', updatedAt: clock.iso() });
    expect((await repo.get('req-1'))?.queryId).toBe('q-9');
    await dynamo.doc.send(new PutCommand({ TableName: table, Item: record({ requestId: 'req-raw' }) }));
    expect(await repo.get('req-raw')).toMatchObject({ requestId: 'req-raw' });
  });
});

describe('DynamoChatStore', () => {
  const clock = new FixedClock();
  let store: DynamoChatStore;
  beforeAll(async () => {
    store = new DynamoChatStore(dynamo.doc, (await dynamo.freshTables()).Chat, clock);
  });

  it("keeps each request's messages apart, oldest first, with their reader's time zone", async () => {
    await store.addMessage({
      requestId: 'r-1',
      conversation: 'D2',
      ts: '1765108800.000002',
      recipientId: 'u2',
    });
    await store.addMessage({
      requestId: 'r-1',
      conversation: 'D1',
      ts: '1765108800.000001',
      recipientId: 'u1',
      timeZone: 'Asia/Tokyo',
    });
    await store.addMessage({ requestId: 'r-2', conversation: 'D1', ts: '1765108800.000003' });
    expect(await store.messagesOf('r-1')).toEqual([
      {
        requestId: 'r-1',
        conversation: 'D1',
        ts: '1765108800.000001',
        recipientId: 'u1',
        timeZone: 'Asia/Tokyo',
      },
      { requestId: 'r-1', conversation: 'D2', ts: '1765108800.000002', recipientId: 'u2' },
    ]);
    expect(await store.messagesOf('r-3')).toEqual([]);
  });

  it('accepts a signature once until its window ends, then again once it has expired', async () => {
    clock.set('2026-03-02T09:00:00.000Z');
    const until = new Date('2026-03-02T09:05:00.000Z');
    const results = await Promise.all(Array.from({ length: 5 }, () => store.firstUse('abc123', until)));
    expect(results.filter(Boolean)).toHaveLength(1);
    clock.advance({ minutes: 4 });
    expect(await store.firstUse('abc123', until)).toBe(false);
    clock.advance({ minutes: 2 });
    expect(await store.firstUse('abc123', new Date('2026-03-02T09:11:00.000Z'))).toBe(true);
  });
});
