/**
 * The pre-token-generation Lambda (Cognito V2_0 trigger): at every token issuance it finds the
 * IAM Identity Center user behind the federated Cognito user (`IdentityCenter_<user name>`),
 * adds the TEAM claims (user id, user name, email, display name, group ids) to the ID and the
 * access token, and sets the Cognito groups to Admin / Auditors from Identity Center group
 * membership (group names from Settings, falling back to the deployment's). A user Identity
 * Center does not know gets no TEAM claims and no groups, and the api refuses them.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { COGNITO_GROUPS, TEAM_CLAIMS, idcUserNameOf } from './claims';
import { preTokenDepsFromEnvironment, type PreTokenDeps } from './pre-token/compose';

export type { PreTokenDeps } from './pre-token/compose';

export interface PreTokenOptions {
  deps?: () => PreTokenDeps;
  logger?: Logger;
}

async function groupIdOf(deps: PreTokenDeps, name: string | undefined): Promise<string | undefined> {
  if (name === undefined || name.trim() === '') return undefined;
  return (await deps.directory.findGroupByName(name))?.id;
}

/** Builds the trigger handler over its dependencies (tests pass their own). */
export function makePreTokenHandler(
  options: PreTokenOptions = {},
): (event: PreTokenGenerationV2TriggerEvent) => Promise<PreTokenGenerationV2TriggerEvent> {
  const depsOf = options.deps ?? preTokenDepsFromEnvironment;
  const logger = options.logger ?? new Logger({ serviceName: 'team-pre-token' });

  return async (event) => {
    const deps = depsOf();
    const userName = idcUserNameOf(event.userName);
    const [user, settings] = await Promise.all([
      deps.directory.findUserByUserName(userName),
      deps.settings(),
    ]);
    if (user === undefined) {
      logger.info('Sign-in of a user Identity Center does not know: no TEAM claims', { userName });
      // No elevated group either, whatever Cognito groups the user may have been put in.
      event.response = { claimsAndScopeOverrideDetails: { groupOverrideDetails: { groupsToOverride: [] } } };
      return event;
    }
    const [groupIds, adminGroupId, auditorGroupId] = await Promise.all([
      deps.directory.groupIdsOfUser(user.id),
      groupIdOf(deps, settings.adminGroupName),
      groupIdOf(deps, settings.auditorGroupName),
    ]);
    const groups = [
      ...(adminGroupId !== undefined && groupIds.includes(adminGroupId) ? [COGNITO_GROUPS.admin] : []),
      ...(auditorGroupId !== undefined && groupIds.includes(auditorGroupId) ? [COGNITO_GROUPS.auditor] : []),
    ];
    const email = user.email ?? event.request.userAttributes['email'] ?? '';
    const claims: Record<string, string> = {
      [TEAM_CLAIMS.userId]: user.id,
      [TEAM_CLAIMS.userName]: user.userName,
      [TEAM_CLAIMS.email]: email,
      [TEAM_CLAIMS.groupIds]: JSON.stringify(groupIds),
      ...(user.displayName ? { [TEAM_CLAIMS.displayName]: user.displayName } : {}),
    };
    event.response = {
      claimsAndScopeOverrideDetails: {
        idTokenGeneration: { claimsToAddOrOverride: claims },
        accessTokenGeneration: { claimsToAddOrOverride: claims },
        groupOverrideDetails: { groupsToOverride: groups },
      },
    };
    return event;
  };
}

/** The Lambda entry point. */
export const handler = makePreTokenHandler();
