/**
 * TypeScript shapes of what the SPA reads and writes, written by hand to match
 * `graphql/schema.graphql` (the operation documents in `operations.ts` select exactly these
 * fields; `test/web/operations.test.ts` validates the documents against the schema).
 */

export type RequestStatus =
  | 'PENDING'
  | 'APPROVED'
  | 'REJECTED'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'SCHEDULED'
  | 'IN_PROGRESS'
  | 'ENDED'
  | 'REVOKED'
  | 'ERROR';

export const REQUEST_STATUSES: readonly RequestStatus[] = [
  'PENDING',
  'APPROVED',
  'REJECTED',
  'CANCELLED',
  'EXPIRED',
  'SCHEDULED',
  'IN_PROGRESS',
  'ENDED',
  'REVOKED',
  'ERROR',
];

export type Persona = 'REQUESTER' | 'APPROVER' | 'AUDITOR' | 'ADMIN';
export type PrincipalType = 'USER' | 'GROUP';
export type ApproverTargetType = 'ACCOUNT' | 'OU';
export type OuNodeType = 'ROOT' | 'ORGANIZATIONAL_UNIT';

export type AuditAction =
  | 'CREATED'
  | 'APPROVED'
  | 'REJECTED'
  | 'CANCELLED'
  | 'EXPIRED'
  | 'SCHEDULED'
  | 'STARTED'
  | 'ENDED'
  | 'REVOKED'
  | 'FAILED'
  | 'NOTIFIED'
  | 'NOTIFICATION_FAILED'
  | 'REPAIRED';

export type SessionLogQueryStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'DISABLED';

export interface Page<T> {
  items: T[];
  nextToken: string | null;
}

export interface Me {
  userId: string;
  userName: string;
  email: string;
  displayName: string | null;
  isAdmin: boolean;
  isAuditor: boolean;
  personas: Persona[];
}

export interface Actor {
  id: string;
  email: string;
  name: string | null;
}

export interface AccountRef {
  id: string;
  name: string;
}

export interface OuRef {
  id: string;
  name: string;
}

export interface PermissionSetRef {
  arn: string;
  name: string;
}

export interface Group {
  id: string;
  name: string;
}

export interface Decision {
  by: Actor;
  at: string;
  comment: string | null;
}

export interface Revocation {
  by: Actor;
  at: string;
  comment: string | null;
}

