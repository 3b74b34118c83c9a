/**
 * Moving from the original TEAM: its finished requests (items as its `requests` table stores
 * them, inventory §2.1) become read-only TEAM requests with their audit trail, found on the
 * auditors', requesters' and approvers' lists; open requests, bad items and id clashes are
 * refused before anything is written, and importing again changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { ForbiddenError, ValidationError } from '../../../lambdas/core/errors';
import {
  makeImportRequestHistory,
  makePreviewRequestHistoryImport,
  MAX_HISTORY_ITEMS,
} from '../../../lambdas/core/requests/history-import';
import type { AccessRequest, AuditAction, RequestStatus } from '../../../lambdas/core/types';
import { DEMO, makeTestWorld } from '../../fakes';
import { scan } from '../original-items';

const { users, accounts, permissionSets: ps } = DEMO;
const PAGE = { limit: 50 };

/** An item of the original's `requests` table, as its resolvers and Lambdas leave it. */
function original(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: '0b5cf5a8-3c2f-4d5e-9a41-7f0e2c1d9b01',
    email: users.alice.email,
    accountId: accounts.prodWeb.id,
    accountName: accounts.prodWeb.name,
    role: ps.admin.name,
    roleId: ps.admin.arn,
    startTime: '2025-06-02T09:00:12.000Z',
    duration: '2',
    justification: 'Rotate the web tier certificates',
    status: 'ended',
    comment: 'ok, go ahead',
    username: `idc_${users.alice.userName}`,
    approver: users.bob.email,
    approverId: `idc_${users.bob.userName}`,
    approvers: [users.bob.email, users.frank.email],
    approver_ids: [`idc_${users.bob.userName}`, `idc_${users.frank.userName}`],
    endTime: '2025-06-02T11:00:40.000Z',
    ticketNo: 'CHG-1042',
    session_duration: 'PT1H',
    owner: `idc_${users.alice.userName}`,
    createdAt: '2025-06-02T08:41:03.512Z',
    updatedAt: '2025-06-02T11:00:41.101Z',
    __typename: 'requests',
    ...overrides,
  };
}

const uuid = (n: number) => `0b5cf5a8-3c2f-4d5e-9a41-${n.toString(16).padStart(12, '0')}`;
const ORIGINAL_ID = uuid(0x7f0e2c1d9b01);

function setup() {
  const world = makeTestWorld();
  const admin = world.callers.dave;
  const preview = makePreviewRequestHistoryImport(world);
  const run = makeImportRequestHistory(world);
  return {
    world,
    admin,
    preview: (items: unknown) => preview(admin, { items: JSON.stringify(items) }),
    importItems: (items: unknown) => run(admin, { items: JSON.stringify(items) }),
    trail: async (id: string) =>
      (await world.requests.listEvents(id, PAGE)).items.map((e) => ({
        action: e.action,
        actor: e.actor === 'system' ? 'system' : e.actor.id,
        to: e.toStatus,
        at: e.at,
      })),
  };
}

