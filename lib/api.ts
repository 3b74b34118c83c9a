import { readFileSync } from 'node:fs';
import type { RemovalPolicy } from 'aws-cdk-lib';
import { CfnResource, Stack, Validations } from 'aws-cdk-lib';
import * as appsync from 'aws-cdk-lib/aws-appsync';
import type * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { Kind, parse, type FieldDefinitionNode } from 'graphql';

/** A field of Query, Mutation or Subscription and the directives it carries. */
export interface RootField {
  readonly typeName: 'Query' | 'Mutation' | 'Subscription';
  readonly fieldName: string;
  readonly directives: readonly string[];
}

const ROOTS = ['Query', 'Mutation', 'Subscription'] as const;

/**
 * Every field of the schema's Query, Mutation and Subscription types (including `extend type`
 * blocks and renamed root types), so that no field can be left without a resolver.
 */
export function rootFieldsOf(sdl: string): RootField[] {
  const document = parse(sdl);
  const rootNames = new Map<string, RootField['typeName']>(ROOTS.map((r) => [r, r]));
  for (const def of document.definitions) {
    if (def.kind === Kind.SCHEMA_DEFINITION || def.kind === Kind.SCHEMA_EXTENSION) {
      for (const op of def.operationTypes ?? []) {
        const root =
          op.operation === 'query' ? 'Query' : op.operation === 'mutation' ? 'Mutation' : 'Subscription';
        for (const [name, value] of rootNames) if (value === root) rootNames.delete(name);
        rootNames.set(op.type.name.value, root);
      }
    }
  }
  const fields: RootField[] = [];
  for (const def of document.definitions) {
    if (def.kind !== Kind.OBJECT_TYPE_DEFINITION && def.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const root = rootNames.get(def.name.value);
    if (!root) continue;
    for (const field of (def.fields ?? []) as readonly FieldDefinitionNode[]) {
      fields.push({
        typeName: root,
        fieldName: field.name.value,
        directives: (field.directives ?? []).map((d) => d.name.value),
      });
    }
  }
  return fields;
}

export interface TeamApiProps {
  /** Path of graphql/schema.graphql. */
  readonly schemaPath: string;
  readonly userPool: cognito.IUserPool;
  /** The api function: every field resolves through it (direct Lambda resolvers). */
  readonly apiFunction: lambda.IFunction;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  /** API name. */
  readonly name: string;
}

/**
 * The GraphQL API: AppSync with Cognito user pools as the default auth mode and IAM for the
 * backend, X-Ray, error-level field logs without request/response content, and one direct
 * Lambda resolver per root field of the schema (no mapping templates), all to the api function.
 */
export class TeamApi extends Construct {
  readonly api: appsync.GraphqlApi;
  readonly dataSource: appsync.LambdaDataSource;
  readonly fields: readonly RootField[];
  readonly resolvers: readonly appsync.Resolver[];
  /** Host names of the HTTPS and realtime (WebSocket) endpoints. */
  readonly graphqlHost: string;
  readonly realtimeHost: string;
  readonly realtimeUrl: string;

  constructor(scope: Construct, id: string, props: TeamApiProps) {
    super(scope, id);
    const sdl = readFileSync(props.schemaPath, 'utf8');
    this.fields = rootFieldsOf(sdl);

    // Own logging role: the default one attaches the AWS managed AWSAppSyncPushToCloudWatchLogs
    // policy, which may write to every log group.
    const logRole = new iam.Role(this, 'LogRole', {
      assumedBy: new iam.ServicePrincipal('appsync.amazonaws.com'),
      description: 'AppSync writes the TEAM API logs',
    });

    this.api = new appsync.GraphqlApi(this, 'Api', {
      name: props.name,
      definition: appsync.Definition.fromFile(props.schemaPath),
      authorizationConfig: {
        defaultAuthorization: {
          authorizationType: appsync.AuthorizationType.USER_POOL,
          userPoolConfig: { userPool: props.userPool, defaultAction: appsync.UserPoolDefaultAction.ALLOW },
        },
        additionalAuthorizationModes: [{ authorizationType: appsync.AuthorizationType.IAM }],
      },
      xrayEnabled: true,
      // The SPA and the local cloud read graphql/schema.graphql; nobody needs to introspect.
      introspectionConfig: appsync.IntrospectionConfig.DISABLED,
    });

    // Logging is configured on the L1 resource: the L2 `logConfig` always adds a LogRetention
    // custom resource (another Lambda with a managed policy) even though the group is ours.
    const cfnApi = this.api.node.defaultChild as appsync.CfnGraphQLApi;
    cfnApi.logConfig = {
      cloudWatchLogsRoleArn: logRole.roleArn,
      fieldLogLevel: appsync.FieldLogLevel.ERROR,
      excludeVerboseContent: true,
    };
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-ASC3',
      reason:
        'Request logging is on (field level ERROR) but verbose content is excluded on purpose: requests carry tokens, emails and justifications that must not land in logs.',
    });
    const logGroup = new logs.LogGroup(this, 'LogGroup', {
      logGroupName: `/aws/appsync/apis/${this.api.apiId}`,
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    });
    logRole.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    this.dataSource = this.api.addLambdaDataSource('ApiFunction', props.apiFunction, {
      description: 'The TEAM api handler (direct Lambda resolvers)',
    });
    const cfnFunction = props.apiFunction.node.defaultChild;
    if (cfnFunction && CfnResource.isCfnResource(cfnFunction)) {
      const logicalId = Stack.of(this).getLogicalId(cfnFunction);
      Validations.of(this.dataSource).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${logicalId}.Arn>:*]`,
        reason:
          'Added by the Lambda data source: invoke on the api function and its versions/aliases; the resolvers call the unqualified function.',
      });
    }

    this.resolvers = this.fields.map(
      (field) =>
        new appsync.Resolver(this, `${field.typeName}.${field.fieldName}`, {
          api: this.api,
          typeName: field.typeName,
          fieldName: field.fieldName,
          dataSource: this.dataSource,
        }),
    );

    this.graphqlHost = cfnApi.attrGraphQlDns;
    this.realtimeHost = cfnApi.attrRealtimeDns;
    this.realtimeUrl = cfnApi.attrRealtimeUrl;
  }

  get graphqlUrl(): string {
    return this.api.graphqlUrl;
  }

  /** The root fields carrying `@aws_iam` on Mutation: what the backend may call with IAM. */
  iamMutations(): string[] {
    return this.fields
      .filter((f) => f.typeName === 'Mutation' && f.directives.includes('aws_iam'))
      .map((f) => f.fieldName);
  }

  /** Lets `grantee` call these IAM-authorized mutations (and nothing else) through AppSync. */
  grantIamMutations(grantee: iam.IGrantable, ...fieldNames: string[]): void {
    const allowed = this.iamMutations();
    for (const name of fieldNames) {
      if (!allowed.includes(name)) {
        throw new Error(
          `graphql/schema.graphql has no IAM-authorized mutation "${name}" (found: ${allowed.join(', ')})`,
        );
      }
    }
    this.api.grantMutation(grantee, ...fieldNames);
  }
}
