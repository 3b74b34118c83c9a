import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createStepFunctionsService,
  ManualClock,
  type LambdaHandler,
  type StepFunctionsService,
} from '../../../local/sfn';
import { startFakeDynamoDb, startFakeSsoAdmin, type FakeDynamoDb, type FakeSsoAdmin } from './fakes';

const START = Date.UTC(2030, 0, 1);
const SSO_RETRY = [
  {
    ErrorEquals: ['SsoAdmin.ConflictException', 'SsoAdmin.ThrottlingException', 'ThrottlingException'],
    IntervalSeconds: 3,
    BackoffRate: 2,
    MaxAttempts: 5,
  },
];

let ssoAdmin: FakeSsoAdmin;
let dynamo: FakeDynamoDb;
let sfn: StepFunctionsService | undefined;

beforeAll(async () => {
  ssoAdmin = await startFakeSsoAdmin();
  dynamo = await startFakeDynamoDb();
});

afterAll(async () => {
  await ssoAdmin.stop();
  await dynamo.stop();
});

afterEach(async () => {
  await sfn?.stop();
  sfn = undefined;
});

function setup(lambdas: Record<string, LambdaHandler> = {}) {
  const clock = new ManualClock(START);
  sfn = createStepFunctionsService({
    clock,
    lambdas,
    aws: { endpoints: { ssoadmin: ssoAdmin.url, dynamodb: dynamo.url } },
  });
  return { clock, sfn };
}

/** A Grant-like machine: create the assignment with Retry, catch everything else into $.statusError. */
const grantDefinition = {
  StartAt: 'Grant Permission',
  States: {
    'Grant Permission': {
      Type: 'Task',
      Resource: 'arn:aws:states:::aws-sdk:ssoadmin:createAccountAssignment',
      Parameters: {
        'InstanceArn.$': '$.instanceARN',
        'PermissionSetArn.$': '$.roleId',
        PrincipalType: 'USER',
        'PrincipalId.$': '$.userId',
        TargetType: 'AWS_ACCOUNT',
        'TargetId.$': '$.accountId',
      },
      ResultPath: '$.grant',
      Retry: SSO_RETRY,
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.statusError', Next: 'Grant Error?' }],
      Next: 'Grant Error?',
    },
    'Grant Error?': {
      Type: 'Choice',
      Choices: [{ Variable: '$.statusError', IsPresent: true, Next: 'Failed' }],
      Default: 'Granted',
    },
    Failed: { Type: 'Pass', Result: 'error', ResultPath: '$.status', End: true },
    Granted: { Type: 'Pass', Result: 'in progress', ResultPath: '$.status', End: true },
  },
};

const grantInput = {
  instanceARN: 'arn:aws:sso:::instance/ssoins-1',
  roleId: 'arn:aws:sso:::permissionSet/ssoins-1/ps-1',
  userId: 'user-1',
  accountId: '111111111111',
};

