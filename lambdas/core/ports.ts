/**
 * Ports: what the core needs from the outside world. Adapters implement them on AWS
 * (lambdas/adapters), tests with in-memory fakes (test/fakes).
 */
import type {
  AccessRequest,
  PolicyCheckReport,
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
  SettingsFallback,
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
    event: AuditEvent | undefined,
    options?: RequestUpdateOptions,
  ): Promise<void>;
  /** Appends an event that changes no state (notifications, repairs). */
  appendEvent(event: AuditEvent): Promise<void>;
  /**
   * Stores a finished request imported from the original TEAM with its audit trail, in one
   * write; false (and nothing written) when a request with its id is already stored.
   */
  importHistorical(request: AccessRequest, events: readonly AuditEvent[]): Promise<boolean>;

  /** Break-glass access whose review is still needed, newest first. */
  listReviewsPending(page: PageRequest): Promise<Page<AccessRequest>>;
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
  getEligibility(policyId: string): Promise<EligibilityPolicy | undefined>;
  /** Every policy of these principals (user id and group ids), by principal then name. */
  eligibilitiesOf(principalIds: readonly string[]): Promise<EligibilityPolicy[]>;
  listEligibilities(page: PageRequest): Promise<Page<EligibilityPolicy>>;
  /** Creates (expectedUpdatedAt undefined: must not exist) or replaces (must match). */
  putEligibility(policy: EligibilityPolicy, expectedUpdatedAt?: string): Promise<void>;
  deleteEligibility(policyId: string): Promise<void>;

  getApproverPolicy(policyId: string): Promise<ApproverPolicy | undefined>;
  /** Every approver policy of these targets (account, OU and root ids), scoped or not. */
  approverPoliciesOf(targetIds: readonly string[]): Promise<ApproverPolicy[]>;
  listApproverPolicies(page: PageRequest): Promise<Page<ApproverPolicy>>;
  putApproverPolicy(policy: ApproverPolicy, expectedUpdatedAt?: string): Promise<void>;
  deleteApproverPolicy(policyId: string): Promise<void>;

  /** The latest policy check's report (undefined before the first check). */
  getCheck(): Promise<PolicyCheckReport | undefined>;
  /** Replaces the stored report. */
  putCheck(report: PolicyCheckReport): Promise<void>;
}

export interface SettingsRepository {
  /** The stored settings, or undefined when an admin never saved any. */
  get(): Promise<Settings | undefined>;
  /** Writes only if the stored version still equals `expectedVersion` (0: nothing stored). */
  put(settings: Settings, expectedVersion: number): Promise<void>;
}

/** The secrets TEAM keeps: the Slack bot token and signing secret, the Teams webhook URL. */
export const SECRET_NAMES = ['slackToken', 'slackSigningSecret', 'teamsWebhookUrl'] as const;
export type SecretName = (typeof SECRET_NAMES)[number];

/** Secrets that must never travel as data, by name. */
export interface SecretStore {
  /** The stored value; undefined when none is stored. */
  getSecret(name: SecretName): Promise<string | undefined>;
  /** Stores a value, keeping the other names' values. */
  putSecret(name: SecretName, value: string): Promise<void>;
  /** Removes one name's value, keeping the others. */
  deleteSecret(name: SecretName): Promise<void>;
}

