import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import { Kind, parse } from 'graphql';
import { afterAll, describe, expect, it } from 'vitest';
import { SUBSCRIPTION_FILTERS } from '../../graphql/subscription-filters';
import { rootFieldsOf } from '../../lib/api';
import { API_LIMITS } from '../../lambdas/contract/api-limits';
import { PROJECT_ROOT, flat, logicalIdOf, synthTeam } from './support';

/** Query/Mutation/Subscription fields of the schema, read independently of lib/api.ts. */
function schemaRootFields(): string[] {
  const doc = parse(readFileSync(join(PROJECT_ROOT, 'graphql', 'schema.graphql'), 'utf8'));
  const roots: Record<string, string> = {
    Query: 'Query',
    Mutation: 'Mutation',
    Subscription: 'Subscription',
  };
  for (const def of doc.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION) {
      for (const op of def.operationTypes) {
        roots[op.type.name.value] =
          op.operation === 'query' ? 'Query' : op.operation === 'mutation' ? 'Mutation' : 'Subscription';
      }
    }
  }
  const fields: string[] = [];
  for (const def of doc.definitions) {
    if (
      (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.OBJECT_TYPE_EXTENSION) &&
      roots[def.name.value]
    ) {
      for (const field of def.fields ?? []) fields.push(`${roots[def.name.value]}.${field.name.value}`);
    }
  }
  return fields.sort();
}

describe('sign-in (Cognito + IAM Identity Center SAML)', () => {
  const synth = synthTeam();
  afterAll(() => synth.cleanup());
  const { template, stack } = synth;
  const userPoolRef = { Ref: logicalIdOf(stack.identity.userPool) };

  it('has a federated-only user pool on the Essentials plan with the V2 pre-token trigger', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      UserPoolTier: 'ESSENTIALS',
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [logicalIdOf(stack.functions.preToken.function), 'Arn'] },
          LambdaVersion: 'V2_0',
        },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalIdOf(stack.functions.preToken.function), 'Arn'] },
    });
  });

  it('federates IAM Identity Center as SAML provider "IdentityCenter" from the metadata URL, mapping Email', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolIdentityProvider', {
      ProviderName: 'IdentityCenter',
      ProviderType: 'SAML',
      UserPoolId: userPoolRef,
      ProviderDetails: Match.objectLike({
        MetadataURL: 'https://portal.sso.us-east-1.amazonaws.com/saml/metadata/DEMO-PLACEHOLDER',
      }),
      AttributeMapping: { email: 'Email' },
    });
  });

  it('declares the Admin and Auditors groups used by the AppSync rules', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: 'Admin',
      UserPoolId: userPoolRef,
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolGroup', {
      GroupName: 'Auditors',
      UserPoolId: userPoolRef,
    });
  });

  it('has one public SPA client: code flow, IdentityCenter only, 60 min tokens, 12 h refresh, app URL callbacks', () => {
    const clients = template.findResources('AWS::Cognito::UserPoolClient') as Record<
      string,
      { Properties: Record<string, unknown> }
    >;
    // The others: the machine API's confidential client (machine-api.test.ts) and the command
    // line's public one (cli-client.test.ts).
    const cliClient = logicalIdOf(stack.identity.cliClient);
    const publicClients = Object.entries(clients)
      .filter(([id, c]) => c.Properties.GenerateSecret !== true && id !== cliClient)
      .map(([, c]) => c);
    expect(publicClients).toHaveLength(1);
    const client = clients[logicalIdOf(stack.identity.client)]!.Properties;
    expect(publicClients[0]!.Properties).toBe(client);
    expect(client).toMatchObject({
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile'],
      SupportedIdentityProviders: ['IdentityCenter'],
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
      AccessTokenValidity: 60,
      IdTokenValidity: 60,
      RefreshTokenValidity: 720,
      TokenValidityUnits: { AccessToken: 'minutes', IdToken: 'minutes', RefreshToken: 'minutes' },
      EnableTokenRevocation: true,
    });
    const distribution = logicalIdOf(stack.web.distribution);
    expect((client.CallbackURLs as unknown[]).map(flat)).toEqual([
      `https://<${distribution}.DomainName>/`,
      `https://<${distribution}.DomainName>`,
    ]);
    expect(client.LogoutURLs).toEqual(client.CallbackURLs);
    expect(JSON.stringify(client)).not.toContain('localhost');
  });

  it('prints the IdC SAML application values as stack outputs', () => {
    const outputs = template.toJSON().Outputs as Record<string, { Value: unknown }>;
    const value = (id: string) => flat(outputs[id]?.Value);
    const domain = `team-demo-<AWS::AccountId>.auth.<AWS::Region>.amazoncognito.com`;
    expect(value('SamlAcsUrl')).toBe(`https://${domain}/saml2/idpresponse`);
    expect(value('SamlAudience')).toBe(`urn:amazon:cognito:sp:<${logicalIdOf(stack.identity.userPool)}>`);
    const start = value('ApplicationStartUrl');
    expect(start).toMatch(new RegExp(`^https://${domain.replace(/[.<>:]/g, '\\$&')}/oauth2/authorize\\?`));
    expect(start).toContain('identity_provider=IdentityCenter');
    expect(start).toContain(`client_id=<${logicalIdOf(stack.identity.client)}>`);
    expect(start).toContain('response_type=code');
    expect(start).toContain('scope=openid+email+profile');
    expect(start).toContain(
      `redirect_uri=https%3A%2F%2F<${logicalIdOf(stack.web.distribution)}.DomainName>%2F`,
    );
    for (const id of ['AppUrl', 'GraphqlUrl', 'NotificationTopicArn', 'SlackSecretName'])
      expect(outputs[id]).toBeDefined();
  });

  it('allows the local dev server only when the config says dev', () => {
    const dev = synthTeam({ dev: true });
    try {
      const client = dev.template.findResources('AWS::Cognito::UserPoolClient')[
        logicalIdOf(dev.stack.identity.client)
      ] as { Properties: { CallbackURLs: unknown[] } };
      expect(client.Properties.CallbackURLs.map(flat)).toEqual(
        expect.arrayContaining(['http://127.0.0.1:5173/']),
      );
    } finally {
      dev.cleanup();
    }
  });
});

