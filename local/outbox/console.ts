/**
 * One readable line per notification the outbox receives, for the console of `npm start`:
 * channel, recipient, subject, e.g.
 * `✉ email  carol.smith@example.com  "Access request pending: …"`.
 */
import type { Outbox, OutboxMessage } from './outbox';

const MARK = { email: '✉ email', slack: '# slack', sns: '▲ sns  ', teams: '▣ teams' } as const;

/** Control characters and line breaks of user text would break the one-line layout. */
const oneLine = (text: string): string =>
  text
    .replace(/[\p{Cc}\u2028\u2029]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/** The header block's text of a Slack post (the notification's title), if it has one. */
function slackTitle(blocks: unknown[] | undefined): string | undefined {
  for (const block of blocks ?? []) {
    const b = block as { type?: unknown; text?: { text?: unknown } };
    if (b.type === 'header' && typeof b.text?.text === 'string') return b.text.text;
  }
  return undefined;
}

/** The first TextBlock's text of an Adaptive Card (the notification's title), Markdown escapes removed. */
function cardTitle(card: unknown): string | undefined {
  const body = (card as { body?: unknown } | null)?.body;
  for (const element of Array.isArray(body) ? body : []) {
    const e = element as { type?: unknown; text?: unknown };
    if (e.type === 'TextBlock' && typeof e.text === 'string')
      return e.text.replace(/\\([!-/:-@[-`{-~])/g, '$1');
  }
  return undefined;
}

/** Who a message went to and what it was about. */
function recipientAndSubject(message: OutboxMessage): [string, string] {
  switch (message.channel) {
    case 'email':
      return [[...message.to, ...message.cc, ...message.bcc].join(', '), message.subject];
    case 'sns':
      return [message.topicArn.split(':').pop() ?? message.topicArn, message.subject ?? '(no subject)'];
    case 'slack': {
      const to =
        message.recipient?.email ??
        message.recipient?.name ??
        (message.conversationName ? `#${message.conversationName}` : message.conversation);
      const subject = slackTitle(message.blocks) ?? (message.text ?? '').split('\n')[0] ?? '';
      return [to, subject];
    }
    case 'teams':
      return [`webhook ${message.webhook}`, cardTitle(message.card) ?? '(no title)'];
  }
}

/** The console line of one message: channel, recipient, quoted subject. */
export function notificationLine(message: OutboxMessage): string {
  const [to, subject] = recipientAndSubject(message);
  return `${MARK[message.channel]}  ${oneLine(to)}  "${oneLine(subject)}"`;
}

/** The console line of an edited message (Slack's `chat.update`): like its first line, marked "updated". */
export function updateLine(message: OutboxMessage): string {
  const [to, subject] = recipientAndSubject(message);
  return `${MARK[message.channel]}  ${oneLine(to)}  updated "${oneLine(subject)}"`;
}

/**
 * Writes one line per message the outbox receives, and one per message edited, from now on
 * through `write` (one call per line, without the line break). Returns a function that stops it.
 */
export function printNotifications(outbox: Outbox, write: (line: string) => void): () => void {
  const offMessage = outbox.on('message', (message) => write(notificationLine(message)));
  const offUpdate = outbox.on('update', (message) => write(updateLine(message)));
  return () => {
    offMessage();
    offUpdate();
  };
}
