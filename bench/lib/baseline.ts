/**
 * The original TEAM's measured and modelled costs, from /work/shared/reference/team-baseline.md
 * (TEAM at commit 7aaba0d, default org model: requester in 3 groups, 1 eligibility policy with
 * 1 OU of 10 accounts, 1 approver group of 3). Every benchmark takes the original's figures
 * from here, so a figure and its source are written down once.
 */
import type { LifecyclePath } from './section';

/** Per-path lifecycle costs of the original (baseline §1 and §2.2, default org model). */
export interface OriginalPathCosts {
  /** The baseline's path letter. */
  letter: string;
  transitions: number;
  executions: number;
  /** Router invocations + teamStatus + teamNotifications invoked by the state machines. */
  lambdaInvocations: number;
  /**
   * The issue's "IdC/Organizations calls incl. polling": every AWS call the router makes
   * (Settings/Eligibility GetItems, Cognito ListUsers, Identity Store, Organizations, AppSync,
   * StartExecution; warm containers) plus the state machines' sso-admin calls (TEAM never polls).
   */
  awsCalls: number;
  /** Only the Identity Center, Identity Store and Organizations calls among them. */
  idcOrgCalls: number;
  /** DynamoDB write units (base table + 3 GSIs with projection ALL); known for path (a) only. */
  writeUnits: number | null;
  /** DynamoDB read units of router and state machines; known for path (a) only. */
  readUnits: number | null;
}

/**
 * R1 calls to IdC/Identity Store/Organizations: ListParents 1 + ListGroupMemberships 1 +
 * DescribeUser 3 + DescribePermissionSet 1; each R3: GetUserId 1 +
 * ListGroupMembershipsForMember 1 + ListAccountsForParent 1 (baseline §2.2).
 */
const R1_IDC = 6;
const R3_IDC = 3;

export const ORIGINAL_PATHS: Record<LifecyclePath, OriginalPathCosts> = {
  'approved-ended': {
    letter: 'a',
    transitions: 26,
    executions: 4,
    lambdaInvocations: 9 + 3 + 4,
    awsCalls: 54 + 2,
    idcOrgCalls: R1_IDC + 5 * R3_IDC + 2,
    writeUnits: 9 + 35,
    readUnits: 15,
  },
  'no-approval': {
    letter: 'b',
    transitions: 21,
    executions: 3,
    lambdaInvocations: 7 + 3 + 3,
    awsCalls: 43 + 2,
    idcOrgCalls: R1_IDC + 4 * R3_IDC + 2,
    writeUnits: null,
    readUnits: null,
  },
  rejected: {
    letter: 'c',
    transitions: 8,
    executions: 2,
    lambdaInvocations: 4 + 0 + 2,
    awsCalls: 30,
    idcOrgCalls: R1_IDC + 2 * R3_IDC,
    writeUnits: null,
    readUnits: null,
  },
  cancelled: {
    letter: 'd',
    transitions: 8,
    executions: 2,
    lambdaInvocations: 3 + 0 + 2,
    awsCalls: 28,
    idcOrgCalls: R1_IDC + 2 * R3_IDC,
    writeUnits: null,
    readUnits: null,
  },
  expired: {
    letter: 'e',
    transitions: 7,
    executions: 1,
    lambdaInvocations: 3 + 1 + 2,
    awsCalls: 27,
    idcOrgCalls: R1_IDC + 2 * R3_IDC,
    writeUnits: null,
    readUnits: null,
  },
  'revoked-early': {
    letter: 'f',
    transitions: 27,
    executions: 5,
    lambdaInvocations: 10 + 2 + 4,
    awsCalls: 74 + 2,
    idcOrgCalls: R1_IDC + 7 * R3_IDC + 2,
    writeUnits: null,
    readUnits: null,
  },
  'grant-failure': {
    letter: 'g',
    transitions: 16,
    executions: 3,
    lambdaInvocations: 7 + 2 + 3,
    awsCalls: 38 + 1,
    idcOrgCalls: R1_IDC + 3 * R3_IDC + 1,
    writeUnits: null,
    readUnits: null,
  },
};

/** The original's bill per 1,000 path-(a) requests (baseline §3), in USD. */
export const ORIGINAL_BILL = {
  lifecycle: 0.7363,
  ui: 0.052,
  total: 0.7884,
  lines: [
    { item: 'Step Functions transitions', usd: 0.65 },
    { item: 'Lambda requests (lifecycle)', usd: 0.0032 },
    { item: 'Lambda compute, warm', usd: 0.0119 },
    { item: 'Lambda compute, billed INIT', usd: 0.0138 },
    { item: 'DynamoDB writes (table + GSIs)', usd: 0.0056 + 0.0219 },
    { item: 'DynamoDB reads', usd: 0.0019 },
    { item: 'AppSync operations (backend)', usd: 0.028 },
    { item: 'UI calls (form load, submit, approve)', usd: 0.052 },
  ],
} as const;

