/**
 * Setting up and signing in: `team configure`, `team login`, `team logout`, `team whoami`.
 */
import { MeDocument } from '../../../graphql/generated/operations';
import {
  CLI_CALLBACK_PORT,
  cliRedirectUri,
  runtimeConfigSchema,
  type RuntimeConfig,
} from '../../../lambdas/contract/runtime-config';
import { stringOf, type CommandSpec } from '../args';
import { CliError, EXIT, profileFlag, usageError } from '../errors';
import { formatRelative, formatTime, listInWords } from '../format';
import { parsePort, parseTimeout } from '../inputs';
import { startLoopbackReceiver } from '../loopback';
import { authorizeUrl, exchangeCode, isLoopbackHost, OAuthError, revokeRefreshToken } from '../oauth';
import { newPkcePair } from '../pkce';
import { jwtClaims, tokenCacheOf } from '../session';
import type { Context } from '../context';

/** The web app URL as given, checked: https, or http on this machine (the local cloud). */
function appUrlOf(input: string): URL {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
    throw usageError(`--url takes the web app's URL, such as https://team.example.com (got "${input}").`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.host))) {
    throw usageError('--url must be an https URL (plain http only for the local cloud on this machine).');
  }
  url.pathname = url.pathname.replace(/\/config\.json$/, '').replace(/\/+$/, '');
  url.search = '';
  url.hash = '';
  return url;
}

