import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ClaimsAndScopeOverrideDetails, PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  errors as joseErrors,
  type JWK,
} from 'jose';
import { z } from 'zod';

type SigningKey = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

/** A person who can sign in locally (an IAM Identity Center user behind the SAML app). */
export interface DemoIdentity {
  /** IdC user name; the Cognito user becomes `<provider>_<userName>` like a SAML user. */
  userName: string;
  email: string;
  /** Shown on the sign-in page. */
  displayName?: string;
  /** IdC group names, shown on the sign-in page (the token's groups come from the trigger). */
  groups?: string[];
  /** Cognito user-pool groups the user is in before the trigger runs; default none. */
  cognitoGroups?: string[];
  /** Cognito `sub`; default a stable UUID derived from `userName`. */
  sub?: string;
}

/** Cognito's Pre Token Generation trigger, V2_0 event; may mutate the event or return one. */
export type PreTokenGenerationHook = (
  event: PreTokenGenerationV2TriggerEvent,
) => PreTokenGenerationV2TriggerEvent | void | Promise<PreTokenGenerationV2TriggerEvent | void>;

/** Why a token was refused. */
export class TokenVerificationError extends Error {
  constructor(
    readonly reason: 'expired' | 'invalid',
    message: string,
  ) {
    super(message);
    this.name = 'TokenVerificationError';
  }
}

/** The three tokens of a sign-in. */
export interface TokenSet {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  /** Seconds until the ID and access tokens expire. */
  expiresIn: number;
}

export interface IssuerOptions {
  issuer: string;
  clientId: string;
  /**
   * Other public clients people sign in with (the `team` command line): `issue` takes their id,
   * `verify` accepts their ID and access tokens.
   */
  publicClientIds?: readonly string[];
  /** Confidential clients whose client-credentials access tokens `verify` accepts too. */
  machineClientIds?: readonly string[];
  userPoolId: string;
  region: string;
  /** SAML provider name, the prefix of federated user names. */
  providerName: string;
  tokenValiditySeconds: number;
  refreshTokenValiditySeconds: number;
  preTokenGeneration?: PreTokenGenerationHook;
  now: () => number;
}

/** What an issuance remembers to serve refresh_token grants. */
interface RefreshGrant {
  /** The app client the sign-in was for: only it may use the refresh token. */
  clientId: string;
  user: DemoIdentity;
  scopes: string[];
  authTime: number;
  expiresAt: number;
}

const claimValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown()),
]);
const tokenGeneration = z
  .object({
    claimsToAddOrOverride: z.record(z.string(), claimValue).nullish(),
    claimsToSuppress: z.array(z.string()).nullish(),
    scopesToAdd: z.array(z.string()).nullish(),
    scopesToSuppress: z.array(z.string()).nullish(),
  })
  .nullish();
const overrideDetails = z
  .object({
    idTokenGeneration: tokenGeneration,
    accessTokenGeneration: tokenGeneration,
    groupOverrideDetails: z
      .object({
        groupsToOverride: z.array(z.string()).nullish(),
        iamRolesToOverride: z.array(z.string()).nullish(),
        preferredRole: z.string().nullish(),
      })
      .nullish(),
  })
  .nullish();

// Claims Cognito will not let the trigger add, override or suppress (groups and roles change
// only through groupOverrideDetails, scopes only through scopesToAdd/Suppress). Cognito
// ignores such entries; so do we.
const protectedCommon = [
  'acr',
  'amr',
  'aud',
  'at_hash',
  'auth_time',
  'azp',
  'c_hash',
  'exp',
  'iat',
  'identities',
  'iss',
  'jti',
  'nbf',
  'nonce',
  'origin_jti',
  'sub',
  'token_use',
  'cognito:groups',
  'cognito:roles',
  'cognito:preferred_role',
];
const protectedId = new Set([...protectedCommon, 'cognito:username']);
const protectedAccess = new Set([
  ...protectedCommon,
  'client_id',
  'scope',
  'username',
  'version',
  'event_id',
]);

function applyClaims(
  claims: Record<string, unknown>,
  protectedClaims: Set<string>,
  generation: z.infer<typeof tokenGeneration>,
): void {
  for (const [name, value] of Object.entries(generation?.claimsToAddOrOverride ?? {})) {
    if (!protectedClaims.has(name)) claims[name] = value;
  }
  for (const name of generation?.claimsToSuppress ?? []) {
    if (!protectedClaims.has(name)) delete claims[name];
  }
}

