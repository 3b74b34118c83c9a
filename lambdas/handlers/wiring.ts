/**
 * Composition: the adapters and the core use cases every handler uses, built once per
 * process. `makeBackend(ports)` wires use cases over any ports (tests pass their own);
 * `makeAwsBackend(config)` builds the AWS adapters from the configuration; `getBackend()` does
 * that lazily on the first invocation (so importing a handler has no side effects) unless
 * `setBackend()` installed one before (the local cloud, tests).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { IdentitystoreClient } from '@aws-sdk/client-identitystore';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSOAdminClient } from '@aws-sdk/client-sso-admin';
import { Logger } from '@aws-lambda-powertools/logger';
import {
  loadSettings,
  makeApproveRequest,
  makeCancelRequest,
  makeCreateApproverPolicies,
  makeCreateEligibilityPolicies,
  makeCreateRequest,
  makeDeleteApproverPolicies,
  makeDeleteEligibilityPolicies,
  makeGetRequest,
  makeGetRequestFormOptions,
  makeGetSettings,
  makeListActiveAccess,
  makeListApproverPolicies,
  makeListAuditRequests,
  makeListAuditSessions,
  makeListEligibilityPolicies,
  makeListEndedAccess,
  makeListMyApprovals,
  makeListMyRequests,
  makeListPendingApprovals,
  makeListRequestEvents,
  makeRejectRequest,
  makeRevokeRequest,
  makeUpdateApproverPolicy,
  makeUpdateEligibilityPolicy,
  makeUpdateSettings,
  type CoreDeps,
} from '../core';
import type { Clock, IdGenerator, RealtimePublisher, RequestWorkflow, SecretStore } from '../core/ports';
import type { AccountInfo, DirectoryUser, Settings } from '../core/types';
import { TtlCache } from '../adapters/cache';
import { systemClock } from '../adapters/clock';
import { uuidIds } from '../adapters/ids';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { DynamoOuCache, type OuAccountsCache } from '../adapters/dynamodb/ou-cache';
import { DynamoPolicyRepository } from '../adapters/dynamodb/policies';
import { DynamoRequestRepository } from '../adapters/dynamodb/requests';
import { DynamoSessionQueryRepository } from '../adapters/dynamodb/session-queries';
import { DynamoSettingsRepository } from '../adapters/dynamodb/settings';
import { IdentityCenterDirectory } from '../adapters/identity-center';
import { AwsOrganization } from '../adapters/organizations';
import { SecretsManagerStore } from '../adapters/secrets';
import {
  AthenaSessionLogProvider,
  CloudTrailLakeSessionLogProvider,
  createAthenaClient,
  createCloudTrailClient,
  type SessionLogProviderConfig,
} from '../adapters/session-logs';
import { StepFunctionsAdapter } from '../adapters/step-functions';
import type { SessionLogProvider } from '../core/session-logs';
import { CallerLookup } from './api/identity';
import {
  AppSyncSessionLogPublisher,
  disabledSessionLogs,
  forwardOnly,
  LambdaSessionLogFollower,
  makeSessionLogService,
  type SessionLogFollower,
  type SessionLogPorts,
} from './api/session-log-service';
import { ConfigError, currentConfig, type HandlerConfig } from './config';
import { StepFunctionsLifecycle } from './router/lifecycle';
import { AppSyncRealtimePublisher } from './router/realtime';

/** Every port the handlers use: the core's, plus what only the handlers need. */
export interface BackendPorts extends CoreDeps {
  ouCache: OuAccountsCache;
  /** Session-log provider (none: undefined), query state, follower and publisher. */
  sessionLogs: SessionLogPorts;
  /** Absent where the lifecycle is not wired (the api does not start workflows). */
  lifecycle?: RequestWorkflow;
  /** Absent where no GraphQL endpoint is configured. */
  realtime?: RealtimePublisher;
}

/** The use cases, wired once over the ports. */
export type UseCases = ReturnType<typeof makeUseCases>;

