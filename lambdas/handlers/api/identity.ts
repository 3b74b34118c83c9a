/**
 * Who is calling, from the verified identity AppSync puts in the resolver event and nothing
 * else: the TEAM claims the pre-token trigger added (Identity Center user id, user name, email,
 * group ids) and the Cognito groups (Admin, Auditors). When a token lacks the TEAM claims (a
 * trigger that failed open, a token issued before the trigger existed), the user is looked up
 * by user name on the server (`CallerLookup`, with a short cache).
 */
import { z } from 'zod';
import { ForbiddenError } from '../../core/errors';
import type { CallerIdentity } from '../../core/types';
import type { CallerLookup } from '../../adapters/caller-lookup';
import { COGNITO_GROUPS, COGNITO_GROUPS_CLAIM, TEAM_CLAIMS, idcUserNameOf } from '../claims';

/** The caller of a resolver: a signed-in user, or the backend itself (IAM). */
export type Caller = { kind: 'user'; identity: CallerIdentity } | { kind: 'iam'; principal: string };

const stringList = z.preprocess((value) => {
  // AppSync hands claims over as parsed JSON; a list claim may still arrive as JSON text.
  if (typeof value !== 'string') return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return [value];
  }
}, z.array(z.string()));

const teamClaims = z.object({
  [TEAM_CLAIMS.userId]: z.string().min(1),
  [TEAM_CLAIMS.userName]: z.string().min(1),
  [TEAM_CLAIMS.email]: z.string().default(''),
  [TEAM_CLAIMS.displayName]: z.string().optional(),
  [TEAM_CLAIMS.groupIds]: stringList.default([]),
});

const cognitoIdentity = z.object({
  claims: z.record(z.string(), z.unknown()),
  username: z.string().nullish(),
  groups: z.array(z.string()).nullish(),
});

const iamIdentity = z.object({
  accountId: z.string().min(1),
  userArn: z.string().min(1),
});

const NOT_A_TEAM_USER =
  'You are not a TEAM user: your IAM Identity Center account was not found. Sign out and sign in again, or ask an administrator.';

function groupsOf(identity: z.infer<typeof cognitoIdentity>): string[] {
  if (identity.groups) return identity.groups;
  const claim = identity.claims[COGNITO_GROUPS_CLAIM];
  if (Array.isArray(claim)) return claim.filter((g): g is string => typeof g === 'string');
  return typeof claim === 'string' && claim !== '' ? [claim] : [];
}

function cognitoUserNameOf(identity: z.infer<typeof cognitoIdentity>): string | undefined {
  const candidates = [identity.username, identity.claims['username'], identity.claims['cognito:username']];
  return candidates.find((c): c is string => typeof c === 'string' && c !== '');
}

/**
 * The caller of a resolver event. Throws ForbiddenError when the identity is neither a
 * user-pool user that TEAM knows nor an IAM principal.
 */
export async function callerOf(identity: unknown, lookup: Pick<CallerLookup, 'find'>): Promise<Caller> {
  const cognito = cognitoIdentity.safeParse(identity);
  if (cognito.success) {
    const groups = groupsOf(cognito.data);
    const flags = {
      isAdmin: groups.includes(COGNITO_GROUPS.admin),
      isAuditor: groups.includes(COGNITO_GROUPS.auditor),
    };
    const claims = teamClaims.safeParse(cognito.data.claims);
    if (claims.success) {
      const c = claims.data;
      const caller: CallerIdentity = {
        userId: c[TEAM_CLAIMS.userId],
        userName: c[TEAM_CLAIMS.userName],
        email: c[TEAM_CLAIMS.email],
        groupIds: c[TEAM_CLAIMS.groupIds],
        ...flags,
      };
      const displayName = c[TEAM_CLAIMS.displayName];
      if (displayName) caller.displayName = displayName;
      return { kind: 'user', identity: caller };
    }
    const cognitoUserName = cognitoUserNameOf(cognito.data);
    const found = cognitoUserName ? await lookup.find(idcUserNameOf(cognitoUserName)) : undefined;
    if (found === undefined) throw new ForbiddenError(NOT_A_TEAM_USER);
    const caller: CallerIdentity = {
      userId: found.user.id,
      userName: found.user.userName,
      email: found.user.email ?? '',
      groupIds: found.groupIds,
      ...flags,
    };
    if (found.user.displayName) caller.displayName = found.user.displayName;
    return { kind: 'user', identity: caller };
  }
  const iam = iamIdentity.safeParse(identity);
  if (iam.success) return { kind: 'iam', principal: iam.data.userArn };
  throw new ForbiddenError('You must be signed in.');
}
