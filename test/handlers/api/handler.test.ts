/**
 * The api handler over in-memory fakes (no local cloud): the error mapping, the identity
 * fallback, argument shapes and picker paging. Fast and exhaustive where the end-to-end tests
 * only sample.
 */
import { describe, expect, it } from 'vitest';
import { makeApiHandler } from '../../../lambdas/handlers/api';
import { ApiError } from '../../../lambdas/handlers/api/errors';
import { disabledSessionLogs } from '../../../lambdas/core/session-logs';
import { pageInMemory } from '../../../lambdas/handlers/api/picker-paging';
import { COGNITO_GROUPS, TEAM_CLAIMS, idcUserNameOf } from '../../../lambdas/handlers/claims';
import { localContext } from '../../../lambdas/handlers/context';
import { makeApiBackend, type ApiBackend } from '../../../lambdas/handlers/api/compose';
import { MACHINE_SCOPES } from '../../../lambdas/contract/machine-api';
import type { OuAccountsCache } from '../../../lambdas/adapters/dynamodb/ou-cache';
import { aRequest } from '../../builders';
import { DEMO, makeTestWorld, type Persona } from '../../fakes';
import { InMemoryPolicyState } from '../../fakes/policy-state';
import { IAM_IDENTITY, resolverEvent } from '../fixtures';
import { InMemoryAggregateStore } from '../../fakes/aggregates';
import { InMemorySessionSummaryStore } from '../../fakes/session-summaries';

const noOuCache: OuAccountsCache = {
  get: async () => undefined,
  put: async () => true,
  claim: async () => undefined,
  release: async () => undefined,
  invalidate: async (ids) => ({ invalidated: [...ids], failed: [] }),
  getTree: async () => undefined,
  putTree: async () => undefined,
};

function setup() {
  const world = makeTestWorld();
  const backend: ApiBackend = makeApiBackend({
    ...world,
    ouCache: noOuCache,
    sessionLogs: disabledSessionLogs(),
    reconciler: { start: () => Promise.resolve() },
    aggregates: new InMemoryAggregateStore(),
    sessionSummaries: new InMemorySessionSummaryStore(),
    policyState: new InMemoryPolicyState(world.policies, world.settings),
  });
  const logged: unknown[][] = [];
  const logger = {
    error: (...args: unknown[]) => void logged.push(args),
    warn: () => undefined,
    debug: () => undefined,
    info: () => undefined,
  };
  const handler = makeApiHandler({ backend: () => backend, logger });
  const identityOf = (persona: Persona, withClaims = true) => {
    const caller = world.callers[persona];
    const groups = [
      ...(caller.isAdmin ? [COGNITO_GROUPS.admin] : []),
      ...(caller.isAuditor ? [COGNITO_GROUPS.auditor] : []),
    ];
    return {
      sub: 'sub',
      issuer: 'local',
      username: `IdentityCenter_${caller.userName}`,
      claims: {
        username: `IdentityCenter_${caller.userName}`,
        'cognito:groups': groups,
        ...(withClaims
          ? {
              [TEAM_CLAIMS.userId]: caller.userId,
              [TEAM_CLAIMS.userName]: caller.userName,
              [TEAM_CLAIMS.email]: caller.email,
              [TEAM_CLAIMS.groupIds]: JSON.stringify(caller.groupIds),
            }
          : {}),
      },
      sourceIp: ['127.0.0.1'],
      defaultAuthStrategy: 'ALLOW',
      groups: groups.length > 0 ? groups : null,
    };
  };
  const run = async (
    type: 'Query' | 'Mutation' | 'Subscription',
    field: string,
    args: Record<string, unknown>,
    identity: unknown,
  ) => {
    try {
      return { ok: await handler(resolverEvent(type, field, args, identity)) };
    } catch (error) {
      if (error instanceof ApiError) return { errorType: error.errorType, message: error.message };
      throw error;
    }
  };
  return { world, backend, handler, logged, identityOf, run };
}

