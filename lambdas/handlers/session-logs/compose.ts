/**
 * The session-logs function's composition root: the deployment's session-log provider, the
 * query state per request (the same table the api writes) and the publisher of each new state;
 * for the scheduled session summaries, the summaries, the requests, the settings (the
 * sensitive actions) and the dashboard's counters.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DashboardRecorder } from '../../core/dashboard';
import type { Clock, RequestRepository, SettingsRepository } from '../../core/ports';
import type { SessionLogProvider, SessionLogPublisher, SessionLogQueryStore } from '../../core/session-logs';
import type { SessionSummaryStore } from '../../core/session-review';
import type { SettingsFallback } from '../../core/types';
import { AppSyncSessionLogPublisher } from '../../adapters/appsync/session-log-publisher';
import { systemClock } from '../../adapters/clock';
import { AwsClients } from '../aws-clients';
import { loadConfig, type HandlerConfig } from '../config';
import {
  dashboardRecorder,
  requestRepository,
  sessionLogProvider,
  sessionLogQueries,
  sessionSummaryRepository,
  settingsFallback,
  settingsRepository,
} from '../shared-adapters';

/** What the function uses. */
export interface SessionLogsDeps {
  /** Undefined when the deployment has no session-log provider: there is nothing to follow. */
  provider?: SessionLogProvider;
  queries: SessionLogQueryStore;
  /** Absent where no GraphQL endpoint is configured: states are stored, not pushed. */
  publisher?: SessionLogPublisher;
  clock: Clock;
  /** The session summaries the scheduled run computes (absent: the run does nothing). */
  summaries?: SessionSummaryStore;
  requests?: Pick<RequestRepository, 'get'>;
  settings?: SettingsRepository;
  fallback?: SettingsFallback;
  /** Counts flagged sessions for the dashboard (never throws). */
  dashboard?: DashboardRecorder;
}

/** What the environment cannot say about the composition (local cloud, tests). */
export interface SessionLogsOverrides {
  /** The configuration (default: read from the process environment as it is now). */
  config?: HandlerConfig;
  clock?: Clock;
}

/** Builds the function's adapters from the configuration. */
export function composeSessionLogs(
  overrides: SessionLogsOverrides = {},
): SessionLogsDeps & { close(): void } {
  const config = overrides.config ?? loadConfig();
  const clock = overrides.clock ?? systemClock;
  const clients = new AwsClients(config);
  const provider = sessionLogProvider(clients, config);
  return {
    ...(provider ? { provider } : {}),
    queries: sessionLogQueries(clients, config, clock),
    ...(config.graphqlUrl
      ? {
          publisher: new AppSyncSessionLogPublisher({ graphqlUrl: config.graphqlUrl, region: config.region }),
        }
      : {}),
    clock,
    summaries: sessionSummaryRepository(clients, config),
    requests: requestRepository(clients, config),
    settings: settingsRepository(clients, config),
    fallback: settingsFallback(config),
    dashboard: dashboardRecorder(clients, config, clock, new Logger({ serviceName: 'team-session-logs' })),
    close: () => clients.close(),
  };
}

let fromEnvironment: SessionLogsDeps | undefined;

/** The function's dependencies in Lambda: built from the environment on the first invocation. */
export function sessionLogsDepsFromEnvironment(): SessionLogsDeps {
  fromEnvironment ??= composeSessionLogs();
  return fromEnvironment;
}
