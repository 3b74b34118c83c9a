/**
 * Who is calling, from the verified identity AppSync puts in the resolver event and nothing
 * else: the TEAM claims the pre-token trigger added (Identity Center user id, user name, email,
 * group ids) and the Cognito groups (Admin, Auditors). When a token lacks the TEAM claims (a
 * trigger that failed open, a token issued before the trigger existed), the user is looked up
 * by user name on the server (`CallerLookup`, with a short cache).
 *
 * A client-credentials access token (automation, `docs/machine-api.md`) names no user: its `sub`
 * is the app client id, it has no user name and carries the granted scopes in `scope`. Its
 * caller is a machine client with exactly those scopes, no groups and no personas.
 */
import { z } from 'zod';
import type { CallerWithMachine } from '../../core/authorization';
import { ForbiddenError } from '../../core/errors';
import type { CallerIdentity } from '../../core/types';
import type { CallerLookup } from '../../adapters/caller-lookup';
import { COGNITO_GROUPS, COGNITO_GROUPS_CLAIM, TEAM_CLAIMS, idcUserNameOf } from '../claims';

/** The caller of a resolver: a signed-in user or machine client, or the backend itself (IAM). */
export type Caller = { kind: 'user'; identity: CallerWithMachine } | { kind: 'iam'; principal: string };

/** Names of machine app clients by client id (`ENV.machineClients`). */
export type MachineClientNames = ReadonlyMap<string, string>;

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

/**
 * What makes a token a client-credentials token: an access token whose subject is the app client
 * itself, without any user name claim (Cognito puts `username` in every user's access token and
 * `cognito:username` in every ID token).
 */
const clientCredentialsClaims = z
  .object({
    token_use: z.literal('access'),
    client_id: z.string().min(1),
    sub: z.string().min(1),
    scope: z.string().optional(),
    username: z.never().optional(),
    'cognito:username': z.never().optional(),
  })
  .refine((claims) => claims.sub === claims.client_id);

/** The user id of a machine client: never an Identity Center user id (those have no colon). */
export const MACHINE_USER_ID_PREFIX = 'machine:';

/**
 * The machine caller of a client-credentials token, or undefined when the claims are a user's.
 * Its user name is the client's registered name (what `updatedBy` shows), or says its id.
 */
export function machineCallerOf(
  claims: Record<string, unknown>,
  names: MachineClientNames = new Map(),
): CallerWithMachine | undefined {
  const parsed = clientCredentialsClaims.safeParse(claims);
  if (!parsed.success) return undefined;
  const clientId = parsed.data.client_id;
  const scopes = [...new Set((parsed.data.scope ?? '').split(/\s+/).filter(Boolean))];
  return {
    userId: `${MACHINE_USER_ID_PREFIX}${clientId}`,
    userName: names.get(clientId) ?? `app client ${clientId}`,
    email: '',
    groupIds: [],
    isAdmin: false,
    isAuditor: false,
    machine: { clientId, scopes },
  };
}

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
 * user-pool user that TEAM knows, a machine client nor an IAM principal.
 */
export async function callerOf(
  identity: unknown,
  lookup: Pick<CallerLookup, 'find'>,
  machineNames?: MachineClientNames,
): Promise<Caller> {
  const cognito = cognitoIdentity.safeParse(identity);
  if (cognito.success) {
    const machine = machineCallerOf(cognito.data.claims, machineNames);
    if (machine) return { kind: 'user', identity: machine };
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
