import type { AppSyncIdentityCognito, AppSyncIdentityIAM } from 'aws-lambda';
import type { Caller } from './auth-rules';

/** Checks a Cognito JWT (signature, issuer, expiry, token use, client) and returns its claims. */
export type VerifyToken = (jwt: string) => Promise<Record<string, unknown>>;

/** Who IAM-signed requests are, locally (signatures are not checked; see `authenticate`). */
export interface IamIdentityOptions {
  /** Account of the signing principal; default 123456789012. */
  accountId?: string;
  /** ARN reported as `identity.userArn`; default an assumed role named after the access key. */
  userArn?: string;
}

/** The 401 AppSync answers before any field runs (missing, malformed or expired credentials). */
export class UnauthorizedException extends Error {
  readonly errorType = 'UnauthorizedException';
  constructor(message: string) {
    super(message);
    this.name = 'UnauthorizedException';
  }
}

const SIGV4 = /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\//;

/** Whether a socket address is the local machine. */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const a = address.replace(/^::ffff:/, '');
  return a === '::1' || a.startsWith('127.');
}

/** The client address as AppSync reports it in `identity.sourceIp`. */
export function sourceIpOf(address: string | undefined): string {
  return (address ?? '127.0.0.1').replace(/^::ffff:/, '');
}

function groupsOf(claims: Record<string, unknown>): string[] {
  const groups = claims['cognito:groups'];
  if (Array.isArray(groups)) return groups.filter((g): g is string => typeof g === 'string');
  if (typeof groups === 'string' && groups.length > 0) return [groups];
  return [];
}

function isExpiry(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { reason, code, message } = error as { reason?: unknown; code?: unknown; message?: unknown };
  return (
    reason === 'expired' ||
    code === 'ERR_JWT_EXPIRED' ||
    (typeof message === 'string' && /expired/i.test(message))
  );
}

/**
 * Decides the auth mode of a request from its Authorization value, like AppSync with user
 * pools as the default mode and IAM as an additional one.
 *
 * A SigV4 `AWS4-HMAC-SHA256 …` value is accepted as the IAM identity when it comes from this
 * machine: the local cloud has no IAM to check signatures against, so they are NOT verified
 * here. Anything else must be a user-pool JWT that `verifyToken` accepts.
 */
export async function authenticate(
  authorization: string | undefined,
  remoteAddress: string | undefined,
  verifyToken: VerifyToken,
): Promise<Caller> {
  if (!authorization) throw new UnauthorizedException('Valid authorization header not provided.');
  const sigv4 = SIGV4.exec(authorization);
  if (sigv4) {
    if (!isLoopback(remoteAddress))
      throw new UnauthorizedException('IAM requests are accepted from loopback only.');
    return { mode: 'iam', accessKeyId: sigv4[1] ?? 'UNKNOWN' };
  }
  let claims: Record<string, unknown>;
  try {
    claims = await verifyToken(authorization);
  } catch (error) {
    throw new UnauthorizedException(isExpiry(error) ? 'Token has expired.' : 'Unable to parse JWT token.');
  }
  return { mode: 'userPool', claims, groups: groupsOf(claims), token: authorization };
}

/** `identity` of the resolver event, shaped like AppSync's for the caller's auth mode. */
export function identityOf(
  caller: Caller,
  sourceIp: string,
  iam: IamIdentityOptions = {},
): AppSyncIdentityCognito | AppSyncIdentityIAM {
  if (caller.mode === 'userPool') {
    const { claims } = caller;
    const username = claims['cognito:username'] ?? claims['username'];
    return {
      sub: typeof claims['sub'] === 'string' ? claims['sub'] : '',
      issuer: typeof claims['iss'] === 'string' ? claims['iss'] : '',
      username: typeof username === 'string' ? username : '',
      claims,
      sourceIp: [sourceIp],
      defaultAuthStrategy: 'ALLOW',
      groups: caller.groups.length > 0 ? caller.groups : null,
    };
  }
  const accountId = iam.accountId ?? '123456789012';
  const identity = {
    accountId,
    cognitoIdentityPoolId: null,
    cognitoIdentityId: null,
    sourceIp: [sourceIp],
    username: caller.accessKeyId,
    userArn: iam.userArn ?? `arn:aws:sts::${accountId}:assumed-role/team-local/${caller.accessKeyId}`,
    cognitoIdentityAuthType: null,
    cognitoIdentityAuthProvider: null,
  };
  // AppSync sends null for the Cognito identity-pool fields of IAM callers; the aws-lambda
  // typings declare them as strings.
  return identity as unknown as AppSyncIdentityIAM;
}
