export {
  startOutbox,
  DEFAULT_SLACK_TOKEN,
  type OutboxKnobs,
  type RunningOutbox,
  type StartOutboxOptions,
} from './server';
export {
  Outbox,
  type EmailMessage,
  type ListOptions,
  type MessageOf,
  type OutboxChannel,
  type OutboxMessage,
  type OutboxMessageInput,
  type OutboxOptions,
  type SlackMessage,
  type SnsAttribute,
  type SnsMessage,
} from './outbox';
export type { SesKnobs } from './ses';
export type { SnsKnobs } from './sns';
export { slackId, type SlackChannelSeed, type SlackKnobs, type SlackUserSeed } from './slack';
export { notificationLine, printNotifications } from './console';
