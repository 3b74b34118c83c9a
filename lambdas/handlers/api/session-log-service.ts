/**
 * What the api needs from session-activity logs, behind one interface so the provider can be
 * plugged in: `none` answers DISABLED; a configured provider keeps the query state per request in
 * the SessionLogQueries table. Running the query and reading its rows belongs to the
 * session-logs function (its own issue); until it is wired, a started query stays QUEUED and a
 * finished one lists no rows here.
 */
import { ValidationError } from '../../core/errors';
import type { Clock } from '../../core/ports';
import type { AccessRequest, Page, PageRequest } from '../../core/types';
import type {
  DynamoSessionQueryRepository,
  SessionLogQueryRecord,
} from '../../adapters/dynamodb/session-queries';
import type { SessionLogState } from './shapes/session-logs';

/** One row of a session log, as the schema's `SessionLogEvent`. */
export interface SessionLogEventRow {
  eventId: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  awsRegion?: string;
  sourceIp?: string;
  userAgent?: string;
  readOnly?: boolean;
  errorCode?: string;
  sensitive: boolean;
}

export interface SessionLogService {
  /** The state of the request's log query; null when none was started. */
  state(request: AccessRequest): Promise<SessionLogState | null>;
  /** Starts (or reuses) the request's log query. */
  start(request: AccessRequest): Promise<SessionLogState>;
  /** Rows of the finished query, oldest first. */
  events(
    request: AccessRequest,
    options: { writeOnly: boolean; page: PageRequest },
  ): Promise<Page<SessionLogEventRow>>;
}

/** No provider is configured: every state is DISABLED and there are no rows. */
export function disabledSessionLogs(clock: Clock): SessionLogService {
  const disabled = (request: AccessRequest): SessionLogState => ({
    requestId: request.id,
    status: 'DISABLED',
    updatedAt: clock.now().toISOString(),
  });
  return {
    state: async (request) => disabled(request),
    start: async (request) => disabled(request),
    events: async () => ({ items: [] }),
  };
}

const HOUR_MS = 3_600_000;
/** How long a query state is kept (the table's TTL). */
const KEEP_SECONDS = 7 * 24 * 3600;

function stateOf(record: SessionLogQueryRecord): SessionLogState {
  const { requestId, status, progress, error, windowStart, windowEnd, rowCount, updatedAt } = record;
  return { requestId, status, progress, error, windowStart, windowEnd, rowCount, updatedAt };
}

/**
 * A provider is configured: query states live in the SessionLogQueries table. The window is
 * derived from the stored request only: from the grant to the end of access + 1 hour (session
 * credentials outlive the assignment), or to now + 1 hour while access is held.
 */
export function storedSessionLogs(options: {
  queries: Pick<DynamoSessionQueryRepository, 'get' | 'start'>;
  clock: Clock;
  provider: string;
}): SessionLogService {
  const { queries, clock, provider } = options;
  return {
    async state(request) {
      const record = await queries.get(request.id);
      return record ? stateOf(record) : null;
    },
    async start(request) {
      const existing = await queries.get(request.id);
      const ended = request.endedAt !== undefined;
      if (existing && (existing.status === 'QUEUED' || existing.status === 'RUNNING'))
        return stateOf(existing);
      if (existing && existing.status === 'FINISHED' && ended) return stateOf(existing);
      if (request.grantedAt === undefined) {
        throw new ValidationError(
          'This request has no session activity: access was never granted.',
          'requestId',
        );
      }
      const now = clock.now();
      const endMs = (request.endedAt ? Date.parse(request.endedAt) : now.getTime()) + HOUR_MS;
      const record: SessionLogQueryRecord = {
        requestId: request.id,
        status: 'QUEUED',
        provider,
        startedAt: now.toISOString(),
        windowStart: request.grantedAt,
        windowEnd: new Date(endMs).toISOString(),
        updatedAt: now.toISOString(),
        expiresAt: Math.floor(now.getTime() / 1000) + KEEP_SECONDS,
      };
      await queries.start(record, existing?.queryId);
      return stateOf(record);
    },
    async events() {
      return { items: [] };
    },
  };
}
