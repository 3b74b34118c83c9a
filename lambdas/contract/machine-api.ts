/**
 * The machine API: automation (CI applying policies, a SIEM reading the audit trail) calls the
 * GraphQL API with an OAuth 2.0 client-credentials access token from the user pool. The user
 * pool's resource server `team` defines the scopes below; a token carries them in its `scope`
 * claim as `team/<name>`. The stack creates the resource server and the app client, the api
 * handler turns a client-credentials token into a machine caller, and the core decides what each
 * scope allows (`lambdas/core/authorization.ts`). The local sign-in stand-in issues the same
 * tokens.
 */

/** Identifier of the user pool's resource server: the prefix of every machine scope. */
export const MACHINE_RESOURCE_SERVER = 'team';

/** The scopes a machine client may hold, by their short name, with what each is for. */
export const MACHINE_SCOPE_DESCRIPTIONS = {
  'policies.read': 'Read eligibility and approver policies, settings and the directory pickers',
  'policies.write': 'Create, change and delete eligibility and approver policies; change settings',
  'audit.read': 'Read every request, its audit trail and its session activity',
} as const;

export type MachineScopeName = keyof typeof MACHINE_SCOPE_DESCRIPTIONS;

/** A scope as it appears in a token's `scope` claim. */
export type MachineScope = `${typeof MACHINE_RESOURCE_SERVER}/${MachineScopeName}`;

export const MACHINE_SCOPE_NAMES = Object.keys(MACHINE_SCOPE_DESCRIPTIONS) as MachineScopeName[];

/** `team/<name>`: the scope as a token carries it. */
export function machineScope(name: MachineScopeName): MachineScope {
  return `${MACHINE_RESOURCE_SERVER}/${name}`;
}

/** Every machine scope, as tokens carry them. */
export const MACHINE_SCOPES: readonly MachineScope[] = MACHINE_SCOPE_NAMES.map(machineScope);

/** Name of the app client the stack creates for automation (also what `updatedBy` shows). */
export const MACHINE_CLIENT_NAME = 'machine';

/**
 * The machine app clients the api knows by name (`ENV.machineClients`, JSON): the name becomes
 * the caller's user name, so a policy a client changed shows it as `updatedBy`.
 */
export interface MachineClientName {
  clientId: string;
  name: string;
}
