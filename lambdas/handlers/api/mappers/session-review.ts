/** Session summaries as the schema's `SessionSummary` (enum values upper case, dashes as underscores). */
import type {
  SessionReviewState as GraphQLSessionReviewState,
  SessionSummary as GraphQLSessionSummary,
  SessionSummaryStatus as GraphQLSessionSummaryStatus,
} from '../../../../graphql/generated/schema';
import type { SessionReviewState, SessionSummary, SessionSummaryStatus } from '../../../core/session-review';
import { actorToGraphQL } from './requests';

const STATUS_TO_GRAPHQL = {
  pending: 'PENDING',
  complete: 'COMPLETE',
  unavailable: 'UNAVAILABLE',
} as const satisfies Record<SessionSummaryStatus, GraphQLSessionSummaryStatus>;

const REVIEW_STATE_TO_GRAPHQL = {
  pending: 'PENDING',
  'to-review': 'TO_REVIEW',
  reviewed: 'REVIEWED',
  'not-needed': 'NOT_NEEDED',
} as const satisfies Record<SessionReviewState, GraphQLSessionReviewState>;

/** A GraphQL `SessionSummary`: a summary not computed yet shows zero calls and empty lists. */
export function sessionSummaryToGraphQL(s: SessionSummary): GraphQLSessionSummary {
  const a = s.activity;
  return {
    requestId: s.requestId,
    accountId: s.accountId,
    accountName: s.accountName,
    permissionSetArn: s.permissionSetArn,
    permissionSetName: s.permissionSetName,
    requester: actorToGraphQL(s.requester),
    grantedAt: s.grantedAt,
    endedAt: s.endedAt,
    revoked: s.endStatus === 'revoked',
    breakGlass: s.breakGlass,
    status: STATUS_TO_GRAPHQL[s.status],
    attempts: s.attempts,
    nextLookAt: s.status === 'pending' ? (s.dueAt ?? null) : null,
    error: s.lastError ?? null,
    computedAt: s.computedAt ?? null,
    windowStart: s.windowStart ?? null,
    windowEnd: s.windowEnd ?? null,
    totalCalls: a?.totalCalls ?? 0,
    readCalls: a?.readCalls ?? 0,
    writeCalls: a?.writeCalls ?? 0,
    failedCalls: a?.failedCalls ?? 0,
    accessDeniedCalls: a?.accessDeniedCalls ?? 0,
    sensitiveCalls: a?.sensitiveCalls ?? 0,
    sensitiveDeniedCalls: a?.sensitiveDeniedCalls ?? 0,
    firstCallAt: a?.firstCallAt ?? null,
    lastCallAt: a?.lastCallAt ?? null,
    truncated: a?.truncated ?? false,
    services: (a?.services ?? []).map((x) => ({ ...x })),
    writeActions: (a?.writeActions ?? []).map((x) => ({ ...x })),
    sensitiveActions: (a?.sensitiveActions ?? []).map((x) => ({ ...x })),
    accessDenied: (a?.accessDenied ?? []).map((x) => ({ ...x })),
    sourceIps: (a?.sourceIps ?? []).map((x) => ({ ...x })),
    flagged: s.flagged,
    reviewState: REVIEW_STATE_TO_GRAPHQL[s.reviewState],
    reviewedBy: s.reviewedBy ? actorToGraphQL(s.reviewedBy) : null,
    reviewedAt: s.reviewedAt ?? null,
    reviewComment: s.reviewComment ?? null,
  };
}
