/** The reconciler's handler over fakes: what a run answers. */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import {
  makeReconcilerEntry,
  makeReconcilerHandler,
  type ReconcilerPorts,
} from '../../../lambdas/handlers/reconciler';
import { auditEventId } from '../../../lambdas/core/audit';
import { aRequest } from '../../builders';
import { InMemoryAggregateStore } from '../../fakes/aggregates';
import { makeTestWorld } from '../../fakes/world';
import { FakeAssignments, noSleep, RecordingNotifier } from '../../core/access/fakes';

function setup() {
  const world = makeTestWorld();
  const deps: ReconcilerPorts = {
    requests: world.requests,
    policies: world.policies,
    directory: world.directory,
    organization: world.organization,
    settings: world.settings,
    clock: world.clock,
    grants: world.grants,
    assignments: new FakeAssignments(),
    notifier: new RecordingNotifier(),
    sleep: noSleep,
    pollDelaysMs: [1],
  };
  return { deps, world, logger: new Logger({ logLevel: 'SILENT' }) };
}

describe('reconciler handler', () => {
  it('summarizes a run', async () => {
    const { deps, logger } = setup();
    const handler = makeReconcilerHandler({ deps: () => deps, logger });
    expect(await handler({ source: 'aws.events' })).toEqual({
      grantsChecked: 0,
      removed: 0,
      reapplied: 0,
      released: 0,
      ended: 0,
      unfinished: [],
    });
  });

  it('logs who started a run on demand, and runs the same', async () => {
    const { deps } = setup();
    const infos: unknown[][] = [];
    const logger = new Logger({ logLevel: 'SILENT' });
    logger.info = (...args: unknown[]) => void infos.push(args);
    const handler = makeReconcilerHandler({ deps: () => deps, logger });
    const result = await handler({
      kind: 'reconcile-now',
      requestedBy: { id: 'admin-1', email: 'erin@example.com', name: 'Erin' },
      requestedAt: '2026-03-02T09:00:00.000Z',
      reason: 'after a manual fix',
    });
    expect(result.grantsChecked).toBe(0);
    expect(infos).toEqual([
      [
        'Reconciliation started by an admin',
        { requestedBy: 'admin-1', requestedAt: '2026-03-02T09:00:00.000Z', reason: 'after a manual fix' },
      ],
    ]);
  });

  it('runs the policy check on its daily event and stores the report', async () => {
    const { deps, world, logger } = setup();
    world.org.users.splice(
      world.org.users.findIndex((u) => u.userName === 'alice@example.com'),
      1,
    );
    const handler = makeReconcilerEntry({ deps: () => deps, logger });
    expect(await handler({ source: 'aws.events' })).toMatchObject({ grantsChecked: 0 });
    expect(await handler({ kind: 'check-policies' })).toEqual({
      checkedAt: world.clock.now().toISOString(),
      policiesChecked: 6,
      policiesWithStaleReferences: 1,
    });
    expect((await world.policies.getCheck())?.findings).toEqual([
      expect.objectContaining({
        policyKind: 'ELIGIBILITY',
        references: [
          expect.objectContaining({ kind: 'user', name: 'alice@example.com', problem: 'missing' }),
        ],
      }),
    ]);
  });
});

describe('dashboard rebuild', () => {
  const rebuild = {
    kind: 'rebuild-dashboard',
    requestedBy: { id: 'admin-1', email: 'erin@example.com' },
    requestedAt: '2026-03-02T09:00:00.000Z',
  };

  it('rebuilds the counters from every stored request on an admin’s demand', async () => {
    const { deps, world, logger } = setup();
    const aggregates = new InMemoryAggregateStore();
    for (const request of [aRequest(), aRequest({ status: 'rejected' })]) {
      await world.requests.create(request, {
        requestId: request.id,
        id: auditEventId(request.createdAt, request.version),
        at: request.createdAt,
        action: 'created',
        actor: request.requester,
        toStatus: request.status,
      });
    }
    const handler = makeReconcilerEntry({ deps: () => ({ ...deps, aggregates }), logger });
    expect(await handler(rebuild)).toEqual({
      requestsRead: 2,
      sessionReviewsRead: 0,
      daysWritten: 1,
      rebuiltAt: world.clock.now().toISOString(),
    });
    const day = world.clock.now().toISOString().slice(0, 10);
    expect((await aggregates.readDays(day, day))[0]?.counts).toEqual({ created: 2 });
  });

  it('fails clearly where the counters table is not configured', async () => {
    const { deps, logger } = setup();
    await expect(makeReconcilerEntry({ deps: () => deps, logger })(rebuild)).rejects.toThrow(
      'AGGREGATES_TABLE is not set',
    );
  });
});
