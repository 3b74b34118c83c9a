/**
 * Who is told about what (SPEC "Notifications", docs/approvals.md): pending → the approvers of
 * the open stage; reminder → those of them who have not approved yet; escalated → the people
 * added (cc requester); extension-requested → the open stage of the extension (cc requester);
 * extended, extension-rejected, reviewed → requester (cc approvers); break-glass → every approver
 * (the auditors are added by the notifier); review-reminder → every approver; approved, rejected
 * → requester (cc approvers); cancelled → approvers (cc requester); scheduled, started, ended,
 * expired, revoked, error, repaired → requester (cc approvers when approval applied).
 */
import { pendingExtension } from '../requests/extensions';
import { progressOf, requestProgress, stagesOf, type ApprovalProgress } from '../requests/approval-plan';
import type { AccessRequest, Actor } from '../types';
import type { NotificationEventType } from './events';

export interface Recipient {
  id: string;
  email: string;
  name?: string;
  /** Why this person is told. */
  role: 'requester' | 'approver' | 'auditor';
}

export interface Recipients {
  to: Recipient[];
  cc: Recipient[];
}

type Party =
  | 'requester'
  | 'approvers'
  | 'approvers-if-approval'
  /** Approvers of the request's open stage (all approvers when every stage is complete). */
  | 'open-stage'
  /** Approvers of the open stage who have not approved yet. */
  | 'open-stage-waiting'
  /** Approvers of the open stage of the pending extension. */
  | 'extension-stage'
  | 'nobody';

/** The recipient matrix: the primary audience and who gets a copy. */
export const RECIPIENT_MATRIX: Readonly<Record<NotificationEventType, { to: Party; cc: Party }>> = {
  pending: { to: 'open-stage', cc: 'nobody' },
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
  reminder: { to: 'open-stage-waiting', cc: 'nobody' },
  // The workflow names the people the escalation added (`to`); without them, the open stage.
  escalated: { to: 'open-stage', cc: 'requester' },
  'extension-requested': { to: 'extension-stage', cc: 'requester' },
  extended: { to: 'requester', cc: 'approvers' },
  'extension-rejected': { to: 'requester', cc: 'nobody' },
  'break-glass': { to: 'approvers', cc: 'nobody' },
  'review-reminder': { to: 'approvers', cc: 'nobody' },
  reviewed: { to: 'requester', cc: 'approvers' },
};

function person(actor: Actor, role: Recipient['role']): Recipient {
  const recipient: Recipient = { id: actor.id, email: actor.email.trim(), role };
  if (actor.name !== undefined && actor.name.trim() !== '') recipient.name = actor.name;
  return recipient;
}

/** The approvers (as stored on the request) of the open stage of `progress`. */
function openStageApprovers(request: AccessRequest, progress: ApprovalProgress): Actor[] {
  const open = progress.current === undefined ? undefined : progress.stages[progress.current];
  if (open === undefined) return request.approvers;
  const ids = new Set(open.approverIds);
  return request.approvers.filter((a) => ids.has(a.id));
}

function partyOf(party: Party, request: AccessRequest): Recipient[] {
  const approvers = (list: readonly Actor[]) => list.map((a) => person(a, 'approver'));
  switch (party) {
    case 'requester':
      return [person(request.requester, 'requester')];
    case 'approvers':
      return approvers(request.approvers);
    case 'approvers-if-approval':
      return request.approvalRequired ? approvers(request.approvers) : [];
    case 'open-stage':
      return approvers(openStageApprovers(request, requestProgress(request)));
    case 'open-stage-waiting': {
      const approved = new Set((request.approvals ?? []).map((a) => a.by.id));
      return approvers(
        openStageApprovers(request, requestProgress(request)).filter((a) => !approved.has(a.id)),
      );
    }
    case 'extension-stage': {
      const extension = pendingExtension(request);
      if (extension === undefined) return [];
      return approvers(openStageApprovers(request, progressOf(stagesOf(request), extension.approvals)));
    }
    case 'nobody':
      return [];
  }
}

export interface RecipientOptions {
  /** People to address instead of the matrix's `to` (e.g. those an escalation added). */
  to?: readonly Actor[];
  /** People who get a copy besides the matrix's `cc` (e.g. the auditors of break-glass access). */
  extraCc?: readonly Recipient[];
}

/**
 * The people to tell about `type` for `request`. Each person appears once (by id or email,
 * case-insensitively), in To rather than Cc, so whoever acted is never told twice; people
 * without an email are left out. When nobody is left in To, the copies become the To list.
 * `options.to` replaces the matrix's To (the requester in it is addressed as the requester).
 */
export function recipientsFor(
  type: NotificationEventType,
  request: AccessRequest,
  options: RecipientOptions = {},
): Recipients {
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
  const primary =
    options.to !== undefined
      ? options.to.map((a) => person(a, a.id === request.requester.id ? 'requester' : 'approver'))
      : partyOf(rule.to, request);
  const to = keep(primary);
  const cc = keep([...partyOf(rule.cc, request), ...(options.extraCc ?? [])]);
  return to.length === 0 ? { to: cc, cc: [] } : { to, cc };
}

/** Everyone in To and Cc, To first. */
export function allRecipients(recipients: Recipients): Recipient[] {
  return [...recipients.to, ...recipients.cc];
}
