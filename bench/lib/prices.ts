/**
 * The price list of the baseline (team-baseline.md §3: public us-east-1 list prices, no free
 * tier) and the bill per 1,000 requests computed from a lifecycle path's counts. Our figures and
 * the original's use the same prices, so the ratio compares work, not price changes.
 */
import { FUNCTION_SETTINGS } from '../../lib/team-stack';
import type { LifecyclePathCounts } from './section';

/** Memory (MB) of the functions a request's life invokes, as the stack deploys them. */
export const MEMORY_MB = {
  api: FUNCTION_SETTINGS.api.memorySize,
  router: FUNCTION_SETTINGS.router.memorySize,
  'workflow-tasks': FUNCTION_SETTINGS.workflowTasks.memorySize,
} as const;

/** Lambda's CPU share at `memoryMb`: a full vCPU at 1,769 MB. */
const cpuShare = (memoryMb: number) => Math.min(1, memoryMb / 1769);

/** USD per unit. */
export const PRICES = {
  /** Step Functions Standard: $0.025 per 1,000 state transitions. */
  sfnTransition: 0.025 / 1000,
  /** Lambda: $0.20 per million requests. */
  lambdaRequest: 0.2 / 1e6,
  /** Lambda arm64: $0.0000133334 per GB-second. */
  lambdaGbSecond: 0.0000133334,
  /** DynamoDB on-demand: $0.625 per million write request units. */
  dynamoWru: 0.625 / 1e6,
  /** DynamoDB on-demand: $0.125 per million read request units. */
  dynamoRru: 0.125 / 1e6,
  /** AppSync: $4 per million query/mutation operations. */
  appsyncOp: 4 / 1e6,
  /** AppSync: $2 per million real-time messages. */
  appsyncMessage: 2 / 1e6,
} as const;

/**
 * What the counts cannot tell, stated once. Lambda durations are measured per invocation
 * (`billedMs`); cold starts are estimates, as in the baseline (which shows that even ×3 moves
 * its total by about $0.05).
 */
export const ASSUMPTIONS = {
  /** Memory of the lifecycle's functions, the router and the workflow tasks (lib/team-stack.ts). */
  memoryMb: MEMORY_MB['workflow-tasks'],
  /** Billed duration per invocation when the benchmark did not measure it. */
  warmMsPerInvocation: 150,
  /** Share of lifecycle invocations that start a cold container (the baseline's 8 of 16). */
  coldShare: 0.5,
  /** Billed INIT of a cold start (Node 22, bundled, arm64), seconds. */
  initSeconds: 0.8,
  /**
   * The browser's calls for one request: getRequestFormOptions, createRequest,
   * listPendingApprovals, approveRequest (four AppSync operations). createRequest and
   * approveRequest are api invocations the lifecycle benchmark measures; the two reads are
   * estimated at ~150 ms reading a few items each.
   */
  ui: { appsyncOps: 4, readInvocations: 2, lambdaMsEach: 150, readUnits: 8 },
} as const;

/**
 * What one invocation of a function with `memoryMb` is billed, in ms: its wall-clock time with
 * the CPU part (`cpuMs`, the process's CPU time meanwhile, at most the wall-clock time; measured
 * on one full core) scaled to Lambda's CPU share at that memory; time spent waiting (AWS calls,
 * status-check pauses) is billed as it is. Rounded up to the millisecond, as Lambda bills.
 */
export function billedMs(wallMs: number, cpuMs: number, memoryMb: number): number {
  const cpu = Math.min(Math.max(cpuMs, 0), wallMs);
  return Math.ceil(wallMs - cpu + cpu / cpuShare(memoryMb));
}

export interface BillLine {
  item: string;
  /** Quantity per request. */
  perRequest: number;
  unit: string;
  /** USD per 1,000 requests. */
  usdPer1000: number;
  note?: string;
}

export interface Bill {
  lines: BillLine[];
  /** Lifecycle lines only. */
  lifecycle: number;
  /** Browser-side lines only. */
  ui: number;
  total: number;
}

const gbSeconds = (ms: number, memoryMb: number = ASSUMPTIONS.memoryMb) => (ms / 1000) * (memoryMb / 1024);

