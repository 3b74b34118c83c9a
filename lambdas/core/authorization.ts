/**
 * Authorization: one decision per API operation, from the caller's verified identity and, for
 * operations on one request, the stored request. Personas: requester and listed approvers come
 * from the request; admin and auditor from the caller's groups. A machine client (automation
 * with a client-credentials token) is no persona: it may do what its token's scopes allow
 * (`MACHINE_SCOPE_OF`) and nothing else.
 */
import { machineScope, type MachineScope, type MachineScopeName } from '../contract/machine-api';
import { ForbiddenError } from './errors';
import type { AccessRequest, CallerIdentity } from './types';

export const API_OPERATIONS = [
  'getRequest',
  'listRequestEvents',
  'createRequest',
  'approveRequest',
  'rejectRequest',
  'cancelRequest',
  'revokeRequest',
  'createBreakGlassRequest',
  'extendRequest',
  'approveExtension',
  'rejectExtension',
  'reviewRequest',
  'listReviewsPending',
  'listSessionsToReview',
  'getSessionSummary',
  'markSessionReviewed',
  'listMyRequests',
  'listPendingApprovals',
  'listMyApprovals',
  'listActiveAccess',
  'listEndedAccess',
  'listAuditRequests',
  'listAuditSessions',
  'getSettings',
  'updateSettings',
  'listEligibilityPolicies',
  'createEligibilityPolicies',
  'updateEligibilityPolicy',
  'deleteEligibilityPolicies',
  'listApproverPolicies',
  'createApproverPolicies',
  'updateApproverPolicy',
  'deleteApproverPolicies',
  'exportPolicies',
  'previewPolicyImport',
  'importPolicies',
  'getPolicyCheck',
  'checkPoliciesNow',
  'previewRequestHistoryImport',
  'importRequestHistory',
  'listAccounts',
  'getOuTree',
  'listUsers',
  'listGroups',
  'listPermissionSets',
  'invalidateOuCache',
  'reconcileNow',
  'getDashboard',
  'rebuildDashboard',
  'getRequestFormOptions',
  'startSessionLogQuery',
  'getSessionLogs',
  'readSlackToken',
] as const;

/** Every operation the API exposes (plus `readSlackToken`, which nobody may do). */
export type ApiOperation = (typeof API_OPERATIONS)[number];

/** An automation client calling with an OAuth client-credentials token: never a person. */
export interface MachineClient {
  /** The user pool app client the token was issued to. */
  readonly clientId: string;
  /** The token's `scope` claim, split (e.g. `team/policies.read`). */
  readonly scopes: readonly string[];
}

/**
 * A caller as authorization sees it: a person, or a machine client when `machine` is set (then
 * `userId` is `machine:<client id>`, `userName` names the client, no groups, no personas).
 */
export type CallerWithMachine = CallerIdentity & { readonly machine?: MachineClient };

/** The machine client behind a caller, if the caller is one. */
export function machineOf(caller: CallerWithMachine): MachineClient | undefined {
  return caller.machine;
}

type RequestRelation = { isRequester: boolean; isApprover: boolean };

/**
 * How the caller relates to a request. The requester never counts as an approver of their own
 * request, even if a stale approver list names them.
 */
export function relationOf(
  caller: Pick<CallerIdentity, 'userId'>,
  request: Pick<AccessRequest, 'requester' | 'approvers'>,
): RequestRelation {
  const isRequester = request.requester.id === caller.userId;
  const isApprover = !isRequester && request.approvers.some((approver) => approver.id === caller.userId);
  return { isRequester, isApprover };
}

type Rule =
  | { scope: 'signedIn' }
  | { scope: 'admin' }
  | { scope: 'auditor' }
  | { scope: 'auditorOrAdmin' }
  | { scope: 'nobody' }
  | { scope: 'request'; allow: (relation: RequestRelation, caller: CallerIdentity) => boolean };

const readers = (r: RequestRelation, caller: CallerIdentity) =>
  r.isRequester || r.isApprover || caller.isAuditor;