/**
 * The original's request form (baseline §2.3). teamgetEntitlement reads Settings, the user's and
 * each group's Eligibility item (1 + G GetItems, G = groups in the token, with or without a
 * policy) and, without the OU cache (the default), calls ListAccountsForParent for every OU of
 * every policy — no de-duplication across policies — one after the other. getMgmtPermissions
 * adds ListPermissionSetsProvisionedToAccount. Cold containers add DescribeOrganization (twice)
 * and ListInstances.
 */
export function originalFormLoad(shape: {
  groups: number;
  /** OUs per policy, one entry per policy with an eligibility item. */
  ousPerPolicy: number[];
  /** Accounts directly under each referenced OU, in the same order, flattened. */
  accountsPerOuReference: number[];
}) {
  const listAccountsForParent = shape.accountsPerOuReference.reduce(
    (n, accounts) => n + Math.max(1, Math.ceil(accounts / 20)),
    0,
  );
  const ouCacheQueries = shape.ousPerPolicy.reduce((n, ous) => n + Math.ceil(ous / 20), 0);
  const ouReferences = shape.accountsPerOuReference.length;
  return {
    /** DynamoDB GetItems of teamgetEntitlement: Settings + (1 + G) Eligibility. */
    dynamoGetItems: 1 + 1 + shape.groups,
    /** Organizations calls without the OU cache (warm containers). */
    organizationsNoCache: listAccountsForParent,
    /** Organizations calls with a warm OU cache. */
    organizationsWarmCache: 0,
    /** Organizations calls a cold container adds (teamgetEntitlement + teamgetMgmtAccountDetails). */
    organizationsColdExtra: 2,
    /** Identity Center calls: ListPermissionSetsProvisionedToAccount (+ ListInstances when cold). */
    idc: 1,
    idcColdExtra: 1,
    /** With the cache: AppSync getOUAccounts queries (20 OU ids each) → 1 GetItem per OU reference. */
    ouCacheQueries,
    ouCacheGetItems: ouReferences,
    /** Sequential Organizations time without the cache at `ms` per call. */
    sequentialMs: (ms: number) => listAccountsForParent * ms,
  };
}

/**
 * The original's list pages (baseline §2.4, inventory §5): every page loads its whole result in
 * pages of 100 (Amplify's default limit), one AppSync call after the other, then filters and
 * pages in the browser. Four lists scan the whole table.
 */
export const ORIGINAL_LIST_SHAPES = {
  myRequests: 'Query byEmailAndStatus(email): all of my requests',
  pendingApprovals: 'Query byStatus("pending") + filter: every pending request',
  myApprovals: 'Scan + filter approver = me: the whole table',
  active: 'Query byStatus("scheduled") + byStatus("in progress") + filter',
  ended: 'Scan + filter: the whole table',
  auditRequests: 'Scan: the whole table',
  auditSessions: 'Scan + filter: the whole table',
} as const;
export type ListId = keyof typeof ORIGINAL_LIST_SHAPES;

/** Read units of a Query/Scan over `items` items of ~0.65 KB, eventually consistent (≈ 0.08 / item). */
export const originalReadUnits = (items: number) => Math.round(items * 0.08);

/** Amplify's default page size: one AppSync round trip per 100 items. */
export const originalCalls = (items: number) => Math.max(1, Math.ceil(items / 100));

/** The original SPA (baseline §5), CRA 5 build, one chunk, sizes in bytes. */
export const ORIGINAL_SPA = {
  jsRaw: 1_504_329,
  /** `gzip -9` of main.js (the CRA report says 433.4 kB). */
  jsGzip: 431_727,
  cssRaw: 1_168_729,
  /** CRA report (kB = 1,000 B). */
  cssGzip: 186_800,
} as const;

/**
 * The original's click-Approve → CreateAccountAssignment time (baseline §4): an estimate from
 * its hops (2 SPA calls, 2 stream hops, 2 serial router invocations, the Schedule state machine
 * with 2 Lambda tasks), not a measurement. TEAM never waits for the assignment itself.
 */
export const ORIGINAL_APPROVE_TO_ACCESS_MS = { warm: [2500, 4000], cold: [5000, 9000] } as const;
