/**
 * The `team` command line's app client: public (no secret), authorization code only, the same
 * identity provider and scopes as the SPA, and exactly one callback, the loopback URL the CLI
 * listens on; its id is a stack output and in config.json, where the CLI reads it.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_CALLBACK_PORT, cliRedirectUri } from '../../lambdas/contract/runtime-config';
import { flat, logicalIdOf, synthTeam } from './support';

describe('CLI app client', () => {
  const synth = synthTeam();
  afterAll(() => synth.cleanup());
  const { template, stack } = synth;
  const cliClient = logicalIdOf(stack.identity.cliClient);
  const clients = template.findResources('AWS::Cognito::UserPoolClient') as Record<
    string,
    { Properties: Record<string, unknown>; DependsOn?: string[] }
  >;

  it('is public: code flow only, IdentityCenter only, the SPA scopes, no secret', () => {
    const client = clients[cliClient]!.Properties;
    expect(client).toMatchObject({
      ClientName: 'team-cli',
      UserPoolId: { Ref: logicalIdOf(stack.identity.userPool) },
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      SupportedIdentityProviders: ['IdentityCenter'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 720,
      EnableTokenRevocation: true,
      PreventUserExistenceErrors: 'ENABLED',
    });
    expect(JSON.stringify(client)).not.toMatch(/client_credentials|implicit|team\//);
  });

  it('registers exactly the fixed loopback callback (Cognito matches it exactly; http for localhost only)', () => {
    const client = clients[cliClient]!.Properties;
    expect(CLI_CALLBACK_PORT).toBe(8976);
    expect(client.CallbackURLs).toEqual(['http://localhost:8976/callback']);
    expect(client.CallbackURLs).toEqual([cliRedirectUri()]);
    expect(client.LogoutURLs).toEqual(client.CallbackURLs);
  });

  it('is created after the SAML identity provider it names', () => {
    const provider = logicalIdOf(stack.identity.identityProvider);
    expect(clients[cliClient]!.DependsOn ?? []).toContain(provider);
  });

  it('is a stack output and part of config.json', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown; Description?: string }>;
    expect(flat(outputs['CliClientId']?.Value)).toBe(`<${cliClient}>`);
    expect(outputs['CliClientId']?.Description).toContain('http://localhost:8976/callback');

    const deployment = Object.values(template.findResources('Custom::CDKBucketDeployment'))[0] as {
      Properties: { SourceObjectKeys: string[] };
    };
    const configFile = deployment.Properties.SourceObjectKeys.map((k) =>
      join(synth.outdir, `asset.${k.replace(/\.zip$/, '')}`, 'config.json'),
    ).find((file) => {
      try {
        return statSync(file).isFile();
      } catch {
        return false;
      }
    });
    expect(configFile).toBeDefined();
    const config = JSON.parse(readFileSync(configFile!, 'utf8')) as Record<string, unknown>;
    expect(config.cliRedirectUri).toBe('http://localhost:8976/callback');
    // Deploy-time value: the asset holds a marker the deployment replaces with the client id.
    expect(typeof config.cliClientId).toBe('string');
    expect(config.cliClientId).not.toBe(config.userPoolClientId);
  });
});
