import type { ApiError } from './errors';
import type {
  Account,
  ApproveRequestInput,
  ApproverPolicy,
  AuditEvent,
  CreateApproverPoliciesInput,
  CreateBreakGlassRequestInput,
  DecideExtensionInput,
  ExtendRequestInput,
  ReviewRequestInput,
  CreateEligibilityPoliciesInput,
  CreateRequestInput,
  Dashboard,
  DeletePoliciesResult,
  EligibilityPolicy,
  Group,
  InvalidateOuCacheResult,
  Me,
  OuNode,
  Page,
  PageArgs,
  PermissionSet,
  PickerArgs,
  PolicyCheck,
  PolicyDocumentFormat,
  PolicyImportCounts,
  PolicyImportPreview,
  RequestHistoryImportResult,
  RequestHistoryPreview,
  ReconcileNowResult,
  RejectRequestInput,
  Request,
  RequestChange,
  RequestApprovers,
  RequestFormOptions,
  RequestListName,
  RevokeRequestInput,
  SessionLogEvent,
  SessionLogQuery,
  SessionLogsArgs,
  SessionReviewList,
  SessionSummary,
  SessionSummaryListItem,
  Settings,
  UpdateApproverPolicyInput,
  UpdateEligibilityPolicyInput,
  UpdateSettingsInput,
  User,
} from './model';

/** Callbacks of a realtime subscription. */
export interface SubscriptionHandlers<T> {
  next: (value: T) => void;
  error?: (error: ApiError) => void;
  /**
   * The connection came back after a disruption: events may have been missed, so refetch what
   * is shown (graphql/README.md, Realtime).
   */
  reconnected?: () => void;
}

/** Stops a subscription. */
export type Unsubscribe = () => void;

/**
 * Everything the SPA asks of the TEAM API. Pages use only this interface: the app runs with the
 * aws-amplify implementation (`createAmplifyTeamApi`), tests with an in-memory one. Every method
 * rejects with an `ApiError`.
 */
export interface TeamApi {
  me(): Promise<Me>;
  requestFormOptions(): Promise<RequestFormOptions>;
  /** Who would approve the caller's request for this account and permission set. */
  requestApprovers(accountId: string, permissionSetArn: string): Promise<RequestApprovers>;
  getRequest(id: string): Promise<Request | null>;
  requestEvents(requestId: string, page?: PageArgs): Promise<Page<AuditEvent>>;
  /** One page of a request list (my requests, approvals, access, audit). */
  listRequests(list: RequestListName, page?: PageArgs): Promise<Page<Request>>;
  settings(): Promise<Settings>;
  /**
   * Counts and timings of requests between two UTC dates (`YYYY-MM-DD`), both included, at most
   * 366 days (auditors, admins).
   */
  dashboard(from: string, to: string): Promise<Dashboard>;
  /** Starts rebuilding the dashboard's counters from the stored requests (admins); resolves once started. */
  rebuildDashboard(): Promise<ReconcileNowResult>;

  eligibilityPolicies(page?: PageArgs): Promise<Page<EligibilityPolicy>>;
  approverPolicies(page?: PageArgs): Promise<Page<ApproverPolicy>>;
  accounts(args?: PickerArgs): Promise<Page<Account>>;
  ouTree(page?: PageArgs): Promise<Page<OuNode>>;
  users(args?: PickerArgs): Promise<Page<User>>;
  groups(args?: PickerArgs): Promise<Page<Group>>;
  permissionSets(args?: PickerArgs): Promise<Page<PermissionSet>>;

  sessionLogQuery(requestId: string): Promise<SessionLogQuery | null>;
  sessionLogs(requestId: string, options?: SessionLogsArgs): Promise<Page<SessionLogEvent>>;
  startSessionLogQuery(requestId: string): Promise<SessionLogQuery>;

  /** Ended sessions flagged for review, to review or reviewed, most recently ended first. */
  sessionsToReview(state: SessionReviewList, page?: PageArgs): Promise<Page<SessionSummaryListItem>>;
  /** What a request's session did, and its review; null when it has no summary. */
  sessionSummary(requestId: string): Promise<SessionSummary | null>;
  /** Marks a flagged session reviewed, with a comment (auditors and admins, never one's own). */
  markSessionReviewed(requestId: string, comment: string): Promise<SessionSummary>;

