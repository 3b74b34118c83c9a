import { Duration, Names } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import {
  WORKFLOW_CONTINUES_ERROR,
  WORKFLOW_RETRYABLE_ERROR,
  WORKFLOW_UNFINISHED_ERROR,
  type WorkflowAction,
  type WorkflowNext,
} from '../lambdas/contract/workflow';
import { acknowledgeWildcardResources } from './nag';
import { stateMachineArnOf } from './workflows';
import { ENV } from '../lambdas/contract/env';
import type { AddStateMachineOptions } from './workflows';

/** The part of TeamWorkflows this construct uses. */
export interface StateMachineHost {
  addStateMachine(
    id: string,
    definitionBody: sfn.DefinitionBody,
    options?: AddStateMachineOptions,
  ): sfn.StateMachine;
}

export interface RequestWorkflowStateMachineProps {
  /** The workflow-tasks function: every Task state but the waits invokes it. */
  readonly tasksFunction: lambda.IFunction;
  /** The requests table: each wait stores its task token on the request item (`workflowToken`). */
  readonly requestsTable: dynamodb.ITable;
  /**
   * Adds the state machine through TeamWorkflows (its encrypted log group, X-Ray, the router's
   * ARN variable and rights). Without it the state machine is created here.
   */
  readonly workflows?: StateMachineHost;
  /**
   * Id of the state machine in `workflows`. @default 'Lifecycle' (the id it was deployed with:
   * a new id would replace the state machine and end the executions under way)
   */
  readonly workflowId?: string;
  /**
   * Extra options for `addStateMachine`: who controls it, and `respondedBy` with the tasks
   * function (its first step ends its own wait, see below).
   */
  readonly workflowOptions?: Pick<AddStateMachineOptions, 'controlledBy' | 'respondedBy'>;
  /** Log group of a state machine created here. @default a new one (one year) */
  readonly logGroup?: logs.ILogGroup;
  /** Name of a state machine created here. @default generated */
  readonly stateMachineName?: string;
  /** Pause before polling a grant or revoke again that was still IN_PROGRESS when its task ended. @default 10 seconds */
  readonly pollInterval?: Duration;
  /** Retries of a workflow step failing with a retryable error. @default 8 */
  readonly maxRetryAttempts?: number;
  /** Longest pause between two retries. @default 2 minutes */
  readonly maxRetryDelay?: Duration;
  /**
   * Execution timeout. @default none — an execution lasts as long as its request; Step Functions
   * ends a standard execution after one year whatever this says.
   */
  readonly timeout?: Duration;
}

/** Step Functions error names of transient DynamoDB failures in the aws-sdk integration. */
const DYNAMODB_TRANSIENT = [
  'DynamoDb.ProvisionedThroughputExceededException',
  'DynamoDb.ThrottlingException',
  'DynamoDb.RequestLimitExceededException',
  'DynamoDb.InternalServerErrorException',
  'DynamoDb.SdkClientException',
];

/** Where the workflow goes for each `next` the step answers (see lambdas/core/access/workflow.ts). */
const ROUTES: Record<Exclude<WorkflowNext, 'done'>, string> = {
  advance: 'Advance',
  awaitDecision: 'AwaitDecision',
  awaitStart: 'AwaitStart',
  awaitEnd: 'AwaitEnd',
  awaitReview: 'AwaitReview',
  pollGrant: 'PauseBeforeGrantPoll',
  pollRevoke: 'PauseBeforeRevokePoll',
};

/**
 * The workflow of one request as ONE standard state machine (JSONPath only): execution name =
 * request id, input `{ "requestId", "waitSeconds" }` (the router computes `waitSeconds` with
 * `beginWaitSeconds`: until the request expires).
 *
 * Every step is the workflow-tasks function, called with the reason it runs (`begin`,
 * `advance`, `expire`, `grant`, `revoke`, `fail`); it re-reads the request, does what is due
 * (status change + notification + grant or revoke in one call) and answers `next`. A Choice
 * routes to one of three interruptible waits — for the decision, for the start time, for the
 * end time — each an `aws-sdk:dynamodb:updateItem.waitForTaskToken` task storing the token on
 * the request conditionally on the status it waits in, with `TimeoutSecondsPath` set by the
 * step. The router's SendTaskSuccess (approved, rejected, cancelled, revoked) resumes it at
 * once; a failed condition means the status already moved on (the step reads it); the timeout
 * is the natural path (expire, grant, revoke). When a grant or revoke is still IN_PROGRESS
 * after its task, the workflow pauses and polls again.
 *
 * Step Functions bills every state entered, so the common path is kept short: the first state
 * `Begin` is itself the wait for the decision (a `lambda:invoke.waitForTaskToken` task: the
 * step stores its token and tells the approvers, or releases it at once when nothing needs
 * deciding), `Advance` follows it directly, and `Revoke` at the end of the access ends the
 * execution (no Choice, no Succeed): when its work is not finished it fails with
 * `StepUnfinished` and is retried after a pause. Approved → ended enters five states: Begin,
 * Advance, Route, AwaitEnd, Revoke.
 *
 * Retryable failures (throttling, conflicts, transient errors, Lambda service errors) are
 * retried with full jitter; anything else goes to `fail`, which ends the request in `error`
 * with the reason and notifies. Waits of 8,000 hours fit: task timeouts may reach a year, and
 * a standard execution lives at most a year (one year from the request's creation is the
 * longest workflow TEAM can run).
 */
