/**
 * Enhanced subscription filters in the local AppSync: the operators with AppSync's semantics,
 * and the API's `onRequestChange` filter end to end on graphql/schema.graphql, with the real api
 * handler authorizing the channels: ONE publish reaches every subscriber of the channels it
 * names and nobody else.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { makeApiHandler } from '../../../lambdas/handlers/api';
import { TEAM_CLAIMS } from '../../../lambdas/handlers/claims';
import type { ApiBackend } from '../../../lambdas/handlers/api/compose';
import {
  FilterError,
  matchesFilter,
  startAppSync,
  toSubscriptionFilter,
  type RunningAppSync,
} from '../../../local/appsync';
import {
  startAuth,
  type DemoIdentity,
  type PreTokenGenerationHook,
  type RunningAuth,
} from '../../../local/auth';
import { IAM_AUTH, RealtimeClient } from './harness';

const SCHEMA_PATH = fileURLToPath(new URL('../../../graphql/schema.graphql', import.meta.url));

describe('filter operators', () => {
  const filter = (fieldName: string, operator: string, value: unknown) =>
    toSubscriptionFilter({ [fieldName]: { [operator]: value } });

  it('contains: an element of a list, or a substring of a string', () => {
    const onAlice = filter('channels', 'contains', 'alice');
    expect(matchesFilter(onAlice, { channels: ['bob', 'alice', 'AUDIT'] })).toBe(true);
    expect(matchesFilter(onAlice, { channels: ['bob', 'alice2', 'AUDIT'] })).toBe(false);
    expect(matchesFilter(onAlice, { channels: [] })).toBe(false);
    expect(matchesFilter(onAlice, { channels: 'malice' })).toBe(true);
    expect(matchesFilter(onAlice, { channels: null })).toBe(false);
    expect(matchesFilter(onAlice, {})).toBe(false);
    expect(matchesFilter(onAlice, { channels: { alice: true } })).toBe(false);
    expect(matchesFilter(filter('sizes', 'contains', 2), { sizes: [1, 2] })).toBe(true);
    expect(matchesFilter(filter('sizes', 'contains', 2), { sizes: ['2'] })).toBe(false);
  });

  it('eq: the same single value of the same type', () => {
    expect(matchesFilter(filter('status', 'eq', 'PENDING'), { status: 'PENDING' })).toBe(true);
    expect(matchesFilter(filter('status', 'eq', 'PENDING'), { status: 'pending' })).toBe(false);
    expect(matchesFilter(filter('n', 'eq', 1), { n: '1' })).toBe(false);
    expect(matchesFilter(filter('ok', 'eq', true), { ok: true })).toBe(true);
    expect(matchesFilter(filter('channels', 'eq', 'a'), { channels: ['a'] })).toBe(false);
  });

  it('reads nested fields by dotted path, and needs every condition of a group', () => {
    const both = toSubscriptionFilter({ 'request.status': { eq: 'PENDING' }, channels: { contains: 'a' } });
    expect(both.filterGroup).toHaveLength(1);
    expect(matchesFilter(both, { request: { status: 'PENDING' }, channels: ['a'] })).toBe(true);
    expect(matchesFilter(both, { request: { status: 'PENDING' }, channels: ['b'] })).toBe(false);
    expect(matchesFilter(both, { request: 'PENDING', channels: ['a'] })).toBe(false);
  });

  it('matches when any group matches (filterGroup is OR)', () => {
    const either = {
      filterGroup: [
        { filters: [{ fieldName: 'channels', operator: 'contains' as const, value: 'a' }] },
        { filters: [{ fieldName: 'channels', operator: 'contains' as const, value: 'b' }] },
      ],
    };
    expect(matchesFilter(either, { channels: ['b'] })).toBe(true);
    expect(matchesFilter(either, { channels: ['c'] })).toBe(false);
  });

  it('refuses loudly what it does not emulate: other operators, groups, bad values', () => {
    expect(() => filter('channels', 'containsAny', ['a'])).toThrow(FilterError);
    expect(() => filter('channels', 'containsAny', ['a'])).toThrow(/operator "containsAny" is not emulated/);
    expect(() => filter('n', 'between', [1, 2])).toThrow(/not emulated/);
    expect(() => toSubscriptionFilter({ or: { eq: 1 } })).toThrow(/groups are not emulated/);
    expect(() => filter('channels', 'contains', null)).toThrow(/not a valid value/);
    expect(() => filter('channels', 'contains', true)).toThrow(/not a valid value/);
    expect(() => filter('n', 'eq', Number.NaN)).toThrow(/not a valid value/);
    expect(() => toSubscriptionFilter({})).toThrow(/no condition/);
    const unknown = JSON.parse(
      '{"filterGroup":[{"filters":[{"fieldName":"a","operator":"containsAny","value":"x"}]}]}',
    ) as Parameters<typeof matchesFilter>[0];
    expect(() => matchesFilter(unknown, { a: ['x'] })).toThrow(/not emulated/);
  });
});

/** IdC-like users: the trigger puts TEAM's claims in the token, as the real one does. */
const USERS: DemoIdentity[] = [
  { userName: 'alice', displayName: 'Alice', email: 'alice@example.com', groups: ['TEAM-Users'] },
  { userName: 'bob', displayName: 'Bob', email: 'bob@example.com', groups: ['TEAM-Users'] },
  { userName: 'carol', displayName: 'Carol', email: 'carol@example.com', groups: ['TEAM-Users'] },
  { userName: 'dave', displayName: 'Dave', email: 'dave@example.com', groups: ['TEAM-Auditors'] },
];
const userIdOf = (userName: string) => `idc-${userName}`;