/** A stable UUID-shaped id for a user name, so `sub` survives restarts of the local cloud. */
export function stableSub(userName: string): string {
  const h = createHash('sha256').update(`team-local:${userName}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function atHash(accessToken: string): string {
  const digest = createHash('sha256').update(accessToken).digest();
  return digest.subarray(0, digest.length / 2).toString('base64url');
}

/**
 * Signs Cognito-shaped ID and access tokens with an RS256 key made at start, after running
 * the pre-token-generation trigger and applying its V2_0 response the way Cognito does.
 */
export class TokenIssuer {
  private readonly refreshGrants = new Map<string, RefreshGrant>();
  private readonly jwkSet: ReturnType<typeof createLocalJWKSet>;

  private constructor(
    private readonly options: IssuerOptions,
    private readonly privateKey: SigningKey,
    readonly publicJwk: JWK,
  ) {
    this.jwkSet = createLocalJWKSet({ keys: [publicJwk] });
  }

  /** Makes a fresh signing key. */
  static async create(options: IssuerOptions): Promise<TokenIssuer> {
    const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = await exportJWK(publicKey);
    const kid = createHash('sha256').update(JSON.stringify(jwk)).digest('base64url').slice(0, 43);
    return new TokenIssuer(options, privateKey, { ...jwk, kid, alg: 'RS256', use: 'sig' });
  }

  /** The JWKS document. */
  jwks(): { keys: JWK[] } {
    return { keys: [this.publicJwk] };
  }

  /** The Cognito user name of a federated demo identity. */
  cognitoUserName(user: DemoIdentity): string {
    return `${this.options.providerName}_${user.userName}`;
  }

  private identities(user: DemoIdentity, authTime: number) {
    return [
      {
        dateCreated: String(authTime * 1000),
        userId: user.userName,
        providerName: this.options.providerName,
        providerType: 'SAML',
        issuer: null,
        primary: 'true',
      },
    ];
  }

  /** Attributes Cognito holds for the federated user (what the trigger sees). */
  userAttributes(user: DemoIdentity, authTime: number): Record<string, string> {
    return {
      sub: user.sub ?? stableSub(user.userName),
      email: user.email,
      email_verified: 'false',
      identities: JSON.stringify(this.identities(user, authTime)),
      'cognito:user_status': 'EXTERNAL_PROVIDER',
    };
  }

  /**
   * Issues ID and access tokens (and, for hosted sign-in, a refresh token). Throws if the
   * trigger throws or answers with a malformed response, like Cognito failing the sign-in.
   */
  async issue(
    user: DemoIdentity,
    input: {
      trigger: 'TokenGeneration_HostedAuth' | 'TokenGeneration_RefreshTokens';
      scopes: string[];
      authTime?: number;
      nonce?: string;
      /** The public app client the tokens are for; default the web client. */
      clientId?: string;
    },
  ): Promise<{
    idToken: string;
    accessToken: string;
    expiresIn: number;
    authTime: number;
    scopes: string[];
  }> {
    const { options } = this;
    const now = Math.floor(options.now() / 1000);
    const authTime = input.authTime ?? now;
    const userName = this.cognitoUserName(user);
    const clientId = input.clientId ?? options.clientId;
    if (!this.isPublicClient(clientId)) throw new Error(`No public app client with id "${clientId}".`);
    const event: PreTokenGenerationV2TriggerEvent = {
      version: '2',
      triggerSource: input.trigger,
      region: options.region,
      userPoolId: options.userPoolId,
      userName,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
      request: {
        userAttributes: this.userAttributes(user, authTime),
        groupConfiguration: {
          groupsToOverride: [...(user.cognitoGroups ?? [])],
          iamRolesToOverride: [],
          preferredRole: undefined,
        },
        scopes: [...input.scopes],
      },
      // Cognito sends null here; the typings say otherwise.
      response: { claimsAndScopeOverrideDetails: null as unknown as ClaimsAndScopeOverrideDetails },
    };
    const returned = options.preTokenGeneration ? await options.preTokenGeneration(event) : undefined;
    const response = (returned ?? event).response as { claimsAndScopeOverrideDetails?: unknown } | undefined;
    const parsed = overrideDetails.safeParse(response?.claimsAndScopeOverrideDetails ?? null);
    if (!parsed.success) {
      throw new Error(`PreTokenGeneration returned an invalid response: ${parsed.error.message}`);
    }
    const details = parsed.data;

    const groupOverride = details?.groupOverrideDetails;
    const groups = groupOverride?.groupsToOverride ?? user.cognitoGroups ?? [];
    const roles = groupOverride?.iamRolesToOverride ?? [];
    const preferredRole = groupOverride?.preferredRole ?? undefined;

    const accessGen = details?.accessTokenGeneration;
    const scopes = [
      ...new Set(
        [...input.scopes, ...(accessGen?.scopesToAdd ?? [])].filter(
          (s) => !accessGen?.scopesToSuppress?.includes(s),
        ),
      ),
    ];

    const originJti = randomUUID();
    const exp = now + options.tokenValiditySeconds;
    const sub = user.sub ?? stableSub(user.userName);

    const access: Record<string, unknown> = {
      sub,
      ...(groups.length > 0 ? { 'cognito:groups': groups } : {}),
      iss: options.issuer,
      version: 2,
      client_id: clientId,
      origin_jti: originJti,
      token_use: 'access',
      scope: scopes.join(' '),
      auth_time: authTime,
      exp,
      iat: now,
      jti: randomUUID(),
      username: userName,
    };
    applyClaims(access, protectedAccess, accessGen);
    const accessToken = await this.sign(access);

    const id: Record<string, unknown> = {
      at_hash: atHash(accessToken),
      sub,
      ...(groups.length > 0 ? { 'cognito:groups': groups } : {}),
      ...(roles.length > 0 ? { 'cognito:roles': roles } : {}),
      ...(preferredRole ? { 'cognito:preferred_role': preferredRole } : {}),
      email_verified: false,
      iss: options.issuer,
      'cognito:username': userName,
      ...(input.nonce ? { nonce: input.nonce } : {}),
      origin_jti: originJti,
      aud: clientId,
      identities: this.identities(user, authTime),
      token_use: 'id',
      auth_time: authTime,
      exp,
      iat: now,
      jti: randomUUID(),
      email: user.email,
    };
    applyClaims(id, protectedId, details?.idTokenGeneration);
    const idToken = await this.sign(id);
    return { idToken, accessToken, expiresIn: options.tokenValiditySeconds, authTime, scopes };
  }

  private sign(claims: Record<string, unknown>): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: this.publicJwk.kid })
      .sign(this.privateKey);
  }

  /**
   * Issues the access token of a client-credentials grant, shaped like Cognito's: the client is
   * its own subject, `scope` holds the granted scopes, and there is no user (no user name, no
   * groups, no ID token, no refresh token). Cognito runs no V2_0 trigger for this grant.
   */
  async issueClientCredentials(
    clientId: string,
    scopes: readonly string[],
  ): Promise<{ accessToken: string; expiresIn: number }> {
    const now = Math.floor(this.options.now() / 1000);
    const accessToken = await this.sign({
      sub: clientId,
      token_use: 'access',
      scope: scopes.join(' '),
      auth_time: now,
      iss: this.options.issuer,
      exp: now + this.options.tokenValiditySeconds,
      iat: now,
      version: 2,
      jti: randomUUID(),
      client_id: clientId,
    });
    return { accessToken, expiresIn: this.options.tokenValiditySeconds };
  }

  /** Whether people sign in with this app client (the web client or another public one). */
  isPublicClient(clientId: string): boolean {
    return clientId === this.options.clientId || (this.options.publicClientIds ?? []).includes(clientId);
  }

  /** Records a refresh token for a sign-in and returns it (opaque, like Cognito's). */
  newRefreshToken(
    user: DemoIdentity,
    scopes: string[],
    authTime: number,
    clientId: string = this.options.clientId,
  ): string {
    const token = randomBytes(48).toString('base64url');
    this.refreshGrants.set(token, {
      clientId,
      user,
      scopes,
      authTime,
      expiresAt: this.options.now() + this.options.refreshTokenValiditySeconds * 1000,
    });
    return token;
  }

  /**
   * Forgets a refresh token (Cognito's RevokeToken); true if it was known (and, when `clientId`
   * is given, issued to that client: a client revokes only its own tokens).
   */
  revokeRefreshToken(token: string, clientId?: string): boolean {
    const grant = this.refreshGrants.get(token);
    if (!grant || (clientId !== undefined && grant.clientId !== clientId)) return false;
    return this.refreshGrants.delete(token);
  }

  /** The sign-in a refresh token belongs to, if it is known and not expired. */
  refreshGrant(token: string): RefreshGrant | undefined {
    const grant = this.refreshGrants.get(token);
    if (!grant) return undefined;
    if (grant.expiresAt <= this.options.now()) {
      this.refreshGrants.delete(token);
      return undefined;
    }
    return grant;
  }

  /**
   * Verifies an ID or access token: signature, issuer, expiry, `token_use`, and that it was
   * issued to a public app client of the pool (`aud` for ID tokens, `client_id` for access tokens)
   * or, for an access token, to one of the machine clients.
   */
  async verify(jwt: string, expectedUse?: 'id' | 'access'): Promise<Record<string, unknown>> {
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(jwt, this.jwkSet, {
        issuer: this.options.issuer,
        algorithms: ['RS256'],
        currentDate: new Date(this.options.now()),
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired)
        throw new TokenVerificationError('expired', 'Token has expired.');
      throw new TokenVerificationError('invalid', error instanceof Error ? error.message : 'Invalid token.');
    }
    const use = payload['token_use'];
    if (use !== 'id' && use !== 'access')
      throw new TokenVerificationError('invalid', 'Unexpected token_use.');
    if (expectedUse && use !== expectedUse)
      throw new TokenVerificationError('invalid', `Not an ${expectedUse} token.`);
    const client = use === 'id' ? payload['aud'] : payload['client_id'];
    const machine =
      use === 'access' &&
      typeof client === 'string' &&
      (this.options.machineClientIds ?? []).includes(client);
    if (!(typeof client === 'string' && this.isPublicClient(client)) && !machine)
      throw new TokenVerificationError('invalid', 'Token was issued to another client.');
    return payload;
  }
}
