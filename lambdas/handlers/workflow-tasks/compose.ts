/**
 * The workflow-tasks function's composition root: what one step of a request's workflow needs —
 * the requests and settings, the grants, Identity Center account assignments, the wait for a
 * decision (the token on the request item), the notifier, the realtime publisher, the
 * dashboard's counters and the session summaries that become due when access ends.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DecisionWait, WorkflowDeps } from '../../core/access';
import type { NotificationChannel } from '../../core/notifications';
import type { AccountAssignments, Clock, GrantRepository, RealtimePublisher } from '../../core/ports';
import { systemClock } from '../../adapters/clock';
import { StepFunctionsAdapter } from '../../adapters/step-functions/client';
import { RequestItemDecisionWait } from '../../adapters/step-functions/decision-wait';
import { AwsClients } from '../aws-clients';
import { loadConfig, type HandlerConfig } from '../config';
import {
  accountAssignments,
  chatStore,
  dashboardRecorder,
  grantRepository,
  identityCenterDirectory,
  notifier,
  realtimePublisher,
  requestRepository,
  secretStore,
  sessionEndedSink,
  settingsFallback,
  settingsRepository,
} from '../shared-adapters';

/** What the environment cannot say about the composition (local cloud, tests, benchmarks). */
export interface WorkflowTasksOverrides {
  /** The configuration (default: read from the process environment as it is now). */
  config?: HandlerConfig;
  clock?: Clock;
  /** The DynamoDB client of the tables (default: a new one; a given one is not closed). */
  dynamoDb?: DynamoDBClient;
  /** Replaces the Identity Center adapter (tests). */
  assignments?: AccountAssignments;
  grants?: GrantRepository;
  decisionWait?: DecisionWait;
  channels?: NotificationChannel[];
  /** Replaces the AppSync publisher (null: publish nothing). */
  realtime?: RealtimePublisher | null;
  pollDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  logger?: Logger;
  /** Process environment (for the notification topic). */
  env?: Record<string, string | undefined>;
  /** Slack Web API base URL (the local cloud's outbox stub); Slack's own by default. */
  slackApiUrl?: string;
}

/** Builds the step's ports from the configuration. */
export function composeWorkflowTasks(
  overrides: WorkflowTasksOverrides = {},
): WorkflowDeps & { close(): void } {
  const config = overrides.config ?? loadConfig();
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? new Logger({ serviceName: 'team-workflow' });
  const clients = new AwsClients(config, overrides.dynamoDb ? { dynamoDb: overrides.dynamoDb } : {});
  const requests = requestRepository(clients, config);
  const directory = identityCenterDirectory(clients, config, clock);
  const realtime = overrides.realtime === undefined ? realtimePublisher(config) : overrides.realtime;
  const sessionEnded = sessionEndedSink(clients, config, { clock, directory });
  return {
    requests,
    settings: settingsRepository(clients, config),
    fallback: settingsFallback(config),
    clock,
    grants: overrides.grants ?? grantRepository(clients, config),
    directory,
    assignments: overrides.assignments ?? accountAssignments(clients, config),
    decisionWait:
      overrides.decisionWait ??
      new RequestItemDecisionWait(
        clients.documentClient(),
        config.tables.Requests,
        new StepFunctionsAdapter(clients.sfn()),
      ),
    notifier: notifier(config, {
      requests,
      secrets: secretStore(clients, config, clock),
      clock,
      logger,
      auditors: directory,
      chat: chatStore(clients, config, clock),
      ...(overrides.channels ? { channels: overrides.channels } : {}),
      ...(overrides.env ? { env: overrides.env } : {}),
      ...(overrides.slackApiUrl !== undefined ? { slackApiUrl: overrides.slackApiUrl } : {}),
    }),
    ...(realtime ? { realtime } : {}),
    ...(sessionEnded ? { sessionEnded } : {}),
    dashboard: dashboardRecorder(clients, config, clock, logger),
    logger,
    ...(overrides.pollDelaysMs ? { pollDelaysMs: overrides.pollDelaysMs } : {}),
    ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
    close: () => clients.close(),
  };
}

let fromEnvironment: WorkflowDeps | undefined;

/** The step's ports in Lambda: built from the environment on the first invocation. */
export function workflowTasksDepsFromEnvironment(): WorkflowDeps {
  fromEnvironment ??= composeWorkflowTasks();
  return fromEnvironment;
}