function makeUseCases(ports: BackendPorts) {
  return {
    getRequestFormOptions: makeGetRequestFormOptions(ports),
    createRequest: makeCreateRequest(ports),
    approveRequest: makeApproveRequest(ports),
    rejectRequest: makeRejectRequest(ports),
    cancelRequest: makeCancelRequest(ports),
    revokeRequest: makeRevokeRequest(ports),
    getRequest: makeGetRequest(ports),
    listRequestEvents: makeListRequestEvents(ports),
    listMyRequests: makeListMyRequests(ports),
    listPendingApprovals: makeListPendingApprovals(ports),
    listMyApprovals: makeListMyApprovals(ports),
    listActiveAccess: makeListActiveAccess(ports),
    listEndedAccess: makeListEndedAccess(ports),
    listAuditRequests: makeListAuditRequests(ports),
    listAuditSessions: makeListAuditSessions(ports),
    getSettings: makeGetSettings(ports),
    updateSettings: makeUpdateSettings(ports),
    listEligibilityPolicies: makeListEligibilityPolicies(ports),
    createEligibilityPolicies: makeCreateEligibilityPolicies(ports),
    updateEligibilityPolicy: makeUpdateEligibilityPolicy(ports),
    deleteEligibilityPolicies: makeDeleteEligibilityPolicies(ports),
    listApproverPolicies: makeListApproverPolicies(ports),
    createApproverPolicies: makeCreateApproverPolicies(ports),
    updateApproverPolicy: makeUpdateApproverPolicy(ports),
    deleteApproverPolicies: makeDeleteApproverPolicies(ports),
    sessionLogs: makeSessionLogService(ports),
  };
}

/**
 * The full lists behind the admin pickers, kept for a minute: a picker pages through them and
 * asks again for every keystroke of its filter.
 */
export interface PickerLists {
  accounts(): Promise<AccountInfo[]>;
  users(): Promise<DirectoryUser[]>;
}

/** Everything a handler needs. */
export interface Backend {
  ports: BackendPorts;
  usecases: UseCases;
  /** Server-side lookup of callers whose token lacks the TEAM claims. */
  callers: CallerLookup;
  pickers: PickerLists;
  /** The settings in force (for handlers that need them outside a use case). */
  settings(): Promise<Settings>;
  /** Releases the SDK clients' sockets (local cloud and tests; Lambda never needs it). */
  close(): void;
}

/** Wires the use cases and helpers over `ports`. */
export function makeBackend(ports: BackendPorts): Backend {
  const lists = new TtlCache<AccountInfo[] | DirectoryUser[]>(60_000, ports.clock, 4);
  return {
    ports,
    usecases: makeUseCases(ports),
    callers: new CallerLookup(ports.directory, ports.clock),
    pickers: {
      accounts: () =>
        lists.get('accounts', () => ports.organization.listAccounts()) as Promise<AccountInfo[]>,
      users: () => lists.get('users', () => ports.directory.listUsers()) as Promise<DirectoryUser[]>,
    },
    settings: () => loadSettings(ports),
    close: () => undefined,
  };
}

/** Options of `makeAwsBackend` that the environment cannot carry. */
export interface AwsBackendOverrides {
  clock?: Clock;
  ids?: IdGenerator;
  /** Where the lifecycle's ARN comes from (default: the configuration). */
  lifecycleStateMachineArn?: () => string | undefined;
  logger?: Logger;
  /** The DynamoDB client to use (tests pass an instrumented one; it is not closed by `close()`). */
  dynamoDb?: DynamoDBClient;
  /**
   * Who follows started session-log queries (the local cloud: an in-process call). Default: the
   * session-logs function named by the configuration, invoked asynchronously.
   */
  sessionLogFollower?: SessionLogFollower;
}

/** A secret store for functions deployed without the Slack secret: any use is a ConfigError. */
function missingSecretStore(): SecretStore {
  const fail = async (): Promise<never> => {
    throw new ConfigError('TEAM handler configuration is incomplete: SLACK_SECRET_ARN is not set.');
  };
  return { putSlackToken: fail, deleteSlackToken: fail, getSlackToken: fail };
}

/**
 * Builds the AWS adapters from the configuration and wires them. Clients are created here but
 * call nothing until used; endpoints come from the SDK's own configuration (in the local cloud,
 * `AWS_ENDPOINT_URL_<SERVICE>`).
 */
