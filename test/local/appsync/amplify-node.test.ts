import { createHash, randomBytes } from 'node:crypto';
import { Amplify } from 'aws-amplify';
import { generateClient } from 'aws-amplify/api';
import { decodeJWT } from 'aws-amplify/auth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAppSync, installNodeRealtimeShim, hostOf, type RunningAppSync } from '../../../local/appsync';
import { startAuth, type RunningAuth } from '../../../local/auth';
import { defaultHandlers, fixtureSchemaPath, teamLikeTrigger, users } from './harness';

// The real aws-amplify v6 client in Node: sign in through the stand-in over HTTP (authorize →
// pick identity → code → token exchange with PKCE), hand the tokens to Amplify through a
// custom token provider, query with generateClient(), and subscribe over the realtime protocol
// (the Node shim supplies the WebSocket global and maps amplify's wss:// to ws://).

const CLIENT_ID = 'team_local_web';
const REDIRECT = 'http://127.0.0.1:9/';

let auth: RunningAuth;
let appsync: RunningAppSync;
let uninstall: () => void;
let current: { idToken: string; accessToken: string } | undefined;

async function signInOverHttp(userName: string) {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/oauth2/authorize', auth.url);
  const params = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT,
    scope: 'openid email aws.cognito.signin.user.admin',
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) authorize.searchParams.set(k, v);
  const page = await (await fetch(authorize)).text();
  expect(page).toContain(`value="${userName}"`);
  const picked = await fetch(new URL('/login', auth.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...params, user: userName }).toString(),
    redirect: 'manual',
  });
  const back = new URL(picked.headers.get('location') ?? '');
  expect(back.searchParams.get('state')).toBe(params.state);
  const response = await fetch(new URL('/oauth2/token', auth.url), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      client_id: CLIENT_ID,
      code: back.searchParams.get('code') ?? '',
      redirect_uri: REDIRECT,
      code_verifier: verifier,
    }).toString(),
  });
  const tokens = (await response.json()) as { id_token: string; access_token: string };
  current = { idToken: tokens.id_token, accessToken: tokens.access_token };
}

beforeAll(async () => {
  auth = await startAuth({
    users,
    clientId: CLIENT_ID,
    redirectUris: [REDIRECT],
    preTokenGeneration: teamLikeTrigger,
  });
  const handlers = defaultHandlers();
  appsync = await startAppSync({
    schemaPath: fixtureSchemaPath,
    verifyToken: auth.verifyToken,
    resolve: (event) => handlers[event.info.fieldName]?.(event) ?? null,
  });
  uninstall = installNodeRealtimeShim([hostOf(appsync.url), hostOf(auth.url)]);
  Amplify.configure(
    {
      Auth: { Cognito: { userPoolId: auth.userPoolId, userPoolClientId: CLIENT_ID } },
      API: { GraphQL: { endpoint: appsync.url, region: 'us-east-1', defaultAuthMode: 'userPool' } },
    },
    {
      Auth: {
        tokenProvider: {
          getTokens: async () =>
            current
              ? { idToken: decodeJWT(current.idToken), accessToken: decodeJWT(current.accessToken) }
              : null,
        },
      },
    },
  );
});

afterAll(async () => {
  uninstall?.();
  await appsync?.stop();
  await auth?.stop();
});

type GraphQLResult = {
  data?: Record<string, unknown>;
  errors?: Array<{ errorType?: string; message: string }>;
};

async function run(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLResult> {
  try {
    return (await generateClient().graphql({ query, variables })) as GraphQLResult;
  } catch (error) {
    // amplify rejects with the whole response when it carries errors
    return error as GraphQLResult;
  }
}

describe('aws-amplify v6 in Node against the local stack', () => {
  it('queries, subscribes over the realtime protocol, and gets Unauthorized outside the group', async () => {
    await signInOverHttp('alice');
    expect(await run('{ adminOnly either }')).toMatchObject({
      data: { adminOnly: 'admin secret', either: 'either way' },
    });

    const client = generateClient();
    const received = new Promise<unknown>((resolve, reject) => {
      const observable = client.graphql({
        query: 'subscription { onCreateRequest { id owner accountId } }',
      }) as unknown as {
        subscribe(o: { next(v: unknown): void; error(e: unknown): void }): { unsubscribe(): void };
      };
      const sub = observable.subscribe({
        next: (value) => {
          sub.unsubscribe();
          resolve(value);
        },
        error: reject,
      });
    });
    await expect.poll(() => appsync.subscriptionCount()).toBe(1);
    await run('mutation { createRequest(input: { accountId: "444455556666" }) { id owner accountId } }');
    expect(await received).toMatchObject({
      data: { onCreateRequest: { id: 'r-new', owner: 'IdentityCenter_alice', accountId: '444455556666' } },
    });

    await signInOverHttp('bob');
    const refused = await run('{ adminOnly }');
    expect(refused.data).toEqual({ adminOnly: null });
    expect(refused.errors?.[0]).toMatchObject({
      errorType: 'Unauthorized',
      message: 'Not Authorized to access adminOnly on type Query',
    });
  });
});
