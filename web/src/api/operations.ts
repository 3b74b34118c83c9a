/**
 * Every GraphQL operation the SPA sends, as typed constants. The result and variable types are
 * phantom: they only tie a document to the shapes in `types.ts` for `TeamApi` implementations.
 */
import type {
  Account,
  ApproverPolicy,
  AuditEvent,
  CancelRequestInput,
  CreateApproverPoliciesInput,
  CreateEligibilityPoliciesInput,
  CreateRequestInput,
  DecisionInput,
  DeletePoliciesInput,
  DeletePoliciesResult,
  EligibilityPolicy,
  Group,
  InvalidateOuCacheInput,
  InvalidateOuCacheResult,
  Me,
  OuNode,
  Page,
  PageArgs,
  PermissionSet,
  PickerArgs,
  Request,
  RequestChange,
  RequestFormOptions,
  SessionLogEvent,
  SessionLogQuery,
  Settings,
  UpdateApproverPolicyInput,
  UpdateEligibilityPolicyInput,
  UpdateSettingsInput,
  User,
} from './types';

/** A GraphQL document with the types of its `data` and `variables`. */
export interface GraphQLOperation<TData, TVariables> {
  readonly name: string;
  readonly kind: 'query' | 'mutation' | 'subscription';
  readonly document: string;
  /** Never set: carries the types only. */
  readonly types?: { data: TData; variables: TVariables };
}

type NoVariables = Record<string, never>;

function operation<TData, TVariables = NoVariables>(
  kind: GraphQLOperation<TData, TVariables>['kind'],
  name: string,
  document: string,
): GraphQLOperation<TData, TVariables> {
  return { kind, name, document };
}

const ACTOR = /* GraphQL */ `
  fragment ActorFields on Actor {
    id
    email
    name
  }
`;

const REQUEST = /* GraphQL */ `
  fragment RequestFields on Request {
    id
    requester {
      ...ActorFields
    }
    account {
      id
      name
    }
    permissionSet {
      arn
      name
    }
    sessionDuration
    startTime
    durationHours
    justification
    ticketNo
    status
    approvalRequired
    approvers {
      ...ActorFields
    }
    expiresAt
    decision {
      by {
        ...ActorFields
      }
      at
      comment
    }
    cancelledAt
    revoke {
      by {
        ...ActorFields
      }
      at
      comment
    }
    grantedAt
    endedAt
    errorReason
    createdAt
    updatedAt
  }
  ${ACTOR}
`;

const ELIGIBILITY_POLICY = /* GraphQL */ `
  fragment EligibilityPolicyFields on EligibilityPolicy {
    id
    principalType
    principalName
    accounts {
      id
      name
    }
    ous {
      id
      name
    }
    permissionSets {
      arn
      name
    }
    maxDurationHours
    approvalRequired
    ticketNo
    updatedAt
    updatedBy
  }
`;

const APPROVER_POLICY = /* GraphQL */ `
  fragment ApproverPolicyFields on ApproverPolicy {
    id
    targetType
    targetName
    approverGroups {
      id
      name
    }
    ticketNo
    updatedAt
    updatedBy
  }
`;

const SETTINGS = /* GraphQL */ `
  fragment SettingsFields on Settings {
    maxDurationHours
    expiryHours
    commentsRequired
    ticketRequired
    approvalWorkflow
    sesEnabled
    sesSourceEmail
    sesSourceArn
    snsEnabled
    slackEnabled
    slackAuditChannel
    slackTokenConfigured
    adminGroupName
    auditorGroupName
    ouCacheEnabled
    sensitiveActions
    updatedAt
    updatedBy
    version
  }
`;

const SESSION_LOG_QUERY_FIELDS = /* GraphQL */ `
  fragment SessionLogQueryFields on SessionLogQuery {
    requestId
    status
    progress
    error
    windowStart
    windowEnd
    rowCount
    updatedAt
  }
`;

