/**
 * The settings resolvers over in-memory fakes: the approval settings travel through the argument
 * shapes, the use case (group names from the directory) and the mapper, and their errors name
 * the input field a client can put the message on.
 */
import { describe, expect, it } from 'vitest';
import type { OuAccountsCache } from '../../../lambdas/adapters/dynamodb/ou-cache';
import { disabledSessionLogs } from '../../../lambdas/core/session-logs';
import { makeApiHandler } from '../../../lambdas/handlers/api';
import { TEAM_CLAIMS, COGNITO_GROUPS } from '../../../lambdas/handlers/claims';
import { makeApiBackend } from '../../../lambdas/handlers/api/compose';
import { ApiError } from '../../../lambdas/handlers/api/errors';
import { settingsToGraphQL } from '../../../lambdas/handlers/api/mappers/settings';
import { someSettings } from '../../builders';
import { DEMO, makeTestWorld, type Persona } from '../../fakes';
import { InMemoryPolicyState } from '../../fakes/policy-state';
import { resolverEvent } from '../fixtures';
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

const BASE_INPUT = {
  maxDurationHours: 9,
  expiryHours: 3,
  commentsRequired: true,
  ticketRequired: true,
  approvalWorkflow: true,
  sesEnabled: false,
  snsEnabled: false,
  slackEnabled: false,
  ouCacheEnabled: false,
  sensitiveActions: ['iam.amazonaws.com:CreateUser'],
};

function setup() {
  const world = makeTestWorld();
  const backend = makeApiBackend({
    ...world,
    ouCache: noOuCache,
    sessionLogs: disabledSessionLogs(),
    reconciler: { start: () => Promise.resolve() },
    aggregates: new InMemoryAggregateStore(),
    sessionSummaries: new InMemorySessionSummaryStore(),
    policyState: new InMemoryPolicyState(world.policies, world.settings),
  });
  const quiet = {
    error: () => undefined,
    warn: () => undefined,
    debug: () => undefined,
    info: () => undefined,
  };
  const handler = makeApiHandler({ backend: () => backend, logger: quiet });
  const identityOf = (persona: Persona) => {
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
        [TEAM_CLAIMS.userId]: caller.userId,
        [TEAM_CLAIMS.userName]: caller.userName,
        [TEAM_CLAIMS.email]: caller.email,
        [TEAM_CLAIMS.groupIds]: JSON.stringify(caller.groupIds),
      },
      sourceIp: ['127.0.0.1'],
      defaultAuthStrategy: 'ALLOW',
      groups: groups.length > 0 ? groups : null,
    };
  };
  const run = async (
    type: 'Query' | 'Mutation',
    field: string,
    args: Record<string, unknown>,
    who: Persona,
  ) => {
    try {
      return { ok: await handler(resolverEvent(type, field, args, identityOf(who))) };
    } catch (error) {
      if (error instanceof ApiError) {
        return { errorType: error.errorType, message: error.message, field: error.errorInfo?.field };
      }
      throw error;
    }
  };
  return { world, run };
}

describe('Query.settings', () => {
  it('gives the approval settings with the escalation groups by name', async () => {
    const { world, run } = setup();
    world.settings.seed(
      someSettings({
        reminderMinutes: 30,
        escalationMinutes: 90,
        escalationGroups: [DEMO.groups.approversProduction],
        breakGlassEnabled: false,
      }),
    );
    expect((await run('Query', 'settings', {}, 'alice')).ok).toMatchObject({
      reminderMinutes: 30,
      escalationMinutes: 90,
      escalationGroups: [{ id: DEMO.groups.approversProduction.id, name: 'TEAM-Approvers-Production' }],
      breakGlassEnabled: false,
    });
  });

  it('gives the defaults when nothing is stored: no reminder, no escalation, break-glass on', async () => {
    const { run } = setup();
    expect((await run('Query', 'settings', {}, 'alice')).ok).toMatchObject({
      reminderMinutes: 0,
      escalationMinutes: 0,
      escalationGroups: [],
      breakGlassEnabled: true,
    });
  });
});