/** Identity Center users, groups and permission sets (read-only). */
export interface Directory {
  getUser(userId: string): Promise<DirectoryUser | undefined>;
  findUserByUserName(userName: string): Promise<DirectoryUser | undefined>;
  /** The user whose (unique) email address this is, compared as the directory does. */
  findUserByEmail(email: string): Promise<DirectoryUser | undefined>;
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
  /**
   * The OUs above an OU, nearest first, ending with the root ([] for the root); possibly a few
   * minutes old (OUs move rarely; a request's account parent is always read live).
   */
  ancestorsOf(ouId: string): Promise<string[]>;
  /** The OU tree from the root, read now (admin pickers, checking a policy's OUs). */
  ouTree(): Promise<OuNode>;
  /** The OU tree, possibly a few minutes old: which OUs are nested in an OU. */
  cachedOuTree(): Promise<OuNode>;
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

export type AssignmentOperationKind = 'CREATE' | 'DELETE';

export interface AssignmentOperationStatus {
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  /** Identity Center's reason when FAILED. */
  reason?: string;
}

/**
 * Identity Center account assignments of users, as the grant and revoke steps need them: start
 * an asynchronous create or delete, follow it to SUCCEEDED or FAILED, and check whether an
 * assignment exists (standing access TEAM must never remove). Throttling surfaces as an error
 * with `retryable: true`, another operation in flight on the same assignment as ConflictError.
 */
export interface AccountAssignments {
  /** Starts creating the assignment; returns the operation's request id. */
  create(userId: string, accountId: string, permissionSetArn: string): Promise<string>;
  /** Starts deleting the assignment; returns the operation's request id. */
  remove(userId: string, accountId: string, permissionSetArn: string): Promise<string>;
  status(requestId: string, kind: AssignmentOperationKind): Promise<AssignmentOperationStatus>;
  exists(userId: string, accountId: string, permissionSetArn: string): Promise<boolean>;
}

/**
 * The request's workflow (one Step Functions execution per request, taking the request through
 * its lifecycle), driven by the router from the requests table's stream. The contract with the
 * workflow definition:
 *
 * - `start(request)` starts the execution named after the request id with input
 *   `{ "requestId": "<id>", "waitSeconds": <its time to expire> }`. Idempotent: a second start of
 *   the same request (a stream record delivered twice) is a no-op, never a second execution.
 * - The first step waits for the decision itself (the token of its task goes on the request,
 *   as below) or ends that wait at once when nothing needs deciding.
 * - While the workflow waits for something people decide (approval, the start time, the end
 *   time), its wait step is a `.waitForTaskToken` task that stores the task token on the request
 *   item in the attribute `workflowToken`, with an UpdateItem that is conditional on the status it
 *   waits in. It leaves `version` alone: the repository's writes are UpdateItems that keep
 *   `workflowToken`, and a token write changes no status, so the router ignores its record.
 * - The condition is the re-read: when the status already moved on, the store fails and the
 *   workflow acts on the status it then reads, so a decision that arrived before the token was
 *   stored is not lost (the router only signals tokens it finds on the request).
 * - `signal(request, status)` resumes the stored wait with `SendTaskSuccess(workflowToken,
 *   { "status": "<new status>" })` after a user-driven change (approved, rejected, cancelled,
 *   revoked). A token that no longer waits (TaskDoesNotExist, TaskTimedOut, InvalidToken) means
 *   the change was already handled (or the wait moved on and will re-read the status), so it
 *   is not an error; a request without a token is not signalled.
 */
export interface RequestWorkflow {
  start(request: Pick<AccessRequest, 'id' | 'approvalRequired' | 'expiresAt' | 'createdAt'>): Promise<void>;
  signal(
    request: Pick<AccessRequest, 'id'> & { workflowToken?: string },
    status: RequestStatus,
  ): Promise<void>;
}

/**
 * Resumes a request's waiting workflow right after a person's decision was stored, so access
 * follows an approval without waiting for the requests stream (the router still resumes it from
 * the stream, and then finds the wait already resumed). It acts only while the stored request
 * is exactly as the decision left it (same status and version): the token stored then is the one
 * of the wait the decision ends, never one of a later wait. It never fails the decision: when it
 * cannot resume, the router does.
 */
export interface RequestUpdateOptions {
  /** The approvers changed (escalation): their index items are written with the request. */
  approversChanged?: boolean;
}

/**
 * A chat message TEAM posted about a request with decision buttons (a Slack DM to an approver),
 * kept so it can be updated when the request is decided anywhere.
 */
export interface ChatMessageRef {
  requestId: string;
  /** The conversation (a Slack DM or channel id). */
  conversation: string;
  /** The message's Slack timestamp (its id within the conversation). */
  ts: string;
  /** Whom it was for (Identity Center user id). */
  recipientId?: string;
  /** The reader's IANA time zone, so an update shows times as the first post did. */
  timeZone?: string;
}

/** The chat messages of each request, and the interactions already accepted (replay guard). */
export interface ChatStore {
  addMessage(ref: ChatMessageRef): Promise<void>;
  /** The messages posted about the request, oldest first (at most a few hundred). */
  messagesOf(requestId: string): Promise<ChatMessageRef[]>;
  /**
   * Records an interaction's signature; false when it was recorded before (a replay). The record
   * is kept until `until`, the end of the window in which the signature is accepted at all.
   */
  firstUse(signature: string, until: Date): Promise<boolean>;
}

export interface DecisionRelay {
  resume(request: Pick<AccessRequest, 'id' | 'status' | 'version'>): Promise<void>;
}

/**
 * A realtime hint that a request changed, for the subscribers of every channel it names: one
 * publish reaches them all.
 */
export interface RequestChangeEvent {
  /** User ids (the requester, each approver) and `AUDIT`, each once; at most 90 approvers + 2. */
  channels: readonly string[];
  requestId: string;
  status: RequestStatus;
  updatedAt: string;
}

/**
 * Pushes realtime events to the API's subscribers (AppSync's IAM-only publish mutations).
 * Events are hints without sensitive data: subscribers refetch what they show.
 */
export interface RealtimePublisher {
  /** One publish (one AppSync operation) for all of the event's channels. */
  publishRequestChange(event: RequestChangeEvent): Promise<void>;
}

/**
 * Every port a use case may need; each factory takes only the ones it uses
 * (`Pick<CoreDeps, ...>`), so a composition root passes what its function built and tests pass
 * their world of fakes.
 */
export interface CoreDeps {
  requests: RequestRepository;
  policies: PolicyRepository;
  settings: SettingsRepository;
  secrets: SecretStore;
  directory: Directory;
  organization: Organization;
  clock: Clock;
  ids: IdGenerator;
  /** Deployment config the admin and auditor group names fall back to. */
  fallback?: SettingsFallback;
  /** Resumes the workflow at once after a decision (absent: the stream router alone does). */
  decisionRelay?: DecisionRelay;
}
