/**
 * The session-logs function's composition root: the deployment's session-log provider, the
 * query state per request (the same table the api writes) and the publisher of each new state.
 */
import type { Clock } from '../../core/ports';
import type { SessionLogProvider, SessionLogPublisher, SessionLogQueryStore } from '../../core/session-logs';
import { AppSyncSessionLogPublisher } from '../../adapters/appsync/session-log-publisher';
import { systemClock } from '../../adapters/clock';
import { AwsClients } from '../aws-clients';
import { loadConfig, type HandlerConfig } from '../config';
import { sessionLogProvider, sessionLogQueries } from '../shared-adapters';

/** What the function uses. */
export interface SessionLogsDeps {
  /** Undefined when the deployment has no session-log provider: there is nothing to follow. */
  provider?: SessionLogProvider;
  queries: SessionLogQueryStore;
  /** Absent where no GraphQL endpoint is configured: states are stored, not pushed. */
  publisher?: SessionLogPublisher;
  clock: Clock;
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
    close: () => clients.close(),
  };
}

let fromEnvironment: SessionLogsDeps | undefined;

/** The function's dependencies in Lambda: built from the environment on the first invocation. */
export function sessionLogsDepsFromEnvironment(): SessionLogsDeps {
  fromEnvironment ??= composeSessionLogs();
  return fromEnvironment;
}
