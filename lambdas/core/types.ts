/**
 * The TEAM domain: plain data shared by the core, the adapters and the handlers.
 * Nothing here knows about AWS, Lambda or GraphQL.
 */

export const REQUEST_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'cancelled',
  'expired',
  'scheduled',
  'in progress',
  'ended',
  'revoked',
  'error',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Statuses after which nothing more happens to a request (see lifecycle.ts for `revoked`). */
export const TERMINAL_STATUSES: readonly RequestStatus[] = [
  'rejected',
  'cancelled',
  'expired',
  'ended',
  'revoked',
  'error',
];

/**
 * Where a request stands for the list pages: waiting for a decision, access scheduled or held,
 * access over, or closed without access ever being granted.
 */
export type RequestPhase = 'pending' | 'active' | 'ended' | 'closed';

export type Persona = 'requester' | 'approver' | 'auditor' | 'admin';

/** Who is calling, derived only from verified token claims (or a server-side lookup). */
export interface CallerIdentity {
  /** IAM Identity Center user id. */
  userId: string;
  /** IAM Identity Center user name (usually the email). */
  userName: string;
  email: string;
  displayName?: string;
  /** IAM Identity Center group ids the user belongs to. */
  groupIds: readonly string[];
  isAdmin: boolean;
  isAuditor: boolean;
}

/** A person who did something to a request, recorded from their identity. */
export interface Actor {
  id: string;
  email: string;
  name?: string;
}

export interface AccountRef {
  id: string;
  name: string;
}

export interface PermissionSetRef {
  arn: string;
  name: string;
}

export interface AccessRequest {
  id: string;
  requester: Actor;
  accountId: string;
  accountName: string;
  permissionSetArn: string;
  permissionSetName: string;
  /** The permission set's session duration (ISO 8601, e.g. PT1H): credentials outlive access by up to this. */
  sessionDuration?: string;
  /** Requested start (ISO 8601 UTC). */
  startTime: string;
  durationHours: number;
  justification: string;
  ticketNo?: string;
  status: RequestStatus;
  /** Decided at creation from settings and the matching eligibility policies. */
  approvalRequired: boolean;
  /** Approvers resolved at creation (the requester is never among them). */
  approvers: Actor[];
  /** Pending requests expire at this time (creation + expiry timeout). */
  expiresAt?: string;
  decidedBy?: Actor;
  decidedAt?: string;
  decisionComment?: string;
  cancelledAt?: string;
  revokedBy?: Actor;
  revokedAt?: string;
  revokeComment?: string;
  /** When Identity Center confirmed the assignment. */
  grantedAt?: string;
  /** When access ended (duration elapsed, revoked) — set once the assignment is gone. */
  endedAt?: string;
  /** Why the request ended in `error`. */
  errorReason?: string;
  /** When the request ended in `error`. */
  failedAt?: string;
  createdAt: string;
  updatedAt: string;
  /** Incremented on every write; writes are conditional on it. */
  version: number;
  /** Set on history imported from the original TEAM: finished, read-only, never acted on. */
  importedFrom?: 'original-team';
  /**
   * The approval stages, fixed at creation (requests stored before stages existed have none:
   * one stage of all `approvers`, one approval). See lambdas/core/requests/approval-plan.ts.
   */
  approvalStages?: ApprovalStage[];
  /** Every approval given so far, in order (the last one completes the approval). */
  approvals?: Approval[];
  /** Reminder and escalation timers, fixed at creation from the settings and approver policies. */
  approvalTimers?: ApprovalTimers;
  /** When the approvers were last reminded. */
  remindedAt?: string;
  /** When the request escalated to the fallback approvers. */
  escalatedAt?: string;
  /** The stage whose approvers were last told about the request (0-based). */
  announcedStage?: number;
  /** What the eligibility policies allow for extensions, fixed at creation. */
  extensionRules?: ExtensionRules;
  /** Requests for more time, in order; approved ones move the end of access. */
  extensions?: Extension[];
  /** Set on break-glass access: granted at once, without approval, reviewed afterwards. */
  breakGlass?: BreakGlass;
  /** The after-the-fact review of break-glass access. */
  review?: SessionReview;
}

