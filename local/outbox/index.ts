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
  type OutboxPatch,
  type SlackMessage,
  type SnsAttribute,
  type SnsMessage,
  type TeamsMessage,
} from './outbox';
export type { SesKnobs } from './ses';
export type { SnsKnobs } from './sns';
export { LOCAL_TEAMS_WEBHOOK, type TeamsKnobs } from './teams';
export {
  slackId,
  DEFAULT_ACK_TIMEOUT_MS,
  type SlackChannelSeed,
  type SlackKnobs,
  type SlackUserSeed,
} from './slack';
export { DEFAULT_TRIGGER_VALIDITY_MS, type OpenView, type SlackView, type ViewEvent } from './slack-views';
export {
  DEFAULT_SLACK_SIGNING_SECRET,
  SLACK_VERIFICATION_TOKEN,
  interactionBody,
  slackSignature,
} from './interactions';
export { outboxPage } from './page';
export { notificationLine, printNotifications, updateLine } from './console';
