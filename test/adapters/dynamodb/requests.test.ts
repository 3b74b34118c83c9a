import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError, ValidationError } from '../../../lambdas/core/errors';
import type { AccessRequest, Actor, AuditEvent, Page, PageRequest } from '../../../lambdas/core/types';
import { encodeCursor } from '../../../lambdas/adapters/dynamodb/common';
import { DynamoRequestRepository, type RequestTables } from '../../../lambdas/adapters/dynamodb/requests';
import { aRequest } from '../../builders';
import { readAllPages } from '../../fakes/paging';
import { useDynamo } from '../../support/dynamo';

const dynamo = useDynamo();

const actor = (name: string): Actor => ({ id: `id-${name}`, email: `${name}@example.com`, name });
const carol = actor('carol');
const dan = actor('dan');
const erin = actor('erin');
const outsider = actor('zed');

const at = (minutes: number) =>
  new Date(Date.parse('2026-03-02T09:00:00.000Z') + minutes * 60_000).toISOString();

let seq = 0;
const eventFor = (r: AccessRequest, action: AuditEvent['action'] = 'created'): AuditEvent => {
  seq += 1;
  return {
    requestId: r.id,
    id: `${r.updatedAt}#${String(seq).padStart(6, '0')}`,
    at: r.updatedAt,
    action,
    actor: 'system',
  };
};

async function tablesAndRepo(): Promise<{ repo: DynamoRequestRepository; tables: RequestTables }> {
  const t = await dynamo.freshTables();
  const tables = { requests: t.Requests, approvers: t.RequestApprovers, events: t.AuditEvents };
  return { repo: new DynamoRequestRepository(dynamo.doc, tables), tables };
}

const ids = (page: { items: AccessRequest[] }) => page.items.map((r) => r.id);

/** Every page size gives the same items, each once, in the same order. */
async function expectStablePaging(
  list: (page: PageRequest) => Promise<Page<AccessRequest>>,
  expected: string[],
): Promise<void> {
  for (const limit of [1, 2, 3, 7, 100]) {
    const all = await readAllPages(list, limit);
    expect(ids(all), `page size ${limit}`).toEqual(expected);
  }
}

