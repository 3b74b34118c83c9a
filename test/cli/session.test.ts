/**
 * The command line against a scripted deployment (a fake fetch): configure, the cached session
 * and its silent refresh (within a minute of expiry, or after the API refused the token), the
 * session that cannot be renewed (exit 2, "run `team login`"), the API's errors as exit codes,
 * client credentials that are refused, and `--wait` ending each way it can.
 */
import { statSync } from 'node:fs';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConfigStore, type TokenCache } from '../../bin/cli/config-store';
import { EXIT } from '../../bin/cli/errors';
import { cliUser, type CliUser } from './support';

const APP = 'https://team.example.com';
const RUNTIME_CONFIG = {
  region: 'eu-west-1',
  userPoolId: 'eu-west-1_AbC123',
  userPoolClientId: 'webclient123',
  cliClientId: 'cliclient456',
  cliRedirectUri: 'http://localhost:8976/callback',
  oauthDomain: 'team-prod.auth.eu-west-1.amazoncognito.com',
  identityProvider: 'IdentityCenter',
  redirectSignIn: `${APP}/`,
  redirectSignOut: `${APP}/`,
  graphqlUrl: 'https://api.example.com/graphql',
  appUrl: APP,
  idcStartUrl: 'https://d-1234567890.awsapps.com/start',
  version: '1.4.0',
  sessionLogs: 'athena',
};
const TOKEN_URL = 'https://team-prod.auth.eu-west-1.amazoncognito.com/oauth2/token';

const request = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'req-1',
  requester: { id: 'u1', email: 'alice@example.com', name: 'Alice' },
  account: { id: '111122223333', name: 'Payments' },
  permissionSet: { arn: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1', name: 'ReadOnlyAccess' },
  sessionDuration: 'PT1H',
  startTime: '2025-03-04T12:00:00.000Z',
  durationHours: 2,
  justification: 'why',
  ticketNo: null,
  status,
  approvalRequired: true,
  approvers: [{ id: 'u2', email: 'carol@example.com', name: 'Carol' }],
  expiresAt: '2025-03-04T15:00:00.000Z',
  decision: null,
  cancelledAt: null,
  revoke: null,
  grantedAt: null,
  endedAt: null,
  errorReason: null,
  importedFrom: null,
  createdAt: '2025-03-04T12:00:00.000Z',
  updatedAt: '2025-03-04T12:00:00.000Z',
  endTime: '2025-03-04T14:00:00.000Z',
  approval: null,
  extensions: [],
  maxTotalHours: null,
  extensionApprovalRequired: false,
  breakGlass: null,
  review: null,
  ...extra,
});

interface Call {
  url: string;
  method: string;
  headers: Headers;
  body: string;
}

/** A scripted deployment: config.json, the token endpoint and the API, each replaceable. */
function deployment() {
  const calls: Call[] = [];
  const state = {
    token: (form: URLSearchParams): Response =>
      Response.json(
        form.get('refresh_token') === 'good-refresh'
          ? {
              id_token: jwt({ email: 'alice@example.com' }),
              access_token: 'renewed-access',
              expires_in: 3600,
            }
          : { error: 'invalid_grant' },
        { status: form.get('refresh_token') === 'good-refresh' ? 200 : 400 },
      ),
    graphql: (token: string, query: string): Response => {
      if (token === 'refused-access')
        return Response.json(
          { errors: [{ errorType: 'UnauthorizedException', message: 'Token has expired.' }] },
          { status: 401 },
        );
      if (query.includes('query Me')) {
        return Response.json({
          data: {
            me: {
              userId: 'u1',
              userName: 'alice@example.com',
              email: 'alice@example.com',
              displayName: 'Alice',
              isAdmin: false,
              isAuditor: false,
              personas: ['REQUESTER'],
            },
          },
        });
      }
      return Response.json({ data: null, errors: [{ errorType: 'InternalError', message: 'unscripted' }] });
    },
  };
  const fetcher: typeof fetch = async (input, init) => {
    const url = String(input);
    const body = typeof init?.body === 'string' ? init.body : '';
    const headers = new Headers(init?.headers);
    calls.push({ url, method: init?.method ?? 'GET', headers, body });
    if (url === `${APP}/config.json`) return Response.json(RUNTIME_CONFIG);
    if (url === TOKEN_URL) return state.token(new URLSearchParams(body));
    if (url === RUNTIME_CONFIG.graphqlUrl) {
      const { query } = JSON.parse(body) as { query: string };
      return state.graphql(headers.get('authorization') ?? '', query);
    }
    return new Response('not found', { status: 404 });
  };
  return { calls, state, fetcher };
}

