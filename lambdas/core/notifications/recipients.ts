/**
 * Who is told about what (SPEC "Notifications"): pending → approvers; approved, rejected →
 * requester (cc approvers); cancelled → approvers (cc requester); scheduled, started, ended,
 * expired, revoked, error, repaired → requester (cc approvers when approval applied).
 */
import type { AccessRequest, Actor } from '../types';
import type { NotificationEventType } from './events';

export interface Recipient {
  id: string;
  email: string;
  name?: string;
  /** Why this person is told. */
  role: 'requester' | 'approver';
}

export interface Recipients {
  to: Recipient[];
  cc: Recipient[];
}

type Party = 'requester' | 'approvers' | 'approvers-if-approval' | 'nobody';

/** The recipient matrix: the primary audience and who gets a copy. */
export const RECIPIENT_MATRIX: Readonly<Record<NotificationEventType, { to: Party; cc: Party }>> = {
  pending: { to: 'approvers', cc: 'nobody' },
  approved: { to: 'requester', cc: 'approvers' },
  rejected: { to: 'requester', cc: 'approvers' },
  cancelled: { to: 'approvers', cc: 'requester' },
  expired: { to: 'requester', cc: 'approvers-if-approval' },
  scheduled: { to: 'requester', cc: 'approvers-if-approval' },
  started: { to: 'requester', cc: 'approvers-if-approval' },
  ended: { to: 'requester', cc: 'approvers-if-approval' },
  revoked: { to: 'requester', cc: 'approvers-if-approval' },
  error: { to: 'requester', cc: 'approvers-if-approval' },
  repaired: { to: 'requester', cc: 'approvers-if-approval' },
};

function person(actor: Actor, role: Recipient['role']): Recipient {
  const recipient: Recipient = { id: actor.id, email: actor.email.trim(), role };
  if (actor.name !== undefined && actor.name.trim() !== '') recipient.name = actor.name;
  return recipient;
}

function partyOf(party: Party, request: AccessRequest): Recipient[] {
  switch (party) {
    case 'requester':
      return [person(request.requester, 'requester')];
    case 'approvers':
      return request.approvers.map((a) => person(a, 'approver'));
    case 'approvers-if-approval':
      return request.approvalRequired ? request.approvers.map((a) => person(a, 'approver')) : [];
    case 'nobody':
      return [];
  }
}

/**
 * The people to tell about `type` for `request`. Each person appears once (by id or email,
 * case-insensitively), in To rather than Cc, so whoever acted is never told twice; people
 * without an email are left out. When nobody is left in To, the copies become the To list.
 */
export function recipientsFor(type: NotificationEventType, request: AccessRequest): Recipients {
  const rule = RECIPIENT_MATRIX[type];
  const seenIds = new Set<string>();
  const seenEmails = new Set<string>();
  const keep = (list: Recipient[]) =>
    list.filter((r) => {
      const email = r.email.toLowerCase();
      if (email === '' || seenEmails.has(email) || (r.id !== '' && seenIds.has(r.id))) return false;
      seenEmails.add(email);
      if (r.id !== '') seenIds.add(r.id);
      return true;
    });
  const to = keep(partyOf(rule.to, request));
  const cc = keep(partyOf(rule.cc, request));
  return to.length === 0 ? { to: cc, cc: [] } : { to, cc };
}

/** Everyone in To and Cc, To first. */
export function allRecipients(recipients: Recipients): Recipient[] {
  return [...recipients.to, ...recipients.cc];
}
