/**
 * Which activity belongs to a request's session: the time window and the values that identify
 * the session in CloudTrail, all read from the stored request (never from the client) and each
 * checked against a strict pattern before any provider sees it.
 */
import { ValidationError } from '../errors';
import { accessEndOf } from '../requests/extensions';
import type { AccessRequest, RequestStatus } from '../types';
import { ACCOUNT_ID, PERMISSION_SET_NAME } from '../../contract/patterns';
import type { SessionLogQuerySpec } from './ports';

/** IAM Identity Center user names: letters, digits and `+=,.@-_`, at most 128 (ASCII `\w`). */
export const IDC_USER_NAME = /^[\w+=,.@-]{1,128}$/;
/** The ISO 8601 UTC form the core stores (`toISOString`, milliseconds optional). */
export const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,3})?Z$/;

/** Session credentials outlive the assignment by up to the permission set's session duration. */
export const SESSION_TAIL_MS = 60 * 60 * 1000;

/** Statuses in which access has never been granted, whatever the record says. */
const NEVER_GRANTED: readonly RequestStatus[] = ['pending', 'approved', 'rejected', 'cancelled', 'expired'];

export interface SessionWindow {
  /** ISO 8601 UTC: when Identity Center confirmed the assignment. */
  start: string;
  /** ISO 8601 UTC: end of access + 1 h, or now while that moment has not come yet. */
  end: string;
  /** True once `end` is final: a query over the window will never find more events. */
  final: boolean;
}

function parseStored(value: string | undefined, what: string): number {
  const ms = value !== undefined && ISO_UTC.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(ms)) {
    throw new ValidationError(`The stored ${what} of this request is not a valid time.`, 'requestId');
  }
  return ms;
}

/**
 * The window of a granted request's session activity: from the grant to the end of access
 * plus one hour, or to `now` while the session (or its one-hour tail) is still going on.
 * Throws ValidationError for requests whose access was never granted.
 */
export function sessionWindow(request: AccessRequest, now: Date): SessionWindow {
  if (NEVER_GRANTED.includes(request.status)) {
    throw new ValidationError(
      `Access was never granted for this request (it is ${request.status}), so it has no session activity.`,
      'requestId',
    );
  }
  if (request.grantedAt === undefined) {
    throw new ValidationError(
      request.status === 'scheduled'
        ? 'Access for this request has not started yet, so it has no session activity.'
        : `Access was never granted for this request (it is ${request.status}), so it has no session activity.`,
      'requestId',
    );
  }
  const start = parseStored(request.grantedAt, 'grant time');
  let accessEnd: number | undefined;
  if (request.endedAt !== undefined) accessEnd = parseStored(request.endedAt, 'end time');
  else if (request.status === 'ended') {
    // An ended request always records endedAt; older records fall back to the planned end: the
    // grant plus the hours and every approved extension, as the workflow ended it.
    accessEnd = parseStored(accessEndOf(request), 'end time');
  }
  const nowMs = now.getTime();
  const tailEnd = accessEnd === undefined ? undefined : accessEnd + SESSION_TAIL_MS;
  const final = tailEnd !== undefined && tailEnd <= nowMs;
  const end = Math.max(start, final && tailEnd !== undefined ? tailEnd : nowMs);
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString(), final };
}

function checked(value: string, pattern: RegExp, what: string): string {
  if (!pattern.test(value)) {
    throw new ValidationError(
      `The ${what} stored on this request has characters a session-log query cannot use safely.`,
      'requestId',
    );
  }
  return value;
}

/**
 * The values a provider needs to query one request's session, each validated (account id
 * 12 digits, user name and permission set name IAM-safe, ISO times). `userName` defaults to the
 * requester's email, which is the IAM Identity Center user name in TEAM deployments; the use
 * cases pass the directory's user name when they can look it up.
 */
export function sessionLogQuerySpec(
  request: AccessRequest,
  now: Date,
  options: { userName?: string } = {},
): SessionLogQuerySpec {
  const window = sessionWindow(request, now);
  return {
    accountId: checked(request.accountId, ACCOUNT_ID, 'account id'),
    userName: checked(options.userName ?? request.requester.email, IDC_USER_NAME, 'user name'),
    permissionSetName: checked(request.permissionSetName, PERMISSION_SET_NAME, 'permission set name'),
    windowStart: checked(window.start, ISO_UTC, 'grant time'),
    windowEnd: checked(window.end, ISO_UTC, 'end time'),
  };
}

/**
 * The start of the role name IAM Identity Center provisions for a permission set
 * (`AWSReservedSSO_<name>_<16 hex>`); exact matching needs the prefix and the length.
 */
export function ssoRoleNamePrefix(permissionSetName: string): string {
  return `AWSReservedSSO_${permissionSetName}_`;
}

/** Length of the random suffix of an IdC role name. */
export const SSO_ROLE_SUFFIX_LENGTH = 16;
