import { ErrorCode, LogLevel, WebClient, type RetryOptions } from '@slack/web-api';
import type { NotificationEventType } from '../../core/notifications/events';
import {
  renderDecisionCard,
  TIME_FIELDS,
  type MessageField,
  type NotificationMessage,
} from '../../core/notifications/message';
import type {
  ChannelReport,
  Delivery,
  DeliveryFailure,
  NotificationChannel,
} from '../../core/notifications/ports';
import { allRecipients } from '../../core/notifications/recipients';
import { describeError } from '../../core/notifications/send';
import { formatInTimeZone, truncateText } from '../../core/notifications/text';
import type { ChatMessageRef, ChatStore, Clock, SecretStore } from '../../core/ports';
import type { AccessRequest } from '../../core/types';
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

/** The action ids of TEAM's buttons; the interactivity endpoint acts on the first two. */
export const SLACK_ACTIONS = {
  approve: 'approve_request',
  reject: 'reject_request',
  open: 'open_request',
} as const;

interface SlackButton {
  type: 'button';
  text: TextObject;
  action_id: string;
  url?: string;
  value?: string;
  style?: 'primary' | 'danger';
}

/** The Block Kit blocks TEAM posts (a subset of Slack's `KnownBlock`). */
export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'actions'; block_id?: string; elements: SlackButton[] }
  | { type: 'context'; elements: TextObject[] };

export interface SlackPost {
  /** Fallback text (notifications, screen readers); mrkdwn-escaped. */
  text: string;
  blocks: SlackBlock[];
}

export interface SlackPostOptions {
  /** The audit channel's copy (an `@here` on a high-priority alert). */
  audit?: boolean;
  /** Approve and Reject buttons for this reader (an approver of a request still pending). */
  decision?: boolean;
}

const labelled = (label: string, value: string, max: number): string => {
  const head = `*${label}*\n`;
  return `${head}${escapeMrkdwn(value, max - head.length)}`;
};

const plain = (text: string): TextObject => ({ type: 'plain_text', text, emoji: false });

/**
 * The Block Kit message for a reader in `timeZone`: a header, the summary, the fields (times in
 * the reader's zone), free text in sections of its own, and an "Open in TEAM" button to the
 * request; for an approver of a pending request (`decision`), Approve and Reject buttons before
 * it (they open a modal in Slack; see docs/slack.md). Every value is mrkdwn-escaped (no mentions,
 * links or formatting from user text). A high-priority message (break-glass) adds an alert line
 * under the header, a red button, and in the audit channel an `@here` so everyone in it is
 * notified.
 */
