/**
 * The indexes hold keys only, so what a write costs them does not grow with the item: a write
 * that changes no index key (the workflow storing its wait token) costs the indexes nothing,
 * and a status change costs one unit per index entry it adds or removes. The lists still read
 * one index page, then the items with one BatchGetItem.
 */
import { DescribeTableCommand, DynamoDBClient, type ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AccessRequest, Actor, AuditEvent, Grant } from '../../../lambdas/core/types';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/client';
import { DynamoGrantRepository } from '../../../lambdas/adapters/dynamodb/grants';
import { DynamoRequestRepository, type RequestTables } from '../../../lambdas/adapters/dynamodb/requests';
import { TABLES } from '../../../lambdas/contract/tables';
import { projectionOf, TABLE_IDS } from '../../../local/dynamodb/schema-inputs';
import { aRequest } from '../../builders';
import { readAllPages } from '../../fakes/paging';
import { useDynamo, type RecordedCall } from '../../support/dynamo';

const dynamo = useDynamo();

const actor = (name: string): Actor => ({
  id: `9067a2b4-1041-70c3-55b2-${name.padEnd(12, '0')}`,
  email: `${name}.lastname@example-corp.com`,
  name: `${name} Lastname`,
});
const requester = actor('alice');
const approver = actor('bob');

const at = (minutes: number) =>
  new Date(Date.parse('2026-03-02T09:00:00.000Z') + minutes * 60_000).toISOString();

let seq = 0;
const eventFor = (r: AccessRequest): AuditEvent => {
  seq += 1;
  return {
    requestId: r.id,
    id: `${r.updatedAt}#${seq}`,
    at: r.updatedAt,
    action: 'created',
    actor: 'system',
  };
};

/** DynamoDB bills a transactional write twice, and DynamoDB Local reports it so. */
const TX = 2;

/** Units a set of calls consumed on one table and on each of its indexes (indexes with 0 left out). */
function unitsOn(calls: readonly RecordedCall[], tableName: string) {
  let table = 0;
  const indexes: Record<string, number> = {};
  const entries: ConsumedCapacity[] = calls.flatMap((c) => c.consumed);
  for (const c of entries.filter((e) => e.TableName === tableName)) {
    table += c.Table?.CapacityUnits ?? 0;
    for (const [name, used] of Object.entries(c.GlobalSecondaryIndexes ?? {})) {
      if ((used.CapacityUnits ?? 0) > 0) indexes[name] = (indexes[name] ?? 0) + (used.CapacityUnits ?? 0);
    }
  }
  return { table, indexes };
}

describe('index projections', () => {
  it('creates every index with the projection the schema declares', async () => {
    for (const id of TABLE_IDS) {
      const out = await dynamo.client.send(new DescribeTableCommand({ TableName: dynamo.tables[id] }));
      const got = Object.fromEntries(
        (out.Table?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.Projection]),
      );
      const declared = Object.fromEntries(
        TABLES[id].indexes.map((i) => [i.name, projectionOf(i.projection)]),
      );
      expect(got, id).toEqual(declared);
    }
  });

  it('projects keys only where whole items are large or often rewritten', () => {
    for (const id of ['Requests', 'RequestApprovers', 'Grants'] as const) {
      for (const index of TABLES[id].indexes) expect(index.projection, index.name).toBe('KEYS_ONLY');
    }
  });
});

