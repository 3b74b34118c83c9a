/**
 * The SPA: what the browser downloads for the initial route and for the signed-in first screen,
 * raw, gzip and brotli, next to the original's single CRA bundle (baseline §5), and how long
 * headless Chromium takes from navigation start to the first table with data rows (My requests
 * of a signed-in requester), cold (a new browser context: empty HTTP cache) and warm (a reload).
 * Builds `web/` with its own Vite config into a temporary directory (web/dist is left alone),
 * reads the Vite manifest, and serves that same build against the local backend, where Chromium
 * also opens the signed-in home page once to check the manifest's closure against what it fetches.
 *
 *   npx tsx bench/run.ts spa
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import type { Browser, BrowserContext } from 'playwright-core';
import { z } from 'zod';
import { startLocalBackend, type LocalBackend } from '../local/backend';
import { launchChromium, signIn } from '../test/e2e/support';
import { ORIGINAL_SPA } from './lib/baseline';
import {
  installTableProbe,
  serveBuild,
  timeFirstTable,
  type BuildHost,
  type TableTiming,
} from './lib/browser';
import type { Figure, RunOptions, Section, Table } from './lib/section';
import { percentile } from './lib/stats';

const root = fileURLToPath(new URL('..', import.meta.url));

const manifestSchema = z.record(
  z.string(),
  z.object({
    file: z.string(),
    isEntry: z.boolean().optional(),
    imports: z.array(z.string()).optional(),
    css: z.array(z.string()).optional(),
  }),
);
type Manifest = z.infer<typeof manifestSchema>;

interface Sizes {
  files: number;
  raw: number;
  gzip: number;
  brotli: number;
}

/** The files a set of manifest entries loads at once: themselves, their static imports and CSS. */
function closure(manifest: Manifest, keys: readonly string[]): { js: string[]; css: string[] } {
  const js = new Set<string>();
  const css = new Set<string>();
  const seen = new Set<string>();
  const visit = (key: string) => {
    if (seen.has(key)) return;
    seen.add(key);
    const chunk = manifest[key];
    if (!chunk) return;
    if (chunk.file.endsWith('.js')) js.add(chunk.file);
    for (const c of chunk.css ?? []) css.add(c);
    for (const next of chunk.imports ?? []) visit(next);
  };
  keys.forEach(visit);
  return { js: [...js], css: [...css] };
}

function measure(dir: string, files: readonly string[]): Sizes {
  const out: Sizes = { files: files.length, raw: 0, gzip: 0, brotli: 0 };
  for (const file of files) {
    const bytes = readFileSync(join(dir, file));
    out.raw += bytes.length;
    out.gzip += gzipSync(bytes, { level: 9 }).length;
    out.brotli += brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
    }).length;
  }
  return out;
}

function build(outDir: string): Promise<void> {
  const vite = join(root, 'node_modules', '.bin', 'vite');
  return new Promise((resolve, reject) => {
    const child = spawn(
      vite,
      ['build', '--config', 'web/vite.config.ts', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'],
      { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), 300_000);
    child.once('error', reject);
    child.once('exit', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`vite build failed (exit ${code}):\n${output}`));
    });
  });
}

const kB = (bytes: number) => Math.round(bytes / 100) / 10;

/** The demo requester whose My requests page is timed. */
const REQUESTER = { userName: 'alice.nguyen@example.com', displayName: 'Alice Nguyen' } as const;
/** Text in every seeded justification: the probe waits for a table row that shows it. */
const MARKER = 'bench-spa';
const SEEDED_REQUESTS = 5;

const formOptionsSchema = z.object({
  data: z.object({
    requestFormOptions: z.object({
      ticketRequired: z.boolean(),
      accounts: z.array(
        z.object({
          id: z.string(),
          permissionSets: z.array(
            z.object({ arn: z.string(), approvalRequired: z.boolean(), maxDurationHours: z.number() }),
          ),
        }),
      ),
    }),
  }),
});
const createdSchema = z.object({ data: z.object({ createRequest: z.object({ id: z.string() }) }) });

async function graphql(
  backend: LocalBackend,
  token: string,
  query: string,
  variables = {},
): Promise<unknown> {
  const response = await fetch(backend.urls.graphql, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify({ query, variables }),
  });
  const body: unknown = await response.json();
  if (!response.ok) throw new Error(`GraphQL ${response.status}: ${JSON.stringify(body)}`);
  return body;
}

/**
 * Gives the requester `count` requests through the API, as the SPA would create them: pending
 * ones where a permission set needs approval, what a requester's list typically shows.
 */
