import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidName,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterEach, describe, expect, it } from 'vitest';
import { createStepFunctionsService, ManualClock, type StepFunctionsService } from '../../../local/sfn';

const START = Date.UTC(2030, 0, 1);
const HOUR = 3_600_000;

let sfn: StepFunctionsService | undefined;
let client: SFNClient | undefined;

afterEach(async () => {
  client?.destroy();
  client = undefined;
  await sfn?.stop();
  sfn = undefined;
});

async function setup() {
  const clock = new ManualClock(START);
  sfn = createStepFunctionsService({ clock });
  const { url } = await sfn.listen();
  client = new SFNClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { clock, sfn, client };
}

const childDefinition = {
  StartAt: 'Hold',
  States: {
    Hold: { Type: 'Wait', SecondsPath: '$.holdSeconds', Next: 'Check' },
    Check: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.fail', IsPresent: true },
            { Variable: '$.fail', BooleanEquals: true },
          ],
          Next: 'Boom',
        },
      ],
      Default: 'Done',
    },
    Boom: { Type: 'Fail', Error: 'ChildFailed', Cause: 'asked to fail' },
    Done: { Type: 'Pass', Parameters: { 'echo.$': '$.value' }, End: true },
  },
};

function parentDefinition(childArn: string) {
  return {
    StartAt: 'Run child (.sync)',
    States: {
      'Run child (.sync)': {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync',
        Parameters: { StateMachineArn: childArn, Input: { holdSeconds: 60, 'value.$': '$.value' } },
        ResultPath: '$.sync',
        Next: 'Run child (.sync:2)',
      },
      'Run child (.sync:2)': {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution.sync:2',
        Parameters: {
          StateMachineArn: childArn,
          'Name.$': "States.Format('{}-second', $$.Execution.Name)",
          Input: { holdSeconds: 60, 'value.$': '$.value', AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: 'x' },
        },
        ResultPath: '$.sync2',
        Next: 'Fire and forget',
      },
      'Fire and forget': {
        Type: 'Task',
        Resource: 'arn:aws:states:::states:startExecution',
        Parameters: { StateMachineArn: childArn, Input: { holdSeconds: 86_400, value: 'later' } },
        ResultPath: '$.started',
        End: true,
      },
    },
  };
}

describe('nested executions', () => {
  it('waits for .sync / .sync:2 children and returns their output like the real service', async () => {
    const { clock, sfn } = await setup();
    const child = sfn.createStateMachine({ name: 'child', definition: childDefinition });
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'parent',
      definition: parentDefinition(child.stateMachineArn),
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn, name: 'p1', input: { value: 42 } });

    await clock.advance(60_000);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clock.advance(60_000);
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output ?? '{}') as {
      sync: Record<string, unknown>;
      sync2: Record<string, unknown>;
      started: { ExecutionArn: string; StartDate: number };
    };
    expect(output.sync).toMatchObject({
      Status: 'SUCCEEDED',
      Output: '{"echo":42}',
      StateMachineArn: child.stateMachineArn,
      StartDate: START,
      StopDate: START + 60_000,
    });
    expect(typeof output.sync['Input']).toBe('string');
    expect(output.sync2).toMatchObject({
      Status: 'SUCCEEDED',
      Output: { echo: 42 },
      Name: 'p1-second',
      Input: { holdSeconds: 60, value: 42, AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID: 'x' },
    });
    expect(output.started.StartDate).toBe(START + 120_000);

    // The fire-and-forget child keeps running after its parent ended.
    const later = sfn.describeExecution(output.started.ExecutionArn);
    expect(later.status).toBe('RUNNING');
    await clock.advance(86_400_000);
    expect((await sfn.waitFor(later.executionArn)).status).toBe('SUCCEEDED');
    expect(sfn.listExecutions({ stateMachineArn: child.stateMachineArn }).executions).toHaveLength(3);
  });

  it('fails the parent task with States.TaskFailed when a .sync child fails', async () => {
    const { sfn } = await setup();
    const child = sfn.createStateMachine({ name: 'child', definition: childDefinition });
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'parent',
      definition: {
        StartAt: 'Run',
        States: {
          Run: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync:2',
            Parameters: { StateMachineArn: child.stateMachineArn, Input: { holdSeconds: 0, fail: true } },
            Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Handled' }],
            End: true,
          },
          Handled: { Type: 'Pass', End: true },
        },
      },
    });
    const done = await sfn.waitFor(sfn.startExecution({ stateMachineArn }).executionArn);
    const output = JSON.parse(done.output ?? '{}') as { failure: { Error: string; Cause: string } };
    expect(output.failure.Error).toBe('States.TaskFailed');
    expect(JSON.parse(output.failure.Cause)).toMatchObject({
      Status: 'FAILED',
      Error: 'ChildFailed',
      Cause: 'asked to fail',
    });
  });
});

