import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readBody, sizeInWords } from '../common/http-body';
import { errorPage, indexPage, pickerPage } from './pages';
import { TokenIssuer, type DemoIdentity, type PreTokenGenerationHook, type TokenSet } from './tokens';

/**
 * A confidential app client for automation: it gets access tokens with the client-credentials
 * grant (HTTP Basic `client_id:client_secret`), like TEAM's `machine` client in Cognito.
 */
export interface MachineClientOptions {
  clientId: string;
  clientSecret: string;
  /** The app client's name. */
  name: string;
  /** Scopes it may be granted (all of them when a token request names none). */
  scopes: readonly string[];
}

/**
 * A native app's public client (the `team` command line): authorization code + PKCE through a
 * loopback redirect, no secret. Its tokens are the pool's like the web client's.
 */
export interface LoopbackClientOptions {
  clientId: string;
  /** Callback URLs registered on it (exact match, like Cognito). */
  redirectUris: readonly string[];
  /**
   * Also accept `http://localhost:<any port>/callback` and `http://127.0.0.1:<any port>/callback`,
   * so that tests and a busy port can move the CLI elsewhere. Local only: Cognito matches the
   * registered URL exactly.
   */
  anyLoopbackPort?: boolean;
}

/** Options of `startAuth`. */
export interface AuthOptions {
  users: DemoIdentity[];
  /** The app client people sign in with (public, no secret), like TEAM's web client. */
  clientId: string;
  /** The command line's public client (loopback redirect); default none. */
  cliClient?: LoopbackClientOptions;
  /** Confidential clients for the client-credentials grant; default none. */
  machineClients?: readonly MachineClientOptions[];
  /** Allowed callback URLs (exact match). */
  redirectUris: string[];
  /** Allowed sign-out URLs; default the callback URLs. */
  logoutUris?: string[];
  /** Runs before every issuance, shaped like Cognito's V2_0 trigger. Default: no changes. */
  preTokenGeneration?: PreTokenGenerationHook;
  /** TCP port on 127.0.0.1; 0 (default) picks a free one. */
  port?: number;
  region?: string;
  userPoolId?: string;
  /** SAML identity provider name; Cognito user names become `<name>_<IdC user name>`. */
  providerName?: string;
  /** Scopes the client may ask for. */
  allowedScopes?: string[];
  /** ID/access token lifetime, default 3600 s. */
  tokenValiditySeconds?: number;
  /** Refresh token lifetime, default 1 day (TEAM's client setting). */
  refreshTokenValiditySeconds?: number;
  /** Clock in epoch ms, for tests; default Date.now. */
  now?: () => number;
}

/** A running sign-in stand-in. */
export interface RunningAuth {
  /** `http://127.0.0.1:<port>`; amplify's `oauth.domain` is its host (`new URL(url).host`). */
  url: string;
  /** `iss` of every token: `<url>/<userPoolId>`, like Cognito's issuer URL. */
  issuer: string;
  jwksUrl: string;
  port: number;
  userPoolId: string;
  clientId: string;
  /** The command line's public client, when there is one. */
  cliClientId: string | undefined;
  /** Verifies an ID or access token issued here (to a person or a machine client), returns its claims. */
  verifyToken(jwt: string): Promise<Record<string, unknown>>;
  /** `<url>/oauth2/token`: where machine clients get their tokens. */
  tokenEndpoint: string;
  /**
   * Adds a callback URL that is also a sign-out URL, for apps whose port is known only after
   * the stand-in started (everything listens on port 0 by default).
   */
  registerRedirectUri(uri: string): void;
  /**
   * Signs `userName` in without the browser (runs the trigger like a hosted sign-in), for the web
   * client or another public client.
   */
  tokensFor(userName: string, options?: { scopes?: string[]; clientId?: string }): Promise<TokenSet>;
  stop(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string | undefined;
  user: DemoIdentity;
  idToken: string;
  accessToken: string;
  expiresIn: number;
  /** Scopes the client asked for (what a refresh starts from again). */
  requestedScopes: string[];
  authTime: number;
  expiresAt: number;
}

const DEFAULT_SCOPES = ['openid', 'email', 'phone', 'profile', 'aws.cognito.signin.user.admin'];
const CODE_LIFETIME_MS = 5 * 60 * 1000;
/** The largest form body accepted by `/login` and `/oauth2/token`. */
export const MAX_BODY_BYTES = 64 * 1024;

/** A form body, or why it cannot be read: too large (413) or not a form (400). */
type FormRead =
  | { ok: true; form: URLSearchParams }
  | { ok: false; status: 400 | 413; description: string; headers: Record<string, string> };

/**
 * Reads an `application/x-www-form-urlencoded` body, the only kind Cognito's endpoints take. A
 * body without a content type is read as a form too (curl's habit).
 */
async function readForm(req: IncomingMessage): Promise<FormRead> {
  const read = await readBody(req, MAX_BODY_BYTES);
  if (!read.ok) {
    return {
      ok: false,
      status: 413,
      description: `The request body is larger than ${sizeInWords(MAX_BODY_BYTES)}.`,
      headers: read.keepAlive ? {} : { connection: 'close' },
    };
  }
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== '' && type !== 'application/x-www-form-urlencoded') {
    return {
      ok: false,
      status: 400,
      description: 'The body must be application/x-www-form-urlencoded.',
      headers: {},
    };
  }
  return { ok: true, form: new URLSearchParams(read.text) };
}

