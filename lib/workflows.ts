import type { RemovalPolicy } from 'aws-cdk-lib';
import { Arn, ArnFormat, Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ROUTED_STATUSES } from '../lambdas/contract/workflow';
import type { TeamFunction } from './function';
import { installationSuffix, retainExceptOnCreate } from './names';
import { acknowledgeWildcardResources } from './nag';
import { ENV } from '../lambdas/contract/env';

/** How the router consumes the Requests stream. */
export const ROUTER_STREAM_SETTINGS = {
  batchSize: 25,
  maxBatchingWindow: Duration.seconds(1),
  retryAttempts: 5,
  maxRecordAge: Duration.hours(6),
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  // One shard reader keeps a request's records in order (they share the partition key anyway).
  parallelizationFactor: 1,
} as const;

/**
 * Which stream records reach the router (Lambda drops the others before invoking it): a new
 * request (a new image without an old one; not history imported from the original TEAM, which
 * is finished and read-only), and a change INTO a status people cause. DynamoDB
 * event source mappings filter only on the `dynamodb` key (not `eventName`), and a filter cannot
 * compare two attributes, so "into" is one pattern per status: new status X, old status not X.
 * The workflow's own changes (scheduled, in progress, ended, expired, error) and its token
 * writes never invoke the router; the workflow steps publish their realtime events themselves.
 * Five patterns: the default quota of filters per event source mapping.
 */
export const ROUTER_STREAM_FILTERS: readonly Record<string, unknown>[] = [
  {
    dynamodb: {
      NewImage: {
        status: { S: lambda.FilterRule.exists() },
        importedFrom: { S: lambda.FilterRule.notExists() },
      },
      OldImage: { status: { S: lambda.FilterRule.notExists() } },
    },
  },
  ...ROUTED_STATUSES.map((status) => ({
    dynamodb: {
      NewImage: { status: { S: lambda.FilterRule.isEqual(status) } },
      OldImage: { status: { S: lambda.FilterRule.notEquals(status) } },
    },
  })),
];

export interface TeamWorkflowsProps {
  readonly requestsTable: dynamodb.ITable;
  /** Consumes the Requests stream; starts and resumes the requests' workflows. */
  readonly router: TeamFunction;
  /** Runs every 15 minutes (repairs grants and workflows that drifted). */
  readonly reconciler: TeamFunction;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
  /** Prefix of the state machine names (the stack name). */
  readonly namePrefix: string;
}

export interface AddStateMachineOptions {
  /** Environment variable that receives the ARN on the controlling functions. @default `<ID>_STATE_MACHINE_ARN` */
  readonly arnEnvironmentVariable?: string;
  /** Functions the state machine invokes (lambda:InvokeFunction on exactly these ARNs). */
  readonly invokes?: readonly TeamFunction[];
  /** Functions that start, describe and stop executions and send task results. @default the router */
  readonly controlledBy?: readonly TeamFunction[];
  /**
   * Functions the state machine invokes that also end waits of its tasks (states:SendTaskSuccess,
   * granted on the ARN built from the name: a reference would make a dependency cycle).
   */
  readonly respondedBy?: readonly TeamFunction[];
  readonly definitionSubstitutions?: Record<string, string>;
  /** @default no timeout (an execution lasts as long as its request, up to the maximum duration) */
  readonly timeout?: Duration;
}

/**
 * The event-driven side of TEAM: the router on the Requests stream (status changes only, with
 * an encrypted SQS on-failure destination), the reconciler schedule, the encrypted log group of
 * the state machines, and `addStateMachine` where the request workflow is added.
 */
