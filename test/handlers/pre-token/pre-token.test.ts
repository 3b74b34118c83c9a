/**
 * The pre-token-generation trigger against the Identity Store simulator and DynamoDB Local
 * (Settings), called directly with Cognito V2_0 events and through the sign-in stand-in.
 */
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { COGNITO_GROUPS, TEAM_CLAIMS } from '../../../lambdas/handlers/claims';
import { handler as preToken } from '../../../lambdas/handlers/pre-token';
import { PERSONAS, useLocalCloud } from '../../support/local-cloud';
import { GROUPS } from '../fixtures';

const cloud = useLocalCloud();

function eventFor(cognitoUserName: string, email = 'someone@example.com'): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_HostedAuth',
    region: 'us-east-1',
    userPoolId: 'us-east-1_local',
    userName: cognitoUserName,
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: 'team_local_web' },
    request: {
      userAttributes: { sub: '00000000-0000-4000-8000-000000000000', email },
      groupConfiguration: { groupsToOverride: ['Admin'], iamRolesToOverride: [], preferredRole: undefined },
      scopes: ['openid', 'email'],
    },
    response: { claimsAndScopeOverrideDetails: {} },
  };
}

const userOf = (userName: string) => {
  const user = cloud.backend.org.users.find((u) => u.userName === userName);
  if (!user) throw new Error(userName);
  return user;
};

const groupIdsOf = (userName: string) =>
  cloud.backend.org.groups
    .filter((g) => g.members.includes(userName))
    .map((g) => g.id)
    .sort();

async function claimsOf(userName: string) {
  const out = await preToken(eventFor(`IdentityCenter_${userName}`));
  const details = out.response.claimsAndScopeOverrideDetails;
  const claims = details?.accessTokenGeneration?.claimsToAddOrOverride ?? {};
  return {
    details,
    claims,
    groups: details?.groupOverrideDetails?.groupsToOverride,
    groupIds: claims[TEAM_CLAIMS.groupIds]
      ? (JSON.parse(claims[TEAM_CLAIMS.groupIds] ?? '[]') as string[]).sort()
      : [],
  };
}

describe('pre-token generation', () => {
  it('gives a requester their Identity Center identity and groups, and no TEAM group', async () => {
    const alice = userOf(PERSONAS.requester);
    const { details, claims, groups, groupIds } = await claimsOf(PERSONAS.requester);
    expect(claims).toMatchObject({
      [TEAM_CLAIMS.userId]: alice.id,
      [TEAM_CLAIMS.userName]: alice.userName,
      [TEAM_CLAIMS.email]: alice.email,
      [TEAM_CLAIMS.displayName]: alice.displayName,
    });
    expect(groupIds).toEqual(groupIdsOf(PERSONAS.requester));
    expect(groups).toEqual([]);
    // The same claims go into the ID token (amplify sends the access token to AppSync).
    expect(details?.idTokenGeneration?.claimsToAddOrOverride).toEqual(claims);
  });

  it('makes an admin Admin and an auditor Auditors, from Identity Center membership', async () => {
    expect((await claimsOf(PERSONAS.admin)).groups).toEqual([COGNITO_GROUPS.admin]);
    expect((await claimsOf(PERSONAS.auditor)).groups).toEqual([COGNITO_GROUPS.auditor]);
    // grace.kim is in both groups.
    expect((await claimsOf('grace.kim@example.com')).groups).toEqual([
      COGNITO_GROUPS.admin,
      COGNITO_GROUPS.auditor,
    ]);
    expect((await claimsOf(PERSONAS.auditor)).groupIds).toContain(GROUPS.auditors);
  });

  it('gives an unknown user no TEAM claims and no group (not even one Cognito had)', async () => {
    const out = await preToken(eventFor('IdentityCenter_mallory@example.com'));
    const details = out.response.claimsAndScopeOverrideDetails;
    expect(details?.accessTokenGeneration).toBeUndefined();
    expect(details?.idTokenGeneration).toBeUndefined();
    expect(details?.groupOverrideDetails?.groupsToOverride).toEqual([]);
  });

  it('reads the group names from Settings before the deployment’s fallback', async () => {
    const { settings } = cloud.backend.backend.ports;
    const current = await settings.get();
    if (!current) throw new Error('settings were seeded');
    await settings.put(
      { ...current, adminGroupName: 'TEAM-Approvers-Production', version: current.version + 1 },
      current.version,
    );
    try {
      expect((await claimsOf(PERSONAS.otherApprover)).groups).toEqual([COGNITO_GROUPS.admin]);
      expect((await claimsOf(PERSONAS.admin)).groups).toEqual([]);
    } finally {
      const changed = await settings.get();
      if (changed) {
        const { adminGroupName: _dropped, ...rest } = changed;
        await settings.put({ ...rest, version: changed.version + 1 }, changed.version);
      }
    }
    expect((await claimsOf(PERSONAS.admin)).groups).toEqual([COGNITO_GROUPS.admin]);
  });

  it('puts the claims in the tokens the sign-in stand-in issues, and the api reads them', async () => {
    const tokens = await cloud.backend.tokensFor(PERSONAS.auditor);
    const access = await cloud.backend.auth.verifyToken(tokens.accessToken);
    expect(access).toMatchObject({
      'cognito:groups': [COGNITO_GROUPS.auditor],
      [TEAM_CLAIMS.userId]: userOf(PERSONAS.auditor).id,
      token_use: 'access',
    });
    const id = await cloud.backend.auth.verifyToken(tokens.idToken);
    expect(id[TEAM_CLAIMS.userId]).toBe(userOf(PERSONAS.auditor).id);
    const me = await cloud.call('auditor', '{ me { userId personas } }');
    expect(me.data).toEqual({
      me: { userId: userOf(PERSONAS.auditor).id, personas: ['REQUESTER', 'AUDITOR'] },
    });
  });
});
