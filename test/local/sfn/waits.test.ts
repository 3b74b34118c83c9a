import { afterEach, describe, expect, it } from 'vitest';
import { createStepFunctionsService, ManualClock, type StepFunctionsService } from '../../../local/sfn';

const START = Date.UTC(2030, 0, 1);
const DAY = 24 * 60 * 60 * 1000;

let sfn: StepFunctionsService | undefined;

afterEach(async () => {
  await sfn?.stop();
  sfn = undefined;
});

function setup() {
  const clock = new ManualClock(START);
  sfn = createStepFunctionsService({ clock });
  return { clock, sfn };
}

describe('Wait states on the controllable clock', () => {
  it('waits Seconds, then Timestamp, then routes through a Choice', async () => {
    const { clock, sfn } = setup();
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'waits',
      definition: {
        StartAt: 'Short',
        States: {
          Short: { Type: 'Wait', Seconds: 30, Next: 'Until' },
          Until: { Type: 'Wait', Timestamp: new Date(START + 3_600_000).toISOString(), Next: 'Route' },
          Route: {
            Type: 'Choice',
            Choices: [{ Variable: '$.kind', StringEquals: 'grant', Next: 'Granted' }],
            Default: 'Other',
          },
          Granted: { Type: 'Pass', Result: 'granted', ResultPath: '$.outcome', End: true },
          Other: { Type: 'Pass', Result: 'other', ResultPath: '$.outcome', End: true },
        },
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: { kind: 'grant' } });
    await clock.advance(29_000);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clock.advance(1_000);
    const afterShort = await sfn.getExecutionHistory({ executionArn });
    expect(afterShort.events.map((e) => e.type)).toContain('WaitStateExited');
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clock.advanceTo(START + 3_600_000);
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toEqual({ kind: 'grant', outcome: 'granted' });
    expect(done.stopDate?.getTime()).toBe(START + 3_600_000);

    const other = sfn.startExecution({ stateMachineArn, input: { kind: 'revoke' } });
    await clock.advance(30_000);
    expect(JSON.parse((await sfn.waitFor(other.executionArn)).output ?? '{}')).toEqual({
      kind: 'revoke',
      outcome: 'other',
    });
  });

  it('completes a 90-day SecondsPath wait by advancing the clock', async () => {
    const { clock, sfn } = setup();
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'long-wait',
      definition: {
        StartAt: 'Wait for end of access',
        States: {
          'Wait for end of access': { Type: 'Wait', SecondsPath: '$.duration', Next: 'Ended' },
          Ended: { Type: 'Pass', Parameters: { 'endedAt.$': '$$.State.EnteredTime' }, End: true },
        },
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: { duration: 90 * 24 * 3600 } });
    await sfn.idle();
    await clock.advance(89 * DAY);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clock.advance(DAY);
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}')).toEqual({ endedAt: new Date(START + 90 * DAY).toISOString() });
  });

  it('honours TimestampPath, and a timestamp in the past does not wait', async () => {
    const { clock, sfn } = setup();
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'start-time',
      definition: {
        StartAt: 'Wait for start',
        States: { 'Wait for start': { Type: 'Wait', TimestampPath: '$.startTime', End: true } },
      },
    });
    const past = sfn.startExecution({ stateMachineArn, input: { startTime: '2029-12-31T00:00:00Z' } });
    expect((await sfn.waitFor(past.executionArn)).status).toBe('SUCCEEDED');

    const future = sfn.startExecution({ stateMachineArn, input: { startTime: '2030-01-02T08:00:00+02:00' } });
    await clock.advance(DAY + 5 * 3_600_000);
    expect(sfn.describeExecution(future.executionArn).status).toBe('RUNNING');
    await clock.advance(3_600_000);
    expect((await sfn.waitFor(future.executionArn)).status).toBe('SUCCEEDED');
  });

  it('takes $$.Execution.StartTime and $$.State.EnteredTime from the clock', async () => {
    const { clock, sfn } = setup();
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'context',
      definition: {
        StartAt: 'Pause',
        States: {
          Pause: { Type: 'Wait', Seconds: 3600, Next: 'Stamp' },
          Stamp: {
            Type: 'Pass',
            Parameters: {
              'started.$': '$$.Execution.StartTime',
              'entered.$': '$$.State.EnteredTime',
              'state.$': '$$.State.Name',
              'execution.$': '$$.Execution.Name',
              'machine.$': '$$.StateMachine.Name',
              'label.$': "States.Format('{}/{}', $$.StateMachine.Name, $$.Execution.Name)",
            },
            End: true,
          },
        },
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn, name: 'req-1' });
    await clock.advance(3_600_000);
    const out = JSON.parse((await sfn.waitFor(executionArn)).output ?? '{}') as Record<string, string>;
    expect(out).toEqual({
      started: new Date(START).toISOString(),
      entered: new Date(START + 3_600_000).toISOString(),
      state: 'Stamp',
      execution: 'req-1',
      machine: 'context',
      label: 'context/req-1',
    });
    const history = await sfn.getExecutionHistory({ executionArn });
    expect(history.events.at(-1)?.timestamp.getTime()).toBe(START + 3_600_000);
  });

  it('fails with States.Runtime when SecondsPath does not hold a non-negative integer', async () => {
    const { sfn } = setup();
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'bad-wait',
      definition: { StartAt: 'W', States: { W: { Type: 'Wait', SecondsPath: '$.s', End: true } } },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: { s: 'soon' } });
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.Runtime');
  });

  it('times the whole execution out on the clock (TimeoutSeconds at the top level)', async () => {
    const { clock, sfn } = setup();
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'bounded',
      definition: {
        TimeoutSeconds: 60,
        StartAt: 'W',
        States: { W: { Type: 'Wait', Seconds: 3600, End: true } },
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn });
    await clock.advance(60_000);
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('TIMED_OUT');
    expect(done.error).toBe('States.Timeout');
    expect(clock.pendingTimers()).toBe(0);
  });
});