export class TeamWorkflows extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly stateMachineLogGroup: logs.LogGroup;
  readonly logKey: kms.Key;
  readonly reconcilerSchedule: events.Rule;
  /** Once a day: the policy check (stale references in policies), on the reconciler function. */
  readonly policyCheckSchedule: events.Rule;
  readonly stateMachines = new Map<string, sfn.StateMachine>();
  private readonly props: TeamWorkflowsProps;

  constructor(scope: Construct, id: string, props: TeamWorkflowsProps) {
    super(scope, id);
    this.props = props;

    this.deadLetterQueue = new sqs.Queue(this, 'RouterFailures', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the on-failure destination of the router: it holds stream records that failed every retry.',
    });

    props.router.function.addEventSource(
      new DynamoEventSource(props.requestsTable, {
        startingPosition: lambda.StartingPosition.TRIM_HORIZON,
        ...ROUTER_STREAM_SETTINGS,
        onFailure: new SqsDlq(this.deadLetterQueue),
        filters: ROUTER_STREAM_FILTERS.map((f) => lambda.FilterCriteria.filter(f)),
      }),
    );
    props.router.acknowledgeWildcard(
      'DynamoDB stream event source: dynamodb:ListStreams supports only the "*" resource (reading the stream itself is scoped to the Requests stream ARN).',
    );

    this.logKey = new kms.Key(this, 'LogKey', {
      description: 'TEAM state machine logs',
      enableKeyRotation: true,
      removalPolicy: props.removalPolicy,
    });
    const logsPrincipal = new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`);
    this.logKey.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [logsPrincipal],
        actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': Arn.format(
              {
                service: 'logs',
                resource: 'log-group',
                resourceName: '*',
                arnFormat: ArnFormat.COLON_RESOURCE_NAME,
              },
              Stack.of(this),
            ),
          },
        },
      }),
    );
    this.stateMachineLogGroup = new logs.LogGroup(this, 'StateMachineLogs', {
      // Under /aws/vendedlogs/ (the delivery's resource policy stays small), named per installation
      // so a kept group does not block a reinstall (lib/names.ts).
      logGroupName: `/aws/vendedlogs/states/${props.namePrefix}-${installationSuffix(this)}`,
      encryptionKey: this.logKey,
      retention: props.logRetention,
      removalPolicy: retainExceptOnCreate(props.removalPolicy),
    });

    this.reconcilerSchedule = new events.Rule(this, 'ReconcilerSchedule', {
      description: 'Runs the TEAM reconciler',
      schedule: events.Schedule.rate(Duration.minutes(15)),
      targets: [
        new targets.LambdaFunction(props.reconciler.function, {
          retryAttempts: 2,
          maxEventAge: Duration.minutes(10),
        }),
      ],
    });
    this.policyCheckSchedule = new events.Rule(this, 'PolicyCheckSchedule', {
      description: 'Runs the TEAM policy check (stale references in policies)',
      schedule: events.Schedule.rate(Duration.days(1)),
      targets: [
        new targets.LambdaFunction(props.reconciler.function, {
          event: events.RuleTargetInput.fromObject({ kind: 'check-policies' }),
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });
  }

  /**
   * Adds a STANDARD state machine that logs ALL events without execution data (requests carry
   * emails and justifications) to the encrypted log group, with X-Ray. The controlling
   * functions (default: the router) get its ARN in an environment variable and may start,
   * describe and stop its executions and send task results. The returned state machine's role
   * starts with invoke rights on `invokes` only: add the service calls the definition makes.
   */
  addStateMachine(
    id: string,
    definitionBody: sfn.DefinitionBody,
    options: AddStateMachineOptions = {},
  ): sfn.StateMachine {
    if (this.stateMachines.has(id)) throw new Error(`State machine ${id} already exists`);
    const name = `${this.props.namePrefix}-${id}`;
    const stateMachine = new sfn.StateMachine(this, id, {
      stateMachineName: name,
      stateMachineType: sfn.StateMachineType.STANDARD,
      definitionBody,
      definitionSubstitutions: options.definitionSubstitutions,
      timeout: options.timeout,
      tracingEnabled: true,
      logs: { destination: this.stateMachineLogGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    Validations.of(stateMachine.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'Added by the state machine: CloudWatch Logs delivery (logs:*LogDelivery, DescribeLogGroups, ...) and X-Ray (PutTraceSegments, GetSampling*) support only the "*" resource.',
    });
    for (const fn of options.invokes ?? []) {
      stateMachine.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.functionArn] }),
      );
    }

    const envName =
      options.arnEnvironmentVariable ??
      `${id.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toUpperCase()}_STATE_MACHINE_ARN`;
    const executions = Arn.format(
      {
        service: 'states',
        resource: 'execution',
        resourceName: `${name}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      },
      Stack.of(this),
    );
    for (const fn of options.controlledBy ?? [this.props.router]) {
      fn.addEnvironment(envName, stateMachine.stateMachineArn);
      stateMachine.grantStartExecution(fn.role);
      stateMachine.grantTaskResponse(fn.role);
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['states:DescribeExecution', 'states:StopExecution'],
          resources: [executions],
        }),
      );
      acknowledgeWildcardResources(
        fn.role,
        [executions],
        `Executions of ${name} are named after request ids, unknown at deploy time; the wildcard stays inside this state machine.`,
      );
    }
    for (const fn of options.respondedBy ?? []) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['states:SendTaskSuccess'],
          resources: [stateMachineArnOf(this, name)],
        }),
      );
    }
    this.stateMachines.set(id, stateMachine);
    return stateMachine;
  }
}

/** The ARN of the state machine named `name` in the stack of `scope`. */
export function stateMachineArnOf(scope: Construct, name: string): string {
  return Arn.format(
    {
      service: 'states',
      resource: 'stateMachine',
      resourceName: name,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    },
    Stack.of(scope),
  );
}

/** The environment variable the router reads the request workflow's state machine ARN from. */
export const WORKFLOW_ARN_ENV = ENV.workflowStateMachineArn;
