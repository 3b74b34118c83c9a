/**
 * Reminders and escalation of a pending request (docs/approvals.md): fixed at creation from the
 * deciding approver policies, the settings filling what they leave; each fires once, counted
 * from the request's creation, and only before the request expires.
 */
import type { AccessRequest, ApprovalTimers, Settings } from '../types';

const MINUTE_MS = 60_000;

/** The timers of a new request: the policies' own, else the settings'; undefined when none. */
export function approvalTimersFor(
  fromPolicies: ApprovalTimers,
  settings: Pick<Settings, 'reminderMinutes' | 'escalationMinutes' | 'escalationGroups'>,
): ApprovalTimers | undefined {
  const remind = fromPolicies.remindAfterMinutes ?? positive(settings.reminderMinutes);
  const escalate = fromPolicies.escalateAfterMinutes ?? positive(settings.escalationMinutes);
  const groups =
    fromPolicies.escalationGroups !== undefined && fromPolicies.escalationGroups.length > 0
      ? fromPolicies.escalationGroups
      : settings.escalationGroups;
  const timers: ApprovalTimers = {};
  if (remind !== undefined) timers.remindAfterMinutes = remind;
  // An escalation without anyone to escalate to would only record that nobody was added.
  if (escalate !== undefined && groups.length > 0) {
    timers.escalateAfterMinutes = escalate;
    timers.escalationGroups = [...groups];
  }
  return Object.keys(timers).length > 0 ? timers : undefined;
}

function positive(value: number): number | undefined {
  return value > 0 ? value : undefined;
}

type TimedRequest = Pick<
  AccessRequest,
  'createdAt' | 'approvalTimers' | 'remindedAt' | 'escalatedAt' | 'expiresAt'
>;

function after(request: TimedRequest, minutes: number | undefined): string | undefined {
  if (minutes === undefined) return undefined;
  return new Date(Date.parse(request.createdAt) + minutes * MINUTE_MS).toISOString();
}

/** When the approvers are (or were) reminded; undefined when no reminder is set. */
export function remindAtOf(request: TimedRequest): string | undefined {
  return after(request, request.approvalTimers?.remindAfterMinutes);
}

/** When the request escalates (or escalated); undefined when no escalation is set. */
export function escalateAtOf(request: TimedRequest): string | undefined {
  return after(request, request.approvalTimers?.escalateAfterMinutes);
}

export type DecisionTimer = 'remind' | 'escalate' | 'expire';

/**
 * The next thing due while the request waits for a decision: a reminder or escalation not done
 * yet that comes before the expiry, else the expiry itself. Ties go to the escalation (it also
 * tells the people it adds).
 */
export function nextDecisionTimer(
  request: TimedRequest,
  expiresAt: string,
): { kind: DecisionTimer; at: string } {
  const expiry = Date.parse(expiresAt);
  const candidates: { kind: DecisionTimer; at: string }[] = [];
  const escalateAt = escalateAtOf(request);
  if (escalateAt !== undefined && request.escalatedAt === undefined && Date.parse(escalateAt) < expiry) {
    candidates.push({ kind: 'escalate', at: escalateAt });
  }
  const remindAt = remindAtOf(request);
  if (remindAt !== undefined && request.remindedAt === undefined && Date.parse(remindAt) < expiry) {
    candidates.push({ kind: 'remind', at: remindAt });
  }
  const first = candidates.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))[0];
  return first ?? { kind: 'expire', at: expiresAt };
}
