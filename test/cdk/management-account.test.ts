import {
  AccountRegisteredException,
  CloudTrailClient,
  RegisterOrganizationDelegatedAdminCommand,
} from '@aws-sdk/client-cloudtrail';
import {
  DescribeOrganizationCommand,
  EnableAWSServiceAccessCommand,
  ListAWSServiceAccessForOrganizationCommand,
  ListDelegatedAdministratorsCommand,
  OrganizationsClient,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import { App } from 'aws-cdk-lib';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { buildTeamApp } from '../../lib/app';
import { DEMO_CONFIG, parseTeamConfig, TeamConfigError, type TeamConfigInput } from '../../lib/config';
import { registerDelegatedAdmins } from '../../lib/management/delegated-admin';
import type { FunctionName } from '../../lib/function';
import { demoConfig, flat, logicalIdOf, PROJECT_ROOT, synthTeam, type Statement } from './support';

const TEAM = '222233334444';
const organizations = mockClient(OrganizationsClient);
const cloudtrail = mockClient(CloudTrailClient);

function run(options: { dryRun?: boolean; services?: ('sso' | 'cloudtrail' | 'account')[] } = {}) {
  const log: string[] = [];
  const result = registerDelegatedAdmins({
    organizations: new OrganizationsClient({ region: 'us-east-1' }),
    cloudtrail: new CloudTrailClient({ region: 'us-east-1' }),
    teamAccountId: TEAM,
    log: (line) => log.push(line),
    ...options,
  });
  return { result, log };
}

describe('management-account step: delegated administrators', () => {
  beforeEach(() => {
    organizations.reset();
    cloudtrail.reset();
    organizations
      .on(DescribeOrganizationCommand)
      .resolves({ Organization: { Id: 'o-abcdefghij', MasterAccountId: '111111111111' } });
    organizations.on(ListAWSServiceAccessForOrganizationCommand).resolves({
      EnabledServicePrincipals: [{ ServicePrincipal: 'sso.amazonaws.com' }],
    });
    organizations.on(ListDelegatedAdministratorsCommand).resolves({ DelegatedAdministrators: [] });
  });

  it('registers the TEAM account for Identity Center, CloudTrail and Account Management', async () => {
    const { result, log } = run();
    expect(await result).toEqual({ sso: 'registered', cloudtrail: 'registered', account: 'registered' });
    const registered = organizations
      .commandCalls(RegisterDelegatedAdministratorCommand)
      .map((c) => c.args[0].input);
    expect(registered).toEqual([
      { AccountId: TEAM, ServicePrincipal: 'sso.amazonaws.com' },
      { AccountId: TEAM, ServicePrincipal: 'account.amazonaws.com' },
    ]);
    // Account Management needs trusted access first; Identity Center has it already.
    expect(
      organizations.commandCalls(EnableAWSServiceAccessCommand).map((c) => c.args[0].input.ServicePrincipal),
    ).toEqual(['account.amazonaws.com']);
    expect(
      cloudtrail.commandCalls(RegisterOrganizationDelegatedAdminCommand).map((c) => c.args[0].input),
    ).toEqual([{ MemberAccountId: TEAM }]);
    expect(log.join('\n')).toContain('registered 222233334444');
  });

  it('is idempotent: existing registrations are reported and left alone', async () => {
    organizations
      .on(ListDelegatedAdministratorsCommand)
      .resolves({ DelegatedAdministrators: [{ Id: '999999999999' }, { Id: TEAM }] });
    const { result, log } = run();
    expect(await result).toEqual({
      sso: 'already-registered',
      cloudtrail: 'already-registered',
      account: 'already-registered',
    });
    expect(organizations.commandCalls(RegisterDelegatedAdministratorCommand)).toHaveLength(0);
    expect(cloudtrail.commandCalls(RegisterOrganizationDelegatedAdminCommand)).toHaveLength(0);
    expect(log.filter((l) => l.includes('already'))).toHaveLength(3);
  });

  it('tolerates a registration that appears between the check and the call', async () => {
    cloudtrail
      .on(RegisterOrganizationDelegatedAdminCommand)
      .rejects(new AccountRegisteredException({ message: 'registered', $metadata: {} }));
    const { result } = run({ services: ['cloudtrail'] });
    expect(await result).toMatchObject({ cloudtrail: 'registered' });
  });

  it('changes nothing in a dry run', async () => {
    const { result, log } = run({ dryRun: true });
    expect(await result).toEqual({
      sso: 'would-register',
      cloudtrail: 'would-register',
      account: 'would-register',
    });
    expect(organizations.commandCalls(RegisterDelegatedAdministratorCommand)).toHaveLength(0);
    expect(organizations.commandCalls(EnableAWSServiceAccessCommand)).toHaveLength(0);
    expect(cloudtrail.commandCalls(RegisterOrganizationDelegatedAdminCommand)).toHaveLength(0);
    expect(log.join('\n')).toMatch(/dry run/);
    expect(log.join('\n')).toMatch(
      /account\.amazonaws\.com: would register .* \(and enable trusted access\)/,
    );
  });

  it('refuses to delegate to the management account itself, and a malformed account id', async () => {
    organizations
      .on(DescribeOrganizationCommand)
      .resolves({ Organization: { Id: 'o-abcdefghij', MasterAccountId: TEAM } });
    await expect(run().result).rejects.toThrow(/management account itself/);
    await expect(run().result).rejects.toThrow(/deployInManagementAccount/);
    await expect(
      registerDelegatedAdmins({
        organizations: new OrganizationsClient({ region: 'us-east-1' }),
        cloudtrail: new CloudTrailClient({ region: 'us-east-1' }),
        teamAccountId: '123',
      }),
    ).rejects.toThrow(/12 digits/);
  });

  it('asks for Identity Center to be enabled when it is not', async () => {
    organizations.on(ListAWSServiceAccessForOrganizationCommand).resolves({ EnabledServicePrincipals: [] });
    await expect(run({ services: ['sso'] }).result).rejects.toThrow(/Identity Center is not enabled/);
  });
});

const MANAGEMENT = DEMO_CONFIG.identityCenter.managementAccountId;

/** Builds the app (no synthesis) as `cdk` would for credentials of `account`. */
function buildFor(overrides: Partial<TeamConfigInput>, account: string) {
  return () =>
    buildTeamApp({
      config: parseTeamConfig(demoConfig(overrides), 'test'),
      projectRoot: PROJECT_ROOT,
      app: new App({ context: { 'aws:cdk:bundling-stacks': [] } }),
      nag: false,
      defaultAccount: account,
      defaultRegion: 'us-east-1',
    });
}

describe('deploying into the management account', () => {
  it('is refused at synth when the credentials are the management account, naming both choices', () => {
    const build = buildFor({}, MANAGEMENT);
    expect(build).toThrow(TeamConfigError);
    expect(build).toThrow(/organization management account/);
    expect(build).toThrow(/delegated administrator with bin\/management-account\.ts/);
    expect(build).toThrow(/"deployInManagementAccount": true/);
  });

  it('is refused at synth when the opt-in meets a member account', () => {
    expect(buildFor({ deployInManagementAccount: true }, '222233334444')).toThrow(
      /"deployInManagementAccount" is true, but TEAM is being deployed to 222233334444/,
    );
  });

  describe('with deployInManagementAccount', () => {
    const synth = synthTeam({ account: MANAGEMENT, deployInManagementAccount: true });
    afterAll(() => synth.cleanup());
    const { template, stack } = synth;

    /** The statements of a function's role, with their effect. */
    const statementsOf = (fn: FunctionName) => {
      const role = logicalIdOf(stack.functions[fn].role);
      return Object.values(template.findResources('AWS::IAM::Policy'))
        .map((p) => p as { Properties: { Roles?: unknown[]; PolicyDocument: { Statement: Statement[] } } })
        .filter((p) => (p.Properties.Roles ?? []).map(flat).includes(`<${role}>`))
        .flatMap((p) => p.Properties.PolicyDocument.Statement)
        .map((s) => ({
          effect: s.Effect,
          actions: ([] as string[]).concat(s.Action),
          resources: ([] as unknown[]).concat(s.Resource).map(flat),
        }));
    };

    it('says which model it was deployed with', () => {
      const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
      expect(outputs['DeploymentModel']?.Value).toBe('management-account');
      expect(outputs['DeploymentModel']?.Description).toContain('deployInManagementAccount');
    });

    it('never lets TEAM create or delete an account assignment in the management account', () => {
      const deny = {
        effect: 'Deny',
        actions: ['sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment'],
        resources: [`arn:<AWS::Partition>:sso:::account/${MANAGEMENT}`],
      };
      for (const fn of ['workflowTasks', 'reconciler'] as const) {
        const statements = statementsOf(fn);
        expect(statements, fn).toContainEqual(deny);
        // The allow stays scoped to the instance, its permission sets and the member accounts.
        expect(
          statements.find((s) => s.effect === 'Allow' && s.actions.includes('sso:CreateAccountAssignment')),
        ).toBeDefined();
      }
      expect(statementsOf('api').some((s) => s.effect === 'Deny')).toBe(false);
    });
  });
});