function jwt(claims: Record<string, unknown>): string {
  return ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');
}

const NOW = Date.parse('2025-03-04T12:00:00Z');

function tokens(overrides: Partial<TokenCache> = {}): TokenCache {
  return {
    version: 1,
    clientId: 'cliclient456',
    idToken: jwt({ email: 'alice@example.com' }),
    accessToken: 'cached-access',
    refreshToken: 'good-refresh',
    expiresAt: NOW + 3_600_000,
    signedInAt: NOW - 600_000,
    ...overrides,
  };
}

let scripted: ReturnType<typeof deployment>;
let user: CliUser;
let store: ConfigStore;
let clock = NOW;

beforeEach(async () => {
  scripted = deployment();
  clock = NOW;
  user = cliUser({ fetch: scripted.fetcher, now: () => clock, sleep: async (ms) => void (clock += ms) });
  store = new ConfigStore(user.dir);
  expect((await user.run('configure', '--url', `${APP}/`)).code).toBe(0);
  scripted.calls.length = 0;
});

describe('configure', () => {
  it('stores the validated runtime config of the URL, privately', async () => {
    const result = await user.run('configure', '--url', APP, '--json');
    expect(result.code).toBe(0);
    expect(result.json()).toMatchObject({
      profile: 'default',
      url: APP,
      version: '1.4.0',
      cliClientId: 'cliclient456',
    });
    expect(store.readProfile('default')?.config.graphqlUrl).toBe(RUNTIME_CONFIG.graphqlUrl);
    expect(statSync(store.configFile).mode & 0o777).toBe(0o600);
  });

  it('refuses a config.json that is not a TEAM runtime config, naming what is wrong', async () => {
    const bad = cliUser({
      fetch: async () => Response.json({ ...RUNTIME_CONFIG, graphqlUrl: 'nope', region: 'mars' }),
    });
    const result = await bad.run('configure', '--url', APP);
    expect(result.code).toBe(EXIT.other);
    expect(result.stderr).toMatch(/is not a TEAM runtime config/);
    expect(result.stderr).toMatch(/graphqlUrl: graphqlUrl must be an http\(s\) URL/);
    expect(result.stderr).toMatch(/region: region must be an AWS region/);
    const missing = cliUser({ fetch: async () => new Response('nope', { status: 404 }) });
    expect((await missing.run('configure', '--url', APP)).code).toBe(EXIT.notFound);
  });
});

