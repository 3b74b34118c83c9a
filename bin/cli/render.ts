/**
 * Requests for people: one-line summaries, the table of a list, the details and history of one.
 */
import type { RequestEventsQuery, RequestFieldsFragment } from '../../graphql/generated/operations';
import {
  accountLabel,
  actorName,
  fields,
  formatDuration,
  formatHours,
  formatIsoDuration,
  formatShortTime,
  formatTime,
  listInWords,
  statusLabel,
  table,
} from './format';

export type Request = RequestFieldsFragment;
export type AuditEvent = RequestEventsQuery['requestEvents']['items'][number];

/** `PowerUserAccess in Sandbox Team A (118573649280)`. */
export function whatOf(request: Request): string {
  return `${request.permissionSet.name} in ${accountLabel(request.account)}`;
}

/** Who may still approve: the current stage's approvers, else everyone listed. */
export function waitingFor(request: Request): string[] {
  const progress = request.approval;
  const current = progress?.currentStage;
  const stage = typeof current === 'number' ? progress?.stages[current] : undefined;
  const given = new Set(stage?.approvals.map((a) => a.by.id) ?? []);
  const people = stage ? stage.approvers.filter((a) => !given.has(a.id)) : request.approvers;
  return people.map(actorName);
}

/** Where a request stands, in one sentence. */
export function standing(request: Request, timeZone: string): string {
  switch (request.status) {
    case 'PENDING': {
      const approvers = waitingFor(request);
      const progress = request.approval;
      const count =
        progress && progress.approvalsRequired > 1
          ? ` (${progress.approvalsGiven} of ${progress.approvalsRequired} approvals)`
          : '';
      const who = approvers.length > 0 ? ` by ${listInWords(approvers)}` : '';
      const expiry = request.expiresAt ? `; expires ${formatTime(request.expiresAt, timeZone)}` : '';
      return `Waiting for approval${who}${count}${expiry}.`;
    }
    case 'APPROVED':
      return `Approved by ${actorName(request.decision?.by)}; being scheduled.`;
    case 'SCHEDULED':
      return `Scheduled: access starts ${formatTime(request.startTime, timeZone)}.`;
    case 'IN_PROGRESS':
      return `Access is active until ${formatTime(request.endTime, timeZone)}.`;
    case 'REJECTED':
      return `Rejected by ${actorName(request.decision?.by)}${request.decision?.comment ? `: "${request.decision.comment}"` : ''}.`;
    case 'CANCELLED':
      return 'Cancelled by the requester.';
    case 'EXPIRED':
      return 'Expired: nobody decided in time.';
    case 'REVOKED':
      return `Revoked by ${actorName(request.revoke?.by)}${request.revoke?.comment ? `: "${request.revoke.comment}"` : ''}.`;
    case 'ENDED':
      return `Ended ${formatTime(request.endedAt ?? request.endTime, timeZone)}.`;
    case 'ERROR':
      return `Failed: ${request.errorReason ?? 'granting or removing access did not work'}.`;
    default:
      return `${statusLabel(request.status)}.`;
  }
}

/** The table of a request list; the requester column where others' requests are listed. */
export function requestTable(requests: readonly Request[], timeZone: string, withRequester: boolean): string {
  const headers = [
    'ID',
    ...(withRequester ? ['REQUESTER'] : []),
    'ACCOUNT',
    'ROLE',
    'STATUS',
    'START',
    'END',
  ];
  const rows = requests.map((r) => [
    r.id,
    ...(withRequester ? [actorName(r.requester)] : []),
    r.account.name || r.account.id,
    r.permissionSet.name,
    statusLabel(r.status),
    formatShortTime(r.startTime, timeZone),
    formatShortTime(r.endTime, timeZone),
  ]);
  return table(headers, rows);
}

/** A decision or revocation: `Carol Smith, 2025-03-04 14:06 GMT+1: "comment"`. */
function byLine(
  entry:
    | { by: { id: string; name?: string | null; email: string }; at: string; comment?: string | null }
    | null
    | undefined,
  timeZone: string,
): string | undefined {
  if (!entry) return undefined;
  return `${actorName(entry.by)}, ${formatTime(entry.at, timeZone)}${entry.comment ? `: "${entry.comment}"` : ''}`;
}

/** Every detail of a request, labelled. */
export function requestDetails(request: Request, timeZone: string): string {
  const durationMs = new Date(request.endTime).getTime() - new Date(request.startTime).getTime();
  const decisionLabel = request.status === 'REJECTED' ? 'Rejected by' : 'Approved by';
  const extensions = request.extensions.map(
    (e) =>
      `+${formatHours(e.hours)} (${statusLabel(e.status)}), asked by ${actorName(e.requestedBy)}: "${e.reason}"`,
  );
  return [
    `Request ${request.id}`,
    fields([
      ['Account', accountLabel(request.account)],
      ['Role', request.permissionSet.name],
      ['Status', `${statusLabel(request.status)}: ${standing(request, timeZone)}`],
      [
        'Requester',
        `${actorName(request.requester)}${request.requester.email ? ` <${request.requester.email}>` : ''}`,
      ],
      ['Start', formatTime(request.startTime, timeZone)],
      ['End', `${formatTime(request.endTime, timeZone)} (${formatDuration(durationMs)})`],
      ['Justification', request.justification],
      ['Ticket', request.ticketNo ?? undefined],
      ['Break-glass', request.breakGlass ? `incident ${request.breakGlass.incident}` : undefined],
      [
        'Approvers',
        request.approvalRequired
          ? listInWords(request.approvers.map(actorName), 'and') || '(none)'
          : 'no approval needed',
      ],
      [decisionLabel, byLine(request.decision, timeZone)],
      ['Revoked by', byLine(request.revoke, timeZone)],
      ['Extensions', extensions.length > 0 ? extensions.join('\n') : undefined],
      [
        'Review',
        request.review
          ? `${statusLabel(request.review.state)}${request.review.by ? ` by ${actorName(request.review.by)}` : ''}`
          : undefined,
      ],
      ['Error', request.errorReason ?? undefined],
      [
        'Session length',
        formatIsoDuration(request.sessionDuration)
          ? `${formatIsoDuration(request.sessionDuration)} (credentials stay valid this long, even after access ends)`
          : undefined,
      ],
      ['Created', formatTime(request.createdAt, timeZone)],
    ]),
  ].join('\n');
}

/** The audit trail, oldest first, one line per event. */
export function historyLines(events: readonly AuditEvent[], timeZone: string): string {
  if (events.length === 0) return '  (no events)';
  return events
    .map((e) => {
      const change =
        e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus
          ? ` (${statusLabel(e.fromStatus)} → ${statusLabel(e.toStatus)})`
          : '';
      const who = e.actor ? ` by ${actorName(e.actor)}` : '';
      const note = [e.comment ? `"${e.comment}"` : '', e.detail ?? ''].filter(Boolean).join(' — ');
      return `  ${formatTime(e.at, timeZone)}  ${statusLabel(e.action)}${who}${change}${note ? `: ${note}` : ''}`;
    })
    .join('\n');
}
