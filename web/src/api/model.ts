/**
 * The SPA's names for what the TEAM API returns and takes. Every type here is an alias of a
 * generated one (`npm run codegen` → `graphql/generated/operations.ts`): results are what the
 * documents in `graphql/operations/*.graphql` select, inputs and enums are the schema's. Nothing
 * here repeats a schema type by hand, so a change to the schema or a document breaks the build
 * where the SPA relies on what changed.
 */
import type {
  AccountsQuery,
  ActorFieldsFragment,
  DashboardQuery,
  ApproverPolicyFieldsFragment,
  AccountsQueryVariables,
  DeleteEligibilityPoliciesMutation,
  EligibilityPolicyFieldsFragment,
  GroupsQuery,
  InvalidateOuCacheMutation,
  MeQuery,
  MyRequestsQuery,
  MyRequestsQueryVariables,
  OnRequestChangeSubscription,
  OuTreeQuery,
  PermissionSetsQuery,
  PolicyCheckFieldsFragment,
  PreviewPolicyImportQuery,
  ImportPoliciesMutation,
  PreviewRequestHistoryImportQuery,
  ImportRequestHistoryMutation,
  ReconcileNowMutation,
  RequestEventsQuery,
  RequestFieldsFragment,
  RequestApproversQuery,
  RequestFormOptionsQuery,
  RequestStatus,
  SessionLogQueryFieldsFragment,
  SessionSummaryFieldsFragment,
  SessionSummaryListFieldsFragment,
  SessionLogsQuery,
  SessionLogsQueryVariables,
  SettingsFieldsFragment,
  UsersQuery,
} from '../../../graphql/generated/operations';

export type {
  ApproveRequestInput,
  CreateBreakGlassRequestInput,
  DecideExtensionInput,
  ExtendRequestInput,
  ExtensionStatus,
  ReviewRequestInput,
  ReviewState,
  PolicyDocumentFormat,
  ApproverTargetType,
  AuditAction,
  CreateApproverPoliciesInput,
  CreateEligibilityPoliciesInput,
  CreateRequestInput,
  OuNodeType,
  Persona,
  PrincipalType,
  RejectRequestInput,
  RequestStatus,
  RevokeRequestInput,
  SessionLogQueryStatus,
  SessionReviewList,
  SessionReviewState,
  SessionSummaryStatus,
  UpdateApproverPolicyInput,
  UpdateEligibilityPolicyInput,
  UpdateSettingsInput,
} from '../../../graphql/generated/operations';
export type { RequestListName } from './request-lists';

// ---------------------------------------------------------------------------------------------
// Results