// ---------------------------------------------------------------------------------------------
// Queries

export const ME = operation<{ me: Me }>(
  'query',
  'Me',
  /* GraphQL */ `
    query Me {
      me {
        userId
        userName
        email
        displayName
        isAdmin
        isAuditor
        personas
      }
    }
  `,
);

export const REQUEST_FORM_OPTIONS = operation<{ requestFormOptions: RequestFormOptions }>(
  'query',
  'RequestFormOptions',
  /* GraphQL */ `
    query RequestFormOptions {
      requestFormOptions {
        accounts {
          id
          name
          permissionSets {
            arn
            name
            approvalRequired
            maxDurationHours
          }
        }
        ticketRequired
        commentsRequired
        maxDurationHours
        approvalWorkflow
        expiryHours
      }
    }
  `,
);

export const GET_REQUEST = operation<{ getRequest: Request | null }, { id: string }>(
  'query',
  'GetRequest',
  /* GraphQL */ `
    query GetRequest($id: ID!) {
      getRequest(id: $id) {
        ...RequestFields
      }
    }
    ${REQUEST}
  `,
);

export const REQUEST_EVENTS = operation<
  { requestEvents: Page<AuditEvent> },
  { requestId: string } & PageArgs
>(
  'query',
  'RequestEvents',
  /* GraphQL */ `
    query RequestEvents($requestId: ID!, $limit: Int, $nextToken: String) {
      requestEvents(requestId: $requestId, limit: $limit, nextToken: $nextToken) {
        items {
          id
          requestId
          at
          action
          actor {
            ...ActorFields
          }
          fromStatus
          toStatus
          comment
          detail
        }
        nextToken
      }
    }
    ${ACTOR}
  `,
);

/** The request lists, all with the same page shape. */
export type RequestListName =
  | 'myRequests'
  | 'pendingApprovals'
  | 'myApprovals'
  | 'activeAccess'
  | 'endedAccess'
  | 'auditRequests'
  | 'auditSessions';

function requestList<N extends RequestListName>(field: N, name: string) {
  return operation<{ [K in N]: Page<Request> }, PageArgs>(
    'query',
    name,
    /* GraphQL */ `
      query ${name}($limit: Int, $nextToken: String) {
        ${field}(limit: $limit, nextToken: $nextToken) {
          items {
            ...RequestFields
          }
          nextToken
        }
      }
      ${REQUEST}
    `,
  );
}

export const REQUEST_LISTS = {
  myRequests: requestList('myRequests', 'MyRequests'),
  pendingApprovals: requestList('pendingApprovals', 'PendingApprovals'),
  myApprovals: requestList('myApprovals', 'MyApprovals'),
  activeAccess: requestList('activeAccess', 'ActiveAccess'),
  endedAccess: requestList('endedAccess', 'EndedAccess'),
  auditRequests: requestList('auditRequests', 'AuditRequests'),
  auditSessions: requestList('auditSessions', 'AuditSessions'),
} as const;

export const SETTINGS_QUERY = operation<{ settings: Settings }>(
  'query',
  'Settings',
  /* GraphQL */ `
    query Settings {
      settings {
        ...SettingsFields
      }
    }
    ${SETTINGS}
  `,
);

export const ELIGIBILITY_POLICIES = operation<{ eligibilityPolicies: Page<EligibilityPolicy> }, PageArgs>(
  'query',
  'EligibilityPolicies',
  /* GraphQL */ `
    query EligibilityPolicies($limit: Int, $nextToken: String) {
      eligibilityPolicies(limit: $limit, nextToken: $nextToken) {
        items {
          ...EligibilityPolicyFields
        }
        nextToken
      }
    }
    ${ELIGIBILITY_POLICY}
  `,
);

