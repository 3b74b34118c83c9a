/**
 * The reconciler function's composition root: the grants and the requests behind them, Identity
 * Center account assignments, the settings and the notifier that tells people about repairs;
 * for the policy check, the policies, the directory and the organization; for the dashboard's
 * rebuild, its counters.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ReconcileDeps } from '../../core/access';
import type { RebuildDeps } from '../../core/dashboard';
import { flaggedSessionFacts } from '../../core/session-review/store';
import type { NotificationChannel } from '../../core/notifications';
import type { PolicyCheckDeps } from '../../core/policies/policy-check';
import type { AccountAssignments, Clock, GrantRepository } from '../../core/ports';
import { systemClock } from '../../adapters/clock';
import { AwsClients } from '../aws-clients';
import { loadConfig, type HandlerConfig } from '../config';
import {
  accountAssignments,
  aggregateStore,
  grantRepository,
  identityCenterDirectory,
  notifier,
  organization,
  policyRepository,
  requestRepository,
  secretStore,
  sessionEndedSink,
  sessionSummaryRepository,
  settingsFallback,
  settingsRepository,
} from '../shared-adapters';

/** What the reconciler function runs on: the grants' repair, the policy check and the dashboard's rebuild. */
export type ReconcilerPorts = ReconcileDeps &
  PolicyCheckDeps &
  Partial<Pick<RebuildDeps, 'aggregates' | 'sessionReviews'>>;

/** What the environment cannot say about the composition (local cloud, tests). */
export interface ReconcilerOverrides {
  /** The configuration (default: read from the process environment as it is now). */
  config?: HandlerConfig;
  clock?: Clock;
  /** The DynamoDB client of the tables (default: a new one; a given one is not closed). */
  dynamoDb?: DynamoDBClient;
  /** Replaces the Identity Center adapter (tests). */
  assignments?: AccountAssignments;
  grants?: GrantRepository;
  channels?: NotificationChannel[];
  pollDelaysMs?: readonly number[];
  sleep?: (ms: number) => Promise<void>;
  /** Grace period in ms. */
  graceMs?: number;
  logger?: Logger;
  /** Process environment (for the notification topic). */
  env?: Record<string, string | undefined>;
  /** Slack Web API base URL (the local cloud's outbox stub); Slack's own by default. */
  slackApiUrl?: string;
}

/** Builds the reconciler's ports from the configuration. */
export function composeReconciler(overrides: ReconcilerOverrides = {}): ReconcilerPorts & { close(): void } {
  const config = overrides.config ?? loadConfig();
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? new Logger({ serviceName: 'team-reconciler' });
  const clients = new AwsClients(config, overrides.dynamoDb ? { dynamoDb: overrides.dynamoDb } : {});
  const requests = requestRepository(clients, config);
  const directory = identityCenterDirectory(clients, config, clock);
  const sessionEnded = sessionEndedSink(clients, config, { clock, directory });
  return {
    requests,
    settings: settingsRepository(clients, config),
    fallback: settingsFallback(config),
    clock,
    grants: overrides.grants ?? grantRepository(clients, config),
    policies: policyRepository(clients, config),
    directory,
    organization: organization(clients, config, clock),
    assignments: overrides.assignments ?? accountAssignments(clients, config),
    aggregates: aggregateStore(clients, config),
    ...(config.sessionLogProvider !== 'none' && {
      sessionReviews: flaggedSessionFacts(sessionSummaryRepository(clients, config)),
    }),
    notifier: notifier(config, {
      requests,
      secrets: secretStore(clients, config, clock),
      clock,
      logger,
      ...(overrides.channels ? { channels: overrides.channels } : {}),
      ...(overrides.env ? { env: overrides.env } : {}),
      ...(overrides.slackApiUrl !== undefined ? { slackApiUrl: overrides.slackApiUrl } : {}),
    }),
    ...(sessionEnded ? { sessionEnded } : {}),
    logger,
    ...(overrides.pollDelaysMs ? { pollDelaysMs: overrides.pollDelaysMs } : {}),
    ...(overrides.sleep ? { sleep: overrides.sleep } : {}),
    ...(overrides.graceMs !== undefined ? { graceMs: overrides.graceMs } : {}),
    close: () => clients.close(),
  };
}

let fromEnvironment: ReconcilerPorts | undefined;

/** The reconciler's ports in Lambda: built from the environment on the first invocation. */
export function reconcilerDepsFromEnvironment(): ReconcilerPorts {
  fromEnvironment ??= composeReconciler();
  return fromEnvironment;
}