async function seedRequests(backend: LocalBackend, count: number): Promise<void> {
  const { accessToken } = await backend.tokensFor(REQUESTER.userName);
  const options = formOptionsSchema.parse(
    await graphql(
      backend,
      accessToken,
      '{ requestFormOptions { ticketRequired accounts { id permissionSets { arn approvalRequired maxDurationHours } } } }',
    ),
  ).data.requestFormOptions;
  const choices = options.accounts.flatMap((a) => a.permissionSets.map((p) => ({ accountId: a.id, ...p })));
  const choice = choices.find((c) => c.approvalRequired) ?? choices[0];
  if (!choice) throw new Error(`${REQUESTER.userName} is eligible for nothing in the demo organization`);
  for (let i = 1; i <= count; i += 1) {
    createdSchema.parse(
      await graphql(
        backend,
        accessToken,
        'mutation Create($input: CreateRequestInput!) { createRequest(input: $input) { id } }',
        {
          input: {
            accountId: choice.accountId,
            permissionSetArn: choice.arn,
            durationHours: Math.min(2, choice.maxDurationHours),
            justification: `${MARKER} ${i}: 本番障害の調査のため一時的に権限が必要です`,
            ...(options.ticketRequired ? { ticketNo: `INC-${4000 + i}` } : {}),
          },
        },
      ),
    );
  }
  // The stream and the router go quiet before anything is timed.
  await backend.settle();
}

interface BrowserRuns {
  cold: TableTiming[];
  warm: TableTiming[];
  /** The build's files (`assets/…`) Chromium fetched to show the signed-in home page. */
  homeAssets: string[];
}

/**
 * Opens the signed-in home page (`/`, where sign-in lands) in a new context (empty HTTP cache) and
 * returns the build's files it fetched until the page shows and the network is quiet.
 */
async function assetsOfHome(context: BrowserContext, appUrl: string): Promise<string[]> {
  const page = await context.newPage();
  const fetched = new Set<string>();
  page.on('response', (response) => {
    const path = new URL(response.url()).pathname;
    if (path.startsWith('/assets/')) fetched.add(path.slice(1));
  });
  await page.goto(`${appUrl}/`);
  await page.getByRole('heading', { level: 1, name: new RegExp(REQUESTER.displayName) }).waitFor();
  await page.waitForLoadState('networkidle');
  return [...fetched].sort();
}

/**
 * Serves the build in `outDir` against the local cloud, signs the requester in once, records what
 * the signed-in home page fetches, then for each run opens a new browser context with that
 * session (empty HTTP cache: cold), loads My requests and reloads it (warm), timing each load to
 * the first table with the seeded rows.
 */
async function browserRuns(
  outDir: string,
  runs: number,
  reloads: number,
  log: (line: string) => void,
): Promise<BrowserRuns> {
  let backend: LocalBackend | undefined;
  let host: BuildHost | undefined;
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const newContext = async (storageState?: Awaited<ReturnType<BrowserContext['storageState']>>) => {
    if (!browser) throw new Error('Chromium is not running');
    const context = await browser.newContext({
      locale: 'en-US',
      timezoneId: 'UTC',
      ...(storageState ? { storageState } : {}),
    });
    context.setDefaultTimeout(30_000);
    contexts.push(context);
    return context;
  };
  try {
    log('spa: starting the local backend for the browser runs');
    // The handlers' loggers read their level when the backend wires them: keep stdout for the tables.
    const logLevel = process.env.POWERTOOLS_LOG_LEVEL;
    process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
    try {
      // The local cloud without the lifecycle workflow: the page reads requests, it does not
      // need them to move, and skipping the stack synthesis saves seconds of the section.
      backend = await startLocalBackend();
    } finally {
      if (logLevel === undefined) delete process.env.POWERTOOLS_LOG_LEVEL;
      else process.env.POWERTOOLS_LOG_LEVEL = logLevel;
    }
    host = await serveBuild(outDir, backend);
    log(`spa: seeding ${SEEDED_REQUESTS} requests of ${REQUESTER.displayName}, signing in`);
    await seedRequests(backend, SEEDED_REQUESTS);
    browser = await launchChromium();

    const signInContext = await newContext();
    await signIn(await signInContext.newPage(), host.url, REQUESTER.displayName);
    const session = await signInContext.storageState();
    await signInContext.close();

    const homeContext = await newContext(session);
    const homeAssets = await assetsOfHome(homeContext, host.url);
    await homeContext.close();

    const times: BrowserRuns = { cold: [], warm: [], homeAssets };
    for (let run = 1; run <= runs; run += 1) {
      const context = await newContext(session);
      await installTableProbe(context, MARKER);
      const page = await context.newPage();
      const url = `${host.url}/requests`;
      times.cold.push(await timeFirstTable(page, () => page.goto(url, { waitUntil: 'commit' })));
      for (let i = 0; i < reloads; i += 1) {
        times.warm.push(await timeFirstTable(page, () => page.reload({ waitUntil: 'commit' })));
      }
      await context.close();
      const last = times.cold.at(-1);
      log(`spa: browser run ${run}/${runs}: cold ${Math.round(last?.frame ?? 0)} ms`);
    }
    return times;
  } finally {
    for (const context of contexts) await context.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await host?.stop();
    await backend?.stop();
  }
}

