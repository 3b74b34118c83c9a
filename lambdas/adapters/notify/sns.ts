import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { NotificationEvent, NotificationEventType } from '../../core/notifications/events';
import type { NotificationMessage } from '../../core/notifications/message';
import type { ChannelReport, Delivery, NotificationChannel } from '../../core/notifications/ports';
import { describeError } from '../../core/notifications/send';
import { snsSubject } from '../../core/notifications/text';
import type { Actor, RequestStatus } from '../../core/types';

export interface SnsPerson {
  id: string;
  email: string;
  name: string | null;
}

/**
 * What subscribers of the topic receive (JSON, `version` 1). Only what people would see in the
 * app: no ARNs, table names or deployment config (the original published all of them).
 */
export interface SnsNotificationDocument {
  version: 1;
  event: NotificationEventType;
  /** When it happened (ISO 8601). */
  at: string;
  request: {
    id: string;
    accountId: string;
    accountName: string;
    role: string;
    status: RequestStatus;
    startTime: string;
    durationHours: number;
    justification: string;
    ticketNo: string | null;
    requester: SnsPerson;
    approvers: SnsPerson[];
  };
  /** Who acted; null when TEAM itself did (workflows, timeouts). */
  actor: SnsPerson | null;
  comment: string | null;
  errorReason: string | null;
  /** Deep link to the request in the app. */
  link: string;
}

const person = (actor: Actor): SnsPerson => ({ id: actor.id, email: actor.email, name: actor.name ?? null });

/** The JSON document published for an event. */
export function snsDocument(event: NotificationEvent, message: NotificationMessage): SnsNotificationDocument {
  const { request } = event;
  return {
    version: 1,
    event: event.type,
    at: event.at,
    request: {
      id: request.id,
      accountId: request.accountId,
      accountName: request.accountName,
      role: request.permissionSetName,
      status: request.status,
      startTime: request.startTime,
      durationHours: request.durationHours,
      justification: request.justification,
      ticketNo: request.ticketNo ?? null,
      requester: person(request.requester),
      approvers: request.approvers.map(person),
    },
    actor: event.actor === 'system' ? null : person(event.actor),
    comment: event.comment ?? null,
    errorReason: event.errorReason ?? null,
    link: message.link,
  };
}

export interface SnsTopicChannelOptions {
  client: SNSClient;
  /** The TEAM notifications topic (deployment config). */
  topicArn: string;
}

/**
 * Every event to one SNS topic: Subject = the email subject made SNS-safe (≤ 100 printable ASCII
 * characters), Message = the versioned JSON document, and the `event`, `status` and `accountId`
 * message attributes for subscription filter policies.
 */
export class SnsTopicChannel implements NotificationChannel {
  readonly name = 'sns' as const;

  constructor(private readonly options: SnsTopicChannelOptions) {}

  async send(delivery: Delivery): Promise<ChannelReport> {
    const { event, message } = delivery;
    const { topicArn, client } = this.options;
    try {
      await client.send(
        new PublishCommand({
          TopicArn: topicArn,
          Subject: snsSubject(message.subject),
          Message: JSON.stringify(snsDocument(event, message)),
          MessageAttributes: {
            event: { DataType: 'String', StringValue: event.type },
            status: { DataType: 'String', StringValue: event.request.status },
            accountId: { DataType: 'String', StringValue: event.request.accountId },
          },
        }),
      );
      return { delivered: [topicArn], failures: [], skipped: [] };
    } catch (error) {
      return { delivered: [], failures: [{ target: topicArn, reason: describeError(error) }], skipped: [] };
    }
  }
}
