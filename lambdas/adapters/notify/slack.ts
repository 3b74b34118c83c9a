import { ErrorCode, LogLevel, WebClient, type RetryOptions } from '@slack/web-api';
import { TIME_FIELDS, type MessageField, type NotificationMessage } from '../../core/notifications/message';
import type { ChannelReport, Delivery, NotificationChannel } from '../../core/notifications/ports';
import { allRecipients } from '../../core/notifications/recipients';
import { describeError } from '../../core/notifications/send';
import { formatInTimeZone, truncateText } from '../../core/notifications/text';
import type { Clock, SecretStore } from '../../core/ports';
import { TtlCache } from '../cache';
import { mapLimit } from '../concurrency';
import { escapeMrkdwn } from './escape';

/** Block Kit limits (characters). */
const HEADER_MAX = 150;
const SECTION_TEXT_MAX = 3000;
const FIELD_TEXT_MAX = 2000;
const FIELDS_PER_SECTION = 10;
/** Free text gets its own section; short values sit side by side as fields. */
const LONG_FIELDS = new Set(['justification', 'reason', 'comment', 'error']);

/** The alert line of a high-priority message (our own text: the only formatting not escaped). */
const HIGH_PRIORITY_ALERT =
  ':rotating_light: *HIGH PRIORITY: break-glass access was taken without approval.* Review it now.';

/** A text object. */
interface TextObject {
  type: 'plain_text' | 'mrkdwn';
  text: string;
  emoji?: boolean;
}

/** The Block Kit blocks TEAM posts (a subset of Slack's `KnownBlock`). */
export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | {
      type: 'actions';
      elements: {
        type: 'button';
        text: TextObject;
        url: string;
        action_id: string;
        style?: 'primary' | 'danger';
      }[];
    }
  | { type: 'context'; elements: TextObject[] };

export interface SlackPost {
  /** Fallback text (notifications, screen readers); mrkdwn-escaped. */
  text: string;
  blocks: SlackBlock[];
}

const labelled = (label: string, value: string, max: number): string => {
  const head = `*${label}*\n`;
  return `${head}${escapeMrkdwn(value, max - head.length)}`;
};

/**
 * The Block Kit message for a reader in `timeZone`: a header, the summary, the fields (times in
 * the reader's zone), free text in sections of its own, and an "Open in TEAM" button to the
 * request. Every value is mrkdwn-escaped (no mentions, links or formatting from user text). A
 * high-priority message (break-glass) adds an alert line under the header, a red button, and in
 * the audit channel an `@here` so everyone in it is notified.
 */
export function slackPost(
  message: NotificationMessage,
  timeZone?: string,
  options: { audit?: boolean } = {},
): SlackPost {
  const short = message.fields.filter((f) => !LONG_FIELDS.has(f.key));
  const long = message.fields.filter((f) => LONG_FIELDS.has(f.key));
  const shown = (key: MessageField['key'], value: string) =>
    TIME_FIELDS.has(key) ? formatInTimeZone(value, timeZone) : value;
  const high = message.priority === 'high';

  const blocks: SlackBlock[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: truncateText(message.title, HEADER_MAX), emoji: false },
    },
    ...(high
      ? [
          {
            type: 'section' as const,
            text: {
              type: 'mrkdwn' as const,
              text: options.audit ? `<!here> ${HIGH_PRIORITY_ALERT}` : HIGH_PRIORITY_ALERT,
            },
          },
        ]
      : []),
    { type: 'section', text: { type: 'mrkdwn', text: escapeMrkdwn(message.summary, SECTION_TEXT_MAX) } },
  ];
  for (let i = 0; i < short.length; i += FIELDS_PER_SECTION) {
    blocks.push({
      type: 'section',
      fields: short
        .slice(i, i + FIELDS_PER_SECTION)
        .map((f) => ({ type: 'mrkdwn', text: labelled(f.label, shown(f.key, f.value), FIELD_TEXT_MAX) })),
    });
  }
  for (const f of long) {
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: labelled(f.label, f.value, SECTION_TEXT_MAX) },
    });
  }
  blocks.push({
    type: 'actions',
    elements: [
      {
        type: 'button',
        text: { type: 'plain_text', text: message.linkLabel, emoji: false },
        url: message.link,
        action_id: 'open_request',
        style: high ? 'danger' : 'primary',
      },
    ],
  });
  const prefix = options.audit ? '[TEAM audit] ' : '';
  const text = escapeMrkdwn(`${prefix}${message.title}: ${message.summary}`, SECTION_TEXT_MAX);
  // The one mention TEAM writes itself: a break-glass alert must reach the audit channel now.
  return { text: high && options.audit ? `<!here> ${text}` : text, blocks };
}

export interface SlackChannelOptions {
  /** Where the bot token lives (read per send, so a rotated token is picked up). */
  secrets: SecretStore;
  clock: Clock;
  /** Slack Web API base URL (the local stub's `…/api/`); Slack's by default. */
  slackApiUrl?: string;
  /** Retries of a rate-limited call, each after the server's Retry-After (default 3). */
  maxRateLimitRetries?: number;
  /** A Retry-After longer than this fails the call instead of waiting (default 30 s). */
  maxRetryAfterSeconds?: number;
  /** Retries of network and HTTP errors inside the WebClient. */
  retryConfig?: RetryOptions;
  /** How long an email → Slack user lookup is reused (default 15 min). */
  lookupTtlMs?: number;
  /** Messages posted at once (default 4). */
  concurrency?: number;
  logLevel?: LogLevel;
  /** Request timeout in ms (default 10 s). */
  timeoutMs?: number;
}

