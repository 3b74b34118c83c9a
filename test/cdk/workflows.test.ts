import { Match } from 'aws-cdk-lib/assertions';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { afterAll, describe, expect, it } from 'vitest';
import { ENV } from '../../lib/runtime-env';
import { flat, logicalIdOf, roleStatements, synthTeam } from './support';

describe('router, reconciler and state machines', () => {
  const synth = synthTeam(
    {},
    {
      extend: (stack) => {
        stack.workflows.addStateMachine(
          'Lifecycle',
          sfn.DefinitionBody.fromChainable(new sfn.Pass(stack, 'Placeholder')),
          {
            invokes: [stack.functions.workflowTasks, stack.functions.notifier],
            controlledBy: [stack.functions.router, stack.functions.reconciler],
            arnEnvironmentVariable: ENV.lifecycleStateMachineArn,
          },
        );
      },
    },
  );
  afterAll(() => synth.cleanup());
  const { template, stack } = synth;

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
    expect(filters.map((f) => JSON.parse(f.Pattern) as unknown)).toEqual([
      { dynamodb: { NewImage: { status: { S: [{ exists: true }] } } } },
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

  it('adds state machines that log ALL events without execution data to an encrypted log group, with X-Ray', () => {
    const sm = stack.workflows.stateMachines.get('Lifecycle')!;
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
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
      LogGroupName: '/aws/vendedlogs/states/Team-demo',
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [logicalIdOf(stack.workflows.logKey), 'Arn'] },
    });
    const invokes = roleStatements(template, logicalIdOf(sm.role)).filter((s) =>
      s.actions.includes('lambda:InvokeFunction'),
    );
    expect(invokes.flatMap((s) => s.resources).sort()).toEqual(
      [
        `<${logicalIdOf(stack.functions.workflowTasks.function)}.Arn>`,
        `<${logicalIdOf(stack.functions.notifier.function)}.Arn>`,
      ].sort(),
    );
  });

  it('lets the controlling functions start, resume, describe and stop its executions, and tells them its ARN', () => {
    const sm = stack.workflows.stateMachines.get('Lifecycle')!;
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
      const variables = (
        template.toJSON().Resources as Record<
          string,
          { Properties: { Environment?: { Variables: Record<string, unknown> } } }
        >
      )[logicalIdOf(fn.function)]!.Properties.Environment!.Variables;
      expect(variables[ENV.lifecycleStateMachineArn]).toEqual({ Ref: logicalIdOf(sm) });
    }
    const others = roleStatements(template, logicalIdOf(stack.functions.api.role)).flatMap((s) => s.actions);
    expect(others.some((a) => a.startsWith('states:'))).toBe(false);
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
