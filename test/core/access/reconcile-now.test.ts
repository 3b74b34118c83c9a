import { describe, expect, it } from 'vitest';
import {
  makeReconcileNow,
  makeStartDashboardRebuild,
  validateReconcileNow,
  type DashboardRebuildRequest,
  type ReconciliationRequest,
} from '../../../lambdas/core/access';
import { ForbiddenError } from '../../../lambdas/core/errors';
import { bad, caller, check, NOW, ok, type Outcome } from '../fixtures';
import { failure } from '../support';

function setup(fail?: Error) {
  const started: (ReconciliationRequest | DashboardRebuildRequest)[] = [];
  const deps = {
    clock: { now: () => NOW },
    reconciler: {
      start: (request: ReconciliationRequest | DashboardRebuildRequest) => {
        if (fail) return Promise.reject(fail);
        started.push(request);
        return Promise.resolve();
      },
    },
  };
  return { started, reconcileNow: makeReconcileNow(deps), rebuild: makeStartDashboardRebuild(deps) };
}

const admin = caller('admin', { isAdmin: true, displayName: 'Erin Admin' });

describe('reconcileNow', () => {
  it('hands a run to the reconciler for an admin and answers when it was started', async () => {
    const { started, reconcileNow } = setup();
    expect(await reconcileNow(admin, { reason: '  Fixed assignments by hand  ' })).toEqual({
      startedAt: NOW.toISOString(),
    });
    expect(started).toEqual([
      {
        kind: 'reconcile-now',
        requestedBy: { id: 'admin', email: 'admin@example.com', name: 'Erin Admin' },
        requestedAt: NOW.toISOString(),
        reason: 'Fixed assignments by hand',
      },
    ]);
  });

  it.each([
    ['a requester', caller('someone')],
    ['an auditor', caller('auditor', { isAuditor: true })],
  ])('refuses %s, starting nothing', async (_who, who) => {
    const { started, reconcileNow } = setup();
    const error = await failure(reconcileNow(who, {}));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe('Only administrators may run the reconciler.');
    expect(started).toEqual([]);
  });

  it('does not say it started when the hand-over failed', async () => {
    const { reconcileNow } = setup(new Error('Lambda is throttling'));
    await expect(reconcileNow(admin, {})).rejects.toThrow('Lambda is throttling');
  });

  it('validates before starting anything', async () => {
    const { started, reconcileNow } = setup();
    await expect(reconcileNow(admin, { reason: 'bell \u0007' })).rejects.toMatchObject({ field: 'reason' });
    expect(started).toEqual([]);
  });
});

describe('rebuildDashboard (starting it)', () => {
  it('hands the rebuild to the reconciler function for an admin', async () => {
    const { started, rebuild } = setup();
    expect(await rebuild(admin, { reason: 'After the history import' })).toEqual({
      startedAt: NOW.toISOString(),
    });
    expect(started).toEqual([
      {
        kind: 'rebuild-dashboard',
        requestedBy: { id: 'admin', email: 'admin@example.com', name: 'Erin Admin' },
        requestedAt: NOW.toISOString(),
        reason: 'After the history import',
      },
    ]);
  });

  it('refuses an auditor, starting nothing', async () => {
    const { started, rebuild } = setup();
    const error = await failure(rebuild(caller('auditor', { isAuditor: true }), {}));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.message).toBe('Only administrators may rebuild the dashboard counters.');
    expect(started).toEqual([]);
  });
});

describe('validateReconcileNow', () => {
  const cases: [string, unknown, Outcome][] = [
    ['no reason', {}, ok({})],
    ['a null reason', { reason: null }, ok({})],
    ['a blank reason', { reason: '   ' }, ok({})],
    ['a reason, trimmed', { reason: ' Drift after an incident ' }, ok({ reason: 'Drift after an incident' })],
    ['a reason of 2,001 characters', { reason: 'x'.repeat(2001) }, bad('reason', /at most 2,000 characters/)],
    ['a reason with a control character', { reason: 'a\u0000b' }, bad('reason', /control characters/)],
    ['a reason that is not text', { reason: 5 }, bad('reason', 'Reason must be text.')],
    ['an input that is not an object', 'now', bad(undefined, 'The input must be an object.')],
  ];
  it.each(cases)('%s', (_name, input, outcome) => check(() => validateReconcileNow(input), outcome));

  it('keeps no reason key when none is given', () => {
    expect('reason' in validateReconcileNow({ reason: '' })).toBe(false);
  });
});
