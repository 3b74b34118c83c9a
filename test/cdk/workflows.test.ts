import { Match } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lambdas/contract/env';
import { type FunctionName } from '../../lib/function';
import { flat, logicalIdOf, roleStatements, synthTeam } from './support';

interface AslState {
  Type: string;
  Resource?: string;
  TimeoutSecondsPath?: string;
  Parameters?: Record<string, unknown>;
}

describe('router, reconciler and the request workflow state machine', () => {
  const synth = synthTeam();
  afterAll(() => synth.cleanup());
  const { template, stack } = synth;
  const resources = template.toJSON().Resources as Record<string, { Properties: Record<string, unknown> }>;
  const variablesOf = (fn: FunctionName) =>
    (
      resources[logicalIdOf(stack.functions[fn].function)]!.Properties.Environment as {
        Variables: Record<string, unknown>;
      }
    ).Variables;
  /** The synthesized ASL, CloudFormation references as `<LogicalId>` / `<LogicalId.Attr>`. */
  const definition = () => {
    const sm = resources[logicalIdOf(stack.requestWorkflow.stateMachine)]!;
    return JSON.parse(flat(sm.Properties.DefinitionString)) as {
      StartAt: string;
      States: Record<string, AslState>;
    };
  };

  it('feeds the router from the Requests stream: INSERT and MODIFY only, partial batches, bisect, bounded retries', () => {
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')) as {
      Properties: Record<string, unknown>;
    }[];
    expect(mappings).toHaveLength(1);
    const m = mappings[0]!.Properties;
    expect(m.EventSourceArn).toEqual({
      'Fn::GetAtt': [logicalIdOf(stack.data.tables.requests), 'StreamArn'],
    });
    expect(m.FunctionName).toEqual({ Ref: logicalIdOf(stack.functions.router.function) });
    expect(m).toMatchObject({
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: 25,
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 5,
      MaximumRecordAgeInSeconds: 21600,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const filters = (m.FilterCriteria as { Filters: { Pattern: string }[] }).Filters;
    // A new request (not imported history), or a change into a status people cause (never the
    // workflow's own).
    expect(filters.map((f) => JSON.parse(f.Pattern) as unknown)).toEqual([
      {
        dynamodb: {
          NewImage: { status: { S: [{ exists: true }] }, importedFrom: { S: [{ exists: false }] } },
          OldImage: { status: { S: [{ exists: false }] } },
        },
      },
      ...['approved', 'rejected', 'cancelled', 'revoked'].map((status) => ({
        dynamodb: {
          NewImage: { status: { S: [status] } },
          OldImage: { status: { S: [{ 'anything-but': [status] }] } },
        },
      })),
    ]);
    expect(flat((m.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination)).toBe(
      `<${logicalIdOf(stack.workflows.deadLetterQueue)}.Arn>`,
    );
  });

  it('keeps failed stream records in an encrypted, TLS-only queue', () => {
    template.hasResourceProperties('AWS::SQS::Queue', {
      SqsManagedSseEnabled: true,
      MessageRetentionPeriod: 1209600,
    });
    expect(JSON.stringify(template.findResources('AWS::SQS::QueuePolicy'))).toContain(
      '"aws:SecureTransport":"false"',
    );
  });

  it('runs the reconciler every 15 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(15 minutes)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(stack.functions.reconciler.function), 'Arn'] },
          RetryPolicy: { MaximumRetryAttempts: 2 },
        }),
      ],
    });
  });

  it('runs the policy check on the reconciler function once a day', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 day)',
      State: 'ENABLED',
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [logicalIdOf(stack.functions.reconciler.function), 'Arn'] },
          Input: JSON.stringify({ kind: 'check-policies' }),
        }),
      ],
    });
  });

  it('has exactly one state machine: the request workflow, added through the workflows', () => {
    expect(Object.keys(template.findResources('AWS::StepFunctions::StateMachine'))).toEqual([
      logicalIdOf(stack.requestWorkflow.stateMachine),
    ]);
    expect(stack.workflows.stateMachines.get('Lifecycle')).toBe(stack.requestWorkflow.stateMachine);
  });

  it('keeps the ids the state machine was deployed with (a new one would replace it mid-execution)', () => {
    expect(logicalIdOf(stack.requestWorkflow.stateMachine)).toMatch(/^WorkflowsLifecycle[0-9A-F]{8}$/);
    expect(logicalIdOf(stack.requestWorkflow.stateMachine.role)).toMatch(
      /^WorkflowsLifecycleRole[0-9A-F]{8}$/,
    );
  });

  it('logs ALL events of the request workflow without execution data to an encrypted log group, with X-Ray', () => {
    const sm = stack.requestWorkflow.stateMachine;
    expect(resources[logicalIdOf(sm)]!.Properties).toMatchObject({
      StateMachineName: 'Team-demo-Lifecycle',
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: {
        Level: 'ALL',
        IncludeExecutionData: false,
        Destinations: [
          {
            CloudWatchLogsLogGroup: {
              LogGroupArn: { 'Fn::GetAtt': [logicalIdOf(stack.workflows.stateMachineLogGroup), 'Arn'] },
            },
          },
        ],
      },
    });
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: {
        'Fn::Join': [
          '',
          [
            '/aws/vendedlogs/states/Team-demo-',
            {
              'Fn::Select': [
                0,
                {
                  'Fn::Split': ['-', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }],
                },
              ],
            },
          ],
        ],
      },
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.workflows.logKey), 'Arn'] },
    });
  });

  it('runs every step on the workflow-tasks function and waits in four token-storing DynamoDB updates', () => {
    const asl = definition();
    expect(asl.StartAt).toBe('Begin');
    const tasks = Object.entries(asl.States).filter(([, state]) => state.Type === 'Task');
    const fnArn = `<${logicalIdOf(stack.functions.workflowTasks.function)}.Arn>`;
    const onFunction = tasks.filter(([, state]) => state.Resource === fnArn).map(([id]) => id);
    expect(onFunction.sort()).toEqual([
      'Advance',
      'Expire',
      'Fail',
      'Grant',
      'PollGrant',
      'PollRevoke',
      'Revoke',
    ]);
    // The first step waits for the decision itself: the function with the task's token.
    const begin = asl.States['Begin'];
    expect(begin?.Resource).toBe('arn:<AWS::Partition>:states:::lambda:invoke.waitForTaskToken');
    expect(begin?.Parameters).toMatchObject({ FunctionName: fnArn });
    const waits = tasks.filter(([id]) => id !== 'Begin' && !onFunction.includes(id));
    expect(waits.map(([id]) => id).sort()).toEqual([
      'AwaitDecision',
      'AwaitEnd',
      'AwaitReview',
      'AwaitStart',
    ]);
    const statusOf: Record<string, string> = {
      AwaitDecision: 'pending',
      AwaitStart: 'scheduled',
      AwaitEnd: 'in progress',
    };
    for (const [id, state] of waits) {
      expect(state.Resource, id).toBe(
        'arn:<AWS::Partition>:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken',
      );
      expect(state.TimeoutSecondsPath, id).toBe('$.step.waitSeconds');
      if (id === 'AwaitReview') {
        // Break-glass access after it ended: stored only while its review is still needed.
        expect(state.Parameters, id).toMatchObject({
          ConditionExpression: '#review.#state = :needed',
          ExpressionAttributeValues: { ':token': { 'S.$': '$$.Task.Token' }, ':needed': { S: 'needed' } },
        });
        continue;
      }
      expect(state.Parameters, id).toMatchObject({
        TableName: `<${logicalIdOf(stack.data.tables.requests)}>`,
        Key: { id: { 'S.$': '$.requestId' } },
        ConditionExpression: '#status = :status',
        ExpressionAttributeNames: { '#token': 'workflowToken', '#status': 'status' },
        ExpressionAttributeValues: { ':token': { 'S.$': '$$.Task.Token' }, ':status': { S: statusOf[id] } },
      });
    }
  });

  it('gives the state machine role only the workflow-tasks function and UpdateItem on the Requests table', () => {
    const statements = roleStatements(template, logicalIdOf(stack.requestWorkflow.stateMachine.role));
    const fnArn = `<${logicalIdOf(stack.functions.workflowTasks.function)}.Arn>`;
    const invokes = statements.filter((s) => s.actions.includes('lambda:InvokeFunction'));
    expect(invokes.flatMap((s) => s.resources).sort()).toEqual([fnArn, `${fnArn}:*`]);
    const dynamo = statements.filter((s) => s.actions.some((a) => a.startsWith('dynamodb:')));
    expect(dynamo).toEqual([
      { actions: ['dynamodb:UpdateItem'], resources: [`<${logicalIdOf(stack.data.tables.requests)}.Arn>`] },
    ]);
    const services = new Set(statements.flatMap((s) => s.actions.map((a) => a.split(':')[0])));
    expect([...services].sort()).toEqual(['dynamodb', 'lambda', 'logs', 'xray']);
  });

  it('lets the router and the reconciler start, resume, describe and stop its executions, and tells them its ARN', () => {
    const sm = stack.requestWorkflow.stateMachine;
    for (const fn of [stack.functions.router, stack.functions.reconciler]) {
      const statements = roleStatements(template, logicalIdOf(fn.role));
      const smRef = `<${logicalIdOf(sm)}>`;
      const onMachine = statements.filter((s) => s.resources.includes(smRef)).flatMap((s) => s.actions);
      expect(onMachine).toEqual(
        expect.arrayContaining([
          'states:StartExecution',
          'states:SendTaskSuccess',
          'states:SendTaskFailure',
          'states:SendTaskHeartbeat',
        ]),
      );
      const onExecutions = statements.find((s) => s.actions.includes('states:StopExecution'));
      expect(onExecutions?.resources).toEqual([
        'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:Team-demo-Lifecycle:*',
      ]);
    }
    for (const fn of ['router', 'reconciler'] as const) {
      expect(variablesOf(fn)[ENV.workflowStateMachineArn]).toEqual({ Ref: logicalIdOf(sm) });
    }
    // The tasks function, the api and the Slack endpoint (resuming a wait right after a person's decision) may only
    // end waits of this state machine (named, see lib/workflows.ts).
    for (const fn of ['workflowTasks', 'api', 'slackInteractions'] as const) {
      const states = roleStatements(template, logicalIdOf(stack.functions[fn].role)).filter((s) =>
        s.actions.some((a) => a.startsWith('states:')),
      );
      expect(states, fn).toEqual([
        {
          actions: ['states:SendTaskSuccess'],
          resources: [
            'arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:stateMachine:Team-demo-Lifecycle',
          ],
        },
      ]);
      expect(variablesOf(fn)).not.toHaveProperty(ENV.workflowStateMachineArn);
    }
    for (const fn of ['preToken', 'sessionLogs'] as const) {
      const actions = roleStatements(template, logicalIdOf(stack.functions[fn].role)).flatMap(
        (s) => s.actions,
      );
      expect(
        actions.some((a) => a.startsWith('states:')),
        fn,
      ).toBe(false);
      expect(variablesOf(fn), fn).not.toHaveProperty(ENV.workflowStateMachineArn);
    }
  });

  it('refuses a second state machine with the same id', () => {
    expect(() =>
      stack.workflows.addStateMachine(
        'Lifecycle',
        sfn.DefinitionBody.fromString('{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}'),
      ),
    ).toThrow(/already exists/);
  });
});