async function fetchRuntimeConfig(ctx: Context, appUrl: URL): Promise<Record<string, unknown>> {
  const configUrl = `${appUrl.toString().replace(/\/+$/, '')}/config.json`;
  let response: Response;
  try {
    response = await ctx.io.fetch(configUrl, {
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CliError(EXIT.other, `Cannot reach ${configUrl}: ${(error as Error).message}`, 'NetworkError');
  }
  if (!response.ok) {
    throw new CliError(
      response.status === 404 ? EXIT.notFound : EXIT.other,
      `${configUrl} answered HTTP ${response.status}: is this the TEAM web app's URL?`,
      'ConfigError',
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new CliError(
      EXIT.other,
      `${configUrl} is not JSON: is this the TEAM web app's URL?`,
      'ConfigError',
    );
  }
  const parsed = runtimeConfigSchema.safeParse(body);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new CliError(
      EXIT.other,
      `${configUrl} is not a TEAM runtime config:\n${problems.join('\n')}`,
      'ConfigError',
    );
  }
  return body as Record<string, unknown>;
}

export const configure: CommandSpec = {
  name: 'configure',
  summary: "Point the command line at a TEAM deployment (reads the web app's /config.json).",
  options: {
    url: {
      type: 'string',
      value: 'URL',
      description: "The web app's URL. Without it, the profile's config is read again from its URL.",
    },
  },
  examples: [
    'team configure --url https://team.example.com',
    'team configure --url https://team-staging.example.com --profile staging',
  ],
  async run(ctx, values) {
    const previous = ctx.store.readProfile(ctx.profileName);
    const given = stringOf(values, 'url') ?? previous?.url;
    if (given === undefined) throw usageError("--url is required: the TEAM web app's URL.");
    const appUrl = appUrlOf(given);
    const raw = await fetchRuntimeConfig(ctx, appUrl);
    const config: RuntimeConfig = runtimeConfigSchema.parse(raw);
    const url = appUrl.toString().replace(/\/+$/, '');
    ctx.store.writeProfile(ctx.profileName, {
      url,
      runtimeConfig: raw,
      configuredAt: new Date(ctx.now()).toISOString(),
    });
    // Tokens of another user pool are of no use here.
    const samePool =
      previous?.config.userPoolId === config.userPoolId && previous.config.oauthDomain === config.oauthDomain;
    if (!samePool) ctx.store.deleteTokens(ctx.profileName);
    if (!config.cliClientId) {
      ctx.info(
        'Note: this deployment has no app client for the command line yet (no cliClientId in its config.json), ' +
          'so `team login` cannot sign in until the stack is updated. Machine-API commands work.',
      );
    }
    ctx.result(
      {
        profile: ctx.profileName,
        url,
        version: config.version,
        region: config.region,
        graphqlUrl: config.graphqlUrl,
        cliClientId: config.cliClientId ?? null,
        configDir: ctx.store.dir,
      },
      () =>
        `Configured profile ${ctx.profileName} for ${url} (TEAM ${config.version}, ${config.region}).\n` +
        `Next: team login${profileFlag(ctx.profileName)}`,
    );
  },
};

/** The port of a registered callback URL, when it is a loopback one. */
function portOf(uri: string | undefined): number | undefined {
  if (!uri) return undefined;
  try {
    const url = new URL(uri);
    return url.port ? Number(url.port) : undefined;
  } catch {
    return undefined;
  }
}

export const login: CommandSpec = {
  name: 'login',
  summary: 'Sign in through the browser (OAuth 2.0 code flow with PKCE, loopback redirect).',
  options: {
    'no-browser': { type: 'boolean', description: 'Do not open a browser; just print the sign-in URL.' },
    port: {
      type: 'string',
      value: 'PORT',
      description: `Loopback port for the redirect (default ${CLI_CALLBACK_PORT} or $TEAM_CLI_PORT). Cognito accepts only the registered one.`,
    },
    timeout: { type: 'string', value: 'TIME', description: 'How long to wait for the sign-in (default 5m).' },
  },
  examples: ['team login', 'team login --no-browser', 'team login --profile staging'],
  async run(ctx, values) {
    const portFlag = stringOf(values, 'port');
    const portInput = portFlag ?? ctx.io.env['TEAM_CLI_PORT'];
    const portGiven = portInput ? parsePort(portInput, portFlag ? '--port' : 'TEAM_CLI_PORT') : undefined;
    const timeoutMs = parseTimeout(stringOf(values, 'timeout') ?? '5m', '--timeout');
    const profile = ctx.profile();
    const { config } = profile;
    const clientId = config.cliClientId;
    if (!clientId) {
      throw new CliError(
        EXIT.other,
        `${profile.url} has no app client for the command line (no cliClientId in its config.json). ` +
          'Update the TEAM stack, then run `team configure` again.',
        'ConfigError',
      );
    }
    const registered = config.cliRedirectUri ?? cliRedirectUri();
    const registeredPort = portOf(registered) ?? CLI_CALLBACK_PORT;
    const port = portGiven ?? registeredPort;
    const redirectUri = port === registeredPort ? registered : cliRedirectUri(port);

    const pkce = newPkcePair();
    const receiver = await startLoopbackReceiver({ port, state: pkce.state, timeoutMs });
    let code: string;
    try {
      const url = authorizeUrl(config, {
        clientId,
        redirectUri,
        codeChallenge: pkce.challenge,
        state: pkce.state,
      });
      ctx.info(
        `Sign in to TEAM at ${profile.url} in your browser. If it does not open, open this URL:\n\n  ${url}\n`,
      );
      if (!values['no-browser']) ctx.io.openUrl(url);
      ctx.info(`Waiting for the browser to come back to ${redirectUri} …`);
      code = await receiver.code;
    } finally {
      await receiver.close();
    }

    let tokens;
    try {
      tokens = await exchangeCode(ctx.io.fetch, config, {
        clientId,
        code,
        redirectUri,
        codeVerifier: pkce.verifier,
      });
    } catch (error) {
      if (error instanceof OAuthError) {
        throw new CliError(
          EXIT.other,
          `The sign-in could not be completed: ${error.message}.`,
          'SignInFailed',
        );
      }
      throw error;
    }
    const cache = tokenCacheOf(tokens, { clientId, now: ctx.now() });
    ctx.store.writeTokens(ctx.profileName, cache);
    const claims = jwtClaims(cache.idToken);
    const email = typeof claims['email'] === 'string' ? claims['email'] : undefined;
    ctx.result(
      {
        profile: ctx.profileName,
        url: profile.url,
        email: email ?? null,
        expiresAt: new Date(cache.expiresAt).toISOString(),
        tokenFile: ctx.store.tokenFile(ctx.profileName),
      },
      () =>
        `Signed in${email ? ` as ${email}` : ''} to ${profile.url} (profile ${ctx.profileName}). ` +
        'The session renews itself while its refresh token is valid.',
    );
  },
};

export const logout: CommandSpec = {
  name: 'logout',
  summary: "Sign out: revoke the session's refresh token and forget the tokens.",
  options: {},
  async run(ctx) {
    const profile = ctx.profile();
    const tokens = ctx.store.readTokens(ctx.profileName);
    let revoked = false;
    if (tokens?.refreshToken) {
      try {
        revoked = await revokeRefreshToken(ctx.io.fetch, profile.config, {
          clientId: tokens.clientId,
          refreshToken: tokens.refreshToken,
        });
      } catch {
        // Forgetting the tokens is what matters; an unreachable server cannot use them either.
      }
    }
    const removed = ctx.store.deleteTokens(ctx.profileName);
    ctx.result({ profile: ctx.profileName, signedOut: removed, revoked }, () =>
      removed
        ? `Signed out of ${profile.url} (profile ${ctx.profileName})${revoked ? '' : '; the refresh token could not be revoked, it was forgotten'}.`
        : `Not signed in to ${profile.url} (profile ${ctx.profileName}).`,
    );
  },
};

export const whoami: CommandSpec = {
  name: 'whoami',
  summary: 'Who you are signed in as, and your session.',
  options: {},
  async run(ctx) {
    const api = ctx.api();
    const { me } = await api.run(MeDocument);
    const session = ctx.userSession();
    const tokens = session.tokens();
    const personas = me.personas.map((p) => p.toLowerCase());
    ctx.result(
      {
        profile: ctx.profileName,
        url: session.profile.url,
        user: me,
        session: {
          signedInAt: new Date(tokens.signedInAt).toISOString(),
          expiresAt: new Date(tokens.expiresAt).toISOString(),
          renewable: tokens.refreshToken !== undefined,
        },
      },
      () =>
        [
          `${me.displayName ?? me.userName} <${me.email || me.userName}>`,
          `  User name  ${me.userName}`,
          `  Roles      ${listInWords(personas, 'and')}`,
          `  TEAM       ${session.profile.url} (profile ${ctx.profileName})`,
          `  Session    signed in ${formatTime(new Date(tokens.signedInAt).toISOString(), ctx.timeZone)}; ` +
            `tokens renew ${formatRelative(new Date(tokens.expiresAt).toISOString(), ctx.now())}`,
        ].join('\n'),
    );
  },
};
