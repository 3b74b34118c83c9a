/** Session activity as the schema's `SessionLogEvent` (query states: `sessionLogQueryToGraphQL`). */
import type { SessionLogEvent } from '../../../../graphql/generated/schema';
import type { ClassifiedSessionLogRow } from '../../../core/session-logs';

/** A GraphQL `SessionLogEvent`. */
export function sessionLogEventToGraphQL(e: ClassifiedSessionLogRow): SessionLogEvent {
  return {
    eventId: e.eventId,
    eventTime: e.eventTime,
    eventName: e.eventName,
    eventSource: e.eventSource,
    awsRegion: e.awsRegion ?? null,
    sourceIp: e.sourceIp ?? null,
    userAgent: e.userAgent ?? null,
    readOnly: e.readOnly,
    errorCode: e.errorCode ?? null,
    sensitive: e.sensitive,
  };
}
