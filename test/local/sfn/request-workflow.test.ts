import {
  ExecutionAlreadyExists,
  SendTaskSuccessCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStepFunctionsService, ManualClock, type StepFunctionsService } from '../../../local/sfn';
import { startFakeSsoAdmin, type FakeSsoAdmin } from './fakes';

/**
 * One TEAM-like request workflow exercising everything together: a decision by task token
 * (resumed through the real SFN client), Choice, Wait until the start timestamp, a grant through
 * the real sso-admin client that is throttled twice, a Wait in seconds, a fire-and-forget
 * notification execution, a 90-day Wait and a `.sync` revoke execution.
 */

const START = Date.UTC(2030, 0, 1);
const DAY = 24 * 60 * 60 * 1000;

const requestWorkflow = (notifierArn: string, revokeArn: string) => ({
  StartAt: 'Wait for decision',
  States: {
    'Wait for decision': {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: 'notify', Payload: { 'id.$': '$.id', 'taskToken.$': '$$.Task.Token' } },
      TimeoutSeconds: 3 * 3600,
      ResultPath: '$.decision',
      Catch: [{ ErrorEquals: ['States.Timeout'], ResultPath: null, Next: 'Expired' }],
      Next: 'Approved?',
    },
    'Approved?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.decision.status', StringEquals: 'approved', Next: 'Wait for start' }],
      Default: 'Rejected',
    },
    'Wait for start': { Type: 'Wait', TimestampPath: '$.startTime', Next: 'Grant' },
    Grant: {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:ssoadmin:createAccountAssignment',
      Parameters: {
        InstanceArn: 'arn:aws:sso:::instance/ssoins-1',
        'PermissionSetArn.$': '$.roleId',
        PrincipalType: 'USER',
        'PrincipalId.$': '$.userId',
        TargetType: 'AWS_ACCOUNT',
        'TargetId.$': '$.accountId',
      },
      ResultSelector: { 'requestId.$': '$.AccountAssignmentCreationStatus.RequestId' },
      ResultPath: '$.grant',
      Retry: [
        { ErrorEquals: ['SsoAdmin.ThrottlingException'], IntervalSeconds: 3, BackoffRate: 2, MaxAttempts: 5 },
      ],
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.statusError', Next: 'Grant failed' }],
      Next: 'Let it settle',
    },
    'Let it settle': { Type: 'Wait', Seconds: 5, Next: 'Notify started' },
    'Notify started': {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution',
      Parameters: { StateMachineArn: notifierArn, Input: { 'id.$': '$.id', event: 'started' } },
      ResultPath: null,
      Next: 'Wait for end',
    },
    'Wait for end': { Type: 'Wait', SecondsPath: '$.durationSeconds', Next: 'Revoke' },
    Revoke: {
      Type: 'Task',
      Resource: 'arn:aws:states:::states:startExecution.sync:2',
      Parameters: { StateMachineArn: revokeArn, Input: { 'id.$': '$.id' } },
      ResultSelector: { 'status.$': '$.Output.status' },
      ResultPath: '$.revoke',
      Next: 'Ended',
    },
    Ended: { Type: 'Succeed' },
    Expired: { Type: 'Pass', Result: 'expired', ResultPath: '$.status', End: true },
    Rejected: { Type: 'Pass', Result: 'rejected', ResultPath: '$.status', End: true },
    'Grant failed': { Type: 'Fail', Error: 'GrantFailed' },
  },
});

let ssoAdmin: FakeSsoAdmin;
let sfn: StepFunctionsService;
let client: SFNClient;
let clock: ManualClock;
let stateMachineArn: string;
let notifierArn: string;
const tokens = new Map<string, string>();

beforeAll(async () => {
  ssoAdmin = await startFakeSsoAdmin();
  clock = new ManualClock(START);
  sfn = createStepFunctionsService({
    clock,
    lambdas: {
      notify: (event: { id: string; taskToken: string }) => void tokens.set(event.id, event.taskToken),
    },
    aws: { endpoints: { ssoadmin: ssoAdmin.url } },
  });
  const { url } = await sfn.listen();
  client = new SFNClient({
    endpoint: url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
  });
  notifierArn = sfn.createStateMachine({
    name: 'notifier',
    definition: { StartAt: 'Sent', States: { Sent: { Type: 'Pass', End: true } } },
  }).stateMachineArn;
  const revokeArn = sfn.createStateMachine({
    name: 'revoke',
    definition: {
      StartAt: 'Done',
      States: { Done: { Type: 'Pass', Result: { status: 'ended' }, End: true } },
    },
  }).stateMachineArn;
  stateMachineArn = sfn.createStateMachine({
    name: 'request-workflow',
    definition: requestWorkflow(notifierArn, revokeArn),
  }).stateMachineArn;
});

