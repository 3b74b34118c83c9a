/**
 * Adapters more than one function builds, built the same way by each composition root that
 * needs them (each root takes only what its function uses). Nothing here is built at import.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { ENV } from '../contract/env';
import type { Notifier, NotificationChannel } from '../core/notifications';
import { makeSendNotifications } from '../core/notifications/send';
import type {
  AccountAssignments,
  ChatStore,
  Clock,
  DecisionRelay,
  Directory,
  GrantRepository,
  RealtimePublisher,
  RequestRepository,
  SecretStore,
  SettingsRepository,
  Organization,
  PolicyRepository,
} from '../core/ports';
import { forwardOnly, type SessionLogProvider, type SessionLogQueryStore } from '../core/session-logs';
import {
  makeSessionEndedSink,
  type SessionEndedSink,
  type SessionSummaryStore,
} from '../core/session-review';
import type { SettingsFallback } from '../core/types';
import { makeDashboardRecorder, type AggregateStore, type DashboardRecorder } from '../core/dashboard';
import { AppSyncRealtimePublisher } from '../adapters/appsync/realtime-publisher';
import { DynamoAggregateStore } from '../adapters/dynamodb/aggregates';
import { DynamoChatStore } from '../adapters/dynamodb/chat';
import { StepFunctionsAdapter } from '../adapters/step-functions/client';
import { StoredTokenDecisionRelay } from '../adapters/step-functions/decision-relay';
import { StepFunctionsRequestWorkflow, type WorkflowLog } from '../adapters/step-functions/request-workflow';
import { DynamoGrantRepository } from '../adapters/dynamodb/grants';
import { DynamoPolicyRepository } from '../adapters/dynamodb/policies';
import { DynamoRequestRepository } from '../adapters/dynamodb/requests';
import { DynamoSessionQueryRepository } from '../adapters/dynamodb/session-queries';
import { DynamoSessionSummaryRepository } from '../adapters/dynamodb/session-summaries';
import { DynamoSettingsRepository } from '../adapters/dynamodb/settings';
import { IdentityCenterAssignments, IdentityCenterDirectory } from '../adapters/identity-center';
import { AwsOrganization } from '../adapters/organizations';
import { createNotificationChannels } from '../adapters/notify';
import { SecretsManagerStore } from '../adapters/secrets';
import {
  AthenaSessionLogProvider,
  CloudTrailLakeSessionLogProvider,
  createAthenaClient,
  createCloudTrailClient,
  type SessionLogProviderConfig,
} from '../adapters/session-logs';
import type { AwsClients } from './aws-clients';
import { ConfigError, type HandlerConfig } from './config';

/** Deep links need an absolute URL; without APP_URL they point here (and a warning is logged). */
const FALLBACK_APP_URL = 'http://localhost';

/** The group names the settings fall back to: the deployment's. */
export function settingsFallback(config: HandlerConfig): SettingsFallback {
  return { adminGroupName: config.fallbackGroups.admin, auditorGroupName: config.fallbackGroups.auditor };
}

/** Requests, their approvers' index items and their audit trail. */
export function requestRepository(clients: AwsClients, config: HandlerConfig): RequestRepository {
  const { tables } = config;
  return new DynamoRequestRepository(clients.documentClient(), {
    requests: tables.Requests,
    approvers: tables.RequestApprovers,
    events: tables.AuditEvents,
  });
}

/** The dashboard's counters. */
export function aggregateStore(clients: AwsClients, config: HandlerConfig): AggregateStore {
  return new DynamoAggregateStore(clients.documentClient(), config.tables.Aggregates);
}

/**
 * Counting requests for the dashboard as they move; failures are logged, never thrown (the next
 * change of the request, or a rebuild, counts what was missed).
 */
export function dashboardRecorder(
  clients: AwsClients,
  config: HandlerConfig,
  clock: Clock,
  logger: { warn(message: string, detail: Record<string, unknown>): void },
): DashboardRecorder {
  return makeDashboardRecorder(
    { aggregates: aggregateStore(clients, config), clock, logger },
    { safe: true },
  );
}

