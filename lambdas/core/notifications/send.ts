/**
 * The fan-out use case: one event to every enabled channel, failures isolated per channel and
 * per recipient, and what happened recorded in the request's audit trail.
 */
import { ConflictError } from '../errors';
import type { Clock, Directory, RequestRepository } from '../ports';
import { auditEventId } from '../audit';
import type { AuditEvent, Settings } from '../types';
import type { NotificationEvent } from './events';
import { normalizeAppUrl, renderMessage } from './message';
import type {
  ChannelReport,
  Delivery,
  NotificationChannel,
  NotificationChannelName,
  NotificationOutcome,
  Notifier,
} from './ports';
import { recipientsFor, type Recipient } from './recipients';
import { truncateText, type NotificationLocale } from './text';

/** Where notification problems are reported besides the audit trail (e.g. a Powertools logger). */
export interface NotificationLogger {
  warn(message: string, detail: Record<string, unknown>): void;
}

export interface SendNotificationsDeps {
  channels: readonly NotificationChannel[];
  /** Only to append `notified` / `notification-failed` audit events. */
  requests: Pick<RequestRepository, 'appendEvent'>;
  clock: Clock;
  /** The app's base URL (custom domain aware) for deep links. */
  appUrl: string;
  locale?: NotificationLocale;
  logger?: NotificationLogger;
  /**
   * Where the members of the auditor group (settings `auditorGroupName`) are found, to copy them
   * on break-glass alerts. Without it, break-glass alerts reach auditors through the Slack audit
   * channel and the SNS topic only.
   */
  auditors?: Pick<Directory, 'findGroupByName' | 'membersOfGroup' | 'getUser'>;
}

/** Most auditors copied on one alert (each is a directory lookup). */
const MAX_AUDITORS = 50;

/** Whether the settings switch a channel on with what it needs (source email, Slack token, Teams webhook). */
export function channelEnabled(channel: NotificationChannelName, settings: Settings): boolean {
  switch (channel) {
    case 'email':
      return settings.sesEnabled && (settings.sesSourceEmail?.trim() ?? '') !== '';
    case 'sns':
      return settings.snsEnabled;
    case 'slack':
      return settings.slackEnabled && settings.slackTokenConfigured;
    case 'teams':
      return settings.teamsEnabled && settings.teamsWebhookConfigured;
  }
}

/** "Name: message" of anything thrown, on one line. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    return `${name}${error.message}`.replace(/\s+/g, ' ').trim() || 'Unknown error';
  }
  return String(error);
}

/** Audit details stay readable and bounded whatever an SDK error says. */
const MAX_DETAIL = 1000;
/** Tries per audit event id before giving up on recording it (a retried notification may repeat one). */
const MAX_ID_ATTEMPTS = 5;

/** An audit event to append, with the channel it is about (part of its id). */
type AuditEntry = Omit<AuditEvent, 'id' | 'requestId' | 'at'> & { channel: NotificationChannelName };

function statusOf(report: ChannelReport): NotificationOutcome['status'] {
  const reached = report.delivered.length > 0;
  const failed = report.failures.length > 0;
  if (reached) return failed ? 'partial' : 'sent';
  return failed ? 'failed' : 'skipped';
}

function skippedText(report: ChannelReport): string {
  return report.skipped.map((s) => `${s.target} (${s.reason})`).join(', ');
}

/**
 * The notifier: renders the event once, sends it on every channel the settings enable (in
 * parallel), and returns one outcome per channel. A channel or recipient failing never blocks
 * the others and nothing is thrown; each failure becomes a `notification-failed` audit event and
 * each channel that reached someone a `notified` one (channel and recipient count). A `scheduled`
 * event whose start time has passed is not sent: `started` follows at once. The event's `to`
 * replaces the matrix's primary audience; a break-glass alert also copies the members of the
 * auditor group when `auditors` is given.
 */
