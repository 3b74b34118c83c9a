/**
 * The policy-document fields of the api handler over in-memory fakes: what they return, and
 * their errors as clients see them (errorType, message, errorInfo.field).
 */
import { describe, expect, it } from 'vitest';
import { disabledSessionLogs } from '../../../lambdas/core/session-logs';
import { makeApiHandler } from '../../../lambdas/handlers/api';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createDocumentClient } from '../../../lambdas/adapters/dynamodb/client';
import { DynamoOuCache } from '../../../lambdas/adapters/dynamodb/ou-cache';
import { makeApiBackend } from '../../../lambdas/handlers/api/compose';
import { ApiError } from '../../../lambdas/handlers/api/errors';
import { COGNITO_GROUPS, TEAM_CLAIMS } from '../../../lambdas/handlers/claims';
import type { FixedClock } from '../../fakes';
import { DEMO, makeTestWorld, type Persona } from '../../fakes';
import { InMemoryPolicyState } from '../../fakes/policy-state';
import { resolverEvent } from '../fixtures';
import { InMemoryAggregateStore } from '../../fakes/aggregates';
import { InMemorySessionSummaryStore } from '../../fakes/session-summaries';

// Never reached: the fake organization keeps no cache.
const unusedOuCache = (clock: FixedClock) =>
  new DynamoOuCache(createDocumentClient(new DynamoDBClient({ region: 'us-east-1' })), 'unused', { clock });