describe('DynamoRequestRepository: writes', () => {
  let repo: DynamoRequestRepository;
  let tables: RequestTables;
  beforeAll(async () => {
    ({ repo, tables } = await tablesAndRepo());
  });

  it('creates a request with its event and approver items once', async () => {
    const r = aRequest({ requester: carol, approvers: [dan, { id: erin.id, email: erin.email }] });
    await repo.create(r, eventFor(r));
    expect(await repo.get(r.id)).toEqual(r);
    await expect(repo.create(r, eventFor(r))).rejects.toThrow(ConflictError);
    expect((await repo.listEvents(r.id, { limit: 10 })).items).toHaveLength(1);
    expect(ids(await repo.listPendingForApprover(erin.id, { limit: 10 }))).toEqual([r.id]);
    expect(await repo.get('missing')).toBeUndefined();
  });

  it('updates only from the stored status and version, with the event in the same transaction', async () => {
    const r = aRequest({ requester: carol, approvers: [dan] });
    await repo.create(r, eventFor(r));
    const approved: AccessRequest = {
      ...r,
      status: 'approved',
      decidedBy: dan,
      decidedAt: at(5),
      updatedAt: at(5),
      version: 2,
    };
    const approveEvent = eventFor(approved, 'approved');

    // Stale version and wrong status both lose; nothing of the attempt is written.
    await expect(repo.update(approved, { status: 'pending', version: 7 }, approveEvent)).rejects.toThrow(
      ConflictError,
    );
    await expect(repo.update(approved, { status: 'approved', version: 1 }, approveEvent)).rejects.toThrow(
      /it is now pending/,
    );
    expect(await repo.get(r.id)).toEqual(r);
    expect((await repo.listEvents(r.id, { limit: 10 })).items).toHaveLength(1);

    await repo.update(approved, { status: 'pending', version: 1 }, approveEvent);
    expect(await repo.get(r.id)).toEqual(approved);
    expect((await repo.listEvents(r.id, { limit: 10 })).items.map((e) => e.action)).toEqual([
      'created',
      'approved',
    ]);
    // The same decision again (a double click, a retried call) is a conflict, not a second event.
    await expect(
      repo.update(approved, { status: 'pending', version: 1 }, eventFor(approved)),
    ).rejects.toThrow(ConflictError);
    expect(ids(await repo.listDecidedBy(dan.id, { limit: 10 }))).toEqual([r.id]);

    // An event id that exists already fails the whole transaction: the request stays as it was.
    const scheduled = { ...approved, status: 'scheduled' as const, updatedAt: at(6), version: 3 };
    await expect(repo.update(scheduled, { status: 'approved', version: 2 }, approveEvent)).rejects.toThrow(
      ConflictError,
    );
    expect((await repo.get(r.id))?.status).toBe('approved');

    await repo.update(scheduled, { status: 'approved', version: 2 }, eventFor(scheduled, 'scheduled'));
    expect(ids(await repo.listPendingForApprover(dan.id, { limit: 10 }))).not.toContain(r.id);
    expect(ids(await repo.listActiveFor(dan.id, { limit: 10 }))).toContain(r.id);
    const stored = await dynamo.doc.send(new GetCommand({ TableName: tables.requests, Key: { id: r.id } }));
    expect(stored.Item).toMatchObject({ requesterPhase: `${carol.id}#active`, sessionPk: 'SESSION' });
  });

  it('says NotFound when the request to update does not exist', async () => {
    const r = aRequest({ status: 'approved', version: 2 });
    await expect(repo.update(r, { status: 'pending', version: 1 }, eventFor(r))).rejects.toThrow(
      NotFoundError,
    );
  });

  it('appends events and lists a trail oldest first, page by page', async () => {
    const r = aRequest({ requester: carol, approvers: [dan] });
    await repo.create(r, eventFor(r));
    for (let i = 0; i < 6; i += 1) await repo.appendEvent({ ...eventFor(r, 'notified'), detail: `n${i}` });
    const trail = await readAllPages((p) => repo.listEvents(r.id, p), 4);
    expect(trail.items.map((e) => e.action)).toEqual(['created', ...Array(6).fill('notified')]);
    expect(trail.items.map((e) => e.id)).toEqual([...trail.items.map((e) => e.id)].sort());
  });

  it('stores imported history with its whole trail once, even with more approvers than a transaction holds', async () => {
    const approvers = Array.from({ length: 120 }, (_, n) => actor(`approver-${n}`));
    const r = aRequest({
      requester: carol,
      approvers,
      status: 'ended',
      decidedBy: approvers[0],
      endedAt: at(120),
      importedFrom: 'original-team',
    });
    const trail = (['created', 'approved', 'started', 'ended'] as const).map((action) => eventFor(r, action));
    expect(await repo.importHistorical(r, trail)).toBe(true);
    expect(await repo.get(r.id)).toEqual(r);
    expect((await repo.listEvents(r.id, { limit: 10 })).items.map((e) => e.action)).toEqual([
      'created',
      'approved',
      'started',
      'ended',
    ]);
    // Every approver finds it on their ended access, the last one included.
    for (const approver of [approvers[0], approvers[119]]) {
      expect(ids(await repo.listEndedFor(approver!.id, { limit: 10 }))).toEqual([r.id]);
    }
    // A second import of the same request writes nothing.
    expect(await repo.importHistorical({ ...r, justification: 'changed' }, trail)).toBe(false);
    expect((await repo.get(r.id))?.justification).toBe(r.justification);
    expect((await repo.listEvents(r.id, { limit: 10 })).items).toHaveLength(4);
  });
});

