import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  Aws,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  Token,
  Validations,
  type StackProps,
} from 'aws-cdk-lib';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as route53Targets from 'aws-cdk-lib/aws-route53-targets';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TeamApi } from './api';
import { TeamAuditLogs } from './audit-logs';
import {
  deploymentAccountProblem,
  stackNameOf,
  supportLinksOf,
  TeamConfigError,
  type TeamConfig,
} from './config';
import { TeamData, type TableAccess } from './data';
import { FUNCTION_ENTRIES, TeamFunction, type FunctionName } from './function';
import { IDENTITY_PROVIDER_NAME, TeamIdentity } from './identity';
import { RequestWorkflowStateMachine } from './request-workflow';
import { acknowledgeCdkProviderFindings, acknowledgeWildcardResources } from './nag';
import { TeamNotifications } from './notifications';
import { ENV, RECONCILER_FUNCTION_NAME_ENV } from '../lambdas/contract/env';
import { MACHINE_CLIENT_NAME } from '../lambdas/contract/machine-api';
import { TABLE_ENV, TABLE_IDS, type TableKey } from '../lambdas/contract/tables';
import { TeamWaf, TeamWeb, cognitoIdpEndpoint } from './web';
import { TeamWorkflows } from './workflows';

/** What one function may do: the single place where TEAM's least-privilege matrix lives. */
export interface FunctionAccess {
  /** Tables and access; indexes default to all of the table's indexes when reading, `[]` for none. */
  readonly tables: Partial<
    Record<TableKey, { readonly access: TableAccess; readonly indexes?: readonly string[] }>
  >;
  /** identitystore Describe/Get/List on the configured identity store. */
  readonly directory?: boolean;
  /** sso List/Describe of permission sets, accounts and assignments of the configured instance. */
  readonly ssoRead?: boolean;
  /** sso Create/Delete account assignment and their status calls. */
  readonly ssoAssign?: boolean;
  /** organizations Describe/List. */
  readonly organizations?: boolean;
}

/**
 * Per-function permissions (the rest: topic, SES, secret, AppSync, session logs, the workflow's
 * state machine, is wired below). Tables and indexes are the ones the function's code calls.
 */
