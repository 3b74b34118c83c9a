/**
 * Session logs from a CloudTrail Lake event data store. One fixed statement whose `?`
 * placeholders take the request's values as literals only after each passed its strict pattern
 * (Lake accepts QueryParameters only for its dashboards' query aliases), and the session is
 * matched exactly (role name prefix and length, role session name equal case-insensitively)
 * instead of the original's substring LIKEs.
 */
import {
  CloudTrailClient,
  DescribeQueryCommand,
  GetQueryResultsCommand,
  StartQueryCommand,
  type QueryStatus,
} from '@aws-sdk/client-cloudtrail';
import {
  PROVIDER_QUERY_STATES,
  SessionLogProviderError,
  type ProviderQueryProgress,
  type ProviderQueryState,
  type ProviderQueryStatus,
  type SessionLogProvider,
  type SessionLogQuerySpec,
  type SessionLogRow,
} from '../../core/session-logs/ports';
import { SSO_ROLE_SUFFIX_LENGTH, ssoRoleNamePrefix } from '../../core/session-logs/window';
import { awsCall, awsErrorName } from '../errors';
import {
  assertSafeSpec,
  bindLiterals,
  DEFAULT_MAX_ATTEMPTS,
  rowFromCells,
  trinoTimestamp,
  wholeSeconds,
  type ResultCells,
} from './common';

export const CLOUDTRAIL_LAKE_PROVIDER = 'cloudtrail-lake';
const SERVICE = 'CloudTrail Lake';
/** GetQueryResults returns at most this many rows per call. */
const MAX_PAGE = 1000;

const EDS_ID = /^[A-Za-z0-9][A-Za-z0-9-]{7,63}$/;
const EDS_ARN =
  /^arn:aws[a-z-]*:cloudtrail:[a-z0-9-]+:\d{12}:eventdatastore\/([A-Za-z0-9][A-Za-z0-9-]{7,63})$/;

/**
 * The event data store id from deployment config (its ARN or id). It is the only part of the
 * statement that is not a fixed text, so anything but an id's characters is refused.
 */
export function eventDataStoreIdOf(value: string): string {
  const fromArn = EDS_ARN.exec(value)?.[1];
  const id = fromArn ?? (EDS_ID.test(value) ? value : undefined);
  if (id === undefined) {
    throw new Error(
      `The CloudTrail Lake event data store must be an event data store ARN or id, not "${value}".`,
    );
  }
  return id;
}

const ISSUER_NAME = 'userIdentity.sessionContext.sessionIssuer.userName';

/** The statement template for an event data store; values are bound by `cloudTrailLakeQuery`. */
export function cloudTrailLakeStatement(eventDataStoreId: string): string {
  const eds = eventDataStoreIdOf(eventDataStoreId);
  return [
    'SELECT eventID, eventTime, eventName, eventSource, awsRegion, sourceIPAddress, userAgent,',
    '  readOnly, errorCode, recipientAccountId, userIdentity.principalId AS principalId',
    `FROM ${eds}`,
    'WHERE recipientAccountId = ?',
    '  AND eventTime >= ?',
    '  AND eventTime <= ?',
    `  AND starts_with(${ISSUER_NAME}, ?)`,
    `  AND length(${ISSUER_NAME}) = length(?) + ${SSO_ROLE_SUFFIX_LENGTH}`,
    '  AND lower(userIdentity.principalId) = lower(concat(userIdentity.sessionContext.sessionIssuer.principalId, ?))',
    'ORDER BY eventTime, eventID',
  ].join('\n');
}

/**
 * The parameters of `cloudTrailLakeStatement`, in placeholder order: account, window (Trino
 * timestamps), the IdC role name prefix twice (prefix and exact length), and `:<user name>`
 * (an assumed-role principal id is `<role id>:<session name>`).
 */
export function cloudTrailLakeParameters(spec: SessionLogQuerySpec): string[] {
  assertSafeSpec(spec);
  const prefix = ssoRoleNamePrefix(spec.permissionSetName);
  return [
    spec.accountId,
    trinoTimestamp(wholeSeconds(spec.windowStart, 'down')),
    trinoTimestamp(wholeSeconds(spec.windowEnd, 'up')),
    prefix,
    prefix,
    `:${spec.userName}`,
  ];
}

/** The statement sent to CloudTrail Lake for a session: the template with its values bound. */
export function cloudTrailLakeQuery(eventDataStoreId: string, spec: SessionLogQuerySpec): string {
  return bindLiterals(cloudTrailLakeStatement(eventDataStoreId), cloudTrailLakeParameters(spec));
}

export interface CloudTrailLakeClientOptions {
  region: string;
  /** Local cloud endpoint; AWS when undefined. */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts?: number;
}

