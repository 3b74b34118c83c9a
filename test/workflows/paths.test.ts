import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DAY,
  HOUR,
  requestWorkflowDefinition,
  notified,
  startHarness,
  statusChanges,
  type Harness,
  type Person,
} from './harness';

/**
 * Every path of a request's lifecycle (SPEC "Requests and their lifecycle"), run by the
 * synthesized state machine in the local runner with the real handlers, checking at each step
 * the status, the audit trail, the notifications and the assignments Identity Center holds.
 */
describe('the synthesized request workflow definition', () => {
  const definition = requestWorkflowDefinition().resolve('team-Requests');
  const states = definition.States as Record<string, Record<string, unknown>>;
  const text = JSON.stringify(definition);

  it('is JSONPath only, without Assign, Arguments or Output', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    for (const key of ['"Assign"', '"Arguments"', '"Output"', 'JSONata']) expect(text).not.toContain(key);
  });

  it('waits with interruptible task tokens stored conditionally on the request, timed out by the step', () => {
    for (const [name, status, onTimeout] of [
      ['AwaitDecision', 'pending', 'Expire'],
      ['AwaitStart', 'scheduled', 'Grant'],
      ['AwaitEnd', 'in progress', 'Revoke'],
    ] as const) {
      const state = states[name]!;
      expect(state.Resource).toBe('arn:aws:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken');
      expect(state.TimeoutSecondsPath).toBe('$.step.waitSeconds');
      expect(state.Parameters).toMatchObject({
        TableName: 'team-Requests',
        ConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#token': 'workflowToken', '#status': 'status' },
        ExpressionAttributeValues: { ':token': { 'S.$': '$$.Task.Token' }, ':status': { S: status } },
      });
      expect(state.Catch).toEqual([
        { ErrorEquals: ['DynamoDb.ConditionalCheckFailedException'], ResultPath: null, Next: 'Advance' },
        { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: onTimeout },
        { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Fail' },
      ]);
    }
  });

  it('retries retryable step failures with full jitter and sends the rest to the fail step', () => {
    for (const name of ['Begin', 'Advance', 'Expire', 'Grant', 'Revoke', 'PollGrant', 'PollRevoke']) {
      const state = states[name]!;
      expect(state.Retry).toContainEqual(
        expect.objectContaining({
          ErrorEquals: ['RetryableError', 'Lambda.TooManyRequestsException'],
          JitterStrategy: 'FULL',
        }),
      );
      expect(state.Catch).toContainEqual({
        ErrorEquals: ['States.ALL'],
        ResultPath: '$.error',
        Next: 'Fail',
      });
    }
  });

  it('begins by waiting for the decision in the first step itself, timed out by the expiry', () => {
    const begin = states['Begin']!;
    expect(definition.StartAt).toBe('Begin');
    expect(begin.Resource).toBe('arn:aws:states:::lambda:invoke.waitForTaskToken');
    expect(begin.TimeoutSecondsPath).toBe('$.waitSeconds');
    expect(begin.Parameters).toMatchObject({
      Payload: { action: 'begin', 'requestId.$': '$.requestId', 'taskToken.$': '$$.Task.Token' },
    });
    expect(begin.Next).toBe('Advance');
    expect(begin.Catch).toEqual([
      { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'Expire' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Fail' },
    ]);
  });

  it('ends with the revoke step itself, which runs again while its work is unfinished, or goes on when there is more to wait for', () => {
    const revoke = states['Revoke']!;
    expect(revoke.End).toBe(true);
    expect(revoke.Next).toBeUndefined();
    expect(revoke.Parameters).toMatchObject({ action: 'revoke', last: true });
    expect(revoke.Retry).toContainEqual(
      expect.objectContaining({ ErrorEquals: ['StepUnfinished'], JitterStrategy: 'FULL' }),
    );
    // More to wait for (an extension moved the end, a review is due): on to Advance, which routes.
    expect(revoke.Catch).toEqual([
      { ErrorEquals: ['StepContinues'], ResultPath: null, Next: 'Advance' },
      { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Fail' },
    ]);
  });
});

describe('request paths through the workflow', () => {
  let h: Harness;
  let alice: Person;
  let carol: Person;
  beforeAll(async () => {
    h = await startHarness({ email: true });
    alice = h.person('alice.nguyen@example.com');
    carol = h.person('carol.smith@example.com');
  });
  afterAll(async () => {
    await h?.stop();
  });

  const waitingIn = (requestId: string) =>
    h.local.stepFunctions.pendingTaskTokens(h.execution(requestId).executionArn).map((t) => t.stateName);

  it('approval required: pending → approved → scheduled → in progress → ended, access only while in progress', async () => {
    const request = await h.submit(h.newRequest(alice));
    await h.settle();
    expect((await h.get(request.id)).status).toBe('pending');
    expect(waitingIn(request.id)).toEqual(['Begin']);
    expect(h.hasAssignment(request)).toBe(false);

    await h.approve(request.id, carol);
    await h.settle();
    const granted = await h.get(request.id);
    expect(granted.status).toBe('in progress');
    expect(granted.grantedAt).toBe(new Date(h.clock.now()).toISOString());
    expect(h.hasAssignment(request)).toBe(true);
    expect(waitingIn(request.id)).toEqual(['AwaitEnd']);

    await h.advance(2 * HOUR - 1000);
    expect((await h.get(request.id)).status).toBe('in progress');
    expect(h.hasAssignment(request)).toBe(true);
    await h.advance(1000);
    const ended = await h.get(request.id);
    expect(ended.status).toBe('ended');
    expect(ended.endedAt).toBeDefined();
    expect(h.hasAssignment(request)).toBe(false);

    const trail = await h.trail(request.id);
    expect(statusChanges(trail)).toEqual([
      'created:pending',
      'approved:approved',
      'scheduled:scheduled',
      'started:in progress',
      'ended:ended',
    ]);
    expect(notified(trail)).toEqual(['pending', 'approved', 'started', 'ended']);
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
    const counters = h.local.stepFunctions.executionCounters(h.execution(request.id).executionArn);
    // Begin (waits for the decision), Advance, Route, AwaitEnd, Revoke.
    expect(counters.stateTransitions).toBe(5);
    expect(counters.lambdaInvocations['team-workflow-tasks']).toBe(3);
  });

  it('approval not required: scheduled at once, granted at the start time, ended after the duration', async () => {
    const request = await h.submit(
      h.newRequest(alice, {
        approvalRequired: false,
        startTime: new Date(h.clock.now() + HOUR).toISOString(),
        durationHours: 1,
      }),
    );
    await h.settle();
    expect((await h.get(request.id)).status).toBe('scheduled');
    expect(waitingIn(request.id)).toEqual(['AwaitStart']);
    expect(h.hasAssignment(request)).toBe(false);

    await h.advance(HOUR);
    expect((await h.get(request.id)).status).toBe('in progress');
    expect(h.hasAssignment(request)).toBe(true);

    await h.advance(HOUR);
    expect((await h.get(request.id)).status).toBe('ended');
    expect(h.hasAssignment(request)).toBe(false);
    const trail = await h.trail(request.id);
    expect(statusChanges(trail)).toEqual([
      'created:pending',
      'scheduled:scheduled',
      'started:in progress',
      'ended:ended',
    ]);
    expect(notified(trail)).toEqual(['scheduled', 'started', 'ended']);
  });

  it('rejected: the requester is told, nothing is granted', async () => {
    const request = await h.submit(h.newRequest(alice));
    await h.settle();
    await h.reject(request.id, carol);
    await h.settle();
    expect((await h.get(request.id)).status).toBe('rejected');
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
    const trail = await h.trail(request.id);
    expect(statusChanges(trail)).toEqual(['created:pending', 'rejected:rejected']);
    expect(notified(trail)).toEqual(['pending', 'rejected']);
    expect(h.hasAssignment(request)).toBe(false);
  });

  it('cancelled while pending', async () => {
    const request = await h.submit(h.newRequest(alice));
    await h.settle();
    await h.cancel(request.id, alice);
    await h.settle();
    expect((await h.get(request.id)).status).toBe('cancelled');
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
    expect(notified(await h.trail(request.id))).toEqual(['pending', 'cancelled']);
  });

  it('cancelled while scheduled: the wait for the start ends at once and nothing is granted', async () => {
    const request = await h.submit(
      h.newRequest(alice, {
        approvalRequired: false,
        startTime: new Date(h.clock.now() + DAY).toISOString(),
      }),
    );
    await h.settle();
    expect(waitingIn(request.id)).toEqual(['AwaitStart']);
    await h.cancel(request.id, alice);
    await h.settle();
    expect((await h.get(request.id)).status).toBe('cancelled');
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
    expect(statusChanges(await h.trail(request.id))).toEqual([
      'created:pending',
      'scheduled:scheduled',
      'cancelled:cancelled',
    ]);
    expect(h.hasAssignment(request)).toBe(false);
  });

  it('revoked while scheduled: never granted, the workflow ends at once', async () => {
    const request = await h.submit(
      h.newRequest(alice, { startTime: new Date(h.clock.now() + DAY).toISOString() }),
    );
    await h.settle();
    await h.approve(request.id, carol);
    await h.settle();
    expect((await h.get(request.id)).status).toBe('scheduled');
    await h.revoke(request.id, carol);
    await h.settle();
    const revoked = await h.get(request.id);
    expect(revoked.status).toBe('revoked');
    expect(revoked.endedAt).toBeDefined();
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
    const created = h.local.simulators.state
      .assignmentOperations()
      .filter(
        (op) =>
          op.kind === 'CREATE' &&
          op.principalId === alice.id &&
          op.createdAt.getTime() >= Date.parse(request.createdAt),
      );
    expect(created).toEqual([]);
    expect(notified(await h.trail(request.id))).toEqual(['pending', 'approved', 'revoked']);
  });

  it('revoked while in progress: the assignment is removed at once', async () => {
    const request = await h.submit(h.newRequest(alice, { approvalRequired: false, durationHours: 8 }));
    await h.settle();
    expect(h.hasAssignment(request)).toBe(true);
    await h.advance(HOUR);
    await h.revoke(request.id, alice);
    await h.settle();
    expect(h.hasAssignment(request)).toBe(false);
    const revoked = await h.get(request.id);
    expect(revoked.status).toBe('revoked');
    expect(revoked.endedAt).toBe(new Date(h.clock.now()).toISOString());
    expect(statusChanges(await h.trail(request.id))).toEqual([
      'created:pending',
      'scheduled:scheduled',
      'started:in progress',
      'revoked:revoked',
      'ended:revoked',
    ]);
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
    expect(h.clock.pendingTimers()).toBe(0);
  });

  it('expired: no decision within the expiry timeout', async () => {
    const request = await h.submit(h.newRequest(alice));
    await h.settle();
    await h.advance(3 * HOUR);
    expect((await h.get(request.id)).status).toBe('expired');
    expect(h.execution(request.id).status).toBe('SUCCEEDED');
    const trail = await h.trail(request.id);
    expect(statusChanges(trail)).toEqual(['created:pending', 'expired:expired']);
    expect(notified(trail)).toEqual(['pending', 'expired']);
  });

  it('grant failure: error with Identity Center’s reason and an error notification, no access', async () => {
    h.local.simulators.ssoAdmin.failNextAssignments(1, 'The permission set is not provisioned');
    const request = await h.submit(h.newRequest(alice, { approvalRequired: false }));
    await h.settle();
    const failed = await h.get(request.id);
    expect(failed.status).toBe('error');
    expect(failed.errorReason).toContain('The permission set is not provisioned');
    expect(h.hasAssignment(request)).toBe(false);
    const trail = await h.trail(request.id);
    expect(statusChanges(trail)).toEqual(['created:pending', 'scheduled:scheduled', 'failed:error']);
    // The start had passed: `scheduled` is not sent, `started` would have followed.
    expect(notified(trail)).toEqual(['error']);
    expect(await h.ports.grants.get(alice.id, request.accountId, request.permissionSetArn)).toBeUndefined();
  });

  it('revoke failure: error with the reason; the reconciler removes the access later', async () => {
    const request = await h.submit(h.newRequest(alice, { approvalRequired: false, durationHours: 1 }));
    await h.settle();
    expect(h.hasAssignment(request)).toBe(true);
    h.local.simulators.ssoAdmin.failNextAssignments(1, 'Identity Center is unavailable in this account');
    await h.advance(HOUR);
    const failed = await h.get(request.id);
    expect(failed.status).toBe('error');
    expect(failed.errorReason).toContain('Identity Center is unavailable in this account');
    expect(h.hasAssignment(request)).toBe(true);
    expect(notified(await h.trail(request.id))).toContain('error');

    await h.advance(20 * 60_000);
    const report = await h.reconcile();
    expect(report.removed).toBe(1);
    expect(h.hasAssignment(request)).toBe(false);
    const trail = await h.trail(request.id);
    expect(trail.at(-2)?.action === 'repaired' || trail.at(-1)?.action === 'repaired').toBe(true);
    expect(await h.reconcile()).toMatchObject({ removed: 0, reapplied: 0, released: 0, unfinished: [] });
  });

  it('starts one execution per request, however often the start arrives', async () => {
    const request = await h.submit(h.newRequest(alice));
    await h.settle();
    const { workflow } = h.router;
    await workflow.start(request);
    await workflow.start(request);
    await h.settle();
    const executions = h.local.stepFunctions
      .listExecutions({ stateMachineArn: h.stateMachineArn, maxResults: 1000 })
      .executions.filter((e) => e.name === request.id);
    expect(executions).toHaveLength(1);
    expect(notified(await h.trail(request.id))).toEqual(['pending']);
    await h.reject(request.id, carol);
    await h.settle();
  });

  it('waits 8,000 hours of access in one wait', async () => {
    const request = await h.submit(h.newRequest(alice, { approvalRequired: false, durationHours: 8000 }));
    await h.settle();
    expect(h.hasAssignment(request)).toBe(true);
    await h.advance(7999 * HOUR);
    expect((await h.get(request.id)).status).toBe('in progress');
    await h.advance(HOUR);
    expect((await h.get(request.id)).status).toBe('ended');
    expect(h.hasAssignment(request)).toBe(false);
    const counters = h.local.stepFunctions.executionCounters(h.execution(request.id).executionArn);
    expect(counters.stateTransitions).toBe(5);
  });

  it('the api resumes the wait itself after a decision; the stream router alone does it too; never twice', async () => {
    const routerSignal = h.router.workflow.signal.bind(h.router.workflow);
    const relay = h.backend.ports.decisionRelay;
    const runs: string[] = [];
    const approved = async () => {
      const request = await h.submit(h.newRequest(alice));
      await h.settle();
      await h.approve(request.id, carol);
      await h.settle();
      const after = await h.get(request.id);
      runs.push(after.status);
      expect(h.hasAssignment(request)).toBe(true);
      expect(statusChanges(await h.trail(request.id))).toEqual([
        'created:pending',
        'approved:approved',
        'scheduled:scheduled',
        'started:in progress',
      ]);
      // One execution, resumed once, now waiting for the end.
      expect(waitingIn(request.id)).toEqual(['AwaitEnd']);
      await h.revoke(request.id, alice);
      await h.settle();
      expect(h.hasAssignment(request)).toBe(false);
    };
    try {
      // The stream's signal lost: the api's own resume grants the access.
      h.router.workflow.signal = async () => undefined;
      await approved();
      // The api's resume lost (Step Functions unreachable from it): the router's grants it.
      h.router.workflow.signal = routerSignal;
      h.backend.ports.decisionRelay = { resume: async () => undefined };
      await approved();
      // Both: the second finds the wait already resumed.
      h.backend.ports.decisionRelay = relay;
      await approved();
    } finally {
      h.router.workflow.signal = routerSignal;
      h.backend.ports.decisionRelay = relay;
    }
    expect(runs).toEqual(['in progress', 'in progress', 'in progress']);
  });
});