describe('aws-sdk integration through the real SDK client', () => {
  it('retries SsoAdmin.ThrottlingException on the clock (throttled twice, then succeeds)', async () => {
    const { clock, sfn } = setup();
    ssoAdmin.throttleNext = 2;
    ssoAdmin.calls.length = 0;
    const { stateMachineArn } = sfn.createStateMachine({ name: 'grant', definition: grantDefinition });
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: grantInput });

    await sfn.idle();
    expect(ssoAdmin.calls).toEqual(['CreateAccountAssignment']);
    await clock.advance(2_999);
    expect(ssoAdmin.calls).toHaveLength(1);
    await clock.advance(1);
    expect(ssoAdmin.calls).toHaveLength(2);
    await clock.advance(6_000); // second back-off: 3 s × 2
    const done = await sfn.waitFor(executionArn);

    expect(ssoAdmin.calls).toHaveLength(3);
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output ?? '{}') as Record<string, unknown>;
    expect(output['status']).toBe('in progress');
    expect(output['grant']).toMatchObject({
      AccountAssignmentCreationStatus: {
        Status: 'IN_PROGRESS',
        TargetId: '111111111111',
        PrincipalId: 'user-1',
      },
    });
    expect(output['grant']).not.toHaveProperty('$metadata');

    const counters = sfn.executionCounters(executionArn);
    expect(counters.retries).toBe(2);
    expect(counters.taskInvocations['arn:aws:states:::aws-sdk:ssoadmin:createAccountAssignment']).toBe(3);
    expect(counters.stateTransitions).toBe(counters.statesEntered + 2);
    const history = await sfn.getExecutionHistory({ executionArn });
    const failures = history.events.filter((e) => e.type === 'TaskFailed');
    expect(failures).toHaveLength(2);
    expect(failures[0]?.taskFailedEventDetails).toMatchObject({
      error: 'SsoAdmin.ThrottlingException',
      resourceType: 'aws-sdk:ssoadmin',
      resource: 'createAccountAssignment',
    });
    expect(String(failures[0]?.taskFailedEventDetails?.['cause'])).toContain('Rate exceeded');
  });

  it('catches the error once the retries are exhausted, with the real error name', async () => {
    const { clock, sfn } = setup();
    ssoAdmin.conflictTargets.add('222222222222');
    const { stateMachineArn } = sfn.createStateMachine({ name: 'grant', definition: grantDefinition });
    const { executionArn } = sfn.startExecution({
      stateMachineArn,
      input: { ...grantInput, accountId: '222222222222' },
    });
    await clock.runUntilIdle();
    const done = await sfn.waitFor(executionArn);
    ssoAdmin.conflictTargets.clear();
    const output = JSON.parse(done.output ?? '{}') as {
      status: string;
      statusError: { Error: string; Cause: string };
    };
    expect(done.status).toBe('SUCCEEDED');
    expect(output.status).toBe('error');
    expect(output.statusError.Error).toBe('SsoAdmin.ConflictException');
    expect(output.statusError.Cause).toContain('An operation is in progress');
    expect(sfn.executionCounters(executionArn).retries).toBe(5);
  });

  it('names transport failures <Service>.SdkClientException and needs a configured endpoint', async () => {
    const clock = new ManualClock(START);
    sfn = createStepFunctionsService({ clock });
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'no-endpoint',
      definition: {
        StartAt: 'Describe',
        States: {
          Describe: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:organizations:describeAccount',
            Parameters: { AccountId: '111111111111' },
            End: true,
          },
        },
      },
    });
    const done = await sfn.waitFor(sfn.startExecution({ stateMachineArn }).executionArn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('Organizations.SdkClientException');
  });

  it('reaches this same service for aws-sdk:sfn when no sfn endpoint is configured', async () => {
    const { sfn } = setup();
    const child = sfn.createStateMachine({
      name: 'child',
      definition: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
    });
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'parent',
      definition: {
        StartAt: 'Start',
        States: {
          Start: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:sfn:startExecution',
            Parameters: { StateMachineArn: child.stateMachineArn, Name: 'only-once', Input: '{"n":1}' },
            Next: 'Again',
          },
          Again: {
            Type: 'Task',
            Resource: 'arn:aws:states:::aws-sdk:sfn:startExecution',
            Parameters: { StateMachineArn: child.stateMachineArn, Name: 'only-once', Input: '{"n":2}' },
            Catch: [
              { ErrorEquals: ['Sfn.ExecutionAlreadyExistsException'], ResultPath: '$.dup', Next: 'Done' },
            ],
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
    });
    const done = await sfn.waitFor(sfn.startExecution({ stateMachineArn }).executionArn);
    const output = JSON.parse(done.output ?? '{}') as {
      ExecutionArn: string;
      StartDate: string;
      dup: { Error: string };
    };
    expect(output.ExecutionArn).toMatch(/:execution:child:only-once$/);
    expect(output.StartDate).toBe(new Date(START).toISOString());
    expect(output.dup.Error).toBe('Sfn.ExecutionAlreadyExistsException');
  });
});