const RULES: Readonly<Record<ApiOperation, Rule>> = {
  // One request: the people on it, and auditors for reading.
  getRequest: { scope: 'request', allow: readers },
  listRequestEvents: { scope: 'request', allow: readers },
  approveRequest: { scope: 'request', allow: (r) => r.isApprover },
  rejectRequest: { scope: 'request', allow: (r) => r.isApprover },
  cancelRequest: { scope: 'request', allow: (r) => r.isRequester },
  revokeRequest: { scope: 'request', allow: (r) => r.isRequester || r.isApprover },
  extendRequest: { scope: 'request', allow: (r) => r.isRequester || r.isApprover },
  approveExtension: { scope: 'request', allow: (r) => r.isApprover },
  // An approver rejects the extension; the requester withdraws their own.
  rejectExtension: { scope: 'request', allow: (r) => r.isRequester || r.isApprover },
  reviewRequest: { scope: 'request', allow: (r) => r.isApprover },
  startSessionLogQuery: { scope: 'request', allow: readers },
  getSessionLogs: { scope: 'request', allow: readers },

  // Everyone signed in: the lists are scoped to the caller by the use cases.
  createRequest: { scope: 'signedIn' },
  createBreakGlassRequest: { scope: 'signedIn' },
  getRequestFormOptions: { scope: 'signedIn' },
  listMyRequests: { scope: 'signedIn' },
  listPendingApprovals: { scope: 'signedIn' },
  listMyApprovals: { scope: 'signedIn' },
  listActiveAccess: { scope: 'signedIn' },
  listEndedAccess: { scope: 'signedIn' },
  getSettings: { scope: 'signedIn' },

  listAuditRequests: { scope: 'auditor' },
  listAuditSessions: { scope: 'auditor' },
  listReviewsPending: { scope: 'auditorOrAdmin' },
  // What ended sessions did (session-log summaries) and their review; the use case also refuses
  // a review of one's own session.
  listSessionsToReview: { scope: 'auditorOrAdmin' },
  getSessionSummary: { scope: 'auditorOrAdmin' },
  markSessionReviewed: { scope: 'auditorOrAdmin' },
  getDashboard: { scope: 'auditorOrAdmin' },

  // Policies reveal who may reach which account, so unlike the original only admins read them.
  updateSettings: { scope: 'admin' },
  listEligibilityPolicies: { scope: 'admin' },
  createEligibilityPolicies: { scope: 'admin' },
  updateEligibilityPolicy: { scope: 'admin' },
  deleteEligibilityPolicies: { scope: 'admin' },
  listApproverPolicies: { scope: 'admin' },
  createApproverPolicies: { scope: 'admin' },
  updateApproverPolicy: { scope: 'admin' },
  deleteApproverPolicies: { scope: 'admin' },
  exportPolicies: { scope: 'admin' },
  previewPolicyImport: { scope: 'admin' },
  importPolicies: { scope: 'admin' },
  getPolicyCheck: { scope: 'admin' },
  checkPoliciesNow: { scope: 'admin' },
  previewRequestHistoryImport: { scope: 'admin' },
  importRequestHistory: { scope: 'admin' },
  listAccounts: { scope: 'admin' },
  getOuTree: { scope: 'admin' },
  listUsers: { scope: 'admin' },
  listGroups: { scope: 'admin' },
  listPermissionSets: { scope: 'admin' },
  invalidateOuCache: { scope: 'admin' },
  reconcileNow: { scope: 'admin' },
  rebuildDashboard: { scope: 'admin' },

  readSlackToken: { scope: 'nobody' },
};

