/** The summary of a session's calls, and when a session needs an auditor's look. */
import { describe, expect, it } from 'vitest';
import {
  isAccessDenied,
  needsReview,
  summarizeActivity,
  SUMMARY_LIST_LIMITS,
} from '../../../lambdas/core/session-review';
import { DEFAULT_SENSITIVE_ACTIONS } from '../../../lambdas/core/settings';
import { aRow } from '../session-logs/fakes';
import { sessionRows } from './world';

describe('summarizeActivity', () => {
  it('counts calls, services, write and sensitive actions, refusals and source IPs', () => {
    const summary = summarizeActivity(sessionRows(), DEFAULT_SENSITIVE_ACTIONS);
    expect(summary).toMatchObject({
      totalCalls: 4,
      readCalls: 1,
      writeCalls: 3,
      failedCalls: 1,
      accessDeniedCalls: 1,
      sensitiveCalls: 1,
      sensitiveDeniedCalls: 1,
      firstCallAt: '2026-03-02T09:05:00.000Z',
      lastCallAt: '2026-03-02T09:08:00.000Z',
      truncated: false,
    });
    expect(summary.services).toEqual([
      { eventSource: 'ec2.amazonaws.com', calls: 2, writes: 1 },
      { eventSource: 'iam.amazonaws.com', calls: 2, writes: 2 },
    ]);
    expect(summary.writeActions).toEqual([
      { eventSource: 'ec2.amazonaws.com', eventName: 'StartInstances', calls: 1, succeeded: 1, denied: 0 },
      { eventSource: 'iam.amazonaws.com', eventName: 'AttachRolePolicy', calls: 1, succeeded: 0, denied: 1 },
      { eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', calls: 1, succeeded: 1, denied: 0 },
    ]);
    expect(summary.sensitiveActions).toEqual([
      { eventSource: 'iam.amazonaws.com', eventName: 'AttachRolePolicy', calls: 1, succeeded: 0, denied: 1 },
      { eventSource: 'iam.amazonaws.com', eventName: 'CreateAccessKey', calls: 1, succeeded: 1, denied: 0 },
    ]);
    expect(summary.accessDenied).toEqual([
      {
        eventSource: 'iam.amazonaws.com',
        eventName: 'AttachRolePolicy',
        errorCode: 'AccessDenied',
        calls: 1,
      },
    ]);
    expect(summary.sourceIps).toEqual([
      { sourceIp: '198.51.100.7', calls: 3 },
      { sourceIp: '203.0.113.9', calls: 1 },
    ]);
  });

  it('follows the sensitive list it is given (wildcards included)', () => {
    const none = summarizeActivity(sessionRows(), []);
    expect(none.sensitiveCalls).toBe(0);
    expect(none.sensitiveActions).toEqual([]);
    const ec2 = summarizeActivity(sessionRows(), ['ec2.amazonaws.com:Start*']);
    expect(ec2.sensitiveActions.map((a) => a.eventName)).toEqual(['StartInstances']);
    expect(ec2.sensitiveCalls).toBe(1);
  });

  it('an empty session: zeros, no first or last call', () => {
    const summary = summarizeActivity([], DEFAULT_SENSITIVE_ACTIONS);
    expect(summary).toMatchObject({ totalCalls: 0, services: [], sourceIps: [] });
    expect(summary.firstCallAt).toBeUndefined();
    expect(needsReview(summary)).toBe(false);
  });

  it('keeps every list bounded, most calls first, ties in name order', () => {
    const rows = Array.from({ length: 130 }, (_, i) =>
      aRow({
        eventId: `e-${i}`,
        eventSource: `svc${String(i % 70).padStart(2, '0')}.amazonaws.com`,
        eventName: `Put${i}`,
        readOnly: false,
        sourceIp: `192.0.2.${i % 40}`,
        errorCode: i % 2 === 0 ? 'AccessDeniedException' : undefined,
      }),
    );
    const summary = summarizeActivity(rows, ['Put*']);
    expect(summary.services).toHaveLength(SUMMARY_LIST_LIMITS.services);
    expect(summary.services[0]).toEqual({ eventSource: 'svc00.amazonaws.com', calls: 2, writes: 2 });
    expect(summary.writeActions).toHaveLength(SUMMARY_LIST_LIMITS.writeActions);
    expect(summary.sensitiveActions).toHaveLength(SUMMARY_LIST_LIMITS.sensitiveActions);
    expect(summary.accessDenied).toHaveLength(SUMMARY_LIST_LIMITS.accessDenied);
    expect(summary.sourceIps).toHaveLength(SUMMARY_LIST_LIMITS.sourceIps);
    // The counts are of every call, whatever the lists keep.
    expect(summary).toMatchObject({ totalCalls: 130, sensitiveCalls: 65, sensitiveDeniedCalls: 65 });
  });

  it('is the same whatever the order of the rows', () => {
    const rows = sessionRows();
    expect(summarizeActivity([...rows].reverse(), DEFAULT_SENSITIVE_ACTIONS)).toEqual(
      summarizeActivity(rows, DEFAULT_SENSITIVE_ACTIONS),
    );
  });
});

describe('isAccessDenied', () => {
  it.each([
    ['AccessDenied', true],
    ['AccessDeniedException', true],
    ['Client.UnauthorizedOperation', true],
    ['UnauthorizedOperation', true],
    ['AuthorizationError', true],
    ['ForbiddenException', true],
    ['NoSuchEntity', false],
    ['ThrottlingException', false],
    [undefined, false],
  ])('%s → %s', (code, denied) => {
    expect(isAccessDenied(code)).toBe(denied);
  });
});

describe('needsReview', () => {
  it('flags a successful sensitive call, not a refused one, and a truncated summary', () => {
    const [read, write, sensitive, refused] = sessionRows();
    const of = (rows: ReturnType<typeof sessionRows>, truncated = false) =>
      needsReview(summarizeActivity(rows, DEFAULT_SENSITIVE_ACTIONS, { truncated }));
    expect(of([read!, write!])).toBe(false);
    expect(of([read!, refused!])).toBe(false);
    expect(of([read!, sensitive!])).toBe(true);
    expect(of([read!], true)).toBe(true);
    // A sensitive action that failed for another reason changed nothing either.
    expect(of([{ ...sensitive!, errorCode: 'LimitExceeded' }])).toBe(false);
  });
});