export function makeSendNotifications(deps: SendNotificationsDeps): Notifier {
  const appUrl = normalizeAppUrl(deps.appUrl);

  const record = async (event: NotificationEvent, entries: AuditEntry[]) => {
    const at = deps.clock.now().toISOString();
    const { request } = event;
    for (const [index, { channel, ...entry }] of entries.entries()) {
      // The number first, so the trail lists them in the order they were recorded.
      const kind = entry.action === 'notified' ? 'sent' : 'failed';
      const base = `notify-${String(index + 1).padStart(2, '0')}-${channel}-${event.type}-${kind}`;
      for (let attempt = 1; attempt <= MAX_ID_ATTEMPTS; attempt += 1) {
        const id = auditEventId(at, request.version, attempt === 1 ? base : `${base}-${attempt}`);
        try {
          await deps.requests.appendEvent({ ...entry, requestId: request.id, id, at });
          break;
        } catch (error) {
          // Same id already stored (a retried notification in the same millisecond): try the next.
          if (error instanceof ConflictError && attempt < MAX_ID_ATTEMPTS) continue;
          deps.logger?.warn('Could not record a notification audit event', {
            requestId: request.id,
            action: entry.action,
            error: describeError(error),
          });
          break;
        }
      }
    }
  };

  const auditEntries = (
    event: NotificationEvent,
    channel: NotificationChannelName,
    report: ChannelReport,
  ): AuditEntry[] => {
    const entries: AuditEntry[] = [];
    const skipped = skippedText(report);
    const n = report.delivered.length;
    if (n > 0) {
      const who = `${n} ${n === 1 ? 'recipient' : 'recipients'}`;
      entries.push({
        channel,
        action: 'notified',
        actor: 'system',
        detail: truncateText(
          `${channel}: ${event.type} sent to ${who}${skipped ? `; skipped ${skipped}` : ''}`,
          MAX_DETAIL,
        ),
      });
    } else if (report.failures.length === 0 && skipped) {
      entries.push({
        channel,
        action: 'notification-failed',
        actor: 'system',
        detail: truncateText(`${channel}: ${event.type} reached nobody; skipped ${skipped}`, MAX_DETAIL),
      });
    }
    for (const failure of report.failures) {
      const target = failure.target ? ` to ${failure.target}` : '';
      entries.push({
        channel,
        action: 'notification-failed',
        actor: 'system',
        detail: truncateText(`${channel}: ${event.type}${target} failed: ${failure.reason}`, MAX_DETAIL),
      });
    }
    return entries;
  };

  /** The auditors to copy on a break-glass alert; none (and a warning) when they cannot be read. */
  const auditorsFor = async (event: NotificationEvent, settings: Settings): Promise<Recipient[]> => {
    const groupName = settings.auditorGroupName?.trim();
    if (event.type !== 'break-glass' || deps.auditors === undefined || !groupName) return [];
    const directory = deps.auditors;
    try {
      const group = await directory.findGroupByName(groupName);
      if (group === undefined) return [];
      const ids = (await directory.membersOfGroup(group.id)).slice(0, MAX_AUDITORS);
      const users = await Promise.all(ids.map((id) => directory.getUser(id)));
      return users.flatMap((user): Recipient[] =>
        user?.email
          ? [
              {
                id: user.id,
                email: user.email,
                role: 'auditor',
                ...(user.displayName ? { name: user.displayName } : {}),
              },
            ]
          : [],
      );
    } catch (error) {
      deps.logger?.warn('Could not read the auditors for a break-glass alert', {
        requestId: event.request.id,
        error: describeError(error),
      });
      return [];
    }
  };

  const sendOn = async (channel: NotificationChannel, delivery: Delivery): Promise<ChannelReport> => {
    try {
      return await channel.send(delivery);
    } catch (error) {
      return { delivered: [], failures: [{ reason: describeError(error) }], skipped: [] };
    }
  };

  return {
    async notify(event, settings) {
      const enabled = deps.channels.filter((c) => channelEnabled(c.name, settings));
      const off = deps.channels
        .filter((c) => !enabled.includes(c))
        .map((c): NotificationOutcome => ({
          channel: c.name,
          status: 'skipped',
          delivered: 0,
          failures: [],
          skipped: [],
          reason: 'switched off in settings',
        }));
      if (enabled.length === 0) return off;

      if (event.type === 'scheduled' && Date.parse(event.request.startTime) <= deps.clock.now().getTime()) {
        return [
          ...enabled.map((c): NotificationOutcome => ({
            channel: c.name,
            status: 'skipped',
            delivered: 0,
            failures: [],
            skipped: [],
            reason: 'start time already passed: the started notification follows',
          })),
          ...off,
        ];
      }

      const needsPeople = enabled.some((c) => c.name !== 'sns');
      const auditors = needsPeople ? await auditorsFor(event, settings) : [];
      let delivery: Delivery;
      try {
        delivery = {
          event,
          message: renderMessage(event, { appUrl, locale: deps.locale }),
          recipients: recipientsFor(event.type, event.request, {
            ...(event.to !== undefined ? { to: event.to } : {}),
            extraCc: auditors,
          }),
          settings,
          appUrl,
        };
      } catch (error) {
        // Defensive: a request that cannot be rendered must not fail the workflow step.
        const reason = describeError(error);
        await record(
          event,
          enabled.map((c) => ({
            channel: c.name,
            action: 'notification-failed',
            actor: 'system',
            detail: truncateText(`${c.name}: ${event.type} failed: ${reason}`, MAX_DETAIL),
          })),
        );
        return [
          ...enabled.map((c): NotificationOutcome => ({
            channel: c.name,
            status: 'failed',
            delivered: 0,
            failures: [{ reason }],
            skipped: [],
          })),
          ...off,
        ];
      }

      const reports = await Promise.all(enabled.map((channel) => sendOn(channel, delivery)));
      const outcomes: NotificationOutcome[] = enabled.map((channel, i) => {
        const report = reports[i] ?? { delivered: [], failures: [], skipped: [] };
        return {
          channel: channel.name,
          status: statusOf(report),
          delivered: report.delivered.length,
          failures: report.failures,
          skipped: report.skipped,
        };
      });
      for (const outcome of outcomes) {
        if (outcome.failures.length > 0) {
          deps.logger?.warn('Notification not delivered', {
            requestId: event.request.id,
            event: event.type,
            channel: outcome.channel,
            failures: outcome.failures,
          });
        }
      }
      await record(
        event,
        enabled.flatMap((channel, i) =>
          auditEntries(event, channel.name, reports[i] ?? { delivered: [], failures: [], skipped: [] }),
        ),
      );
      return [...outcomes, ...off];
    },
  };
}
