import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoOuCache } from '../../../lambdas/adapters/dynamodb/ou-cache';
import { DynamoSettingsRepository } from '../../../lambdas/adapters/dynamodb/settings';
import { loadSettings } from '../../../lambdas/core/settings';
import type { OuNode } from '../../../lambdas/core/types';
import { someSettings } from '../../builders';
import { FixedClock } from '../../fakes/clock';
import { useDynamo } from '../../support/dynamo';

const dynamo = useDynamo();
const HOUR = 3600;
const accounts = [{ id: '333333333331', name: 'Prod-Payments' }];

describe('DynamoOuCache: the lifetime of an entry', () => {
  const clock = new FixedClock('2026-03-02T09:00:00.000Z');
  const now = () => Math.floor(clock.now().getTime() / 1000);
  let tables: Awaited<ReturnType<typeof dynamo.freshTables>>;
  let settings: DynamoSettingsRepository;

  beforeAll(async () => {
    tables = await dynamo.freshTables();
    settings = new DynamoSettingsRepository(dynamo.doc, tables.Settings);
  });

  const expiryOf = async (ouId: string) =>
    (await dynamo.doc.send(new GetCommand({ TableName: tables.OuAccountsCache, Key: { ouId } }))).Item?.[
      'expiresAt'
    ];

  it('follows the stored setting at every write, without a new adapter', async () => {
    let reads = 0;
    const cache = new DynamoOuCache(dynamo.doc, tables.OuAccountsCache, {
      clock,
      ttlSeconds: async () => {
        reads += 1;
        return (await loadSettings({ settings })).ouCacheLifetimeHours * HOUR;
      },
    });

    // Nothing stored: the default week.
    await cache.put('ou-a1b2-default', accounts);
    expect(await expiryOf('ou-a1b2-default')).toBe(now() + 168 * HOUR);

    await settings.put(someSettings({ ouCacheLifetimeHours: 2, version: 1 }), 0);
    await cache.put('ou-a1b2-short', accounts);
    expect(await expiryOf('ou-a1b2-short')).toBe(now() + 2 * HOUR);
    clock.advance({ hours: 1, minutes: 59 });
    expect((await cache.get('ou-a1b2-short'))?.accounts).toEqual(accounts);
    clock.advance({ minutes: 1 });
    expect(await cache.get('ou-a1b2-short')).toBeUndefined();

    // The tree follows the same lifetime.
    await settings.put(someSettings({ ouCacheLifetimeHours: 720, version: 2 }), 1);
    const tree: OuNode = { id: 'r-a1b2', name: 'Root', type: 'ROOT', children: [] };
    await cache.putTree(tree);
    expect(await expiryOf('#tree')).toBe(now() + 720 * HOUR);
    clock.advance({ days: 29, hours: 23 });
    expect(await cache.getTree()).toEqual(tree);
    clock.advance({ hours: 1 });
    expect(await cache.getTree()).toBeUndefined();
    expect(reads).toBe(3);
  });

  it('keeps a fixed lifetime in seconds, and refuses to store an entry with none', async () => {
    const fixed = new DynamoOuCache(dynamo.doc, tables.OuAccountsCache, { clock, ttlSeconds: 90 });
    await fixed.put('ou-a1b2-fixed', accounts);
    expect(await expiryOf('ou-a1b2-fixed')).toBe(now() + 90);

    const broken = new DynamoOuCache(dynamo.doc, tables.OuAccountsCache, { clock, ttlSeconds: () => 0 });
    await expect(broken.put('ou-a1b2-broken', accounts)).rejects.toThrow(/lifetime must be positive/);
    expect(await expiryOf('ou-a1b2-broken')).toBeUndefined();
  });
});