export type Me = MeQuery['me'];
export type Actor = ActorFieldsFragment;
export type Request = RequestFieldsFragment;
/** Where a request's approval stands: its stages in order, approvals given, reminder timers. */
export type ApprovalProgress = NonNullable<Request['approval']>;
export type ApprovalStageProgress = ApprovalProgress['stages'][number];
/** One person's approval of a request or of an extension. */
export type Approval = ApprovalStageProgress['approvals'][number];
/** A request for more time on scheduled or in-progress access. */
export type Extension = Request['extensions'][number];
/** The after-the-fact review of break-glass access. */
export type SessionReview = NonNullable<Request['review']>;
export type AuditEvent = RequestEventsQuery['requestEvents']['items'][number];
export type RequestFormOptions = RequestFormOptionsQuery['requestFormOptions'];
/** Who would approve a request for an account and permission set, shown before submitting. */
export type RequestApprovers = RequestApproversQuery['requestApprovers'];
/** A stage of the approval a request would go through, shown before submitting. */
export type ApproverStage = RequestApprovers['stages'][number];
export type EligibleAccount = RequestFormOptions['accounts'][number];
export type EligiblePermissionSet = EligibleAccount['permissionSets'][number];
export type EligibilityPolicy = EligibilityPolicyFieldsFragment;
export type ApproverPolicy = ApproverPolicyFieldsFragment;
export type Settings = SettingsFieldsFragment;
export type Account = AccountsQuery['accounts']['items'][number];
export type OuNode = OuTreeQuery['ouTree']['items'][number];
export type User = UsersQuery['users']['items'][number];
export type Group = GroupsQuery['groups']['items'][number];
export type PermissionSet = PermissionSetsQuery['permissionSets']['items'][number];
export type SessionLogQuery = SessionLogQueryFieldsFragment;
export type SessionLogEvent = SessionLogsQuery['sessionLogs']['items'][number];
export type RequestChange = NonNullable<OnRequestChangeSubscription['onRequestChange']>;
/** An ended session flagged for review, as the "sessions to review" list shows it. */
export type SessionSummaryListItem = SessionSummaryListFieldsFragment;
/** What one ended session did (its session-log summary) and its review. */
export type SessionSummary = SessionSummaryFieldsFragment;
/** Calls of one action during a session. */
export type SessionActionCalls = SessionSummary['writeActions'][number];
/** What deleting eligibility or approver policies answers (the same type for both). */
export type DeletePoliciesResult = DeleteEligibilityPoliciesMutation['deleteEligibilityPolicies'];
export type InvalidateOuCacheResult = InvalidateOuCacheMutation['invalidateOuCache'];
/** When an admin's reconciler run was started. */
export type ReconcileNowResult = ReconcileNowMutation['reconcileNow'];
/** The latest policy check: policies that name what no longer exists. */
export type PolicyCheck = PolicyCheckFieldsFragment;
export type PolicyFinding = PolicyCheck['findings'][number];
/** What importing a policy document would change, and the digest to import it with. */
export type PolicyImportPreview = PreviewPolicyImportQuery['previewPolicyImport'];
export type PolicyImportCounts = ImportPoliciesMutation['importPolicies'];
/** What importing part of the original TEAM's request history would write. */
export type RequestHistoryPreview = PreviewRequestHistoryImportQuery['previewRequestHistoryImport'];
export type RequestHistoryImportResult = ImportRequestHistoryMutation['importRequestHistory'];
/** Counts and timings of requests over a range of UTC days (auditors, admins). */
export type Dashboard = DashboardQuery['dashboard'];
/** The counts of one UTC day of the dashboard's range. */
export type DashboardDay = Dashboard['days'][number];
/** Time to decision or time to access: bucket counts and estimated percentiles. */
export type DurationDistribution = Dashboard['timeToDecision'];
/** An account, permission set or person and how often it appears. */
export type DashboardCount = Dashboard['topAccounts'][number];

// ---------------------------------------------------------------------------------------------
// Pages (graphql/README.md, Pagination)

/** A page of a list query: its items and the cursor of the next page (null: the last page). */
export type Page<T> = Omit<MyRequestsQuery['myRequests'], 'items'> & { items: T[] };
/** Paging arguments of every list query. */
export type PageArgs = MyRequestsQueryVariables;
/** Paging arguments of the admin pickers, which also filter by a substring. */
export type PickerArgs = AccountsQueryVariables;
/** Options of the session-log rows of a request. */
export type SessionLogsArgs = Omit<SessionLogsQueryVariables, 'requestId'>;

// ---------------------------------------------------------------------------------------------
// Enum values the SPA lists at run time

/** Every request status, in lifecycle order (filters, legends). */
export const REQUEST_STATUSES = [
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
] as const satisfies readonly RequestStatus[];

/** Compiles only when `T` is `true`. */
type Assert<T extends true> = T;
/** `true` when `Listed` names every member of `All`. */
type Covers<All, Listed> = [All] extends [Listed] ? true : false;
/** Compiles only while the list above names every status of the schema. */
export type RequestStatusesAreExhaustive = Assert<Covers<RequestStatus, (typeof REQUEST_STATUSES)[number]>>;
