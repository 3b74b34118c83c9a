/**
 * The pre-token trigger's composition root: Identity Center's directory (who signs in, their
 * groups) and the settings in force (the admin and auditor group names).
 */
import type { Clock, Directory } from '../../core/ports';
import { loadSettings } from '../../core/settings/settings';
import type { Settings } from '../../core/types';
import { systemClock } from '../../adapters/clock';
import { AwsClients } from '../aws-clients';
import { loadConfig, type HandlerConfig } from '../config';
import { identityCenterDirectory, settingsFallback, settingsRepository } from '../shared-adapters';

/** What the trigger needs: the directory and the settings in force. */
export interface PreTokenDeps {
  directory: Pick<Directory, 'findUserByUserName' | 'groupIdsOfUser' | 'findGroupByName'>;
  settings(): Promise<Settings>;
}

/** What the environment cannot say about the composition (local cloud, tests). */
export interface PreTokenOverrides {
  /** The configuration (default: read from the process environment as it is now). */
  config?: HandlerConfig;
  clock?: Clock;
}

/** Builds the trigger's adapters from the configuration. */
export function composePreToken(overrides: PreTokenOverrides = {}): PreTokenDeps & { close(): void } {
  const config = overrides.config ?? loadConfig();
  const clock = overrides.clock ?? systemClock;
  const clients = new AwsClients(config);
  const settings = { settings: settingsRepository(clients, config), fallback: settingsFallback(config) };
  return {
    directory: identityCenterDirectory(clients, config, clock),
    settings: () => loadSettings(settings),
    close: () => clients.close(),
  };
}

let fromEnvironment: PreTokenDeps | undefined;

/** The trigger's dependencies in Lambda: built from the environment on the first invocation. */
export function preTokenDepsFromEnvironment(): PreTokenDeps {
  fromEnvironment ??= composePreToken();
  return fromEnvironment;
}
