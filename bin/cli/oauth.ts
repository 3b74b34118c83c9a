/**
 * The OAuth 2.0 endpoints of the user pool's domain (Cognito's hosted UI, or the local sign-in
 * stand-in): the authorize URL of a sign-in, and the token endpoint's grants (authorization code,
 * refresh token, client credentials) and token revocation.
 */
import * as z from 'zod/mini';
import type { RuntimeConfig } from '../../lambdas/contract/runtime-config';
import { CliError, EXIT } from './errors';

/** What the command line asks for: the same scopes as the web app. */
export const CLI_SCOPES = ['openid', 'email', 'profile'] as const;

/** Whether a host (with or without port) is this machine. */
export function isLoopbackHost(host: string): boolean {
  let hostname: string;
  try {
    hostname = new URL(`http://${host}`).hostname;
  } catch {
    return false;
  }
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

/**
 * `https://<oauthDomain>`; plain http only for a loopback host (the local cloud's stand-in), as
 * nothing else may carry a sign-in unencrypted.
 */
export function oauthBaseUrl(oauthDomain: string): string {
  return `${isLoopbackHost(oauthDomain) ? 'http' : 'https'}://${oauthDomain}`;
}

export interface AuthorizeParams {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  state: string;
}

/**
 * The hosted UI's authorize URL for a sign-in with PKCE. `identity_provider` sends people
 * straight to IAM Identity Center, as the web app does.
 */
export function authorizeUrl(config: RuntimeConfig, params: AuthorizeParams): string {
  const url = new URL('/oauth2/authorize', oauthBaseUrl(config.oauthDomain));
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', params.clientId);
  url.searchParams.set('redirect_uri', params.redirectUri);
  url.searchParams.set('scope', CLI_SCOPES.join(' '));
  url.searchParams.set('state', params.state);
  url.searchParams.set('code_challenge', params.codeChallenge);
  url.searchParams.set('code_challenge_method', 'S256');
  if (config.identityProvider) url.searchParams.set('identity_provider', config.identityProvider);
  return url.toString();
}

/** An error answer of the token endpoint (`invalid_grant`, `invalid_client`, …). */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string | undefined,
  ) {
    super(description ? `${error}: ${description}` : error);
    this.name = 'OAuthError';
  }
}

const token = z.string().check(z.minLength(1));

const tokenResponseSchema = z.object({
  id_token: z.optional(token),
  access_token: token,
  refresh_token: z.optional(token),
  expires_in: z.number().check(z.positive()),
  token_type: z.optional(z.string()),
});

const errorResponseSchema = z.object({
  error: z.string(),
  error_description: z.optional(z.string()),
});

export interface TokenResponse {
  idToken: string | undefined;
  accessToken: string;
  refreshToken: string | undefined;
  /** Seconds. */
  expiresIn: number;
}

async function postForm(
  fetcher: typeof fetch,
  url: string,
  form: Record<string, string>,
  basicAuth?: { user: string; password: string },
): Promise<Response> {
  try {
    return await fetcher(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
        ...(basicAuth
          ? {
              // As Cognito documents it: Base64(client_id:client_secret), no form-encoding first.
              authorization: `Basic ${Buffer.from(`${basicAuth.user}:${basicAuth.password}`).toString('base64')}`,
            }
          : {}),
      },
      body: new URLSearchParams(form).toString(),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new CliError(
      EXIT.other,
      `Cannot reach ${new URL(url).origin}: ${(error as Error).message}`,
      'NetworkError',
    );
  }
}

async function tokenRequest(
  fetcher: typeof fetch,
  config: RuntimeConfig,
  form: Record<string, string>,
  basicAuth?: { user: string; password: string },
): Promise<TokenResponse> {
  const response = await postForm(
    fetcher,
    `${oauthBaseUrl(config.oauthDomain)}/oauth2/token`,
    form,
    basicAuth,
  );
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const failure = errorResponseSchema.safeParse(body);
    throw new OAuthError(
      response.status,
      failure.success ? failure.data.error : `HTTP ${response.status}`,
      failure.success ? failure.data.error_description : undefined,
    );
  }
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new CliError(
      EXIT.other,
      'The token endpoint answered with something that is not a token.',
      'OAuthError',
    );
  }
  return {
    idToken: parsed.data.id_token,
    accessToken: parsed.data.access_token,
    refreshToken: parsed.data.refresh_token,
    expiresIn: parsed.data.expires_in,
  };
}

/** Exchanges an authorization code (with its PKCE verifier) for tokens. */
export function exchangeCode(
  fetcher: typeof fetch,
  config: RuntimeConfig,
  input: { clientId: string; code: string; redirectUri: string; codeVerifier: string },
): Promise<TokenResponse> {
  return tokenRequest(fetcher, config, {
    grant_type: 'authorization_code',
    client_id: input.clientId,
    code: input.code,
    redirect_uri: input.redirectUri,
    code_verifier: input.codeVerifier,
  });
}

/** New ID and access tokens for a refresh token (Cognito keeps the refresh token). */
export function refreshTokens(
  fetcher: typeof fetch,
  config: RuntimeConfig,
  input: { clientId: string; refreshToken: string },
): Promise<TokenResponse> {
  return tokenRequest(fetcher, config, {
    grant_type: 'refresh_token',
    client_id: input.clientId,
    refresh_token: input.refreshToken,
  });
}

/** An access token for a machine client (client credentials, HTTP Basic). */
export function clientCredentialsToken(
  fetcher: typeof fetch,
  config: RuntimeConfig,
  input: { clientId: string; clientSecret: string; scopes: readonly string[] },
): Promise<TokenResponse> {
  return tokenRequest(
    fetcher,
    config,
    { grant_type: 'client_credentials', scope: input.scopes.join(' ') },
    { user: input.clientId, password: input.clientSecret },
  );
}

/** Revokes a refresh token (RFC 7009 at `/oauth2/revoke`); true when the server confirmed it. */
export async function revokeRefreshToken(
  fetcher: typeof fetch,
  config: RuntimeConfig,
  input: { clientId: string; refreshToken: string },
): Promise<boolean> {
  const response = await postForm(fetcher, `${oauthBaseUrl(config.oauthDomain)}/oauth2/revoke`, {
    token: input.refreshToken,
    client_id: input.clientId,
  });
  await response.arrayBuffer();
  return response.ok;
}