describe('errors', () => {
  it('turn anything unexpected into InternalError with the correlation id, logged once', async () => {
    const { world, handler, logged, identityOf } = setup();
    world.settings.get = async () => {
      throw new Error('socket hang up at 10.0.0.7');
    };
    const context = localContext('team-api');
    const failure = await handler(resolverEvent('Query', 'settings', {}, identityOf('alice')), context).catch(
      (e: unknown) => e,
    );
    expect(failure).toBeInstanceOf(ApiError);
    const error = failure as ApiError;
    expect(error.errorType).toBe('InternalError');
    expect(error.name).toBe('InternalError');
    expect(error.message).toMatch(new RegExp(`reference: ${context.awsRequestId}$`));
    expect(error.message).not.toContain('10.0.0.7');
    expect(logged).toHaveLength(1);
    expect(logged[0]?.[1]).toMatchObject({ correlationId: context.awsRequestId, field: 'Query.settings' });
  });

  it('keep a domain error’s type and message, with the type as the error name', async () => {
    const { run, identityOf } = setup();
    expect(await run('Query', 'getRequest', { id: 'nope' }, identityOf('alice'))).toEqual({
      errorType: 'Unauthorized',
      message: 'You may not view this request.',
    });
  });
});

describe('identity', () => {
  it('comes from the TEAM claims, or a lookup by user name when they are missing', async () => {
    const { run, identityOf, world } = setup();
    const withClaims = await run('Query', 'me', {}, identityOf('dave'));
    const looked = await run('Query', 'me', {}, identityOf('dave', false));
    expect(withClaims.ok).toMatchObject({
      userId: DEMO.users.dave.id,
      isAdmin: true,
      personas: ['REQUESTER', 'ADMIN'],
    });
    expect(looked.ok).toEqual(
      withClaims.ok && { ...withClaims.ok, displayName: world.callers.dave.displayName },
    );
  });

  it('refuses a token Identity Center knows nothing about, and the backend on user fields', async () => {
    const { run } = setup();
    const stranger = {
      sub: 's',
      issuer: 'i',
      username: 'IdentityCenter_mallory@example.com',
      claims: {},
      sourceIp: [],
      defaultAuthStrategy: 'ALLOW',
      groups: null,
    };
    expect(await run('Query', 'me', {}, stranger)).toMatchObject({
      errorType: 'Unauthorized',
      message: /not a TEAM user/,
    });
    expect(await run('Query', 'me', {}, IAM_IDENTITY)).toMatchObject({ errorType: 'Unauthorized' });
    expect(await run('Query', 'me', {}, null)).toMatchObject({ errorType: 'Unauthorized' });
  });

  it('strips the identity provider from federated Cognito user names', () => {
    expect(idcUserNameOf('IdentityCenter_alice@example.com')).toBe('alice@example.com');
    expect(idcUserNameOf('IdentityCenter_first_last@example.com')).toBe('first_last@example.com');
    expect(idcUserNameOf('plain')).toBe('plain');
  });
});

describe('machine clients (client-credentials tokens)', () => {
  const machine = (scope: string) => ({
    sub: 'ci-client',
    issuer: 'local',
    username: '',
    claims: { sub: 'ci-client', client_id: 'ci-client', token_use: 'access', scope, version: 2 },
    sourceIp: ['127.0.0.1'],
    defaultAuthStrategy: 'ALLOW',
    groups: null,
  });
  const everything = machine(MACHINE_SCOPES.join(' '));

  it('do what their scope allows and are refused the rest', async () => {
    const { run } = setup();
    expect(await run('Query', 'eligibilityPolicies', {}, machine('team/policies.read'))).toHaveProperty('ok');
    expect(await run('Query', 'eligibilityPolicies', {}, machine('team/audit.read'))).toEqual({
      errorType: 'Unauthorized',
      message: 'This needs a token with the team/policies.read scope.',
    });
  });

  it('never request, decide, describe themselves or listen, whatever their scopes', async () => {
    const { run } = setup();
    const refused = { errorType: 'Unauthorized', message: expect.stringMatching(/^Machine clients/) };
    const input = { requestId: 'b0b0b0b0-0000-4000-8000-000000000001', comment: 'automated' };
    for (const field of ['approveRequest', 'rejectRequest', 'revokeRequest']) {
      expect(await run('Mutation', field, { input }, everything), field).toEqual(refused);
    }
    expect(await run('Query', 'me', {}, everything)).toEqual(refused);
    expect(await run('Query', 'myRequests', {}, everything)).toEqual(refused);
    const noSubscription = { errorType: 'Unauthorized', message: 'Machine clients may not subscribe.' };
    for (const channel of ['machine:ci-client', 'ci-client', 'AUDIT']) {
      expect(await run('Subscription', 'onRequestChange', { channel }, everything), channel).toEqual(
        noSubscription,
      );
    }
    expect(
      await run(
        'Subscription',
        'onSessionLogQuery',
        { requestId: 'b0b0b0b0-0000-4000-8000-000000000001' },
        everything,
      ),
    ).toEqual(noSubscription);
  });
});

