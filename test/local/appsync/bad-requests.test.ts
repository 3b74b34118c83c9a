/**
 * Bad request bodies at the local AppSync: each gets a clean 4xx in AppSync's `{ errors: [...] }`
 * shape, and the keep-alive connection it came on serves the next request.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppSync, type RunningAppSync } from '../../../local/appsync';
import { MAX_VARIABLES_DEPTH } from '../../../local/appsync/engine';
import { MAX_BODY_BYTES } from '../../../local/appsync/server';
import { keepAliveClient, type KeepAliveClient } from '../../support/keep-alive';

const SDL = readFileSync(fileURLToPath(new URL('../../../graphql/schema.graphql', import.meta.url)), 'utf8');
const HEADERS = { 'content-type': 'application/json', authorization: 'token' };
const ME = JSON.stringify({ query: '{ me { userId } }' });

let appsync: RunningAppSync;
let client: KeepAliveClient;
let invocations = 0;

beforeAll(async () => {
  appsync = await startAppSync({
    schemaSdl: SDL,
    verifyToken: async () => ({ sub: 'u-1', username: 'IdentityCenter_u' }),
    resolve: () => {
      invocations += 1;
      return { userId: 'u-1', userName: 'u', email: 'u@example.com', displayName: 'U' };
    },
  });
});
afterAll(async () => {
  await appsync.stop();
});

/** Sends `body`, then the good request on the same connection; returns the first reply. */
async function thenGood(body: string | Buffer) {
  client = keepAliveClient();
  try {
    const first = await client.send(appsync.url, { headers: HEADERS, body: ME });
    expect(first.status).toBe(200);
    const bad = await client.send(appsync.url, { headers: HEADERS, body });
    expect(bad.reusedSocket).toBe(true);
    const good = await client.send(appsync.url, { headers: HEADERS, body: ME });
    expect(good.status).toBe(200);
    expect(good.json()).toEqual({ data: { me: { userId: 'u-1' } } });
    expect(good.reusedSocket, 'the good request went over the same connection').toBe(true);
    return bad;
  } finally {
    client.close();
  }
}

describe('the local AppSync after a bad body', () => {
  it('answers an oversized body with 413 and keeps the connection', async () => {
    const bad = await thenGood(Buffer.alloc(MAX_BODY_BYTES + 512 * 1024, 'x'));
    expect(bad.status).toBe(413);
    expect(bad.headers['content-type']).toMatch(/^application\/json/);
    expect(bad.json()).toEqual({
      errors: [{ errorType: 'PayloadTooLarge', message: 'The request body is larger than 1 MiB.' }],
    });
  });

  it('answers a deeply nested unused variable with 400, without walking it', async () => {
    const before = invocations;
    const deep = `{"query":"{ me { userId } }","variables":{"unused":${'['.repeat(50_000)}${']'.repeat(50_000)}}}`;
    const bad = await thenGood(deep);
    expect(bad.status).toBe(400);
    expect(bad.json()).toEqual({
      errors: [
        {
          errorType: 'MalformedHttpRequestException',
          message: `The variables are nested more than ${MAX_VARIABLES_DEPTH} levels deep.`,
        },
      ],
    });
    // Only the two good requests ran.
    expect(invocations - before).toBe(2);
  });

  it('still takes variables nested as deep as the bound', async () => {
    let value: unknown = 'leaf';
    for (let i = 1; i < MAX_VARIABLES_DEPTH; i += 1) value = [value];
    client = keepAliveClient();
    try {
      const ok = await client.send(appsync.url, {
        headers: HEADERS,
        body: JSON.stringify({ query: '{ me { userId } }', variables: { unused: value } }),
      });
      expect(ok.status).toBe(200);
    } finally {
      client.close();
    }
  });

  it('answers a body that is not JSON, or not a GraphQL request, with 400', async () => {
    for (const body of ['{"query": ', '[1, 2]', '{"query": 5}']) {
      const bad = await thenGood(body);
      expect(bad.status, body).toBe(400);
      expect(bad.json(), body).toEqual({
        errors: [
          {
            errorType: 'MalformedHttpRequestException',
            message: 'The request body is not a GraphQL request.',
          },
        ],
      });
    }
  });

  it('answers a query nested too deeply to parse with an error, not a crash', async () => {
    const bad = await thenGood(
      JSON.stringify({ query: `{ me ${'{ a '.repeat(20_000)}${'}'.repeat(20_001)}` }),
    );
    expect(bad.status).toBe(200);
    expect(bad.json()).toMatchObject({
      data: null,
      errors: [
        { errorType: 'MalformedHttpRequestException', message: 'The query is nested too deeply to be read.' },
      ],
    });
  });
});
