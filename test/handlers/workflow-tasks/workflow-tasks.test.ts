import { Logger } from '@aws-lambda-powertools/logger';
import { describe, expect, it } from 'vitest';
import type { WorkflowDeps } from '../../../lambdas/core/access';
import { auditEventId } from '../../../lambdas/core/audit';
import { makeWorkflowTasksHandler, RETRYABLE_ERROR } from '../../../lambdas/handlers/workflow-tasks';
import { WORKFLOW_UNFINISHED_ERROR } from '../../../lambdas/contract/workflow';
import { aRequest } from '../../builders';
import { makeTestWorld } from '../../fakes/world';
import {
  awsError,
  FakeAssignments,
  FakeDecisionWait,
  noSleep,
  RecordingNotifier,
} from '../../core/access/fakes';

/** The handler over fakes: input checks, error names the state machine acts on, results. */
function setup() {
  const world = makeTestWorld();
  const idc = new FakeAssignments();
  const decisions = new FakeDecisionWait(world.requests);
  const deps: WorkflowDeps = {
    requests: world.requests,
    decisionWait: decisions,
    settings: world.settings,
    clock: world.clock,
    grants: world.grants,
    assignments: idc,
    notifier: new RecordingNotifier(),
    sleep: noSleep,
    pollDelaysMs: [1],
  };
  const logger = new Logger({ logLevel: 'SILENT' });
  /** Stores a request without approval that starts now. */
  const storeRequest = async () => {
    const request = aRequest({
      approvalRequired: false,
      createdAt: world.clock.iso(),
      startTime: world.clock.iso(),
    });
    await world.requests.create(request, {
      requestId: request.id,
      id: auditEventId(request.createdAt, 1),
      at: request.createdAt,
      action: 'created',
      actor: 'system',
    });
    return request;
  };
  return {
    world,
    storeRequest,
    idc,
    decisions,
    deps,
    handler: makeWorkflowTasksHandler({ deps: () => deps, logger }),
    logger,
  };
}

describe('workflow-tasks handler', () => {
  it('runs the step and answers small JSON', async () => {
    const { handler, storeRequest } = setup();
    const request = await storeRequest();
    expect(
      await handler({ action: 'begin', requestId: request.id, taskToken: 'tok', operation: null }),
    ).toEqual({
      next: 'advance',
      waitSeconds: 0,
      operation: null,
      status: 'pending',
    });
    expect(await handler({ action: 'advance', requestId: request.id, operation: null })).toEqual({
      next: 'awaitEnd',
      waitSeconds: 7200,
      operation: null,
      status: 'in progress',
    });
  });

  it('a last step that is not done fails as unfinished, to be run again', async () => {
    const { world, idc, handler, storeRequest } = setup();
    const request = await storeRequest();
    await handler({ action: 'advance', requestId: request.id });
    world.clock.advance({ hours: 2 });
    idc.pollsUntilDone = 5; // the deletion stays IN_PROGRESS through the step's own polls
    await expect(handler({ action: 'revoke', requestId: request.id, last: true })).rejects.toMatchObject({
      name: WORKFLOW_UNFINISHED_ERROR,
    });
    idc.pollsUntilDone = 0;
    expect(await handler({ action: 'revoke', requestId: request.id, last: true })).toMatchObject({
      next: 'done',
      status: 'ended',
    });
  });

  it('refuses malformed input (a bug in the definition: not retried)', async () => {
    const { handler } = setup();
    await expect(handler({ action: 'dance', requestId: 'x' })).rejects.toMatchObject({ name: 'ZodError' });
    await expect(handler({ action: 'begin' })).rejects.toThrow();
  });

  it('names retryable failures RetryableError and lets the others through', async () => {
    const { world, idc, handler, storeRequest } = setup();
    const request = await storeRequest();
    idc.throwOnce('exists', awsError('ThrottlingException', 'Rate exceeded'));
    await expect(handler({ action: 'begin', requestId: request.id })).rejects.toMatchObject({
      name: RETRYABLE_ERROR,
      message: 'ThrottlingException: Rate exceeded',
    });
    const failing = new Proxy(world.requests, {
      get: (target, prop, receiver) =>
        prop === 'get' ? () => Promise.reject(new TypeError('boom')) : Reflect.get(target, prop, receiver),
    });
    const broken = makeWorkflowTasksHandler({
      deps: () => ({ ...setup().deps, requests: failing }),
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    await expect(broken({ action: 'advance', requestId: request.id })).rejects.toMatchObject({
      name: 'TypeError',
    });
  });
});
