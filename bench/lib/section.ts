/**
 * The contract between `bench/run.ts` and every benchmark module.
 *
 * A benchmark is a module under `bench/` that exports
 *
 *   export async function run(options?: RunOptions): Promise<Section>
 *
 * It starts what it needs (DynamoDB Local, simulators, the local backend), measures, stops
 * everything it started, and returns its figures; it prints nothing itself (progress lines go
 * through `options.log`). `run.ts` prints the section, writes it to `bench/results.json`, and for
 * the lifecycle section also computes the bill from `section.lifecycle` with the baseline's price
 * list (`bench/lib/prices.ts`) — so a lifecycle benchmark reports counts, never dollars.
 */

/** A table cell: text, a number (formatted by the printer), or null for "not measured". */
export type Cell = string | number | null;

/** A free-form table, printed as is (numbers get thousands separators). */
export interface Table {
  title: string;
  columns: string[];
  rows: Cell[][];
  /** Lines printed under the table (what a column means, how a figure was derived). */
  notes?: string[];
}

/**
 * One measured figure next to the original TEAM's figure for the same thing. The printer adds
 * the ratio (ours / original) and, with a target, whether it is met. Lower is better for every
 * figure the benchmarks report (calls, units, bytes, milliseconds, dollars).
 */
export interface Figure {
  /**
   * A stable id (`<section>.<what>.<statistic>[.<variant>]`) that issues and docs refer to; the
   * label may be reworded, the id never changes.
   */
  id?: string;
  /** What was measured, e.g. "Organizations calls per form load, warm OU cache". */
  label: string;
  /** Unit of `value` and `original`: calls, ms, items, RRU, kB, USD, transitions, … */
  unit: string;
  /** Our figure; null when it could not be measured in this run. */
  value: number | null;
  /** The original's figure (team-baseline.md); null or absent when the original has none. */
  original?: number | null;
  /** Where the original's figure comes from, e.g. "baseline §2.3, formula 3 + G + P_ou". */
  originalSource?: string;
  /** The target for our figure: value <= max (value < max when strict). */
  target?: { max: number; strict?: boolean };
}

/** A titled group of figures, printed as one comparison table. */
export interface FigureGroup {
  title: string;
  figures: Figure[];
  notes?: string[];
}

/** The request paths the lifecycle benchmark drives (the baseline's paths a–g). */
export const LIFECYCLE_PATHS = [
  'approved-ended',
  'no-approval',
  'rejected',
  'cancelled',
  'expired',
  'revoked-early',
  'grant-failure',
] as const;
export type LifecyclePath = (typeof LIFECYCLE_PATHS)[number];

/**
 * Paths the original TEAM does not have (docs/approvals.md): a quorum of two approvals, two
 * approval stages, an extension approved while access is in progress, break-glass access
 * reviewed after it ended.
 */
export const LIFECYCLE_EXTRA_PATHS = ['quorum-2', 'two-stage', 'extended', 'break-glass'] as const;
export type LifecycleExtraPath = (typeof LIFECYCLE_EXTRA_PATHS)[number];

/** Whether the original TEAM has the path (and the baseline its costs). */
export function isOriginalPath(path: string): path is LifecyclePath {
  return (LIFECYCLE_PATHS as readonly string[]).includes(path);
}

/**
 * What one request costs on one lifecycle path, counted from its creation to its final status
 * (per request: totals divided by the number of requests run on the path).
 */
export interface LifecyclePathCounts {
  path: LifecyclePath | LifecycleExtraPath;
  /** Status the request ended in (ended, rejected, cancelled, expired, revoked, error). */
  finalStatus: string;
  /** Requests run on this path (the counts below are per request). */
  requests: number;
  /**
   * Step Functions state transitions, counted as the baseline does: states entered plus retry
   * attempts (AWS bills each step executed, retries included).
   */
  transitions: number;
  /** Step Functions executions started (top-level and nested). */
  executions: number;
  /** Every Lambda invocation the lifecycle caused: router, workflow tasks, notifier, … */
  lambdaInvocations: number;
  /** The same, per function name (optional detail for the table). */
  lambdaInvocationsByFunction?: Record<string, number>;
  /**
   * Billed Lambda time per request of the lifecycle's invocations (router + workflow tasks), in
   * ms, from each invocation's measured wall-clock and CPU time (`billedMs` in prices.ts).
   */
  lambdaBilledMs?: number;
  /** The people's api invocations per request (createRequest, approve, …). */
  apiInvocations?: number;
  /** Their billed time per request, in ms, measured the same way. */
  apiBilledMs?: number;
  /** IAM Identity Center (sso-admin) calls, assignment status polling included. */
  ssoAdminCalls: number;
  /** Identity Store calls. */
  identityStoreCalls: number;
  /** Organizations calls. */
  organizationsCalls: number;
  /** DynamoDB read units consumed (RRU, on-demand), tables and indexes, as DynamoDB reports them. */
  dynamoReadUnits: number;
  /** DynamoDB write units consumed (WRU), tables and indexes; transactional writes count double. */
  dynamoWriteUnits: number;
  /** AppSync operations the backend made (e.g. IAM publish mutations for realtime events). */
  appsyncOps?: number;
  /** AppSync realtime messages delivered to one subscriber per channel. */
  realtimeMessages?: number;
  /** Notifications sent (e-mails, SNS messages, Slack posts). */
  notifications?: number;
}

/** What a benchmark module returns. */
export interface Section {
  /** Short id, also the CLI argument: `npx tsx bench/run.ts <id>`. */
  id: string;
  title: string;
  /** Comparisons with the original (printed with ratio and target). */
  figures: FigureGroup[];
  /** Detail tables. */
  tables: Table[];
  /** Lines printed at the end of the section: method, caveats. */
  notes: string[];
  /** Per-path counts (the lifecycle section only); run.ts prices them. */
  lifecycle?: LifecyclePathCounts[];
  /** Anything machine-readable worth keeping in results.json (raw samples, parameters). */
  data?: Record<string, unknown>;
}

/** Options run.ts passes to every benchmark. */
export interface RunOptions {
  /** Progress output (stderr), so the tables on stdout stay clean. */
  log: (line: string) => void;
  /** Smaller sizes for a quick check of the harness (`--quick`); figures are not comparable. */
  quick: boolean;
}

/** A benchmark module as run.ts loads it. */
export interface BenchModule {
  run(options?: RunOptions): Promise<Section>;
}

/** A figure whose original has no counterpart. */
export function ours(label: string, unit: string, value: number | null, target?: Figure['target']): Figure {
  return { label, unit, value, ...(target ? { target } : {}) };
}

/** A figure with the original's value beside it. */
export function versus(
  label: string,
  unit: string,
  value: number | null,
  original: number | null,
  originalSource: string,
  target?: Figure['target'],
): Figure {
  return { label, unit, value, original, originalSource, ...(target ? { target } : {}) };
}
