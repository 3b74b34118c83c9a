import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DEFAULT_TRAIL_REGIONS, type SessionLogsConfig } from './config';
import type { TeamFunction } from './function';
import { installationSuffix, retainExceptOnCreate } from './names';
import { acknowledgeWildcardResources } from './nag';
import { ENV } from '../lambdas/contract/env';

/** Name of the Glue table over the organization trail. */
export const ATHENA_TABLE_NAME = 'cloudtrail_events';

/** First day the Athena table's date partitions are projected from. */
export const ATHENA_PROJECTION_START = '2020/01/01';

/** CloudTrail Lake selectors for each `selectors` setting: management events, all / read-only / write-only. */
export function eventSelectorsFor(
  selectors: 'read_write' | 'read' | 'write',
): cloudtrail.CfnEventDataStore.AdvancedEventSelectorProperty[] {
  const fieldSelectors: cloudtrail.CfnEventDataStore.AdvancedFieldSelectorProperty[] = [
    { field: 'eventCategory', equalTo: ['Management'] },
  ];
  if (selectors === 'read') fieldSelectors.push({ field: 'readOnly', equalTo: ['true'] });
  if (selectors === 'write') fieldSelectors.push({ field: 'readOnly', equalTo: ['false'] });
  return [{ name: `TEAM session logs: management events (${selectors})`, fieldSelectors }];
}

// The columns of CloudTrail records TEAM reads (the CloudTrail SerDe maps the JSON names).
const CLOUDTRAIL_COLUMNS: glue.CfnTable.ColumnProperty[] = [
  { name: 'eventversion', type: 'string' },
  {
    name: 'useridentity',
    type:
      'struct<type:string,principalid:string,arn:string,accountid:string,invokedby:string,accesskeyid:string,' +
      'username:string,onbehalfof:struct<userid:string,identitystorearn:string>,' +
      'sessioncontext:struct<attributes:struct<mfaauthenticated:string,creationdate:string>,' +
      'sessionissuer:struct<type:string,principalid:string,arn:string,accountid:string,username:string>,' +
      'sourceidentity:string>>',
  },
  { name: 'eventtime', type: 'string' },
  { name: 'eventsource', type: 'string' },
  { name: 'eventname', type: 'string' },
  { name: 'awsregion', type: 'string' },
  { name: 'sourceipaddress', type: 'string' },
  { name: 'useragent', type: 'string' },
  { name: 'errorcode', type: 'string' },
  { name: 'errormessage', type: 'string' },
  { name: 'requestparameters', type: 'string' },
  { name: 'responseelements', type: 'string' },
  { name: 'additionaleventdata', type: 'string' },
  { name: 'requestid', type: 'string' },
  { name: 'eventid', type: 'string' },
  { name: 'readonly', type: 'string' },
  { name: 'resources', type: 'array<struct<arn:string,accountid:string,type:string>>' },
  { name: 'eventtype', type: 'string' },
  { name: 'apiversion', type: 'string' },
  { name: 'recipientaccountid', type: 'string' },
  { name: 'serviceeventdetails', type: 'string' },
  { name: 'sharedeventid', type: 'string' },
  { name: 'vpcendpointid', type: 'string' },
  { name: 'eventcategory', type: 'string' },
];

export interface TeamAuditLogsProps {
  readonly config: SessionLogsConfig;
  /** Names resources (event data store, Glue database, workgroup). */
  readonly environment: string;
  readonly removalPolicy: RemovalPolicy;
  /** Receives the server access logs of the Athena results bucket. */
  readonly accessLogsBucket: s3.IBucket;
}

/**
 * Where session activity logs come from: a CloudTrail Lake event data store (existing, or
 * created organization-wide and multi-region with a one-year default retention), Athena over
 * the organization trail in S3 (Glue database, partition-projected table, workgroup with an
 * encrypted results bucket), or nothing.
 */
export class TeamAuditLogs extends Construct {
  readonly provider: SessionLogsConfig['type'];
  /** Environment variables the session-log function needs (provider and its resources). */
  readonly environment: Record<string, string>;
  readonly eventDataStoreArn?: string;
  readonly resultsBucket?: s3.Bucket;
  readonly workGroupName?: string;
  readonly databaseName?: string;
  /**
   * Athena: the role that reads the organization trail in S3 for the session-logs page. Athena
   * reads a query's data with the credentials of whoever started the query, so this is the role
   * of the first function given to `grantStartQuery` (the api). A trail bucket in another account
   * must allow it (docs/deployment.md, 9).
   */
  trailReaderRole?: iam.IRole;
  /**
   * Athena: every role that reads the trail, in the order they were granted: the api's, then the
   * session-logs function's (it starts the queries of the session summaries). A trail bucket in
   * another account must allow each of them.
   */
  readonly trailReaderRoles: iam.IRole[] = [];
  /** The schedule of the session summaries (none without a provider). */
  sessionSummarySchedule?: events.Rule;
  private readonly props: TeamAuditLogsProps;

