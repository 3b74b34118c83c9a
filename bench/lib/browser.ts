/**
 * The SPA in headless Chromium for the benchmarks: a host that serves one Vite build against the
 * local cloud (as `local/web-host.ts` serves `web/dist`, but from any folder, so a benchmark can
 * time the very build it measured without touching `web/dist`), and a probe that records when
 * the first table with data rows is on screen.
 */
import type { BrowserContext, Page } from 'playwright-core';
import { z } from 'zod';
import { runtimeConfigSchema } from '../../lambdas/contract/runtime-config';
import { hostOf } from '../../local/appsync';
import type { LocalBackend } from '../../local/backend';
import { localRuntimeConfig } from '../../local/cloud';
import { startWebHost, type RunningWebHost } from '../../local/web-host';

export type BuildHost = RunningWebHost;

/**
 * Serves the Vite build in `dir` on 127.0.0.1 against `backend` with the local web host (hashed
 * assets cacheable for a year, as CloudFront sends them, so a reload measures a warm cache;
 * every other path the app with the realtime shim) and the local cloud's runtime config, checked
 * against the SPA's own schema so the two cannot drift apart unnoticed.
 */
export async function serveBuild(dir: string, backend: LocalBackend): Promise<BuildHost> {
  const config = (appUrl: string) =>
    runtimeConfigSchema.parse(
      localRuntimeConfig(backend, appUrl, { version: 'bench', sessionLogs: 'cloudtrail-lake' }),
    );
  const host = await startWebHost({
    mode: 'dist',
    distDir: dir,
    shimHosts: () => [hostOf(backend.urls.graphql), hostOf(backend.urls.auth)],
    runtimeConfig: config,
  });
  try {
    config(host.url);
  } catch (error) {
    await host.stop();
    throw new Error(`the runtime config the bench host would serve is invalid: ${String(error)}`);
  }
  backend.auth.registerRedirectUri(`${host.url}/`);
  return host;
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
