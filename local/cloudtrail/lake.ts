import { AwsServiceError, noFaults, startAwsJsonService, type FaultKnobs } from '../common/aws-json-server';
import {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_REGION,
  type CloudTrailEvent,
  type CloudTrailEventInput,
  type SessionActivityOptions,
} from './events';
import { QueryRuntimeError, runQuery, type QueryOutput } from './evaluate';
import { compileQuery, InvalidQueryError, substituteParameters } from './sql';
import { CloudTrailEventStore } from './store';

/**
 * A local CloudTrail Lake: one event data store and the query API (AWS JSON 1.1, target prefix
 * `CloudTrail_20131101`), so `@aws-sdk/client-cloudtrail` runs unchanged against it.
 */

export type QueryStatus = 'QUEUED' | 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELLED' | 'TIMED_OUT';

/** Behaviour knobs; changes apply to queries started afterwards. */
export interface LakeKnobs {
  faults: FaultKnobs;
  /** Status looks (DescribeQuery / GetQueryResults calls) answered QUEUED. */
  queuedPolls: number;
  /** Status looks answered RUNNING after that. */
  runningPolls: number;
  /** A query also stays RUNNING until this many milliseconds after it started. */
  runningMs: number;
  /** The next N queries end FAILED with `failMessage`. */
  failNext: number;
  failMessage: string;
  /** The next N queries end TIMED_OUT. */
  timeOutNext: number;
}

export interface StartCloudTrailLakeOptions {
  port?: number;
  events?: CloudTrailEventInput[];
  accountId?: string;
  region?: string;
  eventDataStoreId?: string;
  eventDataStoreName?: string;
  knobs?: Partial<LakeKnobs>;
  /** Clock for `now()` and timestamps; the wall clock by default. */
  now?: () => Date;
}

export interface RunningCloudTrailLake {
  url: string;
  eventDataStoreArn: string;
  eventDataStoreId: string;
  store: CloudTrailEventStore;
  knobs: LakeKnobs;
  /** Shorthand for `store.addEvents`. */
  addEvents(events: readonly CloudTrailEventInput[]): CloudTrailEvent[];
  /** Shorthand for `store.recordSessionActivity`. */
  recordSessionActivity(options: SessionActivityOptions): CloudTrailEvent[];
  /** Number of queries started so far (for tests and benchmarks). */
  queryCount(): number;
  stop(): Promise<void>;
}

interface QueryRecord {
  id: string;
  queryString: string;
  deliveryS3Uri?: string;
  createdAt: Date;
  startedMs: number;
  looks: number;
  queuedPolls: number;
  runningPolls: number;
  runningMs: number;
  outcome:
    | { status: 'FINISHED'; output: QueryOutput; millis: number }
    | { status: 'FAILED' | 'TIMED_OUT'; message: string };
  /** Set once the query has ended (finished, failed, cancelled or timed out). */
  final?: QueryStatus;
}

const defaultKnobs = (): LakeKnobs => ({
  faults: noFaults(),
  queuedPolls: 0,
  runningPolls: 1,
  runningMs: 0,
  failNext: 0,
  failMessage: 'Query failed: the local CloudTrail Lake was told to fail it',
  timeOutNext: 0,
});

const MAX_PAGE = 1000;
/** Finished queries kept for GetQueryResults; the oldest are forgotten beyond this. */
const MAX_QUERIES = 5000;
const epochSeconds = (date: Date) => date.getTime() / 1000;

const str = (value: unknown, name: string, required = false): string | undefined => {
  if (value === undefined || value === null) {
    if (required) throw new AwsServiceError('InvalidParameterException', `${name} is required`);
    return undefined;
  }
  if (typeof value !== 'string')
    throw new AwsServiceError('InvalidParameterException', `${name} must be a string`);
  return value;
};

