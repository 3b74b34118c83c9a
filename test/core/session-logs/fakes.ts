/**
 * In-memory session-log ports with the semantics of the real ones: the query store is
 * conditional and TTL-aware like the DynamoDB repository; the provider runs scripted statuses
 * and serves its rows in pages with offset cursors. A follow world puts them together for the
 * follower of a started query.
 */
import { ConflictError } from '../../../lambdas/core/errors';
import type { Clock } from '../../../lambdas/core/ports';
import type {
  FollowOptions,
  ProviderQueryStatus,
  SessionLogProvider,
  SessionLogQueryChanges,
  SessionLogQueryRecord,
  SessionLogQuerySpec,
  SessionLogQueryStore,
  SessionLogQueryView,
  SessionLogRow,
} from '../../../lambdas/core/session-logs';
import { CallLog, FixedClock } from '../../fakes';

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

/** The time of a follow world's clock. */
export const FOLLOW_NOW = new Date('2026-03-02T12:00:00.000Z');

/** A query to follow: a scripted provider, the query store, and what is published, waited and warned. */
export function followWorld(script: ProviderQueryStatus[]) {
  const clock = new FixedClock(FOLLOW_NOW);
  const queries = new InMemorySessionLogQueryStore(clock);
  const provider = new FakeSessionLogProvider('cloudtrail-lake');
  provider.nextScript = script;
  const published: SessionLogQueryView[] = [];
  const publisher = {
    publishSessionLogQuery: async (view: SessionLogQueryView) => void published.push(view),
  };
  const waits: number[] = [];
  const sleep: FollowOptions['sleep'] = async (ms) => void waits.push(ms);
  const warnings: string[] = [];
  const log = { warn: (message: string) => void warnings.push(message) };
  const record = (queryId: string): SessionLogQueryRecord => ({
    requestId: 'req-1',
    queryId,
    status: 'QUEUED',
    provider: 'cloudtrail-lake',
    startedAt: FOLLOW_NOW.toISOString(),
    windowStart: '2026-03-02T08:00:00.000Z',
    windowEnd: '2026-03-02T11:00:00.000Z',
    updatedAt: FOLLOW_NOW.toISOString(),
    expiresAt: FOLLOW_NOW.getTime() / 1000 + 3600,
  });
  return { clock, queries, provider, published, publisher, waits, sleep, log, warnings, record };
}

/** Starts a query at the provider and stores it as QUEUED; returns the job that follows it. */
export async function startedJob(world: FollowWorld) {
  const { queryId } = await world.provider.start({
    accountId: '111111111111',
    userName: 'alice',
    permissionSetName: 'ReadOnlyAccess',
    windowStart: '2026-03-02T08:00:00.000Z',
    windowEnd: '2026-03-02T11:00:00.000Z',
  });
  world.queries.seed(world.record(queryId));
  return { requestId: 'req-1', queryId };
}

export type FollowWorld = ReturnType<typeof followWorld>;
