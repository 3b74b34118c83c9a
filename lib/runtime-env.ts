import { TABLE_ENV as SCHEMA_TABLE_ENV, type TableId } from '../lambdas/adapters/dynamodb/schema';

/**
 * The contract between the CDK stack and the Lambda handlers: which handler file each function
 * runs and which environment variables it receives. Plain data, no CDK imports, so handlers
 * and the local cloud may import it too.
 */

/** Every Lambda function of TEAM and its handler entry file (relative to the project root). */
export const FUNCTION_ENTRIES = {
  api: 'lambdas/handlers/api.ts',
  router: 'lambdas/handlers/router.ts',
  preToken: 'lambdas/handlers/pre-token.ts',
  reconciler: 'lambdas/handlers/reconciler.ts',
  sessionLogs: 'lambdas/handlers/session-logs.ts',
  workflowTasks: 'lambdas/handlers/workflow-tasks.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/** Table keys of the stack (camelCase) and their ids in the shared table schema (construct ids). */
export const TABLE_IDS = {
  requests: 'Requests',
  requestApprovers: 'RequestApprovers',
  auditEvents: 'AuditEvents',
  policies: 'Policies',
  settings: 'Settings',
  grants: 'Grants',
  sessionLogQueries: 'SessionLogQueries',
  ouAccountsCache: 'OuAccountsCache',
} as const satisfies Record<string, TableId>;

export type TableKey = keyof typeof TABLE_IDS;

/**
 * Environment variable holding each table's name (every function receives all of them): the
 * names the handlers' config reads, from the shared table schema.
 */
export const TABLE_ENV = Object.fromEntries(
  (Object.entries(TABLE_IDS) as [TableKey, TableId][]).map(([key, id]) => [key, SCHEMA_TABLE_ENV[id]]),
) as Record<TableKey, string>;

/** The other environment variables; the comment says which functions receive each. */
export const ENV = {
  /** All: deployment name (`environment` in the config). */
  environment: 'TEAM_ENVIRONMENT',
  /** All: IAM Identity Center instance ARN, identity store id, region, access portal URL. */
  idcInstanceArn: 'IDC_INSTANCE_ARN',
  identityStoreId: 'IDC_IDENTITY_STORE_ID',
  idcRegion: 'IDC_REGION',
  idcStartUrl: 'IDC_START_URL',
  /** All: the organization management account (excluded from requests). */
  managementAccountId: 'MANAGEMENT_ACCOUNT_ID',
  /** All: fallback admin / auditor group names when Settings has none. */
  adminGroup: 'TEAM_ADMIN_GROUP',
  auditorGroup: 'TEAM_AUDITOR_GROUP',
  /** All: which session-log provider is deployed: cloudtrail-lake | athena | none. */
  sessionLogProvider: 'SESSION_LOG_PROVIDER',
  /** workflowTasks, reconciler: the web app URL (deep links in notifications). */
  appUrl: 'APP_URL',
  /** router, sessionLogs: AppSync GraphQL URL for the IAM-only publish mutations. */
  graphqlUrl: 'GRAPHQL_URL',
  /** workflowTasks, reconciler: SNS topic ARN of the notifications. */
  notificationTopicArn: 'NOTIFICATION_TOPIC_ARN',
  /**
   * api (write), workflowTasks and reconciler (read, to notify on Slack): Secrets Manager secret
   * holding `{"slackToken": "xoxb-..."}`.
   */
  slackSecretArn: 'SLACK_SECRET_ARN',
  /** workflowTasks, reconciler: SES sender email and identity ARN from the deployment config (may be empty). */
  sesSourceEmail: 'SES_SOURCE_EMAIL',
  sesIdentityArn: 'SES_IDENTITY_ARN',
  /** api: name of the session-log function it invokes to start/read session-log queries. */
  sessionLogsFunctionName: 'SESSION_LOGS_FUNCTION_NAME',
  /** sessionLogs (cloudtrail-lake): event data store ARN. */
  eventDataStoreArn: 'CLOUDTRAIL_EVENT_DATA_STORE_ARN',
  /** sessionLogs (athena): workgroup, Glue database and table. */
  athenaWorkgroup: 'ATHENA_WORKGROUP',
  athenaDatabase: 'ATHENA_DATABASE',
  athenaTable: 'ATHENA_TABLE',
  /** router, reconciler: ARN of the lifecycle state machine. */
  lifecycleStateMachineArn: 'LIFECYCLE_STATE_MACHINE_ARN',
} as const;

/** The Slack secret's JSON shape (lambdas/adapters/secrets.ts): no slackToken means "not configured". */
export interface SlackSecretValue {
  slackToken?: string;
}