export function slackPost(
  message: NotificationMessage,
  timeZone?: string,
  options: SlackPostOptions = {},
): SlackPost {
  const short = message.fields.filter((f) => !LONG_FIELDS.has(f.key));
  const long = message.fields.filter((f) => LONG_FIELDS.has(f.key));
  const shown = (key: MessageField['key'], value: string) =>
    TIME_FIELDS.has(key) ? formatInTimeZone(value, timeZone) : value;
  const high = message.priority === 'high';

  const blocks: SlackBlock[] = [
    { type: 'header', text: plain(truncateText(message.title, HEADER_MAX)) },
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
  const open: SlackButton = {
    type: 'button',
    text: plain(message.linkLabel),
    url: message.link,
    action_id: SLACK_ACTIONS.open,
    ...(options.decision ? {} : { style: high ? 'danger' : 'primary' }),
  };
  blocks.push({
    type: 'actions',
    block_id: 'team_actions',
    elements: options.decision
      ? [
          {
            type: 'button',
            text: plain('Approve'),
            action_id: SLACK_ACTIONS.approve,
            value: message.requestId,
            style: 'primary',
          },
          {
            type: 'button',
            text: plain('Reject'),
            action_id: SLACK_ACTIONS.reject,
            value: message.requestId,
            style: 'danger',
          },
          open,
        ]
      : [open],
  });
  const prefix = options.audit ? '[TEAM audit] ' : '';
  const text = escapeMrkdwn(`${prefix}${message.title}: ${message.summary}`, SECTION_TEXT_MAX);
  // The one mention TEAM writes itself: a break-glass alert must reach the audit channel now.
  return { text: high && options.audit ? `<!here> ${text}` : text, blocks };
}

/**
 * An approver's decision message for the request as it is now (see renderDecisionCard): with
 * Approve and Reject while a decision is still possible, else the outcome and who decided.
 */
export function slackDecisionPost(request: AccessRequest, appUrl: string, timeZone?: string): SlackPost {
  const { message, open } = renderDecisionCard(request, { appUrl });
  return slackPost(message, timeZone, { decision: open });
}

export interface SlackClientOptions {
  /** Where the bot token lives (read per call, so a rotated token is picked up). */
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
  logLevel?: LogLevel;
  /** Request timeout in ms (default 10 s). */
  timeoutMs?: number;
}

export interface SlackChannelOptions extends SlackClientOptions {
  /** Messages posted at once (default 4). */
  concurrency?: number;
  /**
   * Where approvers' decision messages are remembered. With it, approvers get Approve and Reject
   * buttons and their messages are updated when the request is decided; without it, a link only.
   */
  chat?: ChatStore;
}

/** A Slack user as TEAM needs them. */
interface SlackUser {
  id: string;
  tz?: string;
  /** The profile's email address, when Slack confirmed it (`users.info` with users:read.email). */
  email?: string;
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

/** What went wrong with a Slack call, for reports and logs. */
export const slackReason = (error: unknown): string => {
  const code = platformCode(error);
  return code !== undefined ? `Slack answered ${code}` : describeError(error);
};

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The Slack Web API as TEAM calls it: a WebClient for the current bot token (a new one, and fresh
 * lookups, when the token changed), each call retried after Slack's Retry-After when rate limited
 * (bounded in count and length; while waiting no other call is made), users looked up by email
 * with a cache.
 */
export class SlackClient {
  private client: { token: string; web: WebClient } | undefined;
  private readonly users: TtlCache<SlackUser>;
  /** Until when Slack asked us to wait (epoch ms). */
  private pausedUntil = 0;

  constructor(private readonly options: SlackClientOptions) {
    this.users = new TtlCache<SlackUser>(options.lookupTtlMs ?? 15 * 60_000, options.clock);
  }

  /** The WebClient for the current token; throws when no token is configured. */
  async web(): Promise<WebClient> {
    const token = await this.options.secrets.getSecret('slackToken');
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

  /** The Slack user with this email (cached); a `users_not_found` platform error when none. */
  userByEmail(web: WebClient, email: string): Promise<SlackUser> {
    return this.users.get(email.toLowerCase(), async () => {
      const found = await this.call(() => web.users.lookupByEmail({ email }));
      const id = found.user?.id;
      if (!id) throw new Error('Slack returned a user without an id.');
      return found.user?.tz ? { id, tz: found.user.tz } : { id };
    });
  }

  /** The Slack user with this id and their confirmed email, read now (never cached). */
  async userById(id: string): Promise<SlackUser> {
    const web = await this.web();
    const found = await this.call(() => web.users.info({ user: id }));
    const user = found.user;
    if (!user?.id) throw new Error('Slack returned no user.');
    const email = user.profile?.email;
    return {
      id: user.id,
      ...(user.tz ? { tz: user.tz } : {}),
      ...(email && user.is_email_confirmed !== false && !user.deleted ? { email } : {}),
    };
  }

  /** One Web API call, retried after Slack's Retry-After when rate limited. */
  async call<T>(run: () => Promise<T>): Promise<T> {
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

/**
 * Approvers' decision messages: remembered when posted, and brought up to date (chat.update) with
 * the request as it is now, so every approver sees the progress, the outcome and who decided,
 * wherever the decision was taken.
 */
export class SlackDecisionMessages {
  constructor(
    private readonly client: SlackClient,
    private readonly chat: ChatStore,
    private readonly concurrency = 4,
  ) {}

  remember(ref: ChatMessageRef): Promise<void> {
    return this.chat.addMessage(ref);
  }

  /**
   * Updates every decision message of the request (except those in `except`, `conversation/ts`)
   * to show it as it is now. Never throws: what failed is returned.
   */
  async update(
    request: AccessRequest,
    appUrl: string,
    except: ReadonlySet<string> = new Set(),
  ): Promise<{ updated: number; failures: DeliveryFailure[] }> {
    const failures: DeliveryFailure[] = [];
    let updated = 0;
    let refs: ChatMessageRef[];
    try {
      refs = (await this.chat.messagesOf(request.id)).filter((r) => !except.has(messageKey(r)));
    } catch (error) {
      return { updated, failures: [{ target: 'decision messages', reason: describeError(error) }] };
    }
    if (refs.length === 0) return { updated, failures };
    let web: WebClient;
    try {
      web = await this.client.web();
    } catch (error) {
      return { updated, failures: [{ target: 'decision messages', reason: describeError(error) }] };
    }
    await mapLimit(refs, this.concurrency, async (ref) => {
      const post = slackDecisionPost(request, appUrl, ref.timeZone);
      try {
        await this.client.call(() =>
          web.chat.update({ channel: ref.conversation, ts: ref.ts, text: post.text, blocks: post.blocks }),
        );
        updated += 1;
      } catch (error) {
        failures.push({ target: `update of ${messageKey(ref)}`, reason: slackReason(error) });
      }
    });
    return { updated, failures };
  }
}

const messageKey = (ref: Pick<ChatMessageRef, 'conversation' | 'ts'>) => `${ref.conversation}/${ref.ts}`;

/** Events whose DMs to the open stage's approvers carry Approve and Reject. */
const DECISION_EVENTS: ReadonlySet<NotificationEventType> = new Set<NotificationEventType>([
  'pending',
  'reminder',
  'escalated',
]);

/** Events after which approvers' earlier decision messages are brought up to date. */
const UPDATE_EVENTS: ReadonlySet<NotificationEventType> = new Set<NotificationEventType>([
  'pending',
  'escalated',
  'approved',
  'rejected',
  'cancelled',
  'expired',
]);

/**
 * Slack through `@slack/web-api`: each recipient is looked up by email (`users.lookupByEmail`)
 * and sent a DM (`chat.postMessage` to the user id) with the start time in their own time zone;
 * when the settings name an audit channel, every event is posted there too (times in UTC).
 * People without a Slack account are skipped and reported. With a chat store, the approvers a
 * pending request waits for get Approve and Reject buttons, their messages are remembered, and
 * on every change of the decision (a stage opened, approved, rejected, cancelled, expired) all of
 * them are updated to show it.
 */
export class SlackChannel implements NotificationChannel {
  readonly name = 'slack' as const;
  private readonly client: SlackClient;
  private readonly messages: SlackDecisionMessages | undefined;

  constructor(private readonly options: SlackChannelOptions) {
    this.client = new SlackClient(options);
    this.messages = options.chat
      ? new SlackDecisionMessages(this.client, options.chat, options.concurrency ?? 4)
      : undefined;
  }

  async send(delivery: Delivery): Promise<ChannelReport> {
    const { event, message, recipients, settings } = delivery;
    const web = await this.client.web();
    const report: ChannelReport = { delivered: [], failures: [], skipped: [] };
    const deciding =
      this.messages !== undefined && DECISION_EVENTS.has(event.type) && event.request.status === 'pending'
        ? new Set(recipients.to.filter((r) => r.role === 'approver').map((r) => r.id))
        : new Set<string>();
    const posted = new Set<string>();

    await mapLimit(allRecipients(recipients), this.options.concurrency ?? 4, async (recipient) => {
      let user: SlackUser;
      try {
        user = await this.client.userByEmail(web, recipient.email);
      } catch (error) {
        if (platformCode(error) === 'users_not_found') {
          report.skipped.push({ target: recipient.email, reason: 'no Slack user with this email' });
        } else {
          report.failures.push({ target: recipient.email, reason: slackReason(error) });
        }
        return;
      }
      const decision = deciding.has(recipient.id);
      try {
        const post = slackPost(message, user.tz, { decision });
        const sent = await this.client.call(() =>
          web.chat.postMessage({ channel: user.id, text: post.text, blocks: post.blocks }),
        );
        report.delivered.push(recipient.email);
        if (decision && sent.channel && sent.ts) {
          const ref: ChatMessageRef = {
            requestId: event.request.id,
            conversation: sent.channel,
            ts: sent.ts,
            recipientId: recipient.id,
            ...(user.tz ? { timeZone: user.tz } : {}),
          };
          posted.add(messageKey(ref));
          await this.messages?.remember(ref);
        }
      } catch (error) {
        report.failures.push({ target: recipient.email, reason: slackReason(error) });
      }
    });

    const audit = settings.slackAuditChannel?.trim();
    if (audit) {
      const target = audit.startsWith('#') || /^[CG][A-Z0-9]+$/.test(audit) ? audit : `#${audit}`;
      try {
        const post = slackPost(message, 'UTC', { audit: true });
        await this.client.call(() =>
          web.chat.postMessage({ channel: audit, text: post.text, blocks: post.blocks }),
        );
        report.delivered.push(target);
      } catch (error) {
        report.failures.push({ target, reason: slackReason(error) });
      }
    }

    if (this.messages && delivery.appUrl && UPDATE_EVENTS.has(event.type)) {
      const { failures } = await this.messages.update(event.request, delivery.appUrl, posted);
      report.failures.push(...failures);
    }
    return report;
  }
}
