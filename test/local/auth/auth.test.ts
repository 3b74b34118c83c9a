import { createHash, randomBytes } from 'node:crypto';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  startAuth,
  stableSub,
  TokenVerificationError,
  type DemoIdentity,
  type PreTokenGenerationHook,
  type RunningAuth,
} from '../../../local/auth';

const CLIENT_ID = 'team-web';
const APP = 'http://127.0.0.1:5173/';
const users: DemoIdentity[] = [
  { userName: 'alice', displayName: 'Alice Admin', email: 'alice@example.com', groups: ['TEAM-Admins'] },
  { userName: 'bob', displayName: 'Bob <Builder>', email: 'bob@example.com', cognitoGroups: ['Pilots'] },
];

let auth: RunningAuth;
let clock = Date.now();
const triggerEvents: PreTokenGenerationV2TriggerEvent[] = [];
let hook: PreTokenGenerationHook = () => undefined;

beforeAll(async () => {
  auth = await startAuth({
    users,
    clientId: CLIENT_ID,
    redirectUris: [APP],
    logoutUris: [`${APP}signed-out`],
    now: () => clock,
    preTokenGeneration: (event) => {
      triggerEvents.push(structuredClone(event));
      return hook(event);
    },
  });
});
afterAll(async () => {
  await auth.stop();
});
beforeEach(() => {
  clock = Date.now();
  triggerEvents.length = 0;
  hook = () => undefined;
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

function authorizeUrl(params: Record<string, string>): string {
  const url = new URL('/oauth2/authorize', auth.url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

const goodParams = (challenge: string) => ({
  response_type: 'code',
  client_id: CLIENT_ID,
  redirect_uri: APP,
  scope: 'openid email profile aws.cognito.signin.user.admin',
  state: 'st-123',
  code_challenge: challenge,
  code_challenge_method: 'S256',
});

/** Picks `user` on the page like the browser form would, and returns the redirect. */
async function pick(user: string, params: Record<string, string>): Promise<Response> {
  return fetch(new URL('/login', auth.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...params, user }).toString(),
    redirect: 'manual',
  });
}

async function token(form: Record<string, string>) {
  const response = await fetch(new URL('/oauth2/token', auth.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function signIn(user: string) {
  const { verifier, challenge } = pkce();
  const redirect = await pick(user, goodParams(challenge));
  const location = new URL(redirect.headers.get('location') ?? '');
  const code = location.searchParams.get('code') ?? '';
  const tokens = await token({
    grant_type: 'authorization_code',
    client_id: CLIENT_ID,
    code,
    redirect_uri: APP,
    code_verifier: verifier,
  });
  return { redirect, location, code, verifier, tokens };
}

describe('discovery', () => {
  it('publishes the OpenID configuration and the JWKS', async () => {
    const config = (await (await fetch(`${auth.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(config).toMatchObject({
      issuer: auth.issuer,
      authorization_endpoint: `${auth.url}/oauth2/authorize`,
      token_endpoint: `${auth.url}/oauth2/token`,
      userinfo_endpoint: `${auth.url}/oauth2/userInfo`,
      jwks_uri: auth.jwksUrl,
      code_challenge_methods_supported: ['S256'],
    });
    const jwks = (await (await fetch(auth.jwksUrl)).json()) as { keys: Array<Record<string, unknown>> };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
    expect(await (await fetch(`${auth.url}/.well-known/jwks.json`)).json()).toEqual(jwks);
  });
});

describe('authorize', () => {
  it('lists the demo identities as buttons, escaped', async () => {
    const response = await fetch(authorizeUrl(goodParams('c')));
    expect(response.status).toBe(200);
    const html = await response.text();
    expect(html).toContain('<html lang="en">');
    expect(html).toMatch(/<button type="submit" name="user" value="alice">/);
    expect(html).toContain('Alice Admin');
    expect(html).toContain('alice@example.com');
    expect(html).toContain('Groups: TEAM-Admins');
    expect(html).toContain('Bob &lt;Builder&gt;');
    expect(html).toContain('name="state" value="st-123"');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
  });

  it('refuses an unknown client id with an error page', async () => {
    const response = await fetch(authorizeUrl({ ...goodParams('c'), client_id: 'evil' }), {
      redirect: 'manual',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('No app client with id &quot;evil&quot;');
  });

  it('refuses a redirect URI that is not registered, without redirecting there', async () => {
    const response = await fetch(
      authorizeUrl({ ...goodParams('c'), redirect_uri: 'https://evil.example/' }),
      {
        redirect: 'manual',
      },
    );
    expect(response.status).toBe(400);
    expect(response.headers.get('location')).toBeNull();
    expect(await response.text()).toContain('redirect_mismatch');
  });

  it('redirects protocol errors back to the app with state', async () => {
    const implicit = await fetch(authorizeUrl({ ...goodParams('c'), response_type: 'token' }), {
      redirect: 'manual',
    });
    const location = new URL(implicit.headers.get('location') ?? '');
    expect(location.searchParams.get('error')).toBe('unsupported_response_type');
    expect(location.searchParams.get('state')).toBe('st-123');
    const plain = await fetch(authorizeUrl({ ...goodParams('c'), code_challenge_method: 'plain' }), {
      redirect: 'manual',
    });
    expect(new URL(plain.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_request');
    const scope = await fetch(authorizeUrl({ ...goodParams('c'), scope: 'openid admin:all' }), {
      redirect: 'manual',
    });
    expect(new URL(scope.headers.get('location') ?? '').searchParams.get('error')).toBe('invalid_scope');
  });

  it('re-checks the client and redirect when an identity is picked', async () => {
    const response = await pick('alice', { ...goodParams('c'), redirect_uri: 'https://evil.example/' });
    expect(response.status).toBe(400);
    const unknownUser = await pick('mallory', goodParams('c'));
    expect(unknownUser.status).toBe(400);
  });
});

describe('authorization code flow with PKCE', () => {
  it('redirects with code and state, and exchanges the code for Cognito-shaped tokens', async () => {
    const { location, tokens } = await signIn('alice');
    expect(location.origin + location.pathname).toBe(APP);
    expect(location.searchParams.get('state')).toBe('st-123');
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ token_type: 'Bearer', expires_in: 3600 });
    expect(typeof tokens.body['refresh_token']).toBe('string');

    const id = decodeJwt(String(tokens.body['id_token']));
    expect(decodeProtectedHeader(String(tokens.body['id_token']))).toMatchObject({ alg: 'RS256' });
    expect(id).toMatchObject({
      sub: stableSub('alice'),
      'cognito:username': 'IdentityCenter_alice',
      email: 'alice@example.com',
      aud: CLIENT_ID,
      token_use: 'id',
      iss: auth.issuer,
      identities: [
        expect.objectContaining({ userId: 'alice', providerName: 'IdentityCenter', providerType: 'SAML' }),
      ],
    });
    expect((id.exp ?? 0) - (id.iat ?? 0)).toBe(3600);
    expect(typeof id['auth_time']).toBe('number');
    expect(id).not.toHaveProperty('cognito:groups');

    const access = decodeJwt(String(tokens.body['access_token']));
    expect(access).toMatchObject({
      sub: stableSub('alice'),
      token_use: 'access',
      client_id: CLIENT_ID,
      username: 'IdentityCenter_alice',
      scope: 'openid email profile aws.cognito.signin.user.admin',
      iss: auth.issuer,
    });
    expect(access).not.toHaveProperty('aud');
  });

  it('puts the initial user-pool groups in both tokens', async () => {
    const { tokens } = await signIn('bob');
    expect(decodeJwt(String(tokens.body['id_token']))['cognito:groups']).toEqual(['Pilots']);
    expect(decodeJwt(String(tokens.body['access_token']))['cognito:groups']).toEqual(['Pilots']);
  });

  it('refuses a wrong code verifier, a reused code and a wrong redirect URI', async () => {
    const { verifier, challenge } = pkce();
    const first = new URL((await pick('alice', goodParams(challenge))).headers.get('location') ?? '');
    const code = first.searchParams.get('code') ?? '';
    const wrong = await token({
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code,
      redirect_uri: APP,
      code_verifier: `${verifier}x`,
    });
    expect(wrong).toEqual({ status: 400, body: { error: 'invalid_grant' } });
    const reused = await token({
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code,
      redirect_uri: APP,
      code_verifier: verifier,
    });
    expect(reused.body).toEqual({ error: 'invalid_grant' });

    const again = pkce();
    const second = new URL((await pick('alice', goodParams(again.challenge))).headers.get('location') ?? '');
    const mismatch = await token({
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code: second.searchParams.get('code') ?? '',
      redirect_uri: 'http://127.0.0.1:5173/other',
      code_verifier: again.verifier,
    });
    expect(mismatch.body).toEqual({ error: 'invalid_grant' });
  });

  it('refuses expired codes, unknown clients and unknown grant types', async () => {
    const { verifier, challenge } = pkce();
    const location = new URL((await pick('alice', goodParams(challenge))).headers.get('location') ?? '');
    clock += 6 * 60 * 1000;
    const expired = await token({
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code: location.searchParams.get('code') ?? '',
      redirect_uri: APP,
      code_verifier: verifier,
    });
    expect(expired.body).toEqual({ error: 'invalid_grant' });
    expect((await token({ grant_type: 'authorization_code', client_id: 'evil' })).body).toEqual({
      error: 'invalid_client',
    });
    expect((await token({ grant_type: 'password', client_id: CLIENT_ID })).body).toEqual({
      error: 'unsupported_grant_type',
    });
  });

  it('refreshes tokens with the refresh_token grant (no new refresh token)', async () => {
    const { tokens } = await signIn('alice');
    clock += 30 * 60 * 1000;
    const refreshed = await token({
      grant_type: 'refresh_token',
      client_id: CLIENT_ID,
      refresh_token: String(tokens.body['refresh_token']),
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).not.toHaveProperty('refresh_token');
    const id = decodeJwt(String(refreshed.body['id_token']));
    expect(id.iat).toBe(Math.floor(clock / 1000));
    expect(id['auth_time']).toBe(decodeJwt(String(tokens.body['id_token']))['auth_time']);
    expect(triggerEvents.map((e) => e.triggerSource)).toEqual([
      'TokenGeneration_HostedAuth',
      'TokenGeneration_RefreshTokens',
    ]);
    expect(
      (await token({ grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: 'nope' })).body,
    ).toEqual({
      error: 'invalid_grant',
    });
  });

  it('answers browsers with CORS headers on the token endpoint', async () => {
    const response = await fetch(new URL('/oauth2/token', auth.url), {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:5173',
        'access-control-request-headers': 'content-type,x-amz-user-agent',
      },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:5173');
  });
});

describe('pre token generation (V2_0)', () => {
  it('sends a Cognito-shaped event', async () => {
    await signIn('alice');
    expect(triggerEvents).toHaveLength(1);
    expect(triggerEvents[0]).toMatchObject({
      version: '2',
      triggerSource: 'TokenGeneration_HostedAuth',
      region: 'us-east-1',
      userPoolId: auth.userPoolId,
      userName: 'IdentityCenter_alice',
      callerContext: { clientId: CLIENT_ID },
      request: {
        userAttributes: {
          sub: stableSub('alice'),
          email: 'alice@example.com',
          'cognito:user_status': 'EXTERNAL_PROVIDER',
          identities: expect.stringContaining('"providerName":"IdentityCenter"'),
        },
        groupConfiguration: { groupsToOverride: [], iamRolesToOverride: [] },
        scopes: ['openid', 'email', 'profile', 'aws.cognito.signin.user.admin'],
      },
      response: { claimsAndScopeOverrideDetails: null },
    });
  });

  it('applies claims, suppressions, scopes and group overrides to both tokens like Cognito', async () => {
    hook = (event) => {
      event.response.claimsAndScopeOverrideDetails = {
        idTokenGeneration: {
          claimsToAddOrOverride: {
            userId: 'idc-user-1',
            groupIds: ['g-1', 'g-2'] as unknown as string,
            sub: 'forged',
            'cognito:username': 'forged',
          },
          claimsToSuppress: ['email', 'iss'],
        },
        accessTokenGeneration: {
          claimsToAddOrOverride: { userId: 'idc-user-1', client_id: 'forged' },
          scopesToAdd: ['team/requests'],
          scopesToSuppress: ['profile'],
        },
        groupOverrideDetails: { groupsToOverride: ['Admin', 'Auditors'] },
      };
    };
    const { tokens } = await signIn('bob');
    const id = decodeJwt(String(tokens.body['id_token']));
    expect(id).toMatchObject({
      userId: 'idc-user-1',
      groupIds: ['g-1', 'g-2'],
      sub: stableSub('bob'),
      'cognito:username': 'IdentityCenter_bob',
      'cognito:groups': ['Admin', 'Auditors'],
      iss: auth.issuer,
    });
    expect(id).not.toHaveProperty('email');
    const access = decodeJwt(String(tokens.body['access_token']));
    expect(access).toMatchObject({
      userId: 'idc-user-1',
      client_id: CLIENT_ID,
      'cognito:groups': ['Admin', 'Auditors'],
      scope: 'openid email aws.cognito.signin.user.admin team/requests',
    });
    await expect(auth.verifyToken(String(tokens.body['access_token']))).resolves.toMatchObject({
      userId: 'idc-user-1',
    });
  });

  it('drops the groups claim when the override is empty', async () => {
    hook = (event) => ({
      ...event,
      response: { claimsAndScopeOverrideDetails: { groupOverrideDetails: { groupsToOverride: [] } } },
    });
    const { tokens } = await signIn('bob');
    expect(decodeJwt(String(tokens.body['id_token']))).not.toHaveProperty('cognito:groups');
  });

  it('fails the sign-in with an error page when the trigger fails', async () => {
    hook = () => {
      throw new Error('IdC lookup failed');
    };
    const response = await pick('alice', goodParams(pkce().challenge));
    expect(response.status).toBe(500);
    expect(await response.text()).toContain('PreTokenGeneration failed with error IdC lookup failed');
    hook = (event) => {
      event.response = {
        claimsAndScopeOverrideDetails: { groupOverrideDetails: 'Admin' as unknown as object },
      };
    };
    expect((await pick('alice', goodParams(pkce().challenge))).status).toBe(500);
  });
});

describe('verifyToken', () => {
  it('returns the claims of valid ID and access tokens', async () => {
    const set = await auth.tokensFor('alice');
    await expect(auth.verifyToken(set.idToken)).resolves.toMatchObject({ token_use: 'id', aud: CLIENT_ID });
    await expect(auth.verifyToken(set.accessToken)).resolves.toMatchObject({ token_use: 'access' });
  });

  it('refuses expired, tampered and foreign tokens', async () => {
    const set = await auth.tokensFor('alice');
    const [header, , signature] = set.idToken.split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ ...decodeJwt(set.idToken), 'cognito:groups': ['Admin'] }),
    ).toString('base64url');
    await expect(auth.verifyToken(`${header}.${forged}.${signature}`)).rejects.toMatchObject({
      reason: 'invalid',
    });

    const other = await startAuth({ users, clientId: CLIENT_ID, redirectUris: [APP] });
    try {
      const foreign = await other.tokensFor('alice');
      await expect(auth.verifyToken(foreign.idToken)).rejects.toBeInstanceOf(TokenVerificationError);
    } finally {
      await other.stop();
    }

    clock += 3601 * 1000;
    await expect(auth.verifyToken(set.idToken)).rejects.toMatchObject({ reason: 'expired' });
    await expect(auth.verifyToken('garbage')).rejects.toMatchObject({ reason: 'invalid' });
  });
});

describe('userInfo and logout', () => {
  it('answers userInfo for a valid access token only', async () => {
    const set = await auth.tokensFor('bob');
    const ok = await fetch(`${auth.url}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${set.accessToken}` },
    });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({
      sub: stableSub('bob'),
      email: 'bob@example.com',
      username: 'IdentityCenter_bob',
    });
    const withId = await fetch(`${auth.url}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${set.idToken}` },
    });
    expect(withId.status).toBe(401);
    expect(withId.headers.get('www-authenticate')).toContain('invalid_token');
  });

  it('redirects to a registered logout URI and refuses others', async () => {
    const ok = await fetch(
      `${auth.url}/logout?client_id=${CLIENT_ID}&logout_uri=${encodeURIComponent(`${APP}signed-out`)}`,
      { redirect: 'manual' },
    );
    expect(ok.status).toBe(302);
    expect(ok.headers.get('location')).toBe(`${APP}signed-out`);
    const bad = await fetch(`${auth.url}/logout?client_id=${CLIENT_ID}&logout_uri=https://evil.example/`, {
      redirect: 'manual',
    });
    expect(bad.status).toBe(400);
    const unknownClient = await fetch(
      `${auth.url}/logout?client_id=x&logout_uri=${encodeURIComponent(APP)}`,
      {
        redirect: 'manual',
      },
    );
    expect(unknownClient.status).toBe(400);
  });
});

describe("the user pool API amplify calls (the SPA's userPoolEndpoint)", () => {
  const userPoolApi = (operation: string, body: Record<string, unknown>) =>
    fetch(`${auth.url}/`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
      },
      body: JSON.stringify(body),
    });

  it('renews tokens with a refresh token until RevokeToken (sign-out) revokes it', async () => {
    const set = await auth.tokensFor('bob');
    const refresh = () =>
      userPoolApi('InitiateAuth', {
        ClientId: CLIENT_ID,
        AuthFlow: 'REFRESH_TOKEN_AUTH',
        AuthParameters: { REFRESH_TOKEN: set.refreshToken },
      });
    const renewed = await refresh();
    expect(renewed.status).toBe(200);
    const result = (await renewed.json()) as { AuthenticationResult: { AccessToken: string } };
    expect(decodeJwt(result.AuthenticationResult.AccessToken)).toMatchObject({ token_use: 'access' });

    const revoked = await userPoolApi('RevokeToken', { ClientId: CLIENT_ID, Token: set.refreshToken });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toEqual({});
    const after = await refresh();
    expect(after.status).toBe(400);
    expect(await after.json()).toMatchObject({ __type: 'NotAuthorizedException' });
  });

  it('refuses another client and operations it does not serve', async () => {
    const set = await auth.tokensFor('bob');
    const other = await userPoolApi('RevokeToken', { ClientId: 'x', Token: set.refreshToken });
    expect(other.status).toBe(400);
    const unknown = await userPoolApi('SignUp', { ClientId: CLIENT_ID });
    expect(await unknown.json()).toMatchObject({ __type: 'UnknownOperationException' });
  });
});