describe('Lambda integrations (in-process handlers)', () => {
  class ApprovalMissing extends Error {
    override name = 'ApprovalMissing';
  }

  it('shapes lambda:invoke like the real integration and names errors by error.name', async () => {
    let calls = 0;
    const { clock, sfn } = setup({
      flaky: () => {
        calls++;
        if (calls === 1) throw Object.assign(new Error('Rate exceeded'), { name: 'Lambda.ServiceException' });
        return { ok: true, at: new Date(START) };
      },
      strict: () => {
        throw new ApprovalMissing('nobody approved');
      },
    });
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'lambdas',
      definition: {
        StartAt: 'Flaky',
        States: {
          Flaky: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: {
              FunctionName: 'arn:aws:lambda:us-east-1:123456789012:function:flaky:$LATEST',
              'Payload.$': '$',
            },
            Retry: [
              {
                ErrorEquals: ['Lambda.ServiceException'],
                IntervalSeconds: 2,
                MaxAttempts: 6,
                BackoffRate: 2,
              },
            ],
            ResultPath: '$.flaky',
            Next: 'Strict',
          },
          Strict: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:strict',
            Catch: [{ ErrorEquals: ['ApprovalMissing'], ResultPath: '$.error', Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: { id: 'r1' } });
    await clock.advance(2_000);
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output ?? '{}') as {
      flaky: { Payload: unknown; StatusCode: number; ExecutedVersion: string; SdkResponseMetadata: unknown };
      error: { Error: string; Cause: string };
    };
    expect(output.flaky.StatusCode).toBe(200);
    expect(output.flaky.ExecutedVersion).toBe('$LATEST');
    expect(output.flaky.Payload).toEqual({ ok: true, at: new Date(START).toISOString() });
    expect(output.flaky.SdkResponseMetadata).toHaveProperty('RequestId');
    expect(output.error).toEqual({ Error: 'ApprovalMissing', Cause: 'nobody approved' });
    const counters = sfn.executionCounters(executionArn);
    expect(counters.lambdaInvocations).toEqual({ flaky: 2, strict: 1 });
    const history = await sfn.getExecutionHistory({ executionArn });
    expect(history.events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionFailed']),
    );
  });

  it('neither retries nor catches States.Runtime (a bad TimeoutSecondsPath value)', async () => {
    const { sfn } = setup({ noop: () => null });
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'runtime-error',
      definition: {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:noop',
            TimeoutSecondsPath: '$.timeout',
            Retry: [{ ErrorEquals: ['States.ALL'] }],
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
            End: true,
          },
          Caught: { Type: 'Pass', End: true },
        },
      },
    });
    const { executionArn } = sfn.startExecution({ stateMachineArn, input: { timeout: 'soon' } });
    const done = await sfn.waitFor(executionArn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.Runtime');
    expect(sfn.executionCounters(executionArn).retries).toBe(0);
  });

  it('fails with Lambda.ResourceNotFoundException for an unknown function', async () => {
    const { sfn } = setup();
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'missing',
      definition: {
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'nope', Payload: {} },
            End: true,
          },
        },
      },
    });
    const done = await sfn.waitFor(sfn.startExecution({ stateMachineArn }).executionArn);
    expect(done.error).toBe('Lambda.ResourceNotFoundException');
  });
});

describe('DynamoDB optimized integration', () => {
  it('reads, writes conditionally and names failures DynamoDB.<Exception>', async () => {
    const { sfn } = setup();
    const { stateMachineArn } = sfn.createStateMachine({
      name: 'ddb',
      definition: {
        StartAt: 'Put',
        States: {
          Put: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:putItem',
            Parameters: {
              TableName: 'requests',
              Item: { id: { 'S.$': '$.id' }, status: { S: 'pending' } },
              ConditionExpression: 'attribute_not_exists(id)',
            },
            ResultPath: null,
            Next: 'Approve',
          },
          Approve: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:updateItem',
            Parameters: {
              TableName: 'requests',
              Key: { id: { 'S.$': '$.id' } },
              UpdateExpression: 'SET #s = :approved',
              ConditionExpression: '#s = :pending',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':approved': { S: 'approved' }, ':pending': { S: 'pending' } },
            },
            ResultPath: null,
            Next: 'Get',
          },
          Get: {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:getItem',
            Parameters: { TableName: 'requests', Key: { id: { 'S.$': '$.id' } } },
            ResultPath: '$.result',
            Next: 'Approve again',
          },
          'Approve again': {
            Type: 'Task',
            Resource: 'arn:aws:states:::dynamodb:updateItem',
            Parameters: {
              TableName: 'requests',
              Key: { id: { 'S.$': '$.id' } },
              UpdateExpression: 'SET #s = :approved',
              ConditionExpression: '#s = :pending',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':approved': { S: 'approved' }, ':pending': { S: 'pending' } },
            },
            Catch: [
              {
                ErrorEquals: ['DynamoDB.ConditionalCheckFailedException'],
                ResultPath: '$.conflict',
                Next: 'Done',
              },
            ],
            Next: 'Done',
          },
          Done: { Type: 'Succeed' },
        },
      },
    });
    const done = await sfn.waitFor(
      sfn.startExecution({ stateMachineArn, input: { id: 'req-9' } }).executionArn,
    );
    expect(done.status).toBe('SUCCEEDED');
    const output = JSON.parse(done.output ?? '{}') as {
      result: { Item: Record<string, unknown>; SdkHttpMetadata: { HttpStatusCode: number } };
      conflict: { Error: string };
    };
    expect(output.result.Item).toEqual({ id: { S: 'req-9' }, status: { S: 'approved' } });
    expect(output.result.SdkHttpMetadata.HttpStatusCode).toBe(200);
    expect(output.conflict.Error).toBe('DynamoDB.ConditionalCheckFailedException');
  });
});