/** One person's approval (of a request or of an extension), as recorded. */
export interface Approval {
  by: Actor;
  at: string;
  comment?: string;
  /** The stage it counts for (0-based). */
  stage: number;
}

/** A stage of a request's approval: who may approve in it and how many approvals it needs. */
export interface ApprovalStage {
  /** Shown in progress ("waiting for security"); absent for an unnamed single stage. */
  name?: string;
  /** Approvers (ids in `AccessRequest.approvers`) who may approve in this stage. */
  approverIds: string[];
  /** Approvals needed from different people (at least 1). */
  required: number;
}

/** When approvers are reminded and the request escalates (minutes after creation). */
export interface ApprovalTimers {
  remindAfterMinutes?: number;
  escalateAfterMinutes?: number;
  /** Who the request escalates to: they join the stage that is open then. */
  escalationGroups?: GroupRef[];
}

/** What extending a request may do, from the eligibility policies that granted it. */
export interface ExtensionRules {
  /** The most hours the access may last in total, extensions included. */
  maxTotalHours: number;
  /** Extensions wait for approval by the request's approvers (same stages and quorum). */
  approvalRequired: boolean;
}

export const EXTENSION_STATUSES = ['pending', 'approved', 'rejected', 'cancelled'] as const;
export type ExtensionStatus = (typeof EXTENSION_STATUSES)[number];

/** A request for more time on scheduled or in-progress access. */
export interface Extension {
  /** 1, 2, … in the order asked. */
  id: number;
  hours: number;
  reason: string;
  requestedBy: Actor;
  requestedAt: string;
  status: ExtensionStatus;
  approvals: Approval[];
  decidedBy?: Actor;
  decidedAt?: string;
  comment?: string;
  /** What the workflow last told people about it (see lambdas/core/access/workflow.ts). */
  announced?: string;
}

/** Break-glass access: why, and the incident or ticket it answers. */
export interface BreakGlass {
  incident: string;
}

export const REVIEW_STATES = ['needed', 'acknowledged', 'flagged'] as const;
export type ReviewState = (typeof REVIEW_STATES)[number];

export interface SessionReview {
  state: ReviewState;
  by?: Actor;
  at?: string;
  comment?: string;
  /** When the reviewers were last reminded. */
  remindedAt?: string;
  /** The workflow told people about the review. */
  announced?: boolean;
}

/** One (account, permission set) pair named explicitly by an eligibility policy. */
export interface AccountPermissionSetPair {
  account: AccountRef;
  permissionSet: PermissionSetRef;
}

/**
 * What a user or group may request. A principal may have several policies, each with a name
 * unique among that principal's policies; the one named `default` has the principal id as its
 * id, which is how a policy of the original one-per-principal model is stored and read.
 * A policy grants either accounts/OUs × permission sets, or an explicit list of pairs.
 */
export interface EligibilityPolicy {
  /** `<principalId>` for the policy named `default`, else `<principalId>#<name in lower case>`. */
  id: string;
  /** The IdC user or group id the policy is for. */
  principalId: string;
  principalType: 'USER' | 'GROUP';
  principalName: string;
  name: string;
  accounts: AccountRef[];
  /** OUs (or the root): cover the accounts directly under them, and nested OUs' with `includeNestedOus`. */
  ous: AccountRef[];
  includeNestedOus: boolean;
  permissionSets: PermissionSetRef[];
  /** Explicit pairs (a policy with pairs names no accounts, OUs or permission sets). */
  pairs: AccountPermissionSetPair[];
  maxDurationHours: number;
  approvalRequired: boolean;
  /**
   * The most hours access granted by this policy may reach with extensions (at least
   * `maxDurationHours`; equal: no extensions). Absent: `maxDurationHours`.
   */
  maxTotalHours?: number;
  /** Extensions wait for approval like the request did (default true; moot without approval). */
  extensionApprovalRequired?: boolean;
  /** The principal may take this policy's access as break-glass (at once, reviewed afterwards). */
  breakGlass?: boolean;
  /** Longest break-glass access in hours (default 1). */
  breakGlassMaxHours?: number;
  ticketNo?: string;
  updatedAt: string;
  updatedBy: string;
}