const DENIED: Readonly<Record<ApiOperation, string>> = {
  getRequest: 'You may not view this request.',
  listRequestEvents: 'You may not view the history of this request.',
  approveRequest: 'Only an approver listed on this request, other than its requester, may approve it.',
  rejectRequest: 'Only an approver listed on this request, other than its requester, may reject it.',
  cancelRequest: 'Only the requester may cancel this request.',
  revokeRequest: 'Only the requester or an approver of this request may revoke it.',
  extendRequest: 'Only the requester or an approver of this request may extend it.',
  approveExtension: 'Only an approver of this request may approve its extension.',
  rejectExtension: 'Only an approver of this request may reject its extension, or the requester withdraw it.',
  reviewRequest: 'Only an approver of this request may review it.',
  startSessionLogQuery: 'You may not view the session activity of this request.',
  getSessionLogs: 'You may not view the session activity of this request.',
  createRequest: 'You must be signed in to request access.',
  createBreakGlassRequest: 'You must be signed in to take break-glass access.',
  getRequestFormOptions: 'You must be signed in to request access.',
  listMyRequests: 'You must be signed in to list your requests.',
  listPendingApprovals: 'You must be signed in to list approvals.',
  listMyApprovals: 'You must be signed in to list approvals.',
  listActiveAccess: 'You must be signed in to list access.',
  listEndedAccess: 'You must be signed in to list access.',
  getSettings: 'You must be signed in to read settings.',
  listAuditRequests: 'Only auditors may list all requests.',
  listAuditSessions: 'Only auditors may list all elevated access sessions.',
  listReviewsPending: 'Only auditors and admins may list the reviews pending.',
  listSessionsToReview: 'Only auditors and admins may list the sessions to review.',
  getSessionSummary: 'Only auditors and admins may view session summaries.',
  markSessionReviewed: 'Only auditors and admins may review sessions.',
  getDashboard: 'Only auditors and admins may view the dashboard.',
  updateSettings: 'Only administrators may change settings.',
  listEligibilityPolicies: 'Only administrators may view eligibility policies.',
  createEligibilityPolicies: 'Only administrators may create eligibility policies.',
  updateEligibilityPolicy: 'Only administrators may change eligibility policies.',
  deleteEligibilityPolicies: 'Only administrators may delete eligibility policies.',
  listApproverPolicies: 'Only administrators may view approver policies.',
  createApproverPolicies: 'Only administrators may create approver policies.',
  updateApproverPolicy: 'Only administrators may change approver policies.',
  deleteApproverPolicies: 'Only administrators may delete approver policies.',
  exportPolicies: 'Only administrators may export the policies.',
  previewPolicyImport: 'Only administrators may import policies.',
  importPolicies: 'Only administrators may import policies.',
  getPolicyCheck: 'Only administrators may view the policy check.',
  checkPoliciesNow: 'Only administrators may run the policy check.',
  previewRequestHistoryImport: 'Only administrators may import request history.',
  importRequestHistory: 'Only administrators may import request history.',
  listAccounts: 'Only administrators may list accounts.',
  getOuTree: 'Only administrators may view the organization tree.',
  listUsers: 'Only administrators may list users.',
  listGroups: 'Only administrators may list groups.',
  listPermissionSets: 'Only administrators may list permission sets.',
  invalidateOuCache: 'Only administrators may refresh the OU account cache.',
  reconcileNow: 'Only administrators may run the reconciler.',
  rebuildDashboard: 'Only administrators may rebuild the dashboard counters.',
  readSlackToken: 'Nobody may read the Slack token.',
};

/**
 * What machine clients may never do, whatever their scopes: access is requested, decided,
 * cancelled and revoked by people only, and "my" lists and the request form belong to a person;
 * the request history of the original TEAM is brought over by an administrator.
 * The type keeps these out of `MACHINE_SCOPE_OF`.
 */
export const MACHINE_NEVER = [
  'createRequest',
  'approveRequest',
  'rejectRequest',
  'cancelRequest',
  'revokeRequest',
  'createBreakGlassRequest',
  'extendRequest',
  'approveExtension',
  'rejectExtension',
  'reviewRequest',
  'markSessionReviewed',
  'listMyRequests',
  'listPendingApprovals',
  'listMyApprovals',
  'listActiveAccess',
  'listEndedAccess',
  'getRequestFormOptions',
  'invalidateOuCache',
  'reconcileNow',
  'rebuildDashboard',
  'previewRequestHistoryImport',
  'importRequestHistory',
  'readSlackToken',
] as const satisfies readonly ApiOperation[];

type MachineOperation = Exclude<ApiOperation, (typeof MACHINE_NEVER)[number]>;

/**
 * The scope a machine client needs for each operation it may do, one line per operation; an
 * operation missing here is refused to every machine client. `policies.write` does not imply
 * `policies.read`: a client that edits policies usually needs both.
 */
