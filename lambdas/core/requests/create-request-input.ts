/**
 * The input of `createRequest`: field formats, the ticket, the start time and the duration.
 * Field names are those of the GraphQL `CreateRequestInput`, so a ValidationError's `field`
 * tells a client which form field it is about.
 */
import { z } from 'zod';
import { START_TIME_PAST_TOLERANCE_MS } from '../../contract/patterns';
import { ValidationError } from '../errors';
import {
  accountId,
  duration,
  freeText,
  parseInput,
  permissionSetArn,
  requireTicket,
  ticketNo,
  typeError,
} from '../input-fields';
import type { Settings } from '../types';

export interface CreateRequestInput {
  accountId: string;
  permissionSetArn: string;
  /** ISO 8601 with a time zone; default: now. */
  startTime?: string;
  durationHours: number;
  justification: string;
  ticketNo?: string;
}

/** A create-request input after validation: text trimmed, start time in UTC. */
export interface ValidCreateRequest {
  accountId: string;
  permissionSetArn: string;
  startTime: string;
  durationHours: number;
  justification: string;
  ticketNo?: string;
}

const ISO_DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/i;

/**
 * Parses an ISO 8601 date-time that carries a time zone (Z or ±hh:mm), refusing impossible
 * dates such as 30 February that `Date.parse` silently rolls over. Undefined when invalid.
 */