export interface GroupRef {
  id: string;
  name: string;
}

/** An Identity Center user named on a policy. */
export interface UserRef {
  id: string;
  /** User name. */
  name: string;
}

/**
 * Who approves what. A target (account, OU or root) may have several policies, one per scope:
 * no permission sets (every request for the target; the original model, id = target id) or a
 * set of permission sets (id = `<targetId>#<permission set ids joined by +>`).
 * See docs/policies.md for how the approvers of a request are chosen among matching policies.
 */
export interface ApproverPolicy {
  id: string;
  /** The account id, OU id or root id the policy applies to. */
  targetId: string;
  targetType: 'ACCOUNT' | 'OU';
  targetName: string;
  /** Empty: requests for any permission set. */
  permissionSets: PermissionSetRef[];
  /** An OU or root policy also covers accounts in nested OUs. */
  includeNestedOus: boolean;
  approverGroups: GroupRef[];
  approverUsers: UserRef[];
  /** Adds its approvers even when a more specific policy applies. */
  also: boolean;
  /** Approvals needed from the groups and users above (the first stage); default 1. */
  approvalsRequired?: number;
  /** Name of the first stage, shown in progress; default none. */
  stageName?: string;
  /** Stages after the first, approved in order once the first is complete. */
  nextStages?: ApprovalStageRule[];
  /** Remind the approvers this many minutes after the request was made (overrides settings). */
  remindAfterMinutes?: number;
  /** Escalate after this many minutes (overrides settings). */
  escalateAfterMinutes?: number;
  /** Who the request escalates to (overrides settings). */
  escalationGroups?: GroupRef[];
  ticketNo?: string;
  updatedAt: string;
  updatedBy: string;
}

/** A stage of an approver policy after its first one. */
export interface ApprovalStageRule {
  name: string;
  approverGroups: GroupRef[];
  approverUsers: UserRef[];
  approvalsRequired: number;
}

/** What a policy check compares (lambdas/core/policies/policy-check.ts). */
export type ReferenceKind = 'user' | 'group' | 'account' | 'ou' | 'permissionSet';

/** One reference a policy holds that no longer matches the organization or the directory. */
export interface StaleReference {
  kind: ReferenceKind;
  id: string;
  /** The name the policy stored. */
  name: string;
  /** `missing`: gone (deleted, closed, left the organization); `renamed`: exists under another name. */
  problem: 'missing' | 'renamed';
  /** The current name, for `renamed`. */
  currentName?: string;
}

export interface PolicyFinding {
  policyKind: 'ELIGIBILITY' | 'APPROVER';
  policyId: string;
  references: StaleReference[];
}

export interface PolicyCheckReport {
  checkedAt: string;
  eligibilityPoliciesChecked: number;
  approverPoliciesChecked: number;
  /** Policies with at least one stale reference, in policy id order (at most 500). */
  findings: PolicyFinding[];
  /** More policies had findings than the report keeps. */
  truncated: boolean;
}

/** Deployment configuration that settings fall back to (the admin and auditor group names). */
export interface SettingsFallback {
  adminGroupName?: string;
  auditorGroupName?: string;
}