describe('arguments', () => {
  it('refuse page sizes out of range and foreign page tokens', async () => {
    const { run, identityOf } = setup();
    expect(await run('Query', 'myRequests', { limit: 0 }, identityOf('alice'))).toMatchObject({
      errorType: 'ValidationError',
      message: 'limit must be between 1 and 100.',
    });
    expect(await run('Query', 'myRequests', { limit: 101 }, identityOf('alice'))).toMatchObject({
      errorType: 'ValidationError',
    });
    expect(await run('Query', 'accounts', { limit: 1000 }, identityOf('dave'))).toHaveProperty('ok');
    expect(await run('Query', 'accounts', { limit: 1001 }, identityOf('dave'))).toMatchObject({
      errorType: 'ValidationError',
    });
    const first = await run('Query', 'accounts', { limit: 1 }, identityOf('dave'));
    const token = (first.ok as { nextToken: string }).nextToken;
    expect(await run('Query', 'users', { nextToken: token }, identityOf('dave'))).toMatchObject({
      errorType: 'ValidationError',
    });
    expect(await run('Query', 'accounts', { nextToken: 'garbage' }, identityOf('dave'))).toMatchObject({
      errorType: 'ValidationError',
    });
  });

  it('name the field whose shape is wrong', async () => {
    const { run, identityOf } = setup();
    expect(await run('Mutation', 'createRequest', { input: { accountId: 5 } }, identityOf('alice'))).toEqual({
      errorType: 'ValidationError',
      message: 'input.accountId must be text.',
    });
    expect(await run('Mutation', 'cancelRequest', {}, identityOf('alice'))).toMatchObject({
      errorType: 'ValidationError',
      message: 'input is required.',
    });
  });
});

