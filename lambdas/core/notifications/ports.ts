/**
 * Notification ports: one channel per medium (SES email, SNS topic, Slack, Microsoft Teams), and the notifier the
 * workflows call, which fans an event out to every enabled channel.
 */
import type { Settings } from '../types';
import type { NotificationEvent } from './events';
import type { NotificationMessage } from './message';
import type { Recipients } from './recipients';

export const NOTIFICATION_CHANNELS = ['email', 'sns', 'slack', 'teams'] as const;
export type NotificationChannelName = (typeof NOTIFICATION_CHANNELS)[number];

/** Everything a channel needs to send one event. */
export interface Delivery {
  event: NotificationEvent;
  message: NotificationMessage;
  recipients: Recipients;
  /** Settings in force (source email and identity ARN, Slack audit channel…). */
  settings: Settings;
  /** The app's base URL (deep links), for channels that render more than the message. */
  appUrl?: string;
}

export interface DeliveryFailure {
  /** Who or where it was for (an email, a topic, `#channel`); absent when the whole send failed. */
  target?: string;
  reason: string;
}

export interface DeliverySkip {
  target: string;
  reason: string;
}

/** What one channel did with one event. A channel never throws for a single recipient. */
export interface ChannelReport {
  /** Recipients (emails), topics or channels that got the message. */
  delivered: string[];
  failures: DeliveryFailure[];
  /** Recipients left out on purpose, e.g. no Slack user with that email. */
  skipped: DeliverySkip[];
}

export interface NotificationChannel {
  readonly name: NotificationChannelName;
  /** Sends the message; per-recipient failures are reported, not thrown. */
  send(delivery: Delivery): Promise<ChannelReport>;
}

export interface NotificationOutcome {
  channel: NotificationChannelName;
  /** sent: all reached; partial: some failed; failed: none reached; skipped: nothing to do. */
  status: 'sent' | 'partial' | 'failed' | 'skipped';
  /** How many recipients (or topics/channels) got it. */
  delivered: number;
  failures: DeliveryFailure[];
  skipped: DeliverySkip[];
  /** Why the channel did nothing (switched off, start time passed…). */
  reason?: string;
}

/** Tells people about an event on every enabled channel; never throws. */
export interface Notifier {
  notify(event: NotificationEvent, settings: Settings): Promise<NotificationOutcome[]>;
}
