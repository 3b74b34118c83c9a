/**
 * Scale: with 20,000 requests stored, every list reads one page of items whatever the table
 * size — each Query reads at most `limit` entries from its index and none from the table, and
 * the BatchGetItem that fetches the page's requests asks for at most `limit` keys.
 */
import { BatchWriteCommand, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { phaseOf } from '../../../lambdas/core/requests/lifecycle';
import type { AccessRequest, Actor, Page, PageRequest, RequestStatus } from '../../../lambdas/core/types';
import { mapLimit } from '../../../lambdas/adapters/concurrency';
import {
  DynamoRequestRepository,
  phaseTime,
  type RequestTables,
} from '../../../lambdas/adapters/dynamodb/requests';
import { aRequest } from '../../builders';
import { useDynamo, type RecordedCall } from '../../support/dynamo';

const dynamo = useDynamo();

const TOTAL = 20_000;
const PEOPLE = 50;
const LIMIT = 25;

const person = (kind: 'req' | 'apr', n: number): Actor => ({
  id: `${kind}-${String(n).padStart(2, '0')}`,
  email: `${kind}${n}@example.com`,
  name: `${kind} ${n}`,
});

const STATUSES: RequestStatus[] = [
  'pending',
  'pending',
  'approved',
  'scheduled',
  'in progress',
  'ended',
  'ended',
  'revoked',
  'rejected',
  'expired',
];

const minute = (n: number) => new Date(Date.parse('2025-01-01T00:00:00.000Z') + n * 60_000).toISOString();

/** Request number `n`: spread over 50 requesters, 50 approvers and every status. */
function requestNumber(n: number): AccessRequest {
  // By block of 50, so every requester and approver has requests in every status.
  const status = STATUSES[Math.floor(n / PEOPLE) % STATUSES.length] ?? 'pending';
  const decided = !['pending', 'expired'].includes(status);
  const ended = status === 'ended' || status === 'revoked';
  return aRequest({
    id: `req-${String(n).padStart(6, '0')}`,
    requester: person('req', n % PEOPLE),
    // One approver each, a second one on every fourth request (fewer items to load, same spread).
    approvers: [person('apr', n % PEOPLE), ...(n % 4 === 0 ? [person('apr', (n * 7 + 3) % PEOPLE)] : [])],
    status,
    createdAt: minute(n),
    updatedAt: minute(n + 1),
    startTime: minute(n + 2),
    ...(decided ? { decidedBy: person('apr', n % PEOPLE), decidedAt: minute(n + 1) } : {}),
    ...(ended ? { endedAt: minute(n + 3) } : {}),
    version: 3,
  });
}

/**
 * The items the repository writes for a request, for bulk loading. The loader is checked
 * against requests created through the repository, so it cannot drift from it unnoticed.
 */
function itemsOf(r: AccessRequest) {
  const phase = phaseOf(r.status);
  const phaseAt = phaseTime(r);
  const request = {
    ...r,
    requesterId: r.requester.id,
    requesterPhase: `${r.requester.id}#${phase}`,
    phaseAt,
    listPk: 'REQUEST',
    ...(r.decidedBy ? { deciderId: r.decidedBy.id } : {}),
    ...(phase === 'active' || phase === 'ended' ? { sessionPk: 'SESSION' } : {}),
  };
  const approvers = [...new Map(r.approvers.map((a) => [a.id, a])).values()].map((a) => ({
    requestId: r.id,
    approverId: a.id,
    approverPhase: `${a.id}#${phase}`,
    phaseAt,
  }));
  return { request, approvers };
}

async function batchWrite(table: string, items: Record<string, unknown>[]): Promise<void> {
  let pending = items.map((Item) => ({ PutRequest: { Item } }));
  while (pending.length > 0) {
    const out = await dynamo.doc.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
    pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
  }
}

async function load(tables: RequestTables, requests: AccessRequest[]): Promise<void> {
  const requestItems: Record<string, unknown>[] = [];
  const approverItems: Record<string, unknown>[] = [];
  for (const r of requests) {
    const { request, approvers } = itemsOf(r);
    requestItems.push(request);
    approverItems.push(...approvers);
  }
  const chunks: { table: string; items: Record<string, unknown>[] }[] = [];
  for (let i = 0; i < requestItems.length; i += 25)
    chunks.push({ table: tables.requests, items: requestItems.slice(i, i + 25) });
  for (let i = 0; i < approverItems.length; i += 25)
    chunks.push({ table: tables.approvers, items: approverItems.slice(i, i + 25) });
  await mapLimit(chunks, 8, (c) => batchWrite(c.table, c.items));
}

/** Capacity a call consumed on the table itself and on its indexes. */
function capacity(call: RecordedCall): { table: number; indexes: number } {
  let table = 0;
  let indexes = 0;
  for (const c of call.consumed) {
    table += c.Table?.CapacityUnits ?? 0;
    for (const index of Object.values(c.GlobalSecondaryIndexes ?? {})) indexes += index.CapacityUnits ?? 0;
  }
  return { table, indexes };
}

describe('request lists at scale', () => {
  let repo: DynamoRequestRepository;
  let tables: RequestTables;

  beforeAll(async () => {
    const t = dynamo.tables;
    tables = { requests: t.Requests, approvers: t.RequestApprovers, events: t.AuditEvents };
    repo = new DynamoRequestRepository(dynamo.doc, tables);
    await load(
      tables,
      Array.from({ length: TOTAL }, (_, n) => requestNumber(n)),
    );
  }, 120_000);

  it('the bulk loader writes what the repository writes', async () => {
    const probe = [requestNumber(TOTAL + 3), requestNumber(TOTAL + 5), requestNumber(TOTAL + 8)];
    const viaRepo = await dynamo.freshTables();
    const repoTables = {
      requests: viaRepo.Requests,
      approvers: viaRepo.RequestApprovers,
      events: viaRepo.AuditEvents,
    };
    const other = new DynamoRequestRepository(dynamo.doc, repoTables);
    for (const r of probe) {
      await other.create(r, {
        requestId: r.id,
        id: `${r.createdAt}#1`,
        at: r.createdAt,
        action: 'created',
        actor: 'system',
      });
      const stored = await dynamo.doc.send(
        new GetCommand({ TableName: repoTables.requests, Key: { id: r.id } }),
      );
      expect(stored.Item).toEqual(itemsOf(r).request);
      const approvers = await dynamo.doc.send(
        new QueryCommand({
          TableName: repoTables.approvers,
          KeyConditionExpression: 'requestId = :id',
          ExpressionAttributeValues: { ':id': r.id },
        }),
      );
      expect(approvers.Items).toEqual(
        expect.arrayContaining(itemsOf(r).approvers.map((a) => expect.objectContaining(a))),
      );
      expect(approvers.Items).toHaveLength(itemsOf(r).approvers.length);
    }
  });

  const lists: [string, (page: PageRequest) => Promise<Page<AccessRequest>>][] = [
    ['my requests', (p) => repo.listByRequester('req-07', p)],
    ['approvals waiting for me', (p) => repo.listPendingForApprover('apr-07', p)],
    ['my approvals', (p) => repo.listDecidedBy('apr-07', p)],
    ['active access (requester)', (p) => repo.listActiveFor('req-07', p)],
    ['active access (approver)', (p) => repo.listActiveFor('apr-07', p)],
    ['ended access (requester)', (p) => repo.listEndedFor('req-07', p)],
    ['ended access (approver)', (p) => repo.listEndedFor('apr-07', p)],
    ['audit: all requests', (p) => repo.listAll(p)],
    ['audit: sessions', (p) => repo.listSessions(p)],
  ];

  it.each(lists)('%s reads one page of items, never the table', async (_name, list) => {
    let cursor: string | undefined;
    const seen = new Set<string>();
    for (let pageNo = 0; pageNo < 3; pageNo += 1) {
      dynamo.resetCalls();
      const page = await list(cursor === undefined ? { limit: LIMIT } : { limit: LIMIT, cursor });
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.items.length).toBeLessThanOrEqual(LIMIT);
      for (const r of page.items) {
        expect(seen.has(r.id)).toBe(false);
        seen.add(r.id);
      }

      const calls = [...dynamo.calls];
      expect(calls.map((c) => c.command).filter((c) => c === 'ScanCommand')).toEqual([]);
      for (const call of calls) {
        if (call.command === 'QueryCommand') {
          expect(call.indexName).toBeDefined();
          expect(call.scannedCount ?? 0).toBeLessThanOrEqual(LIMIT + 1);
          const used = capacity(call);
          expect(used.table).toBe(0);
          // One page of ~1 KB items: a few read units, nowhere near the ~2,500 of a table read.
          expect(used.indexes).toBeLessThanOrEqual(LIMIT / 2);
        } else {
          expect(call.command).toBe('BatchGetItemCommand');
          expect(call.requestedKeys ?? 0).toBeLessThanOrEqual(LIMIT);
          expect(capacity(call).table).toBeLessThanOrEqual(LIMIT);
        }
      }
      expect(calls.length).toBeLessThanOrEqual(3);
      cursor = page.nextCursor;
      expect(cursor).toBeDefined();
    }
  });

  it('pages through one user’s list completely, each request once', async () => {
    const expected = Array.from({ length: TOTAL }, (_, n) => n)
      .filter((n) => n % PEOPLE === 7)
      .map((n) => `req-${String(n).padStart(6, '0')}`)
      .reverse();
    const got: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await repo.listByRequester(
        'req-07',
        cursor === undefined ? { limit: 100 } : { limit: 100, cursor },
      );
      got.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor !== undefined);
    expect(got).toEqual(expected);
  });
});
