/**
 * The api function's composition root: the ports its use cases need (requests, policies,
 * settings, the Slack secret, Identity Center, Organizations with the OU cache, session-log
 * queries and the hand-over to the session-logs function, the session summaries of session
 * review) and the use cases over them, built once per container, and the relay that resumes a
 * request's workflow right after a decision.
 * `makeApiBackend(ports)` wires the use cases over any ports (tests pass fakes);
 * `composeApi(overrides)` builds the AWS adapters first, from the environment's configuration.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  loadSettings,
  makeApproveExtension,
  makeApproveRequest,
  makeCancelRequest,
  makeCreateBreakGlassRequest,
  makeExtendRequest,
  makeListReviewsPending,
  makeRejectExtension,
  makeReviewRequest,
  makeCreateApproverPolicies,
  makeCreateEligibilityPolicies,
  makeCreateRequest,
  makeDeleteApproverPolicies,
  makeDeleteEligibilityPolicies,
  makeGetRequest,
  makeGetRequestApprovers,
  makeGetRequestFormOptions,
  makeGetSettings,
  makeImportRequestHistory,
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
  makePreviewRequestHistoryImport,
  makeRejectRequest,
  makeRevokeRequest,
  makeUpdateApproverPolicy,
  makeUpdateEligibilityPolicy,
  makeUpdateSettings,
} from '../../core';
import { makeReconcileNow, makeStartDashboardRebuild, type ReconcilerTrigger } from '../../core/access';
import { makeDashboardRecorder, makeGetDashboard, type AggregateStore } from '../../core/dashboard';
import { makeCheckPoliciesNow, makeGetPolicyCheck } from '../../core/policies/policy-check';
import {
  makeExportPolicies,
  makeImportPolicies,
  makePreviewPolicyImport,
  type PolicyStateStore,
} from '../../core/policies/policy-document-import';
import type { Clock, CoreDeps, IdGenerator } from '../../core/ports';
import {
  disabledSessionLogs,
  makeSessionLogService,
  type SessionLogFollower,
  type SessionLogPorts,
} from '../../core/session-logs';
import {
  makeGetSessionSummary,
  makeListSessionsToReview,
  makeMarkSessionReviewed,
  type SessionSummaryStore,
} from '../../core/session-review';
import type { AccountInfo, DirectoryUser, Settings } from '../../core/types';
import { TtlCache } from '../../adapters/cache';
import { CallerLookup } from '../../adapters/caller-lookup';
import { systemClock } from '../../adapters/clock';
import { DynamoOuCache, type OuAccountsCache } from '../../adapters/dynamodb/ou-cache';
import { DynamoPolicyRepository } from '../../adapters/dynamodb/policies';
import { DynamoPolicyStateStore } from '../../adapters/dynamodb/policy-state';
import { uuidIds } from '../../adapters/ids';
import { LambdaReconcilerTrigger } from '../../adapters/lambda/reconciler-trigger';
import { LambdaSessionLogFollower } from '../../adapters/lambda/session-log-follower';
import { AwsOrganization } from '../../adapters/organizations';
import type { MachineClientName } from '../../contract/machine-api';
import { AwsClients } from '../aws-clients';
import { loadConfig, requireSetting, type HandlerConfig } from '../config';
import {
  aggregateStore,
  decisionRelay,
  identityCenterDirectory,
  requestRepository,
  secretStore,
  sessionLogProvider,
  sessionLogQueries,
  sessionSummaryRepository,
  settingsFallback,
  settingsRepository,
} from '../shared-adapters';

// Domain types of this root's surface, for callers that reach the domain only through it (the
// local cloud).
export type { AccessRequest, CallerIdentity, EligibleAccount } from '../../core/types';
// What the local cloud's demo history applies besides the api's use cases: the workflow's own
// status changes, the dashboard's counting, and an ended session becoming due for its summary.
export { makeApplySystemTransition } from '../../core/requests/system-transition';
export { makeDashboardRecorder } from '../../core/dashboard';
export { makeSessionEndedSink } from '../../core/session-review';
export type { SessionLogFollower } from '../../core/session-logs';

/** The api's ports: the core's, the OU cache (invalidated by admins) and the session-log ports. */
export interface ApiPorts extends CoreDeps {
  ouCache: OuAccountsCache;
  /** Session-log provider (none: undefined), query state and the follower of started queries. */
  sessionLogs: SessionLogPorts;
  /** Starts the reconciler when an admin asks (`reconcileNow`). */
  reconciler: ReconcilerTrigger;
  /** Every policy and the settings as one state, for policy documents (export, import). */
  policyState: PolicyStateStore;
  /** What ended sessions did, and their review (session review). */
  sessionSummaries: SessionSummaryStore;
  /** The dashboard's counters (read only here; the router and the workflow count). */
  aggregates: AggregateStore;
}

