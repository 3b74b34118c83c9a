/**
 * The SPA in headless Chromium for the benchmarks: a host that serves one Vite build against the
 * local cloud (as `local/web-host.ts` serves `web/dist`, but from any folder, so a benchmark can
 * time the very build it measured without touching `web/dist`), and a probe that records when
 * the first table with data rows is on screen.
 */
import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';
import { runtimeConfigSchema } from '../../web/src/common/runtime-config';
import { hostOf, injectRealtimeShim } from '../../local/appsync';
import { LOCAL_CLIENT_ID, LOCAL_REGION, type LocalBackend } from '../../local/backend';

export interface BuildHost {
  /** The app's URL (http://127.0.0.1:port, no trailing slash). */
  url: string;
  stop(): Promise<void>;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
};

/**
 * Serves the Vite build in `dir` on 127.0.0.1 against `backend`: `/config.json` pointing at the
 * local services, hashed assets cacheable for a year (as CloudFront and the local web host send
 * them, so a reload measures a warm cache), every other path the app with the realtime shim.
 */
export async function serveBuild(dir: string, backend: LocalBackend): Promise<BuildHost> {
  const root = resolve(dir);
  const indexPath = join(root, 'index.html');
  if (!existsSync(indexPath)) throw new Error(`${dir} holds no Vite build (index.html is missing)`);
  const shimHosts = [hostOf(backend.urls.graphql), hostOf(backend.urls.auth)];
  const indexHtml = injectRealtimeShim(readFileSync(indexPath, 'utf8'), shimHosts);
  let appUrl = '';
  let config = '';

  const fileFor = (pathname: string): string | undefined => {
    const file = normalize(join(root, decodeURIComponent(pathname)));
    if (!file.startsWith(root + sep)) return undefined;
    return existsSync(file) && statSync(file).isFile() ? file : undefined;
  };

  const server: Server = createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://local').pathname;
    if (pathname === '/config.json') {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(config);
      return;
    }
    const file = pathname === '/' ? undefined : fileFor(pathname);
    if (file) {
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache',
      });
      createReadStream(file).pipe(res);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-cache' });
    res.end(indexHtml);
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The same runtime config `local/cloud.ts` serves; the SPA's own schema guards against drift.
  const parsed = runtimeConfigSchema.safeParse({
    region: LOCAL_REGION,
    userPoolId: backend.auth.userPoolId,
    userPoolClientId: LOCAL_CLIENT_ID,
    oauthDomain: hostOf(backend.urls.auth),
    redirectSignIn: `${appUrl}/`,
    redirectSignOut: `${appUrl}/`,
    graphqlUrl: backend.urls.graphql,
    appUrl,
    idcStartUrl: `${appUrl}/local/portal`,
    version: 'bench',
    sessionLogs: 'cloudtrail-lake',
  });
  if (!parsed.success) {
    server.close();
    throw new Error(`the runtime config the bench host would serve is invalid: ${parsed.error.message}`);
  }
  config = JSON.stringify(parsed.data);
  backend.auth.registerRedirectUri(`${appUrl}/`);
  return {
    url: appUrl,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** Where the probe leaves its findings on `window`. */
const PROBE_KEY = '__teamFirstTable';

/**
 * Page script (a string: it runs in the browser, before the app's scripts) that watches the DOM
 * and records, relative to navigation start, when a table body first holds a row containing
 * `marker` (`dom`) and the next animation frame after that (`frame`: the rows are painted).
 */
function probeScript(marker: string): string {
  return `(() => {
  const marker = ${JSON.stringify(marker)};
  const state = { dom: undefined, frame: undefined, rows: 0 };
  window[${JSON.stringify(PROBE_KEY)}] = state;
  const rowsWithMarker = () => {
    let n = 0;
    for (const row of document.querySelectorAll('table tbody tr')) {
      if ((row.textContent || '').includes(marker)) n += 1;
    }
    return n;
  };
  const observer = new MutationObserver(() => {
    const rows = rowsWithMarker();
    if (rows === 0) return;
    state.dom = performance.now();
    state.rows = rows;
    observer.disconnect();
    requestAnimationFrame(() => { state.frame = performance.now(); });
  });
  observer.observe(document, { childList: true, subtree: true, characterData: true });
})();`;
}

const probeSchema = z.object({
  dom: z.number(),
  frame: z.number(),
  rows: z.number(),
  firstContentfulPaint: z.number().nullable(),
});

/** One page load: milliseconds from navigation start. */
export type TableTiming = z.infer<typeof probeSchema>;

/** Installs the first-table probe in every page of `context` (call before opening pages). */
export async function installTableProbe(context: BrowserContext, marker: string): Promise<void> {
  await context.addInitScript({ content: probeScript(marker) });
}

/**
 * Loads the page (`navigate`: goto or reload) and waits, on the DOM and not on a clock, until
 * the probe has seen a table row with the marker painted; returns the probe's times.
 */
export async function timeFirstTable(
  page: Page,
  navigate: () => Promise<unknown>,
  timeoutMs = 30_000,
): Promise<TableTiming> {
  await navigate();
  const done = `(() => { const s = window[${JSON.stringify(PROBE_KEY)}]; return s !== undefined && s.frame !== undefined; })()`;
  await page.waitForFunction(done, undefined, { timeout: timeoutMs });
  const raw: unknown = await page.evaluate(`(() => {
    const s = window[${JSON.stringify(PROBE_KEY)}];
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { dom: s.dom, frame: s.frame, rows: s.rows, firstContentfulPaint: fcp ? fcp.startTime : null };
  })()`);
  return probeSchema.parse(raw);
}
