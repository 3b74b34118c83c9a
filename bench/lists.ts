/**
 * List pages at scale: what each list operation reads and how long it takes with 1,000 and then
 * 100,000 requests stored in DynamoDB Local, through the real use cases and repository. The
 * original loads each list completely (four of them by scanning the whole table) and pages in
 * the browser; its figures come from the same data with its query shapes (baseline §2.4), and
 * its full-table Scan is replayed on our table for a measured time.
 *
 *   npx tsx bench/run.ts lists
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoRequestRepository } from '../lambdas/adapters/dynamodb/requests';
import {
  makeListActiveAccess,
  makeListAuditRequests,
  makeListAuditSessions,
  makeListEndedAccess,
  makeListMyApprovals,
  makeListMyRequests,
  makeListPendingApprovals,
  type PageInput,
} from '../lambdas/core';
import type { AccessRequest, CallerIdentity, Page } from '../lambdas/core/types';
import { ORIGINAL_LIST_SHAPES, originalCalls, originalReadUnits, type ListId } from './lib/baseline';
import { startBenchDynamo, type BenchDynamo, type DynamoStats } from './lib/dynamo';
import { loadRequests, person, requestNumber } from './lib/requests-data';
import type { Figure, FigureGroup, RunOptions, Section, Table } from './lib/section';
import { summarize, timed, type Summary } from './lib/stats';

const PAGE_SIZE = 20;
/** The page measured after the first, reached by following the cursors. */
const DEEP_PAGE = 3;
/** The person whose lists are read: requester and approver (user 007). */
const ME = person(7);

const caller = (auditor: boolean): CallerIdentity => ({
  userId: ME.id,
  userName: ME.email,
  email: ME.email,
  displayName: ME.name,
  groupIds: [],
  isAdmin: false,
  isAuditor: auditor,
});

type ListFn = (page: PageInput) => Promise<Page<AccessRequest>>;

interface ListMeasure {
  list: ListId;
  size: number;
  /** Calls and reads of the first page (the same on every repetition). */
  first: DynamoStats & { items: number };
  firstLatency: Summary;
  deep: (DynamoStats & { items: number }) | null;
  deepLatency: Summary | null;
}

/** What the original reads for one list, computed from the stored data (baseline §2.4). */
interface OriginalList {
  items: number;
  calls: number;
  readUnits: number;
}

const originals = new Map<string, OriginalList>();

function originalFor(list: ListId, size: number): OriginalList {
  const key = `${list}@${size}`;
  let known = originals.get(key);
  if (!known) {
    known = computeOriginal(list, size);
    originals.set(key, known);
  }
  return known;
}

function computeOriginal(list: ListId, size: number): OriginalList {
  let items = 0;
  let calls = 0;
  const all = (n: number) => {
    items = n;
    calls = originalCalls(n);
  };
  if (list === 'myRequests' || list === 'pendingApprovals' || list === 'active') {
    let mine = 0;
    let pending = 0;
    let scheduled = 0;
    let inProgress = 0;
    for (let n = 0; n < size; n += 1) {
      const r = requestNumber(n);
      if (r.requester.id === ME.id) mine += 1;
      if (r.status === 'pending') pending += 1;
      if (r.status === 'scheduled') scheduled += 1;
      if (r.status === 'in progress') inProgress += 1;
    }
    if (list === 'myRequests') all(mine);
    else if (list === 'pendingApprovals') all(pending);
    else {
      items = scheduled + inProgress;
      calls = originalCalls(scheduled) + originalCalls(inProgress);
    }
  } else {
    all(size);
  }
  return { items, calls, readUnits: originalReadUnits(items) };
}

const LABELS: Record<ListId, string> = {
  myRequests: 'my requests',
  pendingApprovals: 'pending approvals',
  myApprovals: 'my approvals',
  active: 'active access',
  ended: 'ended access',
  auditRequests: 'audit: requests',
  auditSessions: 'audit: sessions',
};