const trigger: PreTokenGenerationHook = (event) => {
  const userName = event.userName.replace(/^IdentityCenter_/, '');
  const user = USERS.find((u) => u.userName === userName);
  const claims = {
    [TEAM_CLAIMS.userId]: userIdOf(userName),
    [TEAM_CLAIMS.userName]: userName,
    [TEAM_CLAIMS.email]: user?.email ?? '',
  };
  event.response = {
    claimsAndScopeOverrideDetails: {
      idTokenGeneration: { claimsToAddOrOverride: claims },
      accessTokenGeneration: { claimsToAddOrOverride: claims },
      groupOverrideDetails: { groupsToOverride: user?.groups?.includes('TEAM-Auditors') ? ['Auditors'] : [] },
    },
  };
  return event;
};

const SUBSCRIBE =
  'subscription ($c: String!) { onRequestChange(channel: $c) { channels requestId status updatedAt } }';
const PUBLISH =
  'mutation ($input: PublishRequestChangeInput!) { publishRequestChange(input: $input) { channels requestId status updatedAt } }';

describe('onRequestChange on graphql/schema.graphql', () => {
  let auth: RunningAuth;
  let appsync: RunningAppSync;
  const tokens: Record<string, string> = {};
  const clients: RealtimeClient[] = [];

  beforeAll(async () => {
    auth = await startAuth({
      users: USERS,
      clientId: 'team_local_web',
      redirectUris: ['http://127.0.0.1:9/'],
      preTokenGeneration: trigger,
    });
    const api = makeApiHandler({
      // Every caller's identity is in the token claims: the backend is never consulted.
      backend: () => ({}) as ApiBackend,
      logger: {
        debug: () => undefined,
        info: () => undefined,
        warn: () => undefined,
        error: () => undefined,
      },
    });
    appsync = await startAppSync({
      schemaPath: SCHEMA_PATH,
      verifyToken: auth.verifyToken,
      resolve: (e) => api(e),
    });
    for (const u of USERS) tokens[u.userName] = (await auth.tokensFor(u.userName)).idToken;
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await appsync.stop();
    await auth.stop();
  });

  const authFor = (user: string) => ({
    Authorization: tokens[user] as string,
    host: new URL(appsync.url).host,
  });

  async function listen(user: string, channel: string): Promise<RealtimeClient> {
    const client = await RealtimeClient.open(appsync.realtimeUrl, authFor(user));
    clients.push(client);
    expect((await client.init()).type).toBe('connection_ack');
    const ack = await client.start(user, SUBSCRIBE, { c: channel }, authFor(user));
    expect(ack.type, JSON.stringify(ack)).toBe('start_ack');
    return client;
  }

  async function publish(input: Record<string, unknown>) {
    const response = await fetch(appsync.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: IAM_AUTH },
      body: JSON.stringify({ query: PUBLISH, variables: { input } }),
    });
    return (await response.json()) as {
      data?: unknown;
      errors?: Array<{ errorType: string; message: string }>;
    };
  }

  it('one publish with channels [alice, bob, AUDIT] reaches alice, bob and an auditor, not carol', async () => {
    const alice = await listen('alice', userIdOf('alice'));
    const bob = await listen('bob', userIdOf('bob'));
    const carol = await listen('carol', userIdOf('carol'));
    const auditor = await listen('dave', 'AUDIT');
    const invocations = appsync.stats.byField['Mutation.publishRequestChange'] ?? 0;
    const pushed = appsync.stats.messagesPushed;

    const change = {
      channels: [userIdOf('alice'), userIdOf('bob'), 'AUDIT'],
      requestId: 'req-1',
      status: 'APPROVED',
      updatedAt: '2026-11-21T10:00:00.000Z',
    };
    expect(await publish(change)).toEqual({ data: { publishRequestChange: change } });

    for (const client of [alice, bob, auditor]) {
      const message = await client.next((m) => m.type === 'data');
      expect(message.payload).toEqual({ data: { onRequestChange: change } });
    }
    expect(appsync.stats.byField['Mutation.publishRequestChange']).toBe(invocations + 1);
    expect(appsync.stats.messagesPushed).toBe(pushed + 3);
    // carol's subscription got nothing: the next publish for her is the first thing she sees.
    expect(
      await publish({ ...change, channels: [userIdOf('carol')], requestId: 'req-2' }),
    ).not.toHaveProperty('errors');
    expect((await carol.next((m) => m.type === 'data')).payload).toMatchObject({
      data: { onRequestChange: { requestId: 'req-2' } },
    });
    expect(carol.peek().filter((m) => m.type === 'data')).toEqual([]);
  });

  it('still refuses channels the api handler refuses', async () => {
    const client = await RealtimeClient.open(appsync.realtimeUrl, authFor('carol'));
    clients.push(client);
    await client.init();
    const own = await client.start('a', SUBSCRIBE, { c: userIdOf('alice') }, authFor('carol'));
    expect(own.type).toBe('error');
    expect(own.payload?.errors?.[0]).toMatchObject({ errorType: 'Unauthorized' });
    const audit = await client.start('b', SUBSCRIBE, { c: 'AUDIT' }, authFor('carol'));
    expect(audit.payload?.errors?.[0]).toMatchObject({ errorType: 'Unauthorized' });
  });

  it('the publish mutation validates its channels: 1 to 92, each once, never empty', async () => {
    const base = { requestId: 'req-3', status: 'PENDING', updatedAt: '2026-11-21T10:00:00.000Z' };
    const errorOf = async (channels: unknown) => (await publish({ ...base, channels })).errors?.[0];
    expect(await errorOf([])).toMatchObject({ errorType: 'ValidationError' });
    expect(await errorOf(['a', 'a'])).toMatchObject({
      errorType: 'ValidationError',
      message: /each channel once/,
    });
    expect(await errorOf([''])).toMatchObject({ errorType: 'ValidationError' });
    const many = Array.from({ length: 93 }, (_, i) => `user-${i}`);
    expect(await errorOf(many)).toMatchObject({ errorType: 'ValidationError', message: /at most 92/ });
    expect(await errorOf(many.slice(0, 92))).toBeUndefined();
  });
});

describe('the emulator with other filter descriptions', () => {
  it('refuses at start a filter that does not fit the schema', async () => {
    await expect(
      startAppSync({
        schemaPath: SCHEMA_PATH,
        verifyToken: async () => {
          throw new Error('unused');
        },
        resolve: () => null,
        subscriptionFilters: {
          onRequestChange: [{ fieldName: 'nope', operator: 'contains', argument: 'channel' }],
        },
      }),
    ).rejects.toThrow(/RequestChange has no field "nope"/);
  });
});
