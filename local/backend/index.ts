/**
 * The local backend: every cloud piece of TEAM on 127.0.0.1, wired to the real handlers.
 *
 * DynamoDB Local (tables from `TABLES`), the Identity Center / Identity Store / Organizations
 * simulators seeded from the demo organization, Secrets Manager, the notification outbox,
 * CloudTrail Lake, the Step Functions runner and its API, the sign-in stand-in (the real
 * pre-token handler as its trigger), the AppSync emulator serving `graphql/schema.graphql` with
 * the real api handler, and the stream poller feeding the real router handler. Session-log
 * queries go to the local CloudTrail Lake and are followed in-process by the real session-logs
 * handler; each session that starts gets synthetic activity there, call by call as the clock
 * reaches it, until the session ends. A timer runs the session-logs handler's scheduled run of
 * the session summaries, with a short timing so ended sessions are summarized within seconds.
 * The handlers read the environment set here, exactly as in Lambda; one local backend per
 * process.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { ENV, type SlackSecretValue } from '../../lambdas/contract/env';
import { MACHINE_CLIENT_NAME, MACHINE_SCOPES } from '../../lambdas/contract/machine-api';
import { cliRedirectUri } from '../../lambdas/contract/runtime-config';
import { TABLE_ENV, type TableId } from '../../lambdas/contract/tables';
import { makeApiHandler } from '../../lambdas/handlers/api';
import {
  composeApi,
  makeSessionEndedSink,
  type AccessRequest,
  type ApiBackend,
} from '../../lambdas/handlers/api/compose';
import { makePreTokenHandler } from '../../lambdas/handlers/pre-token';
import { composePreToken, type PreTokenDeps } from '../../lambdas/handlers/pre-token/compose';
import {
  makePolicyCheckHandler,
  makeReconcilerEntry,
  makeReconcilerHandler,
} from '../../lambdas/handlers/reconciler';
import { composeReconciler } from '../../lambdas/handlers/reconciler/compose';
import { makeRouterHandler } from '../../lambdas/handlers/router';
import { composeRouter, type RouterDeps } from '../../lambdas/handlers/router/compose';
import {
  makeSessionLogsHandler,
  type FollowOptions,
  type ProcessSummariesOptions,
  type SessionLogsResult,
  type SummaryTiming,
} from '../../lambdas/handlers/session-logs';
import { composeSessionLogs } from '../../lambdas/handlers/session-logs/compose';
import { makeSlackInteractionHandler } from '../../lambdas/handlers/slack-interactions';
import { composeSlackInteractions } from '../../lambdas/handlers/slack-interactions/compose';
import { startAppSync, type RunningAppSync } from '../appsync';
import {
  startAuth,
  type DemoIdentity,
  type MachineClientOptions,
  type RunningAuth,
  type TokenSet,
} from '../auth';
import { startCloudTrailLake, type RunningCloudTrailLake } from '../cloudtrail';
import {
  createTables,
  startDynamoDbLocal,
  startStreamPoller,
  tableInputsFromSchema,
  tableNamesWithPrefix,
  TABLE_IDS,
  type RunningDynamoDbLocal,
  type StreamPoller,
} from '../dynamodb';
import { eventFilter, passesFilters } from '../dynamodb/event-filter';
import { startFunctionUrl } from '../common/function-url';
import { startOutbox, type RunningOutbox } from '../outbox';
import { startSecretsManager, type RunningSecretsManager } from '../secrets';
import {
  createStepFunctionsService,
  WallClock,
  type SchedulingClock,
  type StepFunctionsService,
} from '../sfn';
import {
  loadDemoOrg,
  POLL_DELAYS_MS,
  startSimulators,
  type DemoOrg,
  type IdentityCenterProfileName,
  type Simulators,
} from '../sim';
import { applyEnvironment, ENDPOINT_ENV } from './env';
import { pastRequests } from './history';
import { persistAssignments, resumeWorkflows } from './restart';
import { DEMO_NOTIFICATIONS, seedDemoData, type SeedResult } from './seed';
import {
  inProcessFollower,
  plannedSessionEvents,
  sessionActivityRecorder,
  type InProcessFollower,
} from './session-logs';

export { DEMO_NOTIFICATIONS, seedDemoData, type SeedApi, type SeedResult } from './seed';
export { ENDPOINT_ENV } from './env';

/** The schema file AppSync serves, unchanged. */
export const SCHEMA_PATH = fileURLToPath(new URL('../../graphql/schema.graphql', import.meta.url));