/** Runs the list benchmark. */
export async function run(options: RunOptions = { log: () => undefined, quick: false }): Promise<Section> {
  const log = options.log;
  const sizes = options.quick ? [1_000, 5_000] : [1_000, 100_000];
  const reps = options.quick ? 5 : 20;
  let dynamo: BenchDynamo | undefined;
  try {
    dynamo = await startBenchDynamo();
    const db = dynamo;
    const t = await db.createTeamTables();
    const repo = new DynamoRequestRepository(db.doc, {
      requests: t.Requests,
      approvers: t.RequestApprovers,
      events: t.AuditEvents,
    });
    const deps = { requests: repo };
    const user = caller(false);
    const auditor = caller(true);
    const lists: [ListId, ListFn][] = [
      ['myRequests', (p) => makeListMyRequests(deps)(user, p)],
      ['pendingApprovals', (p) => makeListPendingApprovals(deps)(user, p)],
      ['myApprovals', (p) => makeListMyApprovals(deps)(user, p)],
      ['active', (p) => makeListActiveAccess(deps)(user, p)],
      ['ended', (p) => makeListEndedAccess(deps)(user, p)],
      ['auditRequests', (p) => makeListAuditRequests(deps)(auditor, p)],
      ['auditSessions', (p) => makeListAuditSessions(deps)(auditor, p)],
    ];

    const measured: ListMeasure[] = [];
    const loads: { size: number; seconds: number; itemsPerSecond: number }[] = [];
    const scans: { size: number; calls: number; itemsRead: number; readUnits: number; ms: number }[] = [];
    let loaded = 0;
    for (const size of sizes) {
      log(`lists: loading requests ${loaded.toLocaleString('en-US')} … ${size.toLocaleString('en-US')}`);
      db.recorder.enabled = false;
      const { ms: loadMs } = await timed(() =>
        loadRequests(db.loader, { requests: t.Requests, approvers: t.RequestApprovers }, loaded, size),
      );
      db.recorder.enabled = true;
      loads.push({
        size,
        seconds: Math.round(loadMs / 100) / 10,
        itemsPerSecond: Math.round(((size - loaded) / loadMs) * 1000),
      });
      loaded = size;
      log(`lists: loaded in ${(loadMs / 1000).toFixed(1)} s`);

      for (const [id, list] of lists) {
        const once = async (page: PageInput) => {
          db.recorder.reset();
          const { result, ms } = await timed(() => list(page));
          return { result, ms, stats: { ...db.recorder.stats(), items: result.items.length } };
        };
        await once({ limit: PAGE_SIZE }); // warm-up: JIT and connections
        const firstRuns = [];
        for (let i = 0; i < reps; i += 1) firstRuns.push(await once({ limit: PAGE_SIZE }));
        const first = firstRuns[0];
        if (!first) throw new Error('no runs');

        // Follow the cursors to the deep page, then read it again and again.
        let cursor = first.result.nextCursor;
        for (let p = 2; p < DEEP_PAGE && cursor; p += 1)
          cursor = (await list({ limit: PAGE_SIZE, cursor })).nextCursor;
        let deep: ListMeasure['deep'] = null;
        let deepLatency: Summary | null = null;
        if (cursor) {
          const at = cursor;
          const deepRuns = [];
          for (let i = 0; i < reps; i += 1) deepRuns.push(await once({ limit: PAGE_SIZE, cursor: at }));
          deep = deepRuns[0]?.stats ?? null;
          deepLatency = summarize(deepRuns.map((r) => r.ms));
        }
        measured.push({
          list: id,
          size,
          first: first.stats,
          firstLatency: summarize(firstRuns.map((r) => r.ms)),
          deep,
          deepLatency,
        });
      }

      // The original's access pattern for four lists: Scan the whole table, 100 items a call.
      log(`lists: replaying the original's full-table Scan at ${size.toLocaleString('en-US')}`);
      db.recorder.reset();
      const { ms: scanMs } = await timed(async () => {
        let start: Record<string, unknown> | undefined;
        do {
          const out = await db.doc.send(
            new ScanCommand({ TableName: t.Requests, Limit: 100, ExclusiveStartKey: start }),
          );
          start = out.LastEvaluatedKey;
        } while (start);
      });
      const s = db.recorder.stats();
      scans.push({
        size,
        calls: s.calls,
        itemsRead: s.itemsRead,
        readUnits: s.readUnits,
        ms: Math.round(scanMs),
      });
    }

    const largest = sizes[sizes.length - 1] ?? 0;
    const smallest = sizes[0] ?? 0;
    const at = (list: ListId, size: number) => measured.find((m) => m.list === list && m.size === size);
    const scanAt = (size: number) => scans.find((s) => s.size === size);

    const sizeLabel = `${largest.toLocaleString('en-US')} requests, page size ${PAGE_SIZE}`;
    const scanLists: ListId[] = ['myApprovals', 'ended', 'auditRequests', 'auditSessions'];
    const srcOf = (id: ListId) => `baseline §2.4: ${ORIGINAL_LIST_SHAPES[id]}`;
    const perList = (make: (id: ListId, m: ListMeasure | undefined, o: OriginalList) => Figure[]) =>
      lists.flatMap(([id]) => make(id, at(id, largest), originalFor(id, largest)));
    const figures: FigureGroup[] = [
      {
        title: `Pages read per list page (${sizeLabel})`,
        figures: perList((id, m, o) => [
          {
            label: `${LABELS[id]}, first page`,
            unit: 'pages',
            value: m?.first.pages ?? null,
            original: o.calls,
            originalSource: `${srcOf(id)} (sequential calls of 100 to load the whole list)`,
            target: { max: 2 },
          },
          {
            label: `${LABELS[id]}, page ${DEEP_PAGE}`,
            unit: 'pages',
            value: m?.deep?.pages ?? null,
            original: null,
            originalSource: 'none: the original pages in the browser after loading the whole list',
            target: { max: 2 },
          },
        ]),
        notes: [`— for page ${DEEP_PAGE}: the list has fewer than ${DEEP_PAGE} pages for this reader.`],
      },
      {
        title: `Items read and read units, first page (${sizeLabel})`,
        figures: perList((id, m, o) => [
          {
            label: `${LABELS[id]}: items read`,
            unit: 'items',
            value: m?.first.itemsRead ?? null,
            original: o.items,
            originalSource: srcOf(id),
          },
          {
            label: `${LABELS[id]}: read units`,
            unit: 'RRU',
            value: m?.first.readUnits ?? null,
            original: o.readUnits,
            originalSource: 'the same items at ≈ 0.08 RRU per ~0.65 KB item (baseline §2.4)',
          },
        ]),
      },
      {
        title: `Latency of the first page (${sizeLabel}, DynamoDB Local, this machine)`,
        figures: perList((id, m) => [
          {
            label: `${LABELS[id]}: p50`,
            unit: 'ms',
            value: m?.firstLatency.p50 ?? null,
            original: scanLists.includes(id) ? (scanAt(largest)?.ms ?? null) : null,
            originalSource: scanLists.includes(id)
              ? "the original's full-table Scan (Limit 100, sequential) replayed on our table"
              : 'not replayed (a Query on an index we do not have)',
          },
          { label: `${LABELS[id]}: p95`, unit: 'ms', value: m?.firstLatency.p95 ?? null },
        ]),
      },
    ];

    const sizeTable: Table = {
      title: `Every list at ${sizes.map((s) => s.toLocaleString('en-US')).join(' and ')} requests: first page and page ${DEEP_PAGE} (page size ${PAGE_SIZE})`,
      columns: [
        'list',
        'requests stored',
        'items returned',
        'DynamoDB calls',
        'Query pages',
        'items read',
        'RRU',
        'p50 ms',
        'p95 ms',
        `page ${DEEP_PAGE}: pages`,
        `page ${DEEP_PAGE}: items read`,
        `page ${DEEP_PAGE}: RRU`,
        `page ${DEEP_PAGE}: p50 ms`,
        'original: calls',
        'original: items read',
      ],
      rows: measured.map((m) => {
        const o = originalFor(m.list, m.size);
        return [
          LABELS[m.list],
          m.size,
          m.first.items,
          m.first.calls,
          m.first.pages,
          m.first.itemsRead,
          m.first.readUnits,
          m.firstLatency.p50,
          m.firstLatency.p95,
          m.deep?.pages ?? null,
          m.deep?.itemsRead ?? null,
          m.deep?.readUnits ?? null,
          m.deepLatency?.p50 ?? null,
          o.calls,
          o.items,
        ];
      }),
      notes: [
        "items read = items DynamoDB read before any filter: Query ScannedCount (index entries, keys only) plus the keys of the BatchGetItem that fetches the page's requests.",
        'RRU = the index Query plus that BatchGetItem (eventually consistent, 0.5 RRU per request item).',
        `— on page ${DEEP_PAGE}: the list has fewer than ${DEEP_PAGE} pages.`,
        'original: calls = sequential AppSync round trips of 100 items to load the list (the browser then pages); items read = what those calls read.',
      ],
    };
    const scanTable: Table = {
      title:
        "The original's full-table Scan replayed on our Requests table (My approvals, Ended access, Audit lists)",
      columns: ['requests stored', 'Scan calls', 'items read', 'RRU', 'ms (sequential)'],
      rows: scans.map((s) => [s.size, s.calls, s.itemsRead, s.readUnits, s.ms]),
      notes: [
        "Our items are ~1 KB (the original's ~0.65 KB), so this is what the original's pattern costs on this data, not on its table.",
      ],
    };
    const loadTable: Table = {
      title:
        "Bulk load (BatchWriteItem, 16 calls in flight, items from the repository's toItem/approverItems)",
      columns: ['up to requests', 'seconds', 'requests per second'],
      rows: loads.map((l) => [l.size, l.seconds, l.itemsPerSecond]),
    };
    return {
      id: 'lists',
      title: `List pages at scale (${largest.toLocaleString('en-US')} requests in DynamoDB Local)`,
      figures,
      tables: [sizeTable, scanTable, loadTable],
      notes: [
        `Data: request n is deterministic (bench/lib/requests-data.ts): 200 requesters, 40 of them approvers (2 per request), one request every 5 minutes, 80 % ended, 1 % pending, 2.5 % active. The reader is user 007, requester and approver.`,
        'Lists run through the real use cases (makeList…) and DynamoRequestRepository; latency is wall-clock of the call in this process against DynamoDB Local (no network latency added).',
        `Target (issue): ≤ 2 pages read per list page, independent of table size: compare the rows at ${smallest.toLocaleString('en-US')} and ${largest.toLocaleString('en-US')} requests in the detail table (a list shorter than a page reads less).`,
      ],
      data: { sizes, pageSize: PAGE_SIZE, deepPage: DEEP_PAGE, measured, scans, loads },
    };
  } finally {
    await dynamo?.stop();
  }
}
