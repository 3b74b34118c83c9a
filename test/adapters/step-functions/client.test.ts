import {
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
  TaskDoesNotExist,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConflictError } from '../../../lambdas/core/errors';
import { ThrottledError } from '../../../lambdas/adapters/errors';
import { executionArnFor, StepFunctionsAdapter } from '../../../lambdas/adapters/step-functions/client';
import { createStepFunctionsService, ManualClock, type StepFunctionsService } from '../../../local/sfn';

const definition = {
  StartAt: 'Wait for decision',
  States: {
    'Wait for decision': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: {
        FunctionName: 'notify',
        Payload: { 'requestId.$': '$.requestId', 'taskToken.$': '$$.Task.Token' },
      },
      ResultPath: '$.decision',
      End: true,
    },
  },
};

let sfn: StepFunctionsService;
let client: SFNClient;
let adapter: StepFunctionsAdapter;
let stateMachineArn: string;
const tokens = new Map<string, string>();

beforeAll(async () => {
  sfn = createStepFunctionsService({
    clock: new ManualClock(Date.UTC(2030, 0, 1)),
    lambdas: {
      notify: (event: { requestId: string; taskToken: string }) =>
        void tokens.set(event.requestId, event.taskToken),
    },
  });
  const { url } = await sfn.listen();
  client = new SFNClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  adapter = new StepFunctionsAdapter(client);
  stateMachineArn = sfn.createStateMachine({ name: 'workflow', definition }).stateMachineArn;
});

afterAll(async () => {
  client.destroy();
  await sfn.stop();
});

async function tokenOf(requestId: string): Promise<string> {
  await sfn.idle();
  const token = tokens.get(requestId);
  if (!token) throw new Error(`no token for ${requestId}`);
  return token;
}

describe('StepFunctionsAdapter against the local Step Functions', () => {
  it('starts one execution per name: repeats with the same input are success', async () => {
    const first = await adapter.startExecution(stateMachineArn, 'req-1', { requestId: 'req-1', n: 1 });
    expect(first).toEqual({ executionArn: executionArnFor(stateMachineArn, 'req-1'), alreadyStarted: false });
    // While it runs, the service itself answers a repeat with the same execution.
    expect(
      (await adapter.startExecution(stateMachineArn, 'req-1', { requestId: 'req-1', n: 1 })).executionArn,
    ).toBe(first.executionArn);
    await expect(
      adapter.startExecution(stateMachineArn, 'req-1', { requestId: 'req-1', n: 2 }),
    ).rejects.toThrow(ConflictError);

    expect(await adapter.sendTaskSuccess(await tokenOf('req-1'), { approved: true })).toEqual({ ok: true });
    await sfn.idle();
    expect(sfn.describeExecution(first.executionArn).status).toBe('SUCCEEDED');
    expect(JSON.parse(sfn.describeExecution(first.executionArn).output ?? '{}')).toMatchObject({
      decision: { approved: true },
    });
    // Closed: a repeated stream record (same input, keys in another order) is still success.
    expect(await adapter.startExecution(stateMachineArn, 'req-1', { n: 1, requestId: 'req-1' })).toEqual({
      executionArn: first.executionArn,
      alreadyStarted: true,
    });
    await expect(
      adapter.startExecution(stateMachineArn, 'req-1', { requestId: 'req-1', n: 3 }),
    ).rejects.toThrow(/different input/);
  });

  it('reports a spent or invalid task token as a typed result', async () => {
    await adapter.startExecution(stateMachineArn, 'req-2', { requestId: 'req-2' });
    const token = await tokenOf('req-2');
    expect(await adapter.sendTaskFailure(token, 'Rejected', 'the approver said no')).toEqual({ ok: true });
    await sfn.idle();
    expect(sfn.describeExecution(executionArnFor(stateMachineArn, 'req-2'))).toMatchObject({
      status: 'FAILED',
      error: 'Rejected',
    });
    expect(await adapter.sendTaskSuccess(token, {})).toMatchObject({ ok: false, problem: 'TaskTimedOut' });
    expect(await adapter.sendTaskFailure('not-a-token', 'x')).toMatchObject({
      ok: false,
      problem: 'InvalidToken',
    });
  });

  it('stops a running execution; a missing one is reported, not thrown', async () => {
    const { executionArn } = await adapter.startExecution(stateMachineArn, 'req-3', { requestId: 'req-3' });
    const token = await tokenOf('req-3');
    expect(await adapter.stopExecution(executionArn, 'Revoked', 'revoked early')).toBe(true);
    await sfn.idle();
    expect(sfn.describeExecution(executionArn).status).toBe('ABORTED');
    expect(await adapter.sendTaskSuccess(token, {})).toMatchObject({ ok: false, problem: 'TaskTimedOut' });
    expect(await adapter.stopExecution(executionArnFor(stateMachineArn, 'never-started'))).toBe(false);
  });
});

describe('StepFunctionsAdapter errors', () => {
  it('maps TaskDoesNotExist to a result and throttling to ThrottledError', async () => {
    const mock = mockClient(SFNClient);
    try {
      const mocked = new StepFunctionsAdapter(new SFNClient({ region: 'us-east-1' }));
      mock
        .on(SendTaskSuccessCommand)
        .rejects(new TaskDoesNotExist({ message: 'Task Does Not Exist', $metadata: {} }));
      expect(await mocked.sendTaskSuccess('t', {})).toEqual({
        ok: false,
        problem: 'TaskDoesNotExist',
        message: 'Task Does Not Exist',
      });
      mock
        .on(StartExecutionCommand)
        .rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));
      await expect(
        mocked.startExecution('arn:aws:states:us-east-1:123456789012:stateMachine:x', 'n', {}),
      ).rejects.toThrow(ThrottledError);
    } finally {
      mock.restore();
    }
  });

  it('derives execution ARNs and refuses what is not a state machine ARN', () => {
    expect(executionArnFor('arn:aws:states:eu-west-1:123456789012:stateMachine:Lifecycle', 'abc')).toBe(
      'arn:aws:states:eu-west-1:123456789012:execution:Lifecycle:abc',
    );
    expect(() => executionArnFor('arn:aws:lambda:eu-west-1:1:function:x', 'abc')).toThrow();
  });
});
