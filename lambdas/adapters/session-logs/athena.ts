/**
 * Session logs from Athena over the organization CloudTrail trail in S3 (a partition-projected
 * table: account, region, day). One fixed statement per table; every value is a `?` bound with
 * ExecutionParameters, and the partition predicates keep the scan to the session's days.
 */
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import {
  SessionLogProviderError,
  type ProviderQueryProgress,
  type ProviderQueryStatus,
  type SessionLogProvider,
  type SessionLogQuerySpec,
  type SessionLogRow,
} from '../../core/session-logs/ports';
import { SSO_ROLE_SUFFIX_LENGTH, ssoRoleNamePrefix } from '../../core/session-logs/window';
import { awsCall, awsErrorName } from '../errors';
import {
  assertSafeSpec,
  cloudTrailTimestamp,
  DEFAULT_MAX_ATTEMPTS,
  rowFromCells,
  wholeSeconds,
  type ResultCells,
} from './common';

export const ATHENA_PROVIDER = 'athena';
const SERVICE = 'Athena';
/** GetQueryResults returns at most this many rows per call (the header included). */
const MAX_PAGE = 1000;
/**
 * CloudTrail files land in the folder of their delivery day, minutes after the events: the
 * last day partition read covers the window end plus this.
 */
export const DELIVERY_SLACK_MS = 60 * 60 * 1000;

const GLUE_NAME = /^[A-Za-z0-9_]{1,255}$/;
const WORKGROUP = /^[A-Za-z0-9._-]{1,128}$/;
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/;

export interface AthenaTableConfig {
  workGroup: string;
  database: string;
  table: string;
  /** Regions to read (the table's `region` partition); all projected regions when undefined. */
  regions?: readonly string[];
}

function validConfig(config: AthenaTableConfig): AthenaTableConfig {
  const bad = (what: string, value: string) =>
    new Error(`The Athena ${what} "${value}" is not a valid name for TEAM's session-log queries.`);
  if (!WORKGROUP.test(config.workGroup)) throw bad('workgroup', config.workGroup);
  if (!GLUE_NAME.test(config.database)) throw bad('database', config.database);
  if (!GLUE_NAME.test(config.table)) throw bad('table', config.table);
  for (const region of config.regions ?? []) if (!REGION.test(region)) throw bad('region', region);
  if (config.regions !== undefined && config.regions.length === 0)
    throw new Error('The Athena regions list is empty.');
  return config;
}

const ISSUER = 'useridentity.sessioncontext.sessionissuer';

/**
 * The statement for a table (identifiers validated and quoted); values come only through the
 * execution parameters.
 */
export function athenaStatement(config: AthenaTableConfig): string {
  const { database, table, regions } = validConfig(config);
  const regionFilter = regions ? [`  AND region IN (${regions.map(() => '?').join(', ')})`] : [];
  return [
    'SELECT eventid, eventtime, eventname, eventsource, awsregion, sourceipaddress, useragent,',
    '  readonly, errorcode, recipientaccountid, useridentity.principalid AS principalid',
    `FROM "${database}"."${table}"`,
    'WHERE account = ?',
    '  AND day BETWEEN ? AND ?',
    ...regionFilter,
    '  AND recipientaccountid = ?',
    '  AND eventtime >= ?',
    '  AND eventtime <= ?',
    `  AND starts_with(${ISSUER}.username, ?)`,
    `  AND length(${ISSUER}.username) = length(?) + ${SSO_ROLE_SUFFIX_LENGTH}`,
    `  AND lower(useridentity.principalid) = lower(concat(${ISSUER}.principalid, ?))`,
    'ORDER BY eventtime, eventid',
  ].join('\n');
}

/**
 * An execution parameter: Athena reads each one as a SQL literal, so strings travel quoted. The
 * values passed the spec's patterns (no quotes); doubling quotes keeps even a slip a string.
 */
export function athenaString(value: string): string {
  if ([...value].some((ch) => ch.charCodeAt(0) < 0x20))
    throw new SessionLogProviderError('A query value holds a control character.');
  return `'${value.replace(/'/g, "''")}'`;
}

