/**
 * Ports: what the core needs from the outside world. Adapters implement them on AWS
 * (lambdas/adapters), tests with in-memory fakes (test/fakes).
 */
import type {
  AccessRequest,
  AccountInfo,
  ApproverPolicy,
  AuditEvent,
  DirectoryUser,
  EligibilityPolicy,
  Grant,
  GroupRef,
  OuNode,
  Page,
  PageRequest,
  ParentRef,
  PermissionSetInfo,
  RequestStatus,
  Settings,
} from './types';

export interface Clock {
  now(): Date;
}

export interface IdGenerator {
  newId(): string;
}

/**
 * Requests and their audit trail. Every status change is conditional on the stored status and
 * version and is written together with its audit event (one transaction); a mismatch throws
 * ConflictError (or IllegalTransitionError when the stored status does not allow the change).
 */
export interface RequestRepository {
  get(id: string): Promise<AccessRequest | undefined>;
  /** Stores a new request with its `created` event; fails with ConflictError if the id exists. */
  create(request: AccessRequest, event: AuditEvent): Promise<void>;
  /**
   * Writes `next` (same id, version = expected.version + 1) only if the stored request still has
   * `expected.status` and `expected.version`.
   */
  update(
    next: AccessRequest,
    expected: { status: RequestStatus; version: number },
    event: AuditEvent,
  ): Promise<void>;
  /** Appends an event that changes no state (notifications, repairs). */
  appendEvent(event: AuditEvent): Promise<void>;

  /** My requests, newest first. */
  listByRequester(userId: string, page: PageRequest): Promise<Page<AccessRequest>>;
  /** Pending requests listing this user as an approver, newest first. */
  listPendingForApprover(userId: string, page: PageRequest): Promise<Page<AccessRequest>>;
  /** Requests this user approved or rejected, most recent decision first. */
  listDecidedBy(userId: string, page: PageRequest): Promise<Page<AccessRequest>>;
  /** Scheduled or in-progress requests where the user is requester or approver, by start time. */
  listActiveFor(userId: string, page: PageRequest): Promise<Page<AccessRequest>>;
  /** Ended or revoked requests where the user is requester or approver, most recent first. */
  listEndedFor(userId: string, page: PageRequest): Promise<Page<AccessRequest>>;
  /** Every request, newest first (auditors). */
  listAll(page: PageRequest): Promise<Page<AccessRequest>>;
  /** Every scheduled, in-progress, ended or revoked request, by start time, newest first (auditors). */
  listSessions(page: PageRequest): Promise<Page<AccessRequest>>;
  /** A request's audit trail, oldest first. */
  listEvents(requestId: string, page: PageRequest): Promise<Page<AuditEvent>>;
}

export interface PolicyRepository {
  getEligibility(principalId: string): Promise<EligibilityPolicy | undefined>;
  /** The policies of these principals (user id and group ids); missing ones are skipped. */
  getEligibilities(principalIds: readonly string[]): Promise<EligibilityPolicy[]>;
  listEligibilities(page: PageRequest): Promise<Page<EligibilityPolicy>>;
  /** Creates (expectedUpdatedAt undefined: must not exist) or replaces (must match). */
  putEligibility(policy: EligibilityPolicy, expectedUpdatedAt?: string): Promise<void>;
  deleteEligibility(principalId: string): Promise<void>;

  getApproverPolicy(targetId: string): Promise<ApproverPolicy | undefined>;
  listApproverPolicies(page: PageRequest): Promise<Page<ApproverPolicy>>;
  putApproverPolicy(policy: ApproverPolicy, expectedUpdatedAt?: string): Promise<void>;
  deleteApproverPolicy(targetId: string): Promise<void>;
}

export interface SettingsRepository {
  /** The stored settings, or undefined when an admin never saved any. */
  get(): Promise<Settings | undefined>;
  /** Writes only if the stored version still equals `expectedVersion` (0: nothing stored). */
  put(settings: Settings, expectedVersion: number): Promise<void>;
}

/** Secrets that must never travel as data (the Slack bot token). */
export interface SecretStore {
  putSlackToken(token: string): Promise<void>;
  deleteSlackToken(): Promise<void>;
  getSlackToken(): Promise<string | undefined>;
}

/** Identity Center users, groups and permission sets (read-only). */
export interface Directory {
  getUser(userId: string): Promise<DirectoryUser | undefined>;
  findUserByUserName(userName: string): Promise<DirectoryUser | undefined>;
  groupIdsOfUser(userId: string): Promise<string[]>;
  /** User ids of the group's members. */
  membersOfGroup(groupId: string): Promise<string[]>;
  findGroupByName(displayName: string): Promise<GroupRef | undefined>;
  listUsers(): Promise<DirectoryUser[]>;
  listGroups(): Promise<GroupRef[]>;
  listPermissionSets(): Promise<PermissionSetInfo[]>;
  getPermissionSet(arn: string): Promise<PermissionSetInfo | undefined>;
  /** ARNs of the permission sets provisioned to this account. */
  permissionSetsProvisionedTo(accountId: string): Promise<string[]>;
}

/** AWS Organizations (read-only). */
export interface Organization {
  managementAccountId(): Promise<string>;
  listAccounts(): Promise<AccountInfo[]>;
  getAccount(accountId: string): Promise<AccountInfo | undefined>;
  /** Accounts directly under the OU or root (not in nested OUs). */
  accountsInOu(ouId: string): Promise<AccountInfo[]>;
  /** The account's direct parent (an OU or the root). */
  parentOf(accountId: string): Promise<ParentRef>;
  ouTree(): Promise<OuNode>;
}

/** Grants: reference counts of the assignments TEAM relies on. */
export interface GrantRepository {
  get(userId: string, accountId: string, permissionSetArn: string): Promise<Grant | undefined>;
  /** Creates (expectedVersion 0) or replaces a grant conditionally on its version. */
  put(grant: Grant, expectedVersion: number): Promise<void>;
  delete(grant: Grant): Promise<void>;
  /** Every grant TEAM holds (for the reconciler). */
  listAll(page: PageRequest): Promise<Page<Grant>>;
}