function corsHeaders(req: IncomingMessage): Record<string, string> {
  return {
    'access-control-allow-origin': req.headers.origin ?? '*',
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers':
      req.headers['access-control-request-headers'] ?? 'authorization, content-type',
    'access-control-max-age': '86400',
    vary: 'Origin',
  };
}

function sendJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  extra: Record<string, string> = {},
) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    ...corsHeaders(req),
    'content-type': 'application/json;charset=UTF-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    pragma: 'no-cache',
    ...extra,
  });
  res.end(payload);
}

function sendHtml(res: ServerResponse, status: number, html: string, extra: Record<string, string> = {}) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...extra,
  });
  res.end(html);
}

function redirect(res: ServerResponse, location: string) {
  res.writeHead(302, { location, 'cache-control': 'no-store' });
  res.end();
}

function withParams(base: string, params: Record<string, string | undefined>): string {
  const url = new URL(base);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) url.searchParams.set(k, v);
  return url.toString();
}

function pkceS256(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url');
}

/** Compares secrets in time that does not depend on where they differ. */
function sameSecret(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/**
 * The client credentials of a token request: HTTP Basic (`client_secret_basic`, what Cognito
 * documents for confidential clients) or `client_id` and `client_secret` in the form.
 */
function clientCredentialsOf(
  req: IncomingMessage,
  form: URLSearchParams,
): { clientId: string; clientSecret: string } | undefined {
  const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { clientId: decoded.slice(0, colon), clientSecret: decoded.slice(colon + 1) };
  }
  const clientId = form.get('client_id');
  const clientSecret = form.get('client_secret');
  return clientId !== null && clientSecret !== null ? { clientId, clientSecret } : undefined;
}

/** The OAuth parameters of an authorize request, once checked. */
interface AuthorizeRequest {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  scopes: string[];
  codeChallenge: string | undefined;
  nonce: string | undefined;
}

type AuthorizeCheck =
  | { ok: true; request: AuthorizeRequest }
  | { ok: false; page: { title: string; message: string } }
  | { ok: false; redirectTo: string };

/**
 * Starts the local stand-in for the Cognito hosted UI (federated to IAM Identity Center): the
 * OAuth 2.0 endpoints aws-amplify v6 uses, and a page to pick a demo identity instead of the
 * SAML round trip.
 */
