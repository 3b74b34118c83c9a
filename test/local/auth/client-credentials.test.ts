/**
 * The sign-in stand-in's client-credentials grant: a confidential machine client gets an access
 * token the way Cognito issues one (HTTP Basic client id:secret, optional space-separated scopes
 * that must be the client's), and the local AppSync verifies it like a person's token.
 */
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth, type RunningAuth } from '../../../local/auth';

const WEB_CLIENT = 'team-web';
const MACHINE = {
  clientId: 'team-machine',
  clientSecret: 's3cret-for-tests-only',
  name: 'machine',
  scopes: ['team/policies.read', 'team/policies.write', 'team/audit.read'],
};

let auth: RunningAuth;
let clock = Date.now();

beforeAll(async () => {
  auth = await startAuth({
    users: [{ userName: 'alice', email: 'alice@example.com' }],
    clientId: WEB_CLIENT,
    machineClients: [MACHINE],
    redirectUris: ['http://127.0.0.1:5173/'],
    now: () => clock,
  });
});
afterAll(async () => {
  await auth.stop();
});

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function requestToken(form: Record<string, string>, authorization?: string) {
  const response = await fetch(auth.tokenEndpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      ...(authorization ? { authorization } : {}),
    },
    body: new URLSearchParams(form).toString(),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const machineToken = (scope?: string) =>
  requestToken(
    { grant_type: 'client_credentials', ...(scope === undefined ? {} : { scope }) },
    basic(MACHINE.clientId, MACHINE.clientSecret),
  );

describe('client-credentials grant', () => {
  it('answers with a Bearer access token only: no ID token, no refresh token', async () => {
    const { status, body } = await machineToken('team/policies.read');
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'token_type']);
    expect(body).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
  });

  it('issues a Cognito-shaped client-credentials token: the client is the subject, no user', async () => {
    clock = Date.now();
    const { body } = await machineToken('team/policies.read team/audit.read');
    const claims = decodeJwt(String(body.access_token));
    const now = Math.floor(clock / 1000);
    expect(claims).toEqual({
      sub: MACHINE.clientId,
      token_use: 'access',
      scope: 'team/policies.read team/audit.read',
      auth_time: now,
      iss: auth.issuer,
      exp: now + 3600,
      iat: now,
      version: 2,
      jti: expect.any(String),
      client_id: MACHINE.clientId,
    });
  });

  it('grants every scope of the client when the request names none', async () => {
    for (const form of [undefined, '', '   ']) {
      const { body } = await machineToken(form);
      expect(decodeJwt(String(body.access_token)).scope, JSON.stringify(form)).toBe(MACHINE.scopes.join(' '));
    }
  });

  it('accepts the secret in the form too (client_secret_post)', async () => {
    const { status, body } = await requestToken({
      grant_type: 'client_credentials',
      client_id: MACHINE.clientId,
      client_secret: MACHINE.clientSecret,
      scope: 'team/audit.read',
    });
    expect(status).toBe(200);
    expect(decodeJwt(String(body.access_token)).scope).toBe('team/audit.read');
  });

  it('refuses a scope the client was not given with invalid_scope', async () => {
    for (const scope of [
      'team/admin',
      'openid',
      'team/policies.read other/policies.read',
      'TEAM/audit.read',
    ]) {
      expect(await machineToken(scope), scope).toEqual({ status: 400, body: { error: 'invalid_scope' } });
    }
  });

  it('refuses a wrong secret, an unknown client and missing credentials with invalid_client', async () => {
    const invalid = { status: 400, body: { error: 'invalid_client' } };
    const form = { grant_type: 'client_credentials' };
    expect(await requestToken(form, basic(MACHINE.clientId, 'wrong'))).toEqual(invalid);
    expect(await requestToken(form, basic(MACHINE.clientId, ''))).toEqual(invalid);
    expect(await requestToken(form, basic('someone-else', MACHINE.clientSecret))).toEqual(invalid);
    expect(await requestToken(form)).toEqual(invalid);
    expect(await requestToken(form, `Basic ${Buffer.from('no-colon').toString('base64')}`)).toEqual(invalid);
  });

  it('is not for the web client, and the machine client has no other grant', async () => {
    const unauthorized = { status: 400, body: { error: 'unauthorized_client' } };
    expect(await requestToken({ grant_type: 'client_credentials', client_id: WEB_CLIENT })).toEqual(
      unauthorized,
    );
    for (const grant_type of ['authorization_code', 'refresh_token']) {
      expect(
        await requestToken(
          { grant_type, code: 'x', refresh_token: 'x' },
          basic(MACHINE.clientId, MACHINE.clientSecret),
        ),
        grant_type,
      ).toEqual(unauthorized);
    }
  });

  it('is announced in the OpenID configuration', async () => {
    const config = (await (await fetch(`${auth.url}/.well-known/openid-configuration`)).json()) as {
      grant_types_supported: string[];
      token_endpoint: string;
    };
    expect(config.grant_types_supported).toContain('client_credentials');
    expect(config.token_endpoint).toBe(auth.tokenEndpoint);
  });
});

describe('machine tokens elsewhere', () => {
  it('are verified like any access token of the pool, and refused once expired', async () => {
    clock = Date.now();
    const token = String((await machineToken('team/policies.read')).body.access_token);
    await expect(auth.verifyToken(token)).resolves.toMatchObject({
      client_id: MACHINE.clientId,
      scope: 'team/policies.read',
    });
    clock += 3601 * 1000;
    await expect(auth.verifyToken(token)).rejects.toThrow(/expired/);
    clock = Date.now();
  });

  it('get no user info: there is no user', async () => {
    const token = String((await machineToken()).body.access_token);
    const response = await fetch(`${auth.url}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(response.status).toBe(401);
  });
});
