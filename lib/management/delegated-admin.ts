/**
 * The one step TEAM needs in the organization management account: make the TEAM account a
 * delegated administrator of IAM Identity Center, CloudTrail and Account Management.
 * Idempotent: what is already in place is reported and left alone.
 */
import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import {
  RegisterOrganizationDelegatedAdminCommand,
  AccountRegisteredException,
} from '@aws-sdk/client-cloudtrail';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import {
  AccountAlreadyRegisteredException,
  DescribeOrganizationCommand,
  EnableAWSServiceAccessCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';

/** The services TEAM's account administers on behalf of the organization. */
export const DELEGATED_SERVICES = {
  sso: 'sso.amazonaws.com',
  cloudtrail: 'cloudtrail.amazonaws.com',
  account: 'account.amazonaws.com',
} as const;

export type DelegatedService = keyof typeof DELEGATED_SERVICES;

export interface RegisterDelegatedAdminsOptions {
  readonly organizations: Pick<OrganizationsClient, 'send'>;
  readonly cloudtrail: Pick<CloudTrailClient, 'send'>;
  /** The account TEAM is deployed to. */
  readonly teamAccountId: string;
  readonly services?: readonly DelegatedService[];
  /** Only report what would be done. */
  readonly dryRun?: boolean;
  readonly log?: (line: string) => void;
}

/** What happened (or, in a dry run, would happen) per service. */
export type StepResult = 'already-registered' | 'registered' | 'would-register';

async function enabledServicePrincipals(client: Pick<OrganizationsClient, 'send'>): Promise<Set<string>> {
  const enabled = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListAWSServiceAccessForOrganizationCommand({ NextToken: nextToken }));
    for (const s of page.EnabledServicePrincipals ?? [])
      if (s.ServicePrincipal) enabled.add(s.ServicePrincipal);
    nextToken = page.NextToken;
  } while (nextToken);
  return enabled;
}

async function delegatedAdmins(
  client: Pick<OrganizationsClient, 'send'>,
  servicePrincipal: string,
): Promise<Set<string>> {
  const ids = new Set<string>();
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListDelegatedAdministratorsCommand({ ServicePrincipal: servicePrincipal, NextToken: nextToken }),
    );
    for (const admin of page.DelegatedAdministrators ?? []) if (admin.Id) ids.add(admin.Id);
    nextToken = page.NextToken;
  } while (nextToken);
  return ids;
}

/**
 * Registers the TEAM account as delegated administrator of each service. Identity Center and
 * Account Management go through Organizations (with trusted access enabled first for Account
 * Management); CloudTrail through its own RegisterOrganizationDelegatedAdmin, which also
 * enables trusted access and creates the service-linked role.
 */
export async function registerDelegatedAdmins(
  options: RegisterDelegatedAdminsOptions,
): Promise<Record<DelegatedService, StepResult | undefined>> {
  const { organizations, cloudtrail, teamAccountId } = options;
  const log = options.log ?? ((line: string) => console.log(line));
  const services = options.services ?? (Object.keys(DELEGATED_SERVICES) as DelegatedService[]);
  const dryRun = options.dryRun ?? false;
  if (!/^\d{12}$/.test(teamAccountId))
    throw new Error(`The TEAM account id must be 12 digits, got "${teamAccountId}"`);

  const org = await organizations.send(new DescribeOrganizationCommand({}));
  const managementAccountId = org.Organization?.MasterAccountId;
  if (managementAccountId === teamAccountId) {
    throw new Error(
      `${teamAccountId} is the management account itself: it cannot be a delegated administrator. ` +
        'Deploy TEAM to a member account (recommended), or, to deploy into the management account on purpose, ' +
        'set "deployInManagementAccount": true in the configuration and skip this step (docs/deployment.md, section 14).',
    );
  }
  log(
    `Organization ${org.Organization?.Id ?? '?'} (management account ${managementAccountId ?? '?'})${dryRun ? ' — dry run' : ''}`,
  );

  const enabled = await enabledServicePrincipals(organizations);
  const results: Record<DelegatedService, StepResult | undefined> = {
    sso: undefined,
    cloudtrail: undefined,
    account: undefined,
  };
  for (const service of services) {
    const principal = DELEGATED_SERVICES[service];
    const admins = await delegatedAdmins(organizations, principal);
    if (admins.has(teamAccountId)) {
      log(`✓ ${principal}: ${teamAccountId} is already a delegated administrator`);
      results[service] = 'already-registered';
      continue;
    }
    if (dryRun) {
      const trusted = enabled.has(principal) ? '' : ' (and enable trusted access)';
      log(`• ${principal}: would register ${teamAccountId} as delegated administrator${trusted}`);
      results[service] = 'would-register';
      continue;
    }
    if (service === 'cloudtrail') {
      try {
        await cloudtrail.send(
          new RegisterOrganizationDelegatedAdminCommand({ MemberAccountId: teamAccountId }),
        );
      } catch (err) {
        if (!(err instanceof AccountRegisteredException)) throw err;
      }
    } else {
      if (service === 'sso' && !enabled.has(principal)) {
        throw new Error(
          'IAM Identity Center is not enabled for the organization: enable it in the management account first.',
        );
      }
      if (!enabled.has(principal)) {
        log(`  enabling trusted access for ${principal}`);
        await organizations.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: principal }));
      }
      try {
        await organizations.send(
          new RegisterDelegatedAdministratorCommand({
            AccountId: teamAccountId,
            ServicePrincipal: principal,
          }),
        );
      } catch (err) {
        if (!(err instanceof AccountAlreadyRegisteredException)) throw err;
      }
    }
    log(`✓ ${principal}: registered ${teamAccountId} as delegated administrator`);
    results[service] = 'registered';
  }
  return results;
}