export const FUNCTION_ACCESS: Readonly<Record<FunctionName, FunctionAccess>> = {
  api: {
    tables: {
      requests: { access: 'readwrite' },
      requestApprovers: { access: 'readwrite' },
      auditEvents: { access: 'readwrite' },
      policies: { access: 'readwrite' },
      settings: { access: 'readwrite' },
      grants: { access: 'read', indexes: [] },
      sessionLogQueries: { access: 'readwrite' },
      ouAccountsCache: { access: 'readwrite' },
      // Session review: the flagged sessions (index byReviewState) and their reviews.
      sessionSummaries: { access: 'readwrite', indexes: ['byReviewState'] },
      // The dashboard's counters; a session marked reviewed is counted.
      aggregates: { access: 'readwrite' },
    },
    directory: true,
    ssoRead: true,
    organizations: true,
  },
  router: {
    tables: {
      requests: { access: 'readwrite', indexes: [] },
      requestApprovers: { access: 'write' },
      auditEvents: { access: 'write' },
      settings: { access: 'read' },
      aggregates: { access: 'readwrite' },
    },
  },
  preToken: {
    tables: { settings: { access: 'read' } },
    directory: true,
  },
  // Pages through every grant (index byKind), reads the requests behind them, repairs
  // assignments and records each repair (and its notifications) as an audit event; ends a
  // request whose access it revoked past its end time (a status change, approver rows included).
  // Daily, the policy check reads every policy, the directory and the organization, and
  // stores its report beside the policies. On an admin's demand it rebuilds the dashboard's
  // counters from every request (index byCreated).
  reconciler: {
    tables: {
      requests: { access: 'readwrite', indexes: ['byCreated'] },
      aggregates: { access: 'readwrite' },
      requestApprovers: { access: 'write' },
      auditEvents: { access: 'write' },
      grants: { access: 'readwrite', indexes: ['byKind'] },
      settings: { access: 'read' },
      policies: { access: 'readwrite', indexes: [] },
      // A request it ends makes its session's summary due (a conditional put); the dashboard's
      // rebuild reads the flagged sessions.
      sessionSummaries: { access: 'readwrite', indexes: ['byReviewState'] },
    },
    directory: true,
    organizations: true,
    ssoRead: true,
    ssoAssign: true,
  },
  // Follows the api's queries; on its schedule, computes the session summaries that are due
  // (index byDue) from the requests and the sensitive actions of the settings.
  sessionLogs: {
    tables: {
      requests: { access: 'read', indexes: [] },
      sessionLogQueries: { access: 'readwrite' },
      settings: { access: 'read' },
      sessionSummaries: { access: 'readwrite', indexes: ['byDue'] },
      // A flagged session is counted for the dashboard.
      aggregates: { access: 'readwrite' },
    },
  },
  // Every workflow step: status changes (request, approver rows, audit event in one
  // transaction), grant records, assignments, the notifications' audit events, and the
  // members of the escalation groups when a request escalates.
  workflowTasks: {
    tables: {
      requests: { access: 'readwrite', indexes: [] },
      requestApprovers: { access: 'write' },
      auditEvents: { access: 'write' },
      grants: { access: 'readwrite', indexes: [] },
      settings: { access: 'read' },
      chat: { access: 'readwrite' },
      aggregates: { access: 'readwrite' },
      // The end of access makes the session's summary due (a conditional put).
      sessionSummaries: { access: 'write' },
    },
    directory: true,
    ssoRead: true,
    ssoAssign: true,
  },
  // Slack's Approve and Reject: reads the request and the settings, writes the decision (request,
  // approver rows and audit event in one transaction), finds the person by email, and keeps the
  // approvers' messages and the signatures already accepted.
  slackInteractions: {
    tables: {
      requests: { access: 'readwrite', indexes: [] },
      requestApprovers: { access: 'write' },
      auditEvents: { access: 'write' },
      settings: { access: 'read' },
      chat: { access: 'readwrite' },
    },
    directory: true,
  },
};

/** Memory, timeout and description of each function (the benchmarks price their time with the memory). */
export const FUNCTION_SETTINGS: Readonly<
  Record<
    FunctionName,
    {
      readonly id: string;
      readonly description: string;
      readonly memorySize: number;
      readonly timeout: Duration;
    }
  >
> = {
  api: { id: 'Api', description: 'TEAM GraphQL resolvers', memorySize: 1024, timeout: Duration.seconds(28) },
  router: {
    id: 'Router',
    description: 'TEAM Requests stream router',
    memorySize: 512,
    timeout: Duration.seconds(60),
  },
  // Cognito gives a trigger 5 seconds; more memory means a faster cold start.
  preToken: {
    id: 'PreToken',
    description: 'TEAM pre-token generation',
    memorySize: 1024,
    timeout: Duration.seconds(5),
  },
  reconciler: {
    id: 'Reconciler',
    description: 'TEAM grant reconciler',
    memorySize: 512,
    // A run takes seconds; rebuilding the dashboard's counters reads every request.
    timeout: Duration.minutes(15),
  },
  // Follows one query for up to ten minutes (lambdas/handlers/session-logs.ts), plus a margin.
  sessionLogs: {
    id: 'SessionLogs',
    description: 'TEAM session activity logs',
    memorySize: 512,
    timeout: Duration.minutes(11),
  },
  workflowTasks: {
    id: 'WorkflowTasks',
    description: 'TEAM request workflow tasks',
    memorySize: 512,
    timeout: Duration.seconds(60),
  },
  // Slack waits 3 seconds for an answer; more memory means a faster cold start.
  slackInteractions: {
    id: 'SlackInteractions',
    description: 'TEAM Slack interactivity (Approve and Reject)',
    memorySize: 1024,
    timeout: Duration.seconds(10),
  },
};