describe('write capacity of a request', () => {
  let repo: DynamoRequestRepository;
  let tables: RequestTables;
  beforeAll(async () => {
    const t = await dynamo.freshTables();
    tables = { requests: t.Requests, approvers: t.RequestApprovers, events: t.AuditEvents };
    repo = new DynamoRequestRepository(dynamo.doc, tables);
  });

  /** Runs a write and returns what it consumed on the Requests and RequestApprovers tables. */
  async function measured(write: () => Promise<unknown>) {
    dynamo.resetCalls();
    await write();
    const calls = [...dynamo.calls];
    return { requests: unitsOn(calls, tables.requests), approvers: unitsOn(calls, tables.approvers) };
  }

  it('costs the indexes nothing for a token write and one unit per entry for a status change', async () => {
    // A request item of more than 3 KB: with whole items projected each index entry would cost
    // 4 units; with keys only it costs 1 whatever the item's size.
    let r = aRequest({
      requester,
      approvers: [approver],
      justification: 'Investigate the failed release of the payments service. '.repeat(55),
      createdAt: at(0),
      updatedAt: at(0),
      startTime: at(10),
    });
    const move = async (next: AccessRequest) => {
      const used = await measured(() =>
        repo.update(next, { status: r.status, version: r.version }, eventFor(next)),
      );
      r = next;
      return used;
    };
    const storeToken = (status: string, token: string) =>
      measured(() =>
        dynamo.doc.send(
          new UpdateCommand({
            TableName: tables.requests,
            Key: { id: r.id },
            UpdateExpression: 'SET #token = :token',
            ConditionExpression: '#status = :status',
            ExpressionAttributeNames: { '#token': 'workflowToken', '#status': 'status' },
            ExpressionAttributeValues: { ':token': token, ':status': status },
          }),
        ),
      );

    const created = await measured(() => repo.create(r, eventFor(r)));
    expect(created.requests.table).toBeGreaterThanOrEqual(4 * TX);
    expect(created.requests.indexes).toEqual({ byRequester: TX, byRequesterPhase: TX, byCreated: TX });
    expect(created.approvers.indexes).toEqual({ byApproverPhase: TX });

    // Each wait stores a new token on the item: the table pays for the item, the indexes nothing.
    for (const [i, status] of ['pending', 'pending'].entries()) {
      const token = await storeToken(status, `${String(i)}${'T'.repeat(700)}`);
      expect(token.requests.table).toBeGreaterThanOrEqual(4);
      expect(token.requests.indexes).toEqual({});
    }

    // Approved: still pending phase, so only the decider index gains an entry.
    const approved = await move({
      ...r,
      status: 'approved',
      decidedBy: approver,
      decidedAt: at(5),
      updatedAt: at(5),
      version: 2,
    });
    expect(approved.requests.indexes).toEqual({ byDecider: TX });
    expect(approved.approvers.table).toBe(0);

    // Scheduled: the phase changes, so the phase entries move (removed and added) and the
    // session index gains one; an index entry never costs more than one unit.
    const scheduled = await move({ ...r, status: 'scheduled', updatedAt: at(6), version: 3 });
    expect(Object.keys(scheduled.requests.indexes).sort()).toEqual(['byRequesterPhase', 'bySession']);
    expect(scheduled.requests.indexes.byRequesterPhase).toBeLessThanOrEqual(2 * TX);
    expect(scheduled.requests.indexes.bySession).toBeLessThanOrEqual(TX);
    expect(scheduled.approvers.indexes.byApproverPhase).toBeLessThanOrEqual(2 * TX);

    expect((await storeToken('scheduled', 'S'.repeat(700))).requests.indexes).toEqual({});

    // In progress: same phase, no index key changes.
    const inProgress = await move({
      ...r,
      status: 'in progress',
      grantedAt: at(10),
      updatedAt: at(10),
      version: 4,
    });
    expect(inProgress.requests.table).toBeGreaterThanOrEqual(4 * TX);
    expect(inProgress.requests.indexes).toEqual({});
    expect(inProgress.approvers.table).toBe(0);

    const ended = await move({ ...r, status: 'ended', endedAt: at(130), updatedAt: at(130), version: 5 });
    expect(Object.keys(ended.requests.indexes)).toEqual(['byRequesterPhase']);
    expect(ended.requests.indexes.byRequesterPhase).toBeLessThanOrEqual(2 * TX);
    expect(ended.approvers.indexes.byApproverPhase).toBeLessThanOrEqual(2 * TX);

    // The stored request is whole: the token stays beside it, out of the domain object.
    expect(await repo.get(r.id)).toEqual(r);
  });

  it('updates a grant’s references without touching its index', async () => {
    const grants = new DynamoGrantRepository(dynamo.doc, (await dynamo.freshTables()).Grants);
    const g: Grant = {
      userId: requester.id,
      accountId: '333333333331',
      permissionSetArn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
      requestIds: ['req-1'],
      createdByTeam: true,
      updatedAt: at(0),
      version: 1,
    };
    dynamo.resetCalls();
    await grants.put(g, 0);
    expect(dynamo.calls.flatMap((c) => c.consumed)[0]?.GlobalSecondaryIndexes?.byKind?.CapacityUnits).toBe(1);
    dynamo.resetCalls();
    await grants.put({ ...g, requestIds: ['req-1', 'req-2'], version: 2 }, 1);
    const update = dynamo.calls.flatMap((c) => c.consumed)[0];
    expect(update?.Table?.CapacityUnits).toBeGreaterThan(0);
    expect(update?.GlobalSecondaryIndexes?.byKind?.CapacityUnits ?? 0).toBe(0);
  });
});