/** The app client of the sign-in stand-in (TEAM's public web client). */
export const LOCAL_CLIENT_ID = 'team_local_web';
/**
 * The `team` command line's public client. Locally it may redirect to a loopback callback on any
 * port (tests and busy ports); Cognito accepts only the registered `http://localhost:8976/callback`.
 */
export const LOCAL_CLI_CLIENT_ID = 'team_local_cli';
/**
 * The demo machine client (client-credentials grant, every machine scope), for trying the machine
 * API with curl: `npm start` prints it. Everything listens on 127.0.0.1 only, so the secret is no
 * secret; it is fixed so that the docs can show it.
 */
export const LOCAL_MACHINE_CLIENT: MachineClientOptions = {
  clientId: 'team_local_machine',
  clientSecret: 'team-local-machine-secret',
  name: MACHINE_CLIENT_NAME,
  scopes: MACHINE_SCOPES,
};
/** Name of the notification secret (Slack token and signing secret, Teams webhook) in the local Secrets Manager. */
export const LOCAL_SLACK_SECRET = 'team-local/slack';
/** Region every local service claims to be in. */
export const LOCAL_REGION = 'us-east-1';
const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };
const NOTIFICATION_TOPIC = 'team-notifications';
/** The fallback TEAM group names (what the deployment config names), as in the demo org. */
export const LOCAL_GROUPS = { admin: 'TEAM-Admins', auditor: 'TEAM-Auditors' } as const;

export interface LocalBackendOptions {
  /** Where DynamoDB Local and the outbox keep their data; undefined keeps everything in memory. */
  dataDir?: string | undefined;
  /**
   * A DynamoDB Local that is already running (in memory), shared with others: the backend creates
   * its tables there under a prefix of its own and deletes them when it stops, instead of starting
   * a JVM of its own. Not with `dataDir`.
   */
  dynamoEndpoint?: string | undefined;
  /** Drives the workflows' waits and every "now" of the backend (default: the wall clock). */
  clock?: SchedulingClock;
  /** The organization to simulate (default `local/demo-org.json`). */
  org?: DemoOrg;
  /** Callback URLs the sign-in stand-in accepts (the SPA's); more with `auth.registerRedirectUri`. */
  redirectUris?: string[];
  /**
   * The schema the local AppSync serves instead of graphql/schema.graphql (default): for tests of
   * a schema change before it lands.
   */
  schemaSdl?: string;
  /**
   * Session-log provider the handlers are told about: `cloudtrail-lake` (default) queries the
   * local CloudTrail Lake; `none` hides the feature (every query is DISABLED).
   */
  sessionLogProvider?: 'none' | 'cloudtrail-lake';
  /** Backoff of the in-process session-log follower (default: the Lambda's, 1 s doubling to 8 s). */
  sessionLogFollow?: Pick<FollowOptions, 'firstDelayMs' | 'maxDelayMs' | 'maxWaitMs'>;
  /**
   * Record synthetic CloudTrail activity for each session that starts (default true): an opening
   * burst at once, then calls as the clock reaches them, until the session ends.
   */
  sessionActivity?: boolean;
  /**
   * How fast the simulated Identity Center is (`local/sim/profiles.ts`): `fast` (default) ends an
   * assignment in 50 ms, `realistic` as Identity Center does (seconds, throttled at its quotas).
   */
  identityCenterProfile?: IdentityCenterProfileName;
  /**
   * Told of every invocation of the router (benchmarks: what each one would be billed): its
   * wall-clock time and the process's CPU time meanwhile, in milliseconds.
   */
  onInvocation?: InvocationObserver;
  /** Stream poll interval in ms (default 100). */
  pollIntervalMs?: number;
  /**
   * Runs the reconciler this often (wall-clock milliseconds), as the stack's schedule does every
   * 15 minutes; off when omitted (tests run it when they mean to).
   */
  reconcileEveryMs?: number;
  /**
   * Runs the policy check once the demo data is in and then this often, as the stack's daily
   * schedule does; off when omitted.
   */
  checkPoliciesEveryMs?: number;
  /**
   * Runs the session summaries (session review) this often, wall-clock milliseconds, as the
   * stack's 5-minute schedule does; off when omitted (tests call `summarizeSessions()`).
   */
  sessionSummaryEveryMs?: number;
  /**
   * Days of past requests to generate for the demo (see history.ts) when the Requests table is
   * empty; none when omitted.
   */
  demoHistoryDays?: number;
  /** The summaries' timing (default `LOCAL_SUMMARY_TIMING`: seconds instead of hours). */
  sessionSummaryTiming?: Partial<SummaryTiming>;
}

