import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
import { fetchAuthSession } from 'aws-amplify/auth';
import { Hub } from 'aws-amplify/utils';
import {
  AccountsDocument,
  ApproveRequestDocument,
  ApproveExtensionDocument,
  CreateBreakGlassRequestDocument,
  ExtendRequestDocument,
  RejectExtensionDocument,
  ReviewRequestDocument,
  CheckPoliciesNowDocument,
  ExportPoliciesDocument,
  ImportPoliciesDocument,
  PolicyCheckDocument,
  PreviewPolicyImportDocument,
  PreviewRequestHistoryImportDocument,
  ImportRequestHistoryDocument,
  ApproverPoliciesDocument,
  CancelRequestDocument,
  CreateApproverPoliciesDocument,
  CreateEligibilityPoliciesDocument,
  CreateRequestDocument,
  DashboardDocument,
  RebuildDashboardDocument,
  DeleteApproverPoliciesDocument,
  DeleteEligibilityPoliciesDocument,
  EligibilityPoliciesDocument,
  GetRequestDocument,
  GroupsDocument,
  InvalidateOuCacheDocument,
  MeDocument,
  OnRequestChangeDocument,
  OnSessionLogQueryDocument,
  OuTreeDocument,
  PermissionSetsDocument,
  ReconcileNowDocument,
  RejectRequestDocument,
  RequestEventsDocument,
  RequestApproversDocument,
  RequestFormOptionsDocument,
  RevokeRequestDocument,
  SessionLogQueryStateDocument,
  SessionLogsDocument,
  SessionSummaryDocument,
  SessionsToReviewDocument,
  MarkSessionReviewedDocument,
  SettingsDocument,
  StartSessionLogQueryDocument,
  UpdateApproverPolicyDocument,
  UpdateEligibilityPolicyDocument,
  UpdateSettingsDocument,
  UsersDocument,
} from '../../../graphql/generated/operations';
import { ApiError, toApiError } from './errors';
import { createGraphQLHttp } from './graphql-http';
import type { Page, PageArgs, Request, RequestListName } from './model';
import { REQUEST_LISTS } from './request-lists';
import type { SubscriptionHandlers, TeamApi, Unsubscribe } from './team-api';

/**
 * A generated document (`TypedDocumentString`): its text, and the types of its `data` and
 * `variables`, which `run` and `subscribe` take from it.
 */
type Document<TData, TVariables> = DocumentTypeDecoration<TData, TVariables> & { toString(): string };

/** The part of aws-amplify's GraphQL client this module uses: subscriptions. */
export interface RealtimeClientLike {
  graphql(options: { query: string; variables?: object; authMode: 'userPool' }): unknown;
}

interface Observable {
  subscribe(observer: { next: (value: unknown) => void; error: (error: unknown) => void }): {
    unsubscribe(): void;
  };
}

function isObservable(value: unknown): value is Observable {
  return typeof value === 'object' && value !== null && 'subscribe' in value;
}

/** The operation's name in a document's text, for error messages. */
function operationName(query: string): string {
  return /\b(?:query|mutation|subscription)\s+(\w+)/.exec(query)?.[1] ?? 'the operation';
}

function dataOf<TData>(result: unknown, query: string): TData {
  if (typeof result === 'object' && result !== null && 'data' in result && result.data) {
    // The GraphQL server validated the response against the schema, and TData is what the
    // generated document selects: this is the one place the SPA trusts the contract's shapes.
    return result.data as TData;
  }
  throw new ApiError('InternalError', `The API returned no data for ${operationName(query)}.`);
}

/** aws-amplify's Hub event for realtime connection states (`CONNECTION_STATE_CHANGE`). */
const CONNECTION_STATE_CHANGE = 'ConnectionStateChange';
const DISRUPTED = new Set(['ConnectionDisrupted', 'ConnectionDisruptedPendingNetwork']);

/**
 * Watches aws-amplify's realtime connection state and calls `onRestored` each time the
 * connection is back after a disruption (events may have been missed meanwhile).
 */
function watchReconnects(onRestored: () => void): () => void {
  let disrupted = false;
  return Hub.listen('api', ({ payload }) => {
    if (payload.event !== CONNECTION_STATE_CHANGE) return;
    const data: unknown = payload.data;
    const state =
      typeof data === 'object' && data !== null && 'connectionState' in data
        ? String(data.connectionState)
        : '';
    if (DISRUPTED.has(state)) disrupted = true;
    else if (state === 'Connected' && disrupted) {
      disrupted = false;
      onRestored();
    }
  });
}

/**
 * aws-amplify's GraphQL client (`generateClient` from `aws-amplify/api`), loaded with the first
 * subscription: queries and mutations do without it, so the signed-in first screen does too.
 */
async function loadRealtimeClient(): Promise<RealtimeClientLike> {
  const { generateClient } = await import('aws-amplify/api');
  // generateClient's result is generic over generated model types this app does not use.
  return generateClient() as unknown as RealtimeClientLike;
}