export class RequestWorkflowStateMachine extends Construct {
  readonly stateMachine: sfn.StateMachine;
  readonly definitionBody: sfn.DefinitionBody;

  constructor(scope: Construct, id: string, props: RequestWorkflowStateMachineProps) {
    super(scope, id);
    const fn = props.tasksFunction;
    const table = props.requestsTable;
    const retry: sfn.RetryProps = {
      errors: [WORKFLOW_RETRYABLE_ERROR, 'Lambda.TooManyRequestsException'],
      interval: Duration.seconds(2),
      backoffRate: 2,
      maxAttempts: props.maxRetryAttempts ?? 8,
      maxDelay: props.maxRetryDelay ?? Duration.minutes(2),
      jitterStrategy: sfn.JitterType.FULL,
    };

    const step = (stateId: string, action: WorkflowAction, extra: Record<string, unknown> = {}) =>
      new tasks.LambdaInvoke(this, stateId, {
        lambdaFunction: fn,
        payloadResponseOnly: true,
        payload: sfn.TaskInput.fromObject({
          action,
          requestId: sfn.JsonPath.stringAt('$.requestId'),
          ...extra,
        }),
        resultPath: '$.step',
        retryOnServiceExceptions: true,
      }).addRetry(retry);

    const done = new sfn.Succeed(this, 'Done');
    const failed = new sfn.Fail(this, 'Failed', {
      // The error name executions have failed with since the first deployment (what an alarm or
      // a search of the execution history matches on), kept as it is.
      error: 'LifecycleFailed',
      cause: 'The request could not be marked as failed; see the execution history.',
    });
    const fail = step('Fail', 'fail', { error: sfn.JsonPath.objectAt('$.error') });
    fail.addCatch(failed, { resultPath: '$.failError' }).next(done);

    const route = new sfn.Choice(this, 'Route');
    const withCatch = (task: sfn.TaskStateBase) => task.addCatch(fail, { resultPath: '$.error' }).next(route);

    const advance = withCatch(step('Advance', 'advance'));
    const expire = withCatch(step('Expire', 'expire'));
    const grant = withCatch(step('Grant', 'grant'));
    // The last state: ends the execution itself; unfinished work is retried after a pause.
    const revoke = step('Revoke', 'revoke', { last: true })
      .addRetry({
        errors: [WORKFLOW_UNFINISHED_ERROR],
        interval: props.pollInterval ?? Duration.seconds(10),
        backoffRate: 1.5,
        maxAttempts: 20,
        maxDelay: Duration.minutes(5),
        jitterStrategy: sfn.JitterType.FULL,
      })
      // More to wait for (an extension moved the end; break-glass access awaits its review).
      .addCatch(advance, { errors: [WORKFLOW_CONTINUES_ERROR], resultPath: sfn.JsonPath.DISCARD })
      .addCatch(fail, { resultPath: '$.error' });

    const begin = new tasks.LambdaInvoke(this, 'Begin', {
      lambdaFunction: fn,
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      payload: sfn.TaskInput.fromObject({
        action: 'begin' satisfies WorkflowAction,
        requestId: sfn.JsonPath.stringAt('$.requestId'),
        taskToken: sfn.JsonPath.taskToken,
      }),
      taskTimeout: sfn.Timeout.at('$.waitSeconds'),
      resultPath: sfn.JsonPath.DISCARD,
      retryOnServiceExceptions: true,
    }).addRetry(retry);
    begin.addCatch(expire, { errors: [sfn.Errors.TIMEOUT], resultPath: sfn.JsonPath.DISCARD });
    begin.addCatch(fail, { resultPath: '$.error' });
    begin.next(advance);
    const pollGrant = withCatch(
      step('PollGrant', 'grant', { operation: sfn.JsonPath.objectAt('$.step.operation') }),
    );
    const pollRevoke = withCatch(
      step('PollRevoke', 'revoke', { operation: sfn.JsonPath.objectAt('$.step.operation') }),
    );

    const awaitIn = (stateId: string, status: string, onTimeout: sfn.IChainable) => {
      const wait = new tasks.CallAwsService(this, stateId, {
        service: 'dynamodb',
        action: 'updateItem',
        iamAction: 'dynamodb:UpdateItem',
        iamResources: [table.tableArn],
        integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
        parameters: {
          TableName: table.tableName,
          Key: { id: { S: sfn.JsonPath.stringAt('$.requestId') } },
          UpdateExpression: 'SET #token = :token',
          ConditionExpression: '#status = :status',
          ExpressionAttributeNames: { '#token': 'workflowToken', '#status': 'status' },
          ExpressionAttributeValues: { ':token': { S: sfn.JsonPath.taskToken }, ':status': { S: status } },
        },
        taskTimeout: sfn.Timeout.at('$.step.waitSeconds'),
        resultPath: sfn.JsonPath.DISCARD,
      });
      wait.addRetry({ ...retry, errors: DYNAMODB_TRANSIENT });
      // The status moved on before the token was stored: the step reads what it is now.
      wait.addCatch(advance, {
        errors: ['DynamoDb.ConditionalCheckFailedException'],
        resultPath: sfn.JsonPath.DISCARD,
      });
      wait.addCatch(onTimeout, { errors: [sfn.Errors.TIMEOUT], resultPath: sfn.JsonPath.DISCARD });
      wait.addCatch(fail, { resultPath: '$.error' });
      return wait.next(advance);
    };

    // Break-glass access after it ended: waits for its review (the api resumes it), the timeout
    // being the next daily reminder. Stored only while the review is still needed.
    const awaitReview = new tasks.CallAwsService(this, 'AwaitReview', {
      service: 'dynamodb',
      action: 'updateItem',
      iamAction: 'dynamodb:UpdateItem',
      iamResources: [table.tableArn],
      integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
      parameters: {
        TableName: table.tableName,
        Key: { id: { S: sfn.JsonPath.stringAt('$.requestId') } },
        UpdateExpression: 'SET #token = :token',
        ConditionExpression: '#review.#state = :needed',
        ExpressionAttributeNames: { '#token': 'workflowToken', '#review': 'review', '#state': 'state' },
        ExpressionAttributeValues: { ':token': { S: sfn.JsonPath.taskToken }, ':needed': { S: 'needed' } },
      },
      taskTimeout: sfn.Timeout.at('$.step.waitSeconds'),
      resultPath: sfn.JsonPath.DISCARD,
    });
    awaitReview.addRetry({ ...retry, errors: DYNAMODB_TRANSIENT });
    awaitReview.addCatch(advance, {
      errors: ['DynamoDb.ConditionalCheckFailedException', sfn.Errors.TIMEOUT],
      resultPath: sfn.JsonPath.DISCARD,
    });
    awaitReview.addCatch(fail, { resultPath: '$.error' });
    awaitReview.next(advance);

    const pollInterval = props.pollInterval ?? Duration.seconds(10);
    const states: Record<Exclude<WorkflowNext, 'done'>, sfn.IChainable> = {
      advance,
      awaitDecision: awaitIn('AwaitDecision', 'pending', expire),
      awaitStart: awaitIn('AwaitStart', 'scheduled', grant),
      awaitEnd: awaitIn('AwaitEnd', 'in progress', revoke),
      awaitReview,
      pollGrant: new sfn.Wait(this, ROUTES.pollGrant, { time: sfn.WaitTime.duration(pollInterval) }).next(
        pollGrant,
      ),
      pollRevoke: new sfn.Wait(this, ROUTES.pollRevoke, { time: sfn.WaitTime.duration(pollInterval) }).next(
        pollRevoke,
      ),
    };
    for (const [next, target] of Object.entries(states)) {
      route.when(sfn.Condition.stringEquals('$.step.next', next), target);
    }
    route.otherwise(done);

    this.definitionBody = sfn.DefinitionBody.fromChainable(begin);
    if (props.workflows) {
      this.stateMachine = props.workflows.addStateMachine(
        // The construct id the state machine was deployed with: it names the resource
        // (`<stack>-Lifecycle`), and a new one would replace it and its running executions.
        props.workflowId ?? 'Lifecycle',
        this.definitionBody,
        {
          arnEnvironmentVariable: ENV.workflowStateMachineArn,
          ...(props.timeout ? { timeout: props.timeout } : {}),
          ...props.workflowOptions,
        },
      );
    } else {
      const logGroup =
        props.logGroup ?? new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_YEAR });
      const name = props.stateMachineName ?? Names.uniqueResourceName(this, { maxLength: 80 });
      this.stateMachine = new sfn.StateMachine(this, 'StateMachine', {
        stateMachineName: name,
        stateMachineType: sfn.StateMachineType.STANDARD,
        definitionBody: this.definitionBody,
        timeout: props.timeout,
        tracingEnabled: true,
        // Requests carry emails and justifications: events without their data.
        logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
      });
      // The first step ends its own wait; the ARN from the name, as a reference would make a
      // cycle (the state machine refers to the function, whose policy would refer to it).
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess'],
          resources: [stateMachineArnOf(this, name)],
        }),
      );
    }
    // The waits write the token into an encrypted table: the exact actions (grantEncryptDecrypt
    // adds ReEncrypt* and GenerateDataKey*, wildcards cdk-nag rejects), as TeamData grants them.
    table.encryptionKey?.grant(
      this.stateMachine.role,
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
    );
    acknowledgeWildcardResources(
      this.stateMachine.role,
      [`${fn.functionArn}:*`],
      'The Lambda task integration invokes the workflow-tasks function and its versions; the wildcard covers only versions of that one function.',
    );
  }
}
