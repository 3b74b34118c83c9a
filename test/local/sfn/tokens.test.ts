import {
  GetExecutionHistoryCommand,
  InvalidToken,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { createStepFunctionsService, ManualClock, type StepFunctionsService } from '../../../local/sfn';

const START = Date.UTC(2030, 0, 1);

let sfn: StepFunctionsService | undefined;
let client: SFNClient | undefined;

afterEach(async () => {
  client?.destroy();
  client = undefined;
  await sfn?.stop();
  sfn = undefined;
});

/** The workflow waits for a decision: a Lambda gets the token, someone resumes it later. */
function decisionDefinition(extra: Record<string, unknown> = {}, catchers?: unknown[]) {
  return {
    StartAt: 'Wait for decision',
    States: {
      'Wait for decision': {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
        Parameters: {
          FunctionName: 'notify',
          Payload: { 'requestId.$': '$.id', 'taskToken.$': '$$.Task.Token' },
        },
        ResultPath: '$.decision',
        ...extra,
        ...(catchers ? { Catch: catchers } : {}),
        Next: 'Decided',
      },
      Decided: {
        Type: 'Choice',
        Choices: [
          { Variable: '$.timeout', IsPresent: true, Next: 'Expired' },
          { Variable: '$.decision.approved', BooleanEquals: true, Next: 'Approved' },
        ],
        Default: 'Rejected',
      },
      Approved: { Type: 'Pass', Result: 'approved', ResultPath: '$.status', End: true },
      Rejected: { Type: 'Pass', Result: 'rejected', ResultPath: '$.status', End: true },
      Expired: { Type: 'Pass', Result: 'expired', ResultPath: '$.status', End: true },
    },
  };
}

async function setup(definition: unknown) {
  const clock = new ManualClock(START);
  const tokens: string[] = [];
  sfn = createStepFunctionsService({
    clock,
    lambdas: { notify: (event: { taskToken: string }) => void tokens.push(event.taskToken) },
  });
  const { url } = await sfn.listen();
  client = new SFNClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const { stateMachineArn } = sfn.createStateMachine({ name: 'decision', definition });
  return { clock, sfn, client, tokens, stateMachineArn };
}

describe('.waitForTaskToken', () => {
  it('pauses until SendTaskSuccess arrives through the real SFN client', async () => {
    const { sfn, client, tokens, stateMachineArn } = await setup(decisionDefinition());
    const { executionArn } = sfn.startExecution({ stateMachineArn, name: 'req-1', input: { id: 'req-1' } });
    await sfn.idle();
    expect(tokens).toHaveLength(1);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    expect(sfn.pendingTaskTokens(executionArn)).toEqual([
      expect.objectContaining({ taskToken: tokens[0], stateName: 'Wait for decision' }),
    ]);

    await client.send(
      new SendTaskSuccessCommand({ taskToken: tokens[0], output: JSON.stringify({ approved: true }) }),
    );
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toEqual({
      id: 'req-1',
      decision: { approved: true },
      status: 'approved',
    });

    // A closed task answers TaskTimedOut, as the real service does.
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: 'garbage', output: '{}' })),
    ).rejects.toBeInstanceOf(InvalidToken);

    const history = await client.send(new GetExecutionHistoryCommand({ executionArn }));
    const types = history.events?.map((e) => e.type) ?? [];
    expect(types.slice(0, 6)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
      'TaskSucceeded',
    ]);
    expect(history.events?.[0]?.timestamp).toEqual(new Date(START));
  });

  it('routes SendTaskFailure into Catch with the given error and cause', async () => {
    const { sfn, client, tokens, stateMachineArn } = await setup(
      decisionDefinition({}, [{ ErrorEquals: ['Rejected'], ResultPath: '$.failure', Next: 'Rejected' }]),
    );
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: { id: 'req-2' } });
    await sfn.idle();
    await client.send(
      new SendTaskFailureCommand({ taskToken: tokens[0], error: 'Rejected', cause: 'not today' }),
    );
    const done = await sfn.waitFor(executionArn);
    expect(JSON.parse(done.output ?? '{}')).toEqual({
      id: 'req-2',
      failure: { Error: 'Rejected', Cause: 'not today' },
      status: 'rejected',
    });
  });

  it('times out on the clock (TimeoutSeconds) and the late answer is TaskTimedOut', async () => {
    const { clock, sfn, client, tokens, stateMachineArn } = await setup(
      decisionDefinition({ TimeoutSeconds: 3 * 3600 }, [
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Decided' },
      ]),
    );
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: { id: 'req-3' } });
    await clock.advance(3 * 3600 * 1000 - 1);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clock.advance(1);
    const done = await sfn.waitFor(executionArn);
    const output = JSON.parse(done.output ?? '{}') as { status: string; timeout: { Error: string } };
    expect(output.status).toBe('expired');
    expect(output.timeout.Error).toBe('States.Timeout');
    await expect(
      client.send(new SendTaskSuccessCommand({ taskToken: tokens[0], output: '{"approved":true}' })),
    ).rejects.toBeInstanceOf(TaskTimedOut);
    const history = await sfn.getExecutionHistory({ executionArn });
    expect(history.events.map((e) => e.type)).toContain('TaskTimedOut');
  });

  it('fails with States.HeartbeatTimeout unless heartbeats keep coming', async () => {
    const { clock, sfn, client, tokens, stateMachineArn } = await setup(
      decisionDefinition({ HeartbeatSeconds: 60 }, [
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'Decided' },
      ]),
    );
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: { id: 'req-4' } });
    await clock.advance(50_000);
    await client.send(new SendTaskHeartbeatCommand({ taskToken: tokens[0] }));
    await clock.advance(50_000);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clock.advance(10_000);
    const done = await sfn.waitFor(executionArn);
    const output = JSON.parse(done.output ?? '{}') as { timeout: { Error: string } };
    expect(output.timeout.Error).toBe('States.HeartbeatTimeout');
  });

  it('does not let States.TaskFailed catch a timeout (the execution fails instead)', async () => {
    const { clock, sfn, stateMachineArn } = await setup(
      decisionDefinition({ TimeoutSeconds: 10 }, [
        { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Rejected' },
      ]),
    );
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: { id: 'req-5' } });
    await clock.advance(10_000);
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.Timeout');
    const history = await sfn.getExecutionHistory({ executionArn });
    expect(history.events.some((e) => JSON.stringify(e).includes('__local'))).toBe(false);
  });

  it('accepts an answer given while the Lambda is still running', async () => {
    const clock = new ManualClock(START);
    sfn = createStepFunctionsService({ clock });
    const service = sfn;
    service.registerLambda('auto-approve', (event: { taskToken: string }) => {
      service.sendTaskSuccess({ taskToken: event.taskToken, output: '{"approved":true}' });
      return 'queued';
    });
    const definition = decisionDefinition();
    definition.States['Wait for decision'].Parameters.FunctionName = 'auto-approve';
    const { stateMachineArn } = service.createStateMachine({ name: 'auto', definition });
    const done = await service.waitFor(
      service.startExecution({ stateMachineArn, input: { id: 'r' } }).executionArn,
    );
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({ status: 'approved' });
  });
  it("survives the library's real-time guard: a long wait is handed back and re-attached", async () => {
    const clock = new ManualClock(START);
    const tokens: string[] = [];
    sfn = createStepFunctionsService({
      clock,
      continueAfterMs: 20,
      lambdas: { notify: (event: { taskToken: string }) => void tokens.push(event.taskToken) },
    });
    const { stateMachineArn } = sfn.createStateMachine({ name: 'slow', definition: decisionDefinition() });
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: { id: 'slow' } });
    await sfn.idle();
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    expect(sfn.pendingTaskTokens(executionArn).map((t) => t.taskToken)).toEqual(tokens);
    sfn.sendTaskSuccess({ taskToken: tokens[0] ?? '', output: '{"approved":true}' });
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    const types = (await sfn.getExecutionHistory({ executionArn })).events.map((e) => e.type);
    expect(types.filter((t) => t === 'TaskScheduled')).toHaveLength(1);
    expect(types).not.toContain('TaskFailed');
    expect(tokens).toHaveLength(1);
  });
});
