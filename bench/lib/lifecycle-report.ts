/**
 * What run.ts adds to the lifecycle section from its counts: the comparison with the original
 * per path (baseline §1–§2), the targets for approved → ended, and the bill per 1,000
 * requests with the baseline's price list.
 */
import { ORIGINAL_BILL, ORIGINAL_PATHS } from './baseline';
import { billPer1000 } from './prices';
import type { Figure, FigureGroup, LifecyclePathCounts, Table } from './section';

const TARGETS = {
  transitions: 12,
  lambdaInvocations: 6,
  lambdaInvocationsWithApi: 7,
  idcOrgCalls: 15,
  billUsd: 0.3,
} as const;

const idcOrgCalls = (c: LifecyclePathCounts) => c.ssoAdminCalls + c.identityStoreCalls + c.organizationsCalls;

/**
 * Comparison groups and bill tables for the lifecycle counts: every figure of approved → ended
 * beside the original's and the targets, and the bill of every path.
 */
export function lifecycleReport(counts: readonly LifecyclePathCounts[]): {
  figures: FigureGroup[];
  tables: Table[];
} {
  const figures: FigureGroup[] = [];
  const approved = counts.find((c) => c.path === 'approved-ended');
  if (approved) {
    const o = ORIGINAL_PATHS['approved-ended'];
    const src = 'baseline §1/§2.2, path (a)';
    const list: Figure[] = [
      {
        label: 'state transitions (entered + retries)',
        unit: 'transitions',
        value: approved.transitions,
        original: o.transitions,
        originalSource: src,
        target: { max: TARGETS.transitions },
      },
      {
        label: 'executions',
        unit: 'executions',
        value: approved.executions,
        original: o.executions,
        originalSource: src,
      },
      {
        label: 'Lambda invocations of the lifecycle (router + workflow tasks)',
        unit: 'invocations',
        value: approved.lambdaInvocations,
        original: o.lambdaInvocations,
        originalSource: `${src}: router 9 + teamStatus 3 + teamNotifications 4`,
        target: { max: TARGETS.lambdaInvocations },
      },
      {
        id: 'lifecycle.lambdaInvocations.approved-ended.withApi',
        label: "Lambda invocations, the api's included (create, approve)",
        unit: 'invocations',
        value: approved.lambdaInvocations + (approved.apiInvocations ?? 0),
        original: o.lambdaInvocations,
        originalSource: `${src}: its AppSync resolvers are VTL, not Lambda; router 9 + teamStatus 3 + teamNotifications 4`,
        target: { max: TARGETS.lambdaInvocationsWithApi },
      },
      {
        id: 'lifecycle.idcCalls.approved-ended.realistic',
        label: 'IdC + Identity Store + Organizations calls, realistic Identity Center (incl. status checks)',
        unit: 'calls',
        value: idcOrgCalls(approved),
        original: o.idcOrgCalls,
        originalSource: `${src}: like for like, only its IdC / Identity Store / Organizations calls (R1 6 + 3 per R3 × 5 + sso-admin 2)`,
        target: { max: TARGETS.idcOrgCalls },
      },
      {
        label: 'the same calls beside every AWS call of the original',
        unit: 'calls',
        value: idcOrgCalls(approved),
        original: o.awsCalls,
        originalSource: `${src}: every AWS call of its router + sso-admin calls (not like for like: ours count IdC, Identity Store and Organizations only)`,
      },
      {
        label: 'DynamoDB write units',
        unit: 'WRU',
        value: approved.dynamoWriteUnits,
        original: o.writeUnits,
        originalSource: 'baseline §3: 9 base + 35 GSI',
      },
      {
        label: 'DynamoDB read units',
        unit: 'RRU',
        value: approved.dynamoReadUnits,
        original: o.readUnits,
        originalSource: 'baseline §3: router 13.5 + SFN 1.5',
      },
      {
        id: 'lifecycle.billPer1000.approved-ended.realistic',
        label:
          'bill per 1,000 requests (lifecycle + UI), measured Lambda durations, realistic Identity Center',
        unit: 'USD',
        value: round4(billPer1000(approved).total),
        original: ORIGINAL_BILL.total,
        originalSource: 'baseline §3, total',
        target: { max: TARGETS.billUsd },
      },
    ];
    figures.push({
      title: `Approved → ended, per request (${approved.requests} run), vs the original and the issue's targets`,
      figures: list,
    });
  }
  const tables: Table[] = [];
  if (approved) {
    const bill = billPer1000(approved);
    tables.push({
      title: 'Bill per 1,000 approved → ended requests (baseline price list, us-east-1)',
      columns: ['item', 'per request', 'unit', 'USD / 1,000', 'note'],
      rows: [
        ...bill.lines.map((l) => [l.item, l.perRequest, l.unit, `$${l.usdPer1000.toFixed(4)}`, l.note ?? '']),
        [
          'lifecycle subtotal',
          null,
          '',
          `$${bill.lifecycle.toFixed(4)}`,
          `original $${ORIGINAL_BILL.lifecycle.toFixed(4)}`,
        ],
        ['UI subtotal', null, '', `$${bill.ui.toFixed(4)}`, `original $${ORIGINAL_BILL.ui.toFixed(4)}`],
        [
          'total',
          null,
          '',
          `$${bill.total.toFixed(4)}`,
          `original $${ORIGINAL_BILL.total.toFixed(4)} (${(bill.total / ORIGINAL_BILL.total).toPrecision(2)}×)`,
        ],
      ],
      notes: [
        'Prices: Step Functions $0.025 / 1,000 transitions; Lambda $0.20 / M requests + $0.0000133334 / GB-s (arm64); DynamoDB on-demand $0.625 / M WRU, $0.125 / M RRU; AppSync $4 / M operations, $2 / M real-time messages; IdC, Identity Store and Organizations calls are free.',
      ],
    });
  }
  tables.push({
    title: 'Bill per 1,000 requests, every path',
    columns: ['path', 'final status', 'lifecycle USD', 'UI USD', 'total USD'],
    rows: counts.map((c) => {
      const b = billPer1000(c);
      return [
        c.path,
        c.finalStatus,
        `$${b.lifecycle.toFixed(4)}`,
        `$${b.ui.toFixed(4)}`,
        `$${b.total.toFixed(4)}`,
      ];
    }),
  });
  return { figures, tables };
}

const round4 = (v: number) => Math.round(v * 10_000) / 10_000;