/** Approvers' chat messages and the interactions already accepted. */
export function chatStore(clients: AwsClients, config: HandlerConfig, clock: Clock): ChatStore {
  return new DynamoChatStore(clients.documentClient(), config.tables.Chat, clock);
}

/**
 * Resumes a request's waiting workflow right after a person's decision (the stream router
 * remains the safety net).
 */
export function decisionRelay(
  clients: AwsClients,
  config: HandlerConfig,
  logger: WorkflowLog,
): DecisionRelay {
  return new StoredTokenDecisionRelay(
    clients.documentClient(),
    config.tables.Requests,
    new StepFunctionsRequestWorkflow(
      new StepFunctionsAdapter(clients.sfn()),
      () => config.workflowStateMachineArn,
      logger,
    ),
    logger,
  );
}

/** The settings record. */
export function settingsRepository(clients: AwsClients, config: HandlerConfig): SettingsRepository {
  return new DynamoSettingsRepository(clients.documentClient(), config.tables.Settings);
}

/** The grants (reference counts of the assignments TEAM relies on). */
export function grantRepository(clients: AwsClients, config: HandlerConfig): GrantRepository {
  return new DynamoGrantRepository(clients.documentClient(), config.tables.Grants);
}

/** Identity Center users, groups and permission sets. */
export function identityCenterDirectory(
  clients: AwsClients,
  config: HandlerConfig,
  clock: Clock,
): IdentityCenterDirectory {
  return new IdentityCenterDirectory(
    { identityStore: clients.identityStore(), ssoAdmin: clients.ssoAdmin() },
    {
      instanceArn: config.identityCenter.instanceArn,
      identityStoreId: config.identityCenter.identityStoreId,
      clock,
    },
  );
}

/** The eligibility and approver policies (and the latest policy check). */
export function policyRepository(clients: AwsClients, config: HandlerConfig): PolicyRepository {
  return new DynamoPolicyRepository(clients.documentClient(), config.tables.Policies);
}

/** AWS Organizations without the OU cache (the api puts the cache in front of its own). */
export function organization(clients: AwsClients, config: HandlerConfig, clock: Clock): Organization {
  return new AwsOrganization(clients.organizations(), {
    ...(config.managementAccountId ? { managementAccountId: config.managementAccountId } : {}),
    clock,
  });
}

/** Identity Center account assignments of users. */
export function accountAssignments(clients: AwsClients, config: HandlerConfig): AccountAssignments {
  return new IdentityCenterAssignments(clients.ssoAdmin(), config.identityCenter.instanceArn);
}

/** A secret store for functions deployed without the Slack secret: any use is a ConfigError. */
function missingSecretStore(): SecretStore {
  const fail = async (): Promise<never> => {
    throw new ConfigError('TEAM handler configuration is incomplete: SLACK_SECRET_ARN is not set.');
  };
  return { getSecret: fail, putSecret: fail, deleteSecret: fail };
}

/** TEAM's notification secrets (a store that refuses every use when the deployment has none). */
export function secretStore(clients: AwsClients, config: HandlerConfig, clock: Clock): SecretStore {
  return config.slackSecretId
    ? new SecretsManagerStore(clients.secretsManager(), config.slackSecretId, { clock })
    : missingSecretStore();
}

/** The realtime publisher over AppSync; undefined where no GraphQL endpoint is configured. */
export function realtimePublisher(config: HandlerConfig): RealtimePublisher | undefined {
  return config.graphqlUrl
    ? new AppSyncRealtimePublisher({ graphqlUrl: config.graphqlUrl, region: config.region })
    : undefined;
}

/**
 * The deployment's session-log provider over its own SDK client (tracked so `close()` releases
 * it); undefined when the deployment has none.
 */
