/**
 * The price list of the baseline (team-baseline.md §3: public us-east-1 list prices, no free
 * tier) and the bill per 1,000 requests computed from a lifecycle path's counts. Our figures and
 * the original's use the same prices, so the ratio compares work, not price changes.
 */
import type { LifecyclePathCounts } from './section';

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
 * What the counts cannot tell, stated once. Durations are estimates, as in the baseline (which
 * shows that even ×3 moves its total by about $0.05).
 */
export const ASSUMPTIONS = {
  /** Memory of every TEAM function (lib/function.ts default). */
  memoryMb: 512,
  /** Billed duration per invocation when the benchmark did not measure it. */
  warmMsPerInvocation: 150,
  /**
   * Handler time measured in-process on one full core is scaled to Lambda's CPU share at
   * `memoryMb` (a full vCPU at 1,769 MB).
   */
  cpuScale: 1769 / 512,
  /** Share of lifecycle invocations that start a cold container (the baseline's 8 of 16). */
  coldShare: 0.5,
  /** Billed INIT of a cold start (Node 22, bundled, arm64), seconds. */
  initSeconds: 0.8,
  /**
   * The browser's calls for one request (form load, submit, the approver's list and approve):
   * getRequestFormOptions, createRequest, listPendingApprovals, approveRequest, each one api
   * Lambda invocation of ~150 ms reading a few items.
   */
  ui: { appsyncOps: 4, lambdaInvocations: 4, lambdaMsEach: 150, readUnits: 8 },
} as const;

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

const gbSeconds = (ms: number) => (ms / 1000) * (ASSUMPTIONS.memoryMb / 1024);

/** The bill per 1,000 requests of one path, from its per-request counts. */
export function billPer1000(counts: LifecyclePathCounts): Bill {
  const k = 1000;
  const measuredMs = counts.lambdaMs;
  const warmMs =
    measuredMs === undefined
      ? counts.lambdaInvocations * ASSUMPTIONS.warmMsPerInvocation
      : measuredMs * ASSUMPTIONS.cpuScale;
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
          : `measured ${Math.round(measuredMs)} ms in-process × ${ASSUMPTIONS.cpuScale.toFixed(2)} CPU share at ${ASSUMPTIONS.memoryMb} MB`,
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
  const uiLines: BillLine[] = [
    {
      item: 'UI: AppSync operations',
      perRequest: ui.appsyncOps,
      unit: 'ops',
      usdPer1000: ui.appsyncOps * PRICES.appsyncOp * k,
      note: 'estimate: form options, create, pending list, approve',
    },
    {
      item: 'UI: Lambda requests + compute',
      perRequest: ui.lambdaInvocations,
      unit: 'invocations',
      usdPer1000:
        (ui.lambdaInvocations * PRICES.lambdaRequest +
          gbSeconds(ui.lambdaInvocations * ui.lambdaMsEach) * PRICES.lambdaGbSecond) *
        k,
      note: `estimate: ${ui.lambdaMsEach} ms each at ${ASSUMPTIONS.memoryMb} MB`,
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