  createRequest(input: CreateRequestInput): Promise<Request>;
  approveRequest(input: ApproveRequestInput): Promise<Request>;
  rejectRequest(input: RejectRequestInput): Promise<Request>;
  cancelRequest(requestId: string): Promise<Request>;
  revokeRequest(input: RevokeRequestInput): Promise<Request>;
  /** Takes break-glass access: granted at once without approval, reviewed afterwards. */
  createBreakGlassRequest(input: CreateBreakGlassRequestInput): Promise<Request>;
  /** Asks for more hours on scheduled or in-progress access (applied at once when no approval is needed). */
  extendRequest(input: ExtendRequestInput): Promise<Request>;
  /** Approves the pending extension (an approver of the open stage). */
  approveExtension(input: DecideExtensionInput): Promise<Request>;
  /** Rejects the pending extension (an approver), or withdraws it (the requester). */
  rejectExtension(input: DecideExtensionInput): Promise<Request>;
  /** Acknowledges or flags break-glass access afterwards (an approver, never the requester). */
  reviewRequest(input: ReviewRequestInput): Promise<Request>;

  createEligibilityPolicies(input: CreateEligibilityPoliciesInput): Promise<EligibilityPolicy[]>;
  updateEligibilityPolicy(input: UpdateEligibilityPolicyInput): Promise<EligibilityPolicy>;
  deleteEligibilityPolicies(ids: string[]): Promise<DeletePoliciesResult>;
  createApproverPolicies(input: CreateApproverPoliciesInput): Promise<ApproverPolicy[]>;
  updateApproverPolicy(input: UpdateApproverPolicyInput): Promise<ApproverPolicy>;
  deleteApproverPolicies(ids: string[]): Promise<DeletePoliciesResult>;
  updateSettings(input: UpdateSettingsInput): Promise<Settings>;
  invalidateOuCache(ouIds: string[]): Promise<InvalidateOuCacheResult>;
  /** Starts a run of the reconciler (admins); resolves when it was started, not when it is done. */
  reconcileNow(): Promise<ReconcileNowResult>;
  /** The latest policy check (admins); null before the first one. */
  policyCheck(): Promise<PolicyCheck | null>;
  /** Runs the policy check now (admins) and returns its report. */
  checkPoliciesNow(): Promise<PolicyCheck>;
  /** Every policy and the settings as one policy document (JSON text). */
  exportPolicies(): Promise<string>;
  /** What importing the document would change (nothing is written). */
  previewPolicyImport(document: string, format: PolicyDocumentFormat): Promise<PolicyImportPreview>;
  /** Imports the document, all or nothing, if nothing changed since the preview that gave `digest`. */
  importPolicies(document: string, format: PolicyDocumentFormat, digest: string): Promise<PolicyImportCounts>;
  /** What importing these original TEAM request items would write (nothing is written). */
  previewRequestHistoryImport(items: string): Promise<RequestHistoryPreview>;
  /** Imports the original TEAM's finished requests, read-only; those imported before are left alone. */
  importRequestHistory(items: string): Promise<RequestHistoryImportResult>;

  /** Request changes on a channel: the caller's user id, or `AUDIT` for auditors. */
  onRequestChange(channel: string, handlers: SubscriptionHandlers<RequestChange>): Unsubscribe;
  onSessionLogQuery(requestId: string, handlers: SubscriptionHandlers<SessionLogQuery>): Unsubscribe;
}

/** Largest page the list queries accept (graphql/README.md, Pagination). */
export const MAX_PAGE_SIZE = 100;
/** Largest page the admin pickers accept. */
export const MAX_PICKER_PAGE_SIZE = 1000;

/**
 * Reads every page of a list (the admin pickers and policy lists, where the page needs all of
 * it). Stops after `maxPages` so a server that never ends a listing cannot hang the page.
 */
export async function readAll<T>(
  fetchPage: (nextToken: string | null) => Promise<Page<T>>,
  maxPages = 100,
): Promise<T[]> {
  const items: T[] = [];
  let nextToken: string | null = null;
  for (let i = 0; i < maxPages; i += 1) {
    const page: Page<T> = await fetchPage(nextToken);
    items.push(...page.items);
    nextToken = page.nextToken;
    if (!nextToken) break;
  }
  return items;
}