/**
 * The local cloud's timing of session summaries: the demo's activity is in the local CloudTrail
 * Lake as it happens, so an ended session is looked at seconds after it ended, looked at again a
 * few seconds later while nothing is found, and given up on after a minute.
 */
export const LOCAL_SUMMARY_TIMING: SummaryTiming = {
  firstLookAfterMs: 2_000,
  retryDelayMs: 3_000,
  maxRetryDelayMs: 10_000,
  lateDeliveryWindowMs: 60_000,
  pollAgainMs: 1_000,
};

/** How the local run follows a query of the local CloudTrail Lake (it answers in milliseconds). */
const LOCAL_SUMMARY_FOLLOW: Pick<ProcessSummariesOptions, 'firstPollMs' | 'maxPollMs' | 'maxFollowMs'> = {
  firstPollMs: 100,
  maxPollMs: 1_000,
  maxFollowMs: 10_000,
};

export interface LocalBackendUrls {
  graphql: string;
  realtime: string;
  auth: string;
  dynamodb: string;
  stepFunctions: string;
  ssoAdmin: string;
  identityStore: string;
  organizations: string;
  secretsManager: string;
  outbox: string;
  cloudTrail: string;
  /** Slack's interactivity Request URL (the local function URL of the handler). */
  slackInteractions: string;
}

