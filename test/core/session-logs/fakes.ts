/**
 * In-memory session-log ports with the semantics of the real ones: the query store is
 * conditional and TTL-aware like the DynamoDB repository; the provider runs scripted statuses
 * and serves its rows in pages with offset cursors.
 */
import { ConflictError } from '../../../lambdas/core/errors';
import type { Clock } from '../../../lambdas/core/ports';
import type {
  ProviderQueryStatus,
  SessionLogProvider,
  SessionLogQueryChanges,
  SessionLogQueryRecord,
  SessionLogQuerySpec,
  SessionLogQueryStore,
  SessionLogRow,
} from '../../../lambdas/core/session-logs';
import { CallLog } from '../../fakes';

export class InMemorySessionLogQueryStore implements SessionLogQueryStore {
  readonly calls = new CallLog<keyof SessionLogQueryStore>();
  private readonly records = new Map<string, SessionLogQueryRecord>();

  constructor(private readonly clock: Clock) {}

  private live(requestId: string): SessionLogQueryRecord | undefined {
    const record = this.records.get(requestId);
    return record && record.expiresAt * 1000 > this.clock.now().getTime() ? record : undefined;
  }

  async get(requestId: string): Promise<SessionLogQueryRecord | undefined> {
    this.calls.hit('get');
    const record = this.live(requestId);
    return record ? structuredClone(record) : undefined;
  }

  async start(record: SessionLogQueryRecord, replacing?: string): Promise<void> {
    this.calls.hit('start');
    const current = this.live(record.requestId);
    const ok = replacing === undefined ? current === undefined : current?.queryId === replacing;
    if (!ok)
      throw new ConflictError(`A session-log query for request ${record.requestId} was started meanwhile.`);
    this.records.set(record.requestId, structuredClone(record));
  }

  async update(requestId: string, queryId: string, changes: SessionLogQueryChanges): Promise<void> {
    this.calls.hit('update');
    const current = this.records.get(requestId);
    if (!current || (current.queryId !== undefined && current.queryId !== queryId)) {
      throw new ConflictError(
        `The session-log query ${queryId} of request ${requestId} is no longer current.`,
      );
    }
    const defined = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
    this.records.set(requestId, { ...current, ...defined });
  }

  /** Test seeding: stores a record as it is. */
  seed(record: SessionLogQueryRecord): void {
    this.records.set(record.requestId, structuredClone(record));
  }

  peek(requestId: string): SessionLogQueryRecord | undefined {
    return this.records.get(requestId);
  }
}

interface FakeQuery {
  spec: SessionLogQuerySpec;
  /** Statuses the next looks return; the last one repeats. */
  script: ProviderQueryStatus[];
  rows: SessionLogRow[];
}

/** A provider whose queries finish after the scripted looks and return the given rows. */
export class FakeSessionLogProvider implements SessionLogProvider {
  readonly calls = new CallLog<'start' | 'status' | 'results'>();
  readonly queries = new Map<string, FakeQuery>();
  /** What the next started query will do. */
  nextScript: ProviderQueryStatus[] = [
    { state: 'RUNNING' },
    { state: 'FINISHED', progress: { eventsMatched: 0 } },
  ];
  nextRows: SessionLogRow[] = [];
  private counter = 0;

  constructor(readonly name = 'fake') {}

  async start(spec: SessionLogQuerySpec): Promise<{ queryId: string }> {
    this.calls.hit('start');
    this.counter += 1;
    const queryId = `query-${this.counter}`;
    this.queries.set(queryId, { spec, script: [...this.nextScript], rows: [...this.nextRows] });
    return { queryId };
  }

  async status(queryId: string): Promise<ProviderQueryStatus> {
    this.calls.hit('status');
    const query = this.queries.get(queryId);
    if (!query) return { state: 'FAILED', error: 'unknown query' };
    const next = query.script.length > 1 ? query.script.shift() : query.script[0];
    return structuredClone(next ?? { state: 'FINISHED' });
  }

  async results(
    queryId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ rows: SessionLogRow[]; nextCursor?: string }> {
    this.calls.hit('results');
    const query = this.queries.get(queryId);
    if (!query) throw new Error(`unknown query ${queryId}`);
    const offset = cursor === undefined ? 0 : Number(cursor);
    const rows = query.rows.slice(offset, offset + limit);
    const next = offset + rows.length;
    return next < query.rows.length ? { rows, nextCursor: String(next) } : { rows };
  }

  lastSpec(): SessionLogQuerySpec | undefined {
    return [...this.queries.values()].at(-1)?.spec;
  }
}

/** A row of the session (defaults: a read by Alice in Prod-Payments). */
export function aRow(overrides: Partial<SessionLogRow> = {}): SessionLogRow {
  return {
    eventId: 'e-1',
    eventTime: '2026-03-02T09:10:00.000Z',
    eventName: 'DescribeInstances',
    eventSource: 'ec2.amazonaws.com',
    awsRegion: 'us-east-1',
    sourceIp: '198.51.100.7',
    userAgent: 'aws-cli/2',
    readOnly: true,
    accountId: '333333333331',
    userName: 'alice@example.com',
    ...overrides,
  };
}