export function makeAwsBackend(config: HandlerConfig, overrides: AwsBackendOverrides = {}): Backend {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? new Logger({ serviceName: 'team' });
  const dynamo = overrides.dynamoDb ?? new DynamoDBClient({ region: config.region });
  const db = createDocumentClient(dynamo);
  const tables = config.tables;
  const settingsRepo = new DynamoSettingsRepository(db, tables.Settings);
  const fallback = {
    adminGroupName: config.fallbackGroups.admin,
    auditorGroupName: config.fallbackGroups.auditor,
  };
  const ouCache = new DynamoOuCache(db, tables.OuAccountsCache, { clock });
  // The OU-cache switch is a setting: read it at most every few seconds, not on every OU lookup.
  const ouCacheSwitch = new TtlCache<boolean>(10_000, clock, 1);
  const idcClients = {
    identityStore: new IdentitystoreClient({ region: config.identityCenter.region }),
    ssoAdmin: new SSOAdminClient({ region: config.identityCenter.region }),
  };
  const directory = new IdentityCenterDirectory(idcClients, {
    instanceArn: config.identityCenter.instanceArn,
    identityStoreId: config.identityCenter.identityStoreId,
    clock,
  });
  const organizations = new OrganizationsClient({ region: config.region });
  const organization = new AwsOrganization(organizations, {
    ...(config.managementAccountId ? { managementAccountId: config.managementAccountId } : {}),
    clock,
    ouCache: {
      cache: ouCache,
      enabled: () =>
        ouCacheSwitch.get(
          'on',
          async () => (await loadSettings({ settings: settingsRepo, fallback })).ouCacheEnabled,
        ),
    },
  });
  const secretsManager = new SecretsManagerClient({ region: config.region });
  const secrets = config.slackSecretId
    ? new SecretsManagerStore(secretsManager, config.slackSecretId, { clock })
    : missingSecretStore();
  const logProvider = sessionLogProviderOf(config);
  const lambda = new LambdaClient({ region: config.region });
  const sessionLogs: SessionLogPorts = logProvider.provider
    ? {
        provider: logProvider.provider,
        queries: forwardOnly(new DynamoSessionQueryRepository(db, tables.SessionLogQueries, clock)),
        ...(overrides.sessionLogFollower
          ? { follower: overrides.sessionLogFollower }
          : config.sessionLogsFunctionName
            ? { follower: new LambdaSessionLogFollower(lambda, config.sessionLogsFunctionName, logger) }
            : {}),
        ...(config.graphqlUrl
          ? {
              publisher: new AppSyncSessionLogPublisher({
                graphqlUrl: config.graphqlUrl,
                region: config.region,
              }),
            }
          : {}),
      }
    : disabledSessionLogs(clock);
  const lifecycleArn = overrides.lifecycleStateMachineArn ?? (() => config.lifecycleStateMachineArn);
  const sfn = new SFNClient({ region: config.region });
  const lifecycle = new StepFunctionsLifecycle(new StepFunctionsAdapter(sfn), lifecycleArn, logger);
  const realtime = config.graphqlUrl
    ? new AppSyncRealtimePublisher({ graphqlUrl: config.graphqlUrl, region: config.region })
    : undefined;

  const backend = makeBackend({
    requests: new DynamoRequestRepository(db, {
      requests: tables.Requests,
      approvers: tables.RequestApprovers,
      events: tables.AuditEvents,
    }),
    policies: new DynamoPolicyRepository(db, tables.Policies),
    settings: settingsRepo,
    secrets,
    directory,
    organization,
    clock,
    ids: overrides.ids ?? uuidIds,
    fallback,
    ouCache,
    sessionLogs,
    lifecycle,
    ...(realtime ? { realtime } : {}),
  });
  const clients = [
    ...(overrides.dynamoDb ? [] : [dynamo]),
    idcClients.identityStore,
    idcClients.ssoAdmin,
    organizations,
    secretsManager,
    sfn,
    lambda,
    ...logProvider.clients,
  ];
  return { ...backend, close: () => clients.forEach((c) => c.destroy()) };
}

/**
 * The deployment's session-log provider over its own SDK client (kept so `close()` releases it);
 * the SDK reads a local endpoint from `AWS_ENDPOINT_URL_<SERVICE>` itself.
 */
function sessionLogProviderOf(config: HandlerConfig): {
  provider?: SessionLogProvider;
  clients: { destroy(): void }[];
} {
  if (config.sessionLogs === undefined && config.sessionLogProvider !== 'none') {
    throw new ConfigError(
      `TEAM handler configuration is incomplete: the ${config.sessionLogProvider} session-log settings are missing.`,
    );
  }
  const settings: SessionLogProviderConfig = config.sessionLogs ?? { type: 'none' };
  switch (settings.type) {
    case 'none':
      return { clients: [] };
    case 'cloudtrail-lake': {
      const client = createCloudTrailClient({ region: settings.region });
      const provider = new CloudTrailLakeSessionLogProvider({
        client,
        eventDataStore: settings.eventDataStore,
      });
      return { provider, clients: [client] };
    }
    case 'athena': {
      const client = createAthenaClient({ region: settings.region });
      const provider = new AthenaSessionLogProvider({
        client,
        workGroup: settings.workGroup,
        database: settings.database,
        table: settings.table,
        regions: settings.regions,
      });
      return { provider, clients: [client] };
    }
  }
}

let installed: Backend | undefined;

/** The backend of this process: the installed one, or one built from the environment. */
export function getBackend(): Backend {
  installed ??= makeAwsBackend(currentConfig());
  return installed;
}

/** Installs the backend every handler of this process uses (undefined: build from env again). */
export function setBackend(backend: Backend | undefined): void {
  installed = backend;
}
