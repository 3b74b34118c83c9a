/**
 * The channel-neutral message: what a notification says, as plain text. Channels format it (HTML
 * and text email, SNS JSON, Slack Block Kit) and escape every value for their own markup.
 */
import { progressOf, progressText, requestProgress, stagesOf } from '../requests/approval-plan';
import { accessEndOf } from '../requests/extensions';
import type { AccessRequest, Actor, ReviewState } from '../types';
import {
  buildNotificationEvent,
  extensionOfEvent,
  type NotificationEvent,
  type NotificationEventType,
} from './events';
import { durationLabel, formatInTimeZone, singleLine, type NotificationLocale } from './text';

export type MessageFieldKey =
  | 'account'
  | 'role'
  | 'start'
  | 'end'
  | 'duration'
  | 'requester'
  | 'justification'
  | 'ticket'
  | 'incident'
  | 'extension'
  | 'reason'
  | 'progress'
  | 'review'
  | 'actor'
  | 'comment'
  | 'error';

/** Fields holding a time (ISO 8601 UTC): channels show them in the reader's time zone. */
export const TIME_FIELDS: ReadonlySet<MessageFieldKey> = new Set<MessageFieldKey>(['start', 'end']);

export interface MessageField {
  key: MessageFieldKey;
  label: string;
  /** Plain text as people wrote it (may hold line breaks for free text); never markup. */
  value: string;
}