export async function startAuth(options: AuthOptions): Promise<RunningAuth> {
  const now = options.now ?? Date.now;
  const region = options.region ?? 'us-east-1';
  const userPoolId = options.userPoolId ?? `${region}_TEAMLocal`;
  const allowedScopes = options.allowedScopes ?? DEFAULT_SCOPES;
  const redirectUris = [...options.redirectUris];
  const logoutUris = [...(options.logoutUris ?? options.redirectUris)];
  const users = new Map(options.users.map((u) => [u.userName, u]));
  const machines = new Map((options.machineClients ?? []).map((c) => [c.clientId, c]));
  if (machines.has(options.clientId)) throw new Error('A machine client cannot be the web client.');
  const cli = options.cliClient;
  if (cli && (cli.clientId === options.clientId || machines.has(cli.clientId))) {
    throw new Error('The CLI client needs an id of its own.');
  }
  /** The loopback callbacks the CLI client may use on any port (local only). */
  const LOOPBACK_CALLBACK = /^http:\/\/(?:localhost|127\.0\.0\.1):(\d{1,5})\/callback$/;
  const isPublicClient = (clientId: string | undefined | null): clientId is string =>
    clientId === options.clientId || (cli !== undefined && clientId === cli.clientId);
  /** The callbacks registered on a public client, as an error page lists them. */
  const callbacksOf = (clientId: string): string[] =>
    clientId === options.clientId
      ? redirectUris
      : [
          ...(cli?.redirectUris ?? []),
          ...(cli?.anyLoopbackPort
            ? ['http://localhost:<port>/callback', 'http://127.0.0.1:<port>/callback']
            : []),
        ];
  const redirectAllowed = (clientId: string, uri: string): boolean => {
    if (clientId === options.clientId) return redirectUris.includes(uri);
    if (!cli) return false;
    if (cli.redirectUris.includes(uri)) return true;
    const port = Number(LOOPBACK_CALLBACK.exec(uri)?.[1] ?? 0);
    return cli.anyLoopbackPort === true && port > 0 && port < 65536;
  };
  const codes = new Map<string, PendingCode>();

  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  const issuer = `${url}/${userPoolId}`;

  const issuerOf = await TokenIssuer.create({
    issuer,
    clientId: options.clientId,
    publicClientIds: cli ? [cli.clientId] : [],
    machineClientIds: [...machines.keys()],
    userPoolId,
    region,
    providerName: options.providerName ?? 'IdentityCenter',
    tokenValiditySeconds: options.tokenValiditySeconds ?? 3600,
    refreshTokenValiditySeconds: options.refreshTokenValiditySeconds ?? 86_400,
    preTokenGeneration: options.preTokenGeneration,
    now,
  });

  const discovery = () => ({
    issuer,
    authorization_endpoint: `${url}/oauth2/authorize`,
    token_endpoint: `${url}/oauth2/token`,
    revocation_endpoint: `${url}/oauth2/revoke`,
    userinfo_endpoint: `${url}/oauth2/userInfo`,
    end_session_endpoint: `${url}/logout`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    response_types_supported: ['code'],
    grant_types_supported: [
      'authorization_code',
      'refresh_token',
      ...(machines.size > 0 ? ['client_credentials'] : []),
    ],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: allowedScopes,
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post'],
    claims_supported: ['sub', 'email', 'email_verified', 'cognito:username', 'cognito:groups', 'identities'],
  });

  const checkAuthorize = (params: URLSearchParams): AuthorizeCheck => {
    const clientId = params.get('client_id') ?? '';
    if (!isPublicClient(clientId)) {
      return {
        ok: false,
        page: { title: 'Unknown app', message: `No app client with id "${clientId}" is registered.` },
      };
    }
    const redirectUri = params.get('redirect_uri') ?? '';
    if (!redirectAllowed(clientId, redirectUri)) {
      return {
        ok: false,
        page: {
          title: 'Redirect not allowed',
          message: `redirect_mismatch: "${redirectUri}" is not a callback URL of this app client. Allowed: ${callbacksOf(clientId).join(', ')}.`,
        },
      };
    }
    const state = params.get('state') ?? undefined;
    const fail = (error: string, description: string): AuthorizeCheck => ({
      ok: false,
      redirectTo: withParams(redirectUri, { error, error_description: description, state }),
    });
    if (params.get('response_type') !== 'code') {
      return fail(
        'unsupported_response_type',
        'Only the authorization code flow is enabled for this client.',
      );
    }
    const scopes = (params.get('scope') ?? 'openid').split(/[\s+]+/).filter(Boolean);
    const unknown = scopes.filter((s) => !allowedScopes.includes(s));
    if (unknown.length > 0) return fail('invalid_scope', `Scopes not allowed: ${unknown.join(' ')}.`);
    const codeChallenge = params.get('code_challenge') ?? undefined;
    const method = params.get('code_challenge_method');
    if (codeChallenge !== undefined && method !== 'S256') {
      return fail('invalid_request', 'code_challenge_method must be S256.');
    }
    return {
      ok: true,
      request: {
        clientId,
        redirectUri,
        state,
        scopes,
        codeChallenge,
        nonce: params.get('nonce') ?? undefined,
      },
    };
  };

  const answerCheck = (res: ServerResponse, check: Exclude<AuthorizeCheck, { ok: true }>) => {
    if ('page' in check) sendHtml(res, 400, errorPage(check.page.title, check.page.message));
    else redirect(res, check.redirectTo);
  };

  const authorizeParams = (request: AuthorizeRequest): Record<string, string> => ({
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: request.scopes.join(' '),
    ...(request.state !== undefined ? { state: request.state } : {}),
    ...(request.codeChallenge !== undefined
      ? { code_challenge: request.codeChallenge, code_challenge_method: 'S256' }
      : {}),
    ...(request.nonce !== undefined ? { nonce: request.nonce } : {}),
  });

  const onAuthorize = (res: ServerResponse, params: URLSearchParams) => {
    const check = checkAuthorize(params);
    if (!check.ok) return answerCheck(res, check);
    sendHtml(res, 200, pickerPage(options.users, authorizeParams(check.request)));
  };

  const onLogin = async (req: IncomingMessage, res: ServerResponse) => {
    const read = await readForm(req);
    if (!read.ok) {
      sendHtml(res, read.status, errorPage('Bad request', read.description), read.headers);
      return;
    }
    const { form } = read;
    const check = checkAuthorize(form);
    if (!check.ok) return answerCheck(res, check);
    const user = users.get(form.get('user') ?? '');
    if (!user) {
      sendHtml(res, 400, errorPage('Unknown identity', 'Pick one of the listed identities.'));
      return;
    }
    const { request } = check;
    let issued;
    try {
      issued = await issuerOf.issue(user, {
        trigger: 'TokenGeneration_HostedAuth',
        scopes: request.scopes,
        nonce: request.nonce,
        clientId: request.clientId,
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      sendHtml(res, 500, errorPage('Sign-in failed', `PreTokenGeneration failed with error ${message}`));
      return;
    }
    const code = randomBytes(24).toString('base64url');
    codes.set(code, {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      user,
      idToken: issued.idToken,
      accessToken: issued.accessToken,
      expiresIn: issued.expiresIn,
      requestedScopes: request.scopes,
      authTime: issued.authTime,
      expiresAt: now() + CODE_LIFETIME_MS,
    });
    redirect(res, withParams(request.redirectUri, { code, state: request.state }));
  };

  const clientIdOf = (req: IncomingMessage, form: URLSearchParams): string | undefined => {
    const basic = /^Basic\s+(.+)$/i.exec(req.headers.authorization ?? '');
    if (basic?.[1]) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0];
    return form.get('client_id') ?? undefined;
  };

  /**
   * The client-credentials grant, answered like Cognito: `invalid_client` unless a machine client
   * authenticates with its secret (`unauthorized_client` for the web client, which has none),
   * `invalid_scope` for a scope the client was not given, and every scope the client has when
   * the request names none.
   */
  const onClientCredentials = async (
    req: IncomingMessage,
    res: ServerResponse,
    form: URLSearchParams,
    tokenError: (status: number, error: string, description?: string) => void,
  ) => {
    const credentials = clientCredentialsOf(req, form);
    if (!credentials) {
      return isPublicClient(clientIdOf(req, form))
        ? tokenError(400, 'unauthorized_client')
        : tokenError(400, 'invalid_client');
    }
    const client = machines.get(credentials.clientId);
    if (!client || !sameSecret(client.clientSecret, credentials.clientSecret)) {
      return isPublicClient(credentials.clientId)
        ? tokenError(400, 'unauthorized_client')
        : tokenError(400, 'invalid_client');
    }
    const requested = (form.get('scope') ?? '').split(/\s+/).filter(Boolean);
    if (requested.some((scope) => !client.scopes.includes(scope))) return tokenError(400, 'invalid_scope');
    const scopes = requested.length > 0 ? [...new Set(requested)] : [...client.scopes];
    const issued = await issuerOf.issueClientCredentials(client.clientId, scopes);
    return sendJson(req, res, 200, {
      access_token: issued.accessToken,
      expires_in: issued.expiresIn,
      token_type: 'Bearer',
    });
  };

  /** An OAuth error answer (`error`, optional `error_description`) on this request. */
  const oauthError =
    (req: IncomingMessage, res: ServerResponse) =>
    (status: number, error: string, description?: string, headers: Record<string, string> = {}) =>
      sendJson(
        req,
        res,
        status,
        description ? { error, error_description: description } : { error },
        headers,
      );

  const onToken = async (req: IncomingMessage, res: ServerResponse) => {
    const read = await readForm(req);
    const tokenError = oauthError(req, res);
    if (!read.ok) return tokenError(read.status, 'invalid_request', read.description, read.headers);
    const { form } = read;
    const grantType = form.get('grant_type');
    if (grantType === 'client_credentials') return onClientCredentials(req, res, form, tokenError);
    const clientId = clientIdOf(req, form);
    // A machine client gets tokens for itself only, never on behalf of a person.
    if (clientId !== undefined && machines.has(clientId)) return tokenError(400, 'unauthorized_client');
    if (!isPublicClient(clientId)) return tokenError(400, 'invalid_client');

    if (grantType === 'authorization_code') {
      const code = form.get('code') ?? '';
      const pending = codes.get(code);
      codes.delete(code); // single use, even when the exchange fails
      if (!pending || pending.expiresAt <= now() || pending.clientId !== clientId) {
        return tokenError(400, 'invalid_grant');
      }
      if (form.get('redirect_uri') !== pending.redirectUri) return tokenError(400, 'invalid_grant');
      if (pending.codeChallenge !== undefined) {
        const verifier = form.get('code_verifier');
        if (!verifier || pkceS256(verifier) !== pending.codeChallenge)
          return tokenError(400, 'invalid_grant');
      }
      const refreshToken = issuerOf.newRefreshToken(
        pending.user,
        pending.requestedScopes,
        pending.authTime,
        pending.clientId,
      );
      return sendJson(req, res, 200, {
        id_token: pending.idToken,
        access_token: pending.accessToken,
        refresh_token: refreshToken,
        expires_in: pending.expiresIn,
        token_type: 'Bearer',
      });
    }

    if (grantType === 'refresh_token') {
      const grant = issuerOf.refreshGrant(form.get('refresh_token') ?? '');
      // A refresh token works only for the client it was issued to.
      if (!grant || grant.clientId !== clientId) return tokenError(400, 'invalid_grant');
      try {
        const issued = await issuerOf.issue(grant.user, {
          trigger: 'TokenGeneration_RefreshTokens',
          scopes: grant.scopes,
          authTime: grant.authTime,
          clientId: grant.clientId,
        });
        // Cognito returns no new refresh token unless rotation is on (it is off for TEAM).
        return sendJson(req, res, 200, {
          id_token: issued.idToken,
          access_token: issued.accessToken,
          expires_in: issued.expiresIn,
          token_type: 'Bearer',
        });
      } catch (error) {
        return tokenError(400, 'invalid_request', error instanceof Error ? error.message : String(error));
      }
    }
    return tokenError(400, 'unsupported_grant_type');
  };

  /**
   * Cognito's revocation endpoint (RFC 7009) for public clients: `token` (a refresh token) and
   * `client_id` in the form. An unknown token is answered 200 like a revoked one; a token of
   * another client is refused and stays valid.
   */
  const onRevoke = async (req: IncomingMessage, res: ServerResponse) => {
    const read = await readForm(req);
    const fail = oauthError(req, res);
    if (!read.ok) return fail(read.status, 'invalid_request', read.description, read.headers);
    const { form } = read;
    const clientId = clientIdOf(req, form);
    if (!isPublicClient(clientId)) return fail(400, 'invalid_client');
    const token = form.get('token') ?? '';
    if (token === '') return fail(400, 'invalid_request', 'token is required.');
    const grant = issuerOf.refreshGrant(token);
    if (grant && grant.clientId !== clientId) return fail(400, 'unauthorized_client');
    issuerOf.revokeRefreshToken(token, clientId);
    res.writeHead(200, { ...corsHeaders(req), 'content-length': 0, 'cache-control': 'no-store' });
    res.end();
  };

  const onUserInfo = async (req: IncomingMessage, res: ServerResponse) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const invalid = (description: string) =>
      sendJson(
        req,
        res,
        401,
        { error: 'invalid_token', error_description: description },
        {
          'www-authenticate': `Bearer error="invalid_token", error_description="${description}"`,
        },
      );
    if (!bearer) return invalid('Access token is missing');
    let claims: Record<string, unknown>;
    try {
      claims = await issuerOf.verify(bearer, 'access');
    } catch (error) {
      return invalid(error instanceof Error ? error.message : 'Invalid token');
    }
    const user = [...users.values()].find((u) => issuerOf.cognitoUserName(u) === claims['username']);
    if (!user) return invalid('User does not exist');
    const attributes = issuerOf.userAttributes(user, Number(claims['auth_time']));
    sendJson(req, res, 200, {
      sub: attributes['sub'],
      identities: attributes['identities'],
      email_verified: attributes['email_verified'],
      email: attributes['email'],
      username: claims['username'],
    });
  };

  /**
   * The user pool's JSON API (`userPoolEndpoint` in the SPA's config), the part aws-amplify calls
   * on its own: `RevokeToken` on sign-out and `InitiateAuth` with `REFRESH_TOKEN_AUTH` to renew
   * tokens. Anything else is an error, as for an operation Cognito does not know.
   */
  const onUserPoolApi = async (req: IncomingMessage, res: ServerResponse) => {
    const fail = (status: number, type: string, message: string) =>
      sendJson(req, res, status, { __type: type, message }, { 'content-type': 'application/x-amz-json-1.1' });
    const target = String(req.headers['x-amz-target'] ?? '');
    const read = await readBody(req, MAX_BODY_BYTES);
    if (!read.ok) return fail(413, 'InvalidParameterException', 'The request body is too large.');
    let input: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(read.text || '{}');
      if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
      input = parsed as Record<string, unknown>;
    } catch {
      return fail(400, 'SerializationException', 'The body must be a JSON object.');
    }
    const apiClientId = input['ClientId'];
    if (typeof apiClientId !== 'string' || !isPublicClient(apiClientId)) {
      return fail(400, 'ResourceNotFoundException', 'The request names no registered app client.');
    }
    switch (target) {
      case 'AWSCognitoIdentityProviderService.RevokeToken': {
        const token = typeof input['Token'] === 'string' ? input['Token'] : '';
        if (!issuerOf.revokeRefreshToken(token, apiClientId)) {
          return fail(400, 'UnsupportedTokenTypeException', 'The token is not a refresh token of this pool.');
        }
        return sendJson(req, res, 200, {}, { 'content-type': 'application/x-amz-json-1.1' });
      }
      case 'AWSCognitoIdentityProviderService.InitiateAuth': {
        const parameters = (input['AuthParameters'] ?? {}) as Record<string, unknown>;
        const token = parameters['REFRESH_TOKEN'];
        if (input['AuthFlow'] !== 'REFRESH_TOKEN_AUTH' && input['AuthFlow'] !== 'REFRESH_TOKEN') {
          return fail(400, 'InvalidParameterException', 'Only REFRESH_TOKEN_AUTH is served locally.');
        }
        const grant = typeof token === 'string' ? issuerOf.refreshGrant(token) : undefined;
        if (!grant || grant.clientId !== apiClientId) {
          return fail(400, 'NotAuthorizedException', 'Invalid Refresh Token');
        }
        const issued = await issuerOf.issue(grant.user, {
          trigger: 'TokenGeneration_RefreshTokens',
          scopes: grant.scopes,
          authTime: grant.authTime,
          clientId: grant.clientId,
        });
        return sendJson(
          req,
          res,
          200,
          {
            ChallengeParameters: {},
            AuthenticationResult: {
              AccessToken: issued.accessToken,
              IdToken: issued.idToken,
              ExpiresIn: issued.expiresIn,
              TokenType: 'Bearer',
            },
          },
          { 'content-type': 'application/x-amz-json-1.1' },
        );
      }
      default:
        return fail(400, 'UnknownOperationException', `${target || 'No operation'} is not served locally.`);
    }
  };

  const onLogout = (res: ServerResponse, params: URLSearchParams) => {
    if (params.get('client_id') !== options.clientId) {
      sendHtml(res, 400, errorPage('Unknown app', 'The logout request names no registered app client.'));
      return;
    }
    const logoutUri = params.get('logout_uri');
    if (logoutUri !== null) {
      if (!logoutUris.includes(logoutUri)) {
        sendHtml(
          res,
          400,
          errorPage(
            'Sign-out redirect not allowed',
            `"${logoutUri}" is not a sign-out URL of this app client.`,
          ),
        );
        return;
      }
      redirect(res, logoutUri);
      return;
    }
    if (params.get('redirect_uri') !== null) {
      // Cognito's "sign out and sign in again" form: back to the identity picker.
      redirect(res, `${url}/oauth2/authorize?${params.toString()}`);
      return;
    }
    sendHtml(
      res,
      400,
      errorPage('Missing parameter', 'logout needs logout_uri (or redirect_uri and response_type).'),
    );
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const requestUrl = new URL(req.url ?? '/', url);
    let path = requestUrl.pathname;
    if (path.startsWith(`/${userPoolId}/`)) path = path.slice(userPoolId.length + 1);
    if (req.method === 'OPTIONS') {
      res.writeHead(204, corsHeaders(req));
      res.end();
      return;
    }
    const route = `${req.method ?? 'GET'} ${path}`;
    switch (route) {
      case 'GET /':
        return sendHtml(res, 200, indexPage(issuer));
      case 'POST /':
        return onUserPoolApi(req, res);
      case 'GET /oauth2/authorize':
      case 'GET /authorize':
      case 'GET /login':
        return onAuthorize(res, requestUrl.searchParams);
      case 'POST /login':
        return onLogin(req, res);
      case 'POST /oauth2/token':
        return onToken(req, res);
      case 'POST /oauth2/revoke':
        return onRevoke(req, res);
      case 'GET /oauth2/userInfo':
      case 'POST /oauth2/userInfo':
        return onUserInfo(req, res);
      case 'GET /logout':
        return onLogout(res, requestUrl.searchParams);
      case 'GET /.well-known/jwks.json':
        return sendJson(req, res, 200, issuerOf.jwks());
      case 'GET /.well-known/openid-configuration':
        return sendJson(req, res, 200, discovery());
      default:
        sendHtml(res, 404, errorPage('Not found', `${path} is not an endpoint of the sign-in stand-in.`));
    }
  };

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      // The OAuth endpoints answer programs, in JSON; the pages answer people.
      if (/^\/(?:[^/]+\/)?oauth2\//.test(new URL(req.url ?? '/', url).pathname)) {
        sendJson(req, res, 500, { error: 'server_error', error_description: message });
      } else {
        sendHtml(res, 500, errorPage('Internal error', message));
      }
    });
  });

  return {
    url,
    issuer,
    jwksUrl: `${issuer}/.well-known/jwks.json`,
    port,
    userPoolId,
    clientId: options.clientId,
    cliClientId: cli?.clientId,
    verifyToken: (jwt) => issuerOf.verify(jwt),
    tokenEndpoint: `${url}/oauth2/token`,
    registerRedirectUri(uri) {
      if (!URL.canParse(uri)) throw new Error(`Not a URL: ${uri}`);
      if (!redirectUris.includes(uri)) redirectUris.push(uri);
      if (!logoutUris.includes(uri)) logoutUris.push(uri);
    },
    async tokensFor(userName, opts = {}) {
      const user = users.get(userName);
      if (!user) throw new Error(`No demo identity named ${userName}`);
      const scopes = opts.scopes ?? allowedScopes;
      const clientId = opts.clientId ?? options.clientId;
      const issued = await issuerOf.issue(user, { trigger: 'TokenGeneration_HostedAuth', scopes, clientId });
      return {
        idToken: issued.idToken,
        accessToken: issued.accessToken,
        refreshToken: issuerOf.newRefreshToken(user, scopes, issued.authTime, clientId),
        expiresIn: issued.expiresIn,
      };
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