describe('GraphQL API', () => {
  const synth = synthTeam();
  afterAll(() => synth.cleanup());
  const { template, stack } = synth;

  it('uses user pools by default, IAM as additional mode, X-Ray, ERROR logs without content, no introspection', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      AuthenticationType: 'AMAZON_COGNITO_USER_POOLS',
      UserPoolConfig: Match.objectLike({
        DefaultAction: 'ALLOW',
        UserPoolId: { Ref: logicalIdOf(stack.identity.userPool) },
      }),
      AdditionalAuthenticationProviders: [{ AuthenticationType: 'AWS_IAM' }],
      XrayEnabled: true,
      LogConfig: Match.objectLike({ FieldLogLevel: 'ERROR', ExcludeVerboseContent: true }),
      IntrospectionConfig: 'DISABLED',
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: {
        'Fn::Join': ['', ['/aws/appsync/apis/', { 'Fn::GetAtt': [logicalIdOf(stack.api.api), 'ApiId'] }]],
      },
      RetentionInDays: 365,
    });
  });

  it('limits query depth and resolver count to the numbers the local AppSync applies', () => {
    template.hasResourceProperties('AWS::AppSync::GraphQLApi', {
      QueryDepthLimit: API_LIMITS.queryDepth,
      ResolverCountLimit: API_LIMITS.resolverCount,
    });
    // Within AppSync's ranges (1–75 levels, 1–10,000 resolvers); 0 would mean no limit.
    expect(API_LIMITS.queryDepth).toBeGreaterThanOrEqual(1);
    expect(API_LIMITS.queryDepth).toBeLessThanOrEqual(75);
    expect(API_LIMITS.resolverCount).toBeGreaterThanOrEqual(1);
    expect(API_LIMITS.resolverCount).toBeLessThanOrEqual(10_000);
  });

  it('loads graphql/schema.graphql unchanged', () => {
    const schema = Object.values(template.findResources('AWS::AppSync::GraphQLSchema'))[0] as {
      Properties: { Definition: string };
    };
    expect(schema.Properties.Definition).toBe(
      readFileSync(join(PROJECT_ROOT, 'graphql', 'schema.graphql'), 'utf8'),
    );
  });

  it('has an APPSYNC_JS resolver to the api function for EVERY Query, Mutation and Subscription field', () => {
    const expected = schemaRootFields();
    expect(expected.length).toBeGreaterThan(10);
    const resolvers = Object.values(template.findResources('AWS::AppSync::Resolver')) as {
      Properties: Record<string, unknown>;
    }[];
    const found = resolvers
      .map((r) => `${String(r.Properties.TypeName)}.${String(r.Properties.FieldName)}`)
      .sort();
    expect(found).toEqual(expected);
    const dataSources = Object.values(template.findResources('AWS::AppSync::DataSource')) as {
      Properties: { Name: string };
    }[];
    expect(dataSources).toHaveLength(1);
    for (const { Properties: p } of resolvers) {
      expect(p.DataSourceName).toBe(dataSources[0]!.Properties.Name);
      expect(p.Kind ?? 'UNIT').toBe('UNIT');
      // The code itself is tested in api-realtime.test.ts; no VTL anywhere.
      expect(p.Runtime).toEqual({ Name: 'APPSYNC_JS', RuntimeVersion: '1.0.0' });
      const filtered = p.TypeName === 'Subscription' && SUBSCRIPTION_FILTERS[String(p.FieldName)];
      expect(String(p.Code).includes('setSubscriptionFilter')).toBe(Boolean(filtered));
      for (const absent of [
        'RequestMappingTemplate',
        'ResponseMappingTemplate',
        'RequestMappingTemplateS3Location',
      ]) {
        expect(p[absent]).toBeUndefined();
      }
    }
    template.hasResourceProperties('AWS::AppSync::DataSource', {
      Type: 'AWS_LAMBDA',
      LambdaConfig: {
        LambdaFunctionArn: { 'Fn::GetAtt': [logicalIdOf(stack.functions.api.function), 'Arn'] },
      },
    });
  });

  it('finds root fields in extend blocks and renamed root types too', () => {
    const sdl = `
      schema { query: Q mutation: M }
      type Q { a: Int }
      extend type Q { b: Int }
      type M { c(input: Int): Int @aws_iam }
      type Query { notRoot: Int }
      type Subscription { s: Int @aws_subscribe(mutations: ["c"]) }`;
    expect(rootFieldsOf(sdl).map((f) => `${f.typeName}.${f.fieldName}`)).toEqual([
      'Query.a',
      'Query.b',
      'Mutation.c',
      'Subscription.s',
    ]);
    expect(rootFieldsOf(sdl).find((f) => f.fieldName === 'c')?.directives).toEqual(['aws_iam']);
  });

  it('lets the backend call only its IAM publish mutations', () => {
    expect(stack.api.iamMutations().sort()).toEqual(['publishRequestChange', 'publishSessionLogQuery']);
    expect(() => stack.api.grantIamMutations(stack.functions.workflowTasks.role, 'createRequest')).toThrow(
      /no IAM-authorized mutation "createRequest"/,
    );
  });
});