const DIRECTORY_ACTIONS = [
  'identitystore:DescribeUser',
  'identitystore:GetUserId',
  'identitystore:ListUsers',
  'identitystore:DescribeGroup',
  'identitystore:GetGroupId',
  'identitystore:ListGroups',
  'identitystore:DescribeGroupMembership',
  'identitystore:GetGroupMembershipId',
  'identitystore:ListGroupMemberships',
  'identitystore:ListGroupMembershipsForMember',
  'identitystore:IsMemberInGroups',
];
const SSO_READ_ACTIONS = [
  'sso:DescribeInstance',
  'sso:ListPermissionSets',
  'sso:DescribePermissionSet',
  'sso:ListPermissionSetsProvisionedToAccount',
  'sso:ListAccountsForProvisionedPermissionSet',
  'sso:ListAccountAssignments',
  'sso:ListAccountAssignmentsForPrincipal',
];
const SSO_ASSIGN_ACTIONS = [
  'sso:CreateAccountAssignment',
  'sso:DeleteAccountAssignment',
  'sso:DescribeAccountAssignmentCreationStatus',
  'sso:DescribeAccountAssignmentDeletionStatus',
];
/** Organizations actions that only accept the "*" resource. */
const ORG_GLOBAL_ACTIONS = [
  'organizations:DescribeOrganization',
  'organizations:ListRoots',
  'organizations:ListAccounts',
];
const ORG_SCOPED_ACTIONS = [
  'organizations:DescribeAccount',
  'organizations:DescribeOrganizationalUnit',
  'organizations:ListAccountsForParent',
  'organizations:ListOrganizationalUnitsForParent',
  'organizations:ListChildren',
  'organizations:ListParents',
];

export interface TeamStackProps extends StackProps {
  readonly config: TeamConfig;
  /** Project root (package-lock.json, lambdas/, graphql/, web/dist). */
  readonly projectRoot: string;
  /** TEAM version shown by the SPA. */
  readonly version: string;
  /**
   * ARN of the WAF web ACL made by the us-east-1 WAF stack. When the config asks for WAF and
   * this stack is itself in us-east-1, leave it out: the web ACL is created here.
   */
  readonly webAclArn?: string;
}

/**
 * TEAM in one stack: tables, functions, sign-in, API, workflows (router, reconciler and the
 * request workflow's state machine), notifications, session-log provider and hosting.
 */
export class TeamStack extends Stack {
  readonly config: TeamConfig;
  readonly data: TeamData;
  readonly functions: Readonly<Record<FunctionName, TeamFunction>>;
  readonly identity: TeamIdentity;
  readonly api: TeamApi;
  readonly web: TeamWeb;
  readonly workflows: TeamWorkflows;
  /** One execution per request, run by the workflow-tasks function; started and resumed by the router. */
  readonly requestWorkflow: RequestWorkflowStateMachine;
  readonly notifications: TeamNotifications;
  readonly auditLogs: TeamAuditLogs;
  readonly accessLogsBucket: s3.Bucket;
  readonly waf?: TeamWaf;

