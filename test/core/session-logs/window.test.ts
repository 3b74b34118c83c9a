import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../lambdas/core/errors';
import { sessionLogQuerySpec, sessionWindow, ssoRoleNamePrefix } from '../../../lambdas/core/session-logs';
import type { AccessRequest, RequestStatus } from '../../../lambdas/core/types';
import { aRequest } from '../../builders';

const GRANTED = '2026-03-02T09:00:05.000Z';
const at = (iso: string) => new Date(iso);

/** A request whose access was granted at 09:00:05 for 2 hours. */
const granted = (overrides: Partial<AccessRequest> = {}) =>
  aRequest({ status: 'in progress', grantedAt: GRANTED, ...overrides });

describe('sessionWindow', () => {
  it.each<[RequestStatus, Partial<AccessRequest>]>([
    ['pending', {}],
    ['approved', {}],
    ['rejected', {}],
    ['cancelled', {}],
    ['expired', {}],
    // A stray grantedAt on a request that cannot have been granted changes nothing.
    ['pending', { grantedAt: GRANTED }],
    ['scheduled', {}],
    ['revoked', { revokedAt: '2026-03-02T08:00:00.000Z' }],
    ['error', { errorReason: 'grant failed' }],
    ['ended', {}],
  ])('refuses a %s request whose access was never granted (%o)', (status, extra) => {
    const request = aRequest({ status, ...extra });
    expect(() => sessionWindow(request, at('2026-03-02T10:00:00Z'))).toThrow(ValidationError);
    expect(() => sessionWindow(request, at('2026-03-02T10:00:00Z'))).toThrow(/never granted|not started yet/);
  });

  it('says a scheduled request has not started yet', () => {
    expect(() => sessionWindow(aRequest({ status: 'scheduled' }), at('2026-03-02T10:00:00Z'))).toThrow(
      'Access for this request has not started yet, so it has no session activity.',
    );
  });

  it('runs from the grant to now while access is in progress', () => {
    expect(sessionWindow(granted(), at('2026-03-02T10:30:00.250Z'))).toEqual({
      start: GRANTED,
      end: '2026-03-02T10:30:00.250Z',
      final: false,
    });
  });

  it('runs to the end of access plus one hour once that hour is over', () => {
    const request = granted({ status: 'ended', endedAt: '2026-03-02T11:00:07.000Z' });
    expect(sessionWindow(request, at('2026-03-03T00:00:00Z'))).toEqual({
      start: GRANTED,
      end: '2026-03-02T12:00:07.000Z',
      final: true,
    });
  });

  it('stays open (to now) during the hour after access ended', () => {
    const request = granted({ status: 'revoked', endedAt: '2026-03-02T10:00:00.000Z' });
    expect(sessionWindow(request, at('2026-03-02T10:20:00.000Z'))).toEqual({
      start: GRANTED,
      end: '2026-03-02T10:20:00.000Z',
      final: false,
    });
    expect(sessionWindow(request, at('2026-03-02T11:00:00.000Z')).final).toBe(true);
  });

  it('keeps a revoked request whose assignment is not gone yet open', () => {
    const request = granted({ status: 'revoked', revokedAt: '2026-03-02T10:00:00.000Z' });
    expect(sessionWindow(request, at('2026-03-05T00:00:00Z'))).toMatchObject({ final: false });
  });

  it('falls back to the planned end for an ended request without endedAt: from the grant, not the start', () => {
    const request = granted({ status: 'ended', startTime: '2026-03-02T08:30:00.000Z', durationHours: 2 });
    expect(sessionWindow(request, at('2026-03-04T00:00:00Z'))).toEqual({
      start: GRANTED,
      // Granted 09:00:05, two hours, then the hour session credentials may outlive it.
      end: '2026-03-02T12:00:05.000Z',
      final: true,
    });
  });

  it('never ends before it starts (clock skew)', () => {
    expect(sessionWindow(granted(), at('2026-03-02T09:00:00.000Z'))).toEqual({
      start: GRANTED,
      end: GRANTED,
      final: false,
    });
  });

  it('refuses a stored time that is not ISO 8601 UTC', () => {
    expect(() => sessionWindow(granted({ grantedAt: "2026-03-02' OR 1=1" }), new Date())).toThrow(
      'The stored grant time of this request is not a valid time.',
    );
    expect(() =>
      sessionWindow(granted({ status: 'ended', endedAt: '2026-13-45T99:00:00Z' }), new Date()),
    ).toThrow(ValidationError);
  });
});

describe('sessionLogQuerySpec', () => {
  const now = at('2026-03-02T10:00:00.000Z');

  it('takes every value from the stored request', () => {
    expect(sessionLogQuerySpec(granted(), now)).toEqual({
      accountId: '333333333331',
      userName: 'alice@example.com',
      permissionSetName: 'ReadOnlyAccess',
      windowStart: GRANTED,
      windowEnd: '2026-03-02T10:00:00.000Z',
    });
  });

  it('uses the directory user name when the use case found one', () => {
    expect(sessionLogQuerySpec(granted(), now, { userName: 'alice' }).userName).toBe('alice');
  });

  it.each([
    ["alice' OR 1=1 --", 'user name'],
    ['alice%', 'user name'],
    ['al_ice%@example.com', 'user name'],
    ['alice@example.com\n', 'user name'],
    ['', 'user name'],
    ['a'.repeat(129), 'user name'],
  ])('refuses the stored user name %j', (email, what) => {
    const request = granted({ requester: { id: 'u-1', email } });
    expect(() => sessionLogQuerySpec(request, now)).toThrow(
      `The ${what} stored on this request has characters a session-log query cannot use safely.`,
    );
  });

  it('refuses a crafted user name from the directory too', () => {
    expect(() => sessionLogQuerySpec(granted(), now, { userName: "x' OR '1'='1" })).toThrow(ValidationError);
  });

  it.each([
    ['accountId', "333333333331' OR '1'='1"],
    ['accountId', '33333333333'],
    ['accountId', '3333333333311'],
    ['permissionSetName', "ReadOnly' --"],
    ['permissionSetName', 'Read%'],
    ['permissionSetName', 'Read Only'],
    ['permissionSetName', 'P'.repeat(33)],
  ])('refuses a stored %s of %j', (field, value) => {
    expect(() => sessionLogQuerySpec(granted({ [field]: value }), now)).toThrow(ValidationError);
  });

  it('accepts every character IAM allows in names', () => {
    const request = granted({
      requester: { id: 'u-1', email: 'first.last+team=ops,x@example-corp.com' },
      permissionSetName: 'Ops_Admin+=,.@-',
    });
    expect(sessionLogQuerySpec(request, now)).toMatchObject({
      userName: 'first.last+team=ops,x@example-corp.com',
      permissionSetName: 'Ops_Admin+=,.@-',
    });
  });

  it('refuses requests never granted before looking at anything else', () => {
    expect(() => sessionLogQuerySpec(aRequest({ status: 'pending' }), now)).toThrow(/never granted/);
  });
});

describe('ssoRoleNamePrefix', () => {
  it('is the fixed start of the IdC role name', () => {
    expect(ssoRoleNamePrefix('ReadOnlyAccess')).toBe('AWSReservedSSO_ReadOnlyAccess_');
  });
});