describe('execution registry', () => {
  const waitingDefinition = {
    StartAt: 'Wait for end',
    States: { 'Wait for end': { Type: 'Wait', Seconds: 3600, End: true } },
  };

  it('treats duplicate names like the real service (idempotent only while running with the same input)', async () => {
    const { clock, sfn, client } = await setup();
    const { stateMachineArn } = sfn.createStateMachine({ name: 'workflow', definition: waitingDefinition });
    const first = await client.send(
      new StartExecutionCommand({ stateMachineArn, name: 'req-7', input: '{"a":1}' }),
    );
    const again = await client.send(
      new StartExecutionCommand({ stateMachineArn, name: 'req-7', input: '{"a":1}' }),
    );
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'req-7', input: '{"a":2}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    await clock.advance(HOUR);
    await sfn.waitFor(first.executionArn ?? '');
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'req-7', input: '{"a":1}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    expect(sfn.listExecutions({ stateMachineArn }).executions).toHaveLength(1);
  });

  it('stops an execution: ABORTED, its waits end, its timers are gone, its .sync child stops too', async () => {
    const { clock, sfn, client } = await setup();
    const child = sfn.createStateMachine({ name: 'child', definition: waitingDefinition });
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'parent',
      definition: {
        StartAt: 'Run',
        States: {
          Run: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync',
            Parameters: { StateMachineArn: child.stateMachineArn },
            End: true,
          },
        },
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn, name: 'to-stop' });
    await sfn.idle();
    expect(clock.pendingTimers()).toBe(1);
    const stopped = await client.send(
      new StopExecutionCommand({ executionArn, error: 'Revoked', cause: 'revoked by approver' }),
    );
    expect(stopped.stopDate).toEqual(new Date(START));
    const described = await client.send(new DescribeExecutionCommand({ executionArn }));
    expect(described).toMatchObject({ status: 'ABORTED', error: 'Revoked', cause: 'revoked by approver' });
    const [childExecution] = sfn.listExecutions({ stateMachineArn: child.stateMachineArn }).executions;
    expect(childExecution?.status).toBe('ABORTED');
    await sfn.idle();
    expect(clock.pendingTimers()).toBe(0);
    await clock.advance(2 * HOUR);
    expect(sfn.describeExecution(executionArn).status).toBe('ABORTED');
    const history = await sfn.getExecutionHistory({ executionArn, reverseOrder: true });
    expect(history.events[0]?.type).toBe('ExecutionAborted');
  });

  it('lists executions newest first, filters by status and pages', async () => {
    const { clock, sfn, client } = await setup();
    const { stateMachineArn } = sfn.createStateMachine({ name: 'workflow', definition: waitingDefinition });
    for (let i = 0; i < 5; i++) {
      sfn.startExecution({ stateMachineArn, name: `e${i}` });
      await clock.advance(HOUR / 2);
    }
    const running = await client.send(
      new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }),
    );
    expect(running.executions?.map((e) => e.name)).toEqual(['e4']);
    const page1 = await client.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 2 }));
    expect(page1.executions?.map((e) => e.name)).toEqual(['e4', 'e3']);
    const page2 = await client.send(
      new ListExecutionsCommand({ stateMachineArn, maxResults: 2, nextToken: page1.nextToken }),
    );
    expect(page2.executions?.map((e) => e.name)).toEqual(['e2', 'e1']);
    expect(page2.executions?.[0]?.stopDate).toEqual(new Date(START + 2 * (HOUR / 2) + HOUR));
  });

  it('answers with the real error names', async () => {
    const { sfn, client } = await setup();
    const { stateMachineArn } = sfn.createStateMachine({ name: 'workflow', definition: waitingDefinition });
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: `${stateMachineArn}-missing` })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'has space' })),
    ).rejects.toBeInstanceOf(InvalidName);
    await expect(
      client.send(
        new DescribeExecutionCommand({
          executionArn: 'arn:aws:states:us-east-1:123456789012:execution:workflow:nope',
        }),
      ),
    ).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn, input: 'not json' })),
    ).rejects.toMatchObject({
      name: 'InvalidExecutionInput',
    });
  });

  it('counts state transitions and task invocations, and idles while waiting', async () => {
    let invocations = 0;
    const clock = new ManualClock(START);
    sfn = createStepFunctionsService({ clock, lambdas: { status: () => ++invocations } });
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'loop',
      definition: {
        StartAt: 'Bump',
        States: {
          Bump: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:status',
            ResultPath: '$.n',
            Next: 'Enough?',
          },
          'Enough?': {
            Type: 'Choice',
            Choices: [{ Variable: '$.n', NumericGreaterThanEquals: 3, Next: 'Done' }],
            Default: 'Pause',
          },
          Pause: { Type: 'Wait', Seconds: 60, Next: 'Bump' },
          Done: { Type: 'Succeed' },
        },
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn });
    await sfn.idle();
    expect(invocations).toBe(1);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clock.runUntilIdle();
    expect((await sfn.waitFor(executionArn)).status).toBe('SUCCEEDED');
    expect(sfn.executionCounters(executionArn)).toEqual({
      statesEntered: 9,
      retries: 0,
      stateTransitions: 9,
      taskInvocations: { 'arn:aws:lambda:us-east-1:123456789012:function:status': 3 },
      lambdaInvocations: { status: 3 },
    });
    const history = await sfn.getExecutionHistory({ executionArn });
    expect(history.events.filter((e) => e.type.endsWith('StateEntered'))).toHaveLength(9);
    expect(sfn.stats().executions.SUCCEEDED).toBe(1);
  });
});