  constructor(scope: Construct, id: string, props: TeamAuditLogsProps) {
    super(scope, id);
    this.props = props;
    const config = props.config;
    this.provider = config.type;
    this.environment = { [ENV.sessionLogProvider]: config.type };

    if (config.type === 'cloudtrail-lake') {
      if (config.eventDataStoreArn) {
        this.eventDataStoreArn = config.eventDataStoreArn;
      } else {
        const settings = config.create ?? { retentionDays: 365, selectors: 'read_write' as const };
        // The store keeps the logs of past sessions, so it outlives the stack; its name must not
        // stop the next deployment. Event data store names are unique per account and region
        // (also while a deleted store waits out its 7 days), hence a name unique to the
        // installation: a reinstall creates its own store instead of failing on the kept one
        // (set `eventDataStoreArn` to the kept store's ARN to go on using it instead). A failed
        // first deployment deletes the store it created (RETAIN_EXCEPT_ON_CREATE): an
        // organization store left behind would go on ingesting and billing events.
        const store = new cloudtrail.CfnEventDataStore(this, 'EventDataStore', {
          name: `team-${props.environment}-session-logs-${installationSuffix(this)}`,
          multiRegionEnabled: true,
          organizationEnabled: true,
          retentionPeriod: settings.retentionDays,
          terminationProtectionEnabled: props.removalPolicy === RemovalPolicy.RETAIN,
          advancedEventSelectors: eventSelectorsFor(settings.selectors),
        });
        store.applyRemovalPolicy(retainExceptOnCreate(props.removalPolicy));
        this.eventDataStoreArn = store.attrEventDataStoreArn;
      }
      this.environment[ENV.eventDataStoreArn] = this.eventDataStoreArn;
    }

    if (config.type === 'athena') {
      this.databaseName = config.glueDatabase ?? `team_${props.environment.replace(/-/g, '_')}_audit`;
      this.workGroupName = config.workgroup ?? `team-${props.environment}`;

      this.resultsBucket = new s3.Bucket(this, 'ResultsBucket', {
        blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
        encryption: s3.BucketEncryption.S3_MANAGED,
        enforceSSL: true,
        versioned: false,
        serverAccessLogsBucket: props.accessLogsBucket,
        serverAccessLogsPrefix: 'athena-results/',
        // Results are a cache: the session-log table keeps query state, results are refetched.
        lifecycleRules: [
          { expiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) },
        ],
        removalPolicy: props.removalPolicy,
      });

      const database = new glue.CfnDatabase(this, 'Database', {
        catalogId: Aws.ACCOUNT_ID,
        databaseInput: {
          name: this.databaseName,
          description: 'TEAM session activity logs (organization CloudTrail)',
        },
      });

      const prefix = config.trailPrefix ? `${config.trailPrefix}/` : '';
      const location = `s3://${config.trailBucketName}/${prefix}AWSLogs/${config.organizationId}`;
      const regions = config.regions ?? [...DEFAULT_TRAIL_REGIONS];
      const table = new glue.CfnTable(this, 'Table', {
        catalogId: Aws.ACCOUNT_ID,
        databaseName: this.databaseName,
        tableInput: {
          name: ATHENA_TABLE_NAME,
          description: 'Organization CloudTrail logs, partitions projected by account, region and day',
          tableType: 'EXTERNAL_TABLE',
          partitionKeys: [
            { name: 'account', type: 'string' },
            { name: 'region', type: 'string' },
            { name: 'day', type: 'string' },
          ],
          parameters: {
            classification: 'cloudtrail',
            EXTERNAL: 'TRUE',
            'projection.enabled': 'true',
            // Every query names the account: injected projection needs no list of accounts.
            'projection.account.type': 'injected',
            'projection.region.type': 'enum',
            'projection.region.values': regions.join(','),
            'projection.day.type': 'date',
            'projection.day.format': 'yyyy/MM/dd',
            'projection.day.range': `${ATHENA_PROJECTION_START},NOW`,
            'projection.day.interval': '1',
            'projection.day.interval.unit': 'DAYS',
            'storage.location.template': `${location}/\${account}/CloudTrail/\${region}/\${day}`,
          },
          storageDescriptor: {
            location,
            columns: CLOUDTRAIL_COLUMNS,
            inputFormat: 'com.amazon.emr.cloudtrail.CloudTrailInputFormat',
            outputFormat: 'org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat',
            serdeInfo: { serializationLibrary: 'org.apache.hive.hcatalog.data.JsonSerDe' },
          },
        },
      });
      table.addResourceDependency(database);

      // The workgroup keeps its (configurable, so fixed) name and goes with the stack, whatever
      // the removal policy: it holds settings and Athena's own query history only. The results
      // live in the retained results bucket, the state of each session's query in the
      // SessionLogQueries table, and every query's caller in CloudTrail. Retaining it would only
      // make a reinstall fail on the name still taken, and a suffixed name would go against the
      // name an admin may have set in the config.
      const workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
        name: this.workGroupName,
        description: 'TEAM session activity log queries',
        state: 'ENABLED',
        // Deletes the workgroup even with saved queries or history in it.
        recursiveDeleteOption: true,
        workGroupConfiguration: {
          enforceWorkGroupConfiguration: true,
          publishCloudWatchMetricsEnabled: true,
          // A session is hours of one account's logs; anything scanning more is a mistake.
          bytesScannedCutoffPerQuery: 50 * 1024 ** 3,
          engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
          resultConfiguration: {
            outputLocation: `s3://${this.resultsBucket.bucketName}/results/`,
            encryptionConfiguration: { encryptionOption: 'SSE_S3' },
          },
        },
      });
      workGroup.applyRemovalPolicy(RemovalPolicy.DESTROY);

      this.environment[ENV.athenaWorkgroup] = this.workGroupName;
      this.environment[ENV.athenaDatabase] = this.databaseName;
      this.environment[ENV.athenaTable] = ATHENA_TABLE_NAME;
    }
  }

  /**
   * Grants what starting a session's query and reading its results needs (the api for the
   * session-logs page, the session-logs function for the session summaries): the query calls on
   * the event data store, or on the workgroup plus the Glue table, the trail objects Athena reads
   * with the caller's permissions, and the results it writes and reads back.
   */
  grantStartQuery(fn: TeamFunction): void {
    const config = this.props.config;
    if (config.type === 'cloudtrail-lake' && this.eventDataStoreArn) {
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['cloudtrail:StartQuery', 'cloudtrail:DescribeQuery', 'cloudtrail:GetQueryResults'],
          resources: [this.eventDataStoreArn],
        }),
      );
    }
    if (config.type === 'athena' && this.resultsBucket && this.workGroupName && this.databaseName) {
      const stack = Stack.of(this);
      this.trailReaderRole ??= fn.role;
      this.trailReaderRoles.push(fn.role);
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults'],
          resources: [this.workGroupArn()],
        }),
      );
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['glue:GetDatabase', 'glue:GetTable'],
          resources: [
            stack.formatArn({ service: 'glue', resource: 'catalog' }),
            stack.formatArn({ service: 'glue', resource: 'database', resourceName: this.databaseName }),
            stack.formatArn({
              service: 'glue',
              resource: 'table',
              resourceName: `${this.databaseName}/${ATHENA_TABLE_NAME}`,
            }),
          ],
        }),
      );
      const prefix = config.trailPrefix ? `${config.trailPrefix}/` : '';
      const trailObjects = `arn:${Aws.PARTITION}:s3:::${config.trailBucketName}/${prefix}AWSLogs/${config.organizationId}/*`;
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [trailObjects] }));
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket', 's3:GetBucketLocation'],
          resources: [`arn:${Aws.PARTITION}:s3:::${config.trailBucketName}`],
        }),
      );
      const resultObjects = this.resultsBucket.arnForObjects('results/*');
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
          resources: [resultObjects],
        }),
      );
      fn.addToRolePolicy(
        new iam.PolicyStatement({
          actions: ['s3:ListBucket', 's3:GetBucketLocation', 's3:ListBucketMultipartUploads'],
          resources: [this.resultsBucket.bucketArn],
        }),
      );
      acknowledgeWildcardResources(
        fn.role,
        [trailObjects],
        'Athena reads the organization trail objects of the session being queried; their keys (account, region, day, file) are only known at query time. Scoped to the organization prefix.',
      );
      acknowledgeWildcardResources(
        fn.role,
        [resultObjects],
        'Athena writes query results under generated object keys in the results/ prefix of the TEAM results bucket, and the api reads them back.',
      );
      if (config.trailKmsKeyArn) {
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [config.trailKmsKeyArn] }),
        );
      }
    }
  }

  /**
   * Runs the session summaries every `every` (default 5 minutes) on `fn`, the session-logs
   * function: the summaries of ended sessions that are due are computed from their logs. Nothing
   * without a provider (no summary is ever due).
   */
  scheduleSessionSummaries(fn: TeamFunction, every: Duration = Duration.minutes(5)): void {
    if (this.props.config.type === 'none') return;
    this.sessionSummarySchedule = new events.Rule(this, 'SessionSummarySchedule', {
      description: 'Computes the TEAM session summaries that are due (session review)',
      schedule: events.Schedule.rate(every),
      targets: [
        new targets.LambdaFunction(fn.function, {
          event: events.RuleTargetInput.fromObject({ kind: 'session-summaries' }),
          // A missed run is made up by the next one: due summaries wait in their index.
          retryAttempts: 0,
          maxEventAge: Duration.minutes(5),
        }),
      ],
    });
  }

  private workGroupArn(): string {
    return Stack.of(this).formatArn({
      service: 'athena',
      resource: 'workgroup',
      resourceName: this.workGroupName,
    });
  }
}
