import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { NotFoundError } from '../../lambdas/core/errors';
import type { AccountInfo, OuNode } from '../../lambdas/core/types';
import { DynamoOuCache, type OuAccountsCache } from '../../lambdas/adapters/dynamodb/ou-cache';
import { ThrottledError } from '../../lambdas/adapters/errors';
import { AwsOrganization, type AwsOrganizationOptions } from '../../lambdas/adapters/organizations';
import { sdkClientConfig, startSimulators, type Simulators } from '../../local/sim';
import { FixedClock } from '../fakes/clock';
import { useDynamo } from '../support/dynamo';

const dynamo = useDynamo();

const ROOT = 'r-q7k2';
const PRODUCTION = 'ou-q7k2-8pd4m2ra';
const NON_PRODUCTION = 'ou-q7k2-5np0w7tc';
const DEVELOPMENT = 'ou-q7k2-1dv6h3ke';
const MANAGEMENT = '210987654321';
const PAYMENTS_PROD = '563028194735';

let sims: Simulators;
let client: OrganizationsClient;
// Latency injected into the simulator is "slept" here, which lets the test see how many calls
// are in flight at once without measuring time.
let inFlight = 0;
let maxInFlight = 0;
const sleepInSimulator = async () => {
  inFlight += 1;
  maxInFlight = Math.max(maxInFlight, inFlight);
  for (let i = 0; i < 5; i += 1) await new Promise((r) => setImmediate(r));
  inFlight -= 1;
};

beforeAll(async () => {
  sims = await startSimulators({ seed: 11, sleep: sleepInSimulator });
  client = new OrganizationsClient(sdkClientConfig(sims.organizations.url));
});

afterAll(async () => {
  client.destroy();
  await sims.stop();
});

beforeEach(() => {
  sims.resetKnobs();
  sims.resetCalls();
});

const orgCalls = () => sims.calls().organizations;
const names = (accounts: AccountInfo[]) => accounts.map((a) => a.name);

