/**
 * The dashboard at scale: what reading the same 30 days costs when 1,000, 100,000 and 1,000,000
 * requests are stored (the organization of bench/lib/requests-data.ts: 2,000 accounts, 200
 * requesters, 40 approvers, 3 permission sets), what busier months in the range cost, and what
 * keeping the counters adds to an approved → ended request. The counters are built from the requests with the rebuild's own
 * fold (in memory; only the counter items are written); the read is the real use case over the
 * real DynamoDB store, recorded call by call with the capacity DynamoDB Local reports.
 *
 *   npx tsx bench/run.ts dashboard
 */
import { DynamoAggregateStore } from '../lambdas/adapters/dynamodb/aggregates';
import {
  eventsOfRequest,
  makeDashboardRecorder,
  makeGetDashboard,
  SnapshotBuilder,
} from '../lambdas/core/dashboard';
import type { AccessRequest, CallerIdentity } from '../lambdas/core/types';
import { startBenchDynamo, type BenchDynamo, type DynamoStats } from './lib/dynamo';
import { PRICES } from './lib/prices';
import { person, requestNumber } from './lib/requests-data';
import type { Figure, RunOptions, Section, Table } from './lib/section';
import { summarize, timed } from './lib/stats';

const DAY = 86_400_000;
const FROM = '2026-11-01';
const TO = '2026-11-30';
const WINDOW_START = Date.parse(`${FROM}T00:00:00.000Z`);
const REPEAT = 7;

const auditor: CallerIdentity = {
  userId: person(1).id,
  userName: person(1).email,
  email: person(1).email,
  groupIds: [],
  isAdmin: false,
  isAuditor: true,
};

const TIME_FIELDS = [
  'createdAt',
  'updatedAt',
  'startTime',
  'expiresAt',
  'decidedAt',
  'cancelledAt',
  'revokedAt',
  'grantedAt',
  'endedAt',
] as const;

/** Days of older history before the range. */
const HISTORY_DAYS = 730;

/**
 * Request number `n`, moved to `start + position/size` of `days` days (`size` requests spread
 * evenly over them).
 */
function spreadRequest(
  n: number,
  position: number,
  size: number,
  start = WINDOW_START,
  days = 30,
): AccessRequest {
  const request = requestNumber(n);
  const offset = start + Math.floor((position * days * DAY) / size) - Date.parse(request.createdAt);
  for (const field of TIME_FIELDS) {
    const value = request[field];
    if (typeof value === 'string') request[field] = new Date(Date.parse(value) + offset).toISOString();
  }
  return request;
}

interface ReadMeasure {
  /** Requests stored in all. */
  size: number;
  /** Of which created in the 30 days read. */
  inRange: number;
  stats: DynamoStats;
  ms: ReturnType<typeof summarize>;
  itemsWritten: number;
  topAccounts: number;
}

/**
 * One read of the 30 days with `inRange` requests in them and `size - inRange` older ones over
 * the two years before.
 */
async function measureRead(
  db: BenchDynamo,
  size: number,
  inRange: number,
  log: (line: string) => void,
): Promise<ReadMeasure> {
  const tables = await db.createTeamTables();
  const builder = new SnapshotBuilder();
  for (let n = 0; n < inRange; n += 1) {
    const request = spreadRequest(n, n, inRange);
    builder.add(request.id, eventsOfRequest(request));
  }
  const older = size - inRange;
  for (let n = 0; n < older; n += 1) {
    // Over the two years before the range, ending a day before it (nothing of theirs in it).
    const request = spreadRequest(
      inRange + n,
      n,
      older,
      WINDOW_START - (HISTORY_DAYS + 1) * DAY,
      HISTORY_DAYS,
    );
    builder.add(request.id, eventsOfRequest(request));
  }
  // Only the counters: the marks of a million requests are not what a read touches.
  const snapshot = { ...builder.build(new Date().toISOString()), applied: {} };
  db.recorder.enabled = false;
  await new DynamoAggregateStore(db.loader, tables.Aggregates).replaceAll(snapshot);
  db.recorder.enabled = true;
  const itemsWritten =
    snapshot.days.length + Object.values(snapshot.dimensions).reduce((n, days) => n + days.length, 0) + 1;
  log(
    `dashboard: ${size.toLocaleString('en')} requests (${inRange.toLocaleString('en')} in range) → ${itemsWritten} counter items`,
  );

  const get = makeGetDashboard({
    aggregates: new DynamoAggregateStore(db.doc, tables.Aggregates),
    clock: { now: () => new Date() },
  });
  let stats: DynamoStats | undefined;
  let topAccounts = 0;
  const samples: number[] = [];
  for (let i = 0; i < REPEAT; i += 1) {
    db.recorder.reset();
    const { result, ms } = await timed(() => get(auditor, { from: FROM, to: TO }));
    stats = db.recorder.stats();
    topAccounts = result.top.account.length;
    if (i > 0) samples.push(ms);
  }
  return { size, inRange, stats: stats!, ms: summarize(samples), itemsWritten, topAccounts };
}

