/**
 * The DynamoDB tables TEAM uses: keys, indexes, streams and TTL, as plain data. The CDK data
 * construct builds the real tables from it, the local cloud and the tests create the same tables
 * in DynamoDB Local from it, and the repositories name their indexes through it — one source, so
 * a key or index can never differ between them. See docs/architecture.md for what each serves.
 */

export type KeyType = 'S' | 'N';

export interface KeyDef {
  name: string;
  type: KeyType;
}

/**
 * What an index stores besides its keys and the table's key. An index write costs one unit per
 * 1 KB of the projected entry, and an update that changes no projected attribute costs the index
 * nothing, so the smallest projection that still serves the index's list is the cheapest.
 */
export type Projection = 'ALL' | 'KEYS_ONLY' | { include: string[] };

export interface IndexDef {
  name: string;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  projection: Projection;
}

export interface TableDef {
  /** Logical name: the construct id in CDK and the table name prefix locally. */
  id: TableId;
  partitionKey: KeyDef;
  sortKey?: KeyDef;
  indexes: IndexDef[];
  /** Streams feed the router (NEW_AND_OLD_IMAGES). */
  stream: boolean;
  /** Attribute holding an epoch-seconds expiry, when the table uses TTL. */
  ttlAttribute?: string;
}

export type TableId =
  | 'Requests'
  | 'RequestApprovers'
  | 'AuditEvents'
  | 'Policies'
  | 'Settings'
  | 'Grants'
  | 'SessionLogQueries'
  | 'OuAccountsCache'
  | 'Chat'
  | 'SessionSummaries'
  | 'Aggregates';

const s = (name: string): KeyDef => ({ name, type: 'S' });

