import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  MACHINE_CLIENT_NAME,
  MACHINE_RESOURCE_SERVER,
  MACHINE_SCOPE_DESCRIPTIONS,
  MACHINE_SCOPE_NAMES,
} from '../lambdas/contract/machine-api';
import { cliRedirectUri } from '../lambdas/contract/runtime-config';

/** Name of the SAML identity provider; the SPA and the IdC app start URL refer to it. */
export const IDENTITY_PROVIDER_NAME = 'IdentityCenter';

/** Cognito groups referenced by the AppSync auth rules; tokens get them from the pre-token trigger. */
export const COGNITO_GROUPS = { admin: 'Admin', auditors: 'Auditors' } as const;

/** OAuth scopes the SPA asks for (no aws.cognito.signin.user.admin: users must not edit their attributes). */
export const OAUTH_SCOPES = ['openid', 'email', 'profile'] as const;

/** Local SPA dev server, allowed as a callback only when the config says `dev: true`. */
export const DEV_APP_URL = 'http://127.0.0.1:5173';

export interface TeamIdentityProps {
  /** IAM Identity Center SAML metadata URL of the TEAM application. */
  readonly samlMetadataUrl: string;
  /** Pre-token-generation trigger (V2_0): adds IdC user id, groups and personas to tokens. */
  readonly preTokenFunction: lambda.IFunction;
  /** Prefix of the Cognito domain (…auth.<region>.amazoncognito.com); ignored with a custom domain. */
  readonly domainPrefix: string;
  /** Custom sign-in domain (with a us-east-1 certificate covering it). */
  readonly customDomain?: { readonly domainName: string; readonly certificateArn: string };
  readonly removalPolicy: RemovalPolicy;
}

/**
 * Sign-in: a Cognito user pool that only federates IAM Identity Center (SAML), the hosted-UI
 * domain, the V2 pre-token trigger, the machine API (resource server `team` with its scopes and
 * the confidential `machine` client, client-credentials grant only), the `team` command line's
 * public client (authorization code + PKCE, loopback callback), and (with `addWebClient`,
 * once the app URL is known) the SPA's public client (authorization code + PKCE).
 */
export class TeamIdentity extends Construct {
  readonly userPool: cognito.UserPool;
  private webClient?: cognito.UserPoolClient;
  readonly domain: cognito.UserPoolDomain;
  readonly identityProvider: cognito.UserPoolIdentityProviderSaml;
  /** The machine API's resource server (`team`) and its scopes. */
  readonly resourceServer: cognito.UserPoolResourceServer;
  /** The automation client: client credentials, a generated secret, the `team/*` scopes. */
  readonly machineClient: cognito.UserPoolClient;
  /**
   * The `team` command line's public client: authorization code + PKCE through the loopback
   * redirect `http://localhost:8976/callback` (docs/cli.md).
   */
  readonly cliClient: cognito.UserPoolClient;
  /** The CLI client's one callback URL (Cognito allows http for localhost only, matched exactly). */
  readonly cliCallbackUrl = cliRedirectUri();
  /** Where a machine client gets its tokens: `https://<domain>/oauth2/token`. */
  readonly tokenEndpoint: string;
  /** Host name of the Cognito domain (no scheme). */
  readonly domainHost: string;
  /** The IdC custom SAML application's values (stack outputs). */
  readonly samlAcsUrl: string;
  readonly samlAudience: string;
  /** Set by addWebClient. */
  applicationStartUrl = '';
  /** Callback and sign-out URLs registered on the client. */
  callbackUrls: string[] = [];

  constructor(scope: Construct, id: string, props: TeamIdentityProps) {
    super(scope, id);

    this.userPool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      // V2_0 pre-token triggers need the Essentials plan.
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      signInAliases: { username: true },
      standardAttributes: { email: { required: false, mutable: true } },
      accountRecovery: cognito.AccountRecovery.NONE,
      mfa: cognito.Mfa.OFF,
      // Nobody signs in with a password (federated only); the policy is strict anyway.
      passwordPolicy: {
        minLength: 14,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(1),
      },
      deletionProtection: props.removalPolicy === RemovalPolicy.RETAIN,
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.userPool).acknowledge(
      {
        id: 'AwsSolutions-COG2',
        reason:
          'Users only sign in through IAM Identity Center (SAML); MFA is enforced there. The pool has no local passwords.',
      },
      {
        id: 'AwsSolutions-COG8',
        reason:
          'The Plus plan threat protection analyses Cognito-local sign-ins, which are disabled; sign-in risk is handled by IAM Identity Center.',
      },
    );

    this.userPool.addTrigger(
      cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      props.preTokenFunction,
      cognito.LambdaVersion.V2_0,
    );