describe('lists over keys-only indexes', () => {
  let tables: RequestTables;
  const made: AccessRequest[] = [];
  beforeAll(async () => {
    const t = await dynamo.freshTables();
    tables = { requests: t.Requests, approvers: t.RequestApprovers, events: t.AuditEvents };
    const repo = new DynamoRequestRepository(dynamo.doc, tables);
    for (let i = 0; i < 7; i += 1) {
      const r = aRequest({ requester, approvers: [approver], createdAt: at(i), updatedAt: at(i) });
      await repo.create(r, eventFor(r));
      made.push(r);
    }
  });

  /**
   * A repository whose client deletes `victim` right after the first index Query answers, as a
   * concurrent deletion would between the index read and the item read.
   */
  function repoDeletingAfterQuery(victim: string): { repo: DynamoRequestRepository; stop: () => void } {
    const client = new DynamoDBClient({
      endpoint: dynamo.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    let done = false;
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'QueryCommand' && !done) {
          done = true;
          await dynamo.doc.send(new DeleteCommand({ TableName: tables.requests, Key: { id: victim } }));
        }
        return result;
      },
      { step: 'initialize', name: 'deleteAfterQuery' },
    );
    return {
      repo: new DynamoRequestRepository(createDocumentClient(client), tables),
      stop: () => client.destroy(),
    };
  }

  it('reads one index page and one BatchGetItem per page, in index order', async () => {
    const repo = new DynamoRequestRepository(dynamo.doc, tables);
    dynamo.resetCalls();
    const page = await repo.listByRequester(requester.id, { limit: 3 });
    expect(page.items.map((r) => r.id)).toEqual(
      made
        .slice(-3)
        .reverse()
        .map((r) => r.id),
    );
    expect(page.items[0]).toEqual(made.at(-1));
    expect(dynamo.calls.map((c) => c.command)).toEqual(['QueryCommand', 'BatchGetItemCommand']);
    expect(dynamo.calls[1]?.requestedKeys).toBe(3);
  });

  it('skips a request deleted between the two reads and keeps the cursor where the index page ended', async () => {
    const newestFirst = [...made].reverse().map((r) => r.id);
    const victim = newestFirst[2] ?? '';
    const { repo, stop } = repoDeletingAfterQuery(victim);
    try {
      const first = await repo.listAll({ limit: 3 });
      expect(first.items.map((r) => r.id)).toEqual(newestFirst.slice(0, 2));
      expect(first.nextCursor).toBeDefined();
      const rest = await readAllPages(
        (p) => repo.listAll(p.cursor === undefined ? { ...p, cursor: first.nextCursor } : p),
        3,
      );
      expect(rest.items.map((r) => r.id)).toEqual(newestFirst.slice(3));
    } finally {
      stop();
    }
  });
});