/** The bill per 1,000 requests of one path, from its per-request counts. */
export function billPer1000(counts: LifecyclePathCounts): Bill {
  const k = 1000;
  const measuredMs = counts.lambdaBilledMs;
  const warmMs =
    measuredMs === undefined ? counts.lambdaInvocations * ASSUMPTIONS.warmMsPerInvocation : measuredMs;
  const coldStarts = counts.lambdaInvocations * ASSUMPTIONS.coldShare;
  const lifecycle: BillLine[] = [
    {
      item: 'Step Functions transitions',
      perRequest: counts.transitions,
      unit: 'transitions',
      usdPer1000: counts.transitions * PRICES.sfnTransition * k,
    },
    {
      item: 'Lambda requests (lifecycle)',
      perRequest: counts.lambdaInvocations,
      unit: 'invocations',
      usdPer1000: counts.lambdaInvocations * PRICES.lambdaRequest * k,
    },
    {
      item: 'Lambda compute, warm',
      perRequest: round(gbSeconds(warmMs), 3),
      unit: 'GB-s',
      usdPer1000: gbSeconds(warmMs) * PRICES.lambdaGbSecond * k,
      note:
        measuredMs === undefined
          ? `estimate: ${ASSUMPTIONS.warmMsPerInvocation} ms per invocation at ${ASSUMPTIONS.memoryMb} MB`
          : `measured: ${Math.round(measuredMs)} ms billed per request (wall-clock, CPU time × ${(1 / cpuShare(ASSUMPTIONS.memoryMb)).toFixed(2)}) at ${ASSUMPTIONS.memoryMb} MB`,
    },
    {
      item: 'Lambda compute, billed INIT',
      perRequest: round(coldStarts * gbSeconds(ASSUMPTIONS.initSeconds * 1000), 3),
      unit: 'GB-s',
      usdPer1000: coldStarts * gbSeconds(ASSUMPTIONS.initSeconds * 1000) * PRICES.lambdaGbSecond * k,
      note: `estimate: ${ASSUMPTIONS.coldShare * 100} % of invocations cold, ${ASSUMPTIONS.initSeconds} s INIT`,
    },
    {
      item: 'DynamoDB writes (tables + GSIs)',
      perRequest: counts.dynamoWriteUnits,
      unit: 'WRU',
      usdPer1000: counts.dynamoWriteUnits * PRICES.dynamoWru * k,
    },
    {
      item: 'DynamoDB reads',
      perRequest: counts.dynamoReadUnits,
      unit: 'RRU',
      usdPer1000: counts.dynamoReadUnits * PRICES.dynamoRru * k,
    },
    {
      item: 'AppSync operations (backend)',
      perRequest: counts.appsyncOps ?? 0,
      unit: 'ops',
      usdPer1000: (counts.appsyncOps ?? 0) * PRICES.appsyncOp * k,
      ...(counts.appsyncOps === undefined ? { note: 'not reported by the lifecycle benchmark' } : {}),
    },
    {
      item: 'AppSync real-time messages',
      perRequest: counts.realtimeMessages ?? 0,
      unit: 'msgs',
      usdPer1000: (counts.realtimeMessages ?? 0) * PRICES.appsyncMessage * k,
      ...(counts.realtimeMessages === undefined ? { note: 'not reported by the lifecycle benchmark' } : {}),
    },
  ];
  const ui = ASSUMPTIONS.ui;
  const apiInvocations = counts.apiInvocations ?? 0;
  const apiMs = counts.apiBilledMs ?? apiInvocations * ASSUMPTIONS.warmMsPerInvocation;
  const readMs = ui.readInvocations * ui.lambdaMsEach;
  const uiLines: BillLine[] = [
    {
      item: 'UI: AppSync operations',
      perRequest: ui.appsyncOps,
      unit: 'ops',
      usdPer1000: ui.appsyncOps * PRICES.appsyncOp * k,
      note: 'estimate: form options, create, pending list, approve',
    },
    {
      item: "api: people's calls (Lambda requests + compute)",
      perRequest: apiInvocations,
      unit: 'invocations',
      usdPer1000:
        (apiInvocations * PRICES.lambdaRequest + gbSeconds(apiMs, MEMORY_MB.api) * PRICES.lambdaGbSecond) * k,
      note:
        counts.apiBilledMs === undefined
          ? `estimate: ${ASSUMPTIONS.warmMsPerInvocation} ms each at ${MEMORY_MB.api} MB`
          : `measured: ${Math.round(apiMs)} ms billed per request at ${MEMORY_MB.api} MB`,
    },
    {
      item: 'UI: the two reads (Lambda requests + compute)',
      perRequest: ui.readInvocations,
      unit: 'invocations',
      usdPer1000:
        (ui.readInvocations * PRICES.lambdaRequest +
          gbSeconds(readMs, MEMORY_MB.api) * PRICES.lambdaGbSecond) *
        k,
      note: `estimate: form options and pending list, ${ui.lambdaMsEach} ms each at ${MEMORY_MB.api} MB`,
    },
    {
      item: 'UI: DynamoDB reads',
      perRequest: ui.readUnits,
      unit: 'RRU',
      usdPer1000: ui.readUnits * PRICES.dynamoRru * k,
      note: 'estimate',
    },
  ];
  const sum = (lines: BillLine[]) => lines.reduce((n, l) => n + l.usdPer1000, 0);
  return {
    lines: [...lifecycle, ...uiLines],
    lifecycle: sum(lifecycle),
    ui: sum(uiLines),
    total: sum(lifecycle) + sum(uiLines),
  };
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