const ms = (value: number) => Math.round(value);

/** Runs the SPA benchmark. */
export async function run(options: RunOptions = { log: () => undefined, quick: false }): Promise<Section> {
  const outDir = mkdtempSync(join(tmpdir(), 'team-bench-web-'));
  try {
    options.log('spa: building web/ with Vite');
    const t0 = Date.now();
    await build(outDir);
    const buildSeconds = Math.round((Date.now() - t0) / 100) / 10;
    const manifestPath = join(outDir, '.vite', 'manifest.json');
    if (!existsSync(manifestPath))
      throw new Error('The Vite build wrote no manifest (build.manifest must be on).');
    const manifest = manifestSchema.parse(JSON.parse(readFileSync(manifestPath, 'utf8')));
    const entry = Object.entries(manifest).find(([, c]) => c.isEntry)?.[0];
    if (!entry) throw new Error('No entry chunk in the Vite manifest.');
    const keysMatching = (pattern: RegExp) => Object.keys(manifest).filter((k) => pattern.test(k));
    const required = (pattern: RegExp, what: string) => {
      const keys = keysMatching(pattern);
      if (keys.length === 0) throw new Error(`No ${what} in the Vite manifest (${String(pattern)}).`);
      return keys;
    };

    // The initial route: the entry, the home page (a lazy route; `/` is where sign-in lands) and
    // Cloudscape's English strings. It is also the signed-in first screen: the GraphQL client that
    // shows its data (`me`; queries and mutations, src/api/graphql-http.ts) is in the entry.
    const initialKeys = [
      entry,
      ...required(/(^|\/)src\/pages\/home\/home-page\.tsx$/, 'home page'),
      ...required(/all\.en\.js$/, "Cloudscape's English strings"),
    ];
    const initial = closure(manifest, initialKeys);
    const js = measure(outDir, initial.js);
    const css = measure(outDir, initial.css);
    // aws-amplify's GraphQL client carries subscriptions only: it loads with a page's first one.
    const realtime = closure(
      manifest,
      required(/aws-amplify\/dist\/esm\/api\/index\.mjs$/, 'aws-amplify/api'),
    );
    const realtimeJs = measure(
      outDir,
      realtime.js.filter((f) => !initial.js.includes(f)),
    );
    const assets = join(outDir, 'assets');
    const allFiles = readdirSync(assets).map((f) => `assets/${f}`);
    const allJs = measure(
      outDir,
      allFiles.filter((f) => f.endsWith('.js')),
    );
    const allCss = measure(
      outDir,
      allFiles.filter((f) => f.endsWith('.css')),
    );

    const runs = options.quick ? 2 : 5;
    const reloads = options.quick ? 1 : 2;
    const times = await browserRuns(outDir, runs, reloads, options.log);
    // The manifest's closure against what Chromium fetched for the signed-in home page.
    const homeJs = times.homeAssets.filter((f) => f.endsWith('.js'));
    const fetchedJs = measure(outDir, homeJs);
    const unexpected = homeJs.filter((f) => !initial.js.includes(f));

    const src = 'baseline §5: CRA build, one JS chunk main.js + main.css (everything)';
    const originalTotalGzip = ORIGINAL_SPA.jsGzip + ORIGINAL_SPA.cssGzip;
    const fig = (
      label: string,
      value: number,
      original: number | null,
      target?: Figure['target'],
    ): Figure => ({
      label,
      unit: 'kB',
      value: kB(value),
      original: original === null ? null : kB(original),
      originalSource: src,
      ...(target ? { target } : {}),
    });
    const figures: Figure[] = [
      fig('initial route JS, gzip', js.gzip, ORIGINAL_SPA.jsGzip),
      fig('initial route CSS, gzip', css.gzip, ORIGINAL_SPA.cssGzip),
      fig('initial route JS + CSS, gzip', js.gzip + css.gzip, originalTotalGzip),
      fig('initial route JS, raw', js.raw, ORIGINAL_SPA.jsRaw),
      fig('initial route CSS, raw', css.raw, ORIGINAL_SPA.cssRaw),
      {
        ...fig(
          'signed-in first screen JS, gzip (entry, home page, English strings, GraphQL client)',
          js.gzip,
          ORIGINAL_SPA.jsGzip,
          { max: 300 },
        ),
        id: 'spa.signedInFirstScreen.gzipKb',
      },
      fig('whole app JS + CSS, gzip (every route)', allJs.gzip + allCss.gzip, originalTotalGzip),
    ];
    // Baseline §5 measured the original's bundle only, never a page in a browser: no original.
    const timing = (label: string, samples: readonly TableTiming[], p: number): Figure => ({
      label,
      unit: 'ms',
      value: ms(
        percentile(
          samples.map((t) => t.frame),
          p,
        ),
      ),
      original: null,
    });
    figures.push(
      timing('time to first table rendered, cold (new context), p50', times.cold, 50),
      timing('time to first table rendered, cold (new context), max', times.cold, 100),
      timing('time to first table rendered, warm (reload), p50', times.warm, 50),
      timing('time to first table rendered, warm (reload), max', times.warm, 100),
    );
    const timingRow = (what: string, samples: readonly TableTiming[]): Table['rows'][number] => {
      const fcp = samples.flatMap((t) => (t.firstContentfulPaint === null ? [] : [t.firstContentfulPaint]));
      return [
        what,
        samples.length,
        ms(
          percentile(
            samples.map((t) => t.frame),
            50,
          ),
        ),
        ms(
          percentile(
            samples.map((t) => t.frame),
            100,
          ),
        ),
        ms(
          percentile(
            samples.map((t) => t.dom),
            50,
          ),
        ),
        fcp.length ? ms(percentile(fcp, 50)) : null,
        null,
      ];
    };
    const timingTable: Table = {
      title: `Time to first table rendered in headless Chromium (My requests, ${SEEDED_REQUESTS} requests)`,
      columns: [
        'load',
        'runs',
        'p50 ms',
        'max ms',
        'rows in DOM p50 ms',
        'first paint p50 ms',
        'original ms',
      ],
      rows: [timingRow('cold: new browser context', times.cold), timingRow('warm: reload', times.warm)],
      notes: [
        `From navigation start to the first animation frame after the table body holds the seeded requests (a MutationObserver installed before the app's scripts); the requester is signed in (tokens in localStorage), the page is /requests opened directly.`,
        'Cold: a new browser context (empty HTTP cache) per run; warm: reloads in that context (hashed assets from the cache, config.json and index.html revalidated).',
        'Served from 127.0.0.1 against the local cloud (AppSync emulator, api handler, DynamoDB Local): no network latency, so this is the client-side cost plus the local backend.',
        'The original has no such figure (baseline §5 measured only its bundle): —.',
      ],
    };
    const row = (what: string, s: Sizes): Table['rows'][number] => [
      what,
      s.files,
      kB(s.raw),
      kB(s.gzip),
      kB(s.brotli),
    ];
    const table: Table = {
      title: 'What is downloaded (kB = 1,000 bytes; gzip -9, brotli 11)',
      columns: ['part', 'files', 'raw kB', 'gzip kB', 'brotli kB'],
      rows: [
        row('initial route JS', js),
        row('initial route CSS', css),
        row('signed-in home page in Chromium: JS fetched', fetchedJs),
        row('aws-amplify GraphQL client, with the first subscription (JS)', realtimeJs),
        row('every JS chunk', allJs),
        row('every CSS file', allCss),
        ['original main.js', 1, kB(ORIGINAL_SPA.jsRaw), kB(ORIGINAL_SPA.jsGzip), 340.7],
        ['original main.css', 1, kB(ORIGINAL_SPA.cssRaw), kB(ORIGINAL_SPA.cssGzip), null],
      ],
      notes: [
        `Initial route = the entry chunk with its static imports and CSS, the home page chunk and Cloudscape's English strings (from the Vite manifest). Vite build took ${buildSeconds} s.`,
        "Signed-in first screen = the initial route's JS: queries and mutations (here `me`) go over HTTP from the entry (src/api/graphql-http.ts); aws-amplify's GraphQL client, for subscriptions, loads with a page's first one, which the home page does not open.",
        unexpected.length
          ? `Chromium fetched JS for the signed-in home page that the manifest's closure leaves out: ${unexpected.join(', ')}.`
          : `Chromium fetched no JS for the signed-in home page beyond the manifest's closure (${homeJs.length} of its ${initial.js.length} files).`,
      ],
    };
    return {
      id: 'spa',
      title: 'SPA bundle: initial route and signed-in first screen vs the original',
      figures: [
        {
          title:
            'Initial route size, signed-in first screen and time to first table vs the original (lower is better)',
          figures,
        },
      ],
      tables: [table, timingTable],
      notes: [
        `Browser timings: /usr/bin/chromium headless via playwright-core, ${runs} cold loads and ${times.warm.length} warm reloads.`,
      ],
      data: {
        buildSeconds,
        initial: { js, css, files: initial },
        realtimeClient: realtimeJs,
        signedInHome: { fetched: times.homeAssets, jsFetched: fetchedJs, jsOutsideClosure: unexpected },
        all: { js: allJs, css: allCss },
        firstTable: { seededRequests: SEEDED_REQUESTS, cold: times.cold, warm: times.warm },
      },
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}
