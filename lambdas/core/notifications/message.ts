/**
 * The channel-neutral message: what a notification says, as plain text. Channels format it (HTML
 * and text email, SNS JSON, Slack Block Kit) and escape every value for their own markup.
 */
import type { AccessRequest, Actor } from '../types';
import type { NotificationEvent, NotificationEventType } from './events';
import { durationLabel, singleLine, type NotificationLocale } from './text';

export type MessageFieldKey =
  | 'account'
  | 'role'
  | 'start'
  | 'duration'
  | 'requester'
  | 'justification'
  | 'ticket'
  | 'actor'
  | 'comment'
  | 'error';

export interface MessageField {
  key: MessageFieldKey;
  label: string;
  /** Plain text as people wrote it (may hold line breaks for free text); never markup. */
  value: string;
}

export interface NotificationMessage {
  type: NotificationEventType;
  requestId: string;
  /** Short heading, e.g. "Access request approved" (no user-supplied text). */
  title: string;
  /** Email subject; SNS shortens it with snsSubject. */
  subject: string;
  /** One sentence saying what happened, with names (plain text). */
  summary: string;
  /** In display order; fields without a value are left out. */
  fields: MessageField[];
  /** The request's start (ISO 8601 UTC), for channels that show it in the reader's time zone. */
  startTime: string;
  /** Deep link to the request in the app. */
  link: string;
  linkLabel: string;
}

export interface RenderOptions {
  /** The app's base URL (custom domain when configured), e.g. https://team.example.com. */
  appUrl: string;
  locale?: NotificationLocale;
}

/** A person as messages name them: the display name, else the email. */
export function displayName(actor: Actor): string {
  const name = actor.name?.trim();
  return name ? name : actor.email;
}

/** "Alice Requester (alice@example.com)", or just the email. */
function nameAndEmail(actor: Actor): string {
  const name = actor.name?.trim();
  return name && name !== actor.email ? `${name} (${actor.email})` : actor.email;
}

/** "Prod-Payments (333333333331)". */
export function accountLabel(request: Pick<AccessRequest, 'accountId' | 'accountName'>): string {
  const name = singleLine(request.accountName);
  return name && name !== request.accountId ? `${name} (${request.accountId})` : request.accountId;
}

