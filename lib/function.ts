import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** Every Lambda function of TEAM and its handler entry file (relative to the project root). */
export const FUNCTION_ENTRIES = {
  api: 'lambdas/handlers/api.ts',
  router: 'lambdas/handlers/router.ts',
  preToken: 'lambdas/handlers/pre-token.ts',
  reconciler: 'lambdas/handlers/reconciler.ts',
  sessionLogs: 'lambdas/handlers/session-logs.ts',
  workflowTasks: 'lambdas/handlers/workflow-tasks.ts',
  slackInteractions: 'lambdas/handlers/slack-interactions.ts',
} as const;

export type FunctionName = keyof typeof FUNCTION_ENTRIES;

/** Props of TeamFunction: everything that differs between TEAM's functions. */
export interface TeamFunctionProps {
  /** Absolute path of the handler's TypeScript entry file (exports `handler`). */
  readonly entry: string;
  /** Project root: where package-lock.json and node_modules live. */
  readonly projectRoot: string;
  /** Powertools service name (also the log group's name suffix). */
  readonly serviceName: string;
  readonly description: string;
  /** Environment variables (Powertools and source-map variables are added). */
  readonly environment?: Record<string, string>;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** @default one year */
  readonly logRetention?: logs.RetentionDays;
  /** What happens to the log group when the stack is deleted. @default RETAIN */
  readonly logRemovalPolicy?: RemovalPolicy;
}

/**
 * The one way TEAM builds a Lambda function: Node.js 22 on ARM64, bundled locally by esbuild
 * into minified ESM with source maps (never in Docker), X-Ray active, JSON logs into its own
 * log group with a retention, and a role that starts with nothing but writing that log group.
 * Everything else a function may do is granted explicitly by the stack.
 */
export class TeamFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  private readonly wildcardReasons: string[] = [];

  constructor(scope: Construct, id: string, props: TeamFunctionProps) {
    super(scope, id);

    this.logGroup = new logs.LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // An own role instead of the default one: the default attaches the AWS managed
    // AWSLambdaBasicExecutionRole, which may write to every log group of the account.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `TEAM ${props.serviceName} function`,
    });
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: props.projectRoot,
      depsLockFilePath: `${props.projectRoot}/package-lock.json`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      description: props.description,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      applicationLogLevelV2: lambda.ApplicationLogLevel.INFO,
      systemLogLevelV2: lambda.SystemLogLevel.WARN,
      tracing: lambda.Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node22',
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        // The SDK versions are locked in package-lock.json; bundle them rather than run
        // whatever version the Lambda runtime happens to ship.
        bundleAwsSDK: true,
        mainFields: ['module', 'main'],
        // Some dependencies are CommonJS and call require(); ESM output has no require.
        banner:
          "import { createRequire as __teamCreateRequire } from 'node:module'; const require = __teamCreateRequire(import.meta.url);",
      },
    });

    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Pinned to nodejs22.x on purpose (DESIGN 3.10): the bundles target node22 and the runtime moves with the project, not with each new Lambda release.',
    });
    this.acknowledgeWildcard(
      'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support only the "*" resource.',
    );
  }

  get functionArn(): string {
    return this.function.functionArn;
  }

  get functionName(): string {
    return this.function.functionName;
  }

  /** Adds a statement to the function's role. */
  addToRolePolicy(statement: iam.PolicyStatement): void {
    this.role.addToPrincipalPolicy(statement);
  }

  /** Adds an environment variable. */
  addEnvironment(name: string, value: string): void {
    this.function.addEnvironment(name, value);
  }

  /**
   * Records why the role holds a statement on the "*" resource and acknowledges the cdk-nag
   * finding on the role. Tests check that "*" only ever goes with the actions named here.
   */
  acknowledgeWildcard(reason: string): void {
    this.wildcardReasons.push(reason);
    Validations.of(this.role).acknowledge({ id: 'AwsSolutions-IAM5[Resource::*]', reason });
  }

  /** The reasons given for "*" resources, for reports and tests. */
  get wildcardJustifications(): readonly string[] {
    return this.wildcardReasons;
  }
}