/** The signed-in user's access token, as aws-amplify's client sends it (refreshed when due). */
async function currentAccessToken(): Promise<string | undefined> {
  return (await fetchAuthSession()).tokens?.accessToken.toString();
}

export interface AmplifyTeamApiOptions {
  /** The AppSync GraphQL URL (`config.json`'s `graphqlUrl`). */
  endpoint: string;
  /** Default: the access token of aws-amplify's session. */
  accessToken?: () => Promise<string | undefined>;
  /** Default: the browser's fetch. */
  fetch?: typeof fetch;
  /** Waits between attempts of a failed request; default: a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** Default: aws-amplify's GraphQL client, loaded with the first subscription. */
  realtime?: RealtimeClientLike;
}

/**
 * The TeamApi over AppSync with Cognito user-pool tokens: queries and mutations over HTTP
 * (`graphql-http.ts`), subscriptions through aws-amplify v6 (`generateClient`).
 * `Amplify.configure` must have run first (see `amplify-auth.ts`).
 */
export function createAmplifyTeamApi(options: AmplifyTeamApiOptions): TeamApi {
  const post = createGraphQLHttp({
    endpoint: options.endpoint,
    accessToken: options.accessToken ?? currentAccessToken,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.sleep ? { sleep: options.sleep } : {}),
  });
  let realtimePromise: Promise<RealtimeClientLike> | undefined = options.realtime
    ? Promise.resolve(options.realtime)
    : undefined;
  const realtime = (): Promise<RealtimeClientLike> => (realtimePromise ??= loadRealtimeClient());

  async function run<TData, TVariables extends object>(
    document: Document<TData, TVariables>,
    variables: TVariables,
  ): Promise<TData> {
    const query = document.toString();
    try {
      return dataOf<TData>(await post(query, variables), query);
    } catch (error) {
      throw toApiError(error);
    }
  }

  function subscribe<TData, TVariables extends object, T>(
    document: Document<TData, TVariables>,
    variables: TVariables,
    pick: (data: TData) => T | null,
    handlers: SubscriptionHandlers<T>,
  ): Unsubscribe {
    const query = document.toString();
    let stopped = false;
    let subscription: { unsubscribe(): void } | undefined;
    realtime().then(
      (client) => {
        if (stopped) return;
        const source = client.graphql({ query, variables, authMode: 'userPool' });
        if (!isObservable(source)) {
          handlers.error?.(new ApiError('InternalError', `${operationName(query)} is not a subscription.`));
          return;
        }
        subscription = source.subscribe({
          next: (message) => {
            try {
              const value = pick(dataOf<TData>(message, query));
              if (value) handlers.next(value);
            } catch (error) {
              handlers.error?.(toApiError(error));
            }
          },
          error: (error) => handlers.error?.(toApiError(error)),
        });
      },
      (error: unknown) => handlers.error?.(toApiError(error)),
    );
    const stopWatching = handlers.reconnected ? watchReconnects(handlers.reconnected) : () => undefined;
    return () => {
      stopped = true;
      stopWatching();
      subscription?.unsubscribe();
    };
  }

  const page = (args?: PageArgs) => ({
    limit: args?.limit,
    nextToken: args?.nextToken ?? undefined,
  });

  return {
    me: async () => (await run(MeDocument, {})).me,
    requestFormOptions: async () => (await run(RequestFormOptionsDocument, {})).requestFormOptions,
    requestApprovers: async (accountId, permissionSetArn) =>
      (await run(RequestApproversDocument, { accountId, permissionSetArn })).requestApprovers,
    getRequest: async (id) => (await run(GetRequestDocument, { id })).getRequest,
    requestEvents: async (requestId, args) =>
      (await run(RequestEventsDocument, { requestId, ...page(args) })).requestEvents,
    listRequests: async (list, args) => {
      // Each list's document puts its page under the list's name.
      const document: Document<Partial<Record<RequestListName, Page<Request>>>, PageArgs> = REQUEST_LISTS[
        list
      ];
      const data = await run(document, page(args));
      const result = data[list];
      if (!result) throw new ApiError('InternalError', `The API returned no ${list}.`);
      return result;
    },
    settings: async () => (await run(SettingsDocument, {})).settings,
    dashboard: async (from, to) => (await run(DashboardDocument, { from, to })).dashboard,
    rebuildDashboard: async () => (await run(RebuildDashboardDocument, { input: {} })).rebuildDashboard,
    eligibilityPolicies: async (args) =>
      (await run(EligibilityPoliciesDocument, page(args))).eligibilityPolicies,
    approverPolicies: async (args) => (await run(ApproverPoliciesDocument, page(args))).approverPolicies,
    accounts: async (args) => (await run(AccountsDocument, { filter: args?.filter, ...page(args) })).accounts,
    ouTree: async (args) => (await run(OuTreeDocument, page(args))).ouTree,
    users: async (args) => (await run(UsersDocument, { filter: args?.filter, ...page(args) })).users,
    groups: async (args) => (await run(GroupsDocument, { filter: args?.filter, ...page(args) })).groups,
    permissionSets: async (args) =>
      (await run(PermissionSetsDocument, { filter: args?.filter, ...page(args) })).permissionSets,
    sessionLogQuery: async (requestId) =>
      (await run(SessionLogQueryStateDocument, { requestId })).sessionLogQuery,
    sessionLogs: async (requestId, options) =>
      (await run(SessionLogsDocument, { requestId, writeOnly: options?.writeOnly, ...page(options) }))
        .sessionLogs,
    startSessionLogQuery: async (requestId) =>
      (await run(StartSessionLogQueryDocument, { input: { requestId } })).startSessionLogQuery,
    sessionsToReview: async (state, args) =>
      (await run(SessionsToReviewDocument, { state, ...page(args) })).sessionsToReview,
    sessionSummary: async (requestId) =>
      (await run(SessionSummaryDocument, { requestId })).sessionSummary ?? null,
    markSessionReviewed: async (requestId, comment) =>
      (await run(MarkSessionReviewedDocument, { input: { requestId, comment } })).markSessionReviewed,
    createRequest: async (input) => (await run(CreateRequestDocument, { input })).createRequest,
    approveRequest: async (input) => (await run(ApproveRequestDocument, { input })).approveRequest,
    rejectRequest: async (input) => (await run(RejectRequestDocument, { input })).rejectRequest,
    cancelRequest: async (requestId) =>
      (await run(CancelRequestDocument, { input: { requestId } })).cancelRequest,
    revokeRequest: async (input) => (await run(RevokeRequestDocument, { input })).revokeRequest,
    createBreakGlassRequest: async (input) =>
      (await run(CreateBreakGlassRequestDocument, { input })).createBreakGlassRequest,
    extendRequest: async (input) => (await run(ExtendRequestDocument, { input })).extendRequest,
    approveExtension: async (input) => (await run(ApproveExtensionDocument, { input })).approveExtension,
    rejectExtension: async (input) => (await run(RejectExtensionDocument, { input })).rejectExtension,
    reviewRequest: async (input) => (await run(ReviewRequestDocument, { input })).reviewRequest,
    createEligibilityPolicies: async (input) =>
      (await run(CreateEligibilityPoliciesDocument, { input })).createEligibilityPolicies,
    updateEligibilityPolicy: async (input) =>
      (await run(UpdateEligibilityPolicyDocument, { input })).updateEligibilityPolicy,
    deleteEligibilityPolicies: async (ids) =>
      (await run(DeleteEligibilityPoliciesDocument, { input: { ids } })).deleteEligibilityPolicies,
    createApproverPolicies: async (input) =>
      (await run(CreateApproverPoliciesDocument, { input })).createApproverPolicies,
    updateApproverPolicy: async (input) =>
      (await run(UpdateApproverPolicyDocument, { input })).updateApproverPolicy,
    deleteApproverPolicies: async (ids) =>
      (await run(DeleteApproverPoliciesDocument, { input: { ids } })).deleteApproverPolicies,
    updateSettings: async (input) => (await run(UpdateSettingsDocument, { input })).updateSettings,
    invalidateOuCache: async (ouIds) =>
      (await run(InvalidateOuCacheDocument, { input: { ouIds } })).invalidateOuCache,
    reconcileNow: async () => (await run(ReconcileNowDocument, { input: {} })).reconcileNow,
    policyCheck: async () => (await run(PolicyCheckDocument, {})).policyCheck ?? null,
    checkPoliciesNow: async () => (await run(CheckPoliciesNowDocument, { input: {} })).checkPoliciesNow,
    exportPolicies: async () => (await run(ExportPoliciesDocument, {})).exportPolicies,
    previewPolicyImport: async (document, format) =>
      (await run(PreviewPolicyImportDocument, { input: { document, format } })).previewPolicyImport,
    importPolicies: async (document, format, expectedDigest) =>
      (await run(ImportPoliciesDocument, { input: { document, format, expectedDigest } })).importPolicies,
    previewRequestHistoryImport: async (items) =>
      (await run(PreviewRequestHistoryImportDocument, { input: { items } })).previewRequestHistoryImport,
    importRequestHistory: async (items) =>
      (await run(ImportRequestHistoryDocument, { input: { items } })).importRequestHistory,
    onRequestChange: (channel, handlers) =>
      subscribe(OnRequestChangeDocument, { channel }, (data) => data.onRequestChange, handlers),
    onSessionLogQuery: (requestId, handlers) =>
      subscribe(OnSessionLogQueryDocument, { requestId }, (data) => data.onSessionLogQuery, handlers),
  };
}