/**
 * What counting adds to one approved → ended request: the recorder calls the router and the
 * workflow make (router: created, approved; workflow: begin, after the grant, after the end),
 * each one a GetItem of the request's mark and, when it has news, one transaction.
 */
async function measureWrites(
  db: BenchDynamo,
  requests: number,
): Promise<DynamoStats & { perRequest: number }> {
  const tables = await db.createTeamTables();
  const recorder = makeDashboardRecorder({
    aggregates: new DynamoAggregateStore(db.doc, tables.Aggregates),
    clock: { now: () => new Date() },
  });
  db.recorder.reset();
  for (let i = 0; i < requests; i += 1) {
    const ended = spreadRequest(i * 37, i * 37, 100_000);
    const bob = person(200 + (i % 5));
    const pending: AccessRequest = {
      ...ended,
      id: `w-${i}`,
      status: 'pending',
      decidedBy: undefined,
      decidedAt: undefined,
      grantedAt: undefined,
      endedAt: undefined,
    } as AccessRequest;
    const approved: AccessRequest = {
      ...pending,
      status: 'approved',
      decidedBy: bob,
      decidedAt: ended.startTime,
    };
    const started: AccessRequest = { ...approved, status: 'in progress', grantedAt: ended.startTime };
    const done: AccessRequest = { ...started, status: 'ended', endedAt: ended.updatedAt };
    for (const state of [pending, pending, approved, started, done]) await recorder.recordRequest(state);
  }
  return { ...db.recorder.stats(), perRequest: requests };
}