afterAll(async () => {
  client.destroy();
  await sfn.stop();
  await ssoAdmin.stop();
});

const request = (id: string) => ({
  id,
  roleId: 'arn:aws:sso:::permissionSet/ssoins-1/ps-admin',
  userId: 'user-1',
  accountId: '111111111111',
  startTime: new Date(START + DAY).toISOString(),
  durationSeconds: 90 * 24 * 3600,
});

describe('a request workflow on the local runner', () => {
  it('runs approval → scheduled start → throttled grant → 90 days of access → revoke', async () => {
    const input = JSON.stringify(request('req-42'));
    const started = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'req-42', input }));
    const executionArn = started.executionArn ?? '';
    // The router retries after a timeout: same name and input is the same execution.
    const retried = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'req-42', input }));
    expect(retried.executionArn).toBe(executionArn);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn, name: 'req-42', input: '{"id":"other"}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);

    await sfn.idle();
    const token = tokens.get('req-42');
    expect(token).toBeDefined();
    await clock.advance(3_600_000);
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"status":"approved"}' }));
    await sfn.idle();
    expect(ssoAdmin.calls).toHaveLength(0);

    ssoAdmin.throttleNext = 2;
    await clock.advanceTo(START + DAY);
    expect(ssoAdmin.calls).toEqual(['CreateAccountAssignment']);
    await clock.advance(3_000 + 6_000 + 5_000);
    expect(ssoAdmin.calls).toHaveLength(3);
    const notifications = sfn.listExecutions({ stateMachineArn: notifierArn }).executions;
    expect(notifications).toHaveLength(1);
    expect(notifications[0]?.startDate).toEqual(new Date(START + DAY + 14_000));

    await clock.advance(90 * DAY - 1);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    await clock.advance(1);
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.stopDate).toEqual(new Date(START + 91 * DAY + 14_000));
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({
      decision: { status: 'approved' },
      grant: { requestId: expect.stringMatching(/^req-/) as unknown },
      revoke: { status: 'ended' },
    });
    const counters = sfn.executionCounters(executionArn);
    expect(counters.retries).toBe(2);
    expect(counters.statesEntered).toBe(9);
    expect(counters.taskInvocations).toEqual({
      'arn:aws:states:::lambda:invoke.waitForTaskToken': 1,
      'arn:aws:states:::aws-sdk:ssoadmin:createAccountAssignment': 3,
      'arn:aws:states:::states:startExecution': 1,
      'arn:aws:states:::states:startExecution.sync:2': 1,
    });
  });

  it('expires when nobody decides before the task-token timeout', async () => {
    const { executionArn } = sfn.startExecution({
      stateMachineArn,
      name: 'req-43',
      input: request('req-43'),
    });
    await clock.advance(3 * 3600 * 1000);
    const done = await sfn.waitFor(executionArn);
    expect(JSON.parse(done.output ?? '{}')).toMatchObject({ status: 'expired' });
  });

  it('stops cleanly while waiting for the end of access', async () => {
    const { executionArn } = sfn.startExecution({
      stateMachineArn,
      name: 'req-44',
      input: request('req-44'),
    });
    await sfn.idle();
    sfn.sendTaskSuccess({ taskToken: tokens.get('req-44') ?? '', output: '{"status":"approved"}' });
    await clock.advance(DAY + 60_000);
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    const timersBefore = clock.pendingTimers();
    sfn.stopExecution({ executionArn, cause: 'revoked early' });
    await sfn.idle();
    expect(sfn.describeExecution(executionArn)).toMatchObject({ status: 'ABORTED', cause: 'revoked early' });
    expect(clock.pendingTimers()).toBe(timersBefore - 1);
  });
});