export interface NotificationMessage {
  type: NotificationEventType;
  requestId: string;
  /** High: break-glass access; channels make it unmistakable (subject prefix, alert formatting). */
  priority: 'normal' | 'high';
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

/** What a message's sentences may name (plain text, already on one line). */
interface Names {
  requester: string;
  actor: string;
  role: string;
  account: string;
  /** "2 hours". */
  duration: string;
  /** When access ends (or ended), readable, in UTC. */
  end: string;
  /** The hours of the extension the event is about ("2 hours"). */
  extension: string;
  /** "acknowledged" or "flagged". */
  outcome: string;
}

interface Wording {
  title: string;
  subject: (names: Names) => string;
  summary: (names: Names) => string;
  /** Label of the "who acted" field, when someone acted. */
  actorLabel?: string;
}

/** Prefix of the title and subject of high-priority messages. */
export const BREAK_GLASS_PREFIX = 'BREAK-GLASS';

const EN: Record<NotificationEventType, Wording> = {
  pending: {
    title: 'Access request waiting for approval',
    subject: (n) => `AWS access request for ${n.account} needs approval`,
    summary: (n) => `${n.requester} requests ${n.role} access to ${n.account}.`,
  },
  approved: {
    title: 'Access request approved',
    subject: (n) => `AWS access request approved for ${n.account}`,
    summary: (n) => `${n.actor} approved the request by ${n.requester} for ${n.role} access to ${n.account}.`,
    actorLabel: 'Approved by',
  },
  rejected: {
    title: 'Access request rejected',
    subject: (n) => `AWS access request rejected for ${n.account}`,
    summary: (n) => `${n.actor} rejected the request by ${n.requester} for ${n.role} access to ${n.account}.`,
    actorLabel: 'Rejected by',
  },
  cancelled: {
    title: 'Access request cancelled',
    subject: (n) => `AWS access request cancelled for ${n.account}`,
    summary: (n) => `${n.actor} cancelled the request for ${n.role} access to ${n.account}.`,
    actorLabel: 'Cancelled by',
  },
  expired: {
    title: 'Access request expired',
    subject: (n) => `AWS access request expired for ${n.account}`,
    summary: (n) =>
      `The request by ${n.requester} for ${n.role} access to ${n.account} expired before anyone approved it.`,
  },
  scheduled: {
    title: 'Access session scheduled',
    subject: (n) => `AWS access session scheduled for ${n.account}`,
    summary: (n) => `${n.requester} will get ${n.role} access to ${n.account} at the start time.`,
  },
  started: {
    title: 'Access session started',
    subject: (n) => `AWS access session started for ${n.account}`,
    summary: (n) => `${n.requester} now has ${n.role} access to ${n.account}.`,
  },
  ended: {
    title: 'Access session ended',
    subject: (n) => `AWS access session ended for ${n.account}`,
    summary: (n) => `The ${n.role} access of ${n.requester} to ${n.account} has ended.`,
  },
  revoked: {
    title: 'Access session revoked',
    subject: (n) => `AWS access session revoked for ${n.account}`,
    summary: (n) => `${n.actor} revoked the ${n.role} access of ${n.requester} to ${n.account}.`,
    actorLabel: 'Revoked by',
  },
  error: {
    title: 'Access request failed',
    subject: (n) => `Error handling AWS access for ${n.account}`,
    summary: (n) =>
      `TEAM could not complete the request by ${n.requester} for ${n.role} access to ${n.account}.`,
  },
  repaired: {
    title: 'Access session repaired',
    subject: (n) => `AWS access repaired for ${n.account}`,
    summary: (n) => `TEAM corrected the ${n.role} access of ${n.requester} to ${n.account}.`,
  },
  reminder: {
    title: 'Reminder: access request waiting for approval',
    subject: (n) => `Reminder: AWS access request for ${n.account} needs approval`,
    summary: (n) =>
      `The request by ${n.requester} for ${n.role} access to ${n.account} is still waiting for your approval.`,
  },
  escalated: {
    title: 'Access request escalated to you',
    subject: (n) => `AWS access request for ${n.account} escalated to you`,
    summary: (n) =>
      `The request by ${n.requester} for ${n.role} access to ${n.account} was not approved in time: you can now approve or reject it.`,
  },
  'extension-requested': {
    title: 'Access extension waiting for approval',
    subject: (n) => `AWS access extension for ${n.account} needs approval`,
    summary: (n) =>
      `${n.actor} asks for ${n.extension} more of the ${n.role} access of ${n.requester} to ${n.account}.`,
    actorLabel: 'Asked by',
  },
  extended: {
    title: 'Access extended',
    subject: (n) => `AWS access extended for ${n.account}`,
    summary: (n) =>
      `The ${n.role} access of ${n.requester} to ${n.account} was extended by ${n.extension}; it now ends on ${n.end}.`,
    actorLabel: 'Approved by',
  },
  'extension-rejected': {
    title: 'Access extension rejected',
    subject: (n) => `AWS access extension rejected for ${n.account}`,
    summary: (n) =>
      `${n.actor} rejected the extension of the ${n.role} access of ${n.requester} to ${n.account}; it still ends on ${n.end}.`,
    actorLabel: 'Rejected by',
  },
  'break-glass': {
    title: `${BREAK_GLASS_PREFIX}: emergency access taken without approval`,
    subject: (n) => `${BREAK_GLASS_PREFIX}: ${n.requester} took ${n.role} access to ${n.account}`,
    summary: (n) =>
      `${n.requester} took break-glass ${n.role} access to ${n.account} for ${n.duration}, without approval. An approver must review it.`,
  },
  'review-reminder': {
    title: 'Break-glass access waiting for review',
    subject: (n) => `Review needed: break-glass access to ${n.account}`,
    summary: (n) =>
      `The break-glass ${n.role} access of ${n.requester} to ${n.account} has not been reviewed yet: acknowledge or flag it.`,
  },
  reviewed: {
    title: 'Break-glass access reviewed',
    subject: (n) => `Break-glass access to ${n.account} ${n.outcome}`,
    summary: (n) =>
      `${n.actor} ${n.outcome} the break-glass ${n.role} access of ${n.requester} to ${n.account}.`,
    actorLabel: 'Reviewed by',
  },
};

const LABELS: Record<MessageFieldKey, string> = {
  account: 'Account',
  role: 'Role',
  start: 'Start time',
  end: 'End time',
  duration: 'Duration',
  requester: 'Requester',
  justification: 'Justification',
  ticket: 'Ticket number',
  incident: 'Incident',
  extension: 'Extension',
  reason: 'Reason',
  progress: 'Approvals',
  review: 'Review',
  actor: 'Acted by',
  comment: 'Comment',
  error: 'Error',
};

const WORDING: Record<NotificationLocale, Record<NotificationEventType, Wording>> = { en: EN };

const REVIEW_OUTCOME: Record<ReviewState, { field: string; verb: string }> = {
  needed: { field: 'Not reviewed yet', verb: 'has not reviewed' },
  acknowledged: { field: 'Acknowledged', verb: 'acknowledged' },
  flagged: { field: 'Flagged as questionable', verb: 'flagged' },
};

/** Events that say how far the approval is. */
const WITH_PROGRESS: ReadonlySet<NotificationEventType> = new Set<NotificationEventType>([
  'pending',
  'reminder',
  'escalated',
  'extension-requested',
]);

/** Events that say when access ends. */
const WITH_END: ReadonlySet<NotificationEventType> = new Set<NotificationEventType>([
  'extension-requested',
  'extended',
  'extension-rejected',
  'break-glass',
]);

/**
 * "1 of 2 approvals, waiting for security" for the request (or the extension the event is
 * about); nothing when one approval by anyone listed is all it takes, where progress says nothing.
 */
function progressLine(event: NotificationEvent): string | undefined {
  if (!WITH_PROGRESS.has(event.type)) return undefined;
  const { request } = event;
  const extension = extensionOfEvent(event.type, request);
  if (event.type === 'extension-requested' && extension === undefined) return undefined;
  const progress =
    extension === undefined ? requestProgress(request) : progressOf(stagesOf(request), extension.approvals);
  const named = progress.stages.some((stage) => stage.name !== undefined);
  return progress.required > 1 || named ? progressText(progress) : undefined;
}

/**
 * The message for `event`: title, subject, summary and fields (account "Name (id)", role, start
 * (ISO), end (ISO) when access is extended or taken as break-glass, duration "N hours",
 * requester, justification, ticket, incident, the extension and its reason, the approval
 * progress ("1 of 2 approvals, waiting for security"), the review, who acted and their comment,
 * the error reason) and the deep link `<appUrl>/requests/<id>`. Break-glass is high priority.
 * Values are plain text; channels escape.
 */
export function renderMessage(event: NotificationEvent, options: RenderOptions): NotificationMessage {
  const { request } = event;
  const wording = WORDING[options.locale ?? 'en'][event.type];
  const account = accountLabel(request);
  const role = singleLine(request.permissionSetName);
  const actorName = event.actor === 'system' ? 'TEAM' : displayName(event.actor);
  const extension = extensionOfEvent(event.type, request);
  // Only where it is shown: a request whose times cannot be read must still render the rest.
  const end = WITH_END.has(event.type) ? accessEndOf(request) : request.startTime;
  const review = request.review === undefined ? undefined : REVIEW_OUTCOME[request.review.state];
  const fields: MessageField[] = [];
  const add = (key: MessageFieldKey, value: string | undefined, label = LABELS[key]) => {
    if (value !== undefined && value.trim() !== '') fields.push({ key, label, value });
  };

  add('account', account);
  add('role', role);
  add('start', request.startTime);
  if (WITH_END.has(event.type)) add('end', end, event.type === 'extended' ? 'New end time' : LABELS.end);
  add('duration', durationLabel(request.durationHours));
  add('requester', nameAndEmail(request.requester));
  add('justification', request.justification);
  add('ticket', request.ticketNo);
  add('incident', request.breakGlass?.incident);
  if (extension !== undefined) {
    add('extension', `${durationLabel(extension.hours)} more`);
    add('reason', extension.reason);
  }
  add('progress', progressLine(event));
  if (event.type === 'reviewed') add('review', review?.field);
  if (event.actor !== 'system' && wording.actorLabel !== undefined) {
    add('actor', nameAndEmail(event.actor), wording.actorLabel);
  }
  add('comment', event.comment);
  add('error', event.errorReason, event.type === 'repaired' ? 'What was corrected' : LABELS.error);

  const names: Names = {
    requester: displayName(request.requester),
    actor: actorName,
    role,
    account,
    duration: durationLabel(request.durationHours),
    end: formatInTimeZone(end, 'UTC'),
    extension: durationLabel(extension?.hours ?? 0),
    outcome: review?.verb ?? 'reviewed',
  };
  return {
    type: event.type,
    requestId: request.id,
    priority: event.type === 'break-glass' ? 'high' : 'normal',
    title: wording.title,
    subject: singleLine(wording.subject(names)),
    summary: singleLine(wording.summary(names)),
    fields,
    startTime: request.startTime,
    link: requestLink(options.appUrl, request.id),
    linkLabel: 'Open in TEAM',
  };
}

/** What an approver's decision message shows, by the request's status: still open, or its outcome. */
export function decisionCardType(
  status: AccessRequest['status'],
): Extract<NotificationEventType, 'pending' | 'approved' | 'rejected' | 'cancelled' | 'expired'> {
  switch (status) {
    case 'pending':
    case 'rejected':
    case 'cancelled':
    case 'expired':
      return status;
    default:
      // Approved, and everything that follows an approval (scheduled, in progress, ended…).
      return 'approved';
  }
}

/**
 * The message an approver's decision message (a Slack DM with Approve and Reject) shows for the
 * request as it is now: while pending, the request and how far its approval is; once decided,
 * the outcome, who decided and their comment. `open` says whether a decision is still possible.
 */
export function renderDecisionCard(
  request: AccessRequest,
  options: RenderOptions,
): { message: NotificationMessage; open: boolean } {
  const type = decisionCardType(request.status);
  return { message: renderMessage(buildNotificationEvent(type, request), options), open: type === 'pending' };
}