export const TABLES: Record<TableId, TableDef> = {
  Requests: {
    id: 'Requests',
    partitionKey: s('id'),
    stream: true,
    // Keys only: a request item is 1–2 KB and is written on every status change and every
    // workflow wait, so projecting it whole wrote it again into each index (4× the table's
    // units). The lists read a page of keys and fetch the items with one BatchGetItem.
    indexes: [
      {
        name: 'byRequester',
        partitionKey: s('requesterId'),
        sortKey: s('createdAt'),
        projection: 'KEYS_ONLY',
      },
      {
        name: 'byRequesterPhase',
        partitionKey: s('requesterPhase'),
        sortKey: s('phaseAt'),
        projection: 'KEYS_ONLY',
      },
      { name: 'byDecider', partitionKey: s('deciderId'), sortKey: s('decidedAt'), projection: 'KEYS_ONLY' },
      { name: 'byCreated', partitionKey: s('listPk'), sortKey: s('createdAt'), projection: 'KEYS_ONLY' },
      { name: 'bySession', partitionKey: s('sessionPk'), sortKey: s('startTime'), projection: 'KEYS_ONLY' },
      // Sparse: only break-glass access waiting for its review carries `reviewPk`.
      { name: 'byReview', partitionKey: s('reviewPk'), sortKey: s('createdAt'), projection: 'KEYS_ONLY' },
    ],
  },
  RequestApprovers: {
    id: 'RequestApprovers',
    partitionKey: s('requestId'),
    sortKey: s('approverId'),
    stream: false,
    // Every attribute of an approver item is a key of the table or of this index.
    indexes: [
      {
        name: 'byApproverPhase',
        partitionKey: s('approverPhase'),
        sortKey: s('phaseAt'),
        projection: 'KEYS_ONLY',
      },
    ],
  },
  AuditEvents: {
    id: 'AuditEvents',
    partitionKey: s('requestId'),
    sortKey: s('id'),
    stream: false,
    indexes: [],
  },
  Policies: { id: 'Policies', partitionKey: s('kind'), sortKey: s('id'), stream: false, indexes: [] },
  Settings: { id: 'Settings', partitionKey: s('id'), stream: false, indexes: [] },
  Grants: {
    id: 'Grants',
    partitionKey: s('grantKey'),
    stream: false,
    // Keys only: reference-count updates (every grant and revoke) then skip the index; the
    // reconciler, the one reader, fetches each page of grants with one BatchGetItem.
    indexes: [{ name: 'byKind', partitionKey: s('listPk'), sortKey: s('grantKey'), projection: 'KEYS_ONLY' }],
  },
  SessionLogQueries: {
    id: 'SessionLogQueries',
    partitionKey: s('requestId'),
    stream: false,
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
  OuAccountsCache: {
    id: 'OuAccountsCache',
    partitionKey: s('ouId'),
    stream: false,
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
  // Chat state: the Slack messages posted about a request (to update them when it is decided)
  // and the signatures of interactions already accepted (replay guard), both expiring.
  Chat: {
    id: 'Chat',
    partitionKey: s('pk'),
    sortKey: s('sk'),
    stream: false,
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
  // What each ended session did, from its session logs (lambdas/core/session-review). Both
  // indexes are sparse: `byDue` holds only summaries still to be computed (`duePk` = `DUE`, in
  // the order they are due), `byReviewState` only flagged sessions (`reviewPk` = `to-review` or
  // `reviewed`, newest end first).
  SessionSummaries: {
    id: 'SessionSummaries',
    partitionKey: s('requestId'),
    stream: false,
    indexes: [
      { name: 'byDue', partitionKey: s('duePk'), sortKey: s('dueAt'), projection: 'KEYS_ONLY' },
      { name: 'byReviewState', partitionKey: s('reviewPk'), sortKey: s('endedAt'), projection: 'KEYS_ONLY' },
    ],
  },
  // The dashboard's counters: per-day totals (pk DAY), per-day counts by account, permission
  // set, requester and approver (pk DIM#<dimension>), the gauges of now (pk GAUGE), and per
  // request the events already counted (pk APPLIED#<request id>, expiring long after the request
  // stops changing). The dashboard reads a few Queries on known keys, hence no index.
  Aggregates: {
    id: 'Aggregates',
    partitionKey: s('pk'),
    sortKey: s('sk'),
    stream: false,
    indexes: [],
    ttlAttribute: 'expiresAt',
  },
};

/** Table names the handlers receive through their environment, one variable per table. */
export const TABLE_ENV: Record<TableId, string> = {
  Requests: 'REQUESTS_TABLE',
  RequestApprovers: 'REQUEST_APPROVERS_TABLE',
  AuditEvents: 'AUDIT_EVENTS_TABLE',
  Policies: 'POLICIES_TABLE',
  Settings: 'SETTINGS_TABLE',
  Grants: 'GRANTS_TABLE',
  SessionLogQueries: 'SESSION_LOG_QUERIES_TABLE',
  OuAccountsCache: 'OU_ACCOUNTS_CACHE_TABLE',
  Chat: 'CHAT_TABLE',
  SessionSummaries: 'SESSION_SUMMARIES_TABLE',
  Aggregates: 'AGGREGATES_TABLE',
};

/** Index name of a table, checked against the definitions above when the module loads. */
export function indexName(table: TableId, name: string): string {
  if (!TABLES[table].indexes.some((i) => i.name === name)) {
    throw new Error(`Table ${table} has no index ${name}`);
  }
  return name;
}

/** Table keys of the stack (camelCase, as `stack.data.tables` names them) and their table ids. */
export const TABLE_IDS = {
  requests: 'Requests',
  requestApprovers: 'RequestApprovers',
  auditEvents: 'AuditEvents',
  policies: 'Policies',
  settings: 'Settings',
  grants: 'Grants',
  sessionLogQueries: 'SessionLogQueries',
  ouAccountsCache: 'OuAccountsCache',
  chat: 'Chat',
  sessionSummaries: 'SessionSummaries',
  aggregates: 'Aggregates',
} as const satisfies Record<string, TableId>;

export type TableKey = keyof typeof TABLE_IDS;
