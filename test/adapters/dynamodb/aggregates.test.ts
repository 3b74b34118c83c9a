import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoAggregateStore } from '../../../lambdas/adapters/dynamodb/aggregates';
import {
  computeSnapshot,
  countNewEvents,
  eventsOfRequest,
  makeGetDashboard,
  type AggregateEvent,
  type DashboardView,
} from '../../../lambdas/core/dashboard';
import { ConflictError } from '../../../lambdas/core/errors';
import type { AccessRequest } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';
import { InMemoryAggregateStore } from '../../fakes/aggregates';
import { caller } from '../../core/fixtures';
import { useDynamo } from '../../support/dynamo';

const dynamo = useDynamo();
const clock = { now: () => new Date('2026-12-08T12:00:00Z') };
const AT = '2026-12-08T12:00:00.000Z';
const auditor = caller('auditor', { isAuditor: true });

const event = (key: string, day: string, extra: Partial<AggregateEvent> = {}): AggregateEvent => ({
  key,
  day,
  counts: { created: 1 },
  ...extra,
});

/** A few requests in different states over three days. */
function requests(): AccessRequest[] {
  const bob = { id: 'u-bob', email: 'bob@example.com', name: 'Bob' };
  return [
    aRequest({ id: 'a1', createdAt: '2026-12-01T08:00:00.000Z' }),
    aRequest({
      id: 'a2',
      createdAt: '2026-12-01T09:00:00.000Z',
      status: 'ended',
      decidedBy: bob,
      decidedAt: '2026-12-01T09:10:00.000Z',
      grantedAt: '2026-12-01T09:10:30.000Z',
      endedAt: '2026-12-01T11:10:30.000Z',
    }),
    aRequest({
      id: 'a3',
      createdAt: '2026-12-02T09:00:00.000Z',
      status: 'in progress',
      accountId: '999999999999',
      accountName: 'Sandbox',
      approvalRequired: false,
      grantedAt: '2026-12-02T09:00:05.000Z',
    }),
    aRequest({
      id: 'a4',
      createdAt: '2026-12-03T23:59:00.000Z',
      status: 'expired',
      expiresAt: '2026-12-04T23:59:00.000Z',
    }),
  ];
}

describe('DynamoAggregateStore', () => {
  let store: DynamoAggregateStore;
  let table: string;

  beforeEach(async () => {
    table = (await dynamo.freshTables()).Aggregates;
    store = new DynamoAggregateStore(dynamo.doc, table);
  });

  it('adds a batch of events and marks them counted in one transaction', async () => {
    await store.apply(
      'r1',
      [
        event('created', '2026-12-01', {
          dimensions: [{ dimension: 'account', id: '111111111111', name: 'Prod' }],
        }),
        event('granted', '2026-12-01', {
          counts: { granted: 1, hoursGranted: 1.5 },
          histograms: { timeToAccess: 3 },
          gauges: { active: 1 },
        }),
      ],
      AT,
    );
    expect(await store.appliedEvents('r1')).toEqual(new Set(['created', 'granted']));
    expect(await store.readDays('2026-12-01', '2026-12-01')).toEqual([
      {
        day: '2026-12-01',
        counts: { created: 1, granted: 1, hoursGranted: 1.5 },
        histograms: { timeToAccess: [0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
      },
    ]);
    expect(await store.readDimension('account', '2026-11-01', '2026-12-31')).toEqual([
      { day: '2026-12-01', entries: { '111111111111': { count: 1, name: 'Prod' } } },
    ]);
    expect(await store.readGauges()).toEqual({ values: { active: 1 }, updatedAt: AT });
    const mark = await dynamo.doc.send(
      new GetCommand({ TableName: table, Key: { pk: 'APPLIED#r1', sk: 'APPLIED' } }),
    );
    expect(mark.Item?.expiresAt).toBe(Math.floor(Date.parse(AT) / 1000) + 400 * 86_400);
  });

  it('refuses, writing nothing, a batch with an event already counted', async () => {
    await store.apply('r1', [event('created', '2026-12-01')], AT);
    await expect(
      store.apply(
        'r1',
        [event('decided', '2026-12-01', { counts: { approved: 1 } }), event('created', '2026-12-01')],
        AT,
      ),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(await store.appliedEvents('r1')).toEqual(new Set(['created']));
    expect((await store.readDays('2026-12-01', '2026-12-01'))[0]?.counts).toEqual({ created: 1 });
  });

  it('counts each event once when two writers race on the same request', async () => {
    const events = eventsOfRequest(requests()[1]!);
    const deps = { aggregates: store, clock };
    const added = await Promise.all([countNewEvents(deps, 'a2', events), countNewEvents(deps, 'a2', events)]);
    expect(added.reduce((a, b) => a + b, 0)).toBe(events.length);
    expect((await store.readDays('2026-12-01', '2026-12-01'))[0]?.counts).toMatchObject({
      created: 1,
      approved: 1,
    });
  });

  it('reads only the days of the range', async () => {
    for (const [i, day] of ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03'].entries()) {
      await store.apply(`d${i}`, [event('created', day)], AT);
    }
    expect((await store.readDays('2026-12-01', '2026-12-02')).map((d) => d.day)).toEqual([
      '2026-12-01',
      '2026-12-02',
    ]);
  });

  it('a rebuild gives what counting did, and replaces counters that no longer add up', async () => {
    const all = requests();
    for (const request of all)
      await countNewEvents({ aggregates: store, clock }, request.id, eventsOfRequest(request));
    const read = (s: DynamoAggregateStore | InMemoryAggregateStore): Promise<DashboardView> =>
      makeGetDashboard({ aggregates: s, clock })(auditor, { from: '2026-11-25', to: '2026-12-05' });
    const counted = await read(store);

    // Stray counters (a bug, a day nothing happened on) go; marks are rewritten.
    await store.apply('ghost', [event('created', '2026-11-26')], AT);
    const listAll = () => Promise.resolve({ items: all });
    const { snapshot } = await computeSnapshot({ requests: { listAll }, clock });
    await store.replaceAll(snapshot);
    const rebuilt = await read(store);
    expect({ ...rebuilt, updatedAt: null }).toEqual({ ...counted, updatedAt: null });
    expect(rebuilt.days.find((d) => d.date === '2026-12-02')).toMatchObject({
      created: 1,
      autoApproved: 1,
      granted: 1,
    });
    expect(rebuilt.days.find((d) => d.date === '2026-12-04')?.expired).toBe(1);
    expect(rebuilt.activeNow).toBe(1);
    expect(await store.appliedEvents('a2')).toEqual(new Set(eventsOfRequest(all[1]!).map((e) => e.key)));

    // The in-memory fake agrees with the table on the same data.
    const fake = new InMemoryAggregateStore();
    await fake.replaceAll(snapshot);
    expect({ ...(await read(fake)), updatedAt: null }).toEqual({ ...rebuilt, updatedAt: null });
  });
});