export interface Settings {
  maxDurationHours: number;
  expiryHours: number;
  /** Approver comments (approve/reject) and revoke comments are mandatory. */
  commentsRequired: boolean;
  ticketRequired: boolean;
  /** Global approval workflow switch: off means no request needs approval. */
  approvalWorkflow: boolean;
  sesEnabled: boolean;
  sesSourceEmail?: string;
  sesSourceArn?: string;
  snsEnabled: boolean;
  slackEnabled: boolean;
  slackAuditChannel?: string;
  /** Whether a Slack token is stored (the token itself lives in the secret store only). */
  slackTokenConfigured: boolean;
  /** Whether a Slack signing secret is stored (the secret itself lives in the secret store only). */
  slackSigningSecretConfigured: boolean;
  /** Microsoft Teams notifications (to the channel of the stored webhook). */
  teamsEnabled: boolean;
  /** Whether a Teams webhook URL is stored (the URL itself lives in the secret store only). */
  teamsWebhookConfigured: boolean;
  adminGroupName?: string;
  auditorGroupName?: string;
  ouCacheEnabled: boolean;
  /** How long an OU's cached accounts are served before Organizations is asked again (hours). */
  ouCacheLifetimeHours: number;
  /** Actions flagged as sensitive in session activity logs (`eventSource:eventName` or `eventName`). */
  sensitiveActions: string[];
  /** Remind approvers this many minutes after a request was made (0: never). */
  reminderMinutes: number;
  /** Escalate to `escalationGroups` this many minutes after a request was made (0: never). */
  escalationMinutes: number;
  escalationGroups: GroupRef[];
  /** Break-glass allowed where a policy allows it; off: nowhere. */
  breakGlassEnabled: boolean;
  updatedAt?: string;
  updatedBy?: string;
  version: number;
}

/** A reference-counted account assignment held by TEAM for (user, account, permission set). */
export interface Grant {
  userId: string;
  accountId: string;
  permissionSetArn: string;
  /** Requests currently relying on this assignment. */
  requestIds: string[];
  /** False when the assignment existed before TEAM granted it (standing access: never removed). */
  createdByTeam: boolean;
  updatedAt: string;
  version: number;
}

export type AuditAction =
  | 'created'
  | 'approved'
  | 'rejected'
  | 'cancelled'
  | 'expired'
  | 'scheduled'
  | 'started'
  | 'ended'
  | 'revoked'
  | 'failed'
  | 'notified'
  | 'notification-failed'
  | 'repaired'
  /** One approval that does not complete the approval yet (quorum, stages). */
  | 'approval-recorded'
  | 'reminded'
  | 'escalated'
  | 'extension-requested'
  | 'extended'
  | 'extension-rejected'
  | 'extension-cancelled'
  | 'break-glass'
  | 'reviewed'
  /** An auditor reviewed what the session did (its session-log summary was flagged). */
  | 'session-reviewed';

/** An append-only record of something that happened to a request. */
export interface AuditEvent {
  requestId: string;
  /** Unique, sortable within a request (ISO time + a suffix). */
  id: string;
  at: string;
  action: AuditAction;
  actor: Actor | 'system';
  fromStatus?: RequestStatus;
  toStatus?: RequestStatus;
  comment?: string;
  detail?: string;
}

export interface DirectoryUser {
  id: string;
  userName: string;
  displayName?: string;
  email?: string;
}

export interface PermissionSetInfo extends PermissionSetRef {
  description?: string;
  sessionDuration?: string;
}

export interface AccountInfo extends AccountRef {
  email?: string;
}

export interface OuNode {
  id: string;
  name: string;
  type: 'ROOT' | 'ORGANIZATIONAL_UNIT';
  children: OuNode[];
}

export interface ParentRef {
  id: string;
  type: 'ROOT' | 'ORGANIZATIONAL_UNIT';
}

/** A page request: at most `limit` items after `cursor` (opaque, from a previous page). */
export interface PageRequest {
  limit: number;
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** What the request form may offer the caller for one account. */
export interface EligibleAccount extends AccountRef {
  permissionSets: EligiblePermissionSet[];
}

export interface EligiblePermissionSet extends PermissionSetRef {
  approvalRequired: boolean;
  maxDurationHours: number;
  /** Break-glass is allowed for this pair (and on in settings). */
  breakGlass?: boolean;
  /** Longest break-glass access, when allowed. */
  breakGlassMaxHours?: number;
  /** The most hours access may reach with extensions (absent: no extensions). */
  maxTotalHours?: number;
  /** Extensions wait for approval (only meaningful when the request does). */
  extensionApprovalRequired?: boolean;
}
