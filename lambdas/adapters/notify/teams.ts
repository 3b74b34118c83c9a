import { TIME_FIELDS, type MessageField, type NotificationMessage } from '../../core/notifications/message';
import type { ChannelReport, Delivery, NotificationChannel } from '../../core/notifications/ports';
import { describeError } from '../../core/notifications/send';
import { formatInTimeZone, singleLine, truncateText } from '../../core/notifications/text';
import type { SecretStore } from '../../core/ports';
import { escapeTeamsMarkdown } from './escape';

/** Free text gets a block of its own; short values sit in the fact set (as in the Slack channel). */
const LONG_FIELDS: ReadonlySet<MessageField['key']> = new Set([
  'justification',
  'reason',
  'comment',
  'error',
]);
/** Teams refuses messages over about 28 KB: user text is cut well before that. */
const TEXT_MAX = 3000;
const FACT_MAX = 500;
const TITLE_MAX = 150;

/** The alert line of a high-priority message. */
const HIGH_PRIORITY_ALERT = 'HIGH PRIORITY: break-glass access was taken without approval. Review it now.';

/** Where reports say the card went: never the URL itself, which carries the webhook's signature. */
export const TEAMS_TARGET = 'Teams channel';

/** The Adaptive Card elements TEAM writes (a subset of the schema, version 1.4). */
export interface TeamsTextBlock {
  type: 'TextBlock';
  text: string;
  wrap: true;
  weight?: 'Bolder';
  size?: 'Medium';
  color?: 'Attention';
  spacing?: 'Medium';
  style?: 'heading';
}

export interface TeamsFactSet {
  type: 'FactSet';
  facts: { title: string; value: string }[];
}

export interface TeamsOpenUrl {
  type: 'Action.OpenUrl';
  title: string;
  url: string;
}

export interface AdaptiveCard {
  type: 'AdaptiveCard';
  $schema: 'http://adaptivecards.io/schemas/adaptive-card.json';
  version: '1.4';
  body: (TeamsTextBlock | TeamsFactSet)[];
  actions: TeamsOpenUrl[];
  /** Teams: use the whole width of the conversation. */
  msteams: { width: 'Full' };
}

/** What a Teams Workflows webhook ("When a Teams webhook request is received") takes. */
export interface TeamsWebhookPayload {
  type: 'message';
  attachments: {
    contentType: 'application/vnd.microsoft.card.adaptive';
    contentUrl: null;
    content: AdaptiveCard;
  }[];
}

const text = (value: string, max: number, extra: Omit<TeamsTextBlock, 'type' | 'text' | 'wrap'> = {}) => ({
  type: 'TextBlock' as const,
  text: escapeTeamsMarkdown(value, max),
  wrap: true as const,
  ...extra,
});

/**
 * The Adaptive Card (1.4) of a notification, for a channel everyone reads: the title, for a
 * high-priority message (break-glass) in the attention colour with an alert line, the summary,
 * the short fields as facts (times in UTC, as the Slack audit channel shows them), the free text
 * (justification, reason, comment, error) in blocks of their own, and an "Open in TEAM" button to
 * the request. Every value is Markdown-escaped: what people typed shows as they typed it.
 */
export function teamsCard(message: NotificationMessage): AdaptiveCard {
  const high = message.priority === 'high';
  const attention = high ? { color: 'Attention' as const } : {};
  const body: AdaptiveCard['body'] = [
    text(singleLine(message.title), TITLE_MAX, {
      weight: 'Bolder',
      size: 'Medium',
      style: 'heading',
      ...attention,
    }),
  ];
  if (high) body.push(text(HIGH_PRIORITY_ALERT, TEXT_MAX, { weight: 'Bolder', color: 'Attention' }));
  body.push(text(message.summary, TEXT_MAX));

  const facts = message.fields
    .filter((f) => !LONG_FIELDS.has(f.key))
    .map((f) => ({
      title: escapeTeamsMarkdown(singleLine(f.label), FACT_MAX),
      value: escapeTeamsMarkdown(
        singleLine(TIME_FIELDS.has(f.key) ? formatInTimeZone(f.value, 'UTC') : f.value),
        FACT_MAX,
      ),
    }));
  if (facts.length > 0) body.push({ type: 'FactSet', facts });

  for (const f of message.fields.filter((field) => LONG_FIELDS.has(field.key))) {
    body.push(text(singleLine(f.label), TITLE_MAX, { weight: 'Bolder', spacing: 'Medium' }));
    body.push(text(f.value, TEXT_MAX));
  }

  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.4',
    body,
    // Button titles are plain text (no Markdown): the label is ours.
    actions: [{ type: 'Action.OpenUrl', title: message.linkLabel, url: message.link }],
    msteams: { width: 'Full' },
  };
}

