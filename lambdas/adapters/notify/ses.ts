import { SendEmailCommand, SESv2Client, type SESv2ClientConfig } from '@aws-sdk/client-sesv2';
import { TIME_FIELDS, type MessageField, type NotificationMessage } from '../../core/notifications/message';
import type {
  ChannelReport,
  Delivery,
  DeliveryFailure,
  NotificationChannel,
} from '../../core/notifications/ports';
import type { Recipient } from '../../core/notifications/recipients';
import { describeError } from '../../core/notifications/send';
import { formatInTimeZone } from '../../core/notifications/text';
import { isThrottling } from '../errors';
import { escapeHtml } from './escape';

/** SES refuses messages with more recipients than this (To + Cc + Bcc). */
const MAX_RECIPIENTS_PER_EMAIL = 50;

export interface SesEmailChannelOptions {
  /** Region of the SES client when no sending identity ARN is set (the stack's region). */
  region: string;
  /** Builds the client for a region; by default a new SESv2Client with `clientConfig`. */
  clientFor?: (region: string) => SESv2Client;
  /** Extra client settings (endpoint and credentials locally). */
  clientConfig?: Omit<SESv2ClientConfig, 'region'>;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** Extra headers: mail clients flag a high-priority message (break-glass) as urgent. */
  headers: { name: string; value: string }[];
}

/** Headers that mark a message urgent in common mail clients. */
const HIGH_PRIORITY_HEADERS = [
  { name: 'X-Priority', value: '1 (Highest)' },
  { name: 'Importance', value: 'high' },
];

/** The banner above a high-priority message's heading. */
const HIGH_PRIORITY_BANNER =
  '<p style="margin:0 0 12px;padding:10px 14px;background:#d91515;color:#ffffff;font-weight:bold;font-size:16px">' +
  'HIGH PRIORITY: break-glass access was taken without approval. Review it now.</p>';

/** The region of an ARN (`arn:aws:ses:eu-west-1:…` → `eu-west-1`), if it has one. */
export function regionOfArn(arn: string): string | undefined {
  const region = arn.split(':')[3];
  return region !== undefined && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) ? region : undefined;
}

/**
 * A field's value as people read it: times in words, in UTC (an email's reader has no known time
 * zone; the zone is named), everything else as written.
 */
const shown = (field: MessageField): string =>
  TIME_FIELDS.has(field.key) ? formatInTimeZone(field.value, 'UTC') : field.value;

/** Free text keeps its line breaks in HTML. */
const htmlValue = (value: string) => escapeHtml(value).replace(/\r?\n/g, '<br>');

/**
 * The email for a message: the subject, an HTML body (every value HTML-escaped) and a plain-text
 * body with the same content; a high-priority message (break-glass) opens with a red banner and
 * carries the headers mail clients show as urgent.
 */
export function renderEmail(message: NotificationMessage): RenderedEmail {
  const high = message.priority === 'high';
  const rows = message.fields
    .map(
      (f) =>
        `<tr><th align="left" valign="top" style="padding:4px 12px 4px 0;white-space:nowrap">${escapeHtml(f.label)}</th>` +
        `<td style="padding:4px 0">${htmlValue(shown(f))}</td></tr>`,
    )
    .join('\n');
  const html = [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(message.subject)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;color:#16191f">',
    ...(high ? [HIGH_PRIORITY_BANNER] : []),
    `<h2 style="font-size:18px${high ? ';color:#d91515' : ''}">${escapeHtml(message.title)}</h2>`,
    `<p>${escapeHtml(message.summary)}</p>`,
    `<table role="presentation" style="border-collapse:collapse">\n${rows}\n</table>`,
    `<p><a href="${escapeHtml(message.link)}">${escapeHtml(message.linkLabel)}</a></p>`,
    '</body></html>',
  ].join('\n');

  const textFields = message.fields.map((f) => `${f.label}: ${shown(f).replace(/\r?\n/g, '\n  ')}`);
  const text = [
    ...(high
      ? ['*** HIGH PRIORITY: break-glass access was taken without approval. Review it now. ***', '']
      : []),
    message.title,
    '',
    message.summary,
    '',
    ...textFields,
    '',
    `${message.linkLabel}: ${message.link}`,
    '',
  ].join('\n');
  return { subject: message.subject, html, text, headers: high ? [...HIGH_PRIORITY_HEADERS] : [] };
}

