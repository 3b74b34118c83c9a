import { SNSClient, type SNSClientConfig } from '@aws-sdk/client-sns';
import type { SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import type { NotificationChannel } from '../../core/notifications/ports';
import type { Clock, SecretStore } from '../../core/ports';
import { SesEmailChannel } from './ses';
import { SlackChannel, type SlackChannelOptions } from './slack';
import { SnsTopicChannel } from './sns';
import { TeamsChannel, type TeamsChannelOptions } from './teams';

export { escapeHtml, escapeMrkdwn, escapeTeamsMarkdown, ZERO_WIDTH_SPACE } from './escape';
export {
  SesEmailChannel,
  regionOfArn,
  renderEmail,
  type RenderedEmail,
  type SesEmailChannelOptions,
} from './ses';
export {
  SnsTopicChannel,
  snsDocument,
  type SnsNotificationDocument,
  type SnsPerson,
  type SnsTopicChannelOptions,
} from './sns';
export { SlackChannel, slackPost, type SlackBlock, type SlackChannelOptions, type SlackPost } from './slack';
export {
  TeamsChannel,
  teamsCard,
  teamsPayload,
  type AdaptiveCard,
  type TeamsChannelOptions,
  type TeamsWebhookPayload,
} from './teams';

export interface NotificationChannelsConfig {
  /** The stack's region (SES without an identity ARN, SNS). */
  region: string;
  /** The notifications topic; without it there is no SNS channel. */
  topicArn?: string;
  secrets: SecretStore;
  clock: Clock;
  /** Local endpoints and credentials. */
  sesClientConfig?: Omit<SESv2ClientConfig, 'region'>;
  snsClientConfig?: Omit<SNSClientConfig, 'region'>;
  slack?: Omit<SlackChannelOptions, 'secrets' | 'clock'>;
  /** Microsoft Teams: the fetch to post with, timeouts and retries (defaults suit Lambda). */
  teams?: Omit<TeamsChannelOptions, 'secrets'>;
}

/**
 * The channels a handler wires once per container: SES email, the SNS topic when configured,
 * Slack and Microsoft Teams. Which of them send is decided per event from the settings.
 */
export function createNotificationChannels(config: NotificationChannelsConfig): NotificationChannel[] {
  const channels: NotificationChannel[] = [
    new SesEmailChannel({ region: config.region, clientConfig: config.sesClientConfig }),
  ];
  if (config.topicArn) {
    const client = new SNSClient({ ...config.snsClientConfig, region: config.region });
    channels.push(new SnsTopicChannel({ client, topicArn: config.topicArn }));
  }
  channels.push(new SlackChannel({ ...config.slack, secrets: config.secrets, clock: config.clock }));
  channels.push(new TeamsChannel({ ...config.teams, secrets: config.secrets }));
  return channels;
}