export const APPROVER_POLICIES = operation<{ approverPolicies: Page<ApproverPolicy> }, PageArgs>(
  'query',
  'ApproverPolicies',
  /* GraphQL */ `
    query ApproverPolicies($limit: Int, $nextToken: String) {
      approverPolicies(limit: $limit, nextToken: $nextToken) {
        items {
          ...ApproverPolicyFields
        }
        nextToken
      }
    }
    ${APPROVER_POLICY}
  `,
);

export const ACCOUNTS = operation<{ accounts: Page<Account> }, PickerArgs>(
  'query',
  'Accounts',
  /* GraphQL */ `
    query Accounts($filter: String, $limit: Int, $nextToken: String) {
      accounts(filter: $filter, limit: $limit, nextToken: $nextToken) {
        items {
          id
          name
          email
        }
        nextToken
      }
    }
  `,
);

export const OU_TREE = operation<{ ouTree: Page<OuNode> }, PageArgs>(
  'query',
  'OuTree',
  /* GraphQL */ `
    query OuTree($limit: Int, $nextToken: String) {
      ouTree(limit: $limit, nextToken: $nextToken) {
        items {
          id
          name
          type
          parentId
        }
        nextToken
      }
    }
  `,
);

export const USERS = operation<{ users: Page<User> }, PickerArgs>(
  'query',
  'Users',
  /* GraphQL */ `
    query Users($filter: String, $limit: Int, $nextToken: String) {
      users(filter: $filter, limit: $limit, nextToken: $nextToken) {
        items {
          id
          userName
          displayName
          email
        }
        nextToken
      }
    }
  `,
);

export const GROUPS = operation<{ groups: Page<Group> }, PickerArgs>(
  'query',
  'Groups',
  /* GraphQL */ `
    query Groups($filter: String, $limit: Int, $nextToken: String) {
      groups(filter: $filter, limit: $limit, nextToken: $nextToken) {
        items {
          id
          name
        }
        nextToken
      }
    }
  `,
);

export const PERMISSION_SETS = operation<{ permissionSets: Page<PermissionSet> }, PickerArgs>(
  'query',
  'PermissionSets',
  /* GraphQL */ `
    query PermissionSets($filter: String, $limit: Int, $nextToken: String) {
      permissionSets(filter: $filter, limit: $limit, nextToken: $nextToken) {
        items {
          arn
          name
          description
          sessionDuration
        }
        nextToken
      }
    }
  `,
);

export const SESSION_LOG_QUERY = operation<
  { sessionLogQuery: SessionLogQuery | null },
  { requestId: string }
>(
  'query',
  'SessionLogQueryState',
  /* GraphQL */ `
    query SessionLogQueryState($requestId: ID!) {
      sessionLogQuery(requestId: $requestId) {
        ...SessionLogQueryFields
      }
    }
    ${SESSION_LOG_QUERY_FIELDS}
  `,
);

export const SESSION_LOGS = operation<
  { sessionLogs: Page<SessionLogEvent> },
  { requestId: string; writeOnly?: boolean | null } & PageArgs
>(
  'query',
  'SessionLogs',
  /* GraphQL */ `
    query SessionLogs($requestId: ID!, $writeOnly: Boolean, $limit: Int, $nextToken: String) {
      sessionLogs(requestId: $requestId, writeOnly: $writeOnly, limit: $limit, nextToken: $nextToken) {
        items {
          eventId
          eventTime
          eventName
          eventSource
          awsRegion
          sourceIp
          userAgent
          readOnly
          errorCode
          sensitive
        }
        nextToken
      }
    }
  `,
);

// ---------------------------------------------------------------------------------------------
// Mutations

export const CREATE_REQUEST = operation<{ createRequest: Request }, { input: CreateRequestInput }>(
  'mutation',
  'CreateRequest',
  /* GraphQL */ `
    mutation CreateRequest($input: CreateRequestInput!) {
      createRequest(input: $input) {
        ...RequestFields
      }
    }
    ${REQUEST}
  `,
);

