/**
 * Shared fixtures for the notification adapter tests: the local outbox (SES v2, SNS, Slack stub,
 * Teams webhook), the local Secrets Manager holding the Slack token and the Teams webhook URL, and
 * deliveries built the way the notifier builds them.
 */
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SNSClient } from '@aws-sdk/client-sns';
import { SecretsManagerStore } from '../../../lambdas/adapters/secrets';
import {
  buildNotificationEvent,
  recipientsFor,
  renderMessage,
  type Delivery,
  type NotificationEventInput,
  type NotificationEventType,
} from '../../../lambdas/core/notifications';
import type { AccessRequest, Extension, Settings } from '../../../lambdas/core/types';
import { startOutbox, type RunningOutbox } from '../../../local/outbox';
import { startSecretsManager, type RunningSecretsManager } from '../../../local/secrets';
import { aRequest, someSettings } from '../../builders';
import { DEMO, FixedClock } from '../../fakes';

export const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
export const REGION = 'us-east-1';
export const TOPIC = 'arn:aws:sns:us-east-1:123456789012:TeamNotifications-main';
export const SLACK_TOKEN = 'xoxb-team-notify-test-0001';
export const SECRET_NAME = 'team/slack';
export const APP_URL = 'https://team.example.com';
export const SOURCE = 'team@example.com';

const { alice, bob, frank } = DEMO.users;
export const bobActor = { id: bob.id, email: bob.email, name: bob.displayName };
export const aliceActor = { id: alice.id, email: alice.email, name: alice.displayName };

/** The extension the extension events are about: 2 more hours, asked by Alice. */
export function anExtension(overrides: Partial<Extension> = {}): Extension {
  return {
    id: 1,
    hours: 2,
    reason: 'Migration runs late',
    requestedBy: aliceActor,
    requestedAt: '2026-03-02T11:00:00.000Z',
    status: 'pending',
    approvals: [],
    ...overrides,
  };
}

/** Every channel on, as an admin would set them. */
export function allOn(overrides: Partial<Settings> = {}): Settings {
  return someSettings({
    sesEnabled: true,
    sesSourceEmail: SOURCE,
    snsEnabled: true,
    slackEnabled: true,
    slackTokenConfigured: true,
    slackAuditChannel: 'team-audit',
    teamsEnabled: true,
    teamsWebhookConfigured: true,
    ...overrides,
  });
}

/** A request from Alice (approvers Bob and Frank) as it stands after the step `type` announces. */
export function requestAfter(
  type: NotificationEventType,
  overrides: Partial<AccessRequest> = {},
): AccessRequest {
  return { ...stepped(type), ...overrides };
}

function stepped(type: NotificationEventType): AccessRequest {
  const base = aRequest({ startTime: '2026-03-02T10:00:00.000Z', durationHours: 2 });
  switch (type) {
    case 'approved':
    case 'rejected':
      return {
        ...base,
        status: type,
        decidedBy: bobActor,
        decidedAt: '2026-03-02T09:05:00.000Z',
        decisionComment: `${type} by Bob`,
      };
    case 'revoked':
      return { ...base, status: 'revoked', revokedBy: bobActor, revokeComment: 'Incident closed' };
    case 'error':
      return { ...base, status: 'error', errorReason: 'Identity Center answered FAILED' };
    case 'started':
    case 'repaired':
      return { ...base, status: 'in progress' };
    case 'reminder':
    case 'escalated':
      return { ...base, status: 'pending' };
    case 'extension-requested':
      return { ...base, status: 'in progress', grantedAt: base.startTime, extensions: [anExtension()] };
    case 'extended':
    case 'extension-rejected':
      return {
        ...base,
        status: 'in progress',
        grantedAt: base.startTime,
        extensions: [
          anExtension({
            status: type === 'extended' ? 'approved' : 'rejected',
            decidedBy: bobActor,
            decidedAt: '2026-03-02T11:05:00.000Z',
            comment: `${type} by Bob`,
          }),
        ],
      };
    case 'break-glass':
    case 'review-reminder':
      return {
        ...base,
        status: type === 'break-glass' ? 'scheduled' : 'in progress',
        approvalRequired: false,
        breakGlass: { incident: 'INC-9001' },
        review: { state: 'needed' },
      };
    case 'reviewed':
      return {
        ...base,
        status: 'ended',
        approvalRequired: false,
        breakGlass: { incident: 'INC-9001' },
        review: {
          state: 'flagged',
          by: bobActor,
          at: '2026-03-02T13:00:00.000Z',
          comment: 'No incident matched',
        },
      };
    default:
      return { ...base, status: type };
  }
}

/** The delivery the notifier would hand a channel. */
export function deliveryFor(
  type: NotificationEventType,
  request: AccessRequest = requestAfter(type),
  settings: Settings = allOn(),
  input: NotificationEventInput = {},
): Delivery {
  const event = buildNotificationEvent(type, request, input);
  return {
    event,
    message: renderMessage(event, { appUrl: APP_URL }),
    recipients: recipientsFor(type, request, event.to ? { to: event.to } : {}),
    settings,
  };
}

export interface LocalCloud {
  box: RunningOutbox;
  sm: RunningSecretsManager;
  secrets: SecretsManagerStore;
  sns: SNSClient;
  clock: FixedClock;
  stop(): Promise<void>;
}

/** Starts the outbox (Slack users Alice in Amsterdam, Bob in New York, Frank in Tokyo) and Secrets Manager. */
export async function startLocalCloud(): Promise<LocalCloud> {
  const box = await startOutbox({
    slackToken: SLACK_TOKEN,
    slackUsers: [
      { email: alice.email, name: alice.displayName, tz: 'Europe/Amsterdam' },
      { email: bob.email, name: bob.displayName, tz: 'America/New_York' },
      { email: frank.email, name: frank.displayName, tz: 'Asia/Tokyo' },
    ],
    slackChannels: [{ name: 'team-audit' }, { name: 'closed-ops', botIsMember: false }],
    snsTopics: [TOPIC],
  });
  const sm = await startSecretsManager({
    secrets: [
      {
        name: SECRET_NAME,
        value: JSON.stringify({ slackToken: SLACK_TOKEN, teamsWebhookUrl: box.teamsWebhookUrl }),
      },
    ],
  });
  const clock = new FixedClock();
  const smClient = new SecretsManagerClient({
    endpoint: sm.url,
    region: REGION,
    credentials,
    maxAttempts: 1,
  });
  const secrets = new SecretsManagerStore(smClient, SECRET_NAME, { clock });
  const sns = new SNSClient({ endpoint: box.snsUrl, region: REGION, credentials, maxAttempts: 1 });
  return {
    box,
    sm,
    secrets,
    sns,
    clock,
    async stop() {
      sns.destroy();
      smClient.destroy();
      await Promise.all([box.stop(), sm.stop()]);
    },
  };
}

/** The HTML-escaped, text-literal, mention-free payload every channel must show as plain text. */
export const HOSTILE_JUSTIFICATION = '<script>alert(1)</script> <@U123> <!channel> *bold* 日本語の理由';