/** `appUrl` checked once: an absolute http(s) URL, without a trailing slash. */
export function normalizeAppUrl(appUrl: string): string {
  let url: URL;
  try {
    url = new URL(appUrl);
  } catch {
    throw new Error(`The app URL "${appUrl}" is not an absolute URL.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`The app URL "${appUrl}" must use https (or http locally).`);
  }
  return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

/** The deep link to a request: `<appUrl>/requests/<id>`. */
export function requestLink(appUrl: string, requestId: string): string {
  return `${normalizeAppUrl(appUrl)}/requests/${encodeURIComponent(requestId)}`;
}

interface Wording {
  title: string;
  subject: (account: string) => string;
  summary: (names: { requester: string; actor: string; role: string; account: string }) => string;
  /** Label of the "who acted" field, when someone acted. */
  actorLabel?: string;
}

const EN: Record<NotificationEventType, Wording> = {
  pending: {
    title: 'Access request waiting for approval',
    subject: (a) => `AWS access request for ${a} needs approval`,
    summary: (n) => `${n.requester} requests ${n.role} access to ${n.account}.`,
  },
  approved: {
    title: 'Access request approved',
    subject: (a) => `AWS access request approved for ${a}`,
    summary: (n) => `${n.actor} approved the request by ${n.requester} for ${n.role} access to ${n.account}.`,
    actorLabel: 'Approved by',
  },
  rejected: {
    title: 'Access request rejected',
    subject: (a) => `AWS access request rejected for ${a}`,
    summary: (n) => `${n.actor} rejected the request by ${n.requester} for ${n.role} access to ${n.account}.`,
    actorLabel: 'Rejected by',
  },
  cancelled: {
    title: 'Access request cancelled',
    subject: (a) => `AWS access request cancelled for ${a}`,
    summary: (n) => `${n.actor} cancelled the request for ${n.role} access to ${n.account}.`,
    actorLabel: 'Cancelled by',
  },
  expired: {
    title: 'Access request expired',
    subject: (a) => `AWS access request expired for ${a}`,
    summary: (n) =>
      `The request by ${n.requester} for ${n.role} access to ${n.account} expired before anyone approved it.`,
  },
  scheduled: {
    title: 'Access session scheduled',
    subject: (a) => `AWS access session scheduled for ${a}`,
    summary: (n) => `${n.requester} will get ${n.role} access to ${n.account} at the start time.`,
  },
  started: {
    title: 'Access session started',
    subject: (a) => `AWS access session started for ${a}`,
    summary: (n) => `${n.requester} now has ${n.role} access to ${n.account}.`,
  },
  ended: {
    title: 'Access session ended',
    subject: (a) => `AWS access session ended for ${a}`,
    summary: (n) => `The ${n.role} access of ${n.requester} to ${n.account} has ended.`,
  },
  revoked: {
    title: 'Access session revoked',
    subject: (a) => `AWS access session revoked for ${a}`,
    summary: (n) => `${n.actor} revoked the ${n.role} access of ${n.requester} to ${n.account}.`,
    actorLabel: 'Revoked by',
  },
  error: {
    title: 'Access request failed',
    subject: (a) => `Error handling AWS access for ${a}`,
    summary: (n) =>
      `TEAM could not complete the request by ${n.requester} for ${n.role} access to ${n.account}.`,
  },
  repaired: {
    title: 'Access session repaired',
    subject: (a) => `AWS access repaired for ${a}`,
    summary: (n) => `TEAM corrected the ${n.role} access of ${n.requester} to ${n.account}.`,
  },
};

const LABELS: Record<MessageFieldKey, string> = {
  account: 'Account',
  role: 'Role',
  start: 'Start time',
  duration: 'Duration',
  requester: 'Requester',
  justification: 'Justification',
  ticket: 'Ticket number',
  actor: 'Acted by',
  comment: 'Comment',
  error: 'Error',
};

const WORDING: Record<NotificationLocale, Record<NotificationEventType, Wording>> = { en: EN };

/**
 * The message for `event`: title, subject, summary and fields (account "Name (id)", role, start
 * (ISO), duration "N hours", requester, justification, ticket, who acted and their comment, the
 * error reason) and the deep link `<appUrl>/requests/<id>`. Values are plain text; channels escape.
 */
export function renderMessage(event: NotificationEvent, options: RenderOptions): NotificationMessage {
  const { request } = event;
  const wording = WORDING[options.locale ?? 'en'][event.type];
  const account = accountLabel(request);
  const role = singleLine(request.permissionSetName);
  const actorName = event.actor === 'system' ? 'TEAM' : displayName(event.actor);
  const fields: MessageField[] = [];
  const add = (key: MessageFieldKey, value: string | undefined, label = LABELS[key]) => {
    if (value !== undefined && value.trim() !== '') fields.push({ key, label, value });
  };

  add('account', account);
  add('role', role);
  add('start', request.startTime);
  add('duration', durationLabel(request.durationHours));
  add('requester', nameAndEmail(request.requester));
  add('justification', request.justification);
  add('ticket', request.ticketNo);
  if (event.actor !== 'system' && wording.actorLabel !== undefined) {
    add('actor', nameAndEmail(event.actor), wording.actorLabel);
  }
  add('comment', event.comment);
  add('error', event.errorReason, event.type === 'repaired' ? 'What was corrected' : LABELS.error);

  return {
    type: event.type,
    requestId: request.id,
    title: wording.title,
    subject: singleLine(wording.subject(account)),
    summary: singleLine(
      wording.summary({ requester: displayName(request.requester), actor: actorName, role, account }),
    ),
    fields,
    startTime: request.startTime,
    link: requestLink(options.appUrl, request.id),
    linkLabel: 'Open in TEAM',
  };
}
