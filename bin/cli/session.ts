/**
 * The signed-in session of a profile: its cached tokens, renewed with the refresh token when the
 * ID and access tokens are within a minute of expiring (or when the API refused them), and the
 * claims of the ID token for showing who is signed in.
 */
import { CliError, EXIT, notSignedIn, sessionExpired } from './errors';
import type { ConfigStore, Profile, TokenCache } from './config-store';
import { OAuthError, refreshTokens, type TokenResponse } from './oauth';

/** Tokens this close to expiry are renewed before use. */
export const REFRESH_MARGIN_MS = 60_000;

/** The tokens of a fresh sign-in or refresh, as the cache keeps them. */
export function tokenCacheOf(
  response: TokenResponse,
  input: { clientId: string; now: number; previous?: TokenCache },
): TokenCache {
  const idToken = response.idToken ?? input.previous?.idToken;
  if (!idToken) throw new CliError(EXIT.other, 'The sign-in returned no ID token.', 'OAuthError');
  const refreshToken = response.refreshToken ?? input.previous?.refreshToken;
  return {
    version: 1,
    clientId: input.clientId,
    idToken,
    accessToken: response.accessToken,
    ...(refreshToken ? { refreshToken } : {}),
    expiresAt: input.now + response.expiresIn * 1000,
    signedInAt: input.previous?.signedInAt ?? input.now,
  };
}

/** The claims of a JWT, unverified (for display only; the API verifies tokens). */
export function jwtClaims(token: string): Record<string, unknown> {
  const payload = token.split('.')[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

export class Session {
  constructor(
    private readonly store: ConfigStore,
    readonly profile: Profile,
    private readonly fetcher: typeof fetch,
    private readonly now: () => number,
  ) {}

  /** The cached tokens, or the error that says to sign in. */
  tokens(): TokenCache {
    const tokens = this.store.readTokens(this.profile.name);
    if (!tokens) throw notSignedIn(this.profile.name);
    return tokens;
  }

  /**
   * An access token for the API: the cached one while it has more than a minute left, else a
   * renewed one. `force` renews regardless (the API refused the cached one).
   */
  async accessToken(force = false): Promise<string> {
    const tokens = this.tokens();
    if (!force && tokens.expiresAt - this.now() > REFRESH_MARGIN_MS) return tokens.accessToken;
    return (await this.refresh(tokens)).accessToken;
  }

  /** Renews the ID and access tokens with the refresh token and caches them. */
  async refresh(tokens: TokenCache = this.tokens()): Promise<TokenCache> {
    if (!tokens.refreshToken) throw sessionExpired(this.profile.name);
    let response: TokenResponse;
    try {
      response = await refreshTokens(this.fetcher, this.profile.config, {
        clientId: tokens.clientId,
        refreshToken: tokens.refreshToken,
      });
    } catch (error) {
      // A refused refresh token (expired, revoked, from another pool) means signing in again.
      if (error instanceof OAuthError && error.status >= 400 && error.status < 500) {
        throw sessionExpired(this.profile.name);
      }
      throw error;
    }
    const renewed = tokenCacheOf(response, { clientId: tokens.clientId, now: this.now(), previous: tokens });
    this.store.writeTokens(this.profile.name, renewed);
    return renewed;
  }
}
