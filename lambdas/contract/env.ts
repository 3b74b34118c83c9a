/**
 * The environment variables the CDK stack sets on TEAM's functions and their handlers read
 * (table names: `TABLE_ENV` in `tables.ts`). The comment on each says which functions receive it.
 */
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
   * api (write), workflowTasks and reconciler (read, to notify on Slack and Teams): Secrets
   * Manager secret holding the notification secrets by name (`SlackSecretValue`):
   * `{"slackToken": "xoxb-...", "slackSigningSecret": "...", "teamsWebhookUrl": "https://..."}`.
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
  /** router, reconciler: ARN of the request workflow's state machine. */
  workflowStateMachineArn: 'WORKFLOW_STATE_MACHINE_ARN',
  /**
   * api: the machine app clients by name, JSON `[{"clientId": "…", "name": "…"}]`
   * (`MachineClientName` in `machine-api.ts`); a client missing here is named by its id.
   */
  machineClients: 'TEAM_MACHINE_CLIENTS',
} as const;

/**
 * The notification secret's JSON shape (the keys are the core's secret names): a missing key
 * means that secret is not configured.
 */
export interface SlackSecretValue {
  /** Slack bot token (`xoxb-…`). */
  slackToken?: string;
  /** Slack app signing secret, to verify requests Slack sends to TEAM. */
  slackSigningSecret?: string;
  /** Microsoft Teams Workflows webhook URL the Teams channel posts to. */
  teamsWebhookUrl?: string;
}

/** api: name of the reconciler function an admin's `reconcileNow` invokes (asynchronously). */
export const RECONCILER_FUNCTION_NAME_ENV = 'RECONCILER_FUNCTION_NAME';
