/**
 * Who is calling: the resolver identity AppSync hands the api (Cognito user pools mode) turned
 * into a caller. A client-credentials token becomes a machine client with exactly its scopes; a
 * person's token never does.
 */
import { describe, expect, it } from 'vitest';
import { API_OPERATIONS, isAllowed } from '../../../lambdas/core/authorization';
import { ForbiddenError } from '../../../lambdas/core/errors';
import { callerOf, machineCallerOf } from '../../../lambdas/handlers/api/identity';
import { TEAM_CLAIMS } from '../../../lambdas/handlers/claims';

const ISSUER = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Example';
const CLIENT_ID = '4machineclient0example000';
const NAMES = new Map([[CLIENT_ID, 'machine']]);

/** The claims of a Cognito client-credentials access token. */
function machineClaims(scope?: string): Record<string, unknown> {
  return {
    sub: CLIENT_ID,
    token_use: 'access',
    ...(scope === undefined ? {} : { scope }),
    auth_time: 1_767_225_600,
    iss: ISSUER,
    exp: 1_767_229_200,
    iat: 1_767_225_600,
    version: 2,
    jti: 'c0ffee00-0000-4000-8000-000000000000',
    client_id: CLIENT_ID,
  };
}

/** The `identity` of a resolver event in user-pool mode, around `claims`. */
function userPoolIdentity(claims: Record<string, unknown>, username = ''): Record<string, unknown> {
  return {
    sub: claims['sub'],
    issuer: ISSUER,
    username,
    claims,
    sourceIp: ['203.0.113.7'],
    defaultAuthStrategy: 'ALLOW',
    groups: null,
  };
}

const noLookup = {
  find: () => Promise.reject(new Error('a machine client is never looked up')),
};

describe('client-credentials tokens', () => {
  it('become a machine client named after its app client, with the scopes of the token', async () => {
    const caller = await callerOf(
      userPoolIdentity(machineClaims('team/policies.read team/audit.read')),
      noLookup,
      NAMES,
    );
    expect(caller).toEqual({
      kind: 'user',
      identity: {
        userId: `machine:${CLIENT_ID}`,
        userName: 'machine',
        email: '',
        groupIds: [],
        isAdmin: false,
        isAuditor: false,
        machine: { clientId: CLIENT_ID, scopes: ['team/policies.read', 'team/audit.read'] },
      },
    });
  });

  it('name an app client TEAM was not told about by its id', () => {
    expect(machineCallerOf(machineClaims('team/policies.read'))).toMatchObject({
      userName: `app client ${CLIENT_ID}`,
      machine: { clientId: CLIENT_ID },
    });
  });

  it('split the scope claim on any whitespace, once per scope', () => {
    expect(
      machineCallerOf(machineClaims(' team/audit.read\tteam/audit.read  team/policies.write '))?.machine,
    ).toEqual({ clientId: CLIENT_ID, scopes: ['team/audit.read', 'team/policies.write'] });
  });

  it('without a scope (or an empty one) allow no operation at all', () => {
    for (const claims of [machineClaims(), machineClaims(''), machineClaims('   ')]) {
      const caller = machineCallerOf(claims, NAMES);
      expect(caller?.machine?.scopes).toEqual([]);
      for (const op of API_OPERATIONS) expect(isAllowed(op, caller!), op).toBe(false);
    }
  });

  it('ignore groups and admin-looking claims: a machine client has no personas', () => {
    const caller = machineCallerOf({ ...machineClaims('team/policies.read'), 'cognito:groups': ['Admin'] });
    expect(caller).toMatchObject({ isAdmin: false, isAuditor: false, groupIds: [] });
  });
});

describe('tokens that are not client-credentials tokens', () => {
  it('a person’s access token (it has a user name) is never a machine client', async () => {
    const person = {
      ...machineClaims('team/policies.write'),
      sub: 'b1c2d3e4-0000-4000-8000-000000000001',
      username: 'IdentityCenter_alice@example.com',
      [TEAM_CLAIMS.userId]: '90676a1b2c-1111-2222-3333-444455556666',
      [TEAM_CLAIMS.userName]: 'alice@example.com',
    };
    expect(machineCallerOf(person)).toBeUndefined();
    const caller = await callerOf(userPoolIdentity(person, person.username), noLookup, NAMES);
    expect(caller).toMatchObject({
      kind: 'user',
      identity: { userId: '90676a1b2c-1111-2222-3333-444455556666' },
    });
    if (caller.kind === 'user') expect(caller.identity.machine).toBeUndefined();
  });

  it('an ID token, or an access token whose subject is not its client, is not a machine client', () => {
    expect(machineCallerOf({ ...machineClaims('team/policies.read'), token_use: 'id' })).toBeUndefined();
    expect(machineCallerOf({ ...machineClaims('team/policies.read'), sub: 'someone-else' })).toBeUndefined();
    expect(
      machineCallerOf({ ...machineClaims('team/policies.read'), 'cognito:username': CLIENT_ID }),
    ).toBeUndefined();
    const { client_id: _client, ...withoutClient } = machineClaims('team/policies.read');
    expect(machineCallerOf(withoutClient)).toBeUndefined();
  });

  it('a user-pool identity that is neither a TEAM user nor a machine client is refused', async () => {
    const lookup = { find: () => Promise.resolve(undefined) };
    const stranger = { ...machineClaims(), sub: 'someone', username: 'IdentityCenter_nobody' };
    await expect(callerOf(userPoolIdentity(stranger, 'IdentityCenter_nobody'), lookup)).rejects.toThrow(
      ForbiddenError,
    );
  });
});