export async function run(options: RunOptions = { log: () => undefined, quick: false }): Promise<Section> {
  // The same 30 days (1,000 requests in them) over tables of 1,000 to 1,000,000 requests; then
  // busier months over the same range.
  const recent = options.quick ? 100 : 1000;
  const sizes = options.quick ? [100, 1000, 10_000] : [1000, 100_000, 1_000_000];
  const busier = options.quick ? [1000] : [10_000, 100_000];
  const db = await startBenchDynamo();
  try {
    const reads: ReadMeasure[] = [];
    for (const size of sizes) reads.push(await measureRead(db, size, recent, options.log));
    const busy: ReadMeasure[] = [];
    for (const size of busier) busy.push(await measureRead(db, size, size, options.log));
    const writes = await measureWrites(db, options.quick ? 5 : 50);

    const [small, large, huge] = reads as [ReadMeasure, ReadMeasure, ReadMeasure];
    const calls = (m: ReadMeasure) => m.stats.calls;
    const label = (m: ReadMeasure) => m.size.toLocaleString('en');
    const wru = writes.writeUnits / writes.perRequest;
    const rru = writes.readUnits / writes.perRequest;
    const usd = (wru * PRICES.dynamoWru + rru * PRICES.dynamoRru) * 1000;

    const readFigures: Figure[] = [
      {
        id: 'dashboard.reads.1k',
        label: `DynamoDB calls per dashboard read, 30 days, ${label(small)} requests stored`,
        unit: 'calls',
        value: calls(small),
        original: null,
      },
      {
        id: 'dashboard.reads.100k',
        label: `DynamoDB calls per dashboard read, same 30 days, ${label(large)} requests stored`,
        unit: 'calls',
        value: calls(large),
        original: null,
        target: { max: calls(small) },
      },
      {
        id: 'dashboard.rru.1k',
        label: `Read units per dashboard read, ${label(small)} requests stored`,
        unit: 'RRU',
        value: small.stats.readUnits,
        original: null,
      },
      {
        id: 'dashboard.rru.100k',
        label: `Read units per dashboard read, same 30 days, ${label(large)} requests stored`,
        unit: 'RRU',
        value: large.stats.readUnits,
        original: null,
        target: { max: small.stats.readUnits },
      },
      {
        id: 'dashboard.rru.1m',
        label: `Read units per dashboard read, same 30 days, ${label(huge)} requests stored`,
        unit: 'RRU',
        value: huge.stats.readUnits,
        original: null,
      },
      {
        id: 'dashboard.readMs.100k.p50',
        label: `Dashboard read, ${label(large)} requests stored, p50 (local)`,
        unit: 'ms',
        value: Math.round(large.ms.p50),
        original: null,
      },
    ];
    const writeFigures: Figure[] = [
      {
        id: 'dashboard.aggregates.wru.approved-ended',
        label: 'Write units the counters add per approved → ended request',
        unit: 'WRU',
        value: Math.round(wru * 10) / 10,
        original: null,
      },
      {
        id: 'dashboard.aggregates.rru.approved-ended',
        label: 'Read units the counters add per approved → ended request',
        unit: 'RRU',
        value: Math.round(rru * 10) / 10,
        original: null,
      },
      {
        id: 'dashboard.aggregates.billPer1000.approved-ended',
        label: 'What the counters add to the lifecycle bill per 1,000 approved → ended requests',
        unit: 'USD',
        value: Math.round(usd * 10_000) / 10_000,
        original: null,
      },
    ];
    const table: Table = {
      title: 'One dashboard read over 30 days',
      columns: [
        'Requests stored',
        'Of them in the 30 days',
        'Counter items stored',
        'Calls',
        'Queries',
        'Items read',
        'RRU',
        'p50 ms',
        'Top accounts',
      ],
      rows: [...reads, ...busy].map((m) => [
        m.size,
        m.inRange,
        m.itemsWritten,
        m.stats.calls,
        m.stats.byCommand.Query ?? 0,
        m.stats.itemsRead,
        m.stats.readUnits,
        Math.round(m.ms.p50),
        m.topAccounts,
      ]),
      notes: [
        'Calls: one Query per counter family (day totals, accounts, permission sets, requesters, approvers) and one GetItem of the gauges; a Query of more than 1 MB would take a second page.',
        'The first rows read the same 30 days over ever larger tables: nothing outside the range is read. The last rows put more requests in the range itself: read units grow with the accounts and people active on each day (per-day counts by id), not with the requests — at most every account and person every day.',
      ],
    };
    return {
      id: 'dashboard',
      title: 'Dashboard counters at scale',
      figures: [
        {
          title: 'Dashboard reads (30 days; the original has no dashboard: its users export CSVs)',
          figures: readFigures,
        },
        {
          title: 'What keeping the counters adds to an approved → ended request (beside the lifecycle bill)',
          figures: writeFigures,
          notes: [
            `Measured on ${writes.perRequest} requests: 5 recorder calls each (router: created, approved; workflow: begin, after the grant, after the end), each a GetItem of the request's mark (0.5 RRU) and, with news, one TransactWriteItems (the mark plus every counter item the news touches, twice the units of plain writes).`,
            'The lifecycle section runs the local cloud with counting on: when both sections come from one run, its write units include these.',
          ],
        },
      ],
      tables: [table],
      notes: [
        `Organization of bench/lib/requests-data.ts (2,000 accounts, 200 requesters, 40 approvers, 3 permission sets); the range read is ${FROM} … ${TO}, its requests spread evenly over it, older ones over the ${HISTORY_DAYS} days before; DynamoDB Local, capacity as it reports it.`,
      ],
      data: {
        reads: [...reads, ...busy].map((m) => ({ size: m.size, inRange: m.inRange, ...m.stats, ms: m.ms })),
        writes,
      },
    };
  } finally {
    await db.stop();
  }
}
