/**
 * The demo session logs the local cloud writes (an opening burst, then calls over the session)
 * follow what each of the demo organization's permission sets allows, so auditors see activity
 * they could believe: read-only sessions read and are refused every write, administrators write.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SENSITIVE_ACTIONS } from '../../../lambdas/core/settings';
import { plannedSessionEvents, type StartedSession } from '../../../local/backend/session-logs';
import type { CloudTrailEvent } from '../../../local/cloudtrail';

const demoOrg = JSON.parse(
  readFileSync(resolve(import.meta.dirname, '../../../local/demo-org.json'), 'utf8'),
) as { permissionSets: { name: string }[] };

const GRANTED_AT = '2026-03-02T09:00:00.000Z';

/** Every call of an 8-hour demo session with `permissionSetName`, as the local cloud plans it. */
function session(permissionSetName: string, id = `req-${permissionSetName}`): CloudTrailEvent[] {
  const started: StartedSession = {
    id,
    status: 'in progress',
    accountId: '563028194735',
    permissionSetName,
    durationHours: 8,
    grantedAt: GRANTED_AT,
    requester: { id: 'u-carol' },
  };
  return plannedSessionEvents(started, 'carol', new Date(Date.parse(GRANTED_AT) + 5 * 60_000));
}

const writes = (events: CloudTrailEvent[]) => events.filter((e) => !e.readOnly);
const succeeded = (events: CloudTrailEvent[]) => events.filter((e) => e.errorCode === undefined);
const sensitive = (e: CloudTrailEvent) =>
  DEFAULT_SENSITIVE_ACTIONS.includes(`${e.eventSource}:${e.eventName}`);

describe('demo session activity per permission set', () => {
  it('covers every permission set of the demo organization', () => {
    expect(demoOrg.permissionSets.map((p) => p.name).sort()).toEqual([
      'AdministratorAccess',
      'PowerUserAccess',
      'ReadOnlyAccess',
    ]);
  });

  it('a ReadOnlyAccess session reads, and every write it attempts is denied', () => {
    const events = session('ReadOnlyAccess');
    expect(events.length).toBeGreaterThan(100);
    expect(writes(succeeded(events))).toEqual([]);
    expect(writes(events).length).toBeGreaterThan(0);
    for (const e of writes(events)) {
      expect(e.errorCode, e.eventName).toMatch(/^(AccessDenied|Client\.UnauthorizedOperation)$/);
      expect(e.errorMessage).toContain('is not authorized to perform');
      expect(e.responseElements).toBeNull();
    }
    const reads = succeeded(events);
    expect(reads.length).toBeGreaterThan(events.length * 0.7);
    for (const e of reads) expect(e.eventName).toMatch(/^(Describe|List|Get)/);
    expect(events.some((e) => e.eventName === 'CreateAccessKey' && e.errorCode === undefined)).toBe(false);
    expect(events.some((e) => e.eventName === 'AttachRolePolicy' && e.errorCode === undefined)).toBe(false);
  });

  it('an AdministratorAccess session makes writes that succeed, sensitive ones among them', () => {
    const events = session('AdministratorAccess');
    const done = writes(succeeded(events));
    expect(done.length).toBeGreaterThan(10);
    expect(done.filter(sensitive).length).toBeGreaterThan(0);
    expect(done.some((e) => e.eventSource === 'iam.amazonaws.com')).toBe(true);
  });

  it('a PowerUserAccess session writes everywhere but IAM', () => {
    const events = session('PowerUserAccess');
    const done = writes(succeeded(events));
    expect(done.filter(sensitive).length).toBeGreaterThan(0);
    expect(done.filter((e) => e.eventSource === 'iam.amazonaws.com')).toEqual([]);
    expect(writes(events).some((e) => e.eventSource === 'iam.amazonaws.com' && e.errorCode)).toBe(true);
  });

  it('is the same every time for the same session (seeded), and differs between sessions', () => {
    expect(session('ReadOnlyAccess')).toEqual(session('ReadOnlyAccess'));
    expect(session('ReadOnlyAccess', 'req-other').map((e) => e.eventID)).not.toEqual(
      session('ReadOnlyAccess').map((e) => e.eventID),
    );
  });
});