export function sessionLogProvider(
  clients: AwsClients,
  config: HandlerConfig,
): SessionLogProvider | undefined {
  if (config.sessionLogs === undefined && config.sessionLogProvider !== 'none') {
    throw new ConfigError(
      `TEAM handler configuration is incomplete: the ${config.sessionLogProvider} session-log settings are missing.`,
    );
  }
  const settings: SessionLogProviderConfig = config.sessionLogs ?? { type: 'none' };
  switch (settings.type) {
    case 'none':
      return undefined;
    case 'cloudtrail-lake':
      return new CloudTrailLakeSessionLogProvider({
        client: clients.track(createCloudTrailClient({ region: settings.region })),
        eventDataStore: settings.eventDataStore,
      });
    case 'athena':
      return new AthenaSessionLogProvider({
        client: clients.track(createAthenaClient({ region: settings.region })),
        workGroup: settings.workGroup,
        database: settings.database,
        table: settings.table,
        regions: settings.regions,
      });
  }
}

/** The session-log query state per request, as both the api and the follower store it. */
export function sessionLogQueries(
  clients: AwsClients,
  config: HandlerConfig,
  clock: Clock,
): SessionLogQueryStore {
  return forwardOnly(
    new DynamoSessionQueryRepository(clients.documentClient(), config.tables.SessionLogQueries, clock),
  );
}

/** The session summaries (session review), whose reviews go on the requests' audit trail. */
export function sessionSummaryRepository(clients: AwsClients, config: HandlerConfig): SessionSummaryStore {
  return new DynamoSessionSummaryRepository(clients.documentClient(), {
    summaries: config.tables.SessionSummaries,
    events: config.tables.AuditEvents,
  });
}

/**
 * What the end of access tells session review: the summary becomes due. Undefined when the
 * deployment has no session-log provider (nothing is ever summarized).
 */
export function sessionEndedSink(
  clients: AwsClients,
  config: HandlerConfig,
  deps: { clock: Clock; directory?: Pick<Directory, 'getUser'> },
): SessionEndedSink | undefined {
  if (config.sessionLogProvider === 'none') return undefined;
  return makeSessionEndedSink({
    summaries: sessionSummaryRepository(clients, config),
    clock: deps.clock,
    provider: config.sessionLogProvider,
    ...(deps.directory ? { directory: deps.directory } : {}),
  });
}

export interface NotifierDeps {
  requests: RequestRepository;
  secrets: SecretStore;
  clock: Clock;
  logger: Pick<Logger, 'warn' | 'error'>;
  /** Replaces the SES, SNS and Slack channels (tests). */
  channels?: NotificationChannel[];
  /** Process environment (for the notification topic). */
  env?: Record<string, string | undefined>;
  /** Slack Web API base URL (the local outbox's stub); Slack's own by default. */
  slackApiUrl?: string;
  /** Who the auditors are (copied on break-glass alerts); without it they hear through Slack and SNS. */
  auditors?: Pick<Directory, 'findGroupByName' | 'membersOfGroup' | 'getUser'>;
  /** Approvers' Slack decision messages (buttons, updates); without it, Slack messages carry a link only. */
  chat?: ChatStore;
}

/** Tells people about a request (SES, SNS, Slack as the settings say) and records what was sent. */
export function notifier(config: HandlerConfig, deps: NotifierDeps): Notifier {
  const env = deps.env ?? process.env;
  const topicArn = env[ENV.notificationTopicArn]?.trim() || undefined;
  const channels =
    deps.channels ??
    createNotificationChannels({
      region: config.region,
      ...(topicArn ? { topicArn } : {}),
      secrets: deps.secrets,
      clock: deps.clock,
      slack: {
        ...(deps.slackApiUrl !== undefined ? { slackApiUrl: deps.slackApiUrl } : {}),
        ...(deps.chat !== undefined ? { chat: deps.chat } : {}),
      },
    });
  if (config.appUrl === undefined)
    deps.logger.warn(`${ENV.appUrl} is not set: notification links point to ${FALLBACK_APP_URL}.`);
  return makeSendNotifications({
    channels,
    requests: deps.requests,
    clock: deps.clock,
    appUrl: config.appUrl ?? FALLBACK_APP_URL,
    logger: deps.logger,
    ...(deps.auditors ? { auditors: deps.auditors } : {}),
  });
}
