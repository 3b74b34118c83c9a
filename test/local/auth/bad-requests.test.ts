/**
 * Bad bodies at the sign-in stand-in's token endpoint: an OAuth error in JSON
 * (`{ error: 'invalid_request', error_description }`) with a 4xx, never an HTML page or a 500,
 * and the keep-alive connection serves the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAuth, type RunningAuth } from '../../../local/auth';
import { MAX_BODY_BYTES } from '../../../local/auth/server';
import { keepAliveClient } from '../../support/keep-alive';

const CLIENT_ID = 'team-web';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

let auth: RunningAuth;

beforeAll(async () => {
  auth = await startAuth({
    users: [{ userName: 'alice', displayName: 'Alice', email: 'alice@example.com', groups: [] }],
    clientId: CLIENT_ID,
    redirectUris: ['http://127.0.0.1:5173/'],
  });
});
afterAll(async () => {
  await auth.stop();
});

/** Sends the bad request, then a refresh-token grant on the same connection, which must succeed. */
async function thenGood(headers: Record<string, string>, body: string | Buffer) {
  const client = keepAliveClient();
  const url = `${auth.url}/oauth2/token`;
  try {
    const warmUp = await client.send(`${auth.url}/.well-known/jwks.json`, { method: 'GET' });
    expect(warmUp.status).toBe(200);
    const bad = await client.send(url, { headers, body });
    expect(bad.reusedSocket).toBe(true);
    const { refreshToken } = await auth.tokensFor('alice');
    const good = await client.send(url, {
      headers: FORM,
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        client_id: CLIENT_ID,
        refresh_token: refreshToken,
      }).toString(),
    });
    expect(good.status).toBe(200);
    expect(good.json()).toHaveProperty('id_token');
    expect(good.reusedSocket, 'the good request went over the same connection').toBe(true);
    return bad;
  } finally {
    client.close();
  }
}

describe('the token endpoint after a bad body', () => {
  it('answers an oversized body with 413 invalid_request in JSON', async () => {
    const bad = await thenGood(FORM, Buffer.alloc(MAX_BODY_BYTES + 100 * 1024, 'a'));
    expect(bad.status).toBe(413);
    expect(bad.headers['content-type']).toMatch(/^application\/json/);
    expect(bad.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The request body is larger than 64 KiB.',
    });
  });

  it('answers a body that is not a form with 400 invalid_request in JSON', async () => {
    const bad = await thenGood(
      { 'content-type': 'application/json' },
      JSON.stringify({ grant_type: 'refresh_token', client_id: CLIENT_ID }),
    );
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({
      error: 'invalid_request',
      error_description: 'The body must be application/x-www-form-urlencoded.',
    });
  });

  it('answers a form that is garbage with an OAuth error in JSON', async () => {
    const bad = await thenGood(FORM, '%zz&&=&grant_type=%E0%A4%A&client_id=' + CLIENT_ID);
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({ error: 'unsupported_grant_type' });
  });
});