/** A CloudTrail client whose calls retry throttling with the SDK's backoff. */
export function createCloudTrailClient(options: CloudTrailLakeClientOptions): CloudTrailClient {
  return new CloudTrailClient({
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
}

export interface CloudTrailLakeProviderOptions {
  client: CloudTrailClient;
  /** Event data store ARN or id, from deployment config. */
  eventDataStore: string;
}

const isState = (value: string | undefined): value is ProviderQueryState =>
  (PROVIDER_QUERY_STATES as readonly string[]).includes(value ?? '');

/** Errors that mean the query can never run as asked (not a passing condition). */
const REFUSALS: Record<string, string> = {
  InvalidQueryStatementException: 'CloudTrail Lake refused the session-log query',
  EventDataStoreNotFoundException: 'The configured CloudTrail Lake event data store does not exist',
  InactiveEventDataStoreException: 'The configured CloudTrail Lake event data store is not enabled',
  InsufficientEncryptionPolicyException: 'CloudTrail Lake cannot decrypt the event data store',
  MaxConcurrentQueriesException: 'CloudTrail Lake is running too many queries; try again in a minute',
  QueryIdNotFoundException: 'CloudTrail Lake no longer knows this query (results are kept for 7 days)',
};

function refusal(err: unknown): never {
  const name = awsErrorName(err);
  const lead = name === undefined ? undefined : REFUSALS[name];
  if (lead === undefined) throw err;
  const detail = err instanceof Error && err.message ? `: ${err.message}` : '';
  throw new SessionLogProviderError(`${lead}${detail}`, { cause: err });
}

/** Session logs from CloudTrail Lake (StartQuery / DescribeQuery / GetQueryResults). */
export class CloudTrailLakeSessionLogProvider implements SessionLogProvider {
  readonly name = CLOUDTRAIL_LAKE_PROVIDER;
  private readonly client: CloudTrailClient;
  private readonly eventDataStoreId: string;

  constructor(options: CloudTrailLakeProviderOptions) {
    this.client = options.client;
    this.eventDataStoreId = eventDataStoreIdOf(options.eventDataStore);
  }

  async start(spec: SessionLogQuerySpec): Promise<{ queryId: string }> {
    const statement = cloudTrailLakeQuery(this.eventDataStoreId, spec);
    const out = await awsCall(SERVICE, 'StartQuery', () =>
      this.client.send(new StartQueryCommand({ QueryStatement: statement })),
    ).catch(refusal);
    if (!out.QueryId) throw new SessionLogProviderError('CloudTrail Lake started the query without an id.');
    return { queryId: out.QueryId };
  }

  async status(queryId: string): Promise<ProviderQueryStatus> {
    let out;
    try {
      out = await awsCall(SERVICE, 'DescribeQuery', () =>
        this.client.send(new DescribeQueryCommand({ QueryId: queryId })),
      );
    } catch (err) {
      if (awsErrorName(err) === 'QueryIdNotFoundException') {
        return { state: 'FAILED', error: REFUSALS.QueryIdNotFoundException };
      }
      throw err;
    }
    const state: QueryStatus | undefined = out.QueryStatus;
    if (!isState(state)) {
      throw new SessionLogProviderError(
        `CloudTrail Lake reported an unknown query status (${String(state)}).`,
      );
    }
    const stats = out.QueryStatistics;
    const progress: ProviderQueryProgress = {};
    if (stats?.EventsScanned !== undefined) progress.eventsScanned = stats.EventsScanned;
    if (stats?.EventsMatched !== undefined) progress.eventsMatched = stats.EventsMatched;
    if (stats?.BytesScanned !== undefined) progress.bytesScanned = stats.BytesScanned;
    const status: ProviderQueryStatus = { state, progress };
    if (out.ErrorMessage) status.error = out.ErrorMessage;
    else if (state === 'FAILED')
      status.error = 'CloudTrail Lake reported the query as failed without a reason.';
    return status;
  }

  async results(
    queryId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ rows: SessionLogRow[]; nextCursor?: string }> {
    const out = await awsCall(SERVICE, 'GetQueryResults', () =>
      this.client.send(
        new GetQueryResultsCommand({
          QueryId: queryId,
          NextToken: cursor,
          MaxQueryResults: Math.max(1, Math.min(MAX_PAGE, Math.trunc(limit))),
        }),
      ),
    ).catch(refusal);
    if (out.QueryStatus !== 'FINISHED') {
      throw new SessionLogProviderError(
        `The session-log query has no results to read (it is ${out.QueryStatus ?? 'unknown'}).`,
      );
    }
    const rows = (out.QueryResultRows ?? []).map((cells) => {
      const byName: ResultCells = {};
      for (const cell of cells) {
        for (const [column, value] of Object.entries(cell)) byName[column.toLowerCase()] = value;
      }
      return rowFromCells(byName);
    });
    return out.NextToken ? { rows, nextCursor: out.NextToken } : { rows };
  }
}
