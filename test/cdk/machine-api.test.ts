/**
 * The machine API in the stack: the user pool's resource server and its scopes, the confidential
 * client-credentials client, what the stack outputs say about getting a token, and the api
 * function knowing the client by name. AppSync's user-pool mode takes the client's access tokens
 * as they are (no app client filter), so no other auth mode is added.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MACHINE_SCOPE_NAMES } from '../../lambdas/contract/machine-api';
import { flat, logicalIdOf, synthTeam } from './support';

describe('machine API', () => {
  const synth = synthTeam();
  afterAll(() => synth.cleanup());
  const { template, stack } = synth;
  const userPool = logicalIdOf(stack.identity.userPool);
  const machineClient = logicalIdOf(stack.identity.machineClient);
  const resourceServer = logicalIdOf(stack.identity.resourceServer);
  const domain = 'team-demo-<AWS::AccountId>.auth.<AWS::Region>.amazoncognito.com';

  it('defines the resource server "team" with exactly the three scopes', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'team',
      UserPoolId: { Ref: userPool },
    });
    const server = template.findResources('AWS::Cognito::UserPoolResourceServer')[resourceServer] as {
      Properties: { Scopes: { ScopeName: string; ScopeDescription: string }[] };
    };
    expect(server.Properties.Scopes.map((s) => s.ScopeName)).toEqual([
      'policies.read',
      'policies.write',
      'audit.read',
    ]);
    expect(MACHINE_SCOPE_NAMES).toEqual(server.Properties.Scopes.map((s) => s.ScopeName));
    for (const scope of server.Properties.Scopes) expect(scope.ScopeDescription.length).toBeGreaterThan(10);
  });

  it('has a "machine" client: client credentials only, a generated secret, exactly the team scopes', () => {
    const client = template.findResources('AWS::Cognito::UserPoolClient')[machineClient] as {
      Properties: Record<string, unknown>;
    };
    expect(client.Properties).toMatchObject({
      ClientName: 'machine',
      UserPoolId: { Ref: userPool },
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthFlowsUserPoolClient: true,
      SupportedIdentityProviders: ['COGNITO'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 60,
    });
    expect((client.Properties.AllowedOAuthScopes as unknown[]).map(flat)).toEqual([
      `<${resourceServer}>/policies.read`,
      `<${resourceServer}>/policies.write`,
      `<${resourceServer}>/audit.read`,
    ]);
    // No person signs in through it: no callback, no user-facing flow, no OpenID scopes.
    expect(client.Properties.CallbackURLs).toBeUndefined();
    expect(JSON.stringify(client.Properties)).not.toMatch(/openid|"code"|implicit/);
  });

  it('outputs the token endpoint, the client id and how to read the secret, never the secret', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description: string }>;
    const value = (id: string) => flat(outputs[id]?.Value);
    expect(value('MachineTokenEndpoint')).toBe(`https://${domain}/oauth2/token`);
    expect(value('MachineClientId')).toBe(`<${machineClient}>`);
    expect(value('MachineClientSecretCommand')).toBe(
      `aws cognito-idp describe-user-pool-client --region <AWS::Region> --user-pool-id <${userPool}> ` +
        `--client-id <${machineClient}> --query UserPoolClient.ClientSecret --output text`,
    );
    expect(outputs['MachineClientSecretCommand']?.Description).toMatch(/client secret/);
    expect(JSON.stringify(template.toJSON())).not.toContain('ClientSecret"]');
  });

  it('the token endpoint is on the user pool domain the SAML sign-in uses', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['team-demo-', { Ref: 'AWS::AccountId' }]] },
      UserPoolId: { Ref: userPool },
    });
    expect(flat(stack.identity.tokenEndpoint)).toContain('/oauth2/token');
  });

  it('lets AppSync take the machine client’s tokens in user-pool mode (no app client filter)', () => {
    const api = Object.values(template.findResources('AWS::AppSync::GraphQLApi'))[0] as {
      Properties: { UserPoolConfig: Record<string, unknown>; AdditionalAuthenticationProviders: unknown[] };
    };
    expect(api.Properties.UserPoolConfig['AppIdClientRegex']).toBeUndefined();
    expect(api.Properties.AdditionalAuthenticationProviders).toEqual([{ AuthenticationType: 'AWS_IAM' }]);
  });

  it('tells the api function (only) the client’s name, for updatedBy', () => {
    const functions = template.findResources('AWS::Lambda::Function') as Record<
      string,
      { Properties: { Environment?: { Variables?: Record<string, unknown> } } }
    >;
    const withNames = Object.entries(functions).filter(
      ([, f]) => f.Properties.Environment?.Variables?.['TEAM_MACHINE_CLIENTS'] !== undefined,
    );
    expect(withNames.map(([id]) => id)).toEqual([logicalIdOf(stack.functions.api.function)]);
    expect(flat(withNames[0]?.[1].Properties.Environment?.Variables?.['TEAM_MACHINE_CLIENTS'])).toBe(
      `[{"clientId":"<${machineClient}>","name":"machine"}]`,
    );
  });
});