interface Group {
  to: Recipient[];
  cc: Recipient[];
}

/** To and Cc split into emails of at most 50 recipients, To first. */
function groupsOf(to: Recipient[], cc: Recipient[]): Group[] {
  const tagged = [...to.map((r) => ({ r, cc: false })), ...cc.map((r) => ({ r, cc: true }))];
  const groups: Group[] = [];
  for (let i = 0; i < tagged.length; i += MAX_RECIPIENTS_PER_EMAIL) {
    const slice = tagged.slice(i, i + MAX_RECIPIENTS_PER_EMAIL);
    groups.push({
      to: slice.filter((t) => !t.cc).map((t) => t.r),
      cc: slice.filter((t) => t.cc).map((t) => t.r),
    });
  }
  return groups;
}

/** Errors about the message or its recipients (not SES being busy or broken): worth one try per person. */
function mayBeOneRecipient(error: unknown): boolean {
  if (isThrottling(error)) return false;
  const fault = (error as { $fault?: unknown } | null)?.$fault;
  return fault === 'client';
}

/**
 * Email through SES v2 `SendEmail`: one email per recipient group (To and Cc as the matrix says),
 * from the settings' source email, with its identity ARN when set (the client then runs in the
 * ARN's region, for cross-account or cross-region identities). When SES refuses a group — e.g. one
 * unverified recipient in the sandbox — each person of the group is sent their own copy, so one
 * bad address costs only that address.
 */
export class SesEmailChannel implements NotificationChannel {
  readonly name = 'email' as const;
  private readonly clients = new Map<string, SESv2Client>();

  constructor(private readonly options: SesEmailChannelOptions) {}

  async send(delivery: Delivery): Promise<ChannelReport> {
    const { settings, recipients, message } = delivery;
    const from = settings.sesSourceEmail?.trim();
    if (!from) throw new Error('No source email is set for email notifications.');
    const identityArn = settings.sesSourceArn?.trim() || undefined;
    const client = this.clientFor((identityArn && regionOfArn(identityArn)) || this.options.region);
    const email = renderEmail(message);
    const report: ChannelReport = { delivered: [], failures: [], skipped: [] };

    const sendTo = (group: Group) =>
      client.send(
        new SendEmailCommand({
          FromEmailAddress: from,
          ...(identityArn !== undefined && { FromEmailAddressIdentityArn: identityArn }),
          Destination: {
            ...(group.to.length > 0 && { ToAddresses: group.to.map((r) => r.email) }),
            ...(group.cc.length > 0 && { CcAddresses: group.cc.map((r) => r.email) }),
          },
          Content: {
            Simple: {
              ...(email.headers.length > 0 && {
                Headers: email.headers.map((h) => ({ Name: h.name, Value: h.value })),
              }),
              Subject: { Data: email.subject, Charset: 'UTF-8' },
              Body: {
                Html: { Data: email.html, Charset: 'UTF-8' },
                Text: { Data: email.text, Charset: 'UTF-8' },
              },
            },
          },
        }),
      );

    for (const group of groupsOf(recipients.to, recipients.cc)) {
      const people = [...group.to, ...group.cc];
      try {
        await sendTo(group);
        report.delivered.push(...people.map((r) => r.email));
        continue;
      } catch (error) {
        if (people.length === 1 || !mayBeOneRecipient(error)) {
          const reason = describeError(error);
          report.failures.push(...people.map((r): DeliveryFailure => ({ target: r.email, reason })));
          continue;
        }
      }
      for (const person of people) {
        const alone: Group = group.cc.includes(person) ? { to: [], cc: [person] } : { to: [person], cc: [] };
        try {
          await sendTo(alone);
          report.delivered.push(person.email);
        } catch (error) {
          report.failures.push({ target: person.email, reason: describeError(error) });
        }
      }
    }
    return report;
  }

  private clientFor(region: string): SESv2Client {
    let client = this.clients.get(region);
    if (client === undefined) {
      client = this.options.clientFor?.(region) ?? new SESv2Client({ ...this.options.clientConfig, region });
      this.clients.set(region, client);
    }
    return client;
  }
}