describe('importing the original TEAM’s request history', () => {
  it('stores an ended request, read-only, with its trail, on every list it belongs to', async () => {
    const t = setup();
    expect(await t.preview([original()])).toEqual({
      total: 1,
      toImport: 1,
      alreadyImported: 0,
      byStatus: [{ status: 'ended', count: 1 }],
      from: '2025-06-02T08:41:03.512Z',
      to: '2025-06-02T08:41:03.512Z',
      unknownUsers: [],
    });
    expect(t.world.requests.calls.count('importHistorical')).toBe(0);

    expect(await t.importItems([original()])).toEqual({ imported: 1, alreadyImported: 0 });
    const stored = await t.world.requests.get(ORIGINAL_ID);
    expect(stored).toMatchObject<Partial<AccessRequest>>({
      status: 'ended',
      importedFrom: 'original-team',
      requester: { id: users.alice.id, email: users.alice.email, name: users.alice.displayName },
      accountId: accounts.prodWeb.id,
      permissionSetArn: ps.admin.arn,
      permissionSetName: ps.admin.name,
      durationHours: 2,
      ticketNo: 'CHG-1042',
      sessionDuration: 'PT1H',
      approvalRequired: true,
      decidedBy: { id: users.bob.id, email: users.bob.email, name: users.bob.displayName },
      decisionComment: 'ok, go ahead',
      grantedAt: '2025-06-02T09:00:12.000Z',
      endedAt: '2025-06-02T11:00:40.000Z',
    });
    expect(stored?.approvers.map((a) => a.id)).toEqual([users.bob.id, users.frank.id]);
    expect(await t.trail(ORIGINAL_ID)).toEqual([
      { action: 'created', actor: users.alice.id, to: 'pending', at: '2025-06-02T08:41:03.512Z' },
      { action: 'approved', actor: users.bob.id, to: 'approved', at: '2025-06-02T09:00:12.000Z' },
      { action: 'started', actor: 'system', to: 'in progress', at: '2025-06-02T09:00:12.000Z' },
      { action: 'ended', actor: 'system', to: 'ended', at: '2025-06-02T11:00:40.000Z' },
    ]);
    const ids = (page: { items: AccessRequest[] }) => page.items.map((r) => r.id);
    expect(ids(await t.world.requests.listAll(PAGE))).toEqual([ORIGINAL_ID]);
    expect(ids(await t.world.requests.listSessions(PAGE))).toEqual([ORIGINAL_ID]);
    expect(ids(await t.world.requests.listByRequester(users.alice.id, PAGE))).toEqual([ORIGINAL_ID]);
    expect(ids(await t.world.requests.listDecidedBy(users.bob.id, PAGE))).toEqual([ORIGINAL_ID]);
    expect(ids(await t.world.requests.listEndedFor(users.frank.id, PAGE))).toEqual([ORIGINAL_ID]);
  });

  // Each finished status, as the original leaves it: what TEAM stores and the trail it tells.
  const FINISHED: {
    status: RequestStatus;
    item: Record<string, unknown>;
    expect: Partial<AccessRequest>;
    trail: [AuditAction, string][];
  }[] = [
    {
      status: 'rejected',
      item: { status: 'rejected', comment: 'not during the freeze', endTime: undefined },
      expect: { decisionComment: 'not during the freeze', decidedAt: '2025-06-02T11:00:41.101Z' },
      trail: [
        ['created', users.alice.id],
        ['rejected', users.bob.id],
      ],
    },
    {
      status: 'cancelled',
      item: { status: 'cancelled', approver: undefined, approverId: undefined, endTime: undefined },
      expect: { cancelledAt: '2025-06-02T11:00:41.101Z' },
      trail: [
        ['created', users.alice.id],
        ['cancelled', users.alice.id],
      ],
    },
    {
      status: 'expired',
      item: { status: 'expired', approver: undefined, approverId: undefined, endTime: undefined },
      expect: { approvalRequired: true },
      trail: [
        ['created', users.alice.id],
        ['expired', 'system'],
      ],
    },
    {
      status: 'revoked',
      item: {
        status: 'revoked',
        revoker: users.alice.email,
        revokerId: `idc_${users.alice.userName}`,
        revokeComment: 'done early',
      },
      expect: {
        revokedBy: { id: users.alice.id, email: users.alice.email, name: users.alice.displayName },
        revokedAt: '2025-06-02T11:00:40.000Z',
        revokeComment: 'done early',
        grantedAt: '2025-06-02T09:00:12.000Z',
      },
      trail: [
        ['created', users.alice.id],
        ['approved', users.bob.id],
        ['started', 'system'],
        ['revoked', users.alice.id],
      ],
    },
    {
      status: 'ended',
      // Approval was not required: nobody decided, nobody was listed.
      item: { approver: undefined, approverId: undefined, approvers: [], approver_ids: [] },
      expect: { approvalRequired: false, approvers: [] },
      trail: [
        ['created', users.alice.id],
        ['started', 'system'],
        ['ended', 'system'],
      ],
    },
    {
      status: 'error',
      item: { status: 'error', approver: undefined, approverId: undefined, endTime: undefined },
      expect: { errorReason: 'The original TEAM recorded this request as failed.' },
      trail: [
        ['created', users.alice.id],
        ['failed', 'system'],
      ],
    },
  ];

  it.each(FINISHED)('imports a $status request with the trail the original recorded', async (c) => {
    const t = setup();
    const item = Object.fromEntries(Object.entries(original(c.item)).filter(([, v]) => v !== undefined));
    expect(await t.importItems([item])).toEqual({ imported: 1, alreadyImported: 0 });
    const stored = await t.world.requests.get(String(item.id));
    expect(stored).toMatchObject({ status: c.status, importedFrom: 'original-team', ...c.expect });
    expect((await t.trail(String(item.id))).map((e) => [e.action, e.actor])).toEqual(c.trail);
  });

  it('reads `aws dynamodb scan` output (DynamoDB JSON) exactly like plain items', async () => {
    const plain = setup();
    const dynamo = setup();
    const items = [original(), original({ id: uuid(2), status: 'rejected' })];
    await plain.importItems(items);
    await dynamo.importItems(scan(items));
    for (const id of [ORIGINAL_ID, uuid(2)]) {
      expect(await dynamo.world.requests.get(id)).toEqual(await plain.world.requests.get(id));
      expect(await dynamo.trail(id)).toEqual(await plain.trail(id));
    }
  });

  it('keeps people the directory no longer knows by name and email, and says who they are', async () => {
    const t = setup();
    const item = original({ username: 'idc_gone@example.com', email: 'gone@example.com' });
    expect((await t.preview([item])).unknownUsers).toEqual(['gone@example.com']);
    await t.importItems([item]);
    expect((await t.world.requests.get(String(item.id)))?.requester).toEqual({
      id: 'original-team:gone@example.com',
      email: 'gone@example.com',
    });
  });

  it('importing again writes nothing more, and finishes an import that stopped part way', async () => {
    const t = setup();
    const items = [1, 2, 3].map((n) => original({ id: uuid(n) }));
    await t.importItems(items.slice(0, 2));
    expect(await t.preview(items)).toMatchObject({ total: 3, toImport: 1, alreadyImported: 2 });
    expect(await t.importItems(items)).toEqual({ imported: 1, alreadyImported: 2 });
    expect(await t.importItems(items)).toEqual({ imported: 0, alreadyImported: 3 });
    expect((await t.world.requests.listAll(PAGE)).items).toHaveLength(3);
    expect(await t.trail(uuid(1))).toHaveLength(4);
  });

  // Bad input: the first bad item is named and nothing at all is written.
  const REFUSED: { name: string; items: unknown; message: RegExp }[] = [
    ...['pending', 'approved', 'scheduled', 'in progress'].map((status) => ({
      name: `a request still ${status}`,
      items: [original({ id: uuid(1) }), original({ id: uuid(2), status })],
      message: new RegExp(`Item 2 \\(request ${uuid(2)}\\): it is still ${status} in the original TEAM`),
    })),
    {
      name: 'an unknown status',
      items: [original({ status: 'done' })],
      message:
        /Item 1 .*status must be one of rejected, cancelled, expired, ended, revoked, error, not "done"/,
    },
    { name: 'no id', items: [original({ id: undefined })], message: /Item 1: its id must be/ },
    {
      name: 'a bad account id',
      items: [original({ accountId: '12' })],
      message: /accountId must be 12 digits/,
    },
    {
      name: 'no permission set ARN',
      items: [original({ roleId: 'Admin' })],
      message: /roleId must be a permission set ARN/,
    },
    {
      name: 'a bad duration',
      items: [original({ duration: '0' })],
      message: /duration must be whole hours from 1 to 8000/,
    },
    {
      name: 'a bad creation time',
      items: [original({ createdAt: 'yesterday' })],
      message: /createdAt must be a date/,
    },
    {
      name: 'no requester',
      items: [original({ username: undefined, email: undefined })],
      message: /names no requester/,
    },
    { name: 'the same id twice', items: [original(), original()], message: /Item 2 .*appears twice/ },
    { name: 'not a list', items: { requests: [] }, message: /must be the output of aws dynamodb scan/ },
    { name: 'no items', items: [], message: /holds no items/ },
    {
      name: 'too many items at once',
      items: Array.from({ length: MAX_HISTORY_ITEMS + 1 }, (_, n) => original({ id: uuid(n + 1) })),
      message: /send at most 1,000 at a time/,
    },
  ];

  it.each(REFUSED)('refuses $name, naming it, and writes nothing', async ({ items, message }) => {
    const t = setup();
    const clean = (value: unknown): unknown =>
      Array.isArray(value)
        ? value.map((i: Record<string, unknown>) =>
            Object.fromEntries(Object.entries(i).filter(([, v]) => v !== undefined)),
          )
        : value;
    await expect(t.preview(clean(items))).rejects.toThrow(message);
    await expect(t.importItems(clean(items))).rejects.toThrow(ValidationError);
    await expect(t.importItems(clean(items))).rejects.toThrow(message);
    expect((await t.world.requests.listAll(PAGE)).items).toEqual([]);
  });

  it('refuses text that is not JSON, with the reader’s message', async () => {
    const t = setup();
    const run = makeImportRequestHistory(t.world);
    await expect(run(t.admin, { items: '{"Items": [' })).rejects.toThrow(ValidationError);
  });

  it('never overwrites a request of TEAM’s own that has the same id', async () => {
    const t = setup();
    await t.importItems([original({ id: uuid(9) })]);
    const imported = await t.world.requests.get(uuid(9));
    if (!imported) throw new Error('not stored');
    // Another deployment where TEAM itself created a request under that id.
    const other = setup();
    const { importedFrom: _, ...own } = imported;
    await other.world.requests.create(
      { ...own, status: 'pending' },
      {
        requestId: uuid(9),
        id: '2026-01-01T00:00:00.000Z#v000001',
        at: '2026-01-01T00:00:00.000Z',
        action: 'created',
        actor: own.requester,
      },
    );
    await expect(other.preview([original({ id: uuid(9) })])).rejects.toThrow(
      /Item 1 \(request .*\): TEAM already has a request of its own with this id/,
    );
    await expect(other.importItems([original({ id: uuid(9) })])).rejects.toThrow(/of its own/);
    expect((await other.world.requests.get(uuid(9)))?.status).toBe('pending');
    expect(other.world.requests.calls.count('importHistorical')).toBe(0);
  });

  it('is for administrators only', async () => {
    const t = setup();
    const items = JSON.stringify([original()]);
    for (const persona of ['alice', 'bob', 'erin'] as const) {
      const caller = t.world.callers[persona];
      await expect(makePreviewRequestHistoryImport(t.world)(caller, { items })).rejects.toThrow(
        ForbiddenError,
      );
      await expect(makeImportRequestHistory(t.world)(caller, { items })).rejects.toThrow(ForbiddenError);
    }
    expect((await t.world.requests.listAll(PAGE)).items).toEqual([]);
  });
});