describe('the session', () => {
  it('uses the cached access token while it has more than a minute left, bare in Authorization', async () => {
    store.writeTokens('default', tokens());
    const result = await user.run('whoami');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Alice <alice@example\.com>/);
    expect(scripted.calls.map((c) => c.url)).toEqual([RUNTIME_CONFIG.graphqlUrl]);
    expect(scripted.calls[0]?.headers.get('authorization')).toBe('cached-access');
  });

  it('renews the tokens silently within a minute of expiry and keeps the refresh token', async () => {
    store.writeTokens('default', tokens({ expiresAt: NOW + 59_000 }));
    const result = await user.run('whoami', '--json');
    expect(result.code).toBe(0);
    const [refresh, api] = scripted.calls;
    expect(refresh?.url).toBe(TOKEN_URL);
    expect(Object.fromEntries(new URLSearchParams(refresh?.body))).toEqual({
      grant_type: 'refresh_token',
      client_id: 'cliclient456',
      refresh_token: 'good-refresh',
    });
    expect(api?.headers.get('authorization')).toBe('renewed-access');
    const renewed = store.readTokens('default');
    expect(renewed).toMatchObject({
      accessToken: 'renewed-access',
      refreshToken: 'good-refresh',
      expiresAt: NOW + 3_600_000,
      signedInAt: NOW - 600_000,
    });
    expect(statSync(store.tokenFile('default')).mode & 0o777).toBe(0o600);
  });

  it('renews and retries once when the API refuses a token that looked valid', async () => {
    store.writeTokens('default', tokens({ accessToken: 'refused-access' }));
    const result = await user.run('whoami');
    expect(result.code).toBe(0);
    expect(scripted.calls.map((c) => c.url)).toEqual([
      RUNTIME_CONFIG.graphqlUrl,
      TOKEN_URL,
      RUNTIME_CONFIG.graphqlUrl,
    ]);
  });

  it('says to run `team login` (exit 2) when the refresh token is refused', async () => {
    store.writeTokens('default', tokens({ expiresAt: NOW - 1000, refreshToken: 'revoked' }));
    const result = await user.run('ls', '--json');
    expect(result.code).toBe(EXIT.notSignedIn);
    expect(result.stderr).toBe('team: Your session has expired: run `team login`.\n');
    expect(result.json()).toMatchObject({ error: { type: 'SessionExpired', exitCode: 2 } });
  });

  it('says to run `team login` (exit 2) when the API keeps refusing, or there is no refresh token', async () => {
    scripted.state.token = () =>
      Response.json({ access_token: 'refused-access', id_token: 'a.b.c', expires_in: 3600 });
    store.writeTokens('default', tokens({ accessToken: 'refused-access' }));
    const refused = await user.run('whoami');
    expect(refused.code).toBe(EXIT.notSignedIn);
    expect(refused.stderr).toContain('Your session has expired: run `team login`.');

    store.writeTokens('default', tokens({ expiresAt: NOW - 1000, refreshToken: undefined }));
    const expired = await user.run('whoami', '--profile', 'default');
    expect(expired.code).toBe(EXIT.notSignedIn);
    expect(expired.stderr).toContain('Your session has expired');
  });

  it('says so when nobody signed in, naming the profile', async () => {
    await user.run('configure', '--url', APP, '--profile', 'prod');
    const result = await user.run('whoami', '--profile', 'prod');
    expect(result.code).toBe(EXIT.notSignedIn);
    expect(result.stderr).toContain('You are not signed in: run `team login --profile prod`.');
  });

  it('forgets the session on logout, revoking the refresh token at /oauth2/revoke', async () => {
    store.writeTokens('default', tokens());
    const result = await user.run('logout', '--json');
    expect(result.json()).toEqual({ profile: 'default', signedOut: true, revoked: false });
    expect(scripted.calls[0]?.url).toBe(TOKEN_URL.replace('/token', '/revoke'));
    expect(Object.fromEntries(new URLSearchParams(scripted.calls[0]?.body))).toEqual({
      token: 'good-refresh',
      client_id: 'cliclient456',
    });
    expect(store.readTokens('default')).toBeUndefined();
  });
});