    new cognito.CfnUserPoolGroup(this, 'AdminGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: COGNITO_GROUPS.admin,
      description: 'TEAM admins (added to tokens by the pre-token trigger from IdC group membership)',
      precedence: 2,
    });
    new cognito.CfnUserPoolGroup(this, 'AuditorsGroup', {
      userPoolId: this.userPool.userPoolId,
      groupName: COGNITO_GROUPS.auditors,
      description: 'TEAM auditors (added to tokens by the pre-token trigger from IdC group membership)',
      precedence: 1,
    });

    this.identityProvider = new cognito.UserPoolIdentityProviderSaml(this, 'IdentityCenter', {
      userPool: this.userPool,
      name: IDENTITY_PROVIDER_NAME,
      metadata: cognito.UserPoolIdentityProviderSamlMetadata.url(props.samlMetadataUrl),
      attributeMapping: { email: cognito.ProviderAttribute.other('Email') },
      idpSignout: false,
      idpInitiated: false,
    });

    if (props.customDomain) {
      this.domain = this.userPool.addDomain('Domain', {
        customDomain: {
          domainName: props.customDomain.domainName,
          certificate: acm.Certificate.fromCertificateArn(
            this,
            'DomainCertificate',
            props.customDomain.certificateArn,
          ),
        },
      });
      this.domainHost = props.customDomain.domainName;
    } else {
      this.domain = this.userPool.addDomain('Domain', {
        cognitoDomain: { domainPrefix: props.domainPrefix },
      });
      this.domainHost = `${props.domainPrefix}.auth.${Aws.REGION}.amazoncognito.com`;
    }

    this.samlAcsUrl = `https://${this.domainHost}/saml2/idpresponse`;
    this.samlAudience = `urn:amazon:cognito:sp:${this.userPool.userPoolId}`;

    const scopes = MACHINE_SCOPE_NAMES.map(
      (name) =>
        new cognito.ResourceServerScope({
          scopeName: name,
          scopeDescription: MACHINE_SCOPE_DESCRIPTIONS[name],
        }),
    );
    this.resourceServer = this.userPool.addResourceServer('MachineApi', {
      identifier: MACHINE_RESOURCE_SERVER,
      userPoolResourceServerName: 'TEAM API',
      scopes,
    });
    this.machineClient = this.userPool.addClient('MachineClient', {
      userPoolClientName: MACHINE_CLIENT_NAME,
      generateSecret: true,
      oAuth: {
        flows: { clientCredentials: true },
        scopes: scopes.map((scope) => cognito.OAuthScope.resourceServer(this.resourceServer, scope)),
      },
      // No person signs in with this client: no identity provider, no user flows.
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      accessTokenValidity: Duration.minutes(60),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    // As for the web client: an empty ExplicitAuthFlows would allow SRP and custom auth.
    (this.machineClient.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = [
      'ALLOW_REFRESH_TOKEN_AUTH',
    ];
    this.tokenEndpoint = `https://${this.domainHost}/oauth2/token`;

    // Engineers sign in from a terminal like `aws sso login`: the same identity provider and
    // scopes as the SPA, no secret (a native app cannot keep one), and the one fixed loopback
    // callback the CLI listens on.
    this.cliClient = this.addPublicClient('CliClient', [this.cliCallbackUrl], 'team-cli');
  }

  /**
   * A public app client of people signing in through Identity Center: authorization code (PKCE)
   * only, no secret, the given callback and sign-out URLs, 60-minute access and ID tokens,
   * 12-hour refresh tokens.
   */
  private addPublicClient(id: string, callbackUrls: string[], name?: string): cognito.UserPoolClient {
    const client = this.userPool.addClient(id, {
      ...(name !== undefined ? { userPoolClientName: name } : {}),
      generateSecret: false,
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls,
        logoutUrls: callbackUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.custom(IDENTITY_PROVIDER_NAME)],
      accessTokenValidity: Duration.minutes(60),
      idTokenValidity: Duration.minutes(60),
      refreshTokenValidity: Duration.hours(12),
      enableTokenRevocation: true,
      preventUserExistenceErrors: true,
    });
    client.node.addDependency(this.identityProvider);
    // No user-password or SRP flows: the L2 leaves ExplicitAuthFlows empty, which Cognito
    // reads as "SRP and custom auth allowed". Only refreshing tokens is needed.
    (client.node.defaultChild as cognito.CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
    return client;
  }

  /**
   * The AWS CLI command that prints the machine client's secret (its value never appears in the
   * template or the stack outputs).
   */
  get machineSecretCommand(): string {
    return [
      'aws cognito-idp describe-user-pool-client',
      `--region ${Aws.REGION}`,
      `--user-pool-id ${this.userPool.userPoolId}`,
      `--client-id ${this.machineClient.userPoolClientId}`,
      '--query UserPoolClient.ClientSecret --output text',
    ].join(' ');
  }

  /** The SPA's app client (after addWebClient). */
  get client(): cognito.UserPoolClient {
    if (!this.webClient) throw new Error('TeamIdentity: call addWebClient first');
    return this.webClient;
  }

  /**
   * Adds the SPA's public client: authorization code (PKCE) only, IdentityCenter only, the app
   * URL (and http://127.0.0.1:5173 when `dev`) as callback and sign-out URL, 60-minute access
   * and ID tokens, 12-hour refresh tokens.
   */
  addWebClient(appHost: string, dev: boolean): cognito.UserPoolClient {
    if (this.webClient) throw new Error('TeamIdentity: the web client exists already');
    const appUrl = `https://${appHost}`;
    const appUrls = [appUrl, ...(dev ? [DEV_APP_URL] : [])];
    // Registered with and without the trailing slash: the redirect_uri must match exactly.
    this.callbackUrls = appUrls.flatMap((url) => [`${url}/`, url]);
    this.webClient = this.addPublicClient('WebClient', this.callbackUrls);

    const query = [
      `identity_provider=${IDENTITY_PROVIDER_NAME}`,
      `client_id=${this.webClient.userPoolClientId}`,
      'response_type=code',
      `scope=${OAUTH_SCOPES.join('+')}`,
      // Encoded by hand: the host may be a deploy-time token, which encodeURIComponent would mangle.
      `redirect_uri=https%3A%2F%2F${appHost}%2F`,
    ];
    this.applicationStartUrl = `https://${this.domainHost}/oauth2/authorize?${query.join('&')}`;
    return this.webClient;
  }
}