function setup() {
  const world = makeTestWorld({ seedPolicies: false });
  const backend = makeApiBackend({
    ...world,
    ouCache: unusedOuCache(world.clock),
    sessionLogs: disabledSessionLogs(),
    reconciler: { start: () => Promise.resolve() },
    aggregates: new InMemoryAggregateStore(),
    sessionSummaries: new InMemorySessionSummaryStore(),
    policyState: new InMemoryPolicyState(world.policies, world.settings),
  });
  const handler = makeApiHandler({
    backend: () => backend,
    logger: { error: () => undefined, warn: () => undefined, debug: () => undefined, info: () => undefined },
  });
  const identityOf = (persona: Persona) => {
    const caller = world.callers[persona];
    const groups = caller.isAdmin ? [COGNITO_GROUPS.admin] : [];
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
  const call = async (
    type: 'Query' | 'Mutation',
    field: string,
    args: Record<string, unknown>,
    persona: Persona = 'dave',
  ): Promise<{ ok: unknown } | { error: Pick<ApiError, 'errorType' | 'message' | 'errorInfo'> }> => {
    try {
      return { ok: await handler(resolverEvent(type, field, args, identityOf(persona))) };
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return { error: { errorType: error.errorType, message: error.message, errorInfo: error.errorInfo } };
    }
  };
  return { world, call };
}

const DOCUMENT = `
version: 1
eligibility:
  - principal: { type: GROUP, name: TEAM-Users }
    ous: [NonProduction]
    permissionSets: [ReadOnlyAccess]
    maxDurationHours: 4
    approvalRequired: true
    ticketNo: CHG-9
approvers:
  - target: { type: OU, name: NonProduction }
    groups: [TEAM-Approvers-NonProduction]
    ticketNo: CHG-9
`;

describe('policy documents through the api handler', () => {
  it('previews, imports and exports', async () => {
    const { call } = setup();
    const preview = await call('Query', 'previewPolicyImport', { input: { document: DOCUMENT } });
    expect(preview).toMatchObject({
      ok: {
        counts: {
          eligibility: { added: 1, changed: 0, removed: 0, unchanged: 0 },
          approvers: { added: 1, changed: 0, removed: 0, unchanged: 0 },
          settingsChanged: false,
        },
        eligibility: [
          {
            change: 'ADDED',
            id: DEMO.groups.users.id,
            description: 'group TEAM-Users, policy "default"',
            fields: expect.arrayContaining([{ field: 'ous', before: null, after: 'NonProduction' }]),
          },
        ],
        skipped: [],
      },
    });
    const digest = (preview as { ok: { digest: string } }).ok.digest;
    expect(
      await call('Mutation', 'importPolicies', { input: { document: DOCUMENT, expectedDigest: digest } }),
    ).toEqual({
      ok: {
        eligibility: { added: 1, changed: 0, removed: 0, unchanged: 0 },
        approvers: { added: 1, changed: 0, removed: 0, unchanged: 0 },
        settingsChanged: false,
      },
    });
    const exported = await call('Query', 'exportPolicies', {});
    expect(exported).toMatchObject({ ok: expect.stringContaining('"TEAM-Approvers-NonProduction"') });
  });

  it('reports problems of the document on the document field, naming the entry', async () => {
    const { call } = setup();
    const bad = DOCUMENT.replace('ReadOnlyAccess', 'ReadOnly');
    expect(await call('Query', 'previewPolicyImport', { input: { document: bad } })).toEqual({
      error: {
        errorType: 'ValidationError',
        message: 'eligibility[0].permissionSets[0]: no permission set named "ReadOnly".',
        errorInfo: { field: 'document' },
      },
    });
    expect(
      await call('Query', 'previewPolicyImport', { input: { document: 'version: 1\n  bad: [' } }),
    ).toMatchObject({ error: { errorType: 'ValidationError', errorInfo: { field: 'document' } } });
  });

  it('checks the arguments’ shape and the digest', async () => {
    const { call } = setup();
    expect(
      await call('Query', 'previewPolicyImport', { input: { document: DOCUMENT, format: 'CSV' } }),
    ).toMatchObject({ error: { errorType: 'ValidationError', errorInfo: { field: 'format' } } });
    expect(
      await call('Mutation', 'importPolicies', { input: { document: DOCUMENT, expectedDigest: 'latest' } }),
    ).toMatchObject({ error: { errorType: 'ValidationError', errorInfo: { field: 'expectedDigest' } } });
    expect(
      await call('Mutation', 'importPolicies', {
        input: { document: DOCUMENT, expectedDigest: '0'.repeat(64) },
      }),
    ).toMatchObject({ error: { errorType: 'Conflict', errorInfo: null } });
  });

  it('converts an original TEAM export and lists what it skipped', async () => {
    const { call } = setup();
    const original = JSON.stringify({
      approvers: {
        Items: [
          {
            id: { S: DEMO.ous.nonProduction.id },
            type: { S: 'OU' },
            groupIds: { L: [{ S: DEMO.groups.approversNonProduction.id }] },
            ticketNo: { S: 'CHG-100' },
          },
          {
            id: { S: DEMO.accounts.staging.id },
            type: { S: 'Account' },
            groupIds: { L: [] },
            approvers: { L: [] },
          },
        ],
      },
    });
    const preview = await call('Query', 'previewPolicyImport', {
      input: { document: original, format: 'ORIGINAL_TEAM' },
    });
    expect(preview).toMatchObject({
      ok: {
        counts: { approvers: { added: 1 } },
        skipped: [
          { part: 'approvers', item: DEMO.accounts.staging.id, reason: 'it names no approver group' },
        ],
        document: expect.stringContaining('"name": "NonProduction"'),
      },
    });
  });

  it('is refused to people who are not admins', async () => {
    const { call } = setup();
    expect(await call('Query', 'exportPolicies', {}, 'alice')).toMatchObject({
      error: { errorType: 'Unauthorized', message: 'Only administrators may export the policies.' },
    });
    expect(
      await call(
        'Mutation',
        'importPolicies',
        { input: { document: DOCUMENT, expectedDigest: '0'.repeat(64) } },
        'erin',
      ),
    ).toMatchObject({
      error: { errorType: 'Unauthorized', message: 'Only administrators may import policies.' },
    });
  });
});
