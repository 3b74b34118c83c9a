/**
 * The Slack interactivity function's composition root: the request store and the decision use
 * case (with the relay that resumes the waiting workflow at once, like the api's), the directory
 * that turns a verified email into an Identity Center user, the Slack Web API (bot token and
 * signing secret from the notification secret), and the chat store (decision messages, replay
 * guard).
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { ChatStore, Clock, SecretStore } from '../../core/ports';
import { makeChatDecision, type ChatDecisionInput } from '../../core/requests/chat-decision';
import { loadSettings } from '../../core/settings/settings';
import type { AccessRequest, Settings } from '../../core/types';
import { systemClock } from '../../adapters/clock';
import { SlackClient, SlackDecisionMessages } from '../../adapters/notify/slack';
import { AwsClients } from '../aws-clients';
import { loadConfig, type HandlerConfig } from '../config';
import {
  chatStore,
  decisionRelay,
  identityCenterDirectory,
  requestRepository,
  secretStore,
  settingsFallback,
  settingsRepository,
} from '../shared-adapters';

/** What the interactivity handler uses. */
export interface SlackInteractionDeps {
  clock: Clock;
  secrets: Pick<SecretStore, 'getSecret'>;
  chat: Pick<ChatStore, 'firstUse'>;
  slack: Pick<SlackClient, 'web' | 'call' | 'userById'>;
  messages: Pick<SlackDecisionMessages, 'update'>;
  /** The request as stored (the modal's summary), without authorization: Slack verified the click. */
  getRequest(requestId: string): Promise<AccessRequest | undefined>;
  settings(): Promise<Settings>;
  decide(input: ChatDecisionInput): Promise<AccessRequest>;
  /** The web app's URL (deep links). */
  appUrl: string;
  logger: Pick<Logger, 'info' | 'warn' | 'error'>;
}

/** What the environment cannot say about the composition (local cloud, tests). */
export interface SlackInteractionOverrides {
  config?: HandlerConfig;
  clock?: Clock;
  /** Slack Web API base URL (the local outbox's stub); Slack's own by default. */
  slackApiUrl?: string;
  logger?: Logger;
}

/** Builds the function's adapters from the configuration. */
export function composeSlackInteractions(
  overrides: SlackInteractionOverrides = {},
): SlackInteractionDeps & { close(): void } {
  const config = overrides.config ?? loadConfig();
  const clients = new AwsClients(config);
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? new Logger({ serviceName: 'team-slack' });
  const requests = requestRepository(clients, config);
  const secrets = secretStore(clients, config, clock);
  const chat = chatStore(clients, config, clock);
  const settings = settingsRepository(clients, config);
  const fallback = settingsFallback(config);
  const slack = new SlackClient({
    secrets,
    clock,
    ...(overrides.slackApiUrl !== undefined ? { slackApiUrl: overrides.slackApiUrl } : {}),
  });
  const decide = makeChatDecision({
    requests,
    settings,
    clock,
    fallback,
    directory: identityCenterDirectory(clients, config, clock),
    decisionRelay: decisionRelay(clients, config, logger),
  });
  if (config.appUrl === undefined) logger.warn('APP_URL is not set: Slack links point to http://localhost.');
  return {
    clock,
    secrets,
    chat,
    slack,
    messages: new SlackDecisionMessages(slack, chat),
    getRequest: (id) => requests.get(id),
    settings: () => loadSettings({ settings, fallback }),
    decide,
    appUrl: config.appUrl ?? 'http://localhost',
    logger,
    close: () => clients.close(),
  };
}

let fromEnvironment: SlackInteractionDeps | undefined;

/** The composition in Lambda: built from the environment on the first invocation. */
export function slackInteractionDepsFromEnvironment(): SlackInteractionDeps {
  fromEnvironment ??= composeSlackInteractions();
  return fromEnvironment;
}