export const APPROVE_REQUEST = operation<{ approveRequest: Request }, { input: DecisionInput }>(
  'mutation',
  'ApproveRequest',
  /* GraphQL */ `
    mutation ApproveRequest($input: ApproveRequestInput!) {
      approveRequest(input: $input) {
        ...RequestFields
      }
    }
    ${REQUEST}
  `,
);

export const REJECT_REQUEST = operation<{ rejectRequest: Request }, { input: DecisionInput }>(
  'mutation',
  'RejectRequest',
  /* GraphQL */ `
    mutation RejectRequest($input: RejectRequestInput!) {
      rejectRequest(input: $input) {
        ...RequestFields
      }
    }
    ${REQUEST}
  `,
);

export const CANCEL_REQUEST = operation<{ cancelRequest: Request }, { input: CancelRequestInput }>(
  'mutation',
  'CancelRequest',
  /* GraphQL */ `
    mutation CancelRequest($input: CancelRequestInput!) {
      cancelRequest(input: $input) {
        ...RequestFields
      }
    }
    ${REQUEST}
  `,
);

export const REVOKE_REQUEST = operation<{ revokeRequest: Request }, { input: DecisionInput }>(
  'mutation',
  'RevokeRequest',
  /* GraphQL */ `
    mutation RevokeRequest($input: RevokeRequestInput!) {
      revokeRequest(input: $input) {
        ...RequestFields
      }
    }
    ${REQUEST}
  `,
);

export const CREATE_ELIGIBILITY_POLICIES = operation<
  { createEligibilityPolicies: EligibilityPolicy[] },
  { input: CreateEligibilityPoliciesInput }
>(
  'mutation',
  'CreateEligibilityPolicies',
  /* GraphQL */ `
    mutation CreateEligibilityPolicies($input: CreateEligibilityPoliciesInput!) {
      createEligibilityPolicies(input: $input) {
        ...EligibilityPolicyFields
      }
    }
    ${ELIGIBILITY_POLICY}
  `,
);

export const UPDATE_ELIGIBILITY_POLICY = operation<
  { updateEligibilityPolicy: EligibilityPolicy },
  { input: UpdateEligibilityPolicyInput }
>(
  'mutation',
  'UpdateEligibilityPolicy',
  /* GraphQL */ `
    mutation UpdateEligibilityPolicy($input: UpdateEligibilityPolicyInput!) {
      updateEligibilityPolicy(input: $input) {
        ...EligibilityPolicyFields
      }
    }
    ${ELIGIBILITY_POLICY}
  `,
);

export const DELETE_ELIGIBILITY_POLICIES = operation<
  { deleteEligibilityPolicies: DeletePoliciesResult },
  { input: DeletePoliciesInput }
>(
  'mutation',
  'DeleteEligibilityPolicies',
  /* GraphQL */ `
    mutation DeleteEligibilityPolicies($input: DeleteEligibilityPoliciesInput!) {
      deleteEligibilityPolicies(input: $input) {
        deletedIds
      }
    }
  `,
);

export const CREATE_APPROVER_POLICIES = operation<
  { createApproverPolicies: ApproverPolicy[] },
  { input: CreateApproverPoliciesInput }
>(
  'mutation',
  'CreateApproverPolicies',
  /* GraphQL */ `
    mutation CreateApproverPolicies($input: CreateApproverPoliciesInput!) {
      createApproverPolicies(input: $input) {
        ...ApproverPolicyFields
      }
    }
    ${APPROVER_POLICY}
  `,
);

export const UPDATE_APPROVER_POLICY = operation<
  { updateApproverPolicy: ApproverPolicy },
  { input: UpdateApproverPolicyInput }
>(
  'mutation',
  'UpdateApproverPolicy',
  /* GraphQL */ `
    mutation UpdateApproverPolicy($input: UpdateApproverPolicyInput!) {
      updateApproverPolicy(input: $input) {
        ...ApproverPolicyFields
      }
    }
    ${APPROVER_POLICY}
  `,
);