const MACHINE_SCOPE_OF: { readonly [Op in MachineOperation]?: MachineScopeName } = {
  // Reading the policies, the settings and the pickers a policy names accounts, OUs, users,
  // groups and permission sets from.
  listEligibilityPolicies: 'policies.read',
  listApproverPolicies: 'policies.read',
  getSettings: 'policies.read',
  listAccounts: 'policies.read',
  getOuTree: 'policies.read',
  listUsers: 'policies.read',
  listGroups: 'policies.read',
  listPermissionSets: 'policies.read',

  // Changing them.
  createEligibilityPolicies: 'policies.write',
  updateEligibilityPolicy: 'policies.write',
  deleteEligibilityPolicies: 'policies.write',
  createApproverPolicies: 'policies.write',
  updateApproverPolicy: 'policies.write',
  deleteApproverPolicies: 'policies.write',
  updateSettings: 'policies.write',

  // The policy document: exporting it and previewing an import read; importing writes.
  exportPolicies: 'policies.read',
  previewPolicyImport: 'policies.read',
  importPolicies: 'policies.write',

  // The latest policy check (what policies name that no longer exists).
  getPolicyCheck: 'policies.read',

  // The audit trail: every request, its history and its session activity.
  listAuditRequests: 'audit.read',
  listAuditSessions: 'audit.read',
  listReviewsPending: 'audit.read',
  listSessionsToReview: 'audit.read',
  getSessionSummary: 'audit.read',
  getDashboard: 'audit.read',
  getRequest: 'audit.read',
  listRequestEvents: 'audit.read',
  getSessionLogs: 'audit.read',
  startSessionLogQuery: 'audit.read',
};

/** The scope (as tokens carry it) a machine client needs for `operation`; undefined: never. */
export function machineScopeFor(operation: ApiOperation): MachineScope | undefined {
  const byOperation: Partial<Record<ApiOperation, MachineScopeName>> = MACHINE_SCOPE_OF;
  const name = byOperation[operation];
  return name === undefined ? undefined : machineScope(name);
}

/** Whether the operation needs the stored request to decide. */
export function isRequestOperation(operation: ApiOperation): boolean {
  return RULES[operation].scope === 'request';
}

function machineMayDo(
  operation: ApiOperation,
  machine: MachineClient,
  request: Pick<AccessRequest, 'requester' | 'approvers'> | undefined,
): boolean {
  const scope = machineScopeFor(operation);
  if (scope === undefined || !machine.scopes.includes(scope)) return false;
  // Like an auditor: it reads requests that exist, and no answer tells one that does not.
  return !isRequestOperation(operation) || request !== undefined;
}

/**
 * Whether `caller` may perform `operation` (on `request`, for operations on one request; without
 * it those are denied). A caller without a user id is not signed in. A machine client may do only
 * what its scopes allow, whatever else its identity says.
 */
export function isAllowed(
  operation: ApiOperation,
  caller: CallerWithMachine,
  request?: Pick<AccessRequest, 'requester' | 'approvers'>,
): boolean {
  const rule = RULES[operation];
  if (!caller.userId) return false;
  const machine = machineOf(caller);
  if (machine) return machineMayDo(operation, machine, request);
  switch (rule.scope) {
    case 'signedIn':
      return true;
    case 'admin':
      return caller.isAdmin;
    case 'auditor':
      return caller.isAuditor;
    case 'auditorOrAdmin':
      return caller.isAuditor || caller.isAdmin;
    case 'nobody':
      return false;
    case 'request':
      return request !== undefined && rule.allow(relationOf(caller, request), caller);
  }
}

/**
 * Throws ForbiddenError unless `caller` may perform `operation`. The message says what the
 * caller may not do and nothing about the request's data.
 */
export function authorize(
  operation: ApiOperation,
  caller: CallerWithMachine,
  request?: Pick<AccessRequest, 'requester' | 'approvers'>,
): void {
  if (isAllowed(operation, caller, request)) return;
  const machine = machineOf(caller);
  const scope = machineScopeFor(operation);
  if (machine && scope === undefined) {
    throw new ForbiddenError('Machine clients may not do this: it is for people signed in to TEAM.');
  }
  if (machine && scope !== undefined && !machine.scopes.includes(scope)) {
    throw new ForbiddenError(`This needs a token with the ${scope} scope.`);
  }
  throw new ForbiddenError(DENIED[operation]);
}