/** Where counting failures go in the api (the next change of the session counts what was missed). */
const CONSOLE_WARNINGS = {
  warn: (message: string, detail: Record<string, unknown>) => console.warn(message, detail),
};

/** The use cases, wired once over the ports. */
export type ApiUseCases = ReturnType<typeof makeApiUseCases>;

function makeApiUseCases(ports: ApiPorts) {
  return {
    getRequestFormOptions: makeGetRequestFormOptions(ports),
    getRequestApprovers: makeGetRequestApprovers(ports),
    createRequest: makeCreateRequest(ports),
    approveRequest: makeApproveRequest(ports),
    rejectRequest: makeRejectRequest(ports),
    cancelRequest: makeCancelRequest(ports),
    revokeRequest: makeRevokeRequest(ports),
    createBreakGlassRequest: makeCreateBreakGlassRequest(ports),
    extendRequest: makeExtendRequest(ports),
    approveExtension: makeApproveExtension(ports),
    rejectExtension: makeRejectExtension(ports),
    reviewRequest: makeReviewRequest(ports),
    listReviewsPending: makeListReviewsPending(ports),
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
    exportPolicies: makeExportPolicies(ports),
    getPolicyCheck: makeGetPolicyCheck(ports),
    checkPoliciesNow: makeCheckPoliciesNow(ports),
    previewPolicyImport: makePreviewPolicyImport(ports),
    importPolicies: makeImportPolicies(ports),
    previewRequestHistoryImport: makePreviewRequestHistoryImport(ports),
    importRequestHistory: makeImportRequestHistory(ports),
    sessionLogs: makeSessionLogService(ports),
    listSessionsToReview: makeListSessionsToReview({ summaries: ports.sessionSummaries }),
    getSessionSummary: makeGetSessionSummary({ summaries: ports.sessionSummaries }),
    markSessionReviewed: makeMarkSessionReviewed({
      ...ports,
      summaries: ports.sessionSummaries,
      dashboard: makeDashboardRecorder(
        { aggregates: ports.aggregates, clock: ports.clock, logger: CONSOLE_WARNINGS },
        { safe: true },
      ),
    }),
    reconcileNow: makeReconcileNow(ports),
    getDashboard: makeGetDashboard(ports),
    rebuildDashboard: makeStartDashboardRebuild(ports),
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

/** Everything the api's resolvers use. */
export interface ApiBackend {
  ports: ApiPorts;
  usecases: ApiUseCases;
  /** Server-side lookup of callers whose token lacks the TEAM claims. */
  callers: CallerLookup;
  /** Names of the machine app clients by client id (the user name of their callers). */
  machineClients: ReadonlyMap<string, string>;
  pickers: PickerLists;
  /** The settings in force (for resolvers that need them outside a use case). */
  settings(): Promise<Settings>;
  /** Releases the SDK clients' sockets (local cloud and tests; Lambda never needs it). */
  close(): void;
}

/** Wires the use cases and helpers over `ports`. */
export function makeApiBackend(
  ports: ApiPorts,
  options: { machineClients?: readonly MachineClientName[] } = {},
): ApiBackend {
  const lists = new TtlCache<AccountInfo[] | DirectoryUser[]>(60_000, ports.clock, 4);
  return {
    ports,
    usecases: makeApiUseCases(ports),
    callers: new CallerLookup(ports.directory, ports.clock),
    machineClients: new Map((options.machineClients ?? []).map((c) => [c.clientId, c.name])),
    pickers: {
      accounts: () =>
        lists.get('accounts', () => ports.organization.listAccounts()) as Promise<AccountInfo[]>,
      users: () => lists.get('users', () => ports.directory.listUsers()) as Promise<DirectoryUser[]>,
    },
    settings: () => loadSettings(ports),
    close: () => undefined,
  };
}

/** What the environment cannot say about the api's composition (local cloud, tests, benchmarks). */
export interface ApiOverrides {
  /** The configuration (default: read from the process environment as it is now). */
  config?: HandlerConfig;
  clock?: Clock;
  ids?: IdGenerator;
  logger?: Logger;
  /** The DynamoDB client to use (tests pass an instrumented one; it is not closed by `close()`). */
  dynamoDb?: DynamoDBClient;
  /**
   * Who follows started session-log queries (the local cloud: an in-process call). Default: the
   * session-logs function named by the configuration, invoked asynchronously.
   */
  sessionLogFollower?: SessionLogFollower;
  /**
   * Who runs the reconciler when an admin asks. Default: the reconciler function named by the
   * configuration, invoked asynchronously.
   */
  reconciler?: ReconcilerTrigger;
}

/** Builds the api's AWS adapters from the configuration and wires the use cases over them. */
export function composeApi(overrides: ApiOverrides = {}): ApiBackend {
  const config = overrides.config ?? loadConfig();
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? new Logger({ serviceName: 'team' });
  const clients = new AwsClients(config, overrides.dynamoDb ? { dynamoDb: overrides.dynamoDb } : {});
  const db = clients.documentClient();
  const settings = settingsRepository(clients, config);
  const fallback = settingsFallback(config);
  // The OU-cache switch and lifetime are settings: read at most every few seconds, not on every
  // OU lookup, so an admin's change applies without a redeploy.
  const ouCacheSettings = new TtlCache<Pick<Settings, 'ouCacheEnabled' | 'ouCacheLifetimeHours'>>(
    10_000,
    clock,
    1,
  );
  const ouCacheSetting = () =>
    ouCacheSettings.get('ou-cache', async () => {
      const { ouCacheEnabled, ouCacheLifetimeHours } = await loadSettings({ settings, fallback });
      return { ouCacheEnabled, ouCacheLifetimeHours };
    });
  const ouCache = new DynamoOuCache(db, config.tables.OuAccountsCache, {
    clock,
    ttlSeconds: async () => (await ouCacheSetting()).ouCacheLifetimeHours * 3600,
  });
  const organization = new AwsOrganization(clients.organizations(), {
    ...(config.managementAccountId ? { managementAccountId: config.managementAccountId } : {}),
    clock,
    ouCache: { cache: ouCache, enabled: async () => (await ouCacheSetting()).ouCacheEnabled },
  });
  const provider = sessionLogProvider(clients, config);
  const follower =
    overrides.sessionLogFollower ??
    (config.sessionLogsFunctionName
      ? new LambdaSessionLogFollower(clients.lambda(), config.sessionLogsFunctionName, logger)
      : undefined);
  const sessionLogs: SessionLogPorts = provider
    ? {
        provider,
        queries: sessionLogQueries(clients, config, clock),
        ...(follower ? { follower } : {}),
      }
    : disabledSessionLogs();

  const backend = makeApiBackend(
    {
      requests: requestRepository(clients, config),
      policies: new DynamoPolicyRepository(db, config.tables.Policies),
      settings,
      secrets: secretStore(clients, config, clock),
      directory: identityCenterDirectory(clients, config, clock),
      organization,
      clock,
      ids: overrides.ids ?? uuidIds,
      fallback,
      ouCache,
      policyState: new DynamoPolicyStateStore(db, {
        policies: config.tables.Policies,
        settings: config.tables.Settings,
      }),
      sessionLogs,
      sessionSummaries: sessionSummaryRepository(clients, config),
      aggregates: aggregateStore(clients, config),
      reconciler:
        overrides.reconciler ??
        new LambdaReconcilerTrigger(
          () => clients.lambda(),
          () => requireSetting(config, 'reconcilerFunctionName'),
        ),
      // A decision resumes the waiting workflow itself: access follows an approval without
      // waiting for the stream (the router remains the safety net).
      decisionRelay: decisionRelay(clients, config, logger),
    },
    { machineClients: config.machineClients ?? [] },
  );
  return { ...backend, close: () => clients.close() };
}

let fromEnvironment: ApiBackend | undefined;

/** The api's composition in Lambda: built from the environment on the first invocation. */
export function apiBackendFromEnvironment(): ApiBackend {
  fromEnvironment ??= composeApi();
  return fromEnvironment;
}
