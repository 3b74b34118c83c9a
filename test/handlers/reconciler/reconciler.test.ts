/** The reconciler's handler over fakes: what a run answers. */
import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import type { ReconcileDeps } from '../../../lambdas/core/access';
import { makeReconcilerHandler } from '../../../lambdas/handlers/reconciler';
import { makeTestWorld } from '../../fakes/world';
import { FakeAssignments, noSleep, RecordingNotifier } from '../../core/access/fakes';

function setup() {
  const world = makeTestWorld();
  const deps: ReconcileDeps = {
    requests: world.requests,
    settings: world.settings,
    clock: world.clock,
    grants: world.grants,
    assignments: new FakeAssignments(),
    notifier: new RecordingNotifier(),
    sleep: noSleep,
    pollDelaysMs: [1],
  };
  return { deps, logger: new Logger({ logLevel: 'SILENT' }) };
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
      unfinished: [],
    });
  });
});