/** The webhook's request body: one message with the card as its only attachment. */
export function teamsPayload(message: NotificationMessage): TeamsWebhookPayload {
  return {
    type: 'message',
    attachments: [
      {
        contentType: 'application/vnd.microsoft.card.adaptive',
        contentUrl: null,
        content: teamsCard(message),
      },
    ],
  };
}

export interface TeamsChannelOptions {
  /** Where the webhook URL lives (read for every message, so a new URL is picked up at once). */
  secrets: SecretStore;
  /** The fetch to post with (tests); the global one by default. */
  fetch?: typeof fetch;
  /** Time allowed for one post, in ms (default 10 s). */
  timeoutMs?: number;
  /** Retries after a 429 or a 5xx answer (default 3). */
  maxRetries?: number;
  /** A Retry-After longer than this fails the post instead of waiting (default 30 s). */
  maxRetryAfterSeconds?: number;
  /** First wait when the answer says nothing about when to retry; doubled each time (default 1 s). */
  backoffMs?: number;
  /** How to wait between attempts (tests). */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Whole seconds a Retry-After header asks for (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now: number = Date.now()): number | undefined {
  const value = header?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

/** A failed post, said without the URL (its query string is the webhook's credential). */
class PostFailure extends Error {}

/**
 * Microsoft Teams through a Workflows incoming webhook: one Adaptive Card per event to the
 * channel the webhook posts to (the URL is a secret, read for every event). A 429 or 5xx answer
 * is retried a few times, after the Retry-After the answer asks for (bounded) or a growing pause;
 * any other answer, a network error or a timeout is reported as the channel's failure. Nothing
 * is thrown for a post that failed.
 */
export class TeamsChannel implements NotificationChannel {
  readonly name = 'teams' as const;

  constructor(private readonly options: TeamsChannelOptions) {}

  async send(delivery: Delivery): Promise<ChannelReport> {
    const report: ChannelReport = { delivered: [], failures: [], skipped: [] };
    let url: string | undefined;
    try {
      url = await this.options.secrets.getSecret('teamsWebhookUrl');
    } catch (error) {
      report.failures.push({
        target: TEAMS_TARGET,
        reason: `The Teams webhook URL could not be read: ${describeError(error)}`,
      });
      return report;
    }
    if (!url) {
      report.failures.push({
        target: TEAMS_TARGET,
        reason: 'No Microsoft Teams webhook URL is configured (Settings → Teams webhook URL).',
      });
      return report;
    }
    try {
      await this.post(url, JSON.stringify(teamsPayload(delivery.message)));
      report.delivered.push(TEAMS_TARGET);
    } catch (error) {
      const reason = error instanceof PostFailure ? error.message : describeError(error);
      report.failures.push({ target: TEAMS_TARGET, reason: reason.replaceAll(url, '<webhook URL>') });
    }
    return report;
  }

  /** Posts the body, retrying 429 and 5xx answers; throws a PostFailure saying why it gave up. */
  private async post(url: string, body: string): Promise<void> {
    const send = this.options.fetch ?? fetch;
    const sleep = this.options.sleep ?? defaultSleep;
    const maxRetries = this.options.maxRetries ?? 3;
    const maxWait = this.options.maxRetryAfterSeconds ?? 30;
    const backoff = this.options.backoffMs ?? 1000;
    for (let attempt = 0; ; attempt += 1) {
      let response: Response;
      try {
        response = await send(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        // The post may have arrived: retrying could show the card twice, so this is reported.
        const timedOut = (error as { name?: unknown } | null)?.name === 'TimeoutError';
        throw new PostFailure(
          timedOut ? 'Teams did not answer in time' : `Teams could not be reached: ${networkReason(error)}`,
        );
      }
      if (response.ok) {
        await response.body?.cancel();
        return;
      }
      const answer = `Teams answered ${response.status}${await detailOf(response)}`;
      const retryable = response.status === 429 || response.status >= 500;
      if (!retryable) throw new PostFailure(answer);
      const asked = retryAfterSeconds(response.headers.get('retry-after'));
      if (asked !== undefined && asked > maxWait) {
        throw new PostFailure(`${answer}, asking to retry after ${asked} s (longer than TEAM waits)`);
      }
      if (attempt >= maxRetries) throw new PostFailure(`${answer} (gave up after ${attempt + 1} attempts)`);
      await sleep(asked !== undefined ? asked * 1000 : Math.min(backoff * 2 ** attempt, maxWait * 1000));
    }
  }
}

/** Why fetch failed, with the cause undici hides behind "fetch failed". */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: unknown } | null)?.cause;
  const code = (cause as { code?: unknown } | null)?.code;
  const base = describeError(error);
  return typeof code === 'string' ? `${base} (${code})` : base;
}

/** The start of an error answer's text, on one line, for the report. */
async function detailOf(response: Response): Promise<string> {
  let body = '';
  try {
    body = singleLine(await response.text());
  } catch {
    return '';
  }
  return body === '' ? '' : `: ${truncateText(body, 200)}`;
}