export interface Request {
  id: string;
  requester: Actor;
  account: AccountRef;
  permissionSet: PermissionSetRef;
  sessionDuration: string | null;
  startTime: string;
  durationHours: number;
  justification: string;
  ticketNo: string | null;
  status: RequestStatus;
  approvalRequired: boolean;
  approvers: Actor[];
  expiresAt: string | null;
  decision: Decision | null;
  cancelledAt: string | null;
  revoke: Revocation | null;
  grantedAt: string | null;
  endedAt: string | null;
  errorReason: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface AuditEvent {
  id: string;
  requestId: string;
  at: string;
  action: AuditAction;
  actor: Actor | null;
  fromStatus: RequestStatus | null;
  toStatus: RequestStatus | null;
  comment: string | null;
  detail: string | null;
}

export interface EligiblePermissionSet {
  arn: string;
  name: string;
  approvalRequired: boolean;
  maxDurationHours: number;
}

export interface EligibleAccount {
  id: string;
  name: string;
  permissionSets: EligiblePermissionSet[];
}

export interface RequestFormOptions {
  accounts: EligibleAccount[];
  ticketRequired: boolean;
  commentsRequired: boolean;
  maxDurationHours: number;
  approvalWorkflow: boolean;
  expiryHours: number;
}

export interface EligibilityPolicy {
  id: string;
  principalType: PrincipalType;
  principalName: string;
  accounts: AccountRef[];
  ous: OuRef[];
  permissionSets: PermissionSetRef[];
  maxDurationHours: number;
  approvalRequired: boolean;
  ticketNo: string | null;
  updatedAt: string;
  updatedBy: string;
}

export interface ApproverPolicy {
  id: string;
  targetType: ApproverTargetType;
  targetName: string;
  approverGroups: Group[];
  ticketNo: string | null;
  updatedAt: string;
  updatedBy: string;
}

export interface Settings {
  maxDurationHours: number;
  expiryHours: number;
  commentsRequired: boolean;
  ticketRequired: boolean;
  approvalWorkflow: boolean;
  sesEnabled: boolean;
  sesSourceEmail: string | null;
  sesSourceArn: string | null;
  snsEnabled: boolean;
  slackEnabled: boolean;
  slackAuditChannel: string | null;
  slackTokenConfigured: boolean;
  adminGroupName: string | null;
  auditorGroupName: string | null;
  ouCacheEnabled: boolean;
  sensitiveActions: string[];
  updatedAt: string | null;
  updatedBy: string | null;
  version: number;
}

export interface Account {
  id: string;
  name: string;
  email: string | null;
}

export interface OuNode {
  id: string;
  name: string;
  type: OuNodeType;
  parentId: string | null;
}

export interface User {
  id: string;
  userName: string;
  displayName: string | null;
  email: string | null;
}

export interface PermissionSet {
  arn: string;
  name: string;
  description: string | null;
  sessionDuration: string | null;
}

export interface DeletePoliciesResult {
  deletedIds: string[];
}

export interface InvalidateOuCacheResult {
  invalidated: string[];
  failed: string[];
  message: string;
}

export interface SessionLogQuery {
  requestId: string;
  status: SessionLogQueryStatus;
  progress: number | null;
  error: string | null;
  windowStart: string | null;
  windowEnd: string | null;
  rowCount: number | null;
  updatedAt: string;
}

export interface SessionLogEvent {
  eventId: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  awsRegion: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  readOnly: boolean | null;
  errorCode: string | null;
  sensitive: boolean;
}

export interface RequestChange {
  /** Every channel the change was published to (one event reaches all of them). */
  channels: string[];
  requestId: string;
  status: RequestStatus;
  updatedAt: string;
}

// ---------------------------------------------------------------------------------------------
// Inputs

export interface CreateRequestInput {
  accountId: string;
  permissionSetArn: string;
  startTime?: string | null;
  durationHours: number;
  justification: string;
  ticketNo?: string | null;
}

export interface DecisionInput {
  requestId: string;
  comment?: string | null;
}

export interface CancelRequestInput {
  requestId: string;
}

export interface PrincipalInput {
  id: string;
  type: PrincipalType;
}

export interface CreateEligibilityPoliciesInput {
  principals: PrincipalInput[];
  accountIds: string[];
  ouIds: string[];
  permissionSetArns: string[];
  maxDurationHours: number;
  approvalRequired: boolean;
  ticketNo?: string | null;
}

export interface UpdateEligibilityPolicyInput {
  id: string;
  accountIds: string[];
  ouIds: string[];
  permissionSetArns: string[];
  maxDurationHours: number;
  approvalRequired: boolean;
  ticketNo?: string | null;
  expectedUpdatedAt: string;
}

export interface DeletePoliciesInput {
  ids: string[];
}

export interface CreateApproverPoliciesInput {
  targets: string[];
  approverGroupIds: string[];
  ticketNo?: string | null;
}

export interface UpdateApproverPolicyInput {
  id: string;
  approverGroupIds: string[];
  ticketNo?: string | null;
  expectedUpdatedAt: string;
}

export interface UpdateSettingsInput {
  maxDurationHours: number;
  expiryHours: number;
  commentsRequired: boolean;
  ticketRequired: boolean;
  approvalWorkflow: boolean;
  sesEnabled: boolean;
  sesSourceEmail?: string | null;
  sesSourceArn?: string | null;
  snsEnabled: boolean;
  slackEnabled: boolean;
  slackAuditChannel?: string | null;
  slackToken?: string | null;
  clearSlackToken?: boolean | null;
  adminGroupName?: string | null;
  auditorGroupName?: string | null;
  ouCacheEnabled: boolean;
  sensitiveActions: string[];
  expectedVersion: number;
}

export interface InvalidateOuCacheInput {
  ouIds: string[];
}

/** Paging arguments of every list query. */
export interface PageArgs {
  limit?: number;
  nextToken?: string | null;
}

/** Paging arguments of the admin pickers, which also filter by a substring. */
export interface PickerArgs extends PageArgs {
  filter?: string | null;
}
