/** Session-log queries: the state record → GraphQL `SessionLogQuery`. */
import type { SessionLogQueryRecord } from '../../../adapters/dynamodb/session-queries';

/** What a `SessionLogQuery` says about one request's log query. */
export type SessionLogState = Pick<SessionLogQueryRecord, 'requestId' | 'status' | 'updatedAt'> &
  Partial<Pick<SessionLogQueryRecord, 'progress' | 'error' | 'windowStart' | 'windowEnd' | 'rowCount'>>;

/** A GraphQL `SessionLogQuery`. */
export function sessionLogQueryToGraphQL(s: SessionLogState) {
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
