/**
 * The command line's public client in the sign-in stand-in: the authorization code flow with
 * PKCE through a loopback redirect (locally on any port, the registered URL matched exactly as
 * well), tokens issued to that client, refresh tokens bound to it, and the revocation endpoint.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth, type DemoIdentity, type RunningAuth } from '../../../local/auth';

const WEB_CLIENT = 'team-web';
const CLI_CLIENT = 'team-cli';
const APP = 'http://127.0.0.1:5173/';
const REGISTERED = 'http://localhost:8976/callback';
const users: DemoIdentity[] = [{ userName: 'alice', displayName: 'Alice', email: 'alice@example.com' }];

let auth: RunningAuth;
let strict: RunningAuth;
const triggerEvents: PreTokenGenerationV2TriggerEvent[] = [];

beforeAll(async () => {
  auth = await startAuth({
    users,
    clientId: WEB_CLIENT,
    redirectUris: [APP],
    cliClient: { clientId: CLI_CLIENT, redirectUris: [REGISTERED], anyLoopbackPort: true },
    preTokenGeneration: (event) => {
      triggerEvents.push(structuredClone(event));
    },
  });
  strict = await startAuth({
    users,
    clientId: WEB_CLIENT,
    redirectUris: [APP],
    cliClient: { clientId: CLI_CLIENT, redirectUris: [REGISTERED] },
  });
});
afterAll(async () => {
  await auth.stop();
  await strict.stop();
});

function pkce() {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const params = (redirectUri: string, challenge: string, clientId = CLI_CLIENT) => ({
  response_type: 'code',
  client_id: clientId,
  redirect_uri: redirectUri,
  scope: 'openid email profile',
  state: 'cli-state',
  code_challenge: challenge,
  code_challenge_method: 'S256',
  identity_provider: 'IdentityCenter',
});

async function pick(server: RunningAuth, form: Record<string, string>): Promise<Response> {
  return fetch(new URL('/login', server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...form, user: 'alice' }).toString(),
    redirect: 'manual',
  });
}

async function post(server: RunningAuth, path: string, form: Record<string, string>) {
  const response = await fetch(new URL(path, server.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  return { status: response.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

async function signIn(redirectUri: string) {
  const { verifier, challenge } = pkce();
  const redirect = await pick(auth, params(redirectUri, challenge));
  expect(redirect.status).toBe(302);
  const location = new URL(redirect.headers.get('location') ?? '');
  expect(`${location.origin}${location.pathname}`).toBe(redirectUri);
  expect(location.searchParams.get('state')).toBe('cli-state');
  const tokens = await post(auth, '/oauth2/token', {
    grant_type: 'authorization_code',
    client_id: CLI_CLIENT,
    code: location.searchParams.get('code') ?? '',
    redirect_uri: redirectUri,
    code_verifier: verifier,
  });
  expect(tokens.status).toBe(200);
  return tokens.body as { id_token: string; access_token: string; refresh_token: string };
}

describe('the CLI client', () => {
  it('signs in through the registered loopback callback and gets tokens issued to it', async () => {
    triggerEvents.length = 0;
    const tokens = await signIn(REGISTERED);
    expect(decodeJwt(tokens.id_token)).toMatchObject({ aud: CLI_CLIENT, token_use: 'id' });
    expect(decodeJwt(tokens.access_token)).toMatchObject({ client_id: CLI_CLIENT, token_use: 'access' });
    expect(triggerEvents.at(-1)?.callerContext.clientId).toBe(CLI_CLIENT);
    await expect(auth.verifyToken(tokens.access_token)).resolves.toMatchObject({ client_id: CLI_CLIENT });
    await expect(auth.verifyToken(tokens.id_token)).resolves.toMatchObject({ aud: CLI_CLIENT });
    expect(auth.cliClientId).toBe(CLI_CLIENT);
  });

  it('locally accepts a loopback callback on any port, by name or address', async () => {
    await signIn('http://localhost:41234/callback');
    await signIn('http://127.0.0.1:41235/callback');
  });

  it('refuses other callbacks, and the web client never gets the loopback ones', async () => {
    const { challenge } = pkce();
    for (const uri of [
      'http://localhost:41234/other',
      'https://localhost:41234/callback',
      'http://example.com:8976/callback',
      APP,
    ]) {
      const page = await fetch(`${auth.url}/oauth2/authorize?${new URLSearchParams(params(uri, challenge))}`);
      expect(page.status, uri).toBe(400);
      expect(await page.text()).toContain('redirect_mismatch');
    }
    const web = await fetch(
      `${auth.url}/oauth2/authorize?${new URLSearchParams(params(REGISTERED, challenge, WEB_CLIENT))}`,
    );
    expect(web.status).toBe(400);
  });

  it('matches the registered callback exactly when any port is not allowed (as Cognito does)', async () => {
    const { challenge } = pkce();
    const other = await fetch(
      `${strict.url}/oauth2/authorize?${new URLSearchParams(params('http://localhost:41234/callback', challenge))}`,
    );
    expect(other.status).toBe(400);
    expect(await other.text()).toContain(REGISTERED);
    const registered = await pick(strict, params(REGISTERED, challenge));
    expect(registered.status).toBe(302);
  });

  it('binds the code and the refresh token to the client', async () => {
    const { verifier, challenge } = pkce();
    const redirect = await pick(auth, params(REGISTERED, challenge));
    const code = new URL(redirect.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const asWeb = await post(auth, '/oauth2/token', {
      grant_type: 'authorization_code',
      client_id: WEB_CLIENT,
      code,
      redirect_uri: REGISTERED,
      code_verifier: verifier,
    });
    expect(asWeb.body).toEqual({ error: 'invalid_grant' });

    const tokens = await signIn(REGISTERED);
    const refreshAs = (clientId: string) =>
      post(auth, '/oauth2/token', {
        grant_type: 'refresh_token',
        client_id: clientId,
        refresh_token: tokens.refresh_token,
      });
    expect((await refreshAs(WEB_CLIENT)).body).toEqual({ error: 'invalid_grant' });
    const renewed = await refreshAs(CLI_CLIENT);
    expect(renewed.status).toBe(200);
    expect(decodeJwt(String(renewed.body['access_token']))).toMatchObject({ client_id: CLI_CLIENT });
    expect(renewed.body['refresh_token']).toBeUndefined();
  });

  it('revokes its refresh token at /oauth2/revoke; another client cannot', async () => {
    const tokens = await signIn(REGISTERED);
    const revoke = (clientId: string, token = tokens.refresh_token) =>
      post(auth, '/oauth2/revoke', { token, client_id: clientId });
    expect(await revoke(WEB_CLIENT)).toEqual({ status: 400, body: { error: 'unauthorized_client' } });
    expect((await revoke('nobody')).body).toEqual({ error: 'invalid_client' });
    expect((await revoke(CLI_CLIENT, '')).body).toMatchObject({ error: 'invalid_request' });
    expect(await revoke(CLI_CLIENT)).toEqual({ status: 200, body: {} });
    // Revoked: no more tokens from it; revoking again is not an error (RFC 7009).
    const refreshed = await post(auth, '/oauth2/token', {
      grant_type: 'refresh_token',
      client_id: CLI_CLIENT,
      refresh_token: tokens.refresh_token,
    });
    expect(refreshed.body).toEqual({ error: 'invalid_grant' });
    expect((await revoke(CLI_CLIENT)).status).toBe(200);
    const discovery = (await (await fetch(`${auth.url}/.well-known/openid-configuration`)).json()) as Record<
      string,
      unknown
    >;
    expect(discovery['revocation_endpoint']).toBe(`${auth.url}/oauth2/revoke`);
  });

  it('gets tokens without the browser for tests (tokensFor with its client id)', async () => {
    const set = await auth.tokensFor('alice', { clientId: CLI_CLIENT });
    expect(decodeJwt(set.idToken)).toMatchObject({ aud: CLI_CLIENT });
  });
});