describe('DynamoRequestRepository: lists', () => {
  let repo: DynamoRequestRepository;
  const made: AccessRequest[] = [];
  const add = async (r: AccessRequest) => {
    await repo.create(r, eventFor(r));
    made.push(r);
    return r;
  };

  beforeAll(async () => {
    ({ repo } = await tablesAndRepo());
    // Carol requests some; Dan approves some of hers; Carol approves some of Erin's; noise from Zed.
    for (let i = 0; i < 9; i += 1) {
      const base = { createdAt: at(i * 10), updatedAt: at(i * 10) };
      await add(aRequest({ ...base, requester: carol, approvers: [dan] })); // pending
      await add(aRequest({ ...base, requester: erin, approvers: [carol, dan] })); // pending for carol
      await add(
        aRequest({
          ...base,
          requester: carol,
          approvers: [dan],
          status: 'scheduled',
          startTime: at(100 + i * 7),
          decidedBy: dan,
          decidedAt: at(i * 10 + 1),
        }),
      );
      await add(
        aRequest({
          ...base,
          requester: erin,
          approvers: [carol],
          status: 'in progress',
          startTime: at(103 + i * 11),
          decidedBy: carol,
          decidedAt: at(i * 10 + 2),
        }),
      );
      await add(
        aRequest({
          ...base,
          requester: carol,
          approvers: [dan],
          status: 'ended',
          startTime: at(i),
          endedAt: at(200 + i * 5),
          decidedBy: dan,
          decidedAt: at(i * 10 + 3),
        }),
      );
      await add(
        aRequest({
          ...base,
          requester: erin,
          approvers: [carol],
          status: 'revoked',
          startTime: at(i),
          revokedAt: at(202 + i * 9),
          endedAt: at(202 + i * 9),
          revokedBy: carol,
        }),
      );
      await add(
        aRequest({
          ...base,
          requester: outsider,
          approvers: [dan],
          status: 'rejected',
          decidedBy: dan,
          decidedAt: at(i * 10 + 4),
        }),
      );
    }
  });

  // Latest first; the merged lists break ties by request id, latest first too.
  const desc = (items: AccessRequest[], key: (r: AccessRequest) => string) =>
    [...items].sort((a, b) => (key(a) === key(b) ? b.id.localeCompare(a.id) : key(a) < key(b) ? 1 : -1));

  it('lists my requests newest first', async () => {
    const expected = desc(
      made.filter((r) => r.requester.id === carol.id),
      (r) => r.createdAt,
    );
    // Three of Carol's requests share each createdAt: compare as sets per time, order by time.
    const all = await readAllPages((p) => repo.listByRequester(carol.id, p), 4);
    expect(all.items.map((r) => r.createdAt)).toEqual(expected.map((r) => r.createdAt));
    expect(new Set(ids(all))).toEqual(new Set(expected.map((r) => r.id)));
    expect(ids(all)).toHaveLength(expected.length);
  });

  it('lists the approvals waiting for me, never my own requests', async () => {
    const expected = desc(
      made.filter((r) => r.status === 'pending' && r.approvers.some((a) => a.id === carol.id)),
      (r) => r.createdAt,
    ).map((r) => r.id);
    expect(expected).toHaveLength(9);
    await expectStablePaging((p) => repo.listPendingForApprover(carol.id, p), expected);
  });

  it('lists what I decided, latest decision first', async () => {
    const expected = desc(
      made.filter((r) => r.decidedBy?.id === dan.id),
      (r) => r.decidedAt ?? '',
    ).map((r) => r.id);
    expect(expected).toHaveLength(27);
    await expectStablePaging((p) => repo.listDecidedBy(dan.id, p), expected);
  });

  it('merges active access I requested and I approve, latest start first, each once', async () => {
    const expected = desc(
      made.filter(
        (r) =>
          (r.status === 'scheduled' || r.status === 'in progress') &&
          (r.requester.id === carol.id || r.approvers.some((a) => a.id === carol.id)),
      ),
      (r) => r.startTime,
    ).map((r) => r.id);
    expect(expected).toHaveLength(18);
    await expectStablePaging((p) => repo.listActiveFor(carol.id, p), expected);
    // Dan approves only Carol's: one side of the merge is empty for him.
    const dans = desc(
      made.filter((r) => r.status === 'scheduled'),
      (r) => r.startTime,
    ).map((r) => r.id);
    await expectStablePaging((p) => repo.listActiveFor(dan.id, p), dans);
  });

  it('merges ended access I requested and I approve, latest end first, each once', async () => {
    const expected = desc(
      made.filter(
        (r) =>
          (r.status === 'ended' || r.status === 'revoked') &&
          (r.requester.id === carol.id || r.approvers.some((a) => a.id === carol.id)),
      ),
      (r) => r.endedAt ?? '',
    ).map((r) => r.id);
    expect(expected).toHaveLength(18);
    await expectStablePaging((p) => repo.listEndedFor(carol.id, p), expected);
    expect((await repo.listEndedFor(outsider.id, { limit: 5 })).items).toEqual([]);
  });

  it('lists sessions by start time and every request by creation for auditors', async () => {
    const sessions = made.filter((r) => ['scheduled', 'in progress', 'ended', 'revoked'].includes(r.status));
    const all = await readAllPages((p) => repo.listSessions(p), 8);
    expect(new Set(ids(all))).toEqual(new Set(sessions.map((r) => r.id)));
    expect(all.items.map((r) => r.startTime)).toEqual(
      desc(sessions, (r) => r.startTime).map((r) => r.startTime),
    );
    const everything = await readAllPages((p) => repo.listAll(p), 10);
    expect(everything.items).toHaveLength(made.length);
    expect(new Set(ids(everything)).size).toBe(made.length);
    expect(everything.items.map((r) => r.createdAt)).toEqual(
      desc(made, (r) => r.createdAt).map((r) => r.createdAt),
    );
  });

  it('refuses a tampered cursor on every list', async () => {
    const garbage = 'eyJub3QiOiJ2YWxpZA'; // truncated base64 JSON
    const lists: ((p: PageRequest) => Promise<unknown>)[] = [
      (p) => repo.listByRequester(carol.id, p),
      (p) => repo.listPendingForApprover(carol.id, p),
      (p) => repo.listDecidedBy(carol.id, p),
      (p) => repo.listActiveFor(carol.id, p),
      (p) => repo.listEndedFor(carol.id, p),
      (p) => repo.listAll(p),
      (p) => repo.listSessions(p),
      (p) => repo.listEvents('x', p),
    ];
    for (const list of lists) {
      await expect(list({ limit: 5, cursor: garbage })).rejects.toThrow(ValidationError);
      await expect(list({ limit: 5, cursor: encodeCursor(['a', 'b']) })).rejects.toThrow(ValidationError);
    }
    await expect(
      repo.listActiveFor(carol.id, { limit: 5, cursor: encodeCursor({ r: 'x' }) }),
    ).rejects.toThrow(ValidationError);
  });
});