describe('free text of any length', () => {
  // 100 kB: past the shape check's cap on other strings (100,000 characters).
  const HUGE = 'x'.repeat(100 * 1024);

  /** What a client gets: the error's type, message and errorInfo. */
  async function failureOf(
    t: ReturnType<typeof setup>,
    type: 'Mutation',
    field: string,
    args: Record<string, unknown>,
    persona: Persona,
  ) {
    const error: unknown = await t.handler(resolverEvent(type, field, args, t.identityOf(persona))).then(
      () => undefined,
      (e: unknown) => e,
    );
    if (!(error instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(error)}`);
    return { errorType: error.errorType, message: error.message, errorInfo: error.errorInfo };
  }

  const requestInput = (overrides: Record<string, unknown>) => ({
    input: {
      accountId: DEMO.accounts.prodPayments.id,
      permissionSetArn: DEMO.permissionSets.readOnly.arn,
      durationHours: 1,
      justification: 'Check the logs',
      ...overrides,
    },
  });

  it('a 100 kB justification gets the justification’s own message and field', async () => {
    const t = setup();
    expect(
      await failureOf(t, 'Mutation', 'createRequest', requestInput({ justification: HUGE }), 'alice'),
    ).toEqual({
      errorType: 'ValidationError',
      message: 'Justification must be at most 2,000 characters (it has 102,400).',
      errorInfo: { field: 'justification' },
    });
    // The same words as one character too many.
    expect(
      await failureOf(
        t,
        'Mutation',
        'createRequest',
        requestInput({ justification: 'x'.repeat(2001) }),
        'alice',
      ),
    ).toMatchObject({ message: 'Justification must be at most 2,000 characters (it has 2,001).' });
  });

  it('a 100 kB ticket number gets the ticket’s own message and field, on requests and policies', async () => {
    const t = setup();
    const expected = {
      errorType: 'ValidationError',
      message: 'Ticket number must be at most 50 characters.',
      errorInfo: { field: 'ticketNo' },
    };
    expect(
      await failureOf(t, 'Mutation', 'createRequest', requestInput({ ticketNo: HUGE }), 'alice'),
    ).toEqual(expected);
    const policy = {
      input: {
        targets: [DEMO.accounts.sharedTools.id],
        approverGroupIds: [DEMO.groups.approversProduction.id],
        ticketNo: HUGE,
      },
    };
    expect(await failureOf(t, 'Mutation', 'createApproverPolicies', policy, 'dave')).toEqual(expected);
  });

  it('a 100 kB comment gets the comment’s own message and field', async () => {
    const t = setup();
    const pending = aRequest();
    const active = aRequest({ status: 'in progress', grantedAt: pending.startTime });
    t.world.requests.seed(pending, active);
    const huge = (requestId: string) => ({ input: { requestId, comment: HUGE } });
    const expected = (label: string) => ({
      errorType: 'ValidationError',
      message: `${label} must be at most 2,000 characters (it has 102,400).`,
      errorInfo: { field: 'comment' },
    });
    expect(await failureOf(t, 'Mutation', 'approveRequest', huge(pending.id), 'bob')).toEqual(
      expected('Comment'),
    );
    expect(await failureOf(t, 'Mutation', 'rejectRequest', huge(pending.id), 'bob')).toEqual(
      expected('Comment'),
    );
    expect(await failureOf(t, 'Mutation', 'revokeRequest', huge(active.id), 'bob')).toEqual(
      expected('Revoke comment'),
    );
    expect((await t.world.requests.get(pending.id))?.status).toBe('pending');
  });

  it('a 100 kB reason for a reconciler run gets the reason’s own message and field', async () => {
    const t = setup();
    expect(await failureOf(t, 'Mutation', 'reconcileNow', { input: { reason: HUGE } }, 'dave')).toEqual({
      errorType: 'ValidationError',
      message: 'Reason must be at most 2,000 characters (it has 102,400).',
      errorInfo: { field: 'reason' },
    });
  });
});

describe('pickers', () => {
  it('exclude the management account and pages through the rest by name', async () => {
    const { run, identityOf } = setup();
    const all = (await run('Query', 'accounts', {}, identityOf('dave'))).ok as {
      items: { id: string }[];
      nextToken: null;
    };
    expect(all.items.map((a) => a.id)).not.toContain(DEMO.accounts.management.id);
    expect(all.nextToken).toBeNull();
    const seen: string[] = [];
    let nextToken: string | null = null;
    do {
      const out = (await run('Query', 'accounts', { limit: 2, nextToken }, identityOf('dave'))).ok as {
        items: { id: string }[];
        nextToken: string | null;
      };
      seen.push(...out.items.map((a) => a.id));
      nextToken = out.nextToken;
    } while (nextToken !== null);
    expect(seen).toEqual(all.items.map((a) => a.id));
  });

  it('exclude permission sets provisioned to the management account', async () => {
    const { run, identityOf } = setup();
    const sets = (await run('Query', 'permissionSets', {}, identityOf('dave'))).ok as {
      items: { name: string }[];
    };
    expect(sets.items.map((p) => p.name)).not.toContain(DEMO.permissionSets.billing.name);
  });

  it('bind page tokens to the list, filter and caller', () => {
    const items = ['a', 'b', 'c'];
    const first = pageInMemory(items, { op: 'x', callerId: 'u1', limit: 2 });
    expect(first.items).toEqual(['a', 'b']);
    expect(
      pageInMemory(items, { op: 'x', callerId: 'u1', limit: 2, nextToken: first.nextToken ?? '' }).items,
    ).toEqual(['c']);
    expect(() =>
      pageInMemory(items, { op: 'x', callerId: 'u2', limit: 2, nextToken: first.nextToken ?? '' }),
    ).toThrow(/not valid/);
    expect(() =>
      pageInMemory(items, {
        op: 'x',
        filter: 'b',
        callerId: 'u1',
        limit: 2,
        nextToken: first.nextToken ?? '',
      }),
    ).toThrow(/not valid/);
  });
});