/** `yyyy/MM/dd`, the format of the table's projected `day` partition. */
export function partitionDay(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getUTCFullYear()}/${pad(date.getUTCMonth() + 1)}/${pad(date.getUTCDate())}`;
}

/** The execution parameters of `athenaStatement`, in placeholder order. */
export function athenaParameters(config: AthenaTableConfig, spec: SessionLogQuerySpec): string[] {
  assertSafeSpec(spec);
  const start = wholeSeconds(spec.windowStart, 'down');
  const end = wholeSeconds(spec.windowEnd, 'up');
  const prefix = ssoRoleNamePrefix(spec.permissionSetName);
  return [
    spec.accountId,
    partitionDay(start),
    partitionDay(new Date(end.getTime() + DELIVERY_SLACK_MS)),
    ...(config.regions ?? []),
    spec.accountId,
    cloudTrailTimestamp(start),
    cloudTrailTimestamp(end),
    prefix,
    prefix,
    `:${spec.userName}`,
  ].map(athenaString);
}

export interface AthenaClientOptions {
  region: string;
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  maxAttempts?: number;
}

/** An Athena client whose calls retry throttling with the SDK's backoff. */
export function createAthenaClient(options: AthenaClientOptions): AthenaClient {
  return new AthenaClient({
    region: options.region,
    endpoint: options.endpoint,
    credentials: options.credentials,
    maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
  });
}

export interface AthenaProviderOptions extends AthenaTableConfig {
  client: AthenaClient;
}

function refusal(err: unknown): never {
  const name = awsErrorName(err);
  if (name !== 'InvalidRequestException' && name !== 'ResourceNotFoundException') throw err;
  const detail = err instanceof Error && err.message ? `: ${err.message}` : '';
  throw new SessionLogProviderError(`Athena refused the session-log query${detail}`, { cause: err });
}

/** Session logs from Athena (StartQueryExecution / GetQueryExecution / GetQueryResults). */
export class AthenaSessionLogProvider implements SessionLogProvider {
  readonly name = ATHENA_PROVIDER;
  private readonly client: AthenaClient;
  private readonly config: AthenaTableConfig;
  private readonly statement: string;

  constructor(options: AthenaProviderOptions) {
    this.client = options.client;
    this.config = validConfig({
      workGroup: options.workGroup,
      database: options.database,
      table: options.table,
      regions: options.regions,
    });
    this.statement = athenaStatement(this.config);
  }

  async start(spec: SessionLogQuerySpec): Promise<{ queryId: string }> {
    const parameters = athenaParameters(this.config, spec);
    const out = await awsCall(SERVICE, 'StartQueryExecution', () =>
      this.client.send(
        new StartQueryExecutionCommand({
          QueryString: this.statement,
          ExecutionParameters: parameters,
          QueryExecutionContext: { Database: this.config.database },
          WorkGroup: this.config.workGroup,
        }),
      ),
    ).catch(refusal);
    if (!out.QueryExecutionId) throw new SessionLogProviderError('Athena started the query without an id.');
    return { queryId: out.QueryExecutionId };
  }

  async status(queryId: string): Promise<ProviderQueryStatus> {
    let out;
    try {
      out = await awsCall(SERVICE, 'GetQueryExecution', () =>
        this.client.send(new GetQueryExecutionCommand({ QueryExecutionId: queryId })),
      );
    } catch (err) {
      if (awsErrorName(err) === 'InvalidRequestException') {
        return { state: 'FAILED', error: 'Athena no longer knows this query.' };
      }
      throw err;
    }
    const execution = out.QueryExecution;
    const progress: ProviderQueryProgress = {};
    const scanned = execution?.Statistics?.DataScannedInBytes;
    if (scanned !== undefined) progress.bytesScanned = scanned;
    switch (execution?.Status?.State) {
      case 'QUEUED':
        return { state: 'QUEUED', progress };
      case 'RUNNING':
        return { state: 'RUNNING', progress };
      case 'SUCCEEDED':
        return { state: 'FINISHED', progress };
      case 'CANCELLED':
        return { state: 'CANCELLED', progress, error: 'The Athena query was cancelled.' };
      case 'FAILED': {
        const reason = execution.Status.StateChangeReason ?? execution.Status.AthenaError?.ErrorMessage;
        return {
          state: 'FAILED',
          progress,
          error: `The Athena query failed: ${reason ?? 'no reason given'}`,
        };
      }
      default:
        throw new SessionLogProviderError(
          `Athena reported an unknown query state (${String(execution?.Status?.State)}).`,
        );
    }
  }

  async results(
    queryId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<{ rows: SessionLogRow[]; nextCursor?: string }> {
    const wanted = Math.max(1, Math.min(MAX_PAGE - 1, Math.trunc(limit)));
    // The first page starts with the header row: ask for one more so the page keeps its size.
    const first = cursor === undefined;
    const out = await awsCall(SERVICE, 'GetQueryResults', () =>
      this.client.send(
        new GetQueryResultsCommand({
          QueryExecutionId: queryId,
          NextToken: cursor,
          MaxResults: first ? wanted + 1 : wanted,
        }),
      ),
    ).catch(refusal);
    const columns = (out.ResultSet?.ResultSetMetadata?.ColumnInfo ?? []).map((c) =>
      (c.Name ?? '').toLowerCase(),
    );
    let data = out.ResultSet?.Rows ?? [];
    const header = data[0]?.Data?.map((d) => (d.VarCharValue ?? '').toLowerCase());
    if (
      first &&
      header !== undefined &&
      header.length === columns.length &&
      header.every((h, i) => h === columns[i])
    ) {
      data = data.slice(1);
    }
    const rows = data.map((row) => {
      const cells: ResultCells = {};
      (row.Data ?? []).forEach((datum, i) => {
        const column = columns[i];
        if (column !== undefined) cells[column] = datum.VarCharValue;
      });
      return rowFromCells(cells);
    });
    return out.NextToken ? { rows, nextCursor: out.NextToken } : { rows };
  }
}
