/**
 * Domain values as the schema spells them, where both the api's mappers and the publishers need
 * them: request statuses (`'in progress'` is `IN_PROGRESS`) and a session-log query's state.
 */
import type {
  RequestStatus as GraphQLRequestStatus,
  SessionLogQuery,
} from '../../../graphql/generated/schema';
import { REQUEST_STATUSES, type RequestStatus } from '../../core/types';
import type { SessionLogState } from '../../core/session-logs/ports';

const STATUS_TO_GRAPHQL = {
  pending: 'PENDING',
  approved: 'APPROVED',
  rejected: 'REJECTED',
  cancelled: 'CANCELLED',
  expired: 'EXPIRED',
  scheduled: 'SCHEDULED',
  'in progress': 'IN_PROGRESS',
  ended: 'ENDED',
  revoked: 'REVOKED',
  error: 'ERROR',
} as const satisfies Record<RequestStatus, GraphQLRequestStatus>;

/** `'in progress'` → `IN_PROGRESS`; every other status is its upper-case self. */
export function statusToGraphQL(status: RequestStatus): GraphQLRequestStatus {
  return STATUS_TO_GRAPHQL[status];
}

/** The domain status of a GraphQL `RequestStatus`, or undefined for anything else. */
export function statusFromGraphQL(value: string): RequestStatus | undefined {
  return REQUEST_STATUSES.find((s) => statusToGraphQL(s) === value);
}

/** A GraphQL `SessionLogQuery` (also the input of `publishSessionLogQuery`). */
export function sessionLogQueryToGraphQL(s: SessionLogState): SessionLogQuery {
  return {
    requestId: s.requestId,
    status: s.status,
    progress: s.progress ?? null,
    error: s.error ?? null,
    windowStart: s.windowStart ?? null,
    windowEnd: s.windowEnd ?? null,
    rowCount: s.rowCount ?? null,
    updatedAt: s.updatedAt,
  };
}