describe('AwsOrganization', () => {
  const org = (options?: AwsOrganizationOptions) => new AwsOrganization(client, options);

  it('knows the management account, asking once per container', async () => {
    const o = org();
    expect(await Promise.all([o.managementAccountId(), o.managementAccountId()])).toEqual([
      MANAGEMENT,
      MANAGEMENT,
    ]);
    expect(await o.managementAccountId()).toBe(MANAGEMENT);
    expect(orgCalls().DescribeOrganization).toBe(1);
  });

  it('lists every account over all pages, by name, and describes one', async () => {
    const o = org();
    for (let i = 0; i < 35; i += 1)
      sims.state.addAccount({ name: `Extra ${String(i).padStart(2, '0')}`, parentId: DEVELOPMENT });
    const accounts = await o.listAccounts();
    expect(accounts).toHaveLength(45);
    expect(names(accounts)).toEqual([...names(accounts)].sort((a, b) => a.localeCompare(b)));
    expect(orgCalls().ListAccounts).toBe(3);
    expect(await o.getAccount(PAYMENTS_PROD)).toEqual({
      id: PAYMENTS_PROD,
      name: 'Payments Production',
      email: expect.stringContaining('@'),
    });
    expect(await o.getAccount('999999999999')).toBeUndefined();
    expect(await o.getAccount('not-an-id')).toBeUndefined();
    // Development now holds 36 accounts: two pages, direct children only.
    expect(await o.accountsInOu(DEVELOPMENT)).toHaveLength(36);
  });

  it('lists only the accounts directly under an OU or the root', async () => {
    const o = org();
    expect(names(await o.accountsInOu(PRODUCTION))).toEqual([
      'Customer Portal Production',
      'Payments Production',
    ]);
    expect(names(await o.accountsInOu(NON_PRODUCTION))).toEqual([
      'Customer Portal Staging',
      'Payments Staging',
    ]);
    expect(names(await o.accountsInOu(ROOT))).toEqual(['Management']);
    expect(await o.accountsInOu('ou-q7k2-zzzzzzzz')).toEqual([]);
  });

  it('finds an account’s parent', async () => {
    const o = org();
    expect(await o.parentOf(PAYMENTS_PROD)).toEqual({ id: PRODUCTION, type: 'ORGANIZATIONAL_UNIT' });
    expect(await o.parentOf(MANAGEMENT)).toEqual({ id: ROOT, type: 'ROOT' });
    await expect(o.parentOf('999999999999')).rejects.toThrow(NotFoundError);
  });

  it('takes the management account from the configuration without asking Organizations', async () => {
    const o = org({ managementAccountId: MANAGEMENT });
    expect(await o.managementAccountId()).toBe(MANAGEMENT);
    expect(orgCalls().DescribeOrganization).toBeUndefined();
  });

  it('answers parentOf from a live OU listing for a few seconds, then asks ListParents again', async () => {
    const clock = new FixedClock();
    const o = org({ clock });
    await o.accountsInOu(PRODUCTION);
    expect(await o.parentOf(PAYMENTS_PROD)).toEqual({ id: PRODUCTION, type: 'ORGANIZATIONAL_UNIT' });
    expect(orgCalls().ListParents).toBeUndefined();

    expect(await o.parentOf(MANAGEMENT)).toEqual({ id: ROOT, type: 'ROOT' }); // not listed: asked
    expect(orgCalls().ListParents).toBe(1);
    await o.accountsInOu(ROOT);
    expect(await o.parentOf(MANAGEMENT)).toEqual({ id: ROOT, type: 'ROOT' });
    expect(orgCalls().ListParents).toBe(1);

    clock.advance({ seconds: 5 });
    sims.state.moveAccount(PAYMENTS_PROD, NON_PRODUCTION);
    try {
      expect(await o.parentOf(PAYMENTS_PROD)).toEqual({ id: NON_PRODUCTION, type: 'ORGANIZATIONAL_UNIT' });
      expect(orgCalls().ListParents).toBe(2);
    } finally {
      sims.state.moveAccount(PAYMENTS_PROD, PRODUCTION);
    }
  });

  it('walks the OU tree with bounded concurrency', async () => {
    for (let i = 0; i < 25; i += 1) {
      const ou = sims.state.addOu({ name: `Team ${String(i).padStart(2, '0')}`, parentId: ROOT });
      sims.state.addOu({ name: `Team ${i} Child`, parentId: ou.id });
    }
    sims.organizations.setFaults({ latencyMs: 1, operations: ['ListOrganizationalUnitsForParent'] });
    maxInFlight = 0;
    const tree = await org({ concurrency: 3 }).ouTree();

    const count = (n: OuNode): number => 1 + n.children.reduce((s, c) => s + count(c), 0);
    expect(tree).toMatchObject({ id: ROOT, type: 'ROOT', name: 'Root' });
    expect(count(tree)).toBe(1 + 4 + 1 + 50);
    const nonProd = tree.children.find((c) => c.id === NON_PRODUCTION);
    expect(nonProd?.children.map((c) => c.id)).toEqual([DEVELOPMENT]);
    expect(tree.children.map((c) => c.name)).toEqual(
      [...tree.children.map((c) => c.name)].sort((a, b) => a.localeCompare(b)),
    );
    expect(orgCalls().ListOrganizationalUnitsForParent).toBeGreaterThanOrEqual(56);
    expect(maxInFlight).toBeLessThanOrEqual(3);
  });

  it('surfaces throttling as ThrottledError', async () => {
    sims.organizations.setFaults({ throttleRate: 1 });
    await expect(org().listAccounts()).rejects.toThrow(ThrottledError);
    await expect(org().accountsInOu(PRODUCTION)).rejects.toThrow(ThrottledError);
  });
});

