/**
 * The session-log provider a deployment configured (`SESSION_LOG_PROVIDER` and the provider's
 * own variables from lambdas/contract/env.ts), built once per cold start. Local endpoints come from
 * the SDK's own `AWS_ENDPOINT_URL_<SERVICE>` variables, not from here.
 */
import { ENV } from '../../contract/env';
import type { SessionLogProvider } from '../../core/session-logs/ports';
import { AthenaSessionLogProvider, createAthenaClient } from './athena';
import {
  CloudTrailLakeSessionLogProvider,
  createCloudTrailClient,
  eventDataStoreIdOf,
} from './cloudtrail-lake';

export * from './athena';
export * from './cloudtrail-lake';

/** The provider settings of a deployment. */
export type SessionLogProviderConfig =
  | { type: 'none' }
  | { type: 'cloudtrail-lake'; region: string; eventDataStore: string }
  | {
      type: 'athena';
      region: string;
      workGroup: string;
      database: string;
      table: string;
      regions?: string[];
    };

/** Fails the cold start naming the variable (never its value). */
export class SessionLogConfigError extends Error {
  override readonly name = 'SessionLogConfigError';
}

/** Reads the provider settings from the environment the stack gives the functions. */
export function sessionLogProviderConfigFromEnv(
  env: Record<string, string | undefined>,
): SessionLogProviderConfig {
  const type = env[ENV.sessionLogProvider]?.trim() || 'none';
  const need = (name: string): string => {
    const value = env[name]?.trim();
    if (!value)
      throw new SessionLogConfigError(`Session logs are configured as ${type} but ${name} is not set.`);
    return value;
  };
  const region = () => env.AWS_REGION?.trim() || need('AWS_DEFAULT_REGION');
  switch (type) {
    case 'none':
      return { type: 'none' };
    case 'cloudtrail-lake': {
      const eventDataStore = need(ENV.eventDataStoreArn);
      try {
        eventDataStoreIdOf(eventDataStore);
      } catch {
        throw new SessionLogConfigError(`${ENV.eventDataStoreArn} is not an event data store ARN or id.`);
      }
      return { type, region: region(), eventDataStore };
    }
    case 'athena':
      return {
        type,
        region: region(),
        workGroup: need(ENV.athenaWorkgroup),
        database: need(ENV.athenaDatabase),
        table: need(ENV.athenaTable),
      };
    default:
      throw new SessionLogConfigError(`${ENV.sessionLogProvider} must be cloudtrail-lake, athena or none.`);
  }
}

/** The configured provider over a real SDK client (undefined for `none`). */
export function createSessionLogProvider(
  config: SessionLogProviderConfig,
  options: { maxAttempts?: number } = {},
): SessionLogProvider | undefined {
  switch (config.type) {
    case 'none':
      return undefined;
    case 'cloudtrail-lake':
      return new CloudTrailLakeSessionLogProvider({
        client: createCloudTrailClient({ region: config.region, maxAttempts: options.maxAttempts }),
        eventDataStore: config.eventDataStore,
      });
    case 'athena':
      return new AthenaSessionLogProvider({
        client: createAthenaClient({ region: config.region, maxAttempts: options.maxAttempts }),
        workGroup: config.workGroup,
        database: config.database,
        table: config.table,
        regions: config.regions,
      });
  }
}