export const DELETE_APPROVER_POLICIES = operation<
  { deleteApproverPolicies: DeletePoliciesResult },
  { input: DeletePoliciesInput }
>(
  'mutation',
  'DeleteApproverPolicies',
  /* GraphQL */ `
    mutation DeleteApproverPolicies($input: DeleteApproverPoliciesInput!) {
      deleteApproverPolicies(input: $input) {
        deletedIds
      }
    }
  `,
);

export const UPDATE_SETTINGS = operation<{ updateSettings: Settings }, { input: UpdateSettingsInput }>(
  'mutation',
  'UpdateSettings',
  /* GraphQL */ `
    mutation UpdateSettings($input: UpdateSettingsInput!) {
      updateSettings(input: $input) {
        ...SettingsFields
      }
    }
    ${SETTINGS}
  `,
);

export const INVALIDATE_OU_CACHE = operation<
  { invalidateOuCache: InvalidateOuCacheResult },
  { input: InvalidateOuCacheInput }
>(
  'mutation',
  'InvalidateOuCache',
  /* GraphQL */ `
    mutation InvalidateOuCache($input: InvalidateOuCacheInput!) {
      invalidateOuCache(input: $input) {
        invalidated
        failed
        message
      }
    }
  `,
);

export const START_SESSION_LOG_QUERY = operation<
  { startSessionLogQuery: SessionLogQuery },
  { input: { requestId: string } }
>(
  'mutation',
  'StartSessionLogQuery',
  /* GraphQL */ `
    mutation StartSessionLogQuery($input: StartSessionLogQueryInput!) {
      startSessionLogQuery(input: $input) {
        ...SessionLogQueryFields
      }
    }
    ${SESSION_LOG_QUERY_FIELDS}
  `,
);

// ---------------------------------------------------------------------------------------------
// Subscriptions

export const ON_REQUEST_CHANGE = operation<{ onRequestChange: RequestChange | null }, { channel: string }>(
  'subscription',
  'OnRequestChange',
  /* GraphQL */ `
    subscription OnRequestChange($channel: String!) {
      onRequestChange(channel: $channel) {
        channels
        requestId
        status
        updatedAt
      }
    }
  `,
);

export const ON_SESSION_LOG_QUERY = operation<
  { onSessionLogQuery: SessionLogQuery | null },
  { requestId: string }
>(
  'subscription',
  'OnSessionLogQuery',
  /* GraphQL */ `
    subscription OnSessionLogQuery($requestId: ID!) {
      onSessionLogQuery(requestId: $requestId) {
        ...SessionLogQueryFields
      }
    }
    ${SESSION_LOG_QUERY_FIELDS}
  `,
);

/** Every operation, for the contract test. */
export const ALL_OPERATIONS: readonly GraphQLOperation<unknown, unknown>[] = [
  ME,
  REQUEST_FORM_OPTIONS,
  GET_REQUEST,
  REQUEST_EVENTS,
  ...Object.values(REQUEST_LISTS),
  SETTINGS_QUERY,
  ELIGIBILITY_POLICIES,
  APPROVER_POLICIES,
  ACCOUNTS,
  OU_TREE,
  USERS,
  GROUPS,
  PERMISSION_SETS,
  SESSION_LOG_QUERY,
  SESSION_LOGS,
  CREATE_REQUEST,
  APPROVE_REQUEST,
  REJECT_REQUEST,
  CANCEL_REQUEST,
  REVOKE_REQUEST,
  CREATE_ELIGIBILITY_POLICIES,
  UPDATE_ELIGIBILITY_POLICY,
  DELETE_ELIGIBILITY_POLICIES,
  CREATE_APPROVER_POLICIES,
  UPDATE_APPROVER_POLICY,
  DELETE_APPROVER_POLICIES,
  UPDATE_SETTINGS,
  INVALIDATE_OU_CACHE,
  START_SESSION_LOG_QUERY,
  ON_REQUEST_CHANGE,
  ON_SESSION_LOG_QUERY,
];