describe('Mutation.updateSettings', () => {
  it('saves the approval settings, naming the groups from the directory', async () => {
    const { world, run } = setup();
    const result = await run(
      'Mutation',
      'updateSettings',
      {
        input: {
          ...BASE_INPUT,
          reminderMinutes: 60,
          escalationMinutes: 120,
          escalationGroupIds: [DEMO.groups.auditors.id],
          breakGlassEnabled: false,
          expectedVersion: 0,
        },
      },
      'dave',
    );
    expect(result.ok).toMatchObject({
      reminderMinutes: 60,
      escalationMinutes: 120,
      escalationGroups: [{ id: DEMO.groups.auditors.id, name: 'TEAM-Auditors' }],
      breakGlassEnabled: false,
      version: 1,
    });
    expect(await world.settings.get()).toMatchObject({ escalationGroups: [DEMO.groups.auditors] });
  });

  it('keeps the approval settings a client leaves out (a client that does not know them yet)', async () => {
    const { world, run } = setup();
    world.settings.seed(
      someSettings({ escalationMinutes: 60, escalationGroups: [DEMO.groups.auditors], version: 4 }),
    );
    const result = await run(
      'Mutation',
      'updateSettings',
      { input: { ...BASE_INPUT, expectedVersion: 4 } },
      'dave',
    );
    expect(result.ok).toMatchObject({ escalationMinutes: 60, escalationGroups: [DEMO.groups.auditors] });
  });

  it.each([
    [
      'an unknown group',
      { escalationMinutes: 60, escalationGroupIds: ['9067a1b2c3-b2000000-0000-4000-8000-000000000099'] },
      'escalationGroupIds',
      /Escalation group 9067a1b2c3-b2000000-0000-4000-8000-000000000099 does not exist/,
    ],
    [
      'an escalation without groups',
      { escalationMinutes: 60 },
      'escalationGroupIds',
      /Escalation groups are required/,
    ],
    ['minutes given as text', { reminderMinutes: '60' }, 'reminderMinutes', /must be a whole number/],
    [
      'a reminder of more than a week',
      { reminderMinutes: 10_081 },
      'reminderMinutes',
      /at most 10080 minutes/,
    ],
  ])('refuses %s as a ValidationError on the field', async (_name, extra, field, message) => {
    const { world, run } = setup();
    const result = await run(
      'Mutation',
      'updateSettings',
      { input: { ...BASE_INPUT, ...extra, expectedVersion: 0 } },
      'dave',
    );
    expect(result).toMatchObject({ errorType: 'ValidationError', field });
    expect(result.message).toMatch(message);
    expect(await world.settings.get()).toBeUndefined();
  });

  it('stores the signing secret and the Teams webhook URL as secrets, answering only that they are configured', async () => {
    const { world, run } = setup();
    const webhook = 'https://prod-07.westeurope.logic.azure.com/workflows/abc/triggers/manual?sig=hush';
    const result = await run(
      'Mutation',
      'updateSettings',
      {
        input: {
          ...BASE_INPUT,
          slackSigningSecret: 'abcdef0123456789abcdef0123456789',
          teamsEnabled: true,
          teamsWebhookUrl: webhook,
          expectedVersion: 0,
        },
      },
      'dave',
    );
    expect(result.ok).toMatchObject({
      slackSigningSecretConfigured: true,
      teamsEnabled: true,
      teamsWebhookConfigured: true,
    });
    expect(JSON.stringify(result.ok)).not.toMatch(/hush|abcdef0123456789/);
    expect(await world.secrets.getSecret('teamsWebhookUrl')).toBe(webhook);
    const read = await run('Query', 'settings', {}, 'alice');
    expect(read.ok).toMatchObject({ teamsEnabled: true, teamsWebhookConfigured: true });
    expect(JSON.stringify(read.ok)).not.toMatch(/hush|abcdef0123456789/);
  });

  it('refuses a webhook URL that is not https on its field, writing nothing', async () => {
    const { world, run } = setup();
    const result = await run(
      'Mutation',
      'updateSettings',
      {
        input: {
          ...BASE_INPUT,
          teamsEnabled: true,
          teamsWebhookUrl: 'http://example.com/hook',
          expectedVersion: 0,
        },
      },
      'dave',
    );
    expect(result).toMatchObject({
      errorType: 'ValidationError',
      field: 'teamsWebhookUrl',
      message: 'Teams webhook URL must be an https:// URL of at most 2,048 characters.',
    });
    expect(await world.settings.get()).toBeUndefined();
    expect(await world.secrets.getSecret('teamsWebhookUrl')).toBeUndefined();
  });

  it('is for admins only', async () => {
    const { run } = setup();
    const result = await run(
      'Mutation',
      'updateSettings',
      { input: { ...BASE_INPUT, breakGlassEnabled: false, expectedVersion: 0 } },
      'alice',
    );
    expect(result.errorType).toBe('Unauthorized');
  });
});

describe('settingsToGraphQL', () => {
  it('copies the escalation groups, so the answer never shares the stored list', () => {
    const stored = someSettings({ escalationGroups: [{ ...DEMO.groups.auditors }] });
    const mapped = settingsToGraphQL(stored);
    expect(mapped.escalationGroups).toEqual([DEMO.groups.auditors]);
    expect(mapped.escalationGroups[0]).not.toBe(stored.escalationGroups[0]);
  });
});
