import { copyFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import {
  AssetHashType,
  DockerImage,
  Duration,
  RemovalPolicy,
  Validations,
  type ILocalBundling,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_FILES, FUNCTION_ENTRIES, bundlerFor, functionEntries } from './bundling';

export { FUNCTION_ENTRIES };
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
 * CDK's local bundling of one function: copies the function's bundle into the asset's folder.
 * When its bundle is missing (the app did not bundle first, as in tests), every TEAM function
 * without a cached bundle is built in that one esbuild run, so the others find theirs ready.
 */
class CachedBundling implements ILocalBundling {
  /** Part of CDK's asset cache key (JSON of the bundling options): one asset per entry. */
  readonly entry: string;
  readonly #projectRoot: string;

  constructor(projectRoot: string, entry: string) {
    this.#projectRoot = projectRoot;
    this.entry = relative(projectRoot, entry);
  }

  tryBundle(outputDir: string): boolean {
    const entry = join(this.#projectRoot, this.entry);
    const bundler = bundlerFor(this.#projectRoot);
    const bundle =
      bundler.lookup(entry) ??
      bundler.bundleSync([entry, ...functionEntries(this.#projectRoot)]).get(resolve(entry));
    if (!bundle) throw new Error(`No bundle for ${this.entry}`);
    for (const file of BUNDLE_FILES) copyFileSync(join(bundle.dir, file), join(outputDir, file));
    return true;
  }
}

/**
 * The one way TEAM builds a Lambda function: Node.js 22 on ARM64, bundled locally by esbuild
 * into minified ESM with source maps (never in Docker; lib/bundling.ts), X-Ray active, JSON logs
 * into its own log group with a retention, and a role that starts with nothing but writing that
 * log group. Everything else a function may do is granted explicitly by the stack.
 */
export class TeamFunction extends Construct {
  readonly function: lambda.Function;
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

    this.function = new lambda.Function(this, 'Function', {
      // The asset's hash is the bundle's (its content), so a changed bundle is a new asset that
      // CloudFormation deploys, and an unchanged one is not uploaded again.
      code: lambda.Code.fromAsset(props.projectRoot, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: {
          // Never used: the local bundling always succeeds or fails the synthesis.
          image: DockerImage.fromRegistry('dummy'),
          local: new CachedBundling(props.projectRoot, props.entry),
        },
      }),
      handler: 'index.handler',
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