interface SlackUser {
  id: string;
  tz?: string;
}

/** Slack's `{ ok: false, error }` answer code, if that is what failed. */
function platformCode(error: unknown): string | undefined {
  if ((error as { code?: unknown } | null)?.code !== ErrorCode.PlatformError) return undefined;
  const code = (error as { data?: { error?: unknown } }).data?.error;
  return typeof code === 'string' ? code : undefined;
}

function rateLimitWait(error: unknown): number | undefined {
  if ((error as { code?: unknown } | null)?.code !== ErrorCode.RateLimitedError) return undefined;
  const seconds = (error as { retryAfter?: unknown }).retryAfter;
  return typeof seconds === 'number' && Number.isFinite(seconds) ? Math.max(0, seconds) : 0;
}

const slackReason = (error: unknown): string => {
  const code = platformCode(error);
  return code !== undefined ? `Slack answered ${code}` : describeError(error);
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Slack through `@slack/web-api`: each recipient is looked up by email (`users.lookupByEmail`)
 * and sent a DM (`chat.postMessage` to the user id) with the start time in their own time zone;
 * when the settings name an audit channel, every event is posted there too (times in UTC).
 * People without a Slack account are skipped and reported. A `ratelimited` answer is retried after
 * the server's Retry-After (bounded in count and length), and while waiting no other call is made.
 */
export class SlackChannel implements NotificationChannel {
  readonly name = 'slack' as const;
  private client: { token: string; web: WebClient } | undefined;
  private readonly users: TtlCache<SlackUser>;
  /** Until when Slack asked us to wait (epoch ms). */
  private pausedUntil = 0;

  constructor(private readonly options: SlackChannelOptions) {
    this.users = new TtlCache<SlackUser>(options.lookupTtlMs ?? 15 * 60_000, options.clock);
  }

  async send(delivery: Delivery): Promise<ChannelReport> {
    const { message, recipients, settings } = delivery;
    const web = await this.webClient();
    const report: ChannelReport = { delivered: [], failures: [], skipped: [] };

    await mapLimit(allRecipients(recipients), this.options.concurrency ?? 4, async (recipient) => {
      let user: SlackUser;
      try {
        user = await this.users.get(recipient.email.toLowerCase(), () => this.lookup(web, recipient.email));
      } catch (error) {
        if (platformCode(error) === 'users_not_found') {
          report.skipped.push({ target: recipient.email, reason: 'no Slack user with this email' });
        } else {
          report.failures.push({ target: recipient.email, reason: slackReason(error) });
        }
        return;
      }
      try {
        const post = slackPost(message, user.tz);
        await this.call(() =>
          web.chat.postMessage({ channel: user.id, text: post.text, blocks: post.blocks }),
        );
        report.delivered.push(recipient.email);
      } catch (error) {
        report.failures.push({ target: recipient.email, reason: slackReason(error) });
      }
    });

    const audit = settings.slackAuditChannel?.trim();
    if (audit) {
      const target = audit.startsWith('#') || /^[CG][A-Z0-9]+$/.test(audit) ? audit : `#${audit}`;
      try {
        const post = slackPost(message, 'UTC', { audit: true });
        await this.call(() => web.chat.postMessage({ channel: audit, text: post.text, blocks: post.blocks }));
        report.delivered.push(target);
      } catch (error) {
        report.failures.push({ target, reason: slackReason(error) });
      }
    }
    return report;
  }

  /** The WebClient for the current token (a new one, and fresh lookups, when the token changed). */
  private async webClient(): Promise<WebClient> {
    const token = await this.options.secrets.getSlackToken();
    if (!token) throw new Error('No Slack bot token is configured.');
    if (this.client?.token === token) return this.client.web;
    const web = new WebClient(token, {
      ...(this.options.slackApiUrl !== undefined && { slackApiUrl: this.options.slackApiUrl }),
      // We wait out rate limits ourselves, so a long Retry-After cannot hold a Lambda hostage.
      rejectRateLimitedCalls: true,
      retryConfig: this.options.retryConfig ?? {
        retries: 2,
        factor: 2,
        minTimeout: 500,
        maxTimeout: 2000,
        randomize: true,
      },
      timeout: this.options.timeoutMs ?? 10_000,
      logLevel: this.options.logLevel ?? LogLevel.WARN,
    });
    this.client = { token, web };
    this.users.clear();
    return web;
  }

  private async lookup(web: WebClient, email: string): Promise<SlackUser> {
    const found = await this.call(() => web.users.lookupByEmail({ email }));
    const id = found.user?.id;
    if (!id) throw new Error('Slack returned a user without an id.');
    return found.user?.tz ? { id, tz: found.user.tz } : { id };
  }

  /** One Web API call, retried after Slack's Retry-After when rate limited. */
  private async call<T>(run: () => Promise<T>): Promise<T> {
    const maxRetries = this.options.maxRateLimitRetries ?? 3;
    const maxWait = this.options.maxRetryAfterSeconds ?? 30;
    for (let attempt = 0; ; attempt += 1) {
      const wait = this.pausedUntil - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        return await run();
      } catch (error) {
        const seconds = rateLimitWait(error);
        if (seconds === undefined) throw error;
        if (attempt >= maxRetries || seconds > maxWait) {
          throw new Error(
            `Slack rate limit: asked to retry after ${seconds} s (gave up after ${attempt + 1} attempts).`,
            { cause: error },
          );
        }
        this.pausedUntil = Math.max(this.pausedUntil, Date.now() + seconds * 1000);
      }
    }
  }
}