/** Starts the simulator on 127.0.0.1 (port 0 = any free port). */
export async function startCloudTrailLake(
  options: StartCloudTrailLakeOptions = {},
): Promise<RunningCloudTrailLake> {
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const region = options.region ?? DEFAULT_REGION;
  const edsId = options.eventDataStoreId ?? 'a3f1c2d4-5b6e-4f70-8a91-b2c3d4e5f607';
  const edsArn = `arn:aws:cloudtrail:${region}:${accountId}:eventdatastore/${edsId}`;
  const edsName = options.eventDataStoreName ?? 'team-organization-events';
  const now = options.now ?? (() => new Date());
  const createdAt = now();
  const knobs: LakeKnobs = { ...defaultKnobs(), ...options.knobs };
  const store = new CloudTrailEventStore();
  if (options.events) store.addEvents(options.events);
  const queries = new Map<string, QueryRecord>();

  const isThisStore = (ref: string) => ref === edsId || ref === edsArn;
  const requireStore = (ref: string) => {
    if (!isThisStore(ref))
      throw new AwsServiceError(
        'EventDataStoreNotFoundException',
        `The event data store ${ref} was not found.`,
      );
  };

  /** Status at this look, without counting it. */
  const statusOf = (q: QueryRecord): QueryStatus => {
    if (q.final) return q.final;
    if (q.looks < q.queuedPolls) return 'QUEUED';
    if (q.looks < q.queuedPolls + q.runningPolls || Date.now() - q.startedMs < q.runningMs) return 'RUNNING';
    return q.outcome.status;
  };
  /** Counts one look by a client and returns the status it sees. */
  const look = (q: QueryRecord): QueryStatus => {
    const status = statusOf(q);
    q.looks++;
    if (status === 'FINISHED' || status === 'FAILED' || status === 'TIMED_OUT') q.final = status;
    return status;
  };

  const findQuery = (input: Record<string, unknown>): QueryRecord => {
    const id = str(input.QueryId, 'QueryId', true) as string;
    const query = queries.get(id);
    if (!query) throw new AwsServiceError('QueryIdNotFoundException', `The query ID ${id} does not exist.`);
    const eds = str(input.EventDataStore, 'EventDataStore');
    if (eds !== undefined) requireStore(eds);
    return query;
  };

  const errorMessage = (q: QueryRecord, status: QueryStatus) =>
    (status === 'FAILED' || status === 'TIMED_OUT') && q.outcome.status !== 'FINISHED'
      ? q.outcome.message
      : undefined;

  const eventDataStore = () => ({
    EventDataStoreArn: edsArn,
    Name: edsName,
    Status: 'ENABLED',
    AdvancedEventSelectors: [
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
    ],
    MultiRegionEnabled: true,
    OrganizationEnabled: true,
    RetentionPeriod: 2557,
    TerminationProtectionEnabled: true,
    CreatedTimestamp: epochSeconds(createdAt),
    UpdatedTimestamp: epochSeconds(createdAt),
    BillingMode: 'EXTENDABLE_RETENTION_PRICING',
    FederationStatus: 'DISABLED',
  });

  const service = await startAwsJsonService(
    {
      targetPrefix: 'CloudTrail_20131101',
      jsonVersion: '1.1',
      faults: knobs.faults,
      throttlingError: 'ThrottlingException',
      operations: {
        ListEventDataStores: () => ({ EventDataStores: [{ EventDataStoreArn: edsArn, Name: edsName }] }),
        GetEventDataStore: (input) => {
          requireStore(str(input.EventDataStore, 'EventDataStore', true) as string);
          return eventDataStore();
        },
        StartQuery: (input) => {
          if (input.QueryAlias !== undefined)
            throw new AwsServiceError(
              'InvalidParameterException',
              'QueryAlias is only used by CloudTrail Lake dashboards; send a QueryStatement',
            );
          const statement = str(input.QueryStatement, 'QueryStatement', true) as string;
          const parameters = input.QueryParameters ?? [];
          if (
            !Array.isArray(parameters) ||
            parameters.length > 10 ||
            parameters.some((p) => typeof p !== 'string' || p.length < 1 || p.length > 1024)
          )
            throw new AwsServiceError(
              'InvalidParameterException',
              'QueryParameters must be 1 to 10 strings of 1 to 1024 characters',
            );
          const values = parameters as string[];
          let plan;
          try {
            plan = compileQuery(statement, values);
          } catch (err) {
            if (err instanceof InvalidQueryError)
              throw new AwsServiceError('InvalidQueryStatementException', err.message);
            throw err;
          }
          requireStore(plan.eventDataStore);

          let outcome: QueryRecord['outcome'];
          if (knobs.failNext > 0) {
            knobs.failNext--;
            outcome = { status: 'FAILED', message: knobs.failMessage };
          } else if (knobs.timeOutNext > 0) {
            knobs.timeOutNext--;
            outcome = { status: 'TIMED_OUT', message: 'Query exceeded the maximum run time and timed out.' };
          } else {
            const began = performance.now();
            try {
              const output = runQuery(plan, store.all(), { now });
              outcome = {
                status: 'FINISHED',
                output,
                millis: Math.max(1, Math.round(performance.now() - began)),
              };
            } catch (err) {
              if (!(err instanceof QueryRuntimeError)) throw err;
              outcome = { status: 'FAILED', message: err.message };
            }
          }
          const id = crypto.randomUUID();
          if (queries.size >= MAX_QUERIES) queries.delete(queries.keys().next().value as string);
          queries.set(id, {
            id,
            queryString: values.length > 0 ? substituteParameters(statement, values) : statement,
            deliveryS3Uri: str(input.DeliveryS3Uri, 'DeliveryS3Uri'),
            createdAt: now(),
            startedMs: Date.now(),
            looks: 0,
            queuedPolls: knobs.queuedPolls,
            runningPolls: knobs.runningPolls,
            runningMs: knobs.runningMs,
            outcome,
          });
          return { QueryId: id, EventDataStoreOwnerAccountId: accountId };
        },
        DescribeQuery: (input) => {
          const q = findQuery(input);
          const status = look(q);
          const done = status === 'FINISHED' && q.outcome.status === 'FINISHED';
          const share =
            status === 'RUNNING' ? (q.looks - q.queuedPolls) / (q.runningPolls + 1) : done ? 1 : 0;
          const scanned = Math.floor(store.size * Math.min(1, share));
          return {
            QueryId: q.id,
            QueryString: q.queryString,
            QueryStatus: status,
            QueryStatistics: {
              EventsMatched: done && q.outcome.status === 'FINISHED' ? q.outcome.output.eventsMatched : 0,
              EventsScanned:
                done && q.outcome.status === 'FINISHED' ? q.outcome.output.eventsScanned : scanned,
              BytesScanned: Math.floor(store.bytes * Math.min(1, share)),
              ExecutionTimeInMillis:
                done && q.outcome.status === 'FINISHED' ? q.outcome.millis : Date.now() - q.startedMs,
              CreationTime: epochSeconds(q.createdAt),
            },
            ErrorMessage: errorMessage(q, status),
            DeliveryS3Uri: q.deliveryS3Uri,
            DeliveryStatus: q.deliveryS3Uri ? (done ? 'SUCCESS' : 'PENDING') : undefined,
            EventDataStoreOwnerAccountId: accountId,
          };
        },
        GetQueryResults: (input) => {
          const q = findQuery(input);
          const max = input.MaxQueryResults ?? MAX_PAGE;
          if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_PAGE)
            throw new AwsServiceError(
              'InvalidMaxResultsException',
              'MaxQueryResults must be between 1 and 1000.',
            );
          let offset = 0;
          const token = str(input.NextToken, 'NextToken');
          if (token !== undefined) {
            const decoded = decodeToken(token);
            if (!decoded || decoded.q !== q.id)
              throw new AwsServiceError(
                'InvalidNextTokenException',
                'The NextToken is not valid for this query.',
              );
            offset = decoded.o;
          }
          const status = look(q);
          if (status !== 'FINISHED' || q.outcome.status !== 'FINISHED')
            return {
              QueryStatus: status,
              QueryStatistics: { ResultsCount: 0, TotalResultsCount: 0, BytesScanned: 0 },
              QueryResultRows: [],
              ErrorMessage: errorMessage(q, status),
            };
          const { columns, rows } = q.outcome.output;
          const page = rows.slice(offset, offset + max);
          const next = offset + page.length;
          return {
            QueryStatus: status,
            QueryStatistics: {
              ResultsCount: page.length,
              TotalResultsCount: rows.length,
              BytesScanned: store.bytes,
            },
            QueryResultRows: page.map((row) => row.map((cell, i) => ({ [columns[i] ?? `_col${i}`]: cell }))),
            NextToken: next < rows.length ? encodeToken({ q: q.id, o: next }) : undefined,
          };
        },
        CancelQuery: (input) => {
          const q = findQuery(input);
          const status = statusOf(q);
          if (status !== 'QUEUED' && status !== 'RUNNING')
            throw new AwsServiceError(
              'InactiveQueryException',
              `The query ${q.id} cannot be cancelled because it is in the ${status} state.`,
            );
          q.final = 'CANCELLED';
          return { QueryId: q.id, QueryStatus: 'CANCELLED', EventDataStoreOwnerAccountId: accountId };
        },
      },
    },
    options.port ?? 0,
  );

  return {
    url: service.url,
    eventDataStoreArn: edsArn,
    eventDataStoreId: edsId,
    store,
    knobs,
    addEvents: (events) => store.addEvents(events),
    recordSessionActivity: (activity) => store.recordSessionActivity(activity),
    queryCount: () => queries.size,
    stop: () => service.stop(),
  };
}

function encodeToken(token: { q: string; o: number }): string {
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

function decodeToken(token: string): { q: string; o: number } | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      'q' in value &&
      'o' in value &&
      typeof value.q === 'string' &&
      typeof value.o === 'number' &&
      Number.isInteger(value.o) &&
      value.o >= 0
    )
      return { q: value.q, o: value.o };
  } catch {
    // fall through: not a token we issued
  }
  return undefined;
}