export interface LocalBackend {
  urls: LocalBackendUrls;
  /** How fast the simulated Identity Center is. */
  identityCenterProfile: IdentityCenterProfileName;
  /** The status-check pauses of the workflow tasks and the reconciler against that profile (undefined: the deployed ones). */
  pollDelaysMs: readonly number[] | undefined;
  /** Table names by table id. */
  tables: Record<TableId, string>;
  org: DemoOrg;
  /** The people who can sign in (every user of the demo org). */
  identities: DemoIdentity[];
  /** The demo machine client; its tokens come from `auth.tokenEndpoint`. */
  machineClient: MachineClientOptions;
  clock: SchedulingClock;
  /** The api function's composition (ports, use cases), as the api handler uses it. */
  backend: ApiBackend;
  /** The router's composition (the workflow it starts and resumes, the realtime publisher). */
  router: RouterDeps;
  dynamo: { client: DynamoDBClient };
  seeded: SeedResult;
  simulators: Simulators;
  appsync: RunningAppSync;
  auth: RunningAuth;
  stepFunctions: StepFunctionsService;
  poller: StreamPoller;
  outbox: RunningOutbox;
  secrets: RunningSecretsManager;
  cloudTrail: RunningCloudTrailLake;
  /** Follows started session-log queries in this process (`idle()` waits for them). */
  sessionLogFollower: InProcessFollower;
  /** Runs the session summaries once now (what the schedule does), with the local timing. */
  summarizeSessions(): Promise<SessionLogsResult>;
  /**
   * Registers a state machine (e.g. the request workflow from `cdk.out`) and, with
   * `requestWorkflow: true`, makes it the one the router starts for every new request. Returns
   * its ARN.
   */
  registerStateMachine(
    name: string,
    definition: unknown,
    options?: {
      substitutions?: Record<string, string>;
      requestWorkflow?: boolean;
      /**
       * With the request workflow: the filter patterns of the router's event source mapping as
       * the stack deploys them (records matching none never reach the router, as in Lambda).
       */
      routerFilters?: readonly string[];
    },
  ): string;
  /**
   * Starts the workflow of every stored request that is not through it (kept data: the last
   * run's executions are gone). Call once the request workflow is registered; returns the
   * request ids.
   */
  resumeWorkflows(): Promise<string[]>;
  /** Signs a demo user in without a browser (runs the real pre-token trigger). */
  tokensFor(userName: string): Promise<TokenSet>;
  /** Resolves once the stream has been delivered to the router and no workflow is busy. */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

function demoIdentities(org: DemoOrg): DemoIdentity[] {
  return org.users.map((u) => ({
    userName: u.userName,
    email: u.email,
    displayName: u.displayName,
    groups: org.groups.filter((g) => g.members.includes(u.userName)).map((g) => g.displayName),
  }));
}

/** The handlers' clock over the scheduling clock. */
function handlerClock(clock: SchedulingClock): { now(): Date } {
  return { now: () => new Date(clock.now()) };
}

/** Sees one function invocation: its name, wall-clock and process CPU milliseconds. */
export type InvocationObserver = (fn: string, wallMs: number, cpuMs: number) => void;

/** Runs `body` as one invocation of `fn` and tells `observe` how long it took. */
export async function timed<T>(
  fn: string,
  observe: InvocationObserver | undefined,
  body: () => Promise<T>,
): Promise<T> {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  try {
    return await body();
  } finally {
    const used = process.cpuUsage(cpu);
    observe?.(fn, performance.now() - wall, (used.user + used.system) / 1000);
  }
}

/** Starts a DynamoDB Local for this backend alone (kept in `dataDir`, else in memory). */
async function startOwnDynamoDbLocal(
  dataDir: string | undefined,
  stops: (() => Promise<void> | void)[],
): Promise<RunningDynamoDbLocal> {
  const local = await startDynamoDbLocal(
    dataDir ? { dataDir: join(dataDir, 'dynamodb') } : { inMemory: true },
  );
  stops.push(() => local.stop());
  return local;
}

/** Deletes the backend's tables from a shared DynamoDB Local (what is already gone is fine). */
async function deleteTables(client: DynamoDBClient, names: readonly string[]): Promise<void> {
  await Promise.all(
    names.map((TableName) => client.send(new DeleteTableCommand({ TableName })).catch(() => undefined)),
  );
}

/** Starts the local backend; `stop()` closes everything it started. */
export async function startLocalBackend(options: LocalBackendOptions = {}): Promise<LocalBackend> {
  const org = options.org ?? loadDemoOrg();
  const clock = options.clock ?? new WallClock();
  const now = () => new Date(clock.now());
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch {
        // keep closing the rest
      }
    }
    stops.length = 0;
  };

  try {
    if (options.dynamoEndpoint && options.dataDir) {
      throw new Error(
        'A shared DynamoDB Local keeps nothing: dynamoEndpoint and dataDir exclude each other.',
      );
    }
    const dynamoLocal: Pick<RunningDynamoDbLocal, 'endpoint'> = options.dynamoEndpoint
      ? { endpoint: options.dynamoEndpoint }
      : await startOwnDynamoDbLocal(options.dataDir, stops);
    const client = new DynamoDBClient({
      endpoint: dynamoLocal.endpoint,
      region: LOCAL_REGION,
      credentials: LOCAL_CREDENTIALS,
    });
    stops.push(() => client.destroy());
    // Alone, the tables have the names the docs show; in a shared DynamoDB Local, names of their own.
    const tables = tableNamesWithPrefix(
      options.dynamoEndpoint ? `team-${randomBytes(4).toString('hex')}-` : 'team-',
    );
    await createTables(
      client,
      tableInputsFromSchema((id) => tables[id]),
    );
    if (options.dynamoEndpoint) stops.push(() => deleteTables(client, Object.values(tables)));

    const identityCenterProfile = options.identityCenterProfile ?? 'fast';
    const pollDelaysMs = POLL_DELAYS_MS[identityCenterProfile];
    const simulators = await startSimulators({
      org,
      now,
      profile: identityCenterProfile,
    });
    stops.push(() => simulators.stop());
    if (options.dataDir) {
      // Identity Center keeps its assignments across restarts; so does its stand-in.
      stops.push(persistAssignments(simulators.state, join(options.dataDir, 'identity-center.json')));
    }
    const outbox = await startOutbox({
      region: LOCAL_REGION,
      snsTopics: [NOTIFICATION_TOPIC],
      // Every demo user has a Slack account, so direct messages reach them as they would.
      slackUsers: org.users.map((u) => ({ email: u.email, name: u.displayName ?? u.userName })),
      ...(options.dataDir ? { file: join(options.dataDir, 'outbox.jsonl') } : {}),
    });
    stops.push(() => outbox.stop());
    // The local Secrets Manager keeps nothing between runs, while the settings (kept data) say
    // what is configured: it starts with the demo's values, as a deployment's secret would still
    // hold them — the outbox's Slack token and signing secret, and its Teams webhook (whose port
    // changes between runs), so notifications and Slack's buttons work after a restart too.
    const notificationSecret: SlackSecretValue = {
      slackToken: DEMO_NOTIFICATIONS.slackToken,
      slackSigningSecret: DEMO_NOTIFICATIONS.slackSigningSecret,
      teamsWebhookUrl: outbox.teamsWebhookUrl,
    };
    const secrets = await startSecretsManager({
      region: LOCAL_REGION,
      now,
      secrets: [
        {
          name: LOCAL_SLACK_SECRET,
          value: JSON.stringify(notificationSecret),
          description: 'TEAM notification secrets (Slack bot token and signing secret, Teams webhook URL)',
        },
      ],
    });
    stops.push(() => secrets.stop());
    const cloudTrail = await startCloudTrailLake({ region: LOCAL_REGION, now });
    stops.push(() => cloudTrail.stop());

    const stepFunctions = createStepFunctionsService({
      clock,
      region: LOCAL_REGION,
      aws: {
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        endpoints: {
          dynamodb: dynamoLocal.endpoint,
          ssoadmin: simulators.ssoAdmin.url,
          identitystore: simulators.identityStore.url,
          organizations: simulators.organizations.url,
          secretsmanager: secrets.url,
          cloudtrail: cloudTrail.url,
          sesv2: outbox.sesUrl,
          sns: outbox.snsUrl,
        },
      },
    });
    stops.push(() => stepFunctions.stop());
    const sfnEndpoint = await stepFunctions.listen();

    // The handlers are the deployed ones, each over its own function's composition, which they
    // resolve on each call: AppSync and the sign-in stand-in start before the compositions are
    // built (those need their URLs).
    const functions: { built?: { api: ApiBackend; router: RouterDeps; preToken: PreTokenDeps } } = {};
    const built = () => {
      if (!functions.built) throw new Error('The local backend is still starting.');
      return functions.built;
    };
    const preTokenHandler = makePreTokenHandler({ deps: () => built().preToken });
    // The in-process api handler throws its errors, which the local AppSync reads as Lambda's would.
    const apiHandler = makeApiHandler({ backend: () => built().api });
    const routerHandler = makeRouterHandler({ deps: () => built().router });
    const auth = await startAuth({
      users: demoIdentities(org),
      clientId: LOCAL_CLIENT_ID,
      cliClient: { clientId: LOCAL_CLI_CLIENT_ID, redirectUris: [cliRedirectUri()], anyLoopbackPort: true },
      machineClients: [LOCAL_MACHINE_CLIENT],
      redirectUris: options.redirectUris ?? [],
      preTokenGeneration: (event) => preTokenHandler(event),
      region: LOCAL_REGION,
      now: () => clock.now(),
    });
    stops.push(() => auth.stop());
    const appsync = await startAppSync({
      ...(options.schemaSdl === undefined ? { schemaPath: SCHEMA_PATH } : { schemaSdl: options.schemaSdl }),
      verifyToken: (jwt) => auth.verifyToken(jwt),
      resolve: (event) => apiHandler(event),
    });
    stops.push(() => appsync.stop());

    const restoreEnv = applyEnvironment({
      AWS_REGION: LOCAL_REGION,
      AWS_DEFAULT_REGION: LOCAL_REGION,
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
      AWS_EC2_METADATA_DISABLED: 'true',
      [ENDPOINT_ENV.dynamodb]: dynamoLocal.endpoint,
      [ENDPOINT_ENV.ssoAdmin]: simulators.ssoAdmin.url,
      [ENDPOINT_ENV.identityStore]: simulators.identityStore.url,
      [ENDPOINT_ENV.organizations]: simulators.organizations.url,
      [ENDPOINT_ENV.sfn]: sfnEndpoint.url,
      [ENDPOINT_ENV.secretsManager]: secrets.url,
      [ENDPOINT_ENV.cloudTrail]: cloudTrail.url,
      [ENDPOINT_ENV.sesv2]: outbox.sesUrl,
      [ENDPOINT_ENV.sns]: outbox.snsUrl,
      ...Object.fromEntries(TABLE_IDS.map((id) => [TABLE_ENV[id], tables[id]])),
      [ENV.environment]: 'local',
      [ENV.idcInstanceArn]: org.identityCenter.instanceArn,
      [ENV.identityStoreId]: org.identityCenter.identityStoreId,
      [ENV.idcRegion]: org.identityCenter.region,
      [ENV.managementAccountId]: org.organization.managementAccountId,
      [ENV.adminGroup]: LOCAL_GROUPS.admin,
      [ENV.auditorGroup]: LOCAL_GROUPS.auditor,
      [ENV.sessionLogProvider]: options.sessionLogProvider ?? 'cloudtrail-lake',
      [ENV.graphqlUrl]: appsync.url,
      [ENV.slackSecretArn]: LOCAL_SLACK_SECRET,
      [ENV.notificationTopicArn]: `arn:aws:sns:${LOCAL_REGION}:123456789012:${NOTIFICATION_TOPIC}`,
      [ENV.eventDataStoreArn]: cloudTrail.eventDataStoreArn,
      [ENV.machineClients]: JSON.stringify([
        { clientId: LOCAL_MACHINE_CLIENT.clientId, name: LOCAL_MACHINE_CLIENT.name },
      ]),
    });
    stops.push(restoreEnv);

    // Each function's composition reads the environment just set, as in Lambda.
    let workflowArn: string | undefined;
    const sessionLogs = composeSessionLogs({ clock: handlerClock(clock) });
    stops.push(() => sessionLogs.close());
    // Like an asynchronous Lambda invocation: the api hands the query over and answers at once.
    const sessionLogFollower = inProcessFollower(
      () => sessionLogs,
      options.sessionLogFollow ? { follow: options.sessionLogFollow } : {},
    );
    // The schedule of the session summaries: one run at a time, the next one after it ends.
    let summarizing: Promise<SessionLogsResult> | undefined;
    const summaries = new AbortController();
    stops.push(async () => {
      summaries.abort();
      await summarizing?.catch(() => undefined);
    });
    const summaryHandler = makeSessionLogsHandler({
      deps: () => sessionLogs,
      summaries: {
        ...LOCAL_SUMMARY_FOLLOW,
        timing: { ...LOCAL_SUMMARY_TIMING, ...options.sessionSummaryTiming },
        signal: summaries.signal,
      },
    });
    const summarizeSessions = (): Promise<SessionLogsResult> => {
      summarizing ??= summaryHandler({ kind: 'session-summaries' }).finally(() => {
        summarizing = undefined;
      });
      return summarizing;
    };
    if (options.sessionSummaryEveryMs) {
      const every = options.sessionSummaryEveryMs;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const tick = () => {
        summarizeSessions()
          .catch((error: unknown) => console.error('The local session summaries failed:', error))
          .finally(() => {
            if (summaries.signal.aborted) return;
            timer = setTimeout(tick, every);
            timer.unref();
          });
      };
      timer = setTimeout(tick, every);
      timer.unref();
      stops.push(() => clearTimeout(timer));
    }
    // The reconciler an admin starts (`reconcileNow`) runs in this process, as an asynchronous
    // Lambda invocation would: the api answers at once. Its Slack posts go to the outbox's stub.
    // Composed on first use: by then the local cloud has set APP_URL (the links it sends).
    let reconcilerPorts: ReturnType<typeof composeReconciler> | undefined;
    stops.push(() => reconcilerPorts?.close());
    const reconcilerDeps = () =>
      (reconcilerPorts ??= composeReconciler({
        clock: handlerClock(clock),
        slackApiUrl: outbox.slackApiUrl,
        ...(pollDelaysMs ? { pollDelaysMs } : {}),
      }));
    const reconcilerHandler = makeReconcilerHandler({ deps: reconcilerDeps });
    // What an admin starts: a reconciliation or a rebuild of the dashboard's counters.
    const reconcilerEntry = makeReconcilerEntry({ deps: reconcilerDeps });
    const policyCheck = makePolicyCheckHandler({ deps: reconcilerDeps });
    const reconciler = {
      start: async (request: unknown) => {
        reconcilerEntry(request).catch((error: unknown) => {
          console.error('The local reconciler failed:', error);
        });
        return Promise.resolve();
      },
    };
    if (options.reconcileEveryMs) {
      const timer = setInterval(() => {
        reconcilerHandler({ kind: 'scheduled' }).catch((error: unknown) => {
          console.error('The local reconciler failed:', error);
        });
      }, options.reconcileEveryMs);
      timer.unref();
      stops.push(() => clearInterval(timer));
    }
    const backend = composeApi({ clock: handlerClock(clock), sessionLogFollower, reconciler });
    stops.push(() => backend.close());
    const router = composeRouter({ workflowStateMachineArn: () => workflowArn });
    stops.push(() => router.close());
    const preToken = composePreToken({ clock: handlerClock(clock) });
    stops.push(() => preToken.close());
    functions.built = { api: backend, router, preToken };
    // Slack's Approve and Reject: the real interactivity handler behind a local function URL,
    // which the outbox's Slack stand-in calls with signed payloads as Slack would.
    const slackInteractions = composeSlackInteractions({
      clock: handlerClock(clock),
      slackApiUrl: outbox.slackApiUrl,
    });
    stops.push(() => slackInteractions.close());
    const slackInteractionUrl = await startFunctionUrl(
      makeSlackInteractionHandler({ deps: () => slackInteractions }),
    );
    stops.push(() => slackInteractionUrl.stop());
    outbox.knobs.slack.setInteractivityUrl(slackInteractionUrl.url);
    stops.push(() => sessionLogFollower.stop());

    const seeded = await seedDemoData(org, {
      graphqlUrl: appsync.url,
      adminGroup: LOCAL_GROUPS.admin,
      accessTokenOf: async (userName) => (await auth.tokensFor(userName)).accessToken,
      teamsWebhookUrl: outbox.teamsWebhookUrl,
    });
    if (options.checkPoliciesEveryMs) {
      const check = () =>
        policyCheck().catch((error: unknown) => {
          console.error('The local policy check failed:', error);
        });
      void check();
      const timer = setInterval(() => void check(), options.checkPoliciesEveryMs);
      timer.unref();
      stops.push(() => clearInterval(timer));
    }
    const activity =
      options.sessionActivity === false
        ? undefined
        : sessionActivityRecorder({
            directory: backend.ports.directory,
            record: (events) => cloudTrail.addEvents(events),
            clock,
          });
    if (activity) stops.push(() => activity.stop());

    // A past session's calls (the synthetic activity a live one gets), then its summary is due.
    const provider = options.sessionLogProvider ?? 'cloudtrail-lake';
    const summaryDue =
      provider === 'none'
        ? undefined
        : makeSessionEndedSink({
            summaries: backend.ports.sessionSummaries,
            clock: handlerClock(clock),
            provider,
            directory: backend.ports.directory,
          });
    const pastSessionEnded = async (request: AccessRequest) => {
      const userName = (await backend.ports.directory.getUser(request.requester.id))?.userName;
      if (activity && userName && request.grantedAt && request.endedAt) {
        const stop = Date.parse(request.revokedAt ?? request.endedAt);
        const session = { ...request, status: 'in progress' as const, grantedAt: request.grantedAt };
        cloudTrail.addEvents(
          plannedSessionEvents(session, userName).filter((e) => Date.parse(e.eventTime) <= stop),
        );
      }
      await summaryDue?.sessionEnded(request);
    };
    // Past requests for the demo, before the router reads the stream (it then starts at its end).
    const history =
      options.demoHistoryDays && (await backend.ports.requests.listAll({ limit: 1 })).items.length === 0
        ? await pastRequests(
            org,
            options.demoHistoryDays,
            clock.now(),
            { sessionLogFollower, reconciler },
            { sessionEnded: pastSessionEnded },
          )
        : undefined;

    let routerFilters: ((record: unknown) => boolean)[] = [];
    const poller = await startStreamPoller({
      endpoint: dynamoLocal.endpoint,
      tableName: tables.Requests,
      handler: options.onInvocation
        ? (event) => timed('router', options.onInvocation, () => routerHandler(event))
        : (event) => routerHandler(event),
      filter: (record) => passesFilters(routerFilters, record),
      // The synthetic activity follows every status change, including those the router skips.
      ...(activity ? { observe: (event: DynamoDBStreamEvent) => activity.observe(event) } : {}),
      pollIntervalMs: options.pollIntervalMs ?? 100,
      region: LOCAL_REGION,
      // Kept data: what happened before this run was routed then (its workflows are gone).
      startingPosition: options.dataDir || history ? 'LATEST' : 'TRIM_HORIZON',
    });
    stops.push(() => poller.stop());

    const urls: LocalBackendUrls = {
      graphql: appsync.url,
      realtime: appsync.realtimeUrl,
      auth: auth.url,
      dynamodb: dynamoLocal.endpoint,
      stepFunctions: sfnEndpoint.url,
      ssoAdmin: simulators.ssoAdmin.url,
      identityStore: simulators.identityStore.url,
      organizations: simulators.organizations.url,
      secretsManager: secrets.url,
      outbox: outbox.url,
      cloudTrail: cloudTrail.url,
      slackInteractions: slackInteractionUrl.url,
    };

    return {
      urls,
      identityCenterProfile,
      pollDelaysMs,
      tables,
      org,
      identities: demoIdentities(org),
      machineClient: LOCAL_MACHINE_CLIENT,
      clock,
      backend,
      router,
      dynamo: { client },
      seeded,
      simulators,
      appsync,
      auth,
      stepFunctions,
      poller,
      outbox,
      secrets,
      cloudTrail,
      sessionLogFollower,
      summarizeSessions,
      registerStateMachine(name, definition, registration = {}) {
        const { stateMachineArn } = stepFunctions.createStateMachine({
          name,
          definition,
          ...(registration.substitutions ? { definitionSubstitutions: registration.substitutions } : {}),
        });
        if (registration.requestWorkflow) {
          workflowArn = stateMachineArn;
          routerFilters = (registration.routerFilters ?? []).map(eventFilter);
        }
        return stateMachineArn;
      },
      resumeWorkflows: () => resumeWorkflows(backend.ports.requests, router.workflow),
      tokensFor: (userName) => auth.tokensFor(userName),
      async settle() {
        // A router call can start or resume a workflow, and a workflow step can write a request
        // (another stream record): go round until both are quiet.
        // Progress of either: stream batches, and states entered by any execution (most of the
        // workflow's writes never reach the router, so its batches alone would miss them).
        const progress = () => {
          const sfn = stepFunctions.stats();
          return `${poller.stats().invocations}/${sfn.statesEntered + sfn.retries}/${sfn.executions.RUNNING}`;
        };
        for (let round = 0; round < 20; round += 1) {
          const before = progress();
          await poller.drain(30_000);
          await stepFunctions.idle();
          await poller.drain(30_000);
          await new Promise((resolve) => setTimeout(resolve, 0));
          await stepFunctions.idle();
          if (progress() === before) return;
        }
      },
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
