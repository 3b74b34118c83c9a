/**
 * Throughput: requests taken from creation through approval to access with 1, 10 and 50 in
 * flight, then every session ended at once (the clock moved past their end), with the peak
 * memory of the process that runs the whole local cloud (DynamoDB Local's JVM aside).
 *
 *   npx tsx bench/run.ts throughput
 */
import { pool, startBenchCloud, type BenchCloud } from './lib/cloud';
import { ours, type Figure, type RunOptions, type Section, type Table } from './lib/section';
import { summarize, type Summary } from './lib/stats';

const HOUR = 3_600_000;

interface Level {
  concurrency: number;
  requests: number;
  seconds: number;
  requestsPerSecond: number;
  perRequest: Summary;
  endSeconds: number;
  endsPerSecond: number;
  ended: number;
  peakRssMb: number;
  transitionsPerRequest: number;
}

/** Samples the resident set size; `peak()` is the largest since the last `reset()`. */
function memorySampler() {
  let peak = 0;
  const sample = () => {
    peak = Math.max(peak, process.memoryUsage().rss);
  };
  const timer = setInterval(sample, 50);
  timer.unref();
  return {
    reset: () => {
      peak = 0;
      sample();
    },
    peakMb: () => {
      sample();
      return Math.round(peak / 1024 / 1024);
    },
    stop: () => clearInterval(timer),
  };
}

async function level(
  cloud: BenchCloud,
  offset: number,
  concurrency: number,
  n: number,
  memory: ReturnType<typeof memorySampler>,
): Promise<Level> {
  const h = cloud.harness;
  memory.reset();
  const transitionsBefore = h.local.stepFunctions.stats().stateTransitions;
  const perRequest: number[] = [];
  const ids: string[] = [];
  const t0 = performance.now();
  await pool(n, concurrency, async (i) => {
    const { request, approver } = cloud.newRequest(offset + i);
    const start = performance.now();
    await cloud.submitAndWait(request);
    await h.approve(request.id, approver);
    await cloud.waitForAccess(request);
    perRequest.push(performance.now() - start);
    ids.push(request.id);
  });
  const seconds = (performance.now() - t0) / 1000;

  // Every session of this level ends at once: the clock moves past their end.
  const e0 = performance.now();
  await h.advance(3 * HOUR);
  const endSeconds = (performance.now() - e0) / 1000;
  let ended = 0;
  for (const id of ids) if ((await h.get(id)).status === 'ended') ended += 1;
  const transitions = h.local.stepFunctions.stats().stateTransitions - transitionsBefore;
  return {
    concurrency,
    requests: n,
    seconds: Math.round(seconds * 10) / 10,
    requestsPerSecond: Math.round((n / seconds) * 10) / 10,
    perRequest: summarize(perRequest),
    endSeconds: Math.round(endSeconds * 10) / 10,
    endsPerSecond: Math.round((n / endSeconds) * 10) / 10,
    ended,
    peakRssMb: memory.peakMb(),
    transitionsPerRequest: Math.round((transitions / n) * 10) / 10,
  };
}

/** Runs the throughput benchmark. */
export async function run(options: RunOptions = { log: () => undefined, quick: false }): Promise<Section> {
  const plan = options.quick
    ? [
        { concurrency: 1, requests: 5 },
        { concurrency: 10, requests: 20 },
        { concurrency: 50, requests: 50 },
      ]
    : [
        { concurrency: 1, requests: 20 },
        { concurrency: 10, requests: 100 },
        { concurrency: 50, requests: 250 },
      ];
  options.log('throughput: starting the local cloud with the request workflow (synthesizes the stack)');
  // Realtime hints stay on: the router publishes them through the local AppSync as deployed.
  const cloud = await startBenchCloud({ extraAccounts: 80 });
  const memory = memorySampler();
  const levels: Level[] = [];
  try {
    let offset = 0;
    for (const p of plan) {
      options.log(`throughput: ${p.requests} requests with ${p.concurrency} in flight`);
      levels.push(await level(cloud, offset, p.concurrency, p.requests, memory));
      offset += p.requests;
    }
  } finally {
    memory.stop();
    await cloud.stop();
  }

  const figures: Figure[] = levels.flatMap((l) => [
    ours(`requests to access per second, ${l.concurrency} in flight`, 'req/s', l.requestsPerSecond),
    ours(`sessions ended per second, ${l.requests} ending at once`, 'req/s', l.endsPerSecond),
    ours(`peak memory (Node process), ${l.concurrency} in flight`, 'MB', l.peakRssMb),
  ]);
  const table: Table = {
    title: 'Throughput: create → approve → access, then every session ended at once',
    columns: [
      'in flight',
      'requests',
      'run s',
      'req/s',
      'per request p50 ms',
      'per request p95 ms',
      'end all s',
      'ended/s',
      'ended',
      'transitions / request',
      'peak RSS MB',
    ],
    rows: levels.map((l) => [
      l.concurrency,
      l.requests,
      l.seconds,
      l.requestsPerSecond,
      l.perRequest.p50,
      l.perRequest.p95,
      l.endSeconds,
      l.endsPerSecond,
      l.ended,
      l.transitionsPerRequest,
      l.peakRssMb,
    ]),
    notes: [
      'One Node process runs the api use cases, the router, the Step Functions runner, the workflow tasks, AppSync, the simulators and this driver; DynamoDB Local runs in its own JVM (not in the memory figure). Every request needs its own assignment (distinct user, account, permission set).',
      'No latency is added to the simulators (the fast Identity Center): assignments complete 50 ms after they are created, and their status is checked on the schedule made for that speed (first after 100 ms).',
    ],
  };
  return {
    id: 'throughput',
    title: 'Throughput and peak memory (local cloud, this machine)',
    figures: [
      {
        title: 'Throughput (the original has no measured counterpart)',
        figures,
        notes: [
          "The original's router reads one stream shard with ParallelizationFactor 1 and makes 8–10 sequential AWS calls per record (baseline §2.2, §6), so it handles a deployment's requests one record at a time.",
        ],
      },
    ],
    tables: [table],
    notes: [
      'Throughput here is bounded by this 2-core machine running every piece at once, not by a service limit.',
    ],
    data: { levels },
  };
}
