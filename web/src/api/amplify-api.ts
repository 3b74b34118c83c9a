import { Hub } from 'aws-amplify/utils';
import { ApiError, toApiError } from './errors';
import {
  ACCOUNTS,
  APPROVE_REQUEST,
  APPROVER_POLICIES,
  CANCEL_REQUEST,
  CREATE_APPROVER_POLICIES,
  CREATE_ELIGIBILITY_POLICIES,
  CREATE_REQUEST,
  DELETE_APPROVER_POLICIES,
  DELETE_ELIGIBILITY_POLICIES,
  ELIGIBILITY_POLICIES,
  GET_REQUEST,
  GROUPS,
  INVALIDATE_OU_CACHE,
  ME,
  ON_REQUEST_CHANGE,
  ON_SESSION_LOG_QUERY,
  OU_TREE,
  PERMISSION_SETS,
  REJECT_REQUEST,
  REQUEST_EVENTS,
  REQUEST_FORM_OPTIONS,
  REQUEST_LISTS,
  REVOKE_REQUEST,
  SESSION_LOG_QUERY,
  SESSION_LOGS,
  SETTINGS_QUERY,
  START_SESSION_LOG_QUERY,
  UPDATE_APPROVER_POLICY,
  UPDATE_ELIGIBILITY_POLICY,
  UPDATE_SETTINGS,
  USERS,
  type GraphQLOperation,
} from './operations';
import type { RequestListName, SubscriptionHandlers, TeamApi, Unsubscribe } from './team-api';
import type { Page, Request } from './types';

