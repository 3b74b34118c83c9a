import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import {
  extensionOfEvent,
  type NotificationEvent,
  type NotificationEventType,
} from '../../core/notifications/events';
import type { NotificationMessage } from '../../core/notifications/message';
import type { ChannelReport, Delivery, NotificationChannel } from '../../core/notifications/ports';
import { describeError } from '../../core/notifications/send';
import { snsSubject } from '../../core/notifications/text';
import { accessEndOf } from '../../core/requests/extensions';
import type { Actor, ExtensionStatus, RequestStatus, ReviewState } from '../../core/types';

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
  /** `high` for break-glass access: subscribers (the auditors' feed) should alert at once. */
  priority: 'normal' | 'high';
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
    /** When access ends (or ended), approved extensions included. */
    endTime: string;
    /** The incident or ticket of break-glass access; null for other requests. */
    breakGlassIncident: string | null;
    /** The review of break-glass access; null for other requests. */
    review: { state: ReviewState; by: SnsPerson | null; at: string | null; comment: string | null } | null;
  };
  /** The extension an extension event is about; null for other events. */
  extension: {
    id: number;
    hours: number;
    reason: string;
    status: ExtensionStatus;
    requestedBy: SnsPerson;
  } | null;
  /** The people addressed instead of the usual recipients (an escalation's added approvers), or null. */
  to: SnsPerson[] | null;
  /** Who acted; null when TEAM itself did (workflows, timeouts). */
  actor: SnsPerson | null;
  comment: string | null;
  errorReason: string | null;
  /** Deep link to the request in the app. */
  link: string;
}

const person = (actor: Actor): SnsPerson => ({ id: actor.id, email: actor.email, name: actor.name ?? null });

/** When access ends; the start time when the request's times cannot be read. */
function endTimeOf(event: NotificationEvent): string {
  try {
    return accessEndOf(event.request);
  } catch {
    return event.request.startTime;
  }
}

/** The JSON document published for an event. */
export function snsDocument(event: NotificationEvent, message: NotificationMessage): SnsNotificationDocument {
  const { request } = event;
  const extension = extensionOfEvent(event.type, request);
  const review = request.review;
  return {
    version: 1,
    event: event.type,
    priority: message.priority,
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
      endTime: endTimeOf(event),
      breakGlassIncident: request.breakGlass?.incident ?? null,
      review:
        review === undefined
          ? null
          : {
              state: review.state,
              by: review.by ? person(review.by) : null,
              at: review.at ?? null,
              comment: review.comment ?? null,
            },
    },
    extension:
      extension === undefined
        ? null
        : {
            id: extension.id,
            hours: extension.hours,
            reason: extension.reason,
            status: extension.status,
            requestedBy: person(extension.requestedBy),
          },
    to: event.to ? event.to.map(person) : null,
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
 * characters; a break-glass alert's starts with "BREAK-GLASS"), Message = the versioned JSON
 * document, and the `event`, `status`, `accountId` and `priority` (`high` for break-glass) message
 * attributes for subscription filter policies — an auditors' pager can subscribe to
 * `priority = high` alone.
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
            priority: { DataType: 'String', StringValue: message.priority },
          },
        }),
      );
      return { delivered: [topicArn], failures: [], skipped: [] };
    } catch (error) {
      return { delivered: [], failures: [{ target: topicArn, reason: describeError(error) }], skipped: [] };
    }
  }
}