describe('AwsOrganization with the OU cache', () => {
  const clock = new FixedClock();
  let table: string;
  let cache: DynamoOuCache;
  let enabled = true;
  beforeAll(async () => {
    table = dynamo.tables.OuAccountsCache;
    cache = new DynamoOuCache(dynamo.doc, table, { clock, ttlSeconds: 3600 });
  });
  beforeEach(async () => {
    enabled = true;
    clock.set('2026-03-02T09:00:00.000Z');
    await cache.invalidate([PRODUCTION, NON_PRODUCTION, ROOT]);
  });

  const cachedOrg = (c: OuAccountsCache = cache, options: AwsOrganizationOptions = {}) =>
    new AwsOrganization(client, { ouCache: { cache: c, enabled: () => enabled }, ...options });

  it('serves repeated lookups from the cache and asks Organizations again once expired', async () => {
    const o = cachedOrg();
    const first = await o.accountsInOu(PRODUCTION);
    expect(names(first)).toEqual(['Customer Portal Production', 'Payments Production']);
    expect(await o.accountsInOu(PRODUCTION)).toEqual(first);
    expect(await cachedOrg().accountsInOu(PRODUCTION)).toEqual(first); // another container
    expect(orgCalls().ListAccountsForParent).toBe(1);

    clock.advance({ hours: 1 });
    expect(await o.accountsInOu(PRODUCTION)).toEqual(first);
    expect(orgCalls().ListAccountsForParent).toBe(2);
  });

  it('never takes an account’s parent from a cached listing', async () => {
    await cachedOrg().accountsInOu(PRODUCTION); // another container populates the cache
    sims.state.moveAccount(PAYMENTS_PROD, NON_PRODUCTION);
    try {
      const o = cachedOrg();
      expect(names(await o.accountsInOu(PRODUCTION))).toContain('Payments Production'); // stale
      expect(await o.parentOf(PAYMENTS_PROD)).toEqual({ id: NON_PRODUCTION, type: 'ORGANIZATIONAL_UNIT' });
      expect(orgCalls().ListAccountsForParent).toBe(1);
      expect(orgCalls().ListParents).toBe(1);
    } finally {
      sims.state.moveAccount(PAYMENTS_PROD, PRODUCTION);
    }
  });

  it('keeps the OU tree in the cache for new containers, memoized in each, until an invalidation', async () => {
    const o = cachedOrg();
    const tree = await o.cachedOuTree();
    const walk = orgCalls().ListOrganizationalUnitsForParent ?? 0;
    expect(walk).toBeGreaterThan(0);
    expect(await o.cachedOuTree()).toBe(tree); // the same container: its memo
    expect(await cachedOrg().cachedOuTree()).toEqual(tree); // a new container: the cache
    expect(orgCalls().ListOrganizationalUnitsForParent).toBe(walk);
    expect(await o.ancestorsOf(tree.children[0]?.children[0]?.id ?? tree.id)).toEqual(
      tree.children[0]?.children[0] ? [tree.children[0].id, tree.id] : [],
    );

    await cache.invalidate([PRODUCTION]);
    await cachedOrg().cachedOuTree();
    expect(orgCalls().ListOrganizationalUnitsForParent).toBe(2 * walk);
  });

  it('reads Organizations directly when the setting is off', async () => {
    enabled = false;
    const o = cachedOrg();
    await o.accountsInOu(PRODUCTION);
    await o.accountsInOu(PRODUCTION);
    expect(orgCalls().ListAccountsForParent).toBe(2);
    expect(await cache.get(PRODUCTION)).toBeUndefined();
  });

  it('shows a moved account only after invalidation', async () => {
    const o = cachedOrg();
    await o.accountsInOu(NON_PRODUCTION);
    sims.state.moveAccount(PAYMENTS_PROD, NON_PRODUCTION);
    try {
      expect(names(await o.accountsInOu(NON_PRODUCTION))).not.toContain('Payments Production');
      expect(await cache.invalidate([NON_PRODUCTION])).toEqual({ invalidated: [NON_PRODUCTION], failed: [] });
      expect(names(await o.accountsInOu(NON_PRODUCTION))).toContain('Payments Production');
    } finally {
      sims.state.moveAccount(PAYMENTS_PROD, PRODUCTION);
    }
  });

  it('lets one of many concurrent callers populate an entry while the others wait for it', async () => {
    let stored!: () => void;
    const populated = new Promise<void>((resolve) => (stored = resolve));
    const watching: OuAccountsCache = {
      get: (id) => cache.get(id),
      claim: (id) => cache.claim(id),
      release: (id, token) => cache.release(id, token),
      invalidate: (ids) => cache.invalidate(ids),
      getTree: () => cache.getTree(),
      putTree: (tree) => cache.putTree(tree),
      put: async (id, accounts, token) => {
        const ok = await cache.put(id, accounts, token);
        stored();
        return ok;
      },
    };
    let waits = 0;
    const o = cachedOrg(watching, {
      sleep: async () => {
        waits += 1;
        await populated;
      },
    });
    const results = await Promise.all(Array.from({ length: 8 }, () => o.accountsInOu(PRODUCTION)));
    for (const r of results) expect(r).toEqual(results[0]);
    expect(results[0]).toHaveLength(2);
    expect(orgCalls().ListAccountsForParent).toBe(1);
    expect(waits).toBeGreaterThan(0);
  });

  it('releases the claim when populating fails, so the next caller need not wait', async () => {
    let waits = 0;
    const o = cachedOrg(cache, { sleep: async () => void (waits += 1) });
    sims.organizations.setFaults({ throttleRate: 1, operations: ['ListAccountsForParent'] });
    await expect(o.accountsInOu(ROOT)).rejects.toThrow(ThrottledError);
    sims.organizations.resetFaults();
    expect(names(await o.accountsInOu(ROOT))).toEqual(['Management']);
    expect(waits).toBe(0);
    expect((await cache.get(ROOT))?.accounts).toHaveLength(1);
  });

  it('falls back to Organizations when the cache is unreachable or the populator is stuck', async () => {
    const broken = new DynamoOuCache(dynamo.doc, 'no-such-table', { clock });
    expect(names(await cachedOrg(broken).accountsInOu(PRODUCTION))).toHaveLength(2);

    const stuckToken = await cache.claim(PRODUCTION); // a populator that never finishes
    expect(stuckToken).toBeDefined();
    let waits = 0;
    const o = cachedOrg(cache, {
      sleep: async () => void (waits += 1),
      waitForPopulate: { attempts: 3, intervalMs: 1 },
    });
    expect(names(await o.accountsInOu(PRODUCTION))).toHaveLength(2);
    expect(waits).toBe(3);
  });
});