/** The part of aws-amplify's GraphQL client this module uses. */
interface GraphQLClientLike {
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

function dataOf<TData>(result: unknown, operation: string): TData {
  if (typeof result === 'object' && result !== null && 'data' in result && result.data) {
    // The GraphQL server validated the response against the schema, and the document selects
    // exactly the fields of TData: this is the one place the SPA trusts the contract's shapes.
    return result.data as TData;
  }
  throw new ApiError('InternalError', `The API returned no data for ${operation}.`);
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
 * aws-amplify's GraphQL client (`generateClient` from `aws-amplify/api`), loaded on first use: the
 * sign-in page does not need it, so it stays off the first download.
 */
async function loadClient(): Promise<GraphQLClientLike> {
  const { generateClient } = await import('aws-amplify/api');
  // generateClient's result is generic over generated model types this app does not use.
  return generateClient() as unknown as GraphQLClientLike;
}

/**
 * The TeamApi over AppSync through aws-amplify v6 (`generateClient`, Cognito user-pool tokens).
 * `Amplify.configure` must have run first (see `amplify-auth.ts`).
 */
export function createAmplifyTeamApi(client?: GraphQLClientLike): TeamApi {
  let clientPromise: Promise<GraphQLClientLike> | undefined = client ? Promise.resolve(client) : undefined;
  const gql = (): Promise<GraphQLClientLike> => (clientPromise ??= loadClient());

  async function run<TData, TVariables extends object>(
    operation: GraphQLOperation<TData, TVariables>,
    variables: TVariables,
  ): Promise<TData> {
    try {
      const graphql = await gql();
      const result = await (graphql.graphql({
        query: operation.document,
        variables,
        authMode: 'userPool',
      }) as Promise<unknown>);
      return dataOf<TData>(result, operation.name);
    } catch (error) {
      throw toApiError(error);
    }
  }

  function subscribe<TData, TVariables extends object, T>(
    operation: GraphQLOperation<TData, TVariables>,
    variables: TVariables,
    pick: (data: TData) => T | null,
    handlers: SubscriptionHandlers<T>,
  ): Unsubscribe {
    let stopped = false;
    let subscription: { unsubscribe(): void } | undefined;
    gql().then(
      (graphql) => {
        if (stopped) return;
        const source = graphql.graphql({ query: operation.document, variables, authMode: 'userPool' });
        if (!isObservable(source)) {
          handlers.error?.(new ApiError('InternalError', `${operation.name} is not a subscription.`));
          return;
        }
        subscription = source.subscribe({
          next: (message) => {
            try {
              const value = pick(dataOf<TData>(message, operation.name));
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

  const page = (args?: { limit?: number; nextToken?: string | null }) => ({
    limit: args?.limit,
    nextToken: args?.nextToken ?? undefined,
  });

  return {
    me: async () => (await run(ME, {})).me,
    requestFormOptions: async () => (await run(REQUEST_FORM_OPTIONS, {})).requestFormOptions,
    getRequest: async (id) => (await run(GET_REQUEST, { id })).getRequest,
    requestEvents: async (requestId, args) =>
      (await run(REQUEST_EVENTS, { requestId, ...page(args) })).requestEvents,
    listRequests: async (list, args) => {
      const operation: GraphQLOperation<
        Partial<Record<RequestListName, Page<Request>>>,
        object
      > = REQUEST_LISTS[list];
      const data = await run(operation, page(args));
      const result = data[list];
      if (!result) throw new ApiError('InternalError', `The API returned no ${list}.`);
      return result;
    },
    settings: async () => (await run(SETTINGS_QUERY, {})).settings,
    eligibilityPolicies: async (args) => (await run(ELIGIBILITY_POLICIES, page(args))).eligibilityPolicies,
    approverPolicies: async (args) => (await run(APPROVER_POLICIES, page(args))).approverPolicies,
    accounts: async (args) => (await run(ACCOUNTS, { filter: args?.filter, ...page(args) })).accounts,
    ouTree: async (args) => (await run(OU_TREE, page(args))).ouTree,
    users: async (args) => (await run(USERS, { filter: args?.filter, ...page(args) })).users,
    groups: async (args) => (await run(GROUPS, { filter: args?.filter, ...page(args) })).groups,
    permissionSets: async (args) =>
      (await run(PERMISSION_SETS, { filter: args?.filter, ...page(args) })).permissionSets,
    sessionLogQuery: async (requestId) => (await run(SESSION_LOG_QUERY, { requestId })).sessionLogQuery,
    sessionLogs: async (requestId, options) =>
      (await run(SESSION_LOGS, { requestId, writeOnly: options?.writeOnly, ...page(options) })).sessionLogs,
    startSessionLogQuery: async (requestId) =>
      (await run(START_SESSION_LOG_QUERY, { input: { requestId } })).startSessionLogQuery,
    createRequest: async (input) => (await run(CREATE_REQUEST, { input })).createRequest,
    approveRequest: async (input) => (await run(APPROVE_REQUEST, { input })).approveRequest,
    rejectRequest: async (input) => (await run(REJECT_REQUEST, { input })).rejectRequest,
    cancelRequest: async (requestId) => (await run(CANCEL_REQUEST, { input: { requestId } })).cancelRequest,
    revokeRequest: async (input) => (await run(REVOKE_REQUEST, { input })).revokeRequest,
    createEligibilityPolicies: async (input) =>
      (await run(CREATE_ELIGIBILITY_POLICIES, { input })).createEligibilityPolicies,
    updateEligibilityPolicy: async (input) =>
      (await run(UPDATE_ELIGIBILITY_POLICY, { input })).updateEligibilityPolicy,
    deleteEligibilityPolicies: async (ids) =>
      (await run(DELETE_ELIGIBILITY_POLICIES, { input: { ids } })).deleteEligibilityPolicies,
    createApproverPolicies: async (input) =>
      (await run(CREATE_APPROVER_POLICIES, { input })).createApproverPolicies,
    updateApproverPolicy: async (input) =>
      (await run(UPDATE_APPROVER_POLICY, { input })).updateApproverPolicy,
    deleteApproverPolicies: async (ids) =>
      (await run(DELETE_APPROVER_POLICIES, { input: { ids } })).deleteApproverPolicies,
    updateSettings: async (input) => (await run(UPDATE_SETTINGS, { input })).updateSettings,
    invalidateOuCache: async (ouIds) =>
      (await run(INVALIDATE_OU_CACHE, { input: { ouIds } })).invalidateOuCache,
    onRequestChange: (channel, handlers) =>
      subscribe(ON_REQUEST_CHANGE, { channel }, (data) => data.onRequestChange, handlers),
    onSessionLogQuery: (requestId, handlers) =>
      subscribe(ON_SESSION_LOG_QUERY, { requestId }, (data) => data.onSessionLogQuery, handlers),
  };
}