  constructor(scope: Construct, id: string, props: TeamStackProps) {
    super(scope, id, props);
    const { config, projectRoot } = props;
    this.config = config;
    // The account is known at synth whenever there are credentials (cdk deploy always has them);
    // only then can a deployment into the management account be told from one beside it.
    if (!Token.isUnresolved(this.account)) {
      const problem = deploymentAccountProblem(config, this.account);
      const path = config.deployInManagementAccount ? 'deployInManagementAccount' : 'account';
      if (problem) throw new TeamConfigError(problem, [{ path, message: problem }]);
    }
    const removalPolicy = config.removalPolicy === 'retain' ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = config.logRetentionDays as logs.RetentionDays;
    const name = stackNameOf(config);

    this.accessLogsBucket = new s3.Bucket(this, 'AccessLogsBucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // CloudFront standard logs are delivered with ACLs.
      objectOwnership: s3.ObjectOwnership.OBJECT_WRITER,
      lifecycleRules: [{ expiration: Duration.days(config.logRetentionDays) }],
      removalPolicy,
      autoDeleteObjects: removalPolicy === RemovalPolicy.DESTROY,
    });
    Validations.of(this.accessLogsBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This is the access-log bucket of the other TEAM buckets and of CloudFront; logging it into itself would loop.',
    });

    this.data = new TeamData(this, 'Data', {
      removalPolicy,
      customerManagedKey: config.dataEncryption === 'customer-managed',
    });

    this.functions = this.createFunctions(props, removalPolicy, logRetention);
    const fns = this.functions;

    this.notifications = new TeamNotifications(this, 'Notifications', {
      slackSecretNamePrefix: `${name}/slack-bot-token`,
      senderEmail: config.notifications.senderEmail,
      sesIdentityArn: config.notifications.sesIdentityArn,
      removalPolicy,
    });

    this.auditLogs = new TeamAuditLogs(this, 'AuditLogs', {
      config: config.sessionLogs,
      environment: config.environment,
      removalPolicy,
      accessLogsBucket: this.accessLogsBucket,
    });

    this.identity = new TeamIdentity(this, 'Identity', {
      samlMetadataUrl: config.identityCenter.samlMetadataUrl,
      preTokenFunction: fns.preToken.function,
      domainPrefix: config.cognitoDomainPrefix ?? `team-${config.environment}-${Aws.ACCOUNT_ID}`,
      customDomain:
        config.customDomain?.authDomainName !== undefined
          ? {
              domainName: config.customDomain.authDomainName,
              certificateArn: config.customDomain.certificateArn,
            }
          : undefined,
      removalPolicy,
    });

    this.api = new TeamApi(this, 'Api', {
      name: `team-${config.environment}`,
      schemaPath: join(projectRoot, 'graphql', 'schema.graphql'),
      userPool: this.identity.userPool,
      apiFunction: fns.api.function,
      logRetention,
      logRemovalPolicy: removalPolicy,
    });

    let webAclArn = props.webAclArn;
    if (config.waf && !webAclArn) {
      if (this.region !== 'us-east-1') {
        throw new Error(
          'WAF for CloudFront must be created in us-east-1: deploy this stack there, or pass webAclArn from the us-east-1 WAF stack (buildTeamApp in lib/app.ts does this).',
        );
      }
      this.waf = new TeamWaf(this, 'Waf', { allowedCidrs: config.waf.allowedCidrs, namePrefix: name });
      webAclArn = this.waf.webAclArn;
    }

    this.web = new TeamWeb(this, 'Web', {
      webDistPath: join(projectRoot, 'web', 'dist'),
      accessLogsBucket: this.accessLogsBucket,
      removalPolicy,
      connectSources: [
        `https://${this.api.graphqlHost}`,
        `wss://${this.api.realtimeHost}`,
        `https://${this.identity.domainHost}`,
        cognitoIdpEndpoint(),
      ],
      customDomain: config.customDomain,
      webAclArn,
    });

    const authDomain = config.customDomain?.authDomainName;
    if (authDomain && this.web.hostedZone && this.web.aliasRecord) {
      // Cognito only accepts a custom domain whose parent domain already resolves.
      this.identity.domain.node.addDependency(this.web.aliasRecord);
      // Alias to the domain's CloudFront distribution attribute; the route53-targets helper
      // would look it up with a custom resource (another Lambda) instead.
      const cognitoDomain = this.identity.domain.node.defaultChild as cognito.CfnUserPoolDomain;
      new route53.ARecord(this, 'AuthDomainAlias', {
        zone: this.web.hostedZone,
        recordName: `${authDomain}.`,
        target: route53.RecordTarget.fromAlias({
          bind: () => ({
            dnsName: cognitoDomain.attrCloudFrontDistribution,
            hostedZoneId: route53Targets.CloudFrontTarget.getHostedZoneId(this),
          }),
        }),
      });
    }

    const client = this.identity.addWebClient(this.web.appHost, config.dev);
    this.web.deploy({
      region: Aws.REGION,
      userPoolId: this.identity.userPool.userPoolId,
      userPoolClientId: client.userPoolClientId,
      oauthDomain: this.identity.domainHost,
      identityProvider: IDENTITY_PROVIDER_NAME,
      cliClientId: this.identity.cliClient.userPoolClientId,
      cliRedirectUri: this.identity.cliCallbackUrl,
      redirectSignIn: `${this.web.appUrl}/`,
      redirectSignOut: `${this.web.appUrl}/`,
      graphqlUrl: this.api.graphqlUrl,
      idcStartUrl: config.identityCenter.startUrl,
      appUrl: this.web.appUrl,
      version: props.version,
      sessionLogs: config.sessionLogs.type,
      links: supportLinksOf(config.support, props.version),
    });

    this.workflows = new TeamWorkflows(this, 'Workflows', {
      requestsTable: this.data.tables.requests,
      router: fns.router,
      reconciler: fns.reconciler,
      logRetention,
      removalPolicy,
      namePrefix: name,
    });
    // The router starts and resumes executions; the reconciler may do so too when it repairs.
    // 'Lifecycle': the construct id it was deployed with (a new id would replace the state
    // machine and end the executions under way).
    this.requestWorkflow = new RequestWorkflowStateMachine(this, 'Lifecycle', {
      workflows: this.workflows,
      tasksFunction: fns.workflowTasks.function,
      requestsTable: this.data.tables.requests,
      // The api resumes a request's wait itself right after a person's decision (the router
      // does it again from the stream, as a safety net).
      workflowOptions: {
        controlledBy: [fns.router, fns.reconciler],
        respondedBy: [fns.workflowTasks, fns.api, fns.slackInteractions],
      },
    });

    this.grantAccess();
    this.acknowledgeCdkProviders();

    this.output(
      'ApplicationStartUrl',
      this.identity.applicationStartUrl,
      'IdC SAML application: Application start URL',
    );
    this.output('SamlAcsUrl', this.identity.samlAcsUrl, 'IdC SAML application: Application ACS URL');
    this.output(
      'SamlAudience',
      this.identity.samlAudience,
      'IdC SAML application: Application SAML audience',
    );
    this.output(
      'DeploymentModel',
      config.deployInManagementAccount ? 'management-account' : 'delegated-administrator',
      config.deployInManagementAccount
        ? 'TEAM runs in the organization management account (deployInManagementAccount; docs/deployment.md, section 14)'
        : 'TEAM runs in a member account registered as delegated administrator (bin/management-account.ts)',
    );
    this.output('AppUrl', this.web.appUrl, 'TEAM web app');
    this.output('GraphqlUrl', this.api.graphqlUrl, 'AppSync GraphQL endpoint');
    this.output(
      'SlackInteractivityUrl',
      this.slackInteractivityUrl(),
      'Slack app: Interactivity Request URL (docs/slack.md)',
    );
    this.output('NotificationTopicArn', this.notifications.topic.topicArn, 'SNS topic of TEAM notifications');
    this.output(
      'SlackSecretName',
      this.notifications.slackSecret.secretName,
      'Secrets Manager secret of the Slack bot token',
    );
    this.output('UserPoolId', this.identity.userPool.userPoolId, 'Cognito user pool');
    this.output('UserPoolClientId', client.userPoolClientId, 'Cognito app client of the web app');
    this.output('CognitoDomain', this.identity.domainHost, 'Cognito hosted-UI domain');
    this.output(
      'CliClientId',
      this.identity.cliClient.userPoolClientId,
      `Cognito app client of the team command line (callback ${this.identity.cliCallbackUrl}; docs/cli.md)`,
    );
    this.output(
      'MachineClientId',
      this.identity.machineClient.userPoolClientId,
      'Machine API: app client id (client credentials; docs/machine-api.md)',
    );
    this.output(
      'MachineTokenEndpoint',
      this.identity.tokenEndpoint,
      'Machine API: OAuth token endpoint (grant_type=client_credentials, HTTP Basic client id:secret)',
    );
    this.output(
      'MachineClientSecretCommand',
      this.identity.machineSecretCommand,
      'Machine API: run this to print the client secret',
    );
    this.output(
      'DistributionDomainName',
      this.web.distribution.distributionDomainName,
      'CloudFront domain (DNS target of a custom domain)',
    );
    this.output('SiteBucketName', this.web.siteBucket.bucketName, 'S3 bucket of the web app');
    if (this.auditLogs.trailReaderRole) {
      this.output(
        'SessionLogsTrailReaderRoleArn',
        this.auditLogs.trailReaderRole.roleArn,
        'Athena session logs: the role that reads the organization trail; allow it in a trail bucket (and key) policy of another account',
      );
    }
    const summaryReader = this.auditLogs.trailReaderRoles[1];
    if (summaryReader) {
      this.output(
        'SessionReviewTrailReaderRoleArn',
        summaryReader.roleArn,
        'Athena session summaries (session review): the other role that reads the organization trail; allow it beside SessionLogsTrailReaderRoleArn',
      );
    }
    if (this.web.hasBuiltApp === false) {
      this.output(
        'WebAppNotBuilt',
        'web/dist was missing at synth: only config.json is deployed',
        'Build warning',
      );
    }
  }

  /** cdk-nag acknowledgements of the helper functions the CDK adds to the stack by itself. */
  private acknowledgeCdkProviders(): void {
    const reasons: [prefix: string, reason: string][] = [
      [
        'Custom::CDKBucketDeployment',
        'CDK BucketDeployment handler (deploys the SPA and config.json at deploy time): its role, runtime and managed policy are set by the CDK; it reads the CDK assets bucket and writes the site bucket and invalidates the distribution.',
      ],
      [
        'Custom::S3AutoDeleteObjects',
        'CDK auto-delete-objects provider, only present with removalPolicy "destroy": empties the TEAM buckets when the stack is deleted.',
      ],
      [
        'Custom::CrossRegionExportReader',
        'CDK cross-region reference reader: reads the WAF web ACL ARN that the us-east-1 WAF stack writes to SSM.',
      ],
    ];
    for (const child of this.node.children) {
      const match = reasons.find(([prefix]) => child.node.id.startsWith(prefix));
      if (match) acknowledgeCdkProviderFindings(child, match[1]);
    }
  }

  private output(id: string, value: string, description: string): void {
    new CfnOutput(this, id, { value, description });
  }

  private createFunctions(
    props: TeamStackProps,
    removalPolicy: RemovalPolicy,
    logRetention: logs.RetentionDays,
  ): Record<FunctionName, TeamFunction> {
    const { config, projectRoot } = props;
    const missing = Object.values(FUNCTION_ENTRIES).filter((entry) => !existsSync(join(projectRoot, entry)));
    if (missing.length) throw new Error(`Lambda handler entry files are missing: ${missing.join(', ')}`);

    const container = new Construct(this, 'Functions');
    const tableNames: Record<string, string> = {};
    const common: Record<string, string> = {
      [ENV.environment]: config.environment,
      [ENV.idcInstanceArn]: config.identityCenter.instanceArn,
      [ENV.identityStoreId]: config.identityCenter.identityStoreId,
      [ENV.idcRegion]: config.identityCenter.region,
      [ENV.idcStartUrl]: config.identityCenter.startUrl,
      [ENV.managementAccountId]: config.identityCenter.managementAccountId,
      [ENV.adminGroup]: config.groups.admin,
      [ENV.auditorGroup]: config.groups.auditor,
      [ENV.sessionLogProvider]: config.sessionLogs.type,
    };
    for (const [key, table] of Object.entries(this.data.tables) as [TableKey, { tableName: string }][]) {
      tableNames[TABLE_ENV[TABLE_IDS[key]]] = table.tableName;
    }
    const result = {} as Record<FunctionName, TeamFunction>;
    for (const fnName of Object.keys(FUNCTION_ENTRIES) as FunctionName[]) {
      const settings = FUNCTION_SETTINGS[fnName];
      result[fnName] = new TeamFunction(container, settings.id, {
        entry: join(projectRoot, FUNCTION_ENTRIES[fnName]),
        projectRoot,
        serviceName: `team-${fnName}`,
        description: settings.description,
        memorySize: settings.memorySize,
        timeout: settings.timeout,
        environment: { ...common, ...tableNames },
        logRetention,
        logRemovalPolicy: removalPolicy,
      });
    }
    return result;
  }

  /** Applies FUNCTION_ACCESS and the per-function extras. */
  private grantAccess(): void {
    const { config } = this;
    const fns = this.functions;
    const idc = config.identityCenter;
    const partition = Aws.PARTITION;
    const instanceId = idc.instanceArn.split('/').pop() ?? '';
    const ssoResources = [
      idc.instanceArn,
      `arn:${partition}:sso:::permissionSet/${instanceId}/*`,
      `arn:${partition}:sso:::account/*`,
    ];
    const directoryResources = [
      `arn:${partition}:identitystore::${idc.managementAccountId}:identitystore/${idc.identityStoreId}`,
      `arn:${partition}:identitystore:::user/*`,
      `arn:${partition}:identitystore:::group/*`,
      `arn:${partition}:identitystore:::membership/*`,
    ];
    const orgResources = [
      `arn:${partition}:organizations::${idc.managementAccountId}:root/o-*/r-*`,
      `arn:${partition}:organizations::${idc.managementAccountId}:ou/o-*/ou-*`,
      `arn:${partition}:organizations::${idc.managementAccountId}:account/o-*/*`,
    ];

    for (const fnName of Object.keys(FUNCTION_ACCESS) as FunctionName[]) {
      const access = FUNCTION_ACCESS[fnName];
      const fn = fns[fnName];
      for (const [table, grant] of Object.entries(access.tables) as [
        TableKey,
        { access: TableAccess; indexes?: readonly string[] },
      ][]) {
        this.data.grant(fn.role, table, grant.access, grant.indexes);
      }
      if (access.directory) {
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: DIRECTORY_ACTIONS, resources: directoryResources }),
        );
        acknowledgeWildcardResources(
          fn.role,
          directoryResources,
          'Identity Store users, groups and memberships are looked up by id at run time; reads only, within the configured identity store.',
        );
      }
      if (access.ssoRead || access.ssoAssign) {
        const actions = [
          ...(access.ssoRead ? SSO_READ_ACTIONS : []),
          ...(access.ssoAssign ? SSO_ASSIGN_ACTIONS : []),
        ];
        fn.addToRolePolicy(new iam.PolicyStatement({ actions, resources: ssoResources }));
        if (access.ssoAssign && config.deployInManagementAccount) {
          // A delegated administrator cannot assign anything in the management account: Identity
          // Center refuses. From the management account itself it could, so the refusal is
          // written down here: whatever a policy or a bug says, TEAM never grants (nor removes)
          // access to the management account.
          fn.addToRolePolicy(
            new iam.PolicyStatement({
              effect: iam.Effect.DENY,
              actions: ['sso:CreateAccountAssignment', 'sso:DeleteAccountAssignment'],
              resources: [`arn:${partition}:sso:::account/${idc.managementAccountId}`],
            }),
          );
        }
        acknowledgeWildcardResources(
          fn.role,
          ssoResources,
          'Permission sets and member accounts are chosen by eligibility policies at run time; limited to the configured Identity Center instance.',
        );
      }
      if (access.organizations) {
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ORG_GLOBAL_ACTIONS, resources: ['*'] }));
        fn.acknowledgeWildcard(
          'organizations:DescribeOrganization, ListRoots and ListAccounts support only the "*" resource (read-only).',
        );
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ORG_SCOPED_ACTIONS, resources: orgResources }));
        acknowledgeWildcardResources(
          fn.role,
          orgResources,
          'Reads the OU tree and accounts of the organization owned by the configured management account.',
        );
      }
    }

    // api: stores (never reads) the Slack token, and hands started session-log queries to the
    // session-logs function (asynchronous invoke).
    this.notifications.grantWriteSlackToken(fns.api.role);
    fns.api.addEnvironment(ENV.slackSecretArn, this.notifications.slackSecret.secretArn);
    fns.api.addEnvironment(ENV.sessionLogsFunctionName, fns.sessionLogs.functionName);
    fns.api.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [fns.sessionLogs.functionArn],
      }),
    );
    // api: names the machine client in what it changes (updatedBy).
    fns.api.addEnvironment(
      ENV.machineClients,
      this.toJsonString([
        { clientId: this.identity.machineClient.userPoolClientId, name: MACHINE_CLIENT_NAME },
      ]),
    );
    // api: starts the reconciler when an admin asks (reconcileNow), asynchronously too.
    fns.api.addEnvironment(RECONCILER_FUNCTION_NAME_ENV, fns.reconciler.functionName);
    fns.api.addToRolePolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [fns.reconciler.functionArn],
      }),
    );

    // router (people's changes), workflow tasks (the workflow's own) and session logs publish
    // realtime events through the IAM-only mutations.
    for (const fn of [fns.router, fns.workflowTasks]) {
      this.api.grantIamMutations(fn.role, 'publishRequestChange');
      fn.addEnvironment(ENV.graphqlUrl, this.api.graphqlUrl);
    }
    this.api.grantIamMutations(fns.sessionLogs.role, 'publishSessionLogQuery');
    fns.sessionLogs.addEnvironment(ENV.graphqlUrl, this.api.graphqlUrl);

    // Session logs: the api starts a query and reads its rows; the session-logs function follows
    // it to the end, and on its schedule starts and reads the queries of the session summaries
    // (session review). Both need the provider's settings.
    for (const [key, value] of Object.entries(this.auditLogs.environment)) {
      fns.api.addEnvironment(key, value);
      fns.sessionLogs.addEnvironment(key, value);
    }
    this.auditLogs.grantStartQuery(fns.api);
    this.auditLogs.grantStartQuery(fns.sessionLogs);
    this.auditLogs.scheduleSessionSummaries(fns.sessionLogs);

    // The workflow steps and the reconciler tell people themselves (lambdas/core/notifications):
    // SNS, SES from the configured identity, the Slack token, deep links.
    for (const fn of [fns.workflowTasks, fns.reconciler]) {
      this.notifications.grantPublish(fn.role);
      this.notifications.grantSendEmail(fn.role);
      this.notifications.grantReadSlackToken(fn.role);
      fn.addEnvironment(ENV.notificationTopicArn, this.notifications.topic.topicArn);
      fn.addEnvironment(ENV.slackSecretArn, this.notifications.slackSecret.secretArn);
      fn.addEnvironment(ENV.sesSourceEmail, config.notifications.senderEmail ?? '');
      fn.addEnvironment(ENV.sesIdentityArn, config.notifications.sesIdentityArn ?? '');
      fn.addEnvironment(ENV.appUrl, this.web.appUrl);
    }

    // Slack interactivity: reads the bot token and the signing secret, links to the web app.
    this.notifications.grantReadSlackToken(fns.slackInteractions.role);
    fns.slackInteractions.addEnvironment(ENV.slackSecretArn, this.notifications.slackSecret.secretArn);
    fns.slackInteractions.addEnvironment(ENV.appUrl, this.web.appUrl);
  }

  /**
   * Slack's interactivity Request URL: a function URL without IAM auth, because Slack cannot sign
   * with AWS credentials; the function verifies Slack's own signature before reading anything
   * (docs/architecture.md says why a function URL rather than API Gateway).
   */
  private slackInteractivityUrl(): string {
    const url = this.functions.slackInteractions.function.addFunctionUrl({
      authType: lambda.FunctionUrlAuthType.NONE,
    });
    return url.url;
  }
}