describe('API errors', () => {
  beforeEach(() => store.writeTokens('default', tokens()));

  it.each([
    ['ValidationError', EXIT.usage],
    ['Unauthorized', EXIT.forbidden],
    ['NotEligible', EXIT.forbidden],
    ['NoApprover', EXIT.forbidden],
    ['NotFound', EXIT.notFound],
    ['Conflict', EXIT.conflict],
    ['IllegalTransition', EXIT.conflict],
    ['InternalError', EXIT.other],
    ['SomethingNew', EXIT.other],
  ])('%s exits with %i and the server message', async (errorType, code) => {
    scripted.state.graphql = () =>
      Response.json({ data: null, errors: [{ errorType, message: `The server says ${errorType}.` }] });
    const result = await user.run('approve', 'req-1', '--comment', 'ok', '--json');
    expect(result.code).toBe(code);
    expect(result.stderr).toBe(`team: The server says ${errorType}.\n`);
    expect(result.json()).toEqual({
      error: { type: errorType, message: `The server says ${errorType}.`, exitCode: code },
    });
  });

  it('refuses machine credentials the token endpoint refuses with exit 3', async () => {
    scripted.state.token = () => Response.json({ error: 'invalid_client' }, { status: 400 });
    const result = await user.run('policies', 'export', '--client-id', 'ci', '--client-secret', 'wrong');
    expect(result.code).toBe(EXIT.forbidden);
    expect(result.stderr).toContain('The token endpoint refused the client credentials (invalid_client)');
    const call = scripted.calls[0];
    expect(call?.headers.get('authorization')).toBe(`Basic ${Buffer.from('ci:wrong').toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(call?.body))).toEqual({
      grant_type: 'client_credentials',
      scope: 'team/policies.read',
    });
    const half = await user.run('policies', 'export', '--client-id', 'ci');
    expect(half.code).toBe(EXIT.usage);
  });
});

describe('--wait', () => {
  beforeEach(() => store.writeTokens('default', tokens({ expiresAt: NOW + 365 * 86_400_000 })));

  /** The API answers getRequest with these statuses in turn (the last one forever). */
  function statuses(...sequence: [string, Record<string, unknown>?][]) {
    let polls = 0;
    scripted.state.graphql = () => {
      const [status, extra] = sequence[Math.min(polls, sequence.length - 1)] ?? ['PENDING'];
      polls += 1;
      return Response.json({ data: { getRequest: request(status, extra) } });
    };
  }

  it('polls with backoff until the request is in progress', async () => {
    const { waitForAccess } = await import('../../bin/cli/wait');
    const { Context } = await import('../../bin/cli/context');
    statuses(['PENDING'], ['APPROVED'], ['SCHEDULED'], ['IN_PROGRESS']);
    const sleeps: number[] = [];
    const ctx = new Context(
      {
        ...processLike(),
        fetch: scripted.fetcher,
        env: user.env,
        now: () => clock,
        sleep: async (ms) => {
          sleeps.push(ms);
          clock += ms;
        },
      },
      'default',
      false,
      user.dir,
    );
    const active = await waitForAccess(ctx, ctx.api(), request('PENDING') as never, 3_600_000);
    expect(active.status).toBe('IN_PROGRESS');
    expect(sleeps).toEqual([2000, 3000, 4500, 6750]);
  });

  it.each([
    ['REJECTED', EXIT.rejected, /Rejected by Carol: "no"/],
    ['EXPIRED', EXIT.ended, /Expired: nobody decided in time/],
    ['CANCELLED', EXIT.ended, /Cancelled/],
    ['ERROR', EXIT.failed, /Failed: AccessDenied from Identity Center/],
  ])('ends with exit code %s → %i', async (status, code, message) => {
    const { waitForAccess } = await import('../../bin/cli/wait');
    const { Context } = await import('../../bin/cli/context');
    statuses(
      ['PENDING'],
      [
        status,
        {
          decision: {
            by: { id: 'u2', email: 'carol@example.com', name: 'Carol' },
            at: '2025-03-04T12:01:00Z',
            comment: 'no',
          },
          errorReason: 'AccessDenied from Identity Center',
        },
      ],
    );
    const ctx = new Context(
      {
        ...processLike(),
        fetch: scripted.fetcher,
        env: user.env,
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
      },
      'default',
      false,
      user.dir,
    );
    await expect(waitForAccess(ctx, ctx.api(), request('PENDING') as never, 3_600_000)).rejects.toMatchObject(
      {
        exitCode: code,
        message: expect.stringMatching(message),
      },
    );
  });

  it('gives up with exit 6 when the time is up, and says the request stays', async () => {
    const { waitForAccess } = await import('../../bin/cli/wait');
    const { Context } = await import('../../bin/cli/context');
    statuses(['PENDING']);
    const ctx = new Context(
      {
        ...processLike(),
        fetch: scripted.fetcher,
        env: user.env,
        now: () => clock,
        sleep: async (ms) => void (clock += ms),
      },
      'default',
      false,
      user.dir,
    );
    await expect(waitForAccess(ctx, ctx.api(), request('PENDING') as never, 60_000)).rejects.toMatchObject({
      exitCode: EXIT.timedOut,
      message: expect.stringMatching(
        /Still pending after 1 minute; the request stays. Check later with `team show req-1`/,
      ),
    });
  });
});

function processLike() {
  return {
    stdout: { write: () => true },
    stderr: { write: () => true },
    openUrl: () => undefined,
    homeDir: '/nowhere',
    timeZone: 'UTC',
  };
}