describe('Parallel and Map', () => {
  it('runs branch and iteration tasks and waits on the clock', async () => {
    const clock = new ManualClock(START);
    sfn = createStepFunctionsService({ clock, lambdas: { double: (n: number) => n * 2 } });
    const double = 'arn:aws:lambda:us-east-1:123456789012:function:double';
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'fan-out',
      definition: {
        StartAt: 'Both',
        States: {
          Both: {
            Type: 'Parallel',
            Branches: [
              {
                StartAt: 'Now',
                States: { Now: { Type: 'Task', Resource: double, InputPath: '$.n', End: true } },
              },
              {
                StartAt: 'Later',
                States: {
                  Later: { Type: 'Wait', Seconds: 10, Next: 'Tag' },
                  Tag: { Type: 'Pass', Result: 'later', End: true },
                },
              },
            ],
            ResultPath: '$.both',
            Next: 'Each',
          },
          Each: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: {
              StartAt: 'Pause',
              States: {
                Pause: { Type: 'Wait', Seconds: 5, Next: 'Double' },
                Double: { Type: 'Task', Resource: double, End: true },
              },
            },
            ResultPath: '$.doubled',
            End: true,
          },
        },
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: { n: 21, items: [1, 2, 3] } });
    await clock.advance(10_000);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clock.advance(5_000);
    const done = await sfn.waitFor(executionArn);
    expect(JSON.parse(done.output ?? '{}')).toEqual({
      n: 21,
      items: [1, 2, 3],
      both: [42, 'later'],
      doubled: [2, 4, 6],
    });
    expect(done.stopDate).toEqual(new Date(START + 15_000));
    expect(sfn.executionCounters(executionArn).lambdaInvocations).toEqual({ double: 4 });
  });
});

describe('definitions', () => {
  it('rejects JSONata, unsupported resources and invalid ASL with InvalidDefinition', async () => {
    const { sfn } = await setup();
    const attempts = [
      { QueryLanguage: 'JSONata', StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      { StartAt: 'P', States: { P: { Type: 'Pass', Assign: { x: 1 }, End: true } } },
      {
        StartAt: 'T',
        States: { T: { Type: 'Task', Resource: 'arn:aws:states:::glue:startJobRun', End: true } },
      },
      { StartAt: 'Missing', States: { P: { Type: 'Pass', End: true } } },
    ];
    for (const [i, definition] of attempts.entries()) {
      expect(() => sfn.createStateMachine({ name: `bad-${i}`, definition })).toThrow(
        expect.objectContaining({ name: 'InvalidDefinition' }),
      );
    }
  });

  it('applies definition substitutions', async () => {
    const { sfn } = await setup();
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'subs',
      definition: '{"StartAt":"P","States":{"P":{"Type":"Pass","Result":"${greeting}","End":true}}}',
      definitionSubstitutions: { greeting: 'hello' },
    });
    const done = await sfn.waitFor(sfn.startExecution({ stateMachineArn }).executionArn);
    expect(done.output).toBe('"hello"');
  });
});