export function parseIsoDateTime(value: string): Date | undefined {
  const m = ISO_DATE_TIME.exec(value);
  if (!m) return undefined;
  const part = (index: number): number => Number(m[index] ?? 0);
  const [year, month, day, hour, minute, second] = [
    part(1),
    part(2),
    part(3),
    part(4),
    part(5),
    part(6),
  ] as const;
  const millis = Number((m[7] ?? '0').slice(0, 3).padEnd(3, '0'));
  const [offsetHours, offsetMinutes] = [part(10), part(11)] as const;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  if (local.getUTCFullYear() !== year || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day) {
    return undefined;
  }
  const sign = m[9] === '-' ? -1 : 1;
  return new Date(local.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000);
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/**
 * How long a request's workflow may run: Step Functions ends a standard execution one year
 * after it started (taken as 365 days, never more), and the request's execution starts when the
 * request is created.
 */
export const WORKFLOW_LIFETIME_MS = 365 * DAY_MS;

/**
 * What the execution still needs after the latest moment access can end, kept free of the
 * year: one day. After the end time the workflow wakes up, revokes (each step retried up to 8
 * times, up to 2 minutes apart, then Identity Center polled until it confirms the deletion, all
 * in minutes) and writes the end; the grant before it may likewise land minutes after the start
 * time, which pushes the end as far. A day covers these with room for an Identity Center that
 * is slow for hours and for clocks that disagree, and keeps the rule easy to state (364 days).
 */
export const REQUEST_END_MARGIN_MS = DAY_MS;

/** A request must end within this long of its creation (364 days). */
export const MAX_REQUEST_END_MS = WORKFLOW_LIFETIME_MS - REQUEST_END_MARGIN_MS;

/** One calendar year after `now` (UTC). */
function oneYearAfter(now: Date): Date {
  const limit = new Date(now.getTime());
  limit.setUTCFullYear(limit.getUTCFullYear() + 1);
  return limit;
}

const createRequestSchema = z.object({
  accountId: accountId(),
  permissionSetArn: permissionSetArn(),
  startTime: z.string(typeError('Start time', 'text')).trim().nullish(),
  durationHours: duration(),
  justification: freeText('Justification'),
  ticketNo,
});

/**
 * Refuses a request whose access could end after its workflow is gone (MAX_REQUEST_END_MS after
 * creation): the execution would time out while access is held, and nothing would revoke it.
 * The latest end is the start plus the duration, where the start is the later of the start time
 * and, while approval is required, the moment the request expires undecided: access granted on
 * a late approval still lasts the whole duration. The error is on the field to change: the
 * start time when one was given and the wait for approval is not what pushes the end out,
 * otherwise the duration.
 */
function checkLatestEnd(
  start: Date,
  durationHours: number,
  context: { now: Date; startGiven: boolean; approval?: { expiryHours: number } },
): void {
  const now = context.now.getTime();
  const decidedBy = context.approval ? now + context.approval.expiryHours * HOUR_MS : now;
  const latestEnd = Math.max(start.getTime(), decidedBy) + durationHours * HOUR_MS;
  const limit = now + MAX_REQUEST_END_MS;
  if (latestEnd <= limit) return;
  const days = MAX_REQUEST_END_MS / DAY_MS;
  const by = new Date(limit).toISOString();
  if (context.startGiven && start.getTime() >= decidedBy) {
    throw new ValidationError(
      `Access must end within ${days} days from now (by ${by}): start earlier or shorten the duration.`,
      'startTime',
    );
  }
  const waited = context.approval && decidedBy > start.getTime();
  throw new ValidationError(
    waited
      ? `Access must end within ${days} days from now (by ${by}), and access granted on an approval that comes as late as the ${context.approval?.expiryHours}-hour expiry still lasts the whole duration: shorten the duration.`
      : `Access must end within ${days} days from now (by ${by}): shorten the duration.`,
    'durationHours',
  );
}

/**
 * Validates a new request: field formats, justification, ticket (required when the settings
 * say so), start time (default now; at most 5 minutes in the past, at most one year ahead),
 * duration (whole hours, 1–8000, at most the applicable maximum: the eligible maximum for the
 * account and permission set when given, and always the settings' maximum), and an end that
 * its workflow lives to see (`checkLatestEnd`; with `approvalRequired` the wait for a decision
 * counts too).
 */
export function validateCreateRequest(
  input: unknown,
  context: {
    now: Date;
    settings: Pick<Settings, 'ticketRequired' | 'maxDurationHours'> & Partial<Pick<Settings, 'expiryHours'>>;
    maxDurationHours?: number;
    /** Whether the request waits for an approver (known once eligibility is). */
    approvalRequired?: boolean;
  },
): ValidCreateRequest {
  const parsed = parseInput(createRequestSchema, input, 'The request');
  requireTicket(parsed.ticketNo, context.settings.ticketRequired);

  const limit = Math.min(
    context.settings.maxDurationHours,
    context.maxDurationHours ?? Number.POSITIVE_INFINITY,
  );
  if (parsed.durationHours > limit) {
    throw new ValidationError(
      `Duration must be at most ${limit} ${limit === 1 ? 'hour' : 'hours'} for this account and permission set.`,
      'durationHours',
    );
  }

  let start = context.now;
  if (parsed.startTime) {
    const when = parseIsoDateTime(parsed.startTime);
    if (!when) {
      throw new ValidationError(
        'Start time must be an ISO 8601 date and time with a time zone, e.g. 2026-05-01T09:00:00Z.',
        'startTime',
      );
    }
    if (when.getTime() < context.now.getTime() - START_TIME_PAST_TOLERANCE_MS) {
      throw new ValidationError('Start time must not be more than 5 minutes in the past.', 'startTime');
    }
    if (when.getTime() > oneYearAfter(context.now).getTime()) {
      throw new ValidationError('Start time must be within one year from now.', 'startTime');
    }
    start = when;
  }
  const expiryHours = context.settings.expiryHours;
  checkLatestEnd(start, parsed.durationHours, {
    now: context.now,
    startGiven: Boolean(parsed.startTime),
    ...(context.approvalRequired && expiryHours !== undefined ? { approval: { expiryHours } } : {}),
  });

  const result: ValidCreateRequest = {
    accountId: parsed.accountId,
    permissionSetArn: parsed.permissionSetArn,
    startTime: start.toISOString(),
    durationHours: parsed.durationHours,
    justification: parsed.justification,
  };
  if (parsed.ticketNo !== undefined) result.ticketNo = parsed.ticketNo;
  return result;
}
